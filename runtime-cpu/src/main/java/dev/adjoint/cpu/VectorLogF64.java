package dev.adjoint.cpu;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.LT;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float64 {@code log} and {@code log1p} of our own, as float32's in {@code VectorElementwiseF32.logs}: the JDK's
 * {@code lanewise(LOG)} and {@code LOG1P} give different bits interpreted and compiled, ours is built from integer bit
 * operations, adds, multiplies, FMAs and one division, which round the same everywhere and at any vector width
 * (docs/design.md, "Determinism"). Within 1 ulp of {@code StrictMath.log} (VectorLogF64Test); the float32 {@code pow}
 * takes its logarithms from here.
 *
 * <p>x = 2^k (1 + f) with 1 + f in [sqrt(1/2), sqrt(2)); with s = f / (2 + f), log(1 + f) = 2 atanh(s) = f - f^2/2 +
 * s (f^2/2 + R(s^2)), where R is fdlibm's degree-7 minimax polynomial (e_log.c's Lg1..Lg7, error below 2^-58.45), and
 * k ln 2 is added in two parts (Cody and Waite), the high one exact.
 */
final class VectorLogF64 {
    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    private static final double LN2_HI = 6.93147180369123816490e-01;
    private static final double LN2_LO = 1.90821492927058770002e-10;
    private static final double LG1 = 6.666666666666735130e-01;
    private static final double LG2 = 3.999999999940941908e-01;
    private static final double LG3 = 2.857142874366239149e-01;
    private static final double LG4 = 2.222219843214978396e-01;
    private static final double LG5 = 1.818357216161805012e-01;
    private static final double LG6 = 1.531383769920937332e-01;
    private static final double LG7 = 1.479819860511658591e-01;
    private static final double SQRT_HALF = 0.70710678118654752440;
    /** Subnormal inputs are scaled by 2^54 first, which makes them normal, and 54 taken off their exponent. */
    private static final double TWO_54 = 18014398509481984.0;
    /**
     * 2^52: the bits of 2^52 with a small integer e in the low mantissa bits are the double 2^52 + e, so subtracting
     * 2^52 converts e exactly, with no long-to-double conversion (which AVX2 does not have).
     */
    private static final double TWO_52 = 4503599627370496.0;
    private static final long MANTISSA = 0x000f_ffff_ffff_ffffL;
    /** The exponent field of 0.5: with a mantissa's bits it makes m in [1/2, 1). */
    private static final long HALF_EXPONENT = 0x3fe0_0000_0000_0000L;

    private VectorLogF64() {
    }

    /**
     * {@code log} (or with {@code plusOne} {@code log1p}) of {@code x[i, end)} into {@code out}, {@code end - i} a
     * multiple of the vector length; {@code x} may be {@code out}; returns {@code end}. log(+-0) = -inf, a negative lane
     * or NaN gives NaN, log(+inf) = +inf. log1p takes the log of u = 1 + x rounded and multiplies it by x / (u - 1),
     * which cancels u's rounding (Goldberg, "What every computer scientist should know about floating-point
     * arithmetic", theorem 4), and is x itself where u rounds to 1. Written out in one loop, with no helper taking
     * vectors, so that nothing can be left un-inlined and boxed.
     */
    static int logs(double[] x, double[] out, int i, int end, boolean plusOne) {
        DoubleVector zero = DoubleVector.zero(SPECIES);
        for (; i < end; i += SPECIES.length()) {
            DoubleVector v = DoubleVector.fromArray(SPECIES, x, i);
            DoubleVector u = plusOne ? v.add(1.0) : v;
            VectorMask<Double> subnormal = u.compare(LT, Double.MIN_NORMAL);
            LongVector bits = u.blend(u.mul(TWO_54), subnormal).reinterpretAsLongs();
            // u = m 2^k with m in [1/2, 1): the biased exponent less 1022 is k (a negative u is set apart below).
            DoubleVector m = bits.and(MANTISSA).or(HALF_EXPONENT).reinterpretAsDoubles();
            DoubleVector k = bits.lanewise(LSHR, 52).or(Double.doubleToRawLongBits(TWO_52)).reinterpretAsDoubles()
                    .sub(TWO_52 + 1022).sub(zero.blend(54.0, subnormal));
            // Below sqrt(1/2), 2m and k - 1 instead, so that 1 + f = m lies in [sqrt(1/2), sqrt(2)); f is exact.
            VectorMask<Double> low = m.compare(LT, SQRT_HALF);
            DoubleVector f = m.add(zero.blend(m, low)).sub(1.0);
            k = k.sub(zero.blend(1.0, low));
            DoubleVector s = f.div(f.add(2.0));
            DoubleVector z = s.mul(s);
            DoubleVector w = z.mul(z);
            // R = z (Lg1 + w (Lg3 + w (Lg5 + w Lg7))) + w (Lg2 + w (Lg4 + w Lg6)): two chains, as in fdlibm.
            DoubleVector odd = w.fma(LG7, LG5).fma(w, DoubleVector.broadcast(SPECIES, LG3))
                    .fma(w, DoubleVector.broadcast(SPECIES, LG1)).mul(z);
            DoubleVector even = w.fma(LG6, LG4).fma(w, DoubleVector.broadcast(SPECIES, LG2)).mul(w);
            DoubleVector r = odd.add(even);
            DoubleVector hfsq = f.mul(f).mul(0.5);
            DoubleVector y = s.mul(hfsq.add(r)).add(k.mul(LN2_LO)).sub(hfsq).add(f).add(k.mul(LN2_HI))
                    .blend(Double.NEGATIVE_INFINITY, u.compare(EQ, 0.0))
                    .blend(Double.NaN, u.compare(GE, 0.0).not())  // negative or NaN
                    .blend(Double.POSITIVE_INFINITY, u.compare(EQ, Double.POSITIVE_INFINITY));
            if (plusOne) {
                y = y.mul(v.div(u.sub(1.0))).blend(v, u.compare(EQ, 1.0))
                        .blend(Double.POSITIVE_INFINITY, v.compare(EQ, Double.POSITIVE_INFINITY));
            }
            y.intoArray(out, i);
        }
        return i;
    }
}
