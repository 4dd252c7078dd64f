package dev.adjoint.openvino.engine;

import static dev.adjoint.openvino.engine.OpHarness.f32;
import static dev.adjoint.openvino.engine.OpHarness.i64;
import static dev.adjoint.openvino.engine.OpHarness.run1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.openvino.ir.Attributes;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;

/** Reductions, softmax, normalizations and FakeQuantize against float64 loops. */
class NormalizationOpsTest {
    private static final int[] XS = {2, 3, 5};
    private static final double[] X = OpHarness.uniform(40, 30, -2, 2);

    /** Reduces axis 1 of XS (keep_dims) with an accumulator, then finishes each group. */
    private static double[] overChannels(double start, DoubleBinaryOperator step, java.util.function.DoubleUnaryOperator
            finish) {
        double[] out = new double[10];
        for (int n = 0; n < 2; n++) {
            for (int k = 0; k < 5; k++) {
                double acc = start;
                for (int c = 0; c < 3; c++) {
                    acc = step.applyAsDouble(acc, X[(n * 3 + c) * 5 + k]);
                }
                out[n * 5 + k] = finish.applyAsDouble(acc);
            }
        }
        return out;
    }

    @Test
    void reductionsKeepingDims() {
        Attributes keep = Attributes.of("keep_dims", true);
        Object[][] cases = {
            {"ReduceSum", 1, overChannels(0, Double::sum, v -> v)},
            {"ReduceMean", 1, overChannels(0, Double::sum, v -> v / 3)},
            {"ReduceMax", 1, overChannels(Double.NEGATIVE_INFINITY, Math::max, v -> v)},
            {"ReduceMin", 1, overChannels(Double.POSITIVE_INFINITY, Math::min, v -> v)},
            {"ReduceProd", 1, overChannels(1, (a, b) -> a * b, v -> v)},
            {"ReduceL1", 4, overChannels(0, (a, b) -> a + Math.abs(b), v -> v)},
            {"ReduceL2", 4, overChannels(0, (a, b) -> a + b * b, Math::sqrt)},
        };
        for (Object[] c : cases) {
            OvTensor y = run1((String) c[0], (Integer) c[1], keep, f32(X, XS), i64(1));
            Ref.assertShape(new int[] {2, 1, 5}, y);
            Ref.assertClose((double[]) c[2], y.toFloatArray(), 1e-6, (String) c[0]);
        }
        // An axis named twice (1 and -2 of rank 3) is reduced once.
        OvTensor twice = run1("ReduceMean", 1, keep, f32(X, XS), i64(1, -2));
        Ref.assertShape(new int[] {2, 1, 5}, twice);
        Ref.assertClose(overChannels(0, Double::sum, v -> v / 3), twice.toFloatArray(), 1e-6, "ReduceMean axes 1, -2");
        OvTensor all = run1("ReduceSum", 1, Attributes.of("keep_dims", false), f32(X, XS), i64(0, -1, 1));
        Ref.assertShape(new int[] {}, all);
        double sum = 0;
        for (double v : X) {
            sum += v;
        }
        assertEquals(sum, all.toFloatArray()[0], 1e-5);
    }

    @Test
    void softmaxAndLogSoftmaxOverAxis1() {
        double[] max = overChannels(Double.NEGATIVE_INFINITY, Math::max, v -> v);
        double[] want = new double[30];
        double[] wantLog = new double[30];
        for (int n = 0; n < 2; n++) {
            for (int k = 0; k < 5; k++) {
                double z = 0;
                for (int c = 0; c < 3; c++) {
                    z += Math.exp(X[(n * 3 + c) * 5 + k] - max[n * 5 + k]);
                }
                for (int c = 0; c < 3; c++) {
                    int i = (n * 3 + c) * 5 + k;
                    want[i] = Math.exp(X[i] - max[n * 5 + k]) / z;
                    wantLog[i] = X[i] - max[n * 5 + k] - Math.log(z);
                }
            }
        }
        Ref.assertClose(want, run1("Softmax", 1, Attributes.of("axis", 1L), f32(X, XS)).toFloatArray(), 2e-6, "sm");
        Ref.assertClose(want, run1("Softmax", 8, Attributes.of("axis", -2L), f32(X, XS)).toFloatArray(), 2e-6, "sm8");
        Ref.assertClose(wantLog, run1("LogSoftmax", 5, Attributes.of("axis", 1L), f32(X, XS)).toFloatArray(), 2e-6,
                "logsm");
    }

    @Test
    void mvnModesAndAcrossChannels() {
        for (boolean inside : new boolean[] {true, false}) {
            double eps = 0.01;
            double[] want = new double[30];
            for (int n = 0; n < 2; n++) {
                for (int c = 0; c < 3; c++) {
                    double mean = 0;
                    for (int k = 0; k < 5; k++) {
                        mean += X[(n * 3 + c) * 5 + k] / 5;
                    }
                    double var = 0;
                    for (int k = 0; k < 5; k++) {
                        var += Math.pow(X[(n * 3 + c) * 5 + k] - mean, 2) / 5;
                    }
                    double den = inside ? Math.sqrt(var + eps) : Math.sqrt(var) + eps;
                    for (int k = 0; k < 5; k++) {
                        want[(n * 3 + c) * 5 + k] = (X[(n * 3 + c) * 5 + k] - mean) / den;
                    }
                }
            }
            OvTensor y = run1("MVN", 6, Attributes.of("normalize_variance", true, "eps", eps, "eps_mode",
                    inside ? "inside_sqrt" : "outside_sqrt"), f32(X, XS), i64(-1));
            Ref.assertClose(want, y.toFloatArray(), 2e-6, "mvn6 inside=" + inside);
        }
        // MVN-0 across channels normalizes each image over (C, W); without variance it only centres.
        double[] want = new double[30];
        for (int n = 0; n < 2; n++) {
            double mean = 0;
            for (int i = 0; i < 15; i++) {
                mean += X[n * 15 + i] / 15;
            }
            for (int i = 0; i < 15; i++) {
                want[n * 15 + i] = X[n * 15 + i] - mean;
            }
        }
        OvTensor y = run1("MVN", 0, Attributes.of("across_channels", true, "normalize_variance", false, "eps", 1e-9),
                f32(X, XS));
        Ref.assertClose(want, y.toFloatArray(), 2e-6, "mvn0");
    }

    @Test
    void normalizeL2AddAndMax() {
        for (boolean add : new boolean[] {true, false}) {
            double eps = add ? 0.5 : 100;
            double[] sums = overChannels(0, (a, b) -> a + b * b, v -> v);
            double[] want = new double[30];
            for (int i = 0; i < 30; i++) {
                int[] c = Ref.coords(i, XS);
                double s = sums[c[0] * 5 + c[2]];
                want[i] = X[i] / Math.sqrt(add ? s + eps : Math.max(s, eps));
            }
            OvTensor y = run1("NormalizeL2", 0, Attributes.of("eps", eps, "eps_mode", add ? "add" : "max"),
                    f32(X, XS), i64(1));
            Ref.assertClose(want, y.toFloatArray(), 2e-6, "normalizeL2 add=" + add);
        }
    }

    @Test
    void lrnAcrossChannelsWithAnEvenSize() {
        int[] xs = {1, 6, 2, 2};
        double[] x = OpHarness.uniform(41, 24, -2, 2);
        double alpha = 1e-2;
        double beta = 0.75;
        double bias = 2;
        int size = 4;
        int half = (size - 1) / 2;
        double[] want = new double[24];
        for (int i = 0; i < 24; i++) {
            int[] c = Ref.coords(i, xs);
            double sum = 0;
            for (int ch = Math.max(0, c[1] - half); ch < Math.min(6, c[1] + half + 1); ch++) {
                double v = x[Ref.flat(new int[] {0, ch, c[2], c[3]}, xs)];
                sum += v * v;
            }
            want[i] = x[i] / Math.pow(bias + alpha / size * sum, beta);
        }
        OvTensor y = run1("LRN", 0, Attributes.of("alpha", alpha, "beta", beta, "bias", bias, "size", (long) size),
                f32(x, xs), i64(1));
        Ref.assertClose(want, y.toFloatArray(), 2e-6, "lrn");
    }

    @Test
    void batchNormBothInputOrders() {
        int[] xs = {2, 3, 2};
        double[] x = OpHarness.uniform(42, 12, -2, 2);
        double[] gamma = {1, 2, 0.5};
        double[] beta = {0, -1, 3};
        double[] mean = {0.1, 0.2, -0.3};
        double[] var = {1, 0.25, 4};
        double eps = 1e-3;
        double[] want = new double[12];
        for (int i = 0; i < 12; i++) {
            int c = Ref.coords(i, xs)[1];
            want[i] = (x[i] - mean[c]) / Math.sqrt(var[c] + eps) * gamma[c] + beta[c];
        }
        Ref.assertClose(want, run1("BatchNormInference", 5, Attributes.of("epsilon", eps), f32(x, xs), f32(gamma, 3),
                f32(beta, 3), f32(mean, 3), f32(var, 3)).toFloatArray(), 2e-6, "bn5");
        Ref.assertClose(want, run1("BatchNormInference", 0, Attributes.of("epsilon", eps), f32(gamma, 3), f32(beta, 3),
                f32(x, xs), f32(mean, 3), f32(var, 3)).toFloatArray(), 2e-6, "bn0");
    }

    @Test
    void fakeQuantizePerChannelRangesHalfToEven() {
        int[] xs = {1, 2, 5};
        // Channel 1 has exact ties (0.5, 1.5 and 2.5 steps), which round to the even neighbour.
        double[] x = {-1, 0, 0.25, 0.5, 2, -1, 0.0625, 0.1875, 0.3125, 0.9};
        double[] il = {0, 0};
        double[] ih = {1, 0.5};
        double[] ol = {-1, 0};
        double[] oh = {1, 4};
        long levels = 5;
        double[] want = new double[10];
        for (int i = 0; i < 10; i++) {
            int c = i / 5;
            if (x[i] <= Math.min(il[c], ih[c])) {
                want[i] = ol[c];
            } else if (x[i] > Math.max(il[c], ih[c])) {
                want[i] = oh[c];
            } else {
                double q = Math.rint((x[i] - il[c]) / (ih[c] - il[c]) * (levels - 1));
                want[i] = q / (levels - 1) * (oh[c] - ol[c]) + ol[c];
            }
        }
        OvTensor y = run1("FakeQuantize", 0, Attributes.of("levels", levels), f32(x, xs), f32(il, 1, 2, 1),
                f32(ih, 1, 2, 1), f32(ol, 1, 2, 1), f32(oh, 1, 2, 1));
        Ref.assertClose(want, y.toFloatArray(), 1e-6, "fake quantize");
    }
}
