package dev.adjoint.openvino.engine;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.openvino.engine.host.DetectionOutputs;
import dev.adjoint.openvino.engine.host.PriorBoxes;
import java.util.List;

/**
 * PriorBox, PriorBoxClustered and DetectionOutput: the engine's side of the host-side reference kernels in
 * {@code host}. Inputs go to the host as float32, results come back to the first input's device. In a compiled
 * model PriorBox usually runs once, folded, because its inputs are constant or static shapes.
 */
final class Detection {
    private Detection() {
    }

    static Tensor priorBox(Layer l, List<OvTensor> in, boolean v8) {
        long[] size = OpTable.longs(in, 0);
        long[] image = OpTable.longs(in, 1);
        requirePair(size, "output_size");
        requirePair(image, "image_size");
        PriorBoxes.PriorBoxAttributes a = new PriorBoxes.PriorBoxAttributes(floats(l, "min_size"),
                floats(l, "max_size"), floats(l, "aspect_ratio"), l.getBool("flip"), l.getBool("clip"),
                (float) l.getDouble("step"), (float) l.getDouble("offset"), floats(l, "variance"),
                l.getBool("scale_all_sizes"), floats(l, "fixed_ratio"), floats(l, "fixed_size"), floats(l, "density"),
                !v8 || l.getBool("min_max_aspect_ratios_order"));
        int priors = Math.toIntExact(dev.adjoint.openvino.ir.PriorBoxCounts.count(l.attrs()));
        float[] out = PriorBoxes.priorBox(Math.toIntExact(size[0]), Math.toIntExact(size[1]),
                Math.toIntExact(image[0]), Math.toIntExact(image[1]), a, priors);
        return Tensor.of(out, Shape.of(2, out.length / 2)).to(OpTable.t(in, 0).device());
    }

    static Tensor priorBoxClustered(Layer l, List<OvTensor> in) {
        long[] size = OpTable.longs(in, 0);
        long[] image = OpTable.longs(in, 1);
        requirePair(size, "output_size");
        requirePair(image, "image_size");
        PriorBoxes.ClusteredAttributes a = new PriorBoxes.ClusteredAttributes(floats(l, "width"), floats(l, "height"),
                l.getBool("clip"), (float) l.getDouble("step"), (float) l.getDouble("step_w"),
                (float) l.getDouble("step_h"), (float) l.getDouble("offset"), floats(l, "variance"));
        float[] out = PriorBoxes.priorBoxClustered(Math.toIntExact(size[0]), Math.toIntExact(size[1]),
                Math.toIntExact(image[0]), Math.toIntExact(image[1]), a);
        return Tensor.of(out, Shape.of(2, out.length / 2)).to(OpTable.t(in, 0).device());
    }

    static Tensor detectionOutput(Layer l, List<OvTensor> in, boolean v0) {
        Tensor loc = OpTable.t(in, 0);
        Tensor conf = OpTable.t(in, 1);
        Tensor priors = OpTable.t(in, 2);
        if (loc.rank() != 2 || conf.rank() != 2 || priors.rank() != 3) {
            throw new IllegalArgumentException("box logits and class predictions must be 2-D and proposals 3-D, got "
                    + loc.shape() + ", " + conf.shape() + " and " + priors.shape());
        }
        boolean normalized = l.getBool("normalized");
        int priorSize = normalized ? 4 : 5;
        int numPriors = priors.dim(2) / priorSize;
        int numClasses = v0 ? Math.toIntExact(l.getLong("num_classes"))
                : numPriors == 0 ? 0 : conf.dim(1) / numPriors;
        List<Long> keepTopK = l.getLongs("keep_top_k");
        DetectionOutputs.Attributes a = new DetectionOutputs.Attributes(numClasses,
                (int) l.getLong("background_label_id"), (int) l.getLong("top_k"),
                l.getBool("variance_encoded_in_target"), keepTopK.get(0).intValue(),
                l.getString("code_type").endsWith("CENTER_SIZE"), l.getBool("share_location"),
                (float) l.getDouble("nms_threshold"), (float) l.getDouble("confidence_threshold"),
                l.getBool("clip_after_nms"), l.getBool("clip_before_nms"), l.getBool("decrease_label_id"), normalized,
                (int) l.getLong("input_height"), (int) l.getLong("input_width"),
                (float) l.getDouble("objectness_score"));
        int images = loc.dim(0);
        int rows;
        if (a.keepTopK() > 0) {
            rows = images * a.keepTopK();
        } else if (a.topK() > 0) {
            rows = images * a.topK() * numClasses;
        } else {
            rows = images * numClasses * numPriors;
        }
        float[] armConf = in.size() > 4 ? OpTable.t(in, 3).toFloatArray() : null;
        float[] armLoc = in.size() > 4 ? OpTable.t(in, 4).toFloatArray() : null;
        float[] out = DetectionOutputs.run(a, images, loc.toFloatArray(), conf.toFloatArray(), priors.toFloatArray(),
                priors.dim(0), priors.dim(2), armConf, armLoc, rows);
        return Tensor.of(out, Shape.of(1, 1, rows, 7)).cast(loc.dtype().isFloating() ? loc.dtype() : DType.FLOAT32)
                .to(loc.device());
    }

    private static void requirePair(long[] v, String what) {
        if (v.length != 2) {
            throw new IllegalArgumentException(what + " must hold [height, width], got " + java.util.Arrays.toString(v));
        }
    }

    private static float[] floats(Layer l, String attribute) {
        List<Double> values = l.getDoubles(attribute);
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).floatValue();
        }
        return out;
    }
}
