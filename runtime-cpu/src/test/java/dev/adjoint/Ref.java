package dev.adjoint;

import dev.adjoint.core.Shape;
import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * The tests' independent reference: a float64 n-d array with plain loops for broadcasting,
 * reductions and matrix products, written without any code of the library under test.
 */
record Ref(double[] data, int[] dims) {

    static Ref of(Tensor t) {
        return new Ref(t.toDoubleArray(), t.shape().dims());
    }

    static Ref random(Random rng, int... dims) {
        double[] d = new double[size(dims)];
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextDouble() * 4 - 2;
        }
        return new Ref(d, dims);
    }

    static int size(int[] dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    Tensor toFloat32() {
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data[i];
        }
        return Tensor.of(f, Shape.of(dims));
    }

    Tensor toFloat64() {
        return Tensor.of(data, Shape.of(dims));
    }

    /** Rounds every element to float32, so a float32 tensor and this reference see the same inputs. */
    Ref roundedToFloat() {
        double[] d = new double[data.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) data[i];
        }
        return new Ref(d, dims);
    }

    Ref map(DoubleUnaryOperator f) {
        double[] d = new double[data.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = f.applyAsDouble(data[i]);
        }
        return new Ref(d, dims);
    }

    /** Multi-index of flat position {@code flat} in {@code dims}. */
    static int[] unravel(int flat, int[] dims) {
        int[] idx = new int[dims.length];
        for (int i = dims.length - 1; i >= 0; i--) {
            idx[i] = flat % dims[i];
            flat /= dims[i];
        }
        return idx;
    }

    /** Element at an output index, reading this array as broadcast to the output's rank. */
    double atBroadcast(int[] outIdx) {
        int lead = outIdx.length - dims.length;
        int flat = 0;
        for (int i = 0; i < dims.length; i++) {
            int j = dims[i] == 1 ? 0 : outIdx[lead + i];
            flat = flat * dims[i] + j;
        }
        return data[flat];
    }

    static int[] broadcastDims(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
            int db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    Ref zip(Ref other, DoubleBinaryOperator f) {
        int[] out = broadcastDims(dims, other.dims);
        double[] d = new double[size(out)];
        for (int i = 0; i < d.length; i++) {
            int[] idx = unravel(i, out);
            d[i] = f.applyAsDouble(atBroadcast(idx), other.atBroadcast(idx));
        }
        return new Ref(d, out);
    }

    /** Reduces {@code axes} with a function of the gathered values. */
    Ref reduce(int[] axes, java.util.function.ToDoubleFunction<double[]> f) {
        boolean[] reduced = new boolean[dims.length];
        for (int a : axes) {
            reduced[a] = true;
        }
        int[] outDims = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            outDims[i] = reduced[i] ? 1 : dims[i];
        }
        int outSize = size(outDims);
        int groupLen = 1;
        for (int a : axes) {
            groupLen *= dims[a];
        }
        double[][] groups = new double[outSize][groupLen];
        int[] fill = new int[outSize];
        for (int i = 0; i < data.length; i++) {
            int[] idx = unravel(i, dims);
            int o = 0;
            for (int k = 0; k < dims.length; k++) {
                o = o * outDims[k] + (reduced[k] ? 0 : idx[k]);
            }
            groups[o][fill[o]++] = data[i];
        }
        double[] d = new double[outSize];
        for (int g = 0; g < outSize; g++) {
            d[g] = f.applyAsDouble(groups[g]);
        }
        return new Ref(d, outDims);
    }

    /** {@code (m,k) x (k,n)} with float64 accumulation. */
    static double[] matmul(double[] a, double[] b, int m, int k, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += a[i * k + p] * b[p * n + j];
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    /** Asserts that {@code actual} matches this reference in shape and within the tolerances. */
    void assertClose(Tensor actual, double rtol, double atol) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(dims, actual.shape().dims(), "shape");
        double[] got = actual.toDoubleArray();
        for (int i = 0; i < data.length; i++) {
            double want = data[i];
            boolean ok = Double.isNaN(want) ? Double.isNaN(got[i])
                    : want == got[i] || Math.abs(want - got[i]) <= atol + rtol * Math.abs(want);
            if (!ok) {
                org.junit.jupiter.api.Assertions.fail("element " + i + " " + Arrays.toString(unravel(i, dims))
                        + ": expected " + want + " but was " + got[i]);
            }
        }
    }
}
