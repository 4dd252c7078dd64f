package dev.adjoint.openvino.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Shape inference of the ops in {@link ModelZooOps}, against the specs' examples and hand-worked cases. */
class ModelZooShapeTest {
    private static PartialShape infer(String type, int version, Attributes a, NodeOutput... inputs) {
        return inputs[0].node().owner().op(type, version, "n", a, inputs).outputs().get(0).shape();
    }

    private static NodeOutput param(GraphBuilder g, String shape) {
        return g.parameter("p" + shape, ElementType.F32, PartialShape.parse(shape)).output(0);
    }

    private static NodeOutput i64(GraphBuilder g, long... values) {
        return g.constantI64("c", new long[] {values.length}, values).output(0);
    }

    @Test
    void priorBoxSpecExample() {
        // PriorBox-8 spec: min 16, max 38.46, aspect ratio 2 flipped, on a 24x42 grid: 16128 = 4 * 24 * 42 * 4.
        GraphBuilder g = new GraphBuilder("m");
        Attributes a = Attributes.of("min_size", List.of(16.0), "max_size", List.of(38.46), "aspect_ratio",
                List.of(2.0), "flip", true, "offset", 0.5, "step", 16.0, "variance", List.of(0.1, 0.1, 0.2, 0.2));
        assertEquals(PartialShape.of(2, 16128), infer("PriorBox", 8, a, i64(g, 24, 42), i64(g, 384, 672)));
        assertEquals(4, ModelZooOps.priorBoxCount(g.op("PriorBox", 0, "pb", a, i64(g, 2, 2), i64(g, 8, 8))
                .attributes()));
        // Without scale_all_sizes only the last min size gets the aspect ratios: 3 ratios + 2 sizes - 1.
        Attributes mx = Attributes.of("min_size", List.of(0.1, 0.2), "aspect_ratio", List.of(2.0), "flip", true,
                "offset", 0.5, "scale_all_sizes", false);
        assertEquals(PartialShape.of(2, 4 * 4 * 4), infer("PriorBox", 8, mx, i64(g, 2, 2), i64(g, 8, 8)));
        GraphBuilder d = new GraphBuilder("d");
        assertEquals(PartialShape.of(Dimension.of(2), Dimension.dynamic()),
                infer("PriorBox", 8, a, param(d, "2").node().owner().parameter("s", ElementType.I64,
                        PartialShape.of(2)).output(0), i64(d, 384, 672)));
    }

    @Test
    void priorBoxClusteredCountsOneBoxPerWidth() {
        GraphBuilder g = new GraphBuilder("m");
        Attributes a = Attributes.of("width", List.of(1.0, 2.0, 3.0), "height", List.of(1.0, 2.0, 3.0), "offset", 0.5);
        assertEquals(PartialShape.of(2, 4 * 3 * 5 * 3), infer("PriorBoxClustered", 0, a, i64(g, 3, 5), i64(g, 30, 50)));
        Attributes bad = Attributes.of("width", List.of(1.0), "height", List.of(1.0, 2.0), "offset", 0.5);
        IrValidationException e = assertThrows(IrValidationException.class,
                () -> infer("PriorBoxClustered", 0, bad, i64(g, 3, 5), i64(g, 30, 50)));
        assertTrue(e.getMessage().contains("same length"), e.getMessage());
    }

    @Test
    void detectionOutputShapesFollowKeepTopKThenTopK() {
        GraphBuilder g = new GraphBuilder("m");
        NodeOutput loc = param(g, "2,5376");
        NodeOutput conf = param(g, "2,2688");
        NodeOutput priors = param(g, "1,2,5376");
        Attributes keep = Attributes.of("num_classes", 2L, "keep_top_k", List.of(200L), "top_k", 400L,
                "nms_threshold", 0.45, "normalized", true);
        assertEquals(PartialShape.of(1, 1, 400, 7), infer("DetectionOutput", 0, keep, loc, conf, priors));
        Attributes topK = Attributes.of("num_classes", 2L, "keep_top_k", List.of(-1L), "top_k", 50L,
                "nms_threshold", 0.45, "normalized", true);
        assertEquals(PartialShape.of(1, 1, 2 * 50 * 2, 7), infer("DetectionOutput", 0, topK, loc, conf, priors));
        // DetectionOutput-8 derives the classes from the confidences: 2688 / (5376 / 4) = 2.
        Attributes all = Attributes.of("keep_top_k", List.of(-1L), "nms_threshold", 0.45, "normalized", true);
        assertEquals(PartialShape.of(1, 1, 2 * 2 * 1344, 7), infer("DetectionOutput", 8, all, loc, conf, priors));
    }

    @Test
    void stridedSliceMasks() {
        GraphBuilder g = new GraphBuilder("m");
        NodeOutput x = param(g, "4,6,5");
        // x[1, ::2 (begin masked) up to 5, newaxis] -> shrink axis 0, axis 1 of 3, new axis, axis 2 whole.
        Attributes a = Attributes.of("begin_mask", List.of(0L, 1L, 0L), "end_mask", List.of(0L, 0L, 0L),
                "new_axis_mask", List.of(0L, 0L, 1L), "shrink_axis_mask", List.of(1L, 0L, 0L));
        assertEquals(PartialShape.of(3, 1, 5), infer("StridedSlice", 1, a, x, i64(g, 1, 0, 0), i64(g, 2, 5, 0),
                i64(g, 1, 2, 1)));
        // Ellipsis, then the last axis reversed.
        Attributes e = Attributes.of("begin_mask", List.of(0L, 1L), "end_mask", List.of(0L, 1L),
                "ellipsis_mask", List.of(1L, 0L));
        assertEquals(PartialShape.of(4, 6, 5), infer("StridedSlice", 1, e, x, i64(g, 0, 0), i64(g, 0, 0),
                i64(g, 1, -1)));
    }

    @Test
    void interpolateAndBackpropShapes() {
        GraphBuilder g = new GraphBuilder("m");
        NodeOutput x = param(g, "1,3,4,6");
        Attributes v4 = Attributes.of("mode", "nearest", "shape_calculation_mode", "sizes", "pads_begin",
                List.of(0L, 0L, 1L, 0L), "pads_end", List.of(0L, 0L, 1L, 0L));
        NodeOutput scales = g.constant("s", new long[] {2}, 2f, 2f).output(0);
        assertEquals(PartialShape.of(1, 3, 12, 5), infer("Interpolate", 4, v4, x, i64(g, 12, 5), scales,
                i64(g, 2, 3)));
        // By scales: (int) (4 * (1.5 + 1e-6)) = 6 and (int) (6 * (0.34 + 1e-6)) = 2, in float as OpenVINO.
        Attributes byScales = Attributes.of("mode", "linear", "shape_calculation_mode", "scales");
        NodeOutput s2 = g.constant("s2", new long[] {2}, 1.5f, 0.34f).output(0);
        assertEquals(PartialShape.of(1, 3, 6, 2), infer("Interpolate", 11, byScales, x, s2, i64(g, 2, 3)));
        NodeOutput data = param(g, "1,4,5,5");
        NodeOutput w = param(g, "4,2,3,3");
        Attributes bp = Attributes.of("strides", List.of(2L, 2L), "pads_begin", List.of(1L, 1L), "pads_end",
                List.of(1L, 1L), "output_padding", List.of(1L, 1L));
        // (5 - 1) * 2 + (3 - 1) + 1 - 2 + 1 = 10
        assertEquals(PartialShape.of(1, 2, 10, 10), infer("ConvolutionBackpropData", 1, bp, data, w));
        IrValidationException e = assertThrows(IrValidationException.class,
                () -> infer("ConvolutionBackpropData", 1, bp, data, param(g, "3,2,3,3")));
        assertTrue(e.getMessage().contains("channels"), e.getMessage());
    }
}
