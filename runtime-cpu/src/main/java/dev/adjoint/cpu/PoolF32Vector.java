package dev.adjoint.cpu;

import dev.adjoint.ops.Pool2dSpec;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 pooling with horizontal stride 1 on the Vector API: a vector of adjacent outputs reads a
 * vector of adjacent inputs per kernel tap, so each output row is computed a vector at a time where
 * the window lies wholly inside the image horizontally. Columns at the borders, whose windows are
 * clipped by the padding, go through the scalar {@link Pool2d}. Sums are taken in the same order
 * as there, so both paths give identical results.
 */
final class PoolF32Vector {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    /** Narrower outputs stay scalar: not one full vector of interior columns to gain. */
    static final int MIN_WIDTH = SPECIES.length();

    private PoolF32Vector() {
    }

    /** Pools planes {@code [from, to)}; the spec's horizontal stride must be 1. */
    static void pool(float[] x, float[] out, int from, int to, int h, int w, Pool2dSpec spec, int oh, int ow) {
        int kw = spec.kernelW(), padW = spec.padW();
        boolean max = spec.kind() == Pool2dSpec.Kind.MAX;
        // Output columns [first, last) have their whole window inside the image horizontally.
        int first = Math.min(padW, ow);
        int last = Math.clamp(w - kw + padW + 1, first, ow);
        int vectorEnd = first + SPECIES.loopBound(last - first);
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
                for (int ox = first; ox < vectorEnd; ox += SPECIES.length()) {
                    FloatVector acc = FloatVector.broadcast(SPECIES, max ? Float.NEGATIVE_INFINITY : 0f);
                    for (int y = y0; y < y1; y++) {
                        int row = xBase + y * w + ox - padW;
                        for (int j = 0; j < kw; j++) {
                            FloatVector v = FloatVector.fromArray(SPECIES, x, row + j);
                            acc = max ? acc.max(v) : acc.add(v);
                        }
                    }
                    (max ? acc : acc.div(count)).intoArray(out, o + ox);
                }
            }
        }
        // The clipped border columns and the tail that did not fill a vector.
        if (first > 0) {
            Pool2d.poolColumns(x, out, from, to, h, w, spec, oh, ow, 0, first);
        }
        if (vectorEnd < ow) {
            Pool2d.poolColumns(x, out, from, to, h, w, spec, oh, ow, vectorEnd, ow);
        }
    }
}
