package dev.adjoint.cpu;

import dev.adjoint.op.Pool2dSpec;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 pooling with horizontal stride 1 or 2 on the Vector API, a vector of adjacent outputs at a
 * time where the window lies wholly inside the image horizontally. With stride 1 each kernel tap is
 * one vector of adjacent inputs. With stride 2 the inputs of two neighbouring taps are the even and
 * odd lanes of the same two loaded vectors; taking them apart with a two-vector rearrange measured
 * 2x faster than the scalar loop on 2x2 max pooling (a gather was slower than scalar). Columns at
 * the borders, whose windows are clipped by the padding, go through the scalar {@link Pool2d}, but for max
 * pooling with stride 2, whose vectors take them too. Sums are taken in the same order as there, so both paths
 * give identical results.
 */
final class PoolF32Vector {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int V = SPECIES.length();
    private static final VectorShuffle<Float> EVEN_LANES = VectorShuffle.fromOp(SPECIES, lane -> 2 * lane);
    private static final VectorShuffle<Float> ODD_LANES = VectorShuffle.fromOp(SPECIES, lane -> 2 * lane + 1);

    /** The per-row column maxima of {@link #maxStride2}. */
    private static final ThreadLocal<float[]> ROW_MAX = new ThreadLocal<>();

    /** Narrower outputs stay scalar: not one full vector of interior columns to gain. */
    static final int MIN_WIDTH = V;

    private PoolF32Vector() {
    }

    /** Whether {@link #pool} handles this geometry: horizontal stride 1 or 2. */
    static boolean supports(Pool2dSpec spec, int ow) {
        return (spec.strideW() == 1 || spec.strideW() == 2) && ow >= MIN_WIDTH;
    }

    /** Pools planes {@code [from, to)}; the geometry must be one {@link #supports} accepts. */
    static void pool(float[] x, float[] out, int from, int to, int h, int w, Pool2dSpec spec, int oh, int ow) {
        int kw = spec.kernelW(), padW = spec.padW(), stride = spec.strideW();
        boolean max = spec.kind() == Pool2dSpec.Kind.MAX;
        // Input columns one vector of outputs reads past its first window's start: with stride 2 the
        // taps go in pairs, so an odd kernel also loads (and ignores) the column after its window.
        int reach = stride == 1 ? kw : kw + (kw & 1);
        // Output columns [first, last) read only columns inside the image.
        int first = Math.min(Math.ceilDiv(padW, stride), ow);
        int last = Math.clamp(Math.floorDiv(w - reach + padW, stride) + 1, first, ow);
        // A ragged end gets one more vector, overlapping the previous one: its outputs are computed
        // twice, identically, instead of once by the much slower scalar loop.
        int vectorEnd = last - first >= V ? last : first;
        if (max && stride == 2 && padW < kw && 2 * (ow - 1) - padW < w) {
            // Its border columns too, from the column maxima it computes anyway.
            maxStride2(x, out, from, to, h, w, spec, oh, ow);
            return;
        }
        foldWindows(x, out, from, to, h, w, spec, oh, ow, first, vectorEnd);
        // The clipped border columns, and all columns when there were too few for one vector.
        if (first > 0) {
            Pool2d.poolColumns(x, out, from, to, h, w, spec, oh, ow, 0, first);
        }
        if (vectorEnd < ow) {
            Pool2d.poolColumns(x, out, from, to, h, w, spec, oh, ow, vectorEnd, ow);
        }
    }

    /**
     * Output columns {@code [first, vectorEnd)}, a vector of adjacent outputs at a time, each folding its window's
     * taps row by row in the scalar path's order.
     */
    private static void foldWindows(float[] x, float[] out, int from, int to, int h, int w, Pool2dSpec spec, int oh,
            int ow, int first, int vectorEnd) {
        int kw = spec.kernelW(), padW = spec.padW(), stride = spec.strideW();
        boolean max = spec.kind() == Pool2dSpec.Kind.MAX;
        for (int plane = from; plane < to; plane++) {
            int xBase = plane * h * w;
            for (int oy = 0; oy < oh; oy++) {
                int top = oy * spec.strideH() - spec.padH();
                int y0 = Math.max(top, 0), y1 = Math.min(top + spec.kernelH(), h);
                int o = (plane * oh + oy) * ow;
                if (y0 >= y1) {
                    continue;  // a window wholly in the padding: the output stays zero
                }
                FloatVector count = FloatVector.broadcast(SPECIES, (float) ((y1 - y0) * kw));
                FloatVector start = FloatVector.broadcast(SPECIES, max ? Float.NEGATIVE_INFINITY : 0f);
                int next = first;
                // Two vectors of outputs at a time: each output's fold is one chain of dependent max (or add)
                // operations, nine for a 3x3 window, so a second independent chain keeps the units busy. Each
                // output still folds its taps in the same order, so the results do not change.
                for (; next + 2 * V <= vectorEnd; next += 2 * V) {
                    FloatVector acc0 = start, acc1 = start;
                    for (int y = y0; y < y1; y++) {
                        int row = xBase + y * w + next * stride - padW;
                        acc0 = fold(x, row, kw, stride, max, acc0);
                        acc1 = fold(x, row + V * stride, kw, stride, max, acc1);
                    }
                    (max ? acc0 : acc0.div(count)).intoArray(out, o + next);
                    (max ? acc1 : acc1.div(count)).intoArray(out, o + next + V);
                }
                for (; next < vectorEnd; next += V) {
                    int ox = Math.min(next, vectorEnd - V);
                    FloatVector acc = start;
                    for (int y = y0; y < y1; y++) {
                        int row = xBase + y * w + ox * stride - padW;
                        acc = fold(x, row, kw, stride, max, acc);
                    }
                    (max ? acc : acc.div(count)).intoArray(out, o + ox);
                }
            }
        }
    }

    /**
     * Max pooling with horizontal stride 2 where every window holds a column of the image (none lies wholly in the
     * padding): first the maximum down the window's rows for every input column (contiguous loads), then
     * across the window's columns for every column, and every other one of those is an output. Taking the even
     * lanes once per output vector, instead of once per tap of each row, made ResNet's 3x3 stride-2 pool (64 x 112 x
     * 112, one thread) 1.4x faster: 410 -> 304 us fastest, 570-670 -> 410-420 us median. The column maxima sit
     * between -infinity on both sides, which no maximum can pick over a value in the image (NaN and -0 included), so
     * the windows that the padding clips go through the same vectors: one output column at each end of every row,
     * taken value by value, was 30% of that pool's samples in JFR. A maximum does not depend on the order of its
     * operands (NaN wins either way, and -0 is below +0), so this agrees with the scalar path to the bit.
     */
    private static void maxStride2(float[] x, float[] out, int from, int to, int h, int w, Pool2dSpec spec, int oh,
            int ow) {
        int kw = spec.kernelW(), padW = spec.padW();
        // Column c of the image is columns[padW + c]. The last output vector's loads reach 2V + kw - 2 columns past
        // its first window's start; the lanes past its windows are read and then dropped with the odd lanes.
        int size = Math.max(padW + w, 2 * (ow - V) + 2 * V + kw);
        float[] columns = GemmF32Vector.buffer(ROW_MAX, size);
        Arrays.fill(columns, 0, padW, Float.NEGATIVE_INFINITY);
        Arrays.fill(columns, padW + w, size, Float.NEGATIVE_INFINITY);
        for (int plane = from; plane < to; plane++) {
            int xBase = plane * h * w;
            for (int oy = 0; oy < oh; oy++) {
                int top = oy * spec.strideH() - spec.padH();
                int y0 = Math.max(top, 0), y1 = Math.min(top + spec.kernelH(), h);
                if (y0 >= y1) {
                    continue;  // a window wholly in the padding: the output stays zero
                }
                int c = 0;
                for (; c + V <= w; c += V) {
                    FloatVector m = FloatVector.fromArray(SPECIES, x, xBase + y0 * w + c);
                    for (int y = y0 + 1; y < y1; y++) {
                        m = m.max(FloatVector.fromArray(SPECIES, x, xBase + y * w + c));
                    }
                    m.intoArray(columns, padW + c);
                }
                for (; c < w; c++) {
                    float m = x[xBase + y0 * w + c];
                    for (int y = y0 + 1; y < y1; y++) {
                        m = Math.max(m, x[xBase + y * w + c]);
                    }
                    columns[padW + c] = m;
                }
                int o = (plane * oh + oy) * ow;
                for (int next = 0; next < ow; next += V) {
                    // A ragged end overlaps the previous vector, as in pool.
                    int ox = Math.min(next, ow - V);
                    int start = 2 * ox;
                    FloatVector lo = FloatVector.fromArray(SPECIES, columns, start);
                    FloatVector hi = FloatVector.fromArray(SPECIES, columns, start + V);
                    for (int j = 1; j < kw; j++) {
                        lo = lo.max(FloatVector.fromArray(SPECIES, columns, start + j));
                        hi = hi.max(FloatVector.fromArray(SPECIES, columns, start + V + j));
                    }
                    lo.rearrange(EVEN_LANES, hi).intoArray(out, o + ox);
                }
            }
        }
    }

    /** Folds the {@code kw} taps of one input row into {@code acc}, for stride 1 or 2. */
    private static FloatVector fold(float[] x, int row, int kw, int stride, boolean max, FloatVector acc) {
        return stride == 1 ? taps(x, row, kw, max, acc) : tapPairs(x, row, kw, max, acc);
    }

    /** Folds the {@code kw} taps of one input row into {@code acc}, for stride 1. */
    private static FloatVector taps(float[] x, int row, int kw, boolean max, FloatVector acc) {
        for (int j = 0; j < kw; j++) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, row + j);
            acc = max ? acc.max(v) : acc.add(v);
        }
        return acc;
    }

    /** Folds the {@code kw} taps of one input row into {@code acc}, for stride 2, in tap order. */
    private static FloatVector tapPairs(float[] x, int row, int kw, boolean max, FloatVector acc) {
        for (int j = 0; j < kw; j += 2) {
            FloatVector lo = FloatVector.fromArray(SPECIES, x, row + j);
            FloatVector hi = FloatVector.fromArray(SPECIES, x, row + j + V);
            FloatVector even = lo.rearrange(EVEN_LANES, hi);
            acc = max ? acc.max(even) : acc.add(even);
            if (j + 1 < kw) {
                FloatVector odd = lo.rearrange(ODD_LANES, hi);
                acc = max ? acc.max(odd) : acc.add(odd);
            }
        }
        return acc;
    }
}
