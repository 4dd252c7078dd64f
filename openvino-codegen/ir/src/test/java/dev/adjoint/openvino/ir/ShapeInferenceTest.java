package dev.adjoint.openvino.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Shape and type inference per op, over partial shapes, against hand-worked or brute-force references. */
class ShapeInferenceTest {

    /** Builds parameters of the given shapes (f32; "b:" prefix for boolean, "i:" for i64 values) and infers. */
    private static List<PortType> infer(String type, int version, Attributes attrs, Object... inputs) {
        GraphBuilder g = new GraphBuilder("t");
        NodeOutput[] outs = new NodeOutput[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] instanceof long[] values) {
                outs[i] = g.constantI64("c" + i, new long[] {values.length}, values).output(0);
            } else if (inputs[i] instanceof Long scalar) {
                outs[i] = g.constantI64("c" + i, new long[] {}, scalar).output(0);
            } else {
                String s = (String) inputs[i];
                ElementType t = ElementType.F32;
                if (s.startsWith("b:")) {
                    t = ElementType.BOOLEAN;
                    s = s.substring(2);
                } else if (s.startsWith("i:")) {
                    t = ElementType.I64;
                    s = s.substring(2);
                }
                outs[i] = g.parameter("p" + i, t, PartialShape.parse(s)).output(0);
            }
        }
        Node n = g.op(type, version, "n", attrs, outs);
        return n.outputs().stream().map(o -> new PortType(o.type(), o.shape())).toList();
    }

    private static PartialShape shape(String type, int version, Attributes attrs, Object... inputs) {
        return infer(type, version, attrs, inputs).get(0).shape();
    }

    private static PartialShape ps(String s) {
        return PartialShape.parse(s);
    }

    private static String fails(String type, int version, Attributes attrs, Object... inputs) {
        return assertThrows(IrValidationException.class, () -> infer(type, version, attrs, inputs)).getMessage();
    }

    @Test
    void numpyBroadcasting() {
        Attributes none = Attributes.empty();
        assertEquals(ps("2,4,3"), shape("Add", 1, none, "2,1,3", "4,1"));
        assertEquals(ps("?,3"), shape("Add", 1, none, "?,3", "1"));
        assertEquals(ps("3"), shape("Multiply", 1, none, "?", "3"));
        assertEquals(ps("5"), shape("Multiply", 1, none, "2..7", "5"));
        assertEquals(ps("1..8"), shape("Add", 1, none, "1..4", "2..8")); // either may be 1
        assertEquals(ps("3..4"), shape("Add", 1, none, "2..4", "3..8")); // neither may be 1: must agree
        assertEquals(ps("..."), shape("Add", 1, none, "...", "3"));
        assertEquals(ps(""), shape("Add", 1, none, "", ""));
        assertEquals("Add-1: shapes [2] and [3] do not broadcast", fails("Add", 1, none, "2", "3"));
        assertEquals("Add-1: shapes [2,3] and [3] differ and auto_broadcast is none",
                fails("Add", 1, Attributes.of("auto_broadcast", "none"), "2,3", "3"));
        assertEquals(ps("2,3"), shape("Add", 1, Attributes.of("auto_broadcast", "pdpd"), "2,3", "1"));
        assertEquals("Add-1: input element types differ: f32 (input 0) and boolean (input 1)",
                fails("Add", 1, none, "2", "b:2"));
        assertEquals("Add-1: arithmetic on boolean inputs is not allowed", fails("Add", 1, none, "b:2", "b:2"));
        assertEquals(ElementType.BOOLEAN, infer("Less", 1, none, "2,3", "3").get(0).type());
    }

    @Test
    void matmul() {
        Attributes none = Attributes.empty();
        assertEquals(ps("2"), shape("MatMul", 0, none, "2,3", "3"));
        assertEquals(ps("4"), shape("MatMul", 0, none, "3", "3,4"));
        assertEquals(ps(""), shape("MatMul", 0, none, "3", "3"));
        assertEquals(ps("5,4,2,6"), shape("MatMul", 0, none, "5,1,2,3", "4,3,6"));
        assertEquals(ps("3,5"), shape("MatMul", 0, Attributes.of("transpose_a", true, "transpose_b", true), "2,3", "5,2"));
        assertEquals(ps("?,?"), shape("MatMul", 0, none, "?,3", "3,?"));
        assertEquals(ps("..."), shape("MatMul", 0, none, "...", "3,4"));
        assertEquals("MatMul-0: shapes [2,3] and [2,3] are not aligned for matmul (transpose_a=false,"
                + " transpose_b=false): 3 != 2", fails("MatMul", 0, none, "2,3", "2,3"));
        assertEquals("MatMul-0: scalar operands are not allowed (shapes [] and [3])", fails("MatMul", 0, none, "", "3"));
    }

    /** Window positions counted one by one: the reference for the closed-form output length. */
    private static long bruteForceWindows(long in, long k, long s, long d, long pb, long pe, String mode) {
        long eff = d * (k - 1) + 1;
        if (mode.equals("same")) {
            long n = 0;
            for (long start = 0; start < in; start += s) {
                n++;
            }
            return n;
        }
        long padded = in + pb + pe;
        long n = 0;
        for (long start = 0; start < padded; start += s) {
            boolean fits = start + eff <= padded;
            if (mode.equals("floor") && fits) {
                n++;
            } else if (mode.equals("ceil_torch") && (fits || start + eff - s < padded) && start < in + pb) {
                n++; // overhangs the end by less than a stride, but starts inside the input or the left pad
            }
        }
        return n;
    }

    @Test
    void windowOutputMatchesBruteForce() {
        SplittableRandom r = new SplittableRandom(2024);
        for (int trial = 0; trial < 3000; trial++) {
            long k = 1 + r.nextInt(5);
            long s = 1 + r.nextInt(4);
            long d = 1 + r.nextInt(3);
            long pb = r.nextInt(3);
            long pe = r.nextInt(3);
            long eff = d * (k - 1) + 1;
            long in = Math.max(0, eff - pb - pe) + r.nextInt(20);
            for (String mode : new String[] {"floor", "ceil_torch", "same"}) {
                if (mode.equals("ceil_torch") && (2 * pb > eff || 2 * pe > eff)) {
                    continue; // PyTorch requires pads of at most half the window
                }
                ShapeRules.AutoPad pad = mode.equals("same") ? ShapeRules.AutoPad.SAME_UPPER : ShapeRules.AutoPad.EXPLICIT;
                ShapeRules.Rounding rounding = mode.equals("ceil_torch") ? ShapeRules.Rounding.CEIL_TORCH
                        : ShapeRules.Rounding.FLOOR;
                Dimension out = ShapeRules.windowOutput(Dimension.of(in), Dimension.of(k), s, d, pb, pe, pad, rounding);
                assertEquals(bruteForceWindows(in, k, s, d, pb, pe, mode), out.length(),
                        mode + " in=" + in + " k=" + k + " s=" + s + " d=" + d + " pads=" + pb + "," + pe);
            }
        }
    }

    @Test
    void convolutionAndPooling() {
        Attributes conv = Attributes.of("strides", List.of(2L, 1L), "pads_begin", List.of(1L, 1L),
                "pads_end", List.of(1L, 1L));
        assertEquals(ps("?,8,5,9"), shape("Convolution", 1, conv, "?,3,9,9", "8,3,3,3"));
        assertEquals(ps("1,8,?,9"), shape("Convolution", 1, conv, "1,3,?,9", "8,3,3,3"));
        assertEquals(ps("1,8,4..6,9"), shape("Convolution", 1, conv, "1,3,7..11,9", "8,3,3,3"));
        assertEquals(ps("1,8,5,9"), shape("Convolution", 1, Attributes.of("strides", List.of(2L, 1L),
                "auto_pad", "same_lower"), "1,3,9,9", "8,3,3,3"));
        assertEquals("Convolution-1: data channels 4 do not match the filters' input channels 3 (data [1,4,9,9],"
                + " filters [8,3,3,3])", fails("Convolution", 1, conv, "1,4,9,9", "8,3,3,3"));
        assertEquals(ps("1,6,7,7"), shape("GroupConvolution", 1, Attributes.empty(), "1,4,9,9", "2,3,2,3,3"));
        assertEquals("Convolution-1: window of size 5 (after dilation) is larger than the padded input length 4",
                fails("Convolution", 1, Attributes.empty(), "1,3,4,4", "8,3,5,5"));
        Attributes pool = Attributes.of("kernel", List.of(2L, 2L), "strides", List.of(2L, 2L));
        assertEquals(ps("1,16,16,16"), shape("MaxPool", 1, pool, "1,16,32,32"));
        List<PortType> mp8 = infer("MaxPool", 8, Attributes.of("kernel", List.of(3L, 3L), "strides", List.of(2L, 2L),
                "rounding_type", "ceil", "index_element_type", ElementType.I32), "1,3,?,10");
        assertEquals(new PortType(ElementType.F32, ps("1,3,?,5")), mp8.get(0));
        assertEquals(new PortType(ElementType.I32, ps("1,3,?,5")), mp8.get(1));
        // ceil vs ceil_torch on a 5-long axis, kernel 2, stride 2, pad 1 before: the last window would start in
        // the end padding, which only ceil_torch drops.
        Attributes ceil = Attributes.of("kernel", List.of(2L), "strides", List.of(2L), "pads_begin", List.of(1L),
                "pads_end", List.of(1L), "rounding_type", "ceil");
        assertEquals(ps("1,1,4"), shape("MaxPool", 14, ceil, "1,1,6"));
        assertEquals(ps("1,1,4"), shape("AvgPool", 14, Attributes.of("kernel", List.of(2L), "strides", List.of(2L),
                "pads_begin", List.of(1L), "pads_end", List.of(1L), "rounding_type", "ceil_torch"), "1,1,6"));
        assertEquals("MaxPool-1: kernel [2] must have one value per spatial axis (2)",
                fails("MaxPool", 1, Attributes.of("kernel", List.of(2L)), "1,1,6,6"));
    }

    @Test
    void shapeOps() {
        assertEquals(ps("2,12"), shape("Reshape", 1, Attributes.of("special_zero", true), "2,3,4", new long[] {0, -1}));
        assertEquals(ps("?,2"), shape("Reshape", 1, Attributes.empty(), "?,4", new long[] {-1, 2}));
        assertEquals(ps("?,?,?"), shape("Reshape", 1, Attributes.empty(), "2,3", "i:3"));
        assertEquals("Reshape-1: cannot reshape [2,3] to [4, -1]: 6 elements do not divide into 4",
                fails("Reshape", 1, Attributes.empty(), "2,3", new long[] {4, -1}));
        assertEquals(ps("4,2,3"), shape("Transpose", 1, Attributes.empty(), "2,3,4", new long[] {2, 0, 1}));
        assertEquals(ps("4,3,2"), shape("Transpose", 1, Attributes.empty(), "2,3,4", new long[] {}));
        assertEquals("Transpose-1: order [0, 0] is not a permutation of 0..1",
                fails("Transpose", 1, Attributes.empty(), "2,3", new long[] {0, 0}));
        assertEquals(ps("3"), shape("Squeeze", 0, Attributes.empty(), "1,3,1"));
        assertEquals(ps("..."), shape("Squeeze", 0, Attributes.empty(), "1,?"));
        assertEquals(ps("1,3"), shape("Squeeze", 0, Attributes.empty(), "1,3,1", new long[] {-1}));
        assertEquals("Squeeze-0: cannot squeeze axis 1 of [1,3,1]: its length is not 1",
                fails("Squeeze", 0, Attributes.empty(), "1,3,1", new long[] {1}));
        assertEquals(ps("3,1"), shape("Squeeze", 15, Attributes.of("allow_axis_skip", true), "1,3,1", new long[] {0, 1}));
        assertEquals(ps("1,3,4,1"), shape("Unsqueeze", 0, Attributes.empty(), "3,4", new long[] {0, -1}));
        assertEquals(new PortType(ElementType.I64, ps("2")), infer("ShapeOf", 3, Attributes.empty(), "3,?").get(0));
        assertEquals(ps("?"), shape("ShapeOf", 0, Attributes.empty(), "..."));
        assertEquals(ps("2,2,6"), shape("Tile", 0, Attributes.empty(), "2,3", new long[] {2, 1, 2}));
        assertEquals(ps("2,3,4"), shape("Broadcast", 3, Attributes.of("mode", "bidirectional"), "3,1", new long[] {2, 1, 4}));
        assertEquals(ps("2,3"), shape("Broadcast", 3, Attributes.empty(), "3", new long[] {2, 3}));
        assertEquals("Broadcast-3: shapes [4] and [2,3] do not broadcast",
                fails("Broadcast", 3, Attributes.empty(), "4", new long[] {2, 3}));
        assertEquals(ps("3,5.."), shape("Pad", 1, Attributes.empty(), "2,?", new long[] {1, 2}, new long[] {0, 3}));
        assertEquals(ps("3,4"), shape("Pad", 12, Attributes.empty(), "4,5", new long[] {-1, 2}, new long[] {0, -3}));
        assertEquals(ps("2,3,4"), shape("Concat", 0, Attributes.of("axis", 1L), "2,1,4", "2,2,4"));
        assertEquals(ps("2,3.."), shape("Concat", 0, Attributes.of("axis", -1L), "2,3", "..."));
        assertEquals("Concat-0: inputs [2,1,4] and [2,2,5] differ outside the concatenation axis 1",
                fails("Concat", 0, Attributes.of("axis", 1L), "2,1,4", "2,2,5"));
    }

    @Test
    void sliceFollowsPythonSlicing() {
        // Lengths that Python prints for len(range(n)[start:stop:step]).
        assertEquals(4, Ops.sliceLength(10, -1, -11, -3)); // [9, 6, 3, 0]
        assertEquals(3, Ops.sliceLength(10, 2, 100, 3)); // [2, 5, 8]
        assertEquals(4, Ops.sliceLength(5, 10, 0, -1)); // [4, 3, 2, 1]
        assertEquals(5, Ops.sliceLength(5, -100, 100, 1));
        assertEquals(0, Ops.sliceLength(5, 3, 1, 1));
        assertEquals(0, Ops.sliceLength(0, 0, 5, 1));
        assertEquals(ps("4,?"), shape("Slice", 8, Attributes.empty(), "10,?", new long[] {-1}, new long[] {-11},
                new long[] {-3}, new long[] {0}));
        assertEquals(ps("0..8,3"), shape("Slice", 8, Attributes.empty(), "..8,3", new long[] {1}, new long[] {5},
                new long[] {1}));
        assertEquals("Slice-8: step must not be 0", fails("Slice", 8, Attributes.empty(), "4", new long[] {0},
                new long[] {2}, new long[] {0}));
    }

    @Test
    void reductionsGatherSplitsAndOthers() {
        assertEquals(ps("1,3,1"), shape("ReduceSum", 1, Attributes.of("keep_dims", true), "2,3,4", new long[] {0, -1}));
        assertEquals(ps("3"), shape("ReduceMean", 1, Attributes.empty(), "2,3,4", new long[] {0, 2}));
        assertEquals(ps("..."), shape("ReduceMax", 1, Attributes.empty(), "2,3,4", "i:1"));
        assertEquals(ps("5,2,2"), shape("Gather", 8, Attributes.empty(), "5,6", "i:2,2", 1L));
        assertEquals(ps("2,3,6"), shape("Gather", 8, Attributes.of("batch_dims", 1L), "2,5,6", "i:2,3", 1L));
        assertEquals("Gather-8: axis 2 is out of range for rank 2 (allowed -2..1)",
                fails("Gather", 8, Attributes.empty(), "5,6", "i:2", 2L));
        List<PortType> split = infer("Split", 1, Attributes.of("num_splits", 3L), "2,9", -1L);
        assertEquals(3, split.size());
        assertEquals(ps("2,3"), split.get(2).shape());
        assertEquals("Split-1: axis 1 of [2,9] does not split into 2 equal parts",
                fails("Split", 1, Attributes.of("num_splits", 2L), "2,9", 1L));
        List<PortType> vs = infer("VariadicSplit", 1, Attributes.empty(), "2,9", 1L, new long[] {2, -1, 3});
        assertEquals(List.of(ps("2,2"), ps("2,4"), ps("2,3")), vs.stream().map(PortType::shape).toList());
        assertEquals(ps("2,3"), shape("Select", 1, Attributes.empty(), "b:2,1", "3", "2,3"));
        assertEquals(ps("2,3,4"), shape("BatchNormInference", 5, Attributes.of("epsilon", 1e-5), "2,3,4", "3", "3",
                "?", "3"));
        assertEquals("BatchNormInference-5: mean [4] does not match the channels 3 of [2,3,4]",
                fails("BatchNormInference", 5, Attributes.of("epsilon", 1e-5), "2,3,4", "3", "3", "4", "3"));
        assertEquals("Clamp-0: min 2.0 must not exceed max 1.0",
                fails("Clamp", 0, Attributes.of("min", 2.0, "max", 1.0), "3"));
        assertEquals("Softmax-1: axis -1 is out of range for rank 2 (Softmax-1 allows 0..1)",
                fails("Softmax", 1, Attributes.of("axis", -1L), "2,3"));
        assertEquals(ps("2,3"), shape("Softmax", 8, Attributes.of("axis", -1L), "2,3"));
        assertEquals(new PortType(ElementType.F16, ps("?,3")),
                infer("Convert", 0, Attributes.of("destination_type", ElementType.F16), "?,3").get(0));
    }

    @Test
    void overflowingDimensionsAreRefusedNotWrapped() {
        String msg = fails("Tile", 0, Attributes.empty(), "4611686018427387904", new long[] {4});
        assertEquals("Tile-0: dimension arithmetic overflows a 64-bit integer", msg);
        assertTrue(fails("Reshape", 1, Attributes.empty(), "2", new long[] {4611686018427387904L, 4})
                .startsWith("Reshape-1: dimension arithmetic overflows"));
    }
}
