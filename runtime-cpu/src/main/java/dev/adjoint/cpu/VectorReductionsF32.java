package dev.adjoint.cpu;

import static jdk.incubator.vector.VectorOperators.EXP;
import static jdk.incubator.vector.VectorOperators.MAX;
import static jdk.incubator.vector.VectorOperators.MIN;

import dev.adjoint.op.ReduceOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

//autocode:variants float64 (generated from this file at build time: docs/design.md)
/**
 * The Vector API kernels of the reduction family for {@code float32}, with the same contracts as
 * their namesakes in {@link ScalarReductionsF32}.
 *
 * <p>Row sums keep four vector accumulators (independent add chains, each lane seeing a small
 * share of the row) and fold them into a {@code double} every {@link #BLOCK} elements, so even a
 * single-precision sum of millions of elements stays accurate to a few ulps without a pairwise
 * recursion. Only loaded when the Vector API is in use (see {@link KernelMode}).
 */
final class VectorReductionsF32 {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Elements summed in vector lanes before the partial sum moves to a double. */
    private static final int BLOCK = 4096;
    /** Values of x - shift exponentiated together in {@link #sumExp}, a multiple of the vector length. */
    private static final int EXP_CHUNK = 1024;
    private static final ThreadLocal<float[]> EXPS = new ThreadLocal<>();
    /** {@link #sumShortRows}' block of partial sums, a row of lanes per row of x. */
    private static final ThreadLocal<float[]> SHORT_ROWS = new ThreadLocal<>();

    private VectorReductionsF32() {
    }

    static double sum(float[] x, int off, int len) {
        int step = 4 * SPECIES.length();
        int end = off + len;
        int i = off;
        double total = 0;
        while (end - i >= step) {
            int blockEnd = i + Math.min(BLOCK, (end - i) / step * step);
            FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0;
            for (; i < blockEnd; i += step) {
                a0 = a0.add(FloatVector.fromArray(SPECIES, x, i));
                a1 = a1.add(FloatVector.fromArray(SPECIES, x, i + SPECIES.length()));
                a2 = a2.add(FloatVector.fromArray(SPECIES, x, i + 2 * SPECIES.length()));
                a3 = a3.add(FloatVector.fromArray(SPECIES, x, i + 3 * SPECIES.length()));
            }
            total += Lanes.sum(a0.add(a1).add(a2.add(a3)));
        }
        // Rows shorter than four vectors (a global average pool's 7x7 planes) would otherwise be
        // summed one dependent scalar add at a time.
        if (end - i >= SPECIES.length()) {
            FloatVector a = FloatVector.zero(SPECIES);
            for (; end - i >= SPECIES.length(); i += SPECIES.length()) {
                a = a.add(FloatVector.fromArray(SPECIES, x, i));
            }
            total += Lanes.sum(a);
        }
        for (; i < end; i++) total += x[i];
        return total;
    }

    /** Whether {@link #sumShortRows} takes rows of {@code len} values: one to four vectors, as {@link #sum} sums them. */
    static boolean takesShortRows(int len) {
        return len >= SPECIES.length() && len < 4 * SPECIES.length();
    }

    /**
     * {@code sums[r] = sum(x[off + r * len, off + (r + 1) * len))} for {@code r < rows}, each exactly as {@link #sum}
     * gives it, for rows {@link #takesShortRows} accepts (a global average pool's 7x7 planes): a vector's worth of rows
     * at a time, their partial-sum vectors stored side by side and each row's lanes then added one by one, lane 0
     * first, as {@link Lanes#sum} adds them. The rows' lane sums are independent chains, which the core overlaps. In
     * single precision, 1280 planes of 49 took 7.7-8.1 us this way against 11.6 us with a gathered column per lane
     * (6.2 against 8.9 us with AVX2), and about four times as long row by row through {@link #sum}.
     */
    static void sumShortRows(float[] x, int off, int len, int rows, double[] sums) {
        int v = SPECIES.length();
        int vectors = len / v;
        float[] block = GemmF32Vector.buffer(SHORT_ROWS, v * v);
        int r = 0;
        for (; r + v <= rows; r += v) {
            for (int q = 0; q < v; q++) {
                int at = off + (r + q) * len;
                FloatVector a = FloatVector.zero(SPECIES);
                for (int k = 0; k < vectors; k++) {
                    a = a.add(FloatVector.fromArray(SPECIES, x, at + k * v));
                }
                a.intoArray(block, q * v);
            }
            for (int q = 0; q < v; q++) {
                float lanes = 0f;
                for (int l = 0; l < v; l++) {
                    lanes += block[q * v + l];
                }
                double sum = lanes;
                for (int i = off + (r + q) * len + vectors * v, end = off + (r + q + 1) * len; i < end; i++) {
                    sum += x[i];
                }
                sums[r + q] = sum;
            }
        }
        for (; r < rows; r++) {
            sums[r] = sum(x, off + r * len, len);
        }
    }

    static double sumExp(float[] x, int off, int len, double shift) {
        int step = SPECIES.length();
        int end = off + len;
        int i = off;
        double total = 0;
        FloatVector s = FloatVector.broadcast(SPECIES, (float) shift);
        float[] exps = GemmF32Vector.buffer(EXPS, EXP_CHUNK);
        while (end - i >= step) {
            int blockEnd = i + Math.min(BLOCK, (end - i) / step * step);
            FloatVector acc = FloatVector.zero(SPECIES);
            // exp(x - shift) a chunk at a time through expArray (see there why not a function of vectors).
            while (i < blockEnd) {
                int n = Math.min(EXP_CHUNK, blockEnd - i);
                for (int j = 0; j < n; j += step) {
                    FloatVector.fromArray(SPECIES, x, i + j).sub(s).intoArray(exps, j);
                }
                VectorElementwiseF32.expArray(exps, 0, exps, 0, n);
                for (int j = 0; j < n; j += step) {
                    acc = acc.add(FloatVector.fromArray(SPECIES, exps, j));
                }
                i += n;
            }
            total += Lanes.sum(acc);
        }
        for (; i < end; i++) total += Math.exp(x[i] - shift);
        return total;
    }

    static double prod(float[] x, int off, int len) {
        int end = off + SPECIES.loopBound(len);
        FloatVector acc = FloatVector.broadcast(SPECIES, 1f);
        int i = off;
        for (; i < end; i += SPECIES.length()) acc = acc.mul(FloatVector.fromArray(SPECIES, x, i));
        double p = Lanes.product(acc);
        for (; i < off + len; i++) p *= x[i];
        return p;
    }

    static double max(float[] x, int off, int len) {
        int end = off + SPECIES.loopBound(len);
        FloatVector acc = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        int i = off;
        for (; i < end; i += SPECIES.length()) acc = acc.max(FloatVector.fromArray(SPECIES, x, i));
        double m = acc.reduceLanes(MAX);
        for (; i < off + len; i++) m = Math.max(m, x[i]);
        return m;
    }

    static double min(float[] x, int off, int len) {
        int end = off + SPECIES.loopBound(len);
        FloatVector acc = FloatVector.broadcast(SPECIES, Float.POSITIVE_INFINITY);
        int i = off;
        for (; i < end; i += SPECIES.length()) acc = acc.min(FloatVector.fromArray(SPECIES, x, i));
        double m = acc.reduceLanes(MIN);
        for (; i < off + len; i++) m = Math.min(m, x[i]);
        return m;
    }

    static void columns(ReduceOp op, float[] x, int base, int stride, int rows, float[] acc, int ao, int width) {
        System.arraycopy(x, base, acc, ao, width);
        int end = SPECIES.loopBound(width);
        for (int r = 1; r < rows; r++) {
            int row = base + r * stride;
            int j = 0;
            switch (op) {
                case SUM -> { for (; j < end; j += SPECIES.length()) FloatVector.fromArray(SPECIES, acc, ao + j).add(FloatVector.fromArray(SPECIES, x, row + j)).intoArray(acc, ao + j); }
                case PROD -> { for (; j < end; j += SPECIES.length()) FloatVector.fromArray(SPECIES, acc, ao + j).mul(FloatVector.fromArray(SPECIES, x, row + j)).intoArray(acc, ao + j); }
                case MAX -> { for (; j < end; j += SPECIES.length()) FloatVector.fromArray(SPECIES, acc, ao + j).max(FloatVector.fromArray(SPECIES, x, row + j)).intoArray(acc, ao + j); }
                case MIN -> { for (; j < end; j += SPECIES.length()) FloatVector.fromArray(SPECIES, acc, ao + j).min(FloatVector.fromArray(SPECIES, x, row + j)).intoArray(acc, ao + j); }
                default -> throw new IllegalArgumentException("no column kernel for " + op);
            }
            if (j < width) {
                ScalarReductionsF32.combineRow(op, x, row + j, acc, ao + j, width - j);
            }
        }
    }

    static void softmaxRow(float[] x, int off, int len, float[] out, boolean log) {
        double m = max(x, off, len);
        int end = off + SPECIES.loopBound(len);
        int i = off;
        if (log) {
            // (x - max) is exact near the maximum; subtracting log(sum) after keeps the small outputs accurate.
            double logSum = Math.log(sumExp(x, off, len, m));
            FloatVector shift = FloatVector.broadcast(SPECIES, (float) m);
            FloatVector s = FloatVector.broadcast(SPECIES, (float) logSum);
            for (; i < end; i += SPECIES.length()) FloatVector.fromArray(SPECIES, x, i).sub(shift).sub(s).intoArray(out, i);
            for (; i < off + len; i++) out[i] = (float) (x[i] - m - logSum);
            return;
        }
        FloatVector shift = FloatVector.broadcast(SPECIES, (float) m);
        for (; i < end; i += SPECIES.length()) FloatVector.fromArray(SPECIES, x, i).sub(shift).intoArray(out, i);
        VectorElementwiseF32.expArray(out, off, out, off, end - off);
        for (; i < off + len; i++) out[i] = (float) Math.exp(x[i] - m);
        FloatVector scale = FloatVector.broadcast(SPECIES, (float) (1.0 / sum(out, off, len)));
        for (i = off; i < end; i += SPECIES.length()) FloatVector.fromArray(SPECIES, out, i).mul(scale).intoArray(out, i);
        for (; i < off + len; i++) out[i] *= scale.lane(0);
    }
}
