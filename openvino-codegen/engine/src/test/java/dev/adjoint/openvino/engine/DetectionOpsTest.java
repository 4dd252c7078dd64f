package dev.adjoint.openvino.engine;

import static dev.adjoint.openvino.engine.OpHarness.f32;
import static dev.adjoint.openvino.engine.OpHarness.i64;
import static dev.adjoint.openvino.engine.OpHarness.run1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.GraphBuilder;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.PartialShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PriorBox, PriorBoxClustered and DetectionOutput against boxes worked out by hand from the specs. */
class DetectionOpsTest {
    private static List<Double> d(double... v) {
        return Arrays.stream(v).boxed().toList();
    }

    /** The {xmin, ymin, xmax, ymax} of a box centred at (cx, cy) with half sizes, normalised by the image. */
    private static double[] box(double cx, double cy, double halfW, double halfH, double imageW, double imageH) {
        return new double[] {(cx - halfW) / imageW, (cy - halfH) / imageH, (cx + halfW) / imageW, (cy + halfH) / imageH};
    }

    private static double[] priorBoxWant(boolean minMaxOrder) {
        // Grid 1 x 2 over a 10 x 20 image, step 10, offset 0.5: centres (5, 5) and (15, 5). min 4, max 9, ratio 2 flipped.
        List<double[]> boxes = new ArrayList<>();
        double r = Math.sqrt(2);
        for (double cx : new double[] {5, 15}) {
            double[] min = box(cx, 5, 2, 2, 20, 10);
            double[] max = box(cx, 5, 3, 3, 20, 10);
            double[] wide = box(cx, 5, 2 * r, 2 / r, 20, 10);
            double[] tall = box(cx, 5, 2 / r, 2 * r, 20, 10);
            boxes.addAll(minMaxOrder ? List.of(min, max, wide, tall) : List.of(min, wide, tall, max));
        }
        double[] want = new double[64];
        for (int i = 0; i < boxes.size(); i++) {
            System.arraycopy(boxes.get(i), 0, want, 4 * i, 4);
            System.arraycopy(new double[] {0.1, 0.1, 0.2, 0.2}, 0, want, 32 + 4 * i, 4);
        }
        return want;
    }

    @Test
    void priorBoxWorkedExampleInBothOrders() {
        Attributes a = Attributes.of("min_size", d(4), "max_size", d(9), "aspect_ratio", d(2), "flip", true, "step", 10.0,
                "offset", 0.5, "variance", d(0.1, 0.1, 0.2, 0.2));
        OvTensor v0 = run1("PriorBox", 0, a, i64(1, 2), i64(10, 20));
        Ref.assertShape(new int[] {2, 32}, v0);
        Ref.assertClose(priorBoxWant(true), v0.toFloatArray(), 1e-6, "PriorBox-0");
        Attributes b = Attributes.of("min_size", d(4), "max_size", d(9), "aspect_ratio", d(2), "flip", true, "step", 0.0,
                "offset", 0.5, "variance", d(0.1, 0.1, 0.2, 0.2), "min_max_aspect_ratios_order", false);
        // step 0: the step is image / grid = 10 on both axes, centres at (w + 0.5) * 10 as above.
        Ref.assertClose(priorBoxWant(false), run1("PriorBox", 8, b, i64(1, 2), i64(10, 20)).toFloatArray(), 1e-6,
                "PriorBox-8 ratios before max");
        // clip keeps every coordinate in [0, 1].
        Attributes c = Attributes.of("min_size", d(30), "offset", 0.5, "clip", true);
        float[] clipped = run1("PriorBox", 8, c, i64(1, 1), i64(10, 20)).toFloatArray();
        Ref.assertClose(new double[] {0, 0, 1, 1, 0.1, 0.1, 0.1, 0.1}, clipped, 1e-6, "clip and default variance");
    }

    @Test
    void priorBoxClusteredWorkedExample() {
        Attributes a = Attributes.of("width", d(4, 2), "height", d(6, 8), "offset", 0.5, "variance", d(0.1),
                "clip", false);
        OvTensor y = run1("PriorBoxClustered", 0, a, i64(2, 1), i64(20, 10));
        Ref.assertShape(new int[] {2, 16}, y);
        double[] want = new double[32];
        double[][] boxes = {{0.3, 0.1, 0.7, 0.4}, {0.4, 0.05, 0.6, 0.45}, {0.3, 0.6, 0.7, 0.9}, {0.4, 0.55, 0.6, 0.95}};
        for (int i = 0; i < 4; i++) {
            System.arraycopy(boxes[i], 0, want, 4 * i, 4);
        }
        Arrays.fill(want, 16, 32, 0.1);
        Ref.assertClose(want, y.toFloatArray(), 1e-6, "clustered");
    }

    private static final double[] PRIORS = {0, 0, 0.5, 0.5, 0.05, 0.05, 0.55, 0.55, 0.6, 0.6, 0.9, 0.9};
    private static final double[] CONF = {0.1, 0.9, 0.05, 0.1, 0.8, 0.6, 0.2, 0.3, 0.7};

    /** Three priors (the first two overlap with IoU 0.68), three classes, background 0, zero offsets, variance 1. */
    private static OvTensor detect(Attributes extra, int version) {
        double[] priors = new double[24];
        System.arraycopy(PRIORS, 0, priors, 0, 12);
        Arrays.fill(priors, 12, 24, 1);
        List<Object> attrs = new ArrayList<>(List.of("nms_threshold", 0.5, "confidence_threshold", 0.1, "normalized",
                true));
        if (version == 0) {
            attrs.addAll(List.of("num_classes", 3L));
        }
        extra.asMap().forEach((k, v) -> {
            attrs.add(k);
            attrs.add(v);
        });
        return run1("DetectionOutput", version, Attributes.of(attrs.toArray()), f32(new double[12], 1, 12),
                f32(CONF, 1, 9), f32(priors, 1, 2, 12));
    }

    private static double[] rows(double[]... rows) {
        double[] out = new double[rows.length * 7];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, 7 * i, 7);
        }
        return out;
    }

    private static final double[] L1_P0 = {0, 1, 0.9, 0, 0, 0.5, 0.5};
    private static final double[] L1_P2 = {0, 1, 0.3, 0.6, 0.6, 0.9, 0.9};
    private static final double[] L2_P2 = {0, 2, 0.7, 0.6, 0.6, 0.9, 0.9};
    private static final double[] L2_P1 = {0, 2, 0.6, 0.05, 0.05, 0.55, 0.55};
    private static final double[] END = {-1, 0, 0, 0, 0, 0, 0};
    private static final double[] ZERO = new double[7];

    @Test
    void nmsPerClassThenAllRowsAndTheEndMarker() {
        OvTensor y = detect(Attributes.of("keep_top_k", List.of(-1L)), 0);
        Ref.assertShape(new int[] {1, 1, 9, 7}, y);
        Ref.assertClose(rows(L1_P0, L1_P2, L2_P2, L2_P1, END, ZERO, ZERO, ZERO, ZERO), y.toFloatArray(), 1e-6, "all");
        // DetectionOutput-8 derives 3 classes from 9 scores over 3 priors.
        Ref.assertClose(rows(L1_P0, L1_P2, L2_P2, L2_P1, END, ZERO, ZERO, ZERO, ZERO),
                detect(Attributes.of("keep_top_k", List.of(-1L)), 8).toFloatArray(), 1e-6, "v8");
    }

    @Test
    void keepTopKKeepsTheBestAcrossClassesAndTopKCutsBeforeNms() {
        OvTensor keep = detect(Attributes.of("keep_top_k", List.of(3L)), 0);
        Ref.assertShape(new int[] {1, 1, 3, 7}, keep);
        Ref.assertClose(rows(L1_P0, L2_P2, L2_P1), keep.toFloatArray(), 1e-6, "keep_top_k");
        OvTensor top = detect(Attributes.of("keep_top_k", List.of(-1L), "top_k", 1L), 0);
        Ref.assertShape(new int[] {1, 1, 3, 7}, top);
        Ref.assertClose(rows(L1_P0, L2_P2, END), top.toFloatArray(), 1e-6, "top_k");
        // MXNet style: each prior votes for its best class; labels come out one lower.
        OvTensor mx = detect(Attributes.of("keep_top_k", List.of(-1L), "decrease_label_id", true), 0);
        // p0 -> class 1 (0.9), p1 -> class 1 (0.8, suppressed by p0), p2 -> class 2 (0.7)
        Ref.assertClose(rows(new double[] {0, 0, 0.9, 0, 0, 0.5, 0.5}, new double[] {0, 1, 0.7, 0.6, 0.6, 0.9, 0.9},
                END, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO), mx.toFloatArray(), 1e-6, "mxnet");
    }

    @Test
    void centerSizeCodesWithVariancesAndUnnormalizedPriors() {
        // One prior [0.2, 0.2, 0.6, 0.4] (centre 0.4, 0.3; size 0.4 x 0.2), offsets [1, -1, 0.5, 0], variances
        // [0.1, 0.1, 0.2, 0.2]: centre (0.44, 0.28), size (0.4 e^0.1, 0.2).
        double w = 0.4 * Math.exp(0.1);
        double[] want = rows(new double[] {0, 1, 0.9, 0.44 - w / 2, 0.18, 0.44 + w / 2, 0.38}, END);
        Attributes a = Attributes.of("num_classes", 2L, "keep_top_k", List.of(2L), "nms_threshold", 0.5, "normalized",
                true, "code_type", "caffe.PriorBoxParameter.CENTER_SIZE");
        OvTensor y = run1("DetectionOutput", 0, a, f32(new double[] {1, -1, 0.5, 0}, 1, 4),
                f32(new double[] {0.1, 0.9}, 1, 2), f32(new double[] {0.2, 0.2, 0.6, 0.4, 0.1, 0.1, 0.2, 0.2}, 1, 2, 4));
        Ref.assertClose(want, y.toFloatArray(), 1e-6, "center size");
        // Pixel priors of 5 values (the first ignored), normalised by input_width 100 and input_height 50; offsets
        // carry the variance; clip_after_nms clamps the box to [0, 1].
        Attributes u = Attributes.of("num_classes", 2L, "keep_top_k", List.of(1L), "nms_threshold", 0.5, "normalized",
                false, "input_width", 100L, "input_height", 50L, "variance_encoded_in_target", true, "clip_after_nms",
                true);
        OvTensor z = run1("DetectionOutput", 0, u, f32(new double[] {0, -0.5, 0.5, 0}, 1, 4),
                f32(new double[] {0.2, 0.8}, 1, 2), f32(new double[] {7, 20, 10, 60, 30}, 1, 1, 5));
        Ref.assertClose(new double[] {0, 1, 0.8, 0.2, 0, 1, 0.6}, z.toFloatArray(), 1e-6, "unnormalized");
    }

    @Test
    void unsharedLocationsUsePerClassBoxes() {
        // Two priors, classes {bg, 1, 2}; per prior and class 4 offsets: class 1 shifts right by 0.1, class 2 down.
        double[] priors = {0, 0, 0.2, 0.2, 0.5, 0.5, 0.7, 0.7, 1, 1, 1, 1, 1, 1, 1, 1};
        double[] loc = new double[2 * 3 * 4];
        for (int p = 0; p < 2; p++) {
            loc[(p * 3 + 1) * 4] = 0.1;
            loc[(p * 3 + 1) * 4 + 2] = 0.1;
            loc[(p * 3 + 2) * 4 + 1] = 0.1;
            loc[(p * 3 + 2) * 4 + 3] = 0.1;
        }
        double[] conf = {0, 0.9, 0.2, 0, 0.3, 0.8};
        Attributes a = Attributes.of("num_classes", 3L, "keep_top_k", List.of(4L), "nms_threshold", 0.5, "normalized",
                true, "share_location", false);
        OvTensor y = run1("DetectionOutput", 0, a, f32(loc, 1, 24), f32(conf, 1, 6), f32(priors, 1, 2, 8));
        Ref.assertClose(rows(new double[] {0, 1, 0.9, 0.1, 0, 0.3, 0.2}, new double[] {0, 1, 0.3, 0.6, 0.5, 0.8, 0.7},
                new double[] {0, 2, 0.8, 0.5, 0.6, 0.7, 0.8}, new double[] {0, 2, 0.2, 0, 0.1, 0.2, 0.3}),
                y.toFloatArray(), 1e-6, "unshared");
    }

    @Test
    void anSsdHeadFoldsItsPriorBoxesOnce() {
        GraphBuilder g = new GraphBuilder("ssd-head");
        Node loc = g.parameter("loc", ElementType.F32, PartialShape.parse("?,32"));
        Node conf = g.parameter("conf", ElementType.F32, PartialShape.parse("?,24"));
        Node priors = g.op("PriorBox", 8, "priors", Attributes.of("min_size", d(4), "max_size", d(9), "aspect_ratio",
                d(2), "flip", true, "offset", 0.5, "variance", d(0.1, 0.1, 0.2, 0.2)),
                g.constantI64("grid", new long[] {2}, 1, 2).output(0),
                g.constantI64("image", new long[] {2}, 10, 20).output(0));
        // As in SSD IRs: the [2, N] priors become [1, 2, N].
        Node batched = g.op("Unsqueeze", 0, "priors/batch", Attributes.empty(), priors.output(0),
                g.constantI64("axis", new long[] {1}, 0).output(0));
        Node det = g.op("DetectionOutput", 8, "detections", Attributes.of("keep_top_k", List.of(5L), "nms_threshold",
                0.45, "normalized", true, "code_type", "caffe.PriorBoxParameter.CENTER_SIZE"), loc.output(0),
                conf.output(0), batched.output(0));
        g.result("out", det.output(0));
        CompiledModel compiled = new Core().compileModel(Model.of(g.build()), "CPU");
        assertEquals(2, compiled.summary().folded(), "PriorBox and its Unsqueeze are evaluated when compiling");
        InferRequest r = compiled.createInferRequest();
        double[] scores = new double[24];
        for (int p = 0; p < 8; p++) {
            scores[p * 3 + 1] = 0.1 * p;
            scores[p * 3 + 2] = 0.05 * p;
        }
        r.setTensor("loc", f32(new double[64], 2, 32));
        r.setTensor("conf", f32(Arrays.copyOf(concat(scores, scores), 48), 2, 24));
        r.infer();
        float[] out = r.getOutputTensor().toFloatArray();
        Ref.assertShape(new int[] {1, 1, 10, 7}, r.getOutputTensor());
        // Every row up to the end marker is a real detection of image 0 or 1 with a score above the threshold.
        int rowsSeen = 0;
        for (int i = 0; i < 10 && out[7 * i] != -1; i++) {
            assertTrue(out[7 * i] == 0 || out[7 * i] == 1, "image id");
            assertTrue(out[7 * i + 2] > 0, "score");
            rowsSeen++;
        }
        assertEquals(10, rowsSeen, "keep_top_k 5 per image, both images full");
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
