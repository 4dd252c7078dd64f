package dev.adjoint.openvino.engine;

import dev.adjoint.Conv2dLayer;
import dev.adjoint.Tensor;
import dev.adjoint.core.Shape;
import dev.adjoint.op.Conv2dSpec;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.engine.EpilogueFusion.FusedConvolution;
import dev.adjoint.openvino.engine.Plan.Const;
import dev.adjoint.openvino.engine.Plan.Operand;
import dev.adjoint.openvino.engine.Plan.SlotRef;
import dev.adjoint.openvino.engine.Plan.Step;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Joins MobileNet-v2's inverted residual blocks — a convolution (the 1x1 expansion; the 3x3 stem before the first
 * block), a 3x3 depthwise GroupConvolution and a 1x1 convolution (the projection), each already fused with its bias,
 * clamp and, for the projection, the shortcut by {@link EpilogueFusion} — into one step that runs them as
 * {@code Tensor.conv2dBlock}: the CPU backend computes such a block in bands of rows, so that the wide tensors between
 * its layers never go to memory.
 *
 * <p>Steps are joined when each reads the one before as its first input, is that value's only reader (and the value
 * no model output), has constant filters of the shapes above, a float32 output, and no shortcut but for the
 * projection. Without such a first layer, the depthwise layer and the projection are joined. The block step takes
 * the projection's place, node and layer. At run time it falls back to the steps' own kernels when a layer's geometry
 * is not one {@code conv2d} (negative pads) or the shortcut's shape is not the output's (a dynamic batch that the Add
 * broadcasts).
 */
final class BlockFusion {
    private BlockFusion() {
    }

    static List<Step> fuse(List<Step> steps, List<Operand> outputs) {
        Map<Integer, Integer> readers = Fusion.readers(steps, outputs);
        Map<Integer, Step> writerOf = new HashMap<>();
        for (Step s : steps) {
            for (int slot : s.outputSlots()) {
                writerOf.put(slot, s);
            }
        }
        Map<Step, Step> replaced = new IdentityHashMap<>();
        Set<Step> absorbed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Step project : steps) {
            FusedConvolution p = convolution(project, "Convolution", 1);
            if (p == null || absorbed.contains(project)) {
                continue;
            }
            Step depthwise = soleWriter(project, readers, writerOf);
            FusedConvolution d = depthwise == null ? null : convolution(depthwise, "GroupConvolution", 3);
            if (d == null || d.shortcut() || absorbed.contains(depthwise)) {
                continue;
            }
            Step expand = soleWriter(depthwise, readers, writerOf);
            FusedConvolution e = expand == null ? null : convolution(expand, "Convolution", 0);
            if (e == null || e.shortcut() || absorbed.contains(expand)) {
                expand = null;
            }
            List<Step> block = expand == null ? List.of(depthwise, project) : List.of(expand, depthwise, project);
            replaced.put(project, blockStep(block));
            absorbed.addAll(block);
        }
        // The block's step takes the projection's place: its inputs (the first layer's, and the shortcut) are ready
        // there, and its output is the projection's.
        return Fusion.replace(steps, replaced, absorbed);
    }

    /**
     * {@code s}'s fused convolution when it is a {@code type} layer whose constant filters have a {@code size x size}
     * window (any, for 0; grouped: one input channel a group) and whose output is float32; null otherwise.
     */
    private static FusedConvolution convolution(Step s, String type, int size) {
        if (!(s.kernel() instanceof EpilogueFusion.Named named) || !(named.kernel() instanceof FusedConvolution c)
                || !s.node().is(type) || s.node().outputs().get(0).type() != ElementType.F32) {
            return null;
        }
        Tensor filters = c.prepared().constantFilters();
        boolean window = size == 0 || filters != null && filters.dim(2) == size && filters.dim(3) == size;
        return filters != null && filters.rank() == 4 && window
                && (!type.equals("GroupConvolution") || filters.dim(1) == 1) ? c : null;
    }

    /** The step that writes {@code s}'s first input, when {@code s} is its only reader and it is no model output. */
    private static Step soleWriter(Step s, Map<Integer, Integer> readers, Map<Integer, Step> writerOf) {
        if (!(s.inputs().getFirst() instanceof SlotRef r) || readers.getOrDefault(r.slot(), 0) != 1) {
            return null;
        }
        Step writer = writerOf.get(r.slot());
        return writer != null && writer.outputSlots().length == 1 ? writer : null;
    }

    private static Step blockStep(List<Step> block) {
        Step first = block.getFirst(), project = block.getLast();
        FusedConvolution[] layers = block.stream()
                .map(s -> (FusedConvolution) ((EpilogueFusion.Named) s.kernel()).kernel())
                .toArray(FusedConvolution[]::new);
        boolean shortcut = layers[layers.length - 1].shortcut();
        List<Operand> inputs = shortcut ? List.of(first.inputs().getFirst(), project.inputs().get(3))
                : List.of(first.inputs().getFirst());
        Block kernel = new Block(block, layers);
        String execType = String.join("+", block.stream().map(Step::execType).toList());
        String names = String.join("', '", block.stream().map(s -> s.node().name()).toList());
        // The projection's node and layer: the engine checks the step's output against that node's.
        return new Step(project.node(), Plan.Kind.OP, new EpilogueFusion.Named(names, kernel), inputs,
                project.outputSlots(), null, project.layer(), execType);
    }

    /** The block's kernel: inputs x and, where the projection has one, its shortcut. */
    private static final class Block implements Kernel {
        private final List<Step> steps;
        private final FusedConvolution[] layers;
        /** The layers for the last input shape (null: that shape falls back to the steps' own kernels). */
        private volatile Snapshot last;

        private record Snapshot(int[] xDims, List<Conv2dLayer> layers, Shape out) {
        }

        Block(List<Step> steps, FusedConvolution[] layers) {
            this.steps = steps;
            this.layers = layers;
        }

        @Override
        public List<Tensor> run(Layer layer, List<OvTensor> in) {
            Tensor x = in.getFirst().tensor();
            Tensor shortcut = in.size() > 1 ? in.get(1).tensor() : null;
            Snapshot s = last;
            if (s == null || !Arrays.equals(s.xDims(), x.shape().dims())) {
                s = snapshot(x.shape().dims());
                last = s;
            }
            if (s.layers() == null || shortcut != null && !shortcut.shape().equals(s.out())) {
                return stepByStep(x, shortcut);
            }
            return List.of(x.conv2dBlock(s.layers(), shortcut));
        }

        /**
         * The layers as {@code conv2d}s for an input of {@code xDims}, and the block's output shape; no layers when
         * one is not a single conv2d.
         */
        private Snapshot snapshot(int[] xDims) {
            List<Conv2dLayer> out = new ArrayList<>(layers.length);
            int[] dims = xDims.clone();
            for (FusedConvolution c : layers) {
                Conv2dSpec spec = c.prepared().spec2d(dims);
                Tensor filters = c.prepared().constantFilters();
                if (spec == null || dims[1] != filters.dim(1) * spec.groups()) {
                    return new Snapshot(xDims, null, null);
                }
                out.add(new Conv2dLayer(filters, c.bias(), spec, c.low(), c.high()));
                dims = new int[] {dims[0], filters.dim(0), spec.outHeight(dims[2], filters.dim(2)),
                        spec.outWidth(dims[3], filters.dim(3))};
            }
            return new Snapshot(xDims, out, Shape.of(dims));
        }

        /** The steps' own kernels in turn, each given its constants and the value before it. */
        private List<Tensor> stepByStep(Tensor x, Tensor shortcut) {
            Tensor value = x;
            for (Step step : steps) {
                List<OvTensor> in = new ArrayList<>(step.inputs().size());
                for (int i = 0; i < step.inputs().size(); i++) {
                    Operand o = step.inputs().get(i);
                    in.add(i == 0 ? OvTensor.of(value) : o instanceof Const c ? c.value() : OvTensor.of(shortcut));
                }
                Tensor next = step.kernel().run(step.layer(), in).getFirst();
                if (value != x) {
                    value.release();
                }
                value = next;
            }
            return List.of(value);
        }
    }
}
