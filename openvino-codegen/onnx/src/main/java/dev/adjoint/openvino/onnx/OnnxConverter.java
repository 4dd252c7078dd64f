package dev.adjoint.openvino.onnx;

import dev.adjoint.openvino.ir.Dimension;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.GraphBuilder;
import dev.adjoint.openvino.ir.IrFormatException;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.MetaValue;
import dev.adjoint.openvino.ir.NodeOutput;
import dev.adjoint.openvino.ir.PartialShape;
import dev.adjoint.openvino.onnx.proto.OnnxProto.GraphProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.ModelProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.NodeProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.TensorProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.TensorShapeProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.TypeProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Converts one {@code ModelProto}'s main graph into an IR model (one instance per model). */
final class OnnxConverter {
    private final String source;
    private final Path baseDir;
    private final GraphBuilder graph;
    private final Map<String, NodeOutput> values = new HashMap<>();
    /** Outputs a node declares but the converter does not produce, with the reason. */
    private final Map<String, String[]> missing = new HashMap<>();
    private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
    private final Map<NodeOutput, Set<String>> tensorNames = new LinkedHashMap<>();
    private int opset;

    OnnxConverter(String source, Path baseDir, String modelName) {
        this.source = source;
        this.baseDir = baseDir;
        this.graph = new GraphBuilder(modelName);
    }

    GraphBuilder graph() {
        return graph;
    }

    IrModel convert(ModelProto model) throws IOException {
        try {
            return convertGraph(model);
        } catch (IllegalArgumentException | ArithmeticException | IndexOutOfBoundsException e) {
            // Graph-level rules broken outside any node (a Result of a bad value, a rank over the limit...).
            throw error(null, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private IrModel convertGraph(ModelProto model) throws IOException {
        opset = defaultOpset(model);
        GraphProto g = model.getGraph();
        if (g.getSparseInitializerCount() > 0) {
            throw error(null, "sparse initializers are not supported");
        }
        for (TensorProto t : g.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        for (ValueInfoProto input : g.getInputList()) {
            if (initializers.containsKey(input.getName())) {
                continue; // IR < 4 lists initializers among the inputs; they stay constants
            }
            if (values.containsKey(input.getName())) {
                throw error(null, "graph input '" + input.getName() + "' is declared twice");
            }
            NodeOutput p;
            try {
                p = graph.parameter(input.getName(), elementType(input), shape(input)).output(0);
            } catch (IllegalArgumentException e) {
                throw error(null, "graph input '" + input.getName() + "': " + e.getMessage());
            }
            define(input.getName(), p);
        }
        int index = 0;
        for (NodeProto node : g.getNodeList()) {
            convertNode(node, index++);
        }
        for (ValueInfoProto info : g.getValueInfoList()) {
            NodeOutput v = values.get(info.getName());
            if (v != null) {
                checkDeclared("value_info", info, v);
            }
        }
        if (g.getOutputCount() == 0) {
            throw error(null, "the graph has no outputs");
        }
        for (ValueInfoProto output : g.getOutputList()) {
            NodeOutput v = value(output.getName(), null);
            checkDeclared("graph output", output, v);
            graph.result(output.getName(), v);
        }
        for (Map.Entry<NodeOutput, Set<String>> e : tensorNames.entrySet()) {
            graph.setTensorNames(e.getKey(), e.getValue());
        }
        Map<String, MetaValue> framework = new LinkedHashMap<>();
        framework.put("name", new MetaValue.Leaf("onnx"));
        framework.put("opset", new MetaValue.Leaf(Integer.toString(opset)));
        framework.put("producer", new MetaValue.Leaf((model.getProducerName() + " "
                + model.getProducerVersion()).strip()));
        graph.putModelRtInfo("framework", new MetaValue.Section(framework));
        return graph.build();
    }

    private int defaultOpset(ModelProto model) throws IrFormatException {
        Integer found = null;
        for (OperatorSetIdProto id : model.getOpsetImportList()) {
            if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) {
                found = (int) id.getVersion();
            }
        }
        if (found == null) {
            throw error(null, "the model imports no version of the default ONNX domain (opset_import is empty);"
                    + " models of IR version < 3 are not supported");
        }
        if (found < OnnxFrontend.MIN_OPSET || found > OnnxFrontend.MAX_OPSET) {
            throw error(null, "default-domain opset " + found + " is not supported (supported: "
                    + OnnxFrontend.MIN_OPSET + ".." + OnnxFrontend.MAX_OPSET + ")");
        }
        return found;
    }

    private void convertNode(NodeProto node, int index) throws IOException {
        String domain = node.getDomain().isEmpty() ? "ai.onnx" : node.getDomain();
        String where = describe(node, index, domain);
        if (!domain.equals("ai.onnx")) {
            throw error(where, "domain " + domain + " is not supported (only the default ONNX domain is)");
        }
        OnnxOps.Converter converter = OnnxOps.converter(node.getOpType());
        if (converter == null) {
            throw error(where, "op " + node.getOpType() + " is not supported");
        }
        List<NodeOutput> inputs = new ArrayList<>();
        for (String in : node.getInputList()) {
            inputs.add(in.isEmpty() ? null : value(in, where));
        }
        String base = !node.getName().isEmpty() ? node.getName()
                : node.getOutputCount() > 0 && !node.getOutput(0).isEmpty() ? node.getOutput(0)
                : node.getOpType() + "_" + index;
        List<NodeOutput> outputs;
        NodeContext c;
        try {
            c = new NodeContext(this, node, opset, base, inputs);
            outputs = converter.convert(c);
        } catch (UnsupportedOperationException e) {
            throw error(where, e.getMessage());
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw error(where, e.getMessage() == null ? e.toString() : e.getMessage());
        } catch (RuntimeException e) {
            // A malformed node (a Constant without outputs, say) must still end as one error naming it.
            throw error(where, "cannot be converted: " + e);
        }
        List<String> unread = c.unreadAttributes();
        if (!unread.isEmpty()) {
            throw error(where, "attribute" + (unread.size() > 1 ? "s " : " ") + String.join(", ", unread)
                    + (unread.size() > 1 ? " are" : " is") + " not supported");
        }
        for (int k = 0; k < node.getOutputCount(); k++) {
            String name = node.getOutput(k);
            if (name.isEmpty()) {
                continue;
            }
            if (k < outputs.size() && outputs.get(k) != null) {
                define(name, outputs.get(k));
            } else {
                missing.put(name, new String[] {where, "output " + k + " ('" + name + "') is not supported"});
            }
        }
    }

    /** A declared type and shape (value_info) must agree with what the conversion infers. */
    private void checkDeclared(String what, ValueInfoProto declared, NodeOutput v) throws IrFormatException {
        if (declared.getType().getValueCase() != TypeProto.ValueCase.TENSOR_TYPE) {
            return;
        }
        TypeProto.Tensor t = declared.getType().getTensorType();
        if (t.getElemType() != 0) {
            ElementType type;
            try {
                type = OnnxTensors.elementType(t.getElemType());
            } catch (IllegalArgumentException e) {
                throw error(null, what + " '" + declared.getName() + "': " + e.getMessage());
            }
            if (type != v.type()) {
                throw error(null, what + " '" + declared.getName() + "' is declared " + type.irName()
                        + " but converts to " + v.type().irName());
            }
        }
        PartialShape shape = shape(declared);
        if (shape.merge(v.shape()).isEmpty()) {
            throw error(null, what + " '" + declared.getName() + "' is declared " + shape + " but converts to "
                    + v.shape());
        }
    }

    private static String describe(NodeProto node, int index, String domain) {
        String name = node.getName().isEmpty() ? "#" + index : "\"" + node.getName() + "\"";
        return "node " + name + " (" + node.getOpType() + ", domain " + domain + ")";
    }

    private void define(String name, NodeOutput v) throws IrFormatException {
        if (values.containsKey(name)) {
            throw error(null, "value '" + name + "' is produced twice (ONNX graphs are single-assignment)");
        }
        values.put(name, v);
        tensorNames.computeIfAbsent(v, k -> new LinkedHashSet<>()).add(name);
    }

    private NodeOutput value(String name, String where) throws IOException {
        NodeOutput v = values.get(name);
        if (v != null) {
            return v;
        }
        TensorProto t = initializers.get(name);
        if (t != null) {
            OnnxTensors.Value c;
            try {
                c = OnnxTensors.read(t, baseDir);
                v = graph.constant(name, c.type(), c.dims(), c.data()).output(0);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw error(null, "initializer '" + name + "': " + e.getMessage());
            }
            define(name, v);
            return v;
        }
        if (missing.containsKey(name)) {
            throw error(missing.get(name)[0], missing.get(name)[1] + ", but it is used");
        }
        throw error(where, "value '" + name + "' is not defined before it is used (ONNX nodes must be in"
                + " topological order)");
    }

    /** Layer text of an error: the node with op type and domain, plus the model's default-domain opset. */
    private IrFormatException error(String where, String rule) {
        return new IrFormatException(source, where == null ? null : where.replace(")", ", opset " + opset + ")"),
                rule);
    }

    private static TypeProto.Tensor tensorType(ValueInfoProto v) {
        TypeProto t = v.getType();
        return switch (t.getValueCase()) {
            case TENSOR_TYPE -> t.getTensorType();
            case VALUE_NOT_SET -> throw new IllegalArgumentException("has no type");
            default -> throw new IllegalArgumentException("is of ONNX type " + t.getValueCase().name()
                    .toLowerCase(java.util.Locale.ROOT).replace("_type", "")
                    + ", which IR has no counterpart for (only tensors)");
        };
    }

    private static ElementType elementType(ValueInfoProto v) {
        return OnnxTensors.elementType(tensorType(v).getElemType());
    }

    private static PartialShape shape(ValueInfoProto v) {
        TypeProto.Tensor t = tensorType(v);
        if (!t.hasShape()) {
            return PartialShape.dynamicRank();
        }
        List<Dimension> dims = new ArrayList<>();
        for (TensorShapeProto.Dimension d : t.getShape().getDimList()) {
            if (d.hasDimValue() && d.getDimValue() >= 0) {
                dims.add(Dimension.of(d.getDimValue()));
            } else {
                dims.add(Dimension.dynamic()); // dim_param (a named, e.g. batch, dimension) or unknown
            }
        }
        return PartialShape.of(dims);
    }
}
