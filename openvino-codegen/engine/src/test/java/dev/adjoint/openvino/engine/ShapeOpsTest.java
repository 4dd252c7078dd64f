package dev.adjoint.openvino.engine;

import static dev.adjoint.openvino.engine.OpHarness.f32;
import static dev.adjoint.openvino.engine.OpHarness.i64;
import static dev.adjoint.openvino.engine.OpHarness.run;
import static dev.adjoint.openvino.engine.OpHarness.run1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.openvino.ir.Attributes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Data movement and shape ops against index arithmetic written in the tests. */
class ShapeOpsTest {
    private static final int[] XS = {2, 3, 4};
    private static final double[] X = OpHarness.uniform(30, 24, -1, 1);

    private static OvTensor x() {
        return f32(X, XS);
    }

    private static List<Long> l(long... v) {
        return java.util.Arrays.stream(v).boxed().toList();
    }

    /** y[c] = x[map(c)] over the output shape. */
    private interface IndexMap {
        int[] source(int[] outCoords);
    }

    private static double[] gather(int[] os, IndexMap m) {
        double[] out = new double[OpHarness.size(os)];
        for (int i = 0; i < out.length; i++) {
            out[i] = X[Ref.flat(m.source(Ref.coords(i, os)), XS)];
        }
        return out;
    }

    @Test
    void reshapeWithSpecialZeroAndInference() {
        OvTensor y = run1("Reshape", 1, Attributes.of("special_zero", true), x(), i64(0, -1, 2));
        Ref.assertShape(new int[] {2, 6, 2}, y);
        Ref.assertClose(X, y.toFloatArray(), 0, "reshape keeps the order");
        // A dynamic input: the target is resolved per request.
        OvTensor d = OpHarness.runWith("Reshape", 1, Attributes.of("special_zero", false), true, x(), i64(-1, 4)).get(0);
        Ref.assertShape(new int[] {6, 4}, d);
        EngineException e = assertThrows(EngineException.class,
                () -> OpHarness.runWith("Reshape", 1, Attributes.of("special_zero", false), true, x(), i64(5, -1)));
        assertTrue(e.getMessage().contains("layer 'op' (Reshape-1)") && e.getMessage().contains("do not divide"),
                e.getMessage());
    }

    @Test
    void transposeSqueezeUnsqueeze() {
        OvTensor t = run1("Transpose", 1, Attributes.empty(), x(), i64(2, 0, 1));
        Ref.assertShape(new int[] {4, 2, 3}, t);
        Ref.assertClose(gather(new int[] {4, 2, 3}, c -> new int[] {c[1], c[2], c[0]}), t.toFloatArray(), 0, "perm");
        OvTensor u = run1("Unsqueeze", 0, Attributes.empty(), x(), i64(0, -1));
        Ref.assertShape(new int[] {1, 2, 3, 4, 1}, u);
        OvTensor s = run1("Squeeze", 0, Attributes.empty(), u, i64(0));
        Ref.assertShape(new int[] {2, 3, 4, 1}, s);
        Ref.assertShape(new int[] {2, 3, 4}, run1("Squeeze", 0, Attributes.empty(), u));
        Ref.assertShape(new int[] {2, 3, 4, 1}, run1("Squeeze", 15, Attributes.of("allow_axis_skip", true), u,
                i64(0, 1)));
    }

    @Test
    void concatSplitVariadicSplit() {
        OvTensor y = run1("Concat", 0, Attributes.of("axis", -1L), x(), f32(new double[] {9, 9, 9, 9, 9, 9}, 2, 3, 1));
        Ref.assertShape(new int[] {2, 3, 5}, y);
        float[] got = y.toFloatArray();
        for (int i = 0; i < 30; i++) {
            int[] c = Ref.coords(i, new int[] {2, 3, 5});
            double want = c[2] < 4 ? X[Ref.flat(new int[] {c[0], c[1], c[2]}, XS)] : 9;
            assertEquals(want, got[i], 0, "concat " + i);
        }
        List<OvTensor> parts = run("Split", 1, Attributes.of("num_splits", 2L), x(), OpHarness.i64Scalar(2));
        assertEquals(2, parts.size());
        Ref.assertClose(gather(new int[] {2, 3, 2}, c -> new int[] {c[0], c[1], c[2] + 2}), parts.get(1).toFloatArray(),
                0, "split");
        List<OvTensor> v = run("VariadicSplit", 1, Attributes.empty(), x(), OpHarness.i64Scalar(1), i64(1, -1));
        Ref.assertShape(new int[] {2, 2, 4}, v.get(1));
        Ref.assertClose(gather(new int[] {2, 2, 4}, c -> new int[] {c[0], c[1] + 1, c[2]}), v.get(1).toFloatArray(), 0,
                "variadic");
    }

    @Test
    void gatherNegativeIndicesAndBatchDims() {
        OvTensor idx = OvTensor.of(Tensor.of(new long[] {-1, 0, 2, 2}, Shape.of(2, 2)));
        OvTensor y = run1("Gather", 8, Attributes.of("batch_dims", 0L), x(), idx, OpHarness.i64Scalar(1));
        Ref.assertShape(new int[] {2, 2, 2, 4}, y);
        long[] ix = {2, 0, 2, 2};
        Ref.assertClose(gather(new int[] {2, 2, 2, 4}, c -> new int[] {c[0], (int) ix[c[1] * 2 + c[2]], c[3]}),
                y.toFloatArray(), 0, "gather");
        // batch_dims 1: each image picks its own rows.
        OvTensor per = OvTensor.of(Tensor.of(new long[] {0, 2, 1, 1}, Shape.of(2, 2)));
        OvTensor b = run1("Gather", 8, Attributes.of("batch_dims", 1L), x(), per, OpHarness.i64Scalar(1));
        Ref.assertShape(new int[] {2, 2, 4}, b);
        long[] pi = {0, 2, 1, 1};
        Ref.assertClose(gather(new int[] {2, 2, 4}, c -> new int[] {c[0], (int) pi[c[0] * 2 + c[1]], c[2]}),
                b.toFloatArray(), 0, "batch_dims");
        EngineException e = assertThrows(EngineException.class, () -> run1("Gather", 8, Attributes.empty(), x(),
                OvTensor.of(Tensor.of(new long[] {3}, Shape.of(1))), OpHarness.i64Scalar(1)));
        assertTrue(e.getMessage().contains("out of bounds"), e.getMessage());
    }

    @Test
    void sliceAndStridedSlice() {
        // x[:, ::-2, 1:] as Slice-8 on axes 1 and 2.
        OvTensor s = run1("Slice", 8, Attributes.empty(), x(), i64(Long.MAX_VALUE, 1), i64(Long.MIN_VALUE, 100),
                i64(-2, 1), i64(1, 2));
        Ref.assertShape(new int[] {2, 2, 3}, s);
        Ref.assertClose(gather(new int[] {2, 2, 3}, c -> new int[] {c[0], 2 - 2 * c[1], c[2] + 1}), s.toFloatArray(), 0,
                "slice");
        // x[1, newaxis, 0:3:2, ...] with shrink, new axis and ellipsis.
        Attributes a = Attributes.of("begin_mask", l(0, 0, 0, 0), "end_mask", l(0, 0, 0, 0), "new_axis_mask",
                l(0, 1, 0, 0), "shrink_axis_mask", l(1, 0, 0, 0), "ellipsis_mask", l(0, 0, 0, 1));
        OvTensor t = run1("StridedSlice", 1, a, x(), i64(1, 0, 0, 0), i64(2, 0, 3, 0), i64(1, 1, 2, 1));
        Ref.assertShape(new int[] {1, 2, 4}, t);
        Ref.assertClose(gather(new int[] {1, 2, 4}, c -> new int[] {1, 2 * c[1], c[2]}), t.toFloatArray(), 0,
                "strided");
        // begin_mask and a negative stride: x[:, ::-1, -1].
        Attributes r = Attributes.of("begin_mask", l(1, 1, 0), "end_mask", l(1, 1, 0), "shrink_axis_mask", l(0, 0, 1));
        OvTensor u = run1("StridedSlice", 1, r, x(), i64(0, 0, -1), i64(0, 0, 0), i64(1, -1, 1));
        Ref.assertShape(new int[] {2, 3}, u);
        Ref.assertClose(gather(new int[] {2, 3}, c -> new int[] {c[0], 2 - c[1], 3}), u.toFloatArray(), 0, "reverse");
    }

    @Test
    void tileBroadcastAndShapeOf() {
        OvTensor t = run1("Tile", 0, Attributes.empty(), x(), i64(2, 1, 1, 2));
        Ref.assertShape(new int[] {2, 2, 3, 8}, t);
        Ref.assertClose(gather(new int[] {2, 2, 3, 8}, c -> new int[] {c[1], c[2], c[3] % 4}), t.toFloatArray(), 0,
                "tile");
        OvTensor row = f32(new double[] {1, 2, 3}, 3, 1);
        OvTensor b = run1("Broadcast", 3, Attributes.of("mode", "numpy"), row, i64(2, 3, 4));
        Ref.assertShape(new int[] {2, 3, 4}, b);
        assertEquals(2f, b.toFloatArray()[4]);
        OvTensor bi = run1("Broadcast", 3, Attributes.of("mode", "bidirectional"), row, i64(2, 1, 5));
        Ref.assertShape(new int[] {2, 3, 5}, bi);
        OvTensor ex = run1("Broadcast", 3, Attributes.of("mode", "explicit"), f32(new double[] {1, 2}, 2), i64(2, 3),
                i64(0));
        assertArrayEquals(new float[] {1, 1, 1, 2, 2, 2}, ex.toFloatArray());
        OvTensor shape = OpHarness.runWith("ShapeOf", 3, Attributes.empty(), true, x()).get(0);
        assertArrayEquals(new long[] {2, 3, 4}, shape.toLongArray());
    }

    @Test
    void padModes() {
        double[] v = {1, 2, 3, 4};
        OvTensor x = f32(v, 1, 4);
        Attributes none = Attributes.empty();
        assertArrayEquals(new float[] {7, 7, 1, 2, 3, 4, 7}, run1("Pad", 12, Attributes.of("pad_mode", "constant"), x,
                i64(0, 2), i64(0, 1), OpHarness.constant(f32(new double[] {7}))).toFloatArray());
        assertArrayEquals(new float[] {1, 1, 1, 2, 3, 4, 4, 4}, run1("Pad", 1, Attributes.of("pad_mode", "edge"), x,
                i64(0, 2), i64(0, 2)).toFloatArray());
        assertArrayEquals(new float[] {3, 2, 1, 2, 3, 4, 3, 2}, run1("Pad", 1, Attributes.of("pad_mode", "reflect"), x,
                i64(0, 2), i64(0, 2)).toFloatArray());
        assertArrayEquals(new float[] {2, 1, 1, 2, 3, 4, 4, 3}, run1("Pad", 1, Attributes.of("pad_mode", "symmetric"),
                x, i64(0, 2), i64(0, 2)).toFloatArray());
        // Pad-12: negative pads crop.
        assertArrayEquals(new float[] {2, 3, 4, 0}, run1("Pad", 12, none, x, i64(0, -1), i64(0, 1)).toFloatArray());
    }
}
