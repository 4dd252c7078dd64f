package dev.adjoint.cpu;

import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LT;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float64 {@code tanh} of our own, as float32's in {@code VectorElementwiseF32.tanh}: the JDK's {@code lanewise(TANH)}
 * is not bit-stable across warm-up, ours is built from adds, multiplies, divisions and {@link VectorExpF64}, which
 * round the same everywhere and at any vector width (docs/design.md, "Determinism"). On z = |x|: below 0.625, Cephes'
 * rational form z + z^3 P(z^2) / Q(z^2) (tanh.c); from there on, 1 - 2 / (e^{2z} + 1), where the subtraction loses
 * nothing since the quotient is below half. Then x's sign bit, so that -0 stays -0. Within 2 ulp of
 * {@code StrictMath.tanh} (VectorTanhF64Test).
 */
final class VectorTanhF64 {
    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    private static final double P0 = -9.64399179425052238628e-1;
    private static final double P1 = -9.92877231001918586564e1;
    private static final double P2 = -1.61468768441708447952e3;
    private static final double Q1 = 1.12811678491632931402e2;
    private static final double Q2 = 2.23548839060100448583e3;
    private static final double Q3 = 4.84406305325125486048e3;
    /** Where the rational form gives way to the one through exp. */
    private static final double RATIONAL_LIMIT = 0.625;
    /** 2z is clamped here: tanh(20) rounds to 1 already, and e^40 is far from overflow. */
    private static final double EXP_ARGUMENT_LIMIT = 40;
    private static final long SIGN_BIT = Long.MIN_VALUE;
    /** Values per block of the scratch array that exp runs on. */
    private static final int BLOCK = 1024;
    private static final ThreadLocal<double[]> SCRATCH = ThreadLocal.withInitial(() -> new double[BLOCK]);

    private VectorTanhF64() {
    }

    /**
     * tanh of {@code x[from, end)} into {@code out}, {@code end - from} a multiple of the vector length; {@code x} may be
     * {@code out}; returns {@code end}. A block at a time: e^{2|x|} into a scratch block through {@link VectorExpF64},
     * then both forms, blended. NaN stays NaN, +-inf give +-1.
     */
    static int tanhs(double[] x, double[] out, int from, int end) {
        double[] scratch = SCRATCH.get();
        DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
        for (int block = from; block < end; block += BLOCK) {
            int n = Math.min(BLOCK, end - block);
            for (int j = 0; j < n; j += SPECIES.length()) {
                DoubleVector t = DoubleVector.fromArray(SPECIES, x, block + j).abs().mul(2.0);
                t.blend(EXP_ARGUMENT_LIMIT, t.compare(GT, EXP_ARGUMENT_LIMIT)).intoArray(scratch, j);
            }
            VectorExpF64.expArray(scratch, 0, scratch, 0, n);
            for (int j = 0; j < n; j += SPECIES.length()) {
                DoubleVector v = DoubleVector.fromArray(SPECIES, x, block + j);
                DoubleVector z = v.abs();
                DoubleVector s = z.mul(z);
                DoubleVector p = s.fma(P0, P1).fma(s, DoubleVector.broadcast(SPECIES, P2));
                DoubleVector q = s.add(Q1).fma(s, DoubleVector.broadcast(SPECIES, Q2))
                        .fma(s, DoubleVector.broadcast(SPECIES, Q3));
                DoubleVector near = z.mul(s).mul(p.div(q)).add(z);
                DoubleVector far = one.sub(DoubleVector.broadcast(SPECIES, 2.0)
                        .div(DoubleVector.fromArray(SPECIES, scratch, j).add(1.0)));
                LongVector magnitude = far.blend(near, z.compare(LT, RATIONAL_LIMIT)).reinterpretAsLongs();
                magnitude.or(v.reinterpretAsLongs().and(SIGN_BIT)).reinterpretAsDoubles().intoArray(out, block + j);
            }
        }
        return end;
    }
}
