package dev.adjoint.cpu;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.IS_NAN;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.NE;

import dev.adjoint.op.BinaryOp;
import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float64 {@code pow} of our own, with the bits of {@code StrictMath.pow} (fdlibm's e_pow.c, as the JDK's
 * {@code FdLibm.Pow}): the same operations in the same order, lane by lane, so that every lane rounds exactly as the
 * scalar code does. The JDK's {@code lanewise(POW)} gives different bits interpreted and compiled (docs/design.md,
 * "Determinism"); this one gives {@code StrictMath}'s everywhere, at any vector width, and so the same as the scalar
 * tail of a row ({@link BinaryOp#pow}). C's special values are {@link BinaryOp#pow}'s.
 *
 * <p>The method, as fdlibm's: log2|x| as a pair t1 + t2 carrying about 70 bits (x reduced to [sqrt(1/2), sqrt(2))
 * around 1 or 1.5, then 2 atanh(s) by a polynomial, with the high halves of the products split off by clearing
 * their low 32 bits so that they multiply exactly), y split the same way into y1 + y2, and 2^(y log2|x|) from a
 * second pair, with 2^n put into the exponent bits. fdlibm's branches become blends; its rarer ones (|y| above 2^31,
 * a result that overflows, underflows or is subnormal, an infinite or NaN operand, a base of -1) go to
 * {@link BinaryOp#pow} lane by lane. Only basic operations are used: no FMA, which would round differently.
 *
 * <p>The price: 1M powers take 2.6-2.8x the time of the JDK's operator (an SVML intrinsic on AVX-512), half that of
 * the scalar {@code Math.pow}, and 2.2-3.3x NumPy's (docs/benchmarks.md, stop 23). A table-driven method (as glibc's)
 * would need far fewer operations; this one was chosen for bits that can be checked against {@code StrictMath}.
 */
final class VectorPowF64 {
    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    private static final int V = SPECIES.length();

    // fdlibm's constants (e_pow.c), spelled as the JDK's FdLibm.Pow spells them.
    private static final double CP = 0x1.ec709dc3a03fdp-1;      // 2 / (3 ln 2)
    private static final double CP_H = 0x1.ec709ep-1;           // CP to 24 bits
    private static final double CP_L = -0x1.e2fe0145b01f5p-28;  // CP - CP_H
    private static final double DP_H1 = 0x1.2b8034p-1;          // log2(1.5), high part
    private static final double DP_L1 = 0x1.cfdeb43cfd006p-27;  // log2(1.5), low part
    private static final double L1 = 0x1.3333333333303p-1;
    private static final double L2 = 0x1.b6db6db6fabffp-2;
    private static final double L3 = 0x1.55555518f264dp-2;
    private static final double L4 = 0x1.17460a91d4101p-2;
    private static final double L5 = 0x1.d864a93c9db65p-3;
    private static final double L6 = 0x1.a7e284a454eefp-3;
    private static final double P1 = 0x1.555555555553ep-3;
    private static final double P2 = -0x1.6c16c16bebd93p-9;
    private static final double P3 = 0x1.1566aaf25de2cp-14;
    private static final double P4 = -0x1.bbd41c5d26bf1p-20;
    private static final double P5 = 0x1.6376972bea4d0p-25;
    private static final double LG2 = 0x1.62e42fefa39efp-1;
    private static final double LG2_H = 0x1.62e43p-1;
    private static final double LG2_L = -0x1.05c610ca86c39p-29;
    /** Above this |y| fdlibm takes a short series around x = 1 (or over/underflows): left to the scalar code. */
    private static final double LARGE_EXPONENT = 0x1.00000ffffffffp31;
    private static final double TWO_53 = 0x1.0p53;
    /** 2^52: adding it to a smaller non-negative double rounds it to an integer held in the low mantissa bits. */
    private static final double TWO_52 = 0x1.0p52;
    /** 1.5 2^52: the bits of this double plus a small integer n are the double 1.5 2^52 + n (no long-to-double). */
    private static final double INTEGER_BIAS = 0x1.8p52;
    private static final long HIGH_WORD = 0xffff_ffff_0000_0000L;
    private static final long LOW_WORD = 0x0000_0000_ffff_ffffL;
    private static final int BLOCK = 1024;
    /** {@link #log2s}' results for a block, per thread: the high parts, and the low ones. */
    private static final ThreadLocal<double[]> LOG2_HIGH = ThreadLocal.withInitial(() -> new double[BLOCK]);
    private static final ThreadLocal<double[]> LOG2_LOW = ThreadLocal.withInitial(() -> new double[BLOCK]);
    /** {@link #classify}'s verdict per vector of a block, per thread. */
    private static final ThreadLocal<boolean[]> USUAL = ThreadLocal.withInitial(() -> new boolean[BLOCK / V]);
    /**
     * Below this |y log2|x||, 2 to that power is a normal double: fdlibm's overflow, underflow and subnormal cases all
     * lie beyond (at 1024, -1022 and -1075).
     */
    private static final double NEAR_RANGE_LIMIT = 1020.0;

    private VectorPowF64() {
    }

    /**
     * {@code o[oo + j] = pow(a[ao + j * as], b[bo + j * bs])} for {@code j < n}, a multiple of the vector length, with
     * strides of 0 (one value for all) or 1; {@code o} may be {@code a} or {@code b} at the same offset. Returns
     * {@code n}. In blocks, three loops each: which vectors are usual, log2|x| into this thread's scratch pair, then
     * the rest. One loop of the whole, a chain of about 200 dependent operations a vector, took 18% longer. Each loop
     * is written out with no helper taking vectors, so that nothing can be left un-inlined and boxed.
     */
    static int pows(double[] a, int ao, int as, double[] b, int bo, int bs, double[] o, int oo, int n) {
        if (bs == 0 && directPower(a, ao, b[bo], o, oo, n)) {
            return n;
        }
        double[] high = LOG2_HIGH.get(), low = LOG2_LOW.get();
        boolean[] usual = USUAL.get();
        for (int block = 0; block < n; block += BLOCK) {
            int m = Math.min(BLOCK, n - block);  // a multiple of the vector length, as n is
            classify(a, ao + block * as, as, b, bo + block * bs, bs, usual, m);
            log2s(a, ao + block * as, as, high, low, m);
            powersFromLog2s(a, ao + block * as, as, b, bo + block * bs, bs, usual, high, low, o, oo + block, m);
        }
        return n;
    }

    /**
     * {@code usual[j / V]}: whether every lane of the vector at {@code j} has a finite positive base other than 1 and a
     * finite exponent of at most {@link #LARGE_EXPONENT} that fdlibm has no shortcut for (0, 1, -1, 2, 0.5). For those
     * fdlibm's main path is all there is, but for the range of its result.
     */
    private static void classify(double[] a, int from, int as, double[] b, int bFrom, int bs, boolean[] usual, int m) {
        for (int i = 0; i < m; i += V) {
            DoubleVector x = as == 1 ? DoubleVector.fromArray(SPECIES, a, from + i) : DoubleVector.broadcast(SPECIES, a[from]);
            DoubleVector y = bs == 1 ? DoubleVector.fromArray(SPECIES, b, bFrom + i) : DoubleVector.broadcast(SPECIES, b[bFrom]);
            DoubleVector absY = y.abs();
            usual[i / V] = x.compare(GT, 0.0).and(x.compare(LT, Double.POSITIVE_INFINITY)).and(x.compare(NE, 1.0))
                    .and(absY.compare(LE, LARGE_EXPONENT)).and(y.compare(NE, 0.0)).and(absY.compare(NE, 1.0))
                    .and(y.compare(NE, 2.0)).and(y.compare(NE, 0.5)).allTrue();
        }
    }

    /**
     * {@code high[j] + low[j] = log2|a[from + j * as]|} for {@code j < m}, to about 70 bits, {@code high[j]} with its
     * low 32 bits clear. Lanes fdlibm treats apart (zero, infinite, NaN) get values {@link #powersFromLog2s} ignores.
     * One base for all ({@code as == 0}) is taken once, and its log copied.
     */
    private static void log2s(double[] a, int from, int as, double[] high, double[] low, int m) {
        DoubleVector zero = DoubleVector.zero(SPECIES);
        DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
        int computed = as == 1 ? m : V;
        for (int i = 0; i < computed; i += V) {
            DoubleVector x = as == 1 ? DoubleVector.fromArray(SPECIES, a, from + i) : DoubleVector.broadcast(SPECIES, a[from]);
            DoubleVector absX = x.abs();
            // log2|x| = n + log2(1 or 1.5) + log2(ax / (1 or 1.5)), with ax = |x| 2^-n in [sqrt(1/2), sqrt(2)) * 1 or
            // [sqrt(3/2), sqrt(3)) * 1.5 by the high word's mantissa bits j; subnormals are scaled by 2^53 first.
            VectorMask<Double> subnormal = absX.compare(LT, Double.MIN_NORMAL);
            LongVector bits = absX.blend(absX.mul(TWO_53), subnormal).reinterpretAsLongs();
            LongVector highWord = bits.lanewise(LSHR, 32);
            LongVector j = highWord.and(0xf_ffffL);
            LongVector exponent = highWord.lanewise(LSHR, 20).sub(0x3ffL).sub(53L, subnormal.cast(LONGS));
            VectorMask<Long> beyondSqrt3 = j.compare(GE, 0xb_b67aL);
            VectorMask<Long> nearOneAndHalf = j.compare(GT, 0x3_988eL).andNot(beyondSqrt3);
            VectorMask<Double> k = nearOneAndHalf.cast(SPECIES);
            exponent = exponent.add(1L, beyondSqrt3);
            LongVector reducedHigh = j.or(0x3ff0_0000L).sub(0x10_0000L, beyondSqrt3);
            DoubleVector ax = reducedHigh.lanewise(LSHL, 32).or(bits.and(LOW_WORD)).reinterpretAsDoubles();
            DoubleVector bp = one.blend(1.5, k);

            // s = (ax - bp) / (ax + bp) as ss, with its high half sH and the low part sL.
            DoubleVector u = ax.sub(bp);
            DoubleVector v = one.div(ax.add(bp));
            DoubleVector ss = u.mul(v);
            DoubleVector sH = ss.reinterpretAsLongs().and(HIGH_WORD).reinterpretAsDoubles();
            DoubleVector tH = reducedHigh.lanewise(LSHR, 1).or(0x2000_0000L).add(0x8_0000L).add(1L << 18,
                    nearOneAndHalf).lanewise(LSHL, 32).reinterpretAsDoubles();
            DoubleVector tL = ax.sub(tH.sub(bp));
            DoubleVector sL = v.mul(u.sub(sH.mul(tH)).sub(sH.mul(tL)));
            DoubleVector s2 = ss.mul(ss);
            DoubleVector r = s2.mul(s2).mul(s2.mul(L6).add(L5).mul(s2).add(L4).mul(s2).add(L3).mul(s2).add(L2)
                    .mul(s2).add(L1));
            r = r.add(sL.mul(sH.add(ss)));
            s2 = sH.mul(sH);
            tH = s2.add(3.0).add(r).reinterpretAsLongs().and(HIGH_WORD).reinterpretAsDoubles();
            tL = r.sub(tH.sub(3.0).sub(s2));
            u = sH.mul(tH);
            v = sL.mul(tH).add(tL.mul(ss));
            DoubleVector pH = u.add(v).reinterpretAsLongs().and(HIGH_WORD).reinterpretAsDoubles();
            DoubleVector pL = v.sub(pH.sub(u));
            DoubleVector zH = pH.mul(CP_H);
            DoubleVector zL = pH.mul(CP_L).add(pL.mul(CP)).add(zero.blend(DP_L1, k));
            DoubleVector dpH = zero.blend(DP_H1, k);
            DoubleVector t = exponent.add(Double.doubleToRawLongBits(INTEGER_BIAS)).reinterpretAsDoubles()
                    .sub(INTEGER_BIAS);
            DoubleVector t1 = zH.add(zL).add(dpH).add(t).reinterpretAsLongs().and(HIGH_WORD).reinterpretAsDoubles();
            DoubleVector t2 = zL.sub(t1.sub(t).sub(dpH).sub(zH));

            t1.intoArray(high, i);
            t2.intoArray(low, i);
        }
        if (computed < m) {
            Arrays.fill(high, computed, m, high[0]);
            Arrays.fill(low, computed, m, low[0]);
        }
    }

    /**
     * {@code o[out + j] = pow(a[from + j * as], b[bFrom + j * bs])} for {@code j < count}, from log2|a| as
     * {@link #log2s} left it: y log2|x|, 2 to that power, the sign, and the values fdlibm gives apart.
     */
    private static void powersFromLog2s(double[] a, int from, int as, double[] b, int bFrom, int bs, boolean[] usual,
            double[] high, double[] low, double[] o, int out, int count) {
        DoubleVector zero = DoubleVector.zero(SPECIES);
        DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
        LongVector zeroBits = LongVector.zero(LONGS);
        double[] lanes = null;
        for (int i = 0; i < count; i += V) {
            DoubleVector x = as == 1 ? DoubleVector.fromArray(SPECIES, a, from + i) : DoubleVector.broadcast(SPECIES, a[from]);
            DoubleVector y = bs == 1 ? DoubleVector.fromArray(SPECIES, b, bFrom + i) : DoubleVector.broadcast(SPECIES, b[bFrom]);
            DoubleVector logHigh = DoubleVector.fromArray(SPECIES, high, i);
            DoubleVector logLow = DoubleVector.fromArray(SPECIES, low, i);

            // y log2|x| = pH + pL, from y = y1 + (y - y1) with y1 its high half.
            DoubleVector y1 = y.reinterpretAsLongs().and(HIGH_WORD).reinterpretAsDoubles();
            DoubleVector pL = y.sub(y1).mul(logHigh).add(y.mul(logLow));
            DoubleVector pH = y1.mul(logHigh);
            DoubleVector z = pL.add(pH);
            DoubleVector exponentOfPower = z;
            LongVector zHigh = z.reinterpretAsLongs().lanewise(ASHR, 32);

            // 2^(pH + pL) = 2^m 2^(pH - m + pL) with m the integer nearest to z, taken from z's bits where |z| > 0.5.
            LongVector magnitude = zHigh.and(0x7fff_ffffL);
            VectorMask<Long> aboveHalf = magnitude.compare(GT, 0x3fe0_0000L);
            LongVector roundedHigh = zHigh.add(LongVector.broadcast(LONGS, 0x10_0000L)
                    .lanewise(LSHR, magnitude.lanewise(LSHR, 20).sub(0x3ffL - 1)));
            LongVector mExponent = roundedHigh.and(0x7fff_ffffL).lanewise(LSHR, 20).sub(0x3ffL);
            DoubleVector whole = roundedHigh.and(LongVector.broadcast(LONGS, 0xf_ffffL).lanewise(LSHR, mExponent).not())
                    .lanewise(LSHL, 32).reinterpretAsDoubles();
            LongVector m = roundedHigh.and(0xf_ffffL).or(0x10_0000L)
                    .lanewise(LSHR, LongVector.broadcast(LONGS, 20L).sub(mExponent));
            m = zeroBits.blend(m.blend(m.neg(), zHigh.compare(LT, 0L)), aboveHalf);
            pH = pH.blend(pH.sub(whole), aboveHalf.cast(SPECIES));
            DoubleVector t = pL.add(pH).reinterpretAsLongs().and(HIGH_WORD).reinterpretAsDoubles();
            DoubleVector u = t.mul(LG2_H);
            DoubleVector v = pL.sub(t.sub(pH)).mul(LG2).add(t.mul(LG2_L));
            z = u.add(v);
            DoubleVector w = v.sub(z.sub(u));
            t = z.mul(z);
            DoubleVector t1 = z.sub(t.mul(t.mul(P5).add(P4).mul(t).add(P3).mul(t).add(P2).mul(t).add(P1)));
            DoubleVector r = z.mul(t1).div(t1.sub(2.0)).sub(w.add(z.mul(w)));
            z = one.sub(r.sub(z));
            LongVector zBits = z.reinterpretAsLongs();
            DoubleVector power = zBits.add(m.lanewise(LSHL, 52)).reinterpretAsDoubles();
            // Done, for a vector of positive bases to exponents fdlibm has no shortcut for, far from overflow and
            // subnormal results. The others take fdlibm's branches as blends, here: their masks, computed for every
            // vector, took a third of the loop's time.
            if (!usual[i / V] || exponentOfPower.abs().compare(GE, NEAR_RANGE_LIMIT).anyTrue()) {
                DoubleVector absX = x.abs();
                DoubleVector absY = y.abs();
                // Is y an integer, and an odd one? Below 2^52, y + 2^52 rounds y to an integer in the low mantissa bits;
                // from 2^52 on every double is an integer, odd only below 2^53 with its last bit set.
                VectorMask<Double> belowTwo52 = absY.compare(LT, TWO_52);
                DoubleVector rounded = absY.add(TWO_52);
                VectorMask<Double> integer = rounded.sub(TWO_52).compare(EQ, absY).or(belowTwo52.not());
                VectorMask<Double> odd = rounded.blend(absY, belowTwo52.not()).reinterpretAsLongs().and(1L)
                        .compare(NE, 0L).cast(SPECIES).and(integer).and(absY.compare(LT, TWO_53));
                VectorMask<Double> negative = x.compare(LT, 0.0);
                // z >= 1024 or z <= -1075 (and the edges fdlibm checks exactly): overflow or underflow, left to the
                // scalar; so is a subnormal result, which needs fdlibm's scalb.
                VectorMask<Long> outOfRange = zHigh.compare(GE, 0x4090_0000L)
                        .or(zHigh.and(0x7fff_ffffL).compare(GE, 0x4090_cc00L));
                VectorMask<Long> subnormalResult = zBits.lanewise(ASHR, 32).add(m.lanewise(LSHL, 20))
                        .lanewise(ASHR, 20).compare(LE, 0L);

                power = power.blend(power.neg(), negative.and(odd)).blend(Double.NaN, negative.andNot(integer));
                VectorMask<Double> ordinary = absX.compare(LT, Double.POSITIVE_INFINITY).and(x.compare(NE, 0.0))
                        .and(absX.compare(NE, 1.0)).and(absY.compare(LE, LARGE_EXPONENT));
                VectorMask<Double> computed = ordinary.andNot(outOfRange.or(subnormalResult).cast(SPECIES))
                        .or(ordinary.and(negative).andNot(integer));

                // Zero bases: +inf to a negative power, else +0, negated for -0 to an odd power.
                VectorMask<Double> zeroBase = x.compare(EQ, 0.0).andNot(y.test(IS_NAN));
                DoubleVector zeroPower = zero.blend(Double.POSITIVE_INFINITY, y.compare(LT, 0.0));
                zeroPower = zeroPower.blend(zeroPower.neg(),
                        x.reinterpretAsLongs().compare(LT, 0L).cast(SPECIES).and(odd));
                power = power.blend(zeroPower, zeroBase);
                // fdlibm's exact answers for the exponents it treats first, in its order of precedence (later blends
                // win); only where a lane needs them, as the root and the quotient are slow.
                VectorMask<Double> squareRoot = y.compare(EQ, 0.5).and(x.compare(GE, -Double.MAX_VALUE));
                VectorMask<Double> direct = y.compare(EQ, 2.0).or(squareRoot).or(absY.compare(EQ, 1.0))
                        .or(y.compare(EQ, 0.0)).or(x.compare(EQ, 1.0));
                if (direct.anyTrue()) {
                    power = power.blend(x.mul(x), y.compare(EQ, 2.0))
                            .blend(x.add(0.0).sqrt(), squareRoot)
                            .blend(x, y.compare(EQ, 1.0))
                            .blend(one.div(x), y.compare(EQ, -1.0))
                            .blend(one, y.compare(EQ, 0.0).or(x.compare(EQ, 1.0)));
                }
                VectorMask<Double> scalar = computed.or(zeroBase).or(direct).not();
                if (scalar.anyTrue()) {
                    // Rare lanes (see the class comment), read from a and b before o, which may be one of them, is
                    // written.
                    if (lanes == null) {
                        lanes = new double[V];
                    }
                    power.intoArray(lanes, 0);
                    for (int lane = 0; lane < V; lane++) {
                        if (scalar.laneIsSet(lane)) {
                            lanes[lane] = BinaryOp.pow(a[from + (i + lane) * as], b[bFrom + (i + lane) * bs]);
                        }
                    }
                    power = DoubleVector.fromArray(SPECIES, lanes, 0);
                }
            }
            power.intoArray(o, out + i);
        }
    }

    /**
     * x^2, x^0.5, x^1, x^-1 and x^0 for a scalar exponent: fdlibm's own first answers (x x, sqrt(x + 0), x, 1 / x,
     * 1), directly. Returns false, having written nothing, for any other exponent.
     */
    private static boolean directPower(double[] a, int ao, double y, double[] o, int oo, int n) {
        if (y == 2.0) {
            for (int j = 0; j < n; j += V) {
                DoubleVector x = DoubleVector.fromArray(SPECIES, a, ao + j);
                x.mul(x).intoArray(o, oo + j);
            }
        } else if (y == 0.5) {
            for (int j = 0; j < n; j += V) {
                // -0 + 0 is +0, whose root is +0 as pow's; -inf's root is NaN where pow's is +inf.
                DoubleVector x = DoubleVector.fromArray(SPECIES, a, ao + j);
                x.add(0.0).sqrt().blend(Double.POSITIVE_INFINITY, x.compare(EQ, Double.NEGATIVE_INFINITY))
                        .intoArray(o, oo + j);
            }
        } else if (y == 1.0) {
            System.arraycopy(a, ao, o, oo, n);
        } else if (y == -1.0) {
            DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
            for (int j = 0; j < n; j += V) {
                one.div(DoubleVector.fromArray(SPECIES, a, ao + j)).intoArray(o, oo + j);
            }
        } else if (y == 0.0) {
            Arrays.fill(o, oo, oo + n, 1.0);
        } else {
            return false;
        }
        return true;
    }
}
