package dev.adjoint.cpu;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.D2L;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LT;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float64 {@code exp} of our own, as float32's in {@link VectorElementwiseF32#expArray}: the JDK's
 * {@code lanewise(EXP)} gives different bits interpreted and compiled, ours is built from adds, multiplies, FMAs and
 * integer operations only, which round the same everywhere and at any vector width. exp(x) = 2^n e^r with n = round(x /
 * ln 2) and r = x - n ln 2 (ln 2 in two parts, Cody and Waite, each product exact in its FMA), e^r from its Taylor
 * series to degree 13 on |r| <= ln 2 / 2 (truncation below 1e-17), and 2^n as two exact power-of-two factors so that
 * subnormal results round once. Within 2 ulp of the correctly rounded value (VectorExpF64Test).
 */
final class VectorExpF64 {
    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    private static final double LOG2E = 1.4426950408889634;
    /** Adding and subtracting 1.5 * 2^52 rounds a double below 2^51 in magnitude to the nearest integer. */
    private static final double ROUND = 6755399441055744.0;
    private static final double LN2_HI = 6.93147180369123816490e-01;
    private static final double LN2_LO = 1.90821492927058770002e-10;
    /** The Taylor coefficients 1/k!. */
    private static final double C13 = 1.0 / 6227020800.0;
    private static final double C12 = 1.0 / 479001600.0;
    private static final double C11 = 1.0 / 39916800.0;
    private static final double C10 = 1.0 / 3628800.0;
    private static final double C9 = 1.0 / 362880.0;
    private static final double C8 = 1.0 / 40320.0;
    private static final double C7 = 1.0 / 5040.0;
    private static final double C6 = 1.0 / 720.0;
    private static final double C5 = 1.0 / 120.0;
    private static final double C4 = 1.0 / 24.0;
    private static final double C3 = 1.0 / 6.0;
    private static final double C2 = 1.0 / 2.0;

    private VectorExpF64() {
    }

    /** {@code dst[dstOff + j] = exp(src[srcOff + j])} for {@code j < n}, a multiple of the vector length. */
    static void expArray(double[] src, int srcOff, double[] dst, int dstOff, int n) {
        for (int j = 0; j < n; j += SPECIES.length()) {
            // Beyond [-746, 710] the result is 0 or infinity all the same; NaN fails both compares and stays NaN. (A
            // compare and a blend per bound cost C2 less than max/min, whose Java semantics take several instructions.)
            DoubleVector v = DoubleVector.fromArray(SPECIES, src, srcOff + j);
            DoubleVector x = v.blend(-746.0, v.compare(LT, -746.0)).blend(710.0, v.compare(GT, 710.0));
            DoubleVector m = x.fma(LOG2E, ROUND).sub(ROUND);
            DoubleVector r = m.fma(DoubleVector.broadcast(SPECIES, -LN2_HI), x);
            r = m.fma(DoubleVector.broadcast(SPECIES, -LN2_LO), r);
            DoubleVector p = r.fma(C13, C12).fma(r, DoubleVector.broadcast(SPECIES, C11))
                    .fma(r, DoubleVector.broadcast(SPECIES, C10)).fma(r, DoubleVector.broadcast(SPECIES, C9))
                    .fma(r, DoubleVector.broadcast(SPECIES, C8)).fma(r, DoubleVector.broadcast(SPECIES, C7))
                    .fma(r, DoubleVector.broadcast(SPECIES, C6)).fma(r, DoubleVector.broadcast(SPECIES, C5))
                    .fma(r, DoubleVector.broadcast(SPECIES, C4)).fma(r, DoubleVector.broadcast(SPECIES, C3))
                    .fma(r, DoubleVector.broadcast(SPECIES, C2));
            DoubleVector er = p.mul(r.mul(r)).add(r).add(1.0);
            LongVector k = (LongVector) m.convert(D2L, 0);
            LongVector k1 = k.lanewise(ASHR, 1);
            DoubleVector s1 = k1.add(1023).lanewise(LSHL, 52).reinterpretAsDoubles();
            DoubleVector s2 = k.sub(k1).add(1023).lanewise(LSHL, 52).reinterpretAsDoubles();
            er.mul(s1).mul(s2).intoArray(dst, dstOff + j);
        }
    }
}
