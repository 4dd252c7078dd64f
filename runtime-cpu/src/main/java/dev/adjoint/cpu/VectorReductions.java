package dev.adjoint.cpu;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.EXP;
import static jdk.incubator.vector.VectorOperators.MAX;
import static jdk.incubator.vector.VectorOperators.MIN;
import static jdk.incubator.vector.VectorOperators.MUL;

import dev.adjoint.op.ReduceOp;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels of the reduction family for {@code float32} and {@code float64}, with the
 * same contracts as their namesakes in {@link ScalarReductions}.
 *
 * <p>Row sums keep four vector accumulators (independent add chains, and 64 float lanes that each
 * see a 64th of the row) and fold them into a {@code double} every {@link #BLOCK} elements, so a
 * {@code float32} sum of millions of elements stays accurate to a few ulps without a pairwise
 * recursion. Only loaded when the Vector API is in use (see {@link KernelMode}).
 */
final class VectorReductions {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Elements summed in vector lanes before the partial sum moves to a double. */
    private static final int BLOCK = 4096;

    private VectorReductions() {
    }


    static double sum(float[] x, int off, int len) {
        int step = 4 * F.length();
        int end = off + len;
        int i = off;
        double total = 0;
        while (end - i >= step) {
            int blockEnd = i + Math.min(BLOCK, (end - i) / step * step);
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (; i < blockEnd; i += step) {
                a0 = a0.add(FloatVector.fromArray(F, x, i));
                a1 = a1.add(FloatVector.fromArray(F, x, i + F.length()));
                a2 = a2.add(FloatVector.fromArray(F, x, i + 2 * F.length()));
                a3 = a3.add(FloatVector.fromArray(F, x, i + 3 * F.length()));
            }
            total += a0.add(a1).add(a2.add(a3)).reduceLanes(ADD);
        }
        for (; i < end; i++) total += x[i];
        return total;
    }

    static double sumExp(float[] x, int off, int len, double shift) {
        int step = F.length();
        int end = off + len;
        int i = off;
        double total = 0;
        FloatVector s = FloatVector.broadcast(F, (float) shift);
        while (end - i >= step) {
            int blockEnd = i + Math.min(BLOCK, (end - i) / step * step);
            FloatVector acc = FloatVector.zero(F);
            for (; i < blockEnd; i += step) {
                acc = acc.add(FloatVector.fromArray(F, x, i).sub(s).lanewise(EXP));
            }
            total += acc.reduceLanes(ADD);
        }
        for (; i < end; i++) total += Math.exp(x[i] - shift);
        return total;
    }

    static double prod(float[] x, int off, int len) {
        int end = off + F.loopBound(len);
        FloatVector acc = FloatVector.broadcast(F, 1f);
        int i = off;
        for (; i < end; i += F.length()) acc = acc.mul(FloatVector.fromArray(F, x, i));
        double p = acc.reduceLanes(MUL);
        for (; i < off + len; i++) p *= x[i];
        return p;
    }

    static double max(float[] x, int off, int len) {
        int end = off + F.loopBound(len);
        FloatVector acc = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = off;
        for (; i < end; i += F.length()) acc = acc.max(FloatVector.fromArray(F, x, i));
        double m = acc.reduceLanes(MAX);
        for (; i < off + len; i++) m = Math.max(m, x[i]);
        return m;
    }

    static double min(float[] x, int off, int len) {
        int end = off + F.loopBound(len);
        FloatVector acc = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
        int i = off;
        for (; i < end; i += F.length()) acc = acc.min(FloatVector.fromArray(F, x, i));
        double m = acc.reduceLanes(MIN);
        for (; i < off + len; i++) m = Math.min(m, x[i]);
        return m;
    }

    static void columns(ReduceOp op, float[] x, int base, int stride, int rows, float[] acc, int ao, int width) {
        System.arraycopy(x, base, acc, ao, width);
        int end = F.loopBound(width);
        for (int r = 1; r < rows; r++) {
            int row = base + r * stride;
            int j = 0;
            switch (op) {
                case SUM -> { for (; j < end; j += F.length()) FloatVector.fromArray(F, acc, ao + j).add(FloatVector.fromArray(F, x, row + j)).intoArray(acc, ao + j); }
                case PROD -> { for (; j < end; j += F.length()) FloatVector.fromArray(F, acc, ao + j).mul(FloatVector.fromArray(F, x, row + j)).intoArray(acc, ao + j); }
                case MAX -> { for (; j < end; j += F.length()) FloatVector.fromArray(F, acc, ao + j).max(FloatVector.fromArray(F, x, row + j)).intoArray(acc, ao + j); }
                case MIN -> { for (; j < end; j += F.length()) FloatVector.fromArray(F, acc, ao + j).min(FloatVector.fromArray(F, x, row + j)).intoArray(acc, ao + j); }
                default -> throw new IllegalArgumentException("no column kernel for " + op);
            }
            if (j < width) {
                ScalarReductions.combineRow(op, x, row + j, acc, ao + j, width - j);
            }
        }
    }

    static void softmaxRow(float[] x, int off, int len, float[] out, boolean log) {
        double m = max(x, off, len);
        int end = off + F.loopBound(len);
        int i = off;
        if (log) {
            // (x - max) is exact near the maximum; subtracting log(sum) after keeps the small outputs accurate.
            double logSum = Math.log(sumExp(x, off, len, m));
            FloatVector shift = FloatVector.broadcast(F, (float) m);
            FloatVector s = FloatVector.broadcast(F, (float) logSum);
            for (; i < end; i += F.length()) FloatVector.fromArray(F, x, i).sub(shift).sub(s).intoArray(out, i);
            for (; i < off + len; i++) out[i] = (float) (x[i] - m - logSum);
            return;
        }
        FloatVector shift = FloatVector.broadcast(F, (float) m);
        for (; i < end; i += F.length()) FloatVector.fromArray(F, x, i).sub(shift).lanewise(EXP).intoArray(out, i);
        for (; i < off + len; i++) out[i] = (float) Math.exp(x[i] - m);
        FloatVector scale = FloatVector.broadcast(F, (float) (1.0 / sum(out, off, len)));
        for (i = off; i < end; i += F.length()) FloatVector.fromArray(F, out, i).mul(scale).intoArray(out, i);
        for (; i < off + len; i++) out[i] *= scale.lane(0);
    }

    static double sum(double[] x, int off, int len) {
        int step = 4 * D.length();
        int end = off + len;
        int i = off;
        double total = 0;
        while (end - i >= step) {
            int blockEnd = i + Math.min(BLOCK, (end - i) / step * step);
            DoubleVector a0 = DoubleVector.zero(D), a1 = a0, a2 = a0, a3 = a0;
            for (; i < blockEnd; i += step) {
                a0 = a0.add(DoubleVector.fromArray(D, x, i));
                a1 = a1.add(DoubleVector.fromArray(D, x, i + D.length()));
                a2 = a2.add(DoubleVector.fromArray(D, x, i + 2 * D.length()));
                a3 = a3.add(DoubleVector.fromArray(D, x, i + 3 * D.length()));
            }
            total += a0.add(a1).add(a2.add(a3)).reduceLanes(ADD);
        }
        for (; i < end; i++) total += x[i];
        return total;
    }

    static double sumExp(double[] x, int off, int len, double shift) {
        int step = D.length();
        int end = off + len;
        int i = off;
        double total = 0;
        DoubleVector s = DoubleVector.broadcast(D, shift);
        while (end - i >= step) {
            int blockEnd = i + Math.min(BLOCK, (end - i) / step * step);
            DoubleVector acc = DoubleVector.zero(D);
            for (; i < blockEnd; i += step) {
                acc = acc.add(DoubleVector.fromArray(D, x, i).sub(s).lanewise(EXP));
            }
            total += acc.reduceLanes(ADD);
        }
        for (; i < end; i++) total += Math.exp(x[i] - shift);
        return total;
    }

    static double prod(double[] x, int off, int len) {
        int end = off + D.loopBound(len);
        DoubleVector acc = DoubleVector.broadcast(D, 1.0);
        int i = off;
        for (; i < end; i += D.length()) acc = acc.mul(DoubleVector.fromArray(D, x, i));
        double p = acc.reduceLanes(MUL);
        for (; i < off + len; i++) p *= x[i];
        return p;
    }

    static double max(double[] x, int off, int len) {
        int end = off + D.loopBound(len);
        DoubleVector acc = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        int i = off;
        for (; i < end; i += D.length()) acc = acc.max(DoubleVector.fromArray(D, x, i));
        double m = acc.reduceLanes(MAX);
        for (; i < off + len; i++) m = Math.max(m, x[i]);
        return m;
    }

    static double min(double[] x, int off, int len) {
        int end = off + D.loopBound(len);
        DoubleVector acc = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        int i = off;
        for (; i < end; i += D.length()) acc = acc.min(DoubleVector.fromArray(D, x, i));
        double m = acc.reduceLanes(MIN);
        for (; i < off + len; i++) m = Math.min(m, x[i]);
        return m;
    }

    static void columns(ReduceOp op, double[] x, int base, int stride, int rows, double[] acc, int ao, int width) {
        System.arraycopy(x, base, acc, ao, width);
        int end = D.loopBound(width);
        for (int r = 1; r < rows; r++) {
            int row = base + r * stride;
            int j = 0;
            switch (op) {
                case SUM -> { for (; j < end; j += D.length()) DoubleVector.fromArray(D, acc, ao + j).add(DoubleVector.fromArray(D, x, row + j)).intoArray(acc, ao + j); }
                case PROD -> { for (; j < end; j += D.length()) DoubleVector.fromArray(D, acc, ao + j).mul(DoubleVector.fromArray(D, x, row + j)).intoArray(acc, ao + j); }
                case MAX -> { for (; j < end; j += D.length()) DoubleVector.fromArray(D, acc, ao + j).max(DoubleVector.fromArray(D, x, row + j)).intoArray(acc, ao + j); }
                case MIN -> { for (; j < end; j += D.length()) DoubleVector.fromArray(D, acc, ao + j).min(DoubleVector.fromArray(D, x, row + j)).intoArray(acc, ao + j); }
                default -> throw new IllegalArgumentException("no column kernel for " + op);
            }
            if (j < width) {
                ScalarReductions.combineRow(op, x, row + j, acc, ao + j, width - j);
            }
        }
    }

    static void softmaxRow(double[] x, int off, int len, double[] out, boolean log) {
        double m = max(x, off, len);
        int end = off + D.loopBound(len);
        int i = off;
        if (log) {
            // (x - max) is exact near the maximum; subtracting log(sum) after keeps the small outputs accurate.
            double logSum = Math.log(sumExp(x, off, len, m));
            DoubleVector shift = DoubleVector.broadcast(D, m);
            DoubleVector s = DoubleVector.broadcast(D, logSum);
            for (; i < end; i += D.length()) DoubleVector.fromArray(D, x, i).sub(shift).sub(s).intoArray(out, i);
            for (; i < off + len; i++) out[i] = (x[i] - m - logSum);
            return;
        }
        DoubleVector shift = DoubleVector.broadcast(D, m);
        for (; i < end; i += D.length()) DoubleVector.fromArray(D, x, i).sub(shift).lanewise(EXP).intoArray(out, i);
        for (; i < off + len; i++) out[i] = Math.exp(x[i] - m);
        DoubleVector scale = DoubleVector.broadcast(D, (1.0 / sum(out, off, len)));
        for (i = off; i < end; i += D.length()) DoubleVector.fromArray(D, out, i).mul(scale).intoArray(out, i);
        for (; i < off + len; i++) out[i] *= scale.lane(0);
    }
}
