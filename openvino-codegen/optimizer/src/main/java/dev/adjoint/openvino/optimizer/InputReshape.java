package dev.adjoint.openvino.optimizer;

import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.IrValidationException;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.PartialShape;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives model inputs the shapes the user asked for ({@code --input "x[1,3,224,224]"}) and infers every shape again,
 * as OpenVINO's {@code Model::reshape}. It runs first: with static input shapes, {@code ShapeOf} subgraphs become
 * constants and the later passes see static shapes. An input is named by its friendly name or any of its tensor
 * names; a static rank must be kept. Counts the inputs whose shape changed.
 */
public final class InputReshape implements Pass {
    private final Map<String, PartialShape> shapes;

    /** @param shapes input name to new shape, in the user's order; the key {@code ""} names the only input */
    public InputReshape(Map<String, PartialShape> shapes) {
        this.shapes = new LinkedHashMap<>(shapes);
    }

    @Override
    public String name() {
        return "input-reshape";
    }

    @Override
    public Result apply(IrModel model) {
        Map<Node, PartialShape> target = resolve(model, shapes);
        String asked = describe(target);
        try {
            return GraphRewriter.rewrite(model, (n, inputs, r) -> {
                PartialShape s = target.get(n);
                if (s == null || s.equals(n.outputs().get(0).shape())) {
                    return null;
                }
                Node p = r.builder().op("Parameter", 0, n.name(), Attributes.of("shape", s, "element_type",
                        n.outputs().get(0).type()));
                r.builder().setTensorNames(p.output(0), n.outputs().get(0).names());
                return new GraphRewriter.Replacement(List.of(p.output(0)), false);
            });
        } catch (IrValidationException e) {
            throw new OptimizerException("the model cannot take the input shapes " + asked + ": " + e.getMessage(), e);
        }
    }

    /** Finds each named input and checks the rank. */
    static Map<Node, PartialShape> resolve(IrModel model, Map<String, PartialShape> shapes) {
        Map<Node, PartialShape> out = new IdentityHashMap<>();
        for (Map.Entry<String, PartialShape> e : shapes.entrySet()) {
            Node p = parameter(model, e.getKey());
            PartialShape old = p.outputs().get(0).shape();
            PartialShape s = e.getValue();
            if (old.isRankStatic() && s.isRankStatic() && old.rank() != s.rank()) {
                throw new OptimizerException("input '" + e.getKey() + "' has rank " + old.rank() + " (shape "
                        + old + "); the shape given, " + s + ", has rank " + s.rank());
            }
            if (out.put(p, s) != null) {
                throw new OptimizerException("input '" + e.getKey() + "' is given a shape twice");
            }
        }
        return out;
    }

    /** The Parameter named {@code name} (friendly or tensor name), or the only one for {@code ""}. */
    static Node parameter(IrModel model, String name) {
        if (name.isEmpty()) {
            if (model.parameters().size() != 1) {
                throw new OptimizerException("the model has " + model.parameters().size() + " inputs " + names(model)
                        + ": name the input, e.g. " + example(model));
            }
            return model.parameters().get(0);
        }
        for (Node p : model.parameters()) {
            if (p.name().equals(name) || p.outputs().get(0).names().contains(name)) {
                return p;
            }
        }
        throw new OptimizerException("the model has no input '" + name + "'; its inputs are " + names(model));
    }

    static List<String> names(IrModel model) {
        List<String> out = new ArrayList<>();
        for (Node p : model.parameters()) {
            var tensorNames = p.outputs().get(0).names();
            out.add((tensorNames.isEmpty() ? p.name() : tensorNames.first()) + p.outputs().get(0).shape());
        }
        return out;
    }

    private static String example(IrModel model) {
        return model.parameters().isEmpty() ? "" : "\"" + model.parameters().get(0).name() + "[...]\"";
    }

    private static String describe(Map<Node, PartialShape> target) {
        List<String> parts = new ArrayList<>();
        target.forEach((n, s) -> parts.add(n.name() + s));
        return String.join(", ", parts);
    }
}
