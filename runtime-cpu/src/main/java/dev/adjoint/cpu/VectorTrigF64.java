package dev.adjoint.cpu;

import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.NE;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float64 {@code sin} and {@code cos} of our own, as float32's in {@code VectorElementwiseF32.sinesOrCosines}: the
 * JDK's {@code lanewise(SIN)} and {@code COS} give different bits interpreted and compiled, ours is built from integer
 * bit operations, adds, multiplies and FMAs only, which round the same everywhere and at any vector width
 * (docs/design.md, "Determinism"). Within 1 ulp of {@code StrictMath} for |x| up to {@value #REDUCTION_LIMIT}
 * (VectorTrigF64Test); beyond, lanes take {@code StrictMath}'s value, whose reduction is exact at any size.
 *
 * <p>|x| = n pi/2 + y with n the nearest integer, y in [-pi/4, pi/4] carried as a sum y0 + y1 of two doubles: pi/2 is
 * fdlibm's four parts (e_rem_pio2.c), the first three of 33 bits, so n times each is exact for n below 2^20 and the
 * first difference is exact too; the second is split into its rounded value and its exact error (Knuth's two-sum),
 * which takes the last two parts. Then fdlibm's kernels (k_sin.c, k_cos.c: degree-13 and degree-14 polynomials
 * with y1 as a first-order correction, and cos's 1 - y^2/2 with its rounding error added back) by the quadrant n mod 4,
 * and the sign.
 */
final class VectorTrigF64 {
    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    private static final double TWO_OVER_PI = 6.36619772367581382433e-01;
    /** Adding 1.5 * 2^52 rounds a double below 2^51 to an integer, which then sits in the sum's low mantissa bits. */
    private static final double ROUND = 6755399441055744.0;
    private static final double PIO2_1 = 1.57079632673412561417e+00;
    private static final double PIO2_2 = 6.07710050630396597660e-11;
    private static final double PIO2_3 = 2.02226624871116645580e-21;
    private static final double PIO2_3T = 8.47842766036889956997e-32;
    private static final double S1 = -1.66666666666666324348e-01;
    private static final double S2 = 8.33333333332248946124e-03;
    private static final double S3 = -1.98412698298579493134e-04;
    private static final double S4 = 2.75573137070700676789e-06;
    private static final double S5 = -2.50507602534068634195e-08;
    private static final double S6 = 1.58969099521155010221e-10;
    private static final double C1 = 4.16666666666666019037e-02;
    private static final double C2 = -1.38888888888741095749e-03;
    private static final double C3 = 2.48015872894767294178e-05;
    private static final double C4 = -2.75573143513906633035e-07;
    private static final double C5 = 2.08757232129817482790e-09;
    private static final double C6 = -1.13596475577881948265e-11;
    /** Up to here n stays below 2^20, where the reduction above is exact enough; beyond, StrictMath lane by lane. */
    static final double REDUCTION_LIMIT = 1.0e6;

    private VectorTrigF64() {
    }

    /**
     * sin (or with {@code cosine} cos) of {@code x[i, end)} into {@code out}, {@code end - i} a multiple of the vector
     * length; {@code x} may be {@code out}; returns {@code end}. Infinities and NaN give NaN. Written out in one loop,
     * with no helper taking vectors, so that nothing can be left un-inlined and boxed.
     */
    static int sinesOrCosines(double[] x, double[] out, int i, int end, boolean cosine) {
        for (; i < end; i += SPECIES.length()) {
            DoubleVector v = DoubleVector.fromArray(SPECIES, x, i);
            DoubleVector a = v.abs();
            DoubleVector rounded = a.fma(TWO_OVER_PI, ROUND);
            DoubleVector n = rounded.sub(ROUND);
            LongVector quadrant = rounded.reinterpretAsLongs().and(3);
            // y = a - n pi/2 as y0 + y1.
            DoubleVector t = n.fma(DoubleVector.broadcast(SPECIES, -PIO2_1), a);
            DoubleVector w = n.mul(PIO2_2);
            DoubleVector hi = t.sub(w);
            DoubleVector back = hi.sub(t);
            DoubleVector lo = t.sub(hi.sub(back)).add(w.neg().sub(back));
            lo = n.fma(DoubleVector.broadcast(SPECIES, -PIO2_3), lo);
            lo = n.fma(DoubleVector.broadcast(SPECIES, -PIO2_3T), lo);
            DoubleVector y0 = hi.add(lo);
            DoubleVector y1 = lo.sub(y0.sub(hi));
            DoubleVector z = y0.mul(y0);
            DoubleVector cube = z.mul(y0);
            DoubleVector rs = z.fma(S6, S5).fma(z, DoubleVector.broadcast(SPECIES, S4))
                    .fma(z, DoubleVector.broadcast(SPECIES, S3)).fma(z, DoubleVector.broadcast(SPECIES, S2));
            DoubleVector sinY = y0.sub(z.mul(y1.mul(0.5).sub(cube.mul(rs))).sub(y1).sub(cube.mul(S1)));
            DoubleVector rc = z.fma(C6, C5).fma(z, DoubleVector.broadcast(SPECIES, C4))
                    .fma(z, DoubleVector.broadcast(SPECIES, C3)).fma(z, DoubleVector.broadcast(SPECIES, C2))
                    .fma(z, DoubleVector.broadcast(SPECIES, C1)).mul(z);
            DoubleVector half = z.mul(0.5);
            DoubleVector oneLessHalf = half.neg().add(1.0);
            // 1 - (1 - z/2) - z/2 is the rounding error of 1 - z/2, exactly: added back with the polynomial's terms.
            DoubleVector cosY = oneLessHalf.add(oneLessHalf.neg().add(1.0).sub(half).add(z.mul(rc).sub(y0.mul(y1))));
            // Quadrant n mod 4: sin(a) is sin y, cos y, -sin y, -cos y; cos(a) is cos y, -sin y, -cos y, sin y.
            VectorMask<Double> odd = quadrant.and(1).compare(NE, 0).cast(SPECIES);
            VectorMask<Double> negate;
            DoubleVector r;
            if (cosine) {
                r = cosY.blend(sinY, odd);
                negate = quadrant.add(1).and(2).compare(NE, 0).cast(SPECIES);
            } else {
                r = sinY.blend(cosY, odd);
                // sin is odd: the sign bit of x (-0 included) flips it once more.
                negate = quadrant.and(2).compare(NE, 0).xor(v.reinterpretAsLongs().compare(LT, 0)).cast(SPECIES);
            }
            r = r.blend(r.neg(), negate);
            VectorMask<Double> far = a.compare(LE, REDUCTION_LIMIT).not();  // NaN and infinities too
            if (far.anyTrue()) {
                // The far lanes are not stored, so that they still hold their argument where x is out.
                r.intoArray(out, i, far.not());
                for (int lane = 0; lane < SPECIES.length(); lane++) {
                    double value = x[i + lane];
                    if (!(Math.abs(value) <= REDUCTION_LIMIT)) {
                        out[i + lane] = cosine ? StrictMath.cos(value) : StrictMath.sin(value);
                    }
                }
            } else {
                r.intoArray(out, i);
            }
        }
        return i;
    }
}
