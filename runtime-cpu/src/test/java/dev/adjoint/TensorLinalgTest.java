package dev.adjoint;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** matmul with NumPy's vector and batch rules, dot, outer, softmax, conv2d and pooling through the API. */
class TensorLinalgTest {

    static Stream<Arguments> matmulShapes() {
        return Stream.of(
                Arguments.of(new int[] {3}, new int[] {3}, new int[] {}),
                Arguments.of(new int[] {3}, new int[] {3, 5}, new int[] {5}),
                Arguments.of(new int[] {4, 3}, new int[] {3}, new int[] {4}),
                Arguments.of(new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}),
                Arguments.of(new int[] {0, 3}, new int[] {3, 2}, new int[] {0, 2}),
                Arguments.of(new int[] {2, 0}, new int[] {0, 2}, new int[] {2, 2}),
                Arguments.of(new int[] {17, 33}, new int[] {33, 15}, new int[] {17, 15}),
                Arguments.of(new int[] {2, 5, 7}, new int[] {7, 3}, new int[] {2, 5, 3}),
                Arguments.of(new int[] {3, 1, 4, 6}, new int[] {2, 6, 5}, new int[] {3, 2, 4, 5}),
                Arguments.of(new int[] {5}, new int[] {2, 5, 3}, new int[] {2, 3}),
                Arguments.of(new int[] {130, 257}, new int[] {257, 129}, new int[] {130, 129}));
    }

    @ParameterizedTest(name = "{0} @ {1}")
    @MethodSource("matmulShapes")
    void matmulMatchesBatchedLoops(int[] aDims, int[] bDims, int[] outDims) {
        Random rng = new Random(aDims.length * 100 + bDims.length);
        Ref a = Ref.random(rng, aDims).roundedToFloat();
        Ref b = Ref.random(rng, bDims).roundedToFloat();
        Ref want = referenceMatmul(a, b, outDims);
        want.assertClose(a.toFloat32().matmul(b.toFloat32()), 1e-5, 1e-4);
        want.assertClose(a.toFloat64().matmul(b.toFloat64()), 1e-12, 1e-12);
    }

    /** Independent NumPy matmul: promote vectors, broadcast batches by index, multiply each matrix. */
    private static Ref referenceMatmul(Ref a, Ref b, int[] outDims) {
        int[] ad = a.dims().length == 1 ? new int[] {1, a.dims()[0]} : a.dims();
        int[] bd = b.dims().length == 1 ? new int[] {b.dims()[0], 1} : b.dims();
        int m = ad[ad.length - 2];
        int k = ad[ad.length - 1];
        int n = bd[bd.length - 1];
        int[] aBatch = java.util.Arrays.copyOf(ad, ad.length - 2);
        int[] bBatch = java.util.Arrays.copyOf(bd, bd.length - 2);
        int[] batch = Ref.broadcastDims(aBatch, bBatch);
        int batches = Ref.size(batch);
        double[] out = new double[batches * m * n];
        for (int t = 0; t < batches; t++) {
            int[] idx = Ref.unravel(t, batch);
            int ai = flatBatch(idx, aBatch);
            int bi = flatBatch(idx, bBatch);
            double[] am = java.util.Arrays.copyOfRange(a.data(), ai * m * k, (ai + 1) * m * k);
            double[] bm = java.util.Arrays.copyOfRange(b.data(), bi * k * n, (bi + 1) * k * n);
            System.arraycopy(Ref.matmul(am, bm, m, k, n), 0, out, t * m * n, m * n);
        }
        return new Ref(out, outDims);
    }

    private static int flatBatch(int[] outIdx, int[] dims) {
        int lead = outIdx.length - dims.length;
        int flat = 0;
        for (int i = 0; i < dims.length; i++) {
            flat = flat * dims[i] + (dims[i] == 1 ? 0 : outIdx[lead + i]);
        }
        return flat;
    }

    @Test
    void dotAndOuter() {
        Tensor a = Tensor.of(new double[] {1, 2, 3});
        Tensor b = Tensor.of(new double[] {4, 5, 6});
        assertEquals(32, a.dot(b).item());
        assertEquals(Shape.SCALAR, a.dot(b).shape());
        Tensor o = a.outer(b);
        assertEquals(Shape.of(3, 3), o.shape());
        assertEquals(Tensor.of(new double[][] {{4, 5, 6}, {8, 10, 12}, {12, 15, 18}}), o);
    }

    @Test
    void softmaxRowsSumToOneAndMatchTheDefinition() {
        Random rng = new Random(11);
        Ref x = Ref.random(rng, 6, 37).map(v -> v * 20).roundedToFloat();
        Tensor t = x.toFloat32();
        for (int axis : new int[] {0, 1}) {
            int other = 1 - axis;
            Ref lse = x.reduce(new int[] {axis}, g -> {
                double m = java.util.Arrays.stream(g).max().orElseThrow();
                return m + Math.log(java.util.Arrays.stream(g).map(v -> Math.exp(v - m)).sum());
            });
            Ref logSoftmax = x.zip(lse, (v, l) -> v - l);
            logSoftmax.assertClose(t.logSoftmax(axis), 1e-5, 1e-5);
            logSoftmax.map(Math::exp).assertClose(t.softmax(axis), 1e-5, 1e-6);
            Ref.of(t.softmax(axis).sum(axis)).assertClose(Tensor.ones(t.dim(other)), 1e-5, 1e-5);
        }
    }

    @Test
    void conv2dMatchesADirectLoop() {
        Random rng = new Random(21);
        int n = 2;
        int c = 4;
        int h = 9;
        int w = 8;
        int o = 6;
        int groups = 2;
        int k = 3;
        Ref x = Ref.random(rng, n, c, h, w).roundedToFloat();
        Ref wt = Ref.random(rng, o, c / groups, k, k).roundedToFloat();
        var spec = new dev.adjoint.op.Conv2dSpec(2, 1, 1, 2, 0, 1, 1, 2, groups);
        Tensor y = x.toFloat32().conv2d(wt.toFloat32(), spec);
        int oh = (h + 1 + 2 - (k - 1) - 1) / 2 + 1;
        int ow = (w + 0 + 1 - 2 * (k - 1) - 1) + 1;
        double[] want = new double[n * o * oh * ow];
        int cg = c / groups;
        int og = o / groups;
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < o; oc++) {
                int g = oc / og;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double s = 0;
                        for (int ic = 0; ic < cg; ic++) {
                            for (int p = 0; p < k; p++) {
                                for (int q = 0; q < k; q++) {
                                    int r = i * 2 - 1 + p;
                                    int col = j + q * 2;
                                    if (r >= 0 && r < h && col >= 0 && col < w) {
                                        s += x.data()[((b * c + g * cg + ic) * h + r) * w + col]
                                                * wt.data()[((oc * cg + ic) * k + p) * k + q];
                                    }
                                }
                            }
                        }
                        want[((b * o + oc) * oh + i) * ow + j] = s;
                    }
                }
            }
        }
        new Ref(want, new int[] {n, o, oh, ow}).assertClose(y, 1e-5, 1e-5);
    }

    @Test
    void poolingMaxAndAverageIgnorePadding() {
        Tensor x = Tensor.arange(16).cast(DType.FLOAT32).reshape(1, 1, 4, 4);
        Tensor max = x.maxPool2d(2);
        assertEquals(Tensor.of(new float[] {5, 7, 13, 15}, Shape.of(1, 1, 2, 2)), max);
        Tensor avg = x.avgPool2d(3, 2, 1);
        // Windows clipped by padding average only real elements: top-left covers rows 0-1, cols 0-1.
        assertEquals(Shape.of(1, 1, 2, 2), avg.shape());
        assertEquals((0 + 1 + 4 + 5) / 4.0, avg.toDoubleArray()[0], 1e-6);
        assertEquals((1 + 2 + 3 + 5 + 6 + 7) / 6.0, avg.toDoubleArray()[1], 1e-6);
    }
}
