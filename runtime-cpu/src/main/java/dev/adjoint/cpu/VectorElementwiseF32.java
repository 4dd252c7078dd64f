package dev.adjoint.cpu;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.F2I;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.NE;

import dev.adjoint.core.DType;
import dev.adjoint.op.BinaryOp;
import dev.adjoint.op.UnaryOp;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

//autocode:variants float64 (generated from this file at build time: docs/design.md)
/**
 * The Vector API kernels of the elementwise family for {@code float32}. Every op has its own loop
 * because a Vector API operation is only compiled to SIMD instructions when the operator is a
 * constant at the call site. Each kernel covers whole vectors and leaves the tail (fewer elements
 * than one vector) to {@link ScalarElementwiseF32}. The transcendentals are our own, built from
 * adds, multiplies, FMAs and integer bit operations, so that they give the same bits interpreted
 * and compiled (docs/design.md, "Determinism"): in single precision exp, log, log1p, sin, cos,
 * tanh, erf, gelu and pow (computed in double precision through {@link VectorLogF64} and
 * {@link VectorExpF64}); in double precision exp, log, log1p, sin, cos, tanh and pow ({@link VectorExpF64},
 * {@link VectorLogF64}, {@link VectorTrigF64}, {@link VectorTanhF64}, and {@link VectorPowF64}, which has
 * {@code StrictMath}'s bits). Sigmoid and softplus are built from them.
 *
 * <p>Only loaded when the Vector API is in use (see {@link KernelMode}).
 */
final class VectorElementwiseF32 {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /**
     * Bytes with one lane per lane of {@link #SPECIES}, to store a comparison's mask as booleans; null below 8 lanes
     * and in the float64 variant, which stores its masks lane by lane: a second byte species beside float32's would
     * make the Vector API's shared type profiles polymorphic (see VectorSpeciesTest).
     */
    //autocode:replace float64 private static final VectorSpecies<Byte> MASK_BYTES = null;
    private static final VectorSpecies<Byte> MASK_BYTES = maskBytes();

    private VectorElementwiseF32() {
    }

    //autocode:omit-begin float64 its masks are stored lane by lane
    private static VectorSpecies<Byte> maskBytes() {
        // Named in full: the float64 variant, which has no byte species, then imports nothing it does not use.
        return SPECIES.length() >= 8
                ? VectorSpecies.of(byte.class, jdk.incubator.vector.VectorShape.forBitSize(SPECIES.length() * Byte.SIZE))
                : null;
    }
    //autocode:omit-end

    static void unary(UnaryOp op, float[] x, float[] out, int from, int to) {
        int end = from + SPECIES.loopBound(to - from);
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        int i = from;
        switch (op) {
            case NEG -> {
                for (; i < end; i += SPECIES.length()) {
                    FloatVector v = FloatVector.fromArray(SPECIES, x, i);
                    v.neg().intoArray(out, i);
                }
            }
            case ABS -> {
                for (; i < end; i += SPECIES.length()) {
                    FloatVector v = FloatVector.fromArray(SPECIES, x, i);
                    v.abs().intoArray(out, i);
                }
            }
            case SIGN -> {
                for (; i < end; i += SPECIES.length()) {
                    FloatVector v = FloatVector.fromArray(SPECIES, x, i);
                    v.blend(1f, v.compare(GT, 0f)).blend(-1f, v.compare(LT, 0f)).intoArray(out, i);
                }
            }
            case SQUARE -> {
                for (; i < end; i += SPECIES.length()) {
                    FloatVector v = FloatVector.fromArray(SPECIES, x, i);
                    v.mul(v).intoArray(out, i);
                }
            }
            case RELU -> {
                for (; i < end; i += SPECIES.length()) {
                    FloatVector v = FloatVector.fromArray(SPECIES, x, i);
                    // NaN fails "<= 0" and passes through, as np.maximum(x, 0) gives.
                    v.blend(zero, v.compare(LE, 0f)).intoArray(out, i);
                }
            }
            case EXP -> {
                expArray(x, i, out, i, end - i);
                i = end;
            }
            case LOG -> {
                //autocode:replace float64 i = VectorLogF64.logs(x, out, i, end, false);
                i = logs(x, out, i, end, false);
            }
            case LOG1P -> {
                //autocode:replace float64 i = VectorLogF64.logs(x, out, i, end, true);
                i = logs(x, out, i, end, true);
            }
            case SQRT -> {
                for (; i < end; i += SPECIES.length()) {
                    FloatVector v = FloatVector.fromArray(SPECIES, x, i);
                    v.sqrt().intoArray(out, i);
                }
            }
            case RSQRT -> {
                for (; i < end; i += SPECIES.length()) {
                    FloatVector v = FloatVector.fromArray(SPECIES, x, i);
                    one.div(v.sqrt()).intoArray(out, i);
                }
            }
            case SIN -> {
                //autocode:replace float64 i = VectorTrigF64.sinesOrCosines(x, out, i, end, false);
                i = sinesOrCosines(x, out, i, end, false);
            }
            case COS -> {
                //autocode:replace float64 i = VectorTrigF64.sinesOrCosines(x, out, i, end, true);
                i = sinesOrCosines(x, out, i, end, true);
            }
            case TANH -> {
                //autocode:replace float64 i = VectorTanhF64.tanhs(x, out, i, end);
                i = tanhs(x, out, i, end);
            }
            case SIGMOID -> {
                i = sigmoids(x, out, i, end);
            }
            case SOFTPLUS -> {
                i = softpluses(x, out, i, end);
            }
            case ERF -> {
                //autocode:omit-begin float64 (float64 runs the op's definition in the scalar kernel)
                i = erfOrGelu(x, out, i, end, false);
                //autocode:omit-end
            }
            case GELU -> {
                //autocode:omit-begin float64 (float64 runs the op's definition in the scalar kernel)
                i = erfOrGelu(x, out, i, end, true);
                //autocode:omit-end
            }
            case LOGICAL_NOT -> throw ScalarElementwise.unsupported("unary", op, DType.FLOAT32);
        }
        ScalarElementwiseF32.unary(op, x, out, i, to);
    }

    /**
     * {@code dst[dstOff + j] = exp(src[srcOff + j])} for {@code j < n}, a multiple of the vector length; {@code src}
     * may be {@code dst}. Float32's is our own, within 2 ulp of the correctly rounded value (see VectorExpTest), from
     * adds, multiplies and FMAs only: unlike {@code lanewise(EXP)}, whose interpreted fallback and C2 intrinsic differ
     * in the last bit for about 1% of inputs, it gives the same bits interpreted and compiled, and at any vector
     * width, so a kernel's result does not depend on how warm the JIT is (docs/design.md, "Determinism"). Inputs are
     * clamped to [-104, 89] first: beyond, the result underflows to 0 or overflows to infinity all the same; NaN stays
     * NaN. Every exp goes through this loop over arrays (callers compute the argument into a scratch block first): a
     * function of vectors that C2 does not inline boxes them, and exp's was left un-inlined in erf, gelu and
     * softmax depending on what had run before (4-6x slower).
     */
    static void expArray(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        //autocode:add float64 VectorExpF64.expArray(src, srcOff, dst, dstOff, n);
        //autocode:omit-begin float64 (float64's own exp is VectorExpF64)
        for (int j = 0; j < n; j += SPECIES.length()) {
            FloatVector v = FloatVector.fromArray(SPECIES, src, srcOff + j);
            // A compare and a blend per bound, not max/min, whose Java semantics (NaN, signed zeros) cost C2 several
            // instructions each: with bounds that are neither zero nor NaN the results are the same, NaN included.
            // Written out here and in tanh, erf and gelu rather than as a helper: erfOrGelu did not inline one and
            // boxed its vectors (erf 0.82 -> 2.6 ns a float).
            FloatVector x = v.blend(-104f, v.compare(LT, -104f)).blend(89f, v.compare(GT, 89f));
            FloatVector m = x.fma(EXP_LOG2E, EXP_ROUND).sub(EXP_ROUND);
            FloatVector r = m.fma(FloatVector.broadcast(SPECIES, -EXP_LN2_HI), x).add(m.mul(-EXP_LN2_LO));
            FloatVector p = r.fma(EXP_P0, EXP_P1).fma(r, FloatVector.broadcast(SPECIES, EXP_P2))
                    .fma(r, FloatVector.broadcast(SPECIES, EXP_P3)).fma(r, FloatVector.broadcast(SPECIES, EXP_P4))
                    .fma(r, FloatVector.broadcast(SPECIES, EXP_P5));
            FloatVector er = p.mul(r.mul(r)).add(r).add(1f);
            IntVector k = (IntVector) m.convert(F2I, 0);
            IntVector k1 = k.lanewise(ASHR, 1);
            FloatVector s1 = k1.add(127).lanewise(LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = k.sub(k1).add(127).lanewise(LSHL, 23).reinterpretAsFloats();
            er.mul(s1).mul(s2).intoArray(dst, dstOff + j);
        }
        //autocode:omit-end
    }

    // The transcendental ops run in loops of their own, not in unary's switch: C2 gives up inlining into a method
    // that large (NodeCountInliningCutoff), and a function of vectors that is not inlined boxes them, 4-6x slower
    // (measured on log). Each loop returns the index where the scalar tail starts; those built on exp compute its
    // argument into a scratch block for expArray.
    private static int sigmoids(float[] x, float[] out, int from, int end) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        float[] scratch = GemmF32Vector.buffer(BLOCK_SCRATCH, SCRATCH_BLOCK);
        for (int block = from; block < end; block += SCRATCH_BLOCK) {
            int n = Math.min(SCRATCH_BLOCK, end - block);
            for (int j = 0; j < n; j += SPECIES.length()) {
                FloatVector.fromArray(SPECIES, x, block + j).neg().intoArray(scratch, j);
            }
            expArray(scratch, 0, scratch, 0, n);
            for (int j = 0; j < n; j += SPECIES.length()) {
                one.div(one.add(FloatVector.fromArray(SPECIES, scratch, j))).intoArray(out, block + j);
            }
        }
        return end;
    }

    /** Values per block of the scratch arrays exp runs on: sigmoid's, softplus's, erf's and gelu's. */
    private static final int SCRATCH_BLOCK = 1024;
    private static final ThreadLocal<float[]> BLOCK_SCRATCH = new ThreadLocal<>();

    /**
     * softplus(x) = max(x, 0) + log1p(exp(-|x|)), a block at a time in three passes through a scratch array, so that
     * log stays in its one loop; x may be out (fused chains run in place), whose block is written last.
     */
    private static int softpluses(float[] x, float[] out, int from, int end) {
        float[] scratch = GemmF32Vector.buffer(BLOCK_SCRATCH, SCRATCH_BLOCK);
        for (int block = from; block < end; block += SCRATCH_BLOCK) {
            int n = Math.min(SCRATCH_BLOCK, end - block);  // a multiple of the vector length, as end - from is
            for (int j = 0; j < n; j += SPECIES.length()) {
                FloatVector.fromArray(SPECIES, x, block + j).abs().neg().intoArray(scratch, j);
            }
            expArray(scratch, 0, scratch, 0, n);
            //autocode:replace float64 VectorLogF64.logs(scratch, scratch, 0, n, true);
            logs(scratch, scratch, 0, n, true);
            for (int j = 0; j < n; j += SPECIES.length()) {
                FloatVector.fromArray(SPECIES, x, block + j).max(0f).add(FloatVector.fromArray(SPECIES, scratch, j))
                        .intoArray(out, block + j);
            }
        }
        return end;
    }

    //autocode:omit-begin float64 (float64 has its own log, sin, cos and tanh (VectorLogF64, VectorTrigF64, VectorTanhF64), and runs the definitions of erf and gelu)
    private static int tanhs(float[] x, float[] out, int i, int end) {
        for (; i < end; i += SPECIES.length()) {
            tanh(FloatVector.fromArray(SPECIES, x, i)).intoArray(out, i);
        }
        return i;
    }

    // sin and cos (after Cephes' sinf.c): j = the octant of |x| rounded up to even, z = |x| - j pi/4 with pi/4 in four
    // parts (Cody and Waite), then sin's or cos's polynomial of z by the octant, and the sign.
    private static final VectorSpecies<Integer> INT_SPECIES = VectorSpecies.of(int.class, SPECIES.vectorShape());
    private static final float FOUR_OVER_PI = 1.27323954473516f;
    private static final float PI_4_A = 0.78515625f;
    private static final float PI_4_B = 2.4187564849853515625e-4f;
    private static final float PI_4_C = 3.77489497744594108e-8f;
    /** pi/4 - A - B - C, the part C's rounding to float leaves out: without it, sin near 8192's zeros was 40 ulp off. */
    private static final float PI_4_D = -8.575622550029409e-16f;
    private static final float SIN_P0 = -1.9515295891e-4f;
    private static final float SIN_P1 = 8.3321608736e-3f;
    private static final float SIN_P2 = -1.6666654611e-1f;
    private static final float COS_P0 = 2.443315711809948e-5f;
    private static final float COS_P1 = -1.388731625493765e-3f;
    private static final float COS_P2 = 4.166664568298827e-2f;
    /** Beyond this the four-part reduction loses accuracy: those lanes go through StrictMath. */
    private static final float TRIG_REDUCTION_LIMIT = 8192f;

    /**
     * sin (or with {@code cosine} cos) of {@code x[i, end)} into {@code out}, within 2 ulp for |x| <= 8192 (see
     * VectorTrigTest), from integer operations, adds, multiplies and FMAs only, so that it gives the same bits
     * interpreted and compiled (the JDK's {@code lanewise(SIN)} and {@code COS} do not, for about 5% of floats).
     * Larger |x| take {@code StrictMath} (Java's fdlibm, the same bits everywhere) lane by lane; infinities and NaN
     * give NaN. Written out in its loop, with no helper taking vectors (see {@link #logs}).
     */
    private static int sinesOrCosines(float[] x, float[] out, int i, int end, boolean cosine) {
        IntVector one = IntVector.broadcast(INT_SPECIES, 1);
        for (; i < end; i += SPECIES.length()) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, i);
            FloatVector a = v.abs();
            IntVector j = (IntVector) a.mul(FOUR_OVER_PI).convert(F2I, 0);
            j = j.add(j.and(one));  // to even: the reduced argument lies in [-pi/4, pi/4]
            FloatVector y = (FloatVector) j.convert(I2F, 0);
            // Each product is exact inside its FMA, and the first two differences are exact too (A and B have 8 and
            // 11 bits), so near a zero of the result only the last two parts' rounding is left.
            FloatVector z = y.fma(FloatVector.broadcast(SPECIES, -PI_4_A), a);
            z = y.fma(FloatVector.broadcast(SPECIES, -PI_4_B), z);
            z = y.fma(FloatVector.broadcast(SPECIES, -PI_4_C), z);
            z = y.fma(FloatVector.broadcast(SPECIES, -PI_4_D), z);
            FloatVector zz = z.mul(z);
            FloatVector sinZ = zz.fma(SIN_P0, SIN_P1).fma(zz, FloatVector.broadcast(SPECIES, SIN_P2)).mul(zz)
                    .fma(z, z);
            FloatVector cosZ = zz.fma(COS_P0, COS_P1).fma(zz, FloatVector.broadcast(SPECIES, COS_P2)).mul(zz)
                    .mul(zz).sub(zz.mul(0.5f)).add(1f);
            // Octant j (0, 2, 4 or 6): sin(|x|) is sin z, cos z, -sin z, -cos z; cos(|x|) is cos z, -sin z, -cos z,
            // sin z. sin is odd, cos even.
            IntVector octant = j.and(7);
            VectorMask<Float> quarter = octant.and(2).compare(NE, 0).cast(SPECIES);
            VectorMask<Float> negate;
            FloatVector r;
            if (cosine) {
                r = cosZ.blend(sinZ, quarter);
                negate = octant.add(2).and(4).compare(NE, 0).cast(SPECIES);
            } else {
                r = sinZ.blend(cosZ, quarter);
                // sin is odd: the sign bit of x (-0 included) flips it once more.
                negate = octant.and(4).compare(NE, 0).xor(v.reinterpretAsInts().compare(LT, 0)).cast(SPECIES);
            }
            r = r.blend(r.neg(), negate).blend(Float.NaN, a.compare(EQ, Float.POSITIVE_INFINITY));
            VectorMask<Float> far = a.compare(GT, TRIG_REDUCTION_LIMIT);
            if (far.anyTrue()) {
                // The far lanes are not stored, so that they still hold their argument where x is out (a fused
                // chain runs in place).
                r.intoArray(out, i, far.not());
                for (int lane = 0; lane < SPECIES.length(); lane++) {
                    float value = x[i + lane];
                    if (Math.abs(value) > TRIG_REDUCTION_LIMIT) {
                        out[i + lane] = (float) (cosine ? StrictMath.cos(value) : StrictMath.sin(value));
                    }
                }
            } else {
                r.intoArray(out, i);
            }
        }
        return i;
    }

    /** 1 / sqrt 2: gelu's erf is of x / sqrt 2. */
    private static final float GELU_SCALE = 0.70710678f;

    /**
     * erf of {@code x[from, end)} into {@code out}, or with {@code gelu} x/2 (1 + erf(x / sqrt 2)), a block at a time:
     * first {@code exp(-max(|h|, 1)^2)} of h = x or x / sqrt 2 into a scratch block through {@link #expArray}, then
     * the two fits. erf(h) = h P(h^2) for |h| < 1, and erfc(a) = exp(-a^2) Q(1/a) / a for a = |h| >= 1, with a clamped
     * to 4 inside Q (beyond it erfc < 2e-8, below float32's resolution of erf near 1); NaN stays NaN. gelu below
     * -sqrt 2 is x/2 erfc(|h|), which keeps its relative precision where the result is tiny, with x clamped to +-16
     * where it multiplies erfc (0 there) so that infinities never meet a zero. Written out in its loop, with no helper
     * taking vectors (see {@link #logs}): with helpers, C2 left parts un-inlined and gelu ran 2x slower.
     */
    private static int erfOrGelu(float[] x, float[] out, int from, int end, boolean gelu) {
        float scale = gelu ? GELU_SCALE : 1f;
        VectorMask<Float> isGelu = SPECIES.maskAll(gelu);
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        float[] scratch = GemmF32Vector.buffer(BLOCK_SCRATCH, SCRATCH_BLOCK);
        for (int block = from; block < end; block += SCRATCH_BLOCK) {
            int n = Math.min(SCRATCH_BLOCK, end - block);
            for (int j = 0; j < n; j += SPECIES.length()) {
                FloatVector a = FloatVector.fromArray(SPECIES, x, block + j).mul(scale).abs();
                a = a.blend(1f, a.compare(LT, 1f));  // max(a, 1) as exp's clamp does it
                a.mul(a).neg().intoArray(scratch, j);
            }
            expArray(scratch, 0, scratch, 0, n);
            for (int j = 0; j < n; j += SPECIES.length()) {
                FloatVector v = FloatVector.fromArray(SPECIES, x, block + j);
                FloatVector h = v.mul(scale);  // exact for erf's scale of 1
                FloatVector a = h.abs();
                FloatVector h2 = h.mul(h);
                FloatVector near = h.mul(h2.fma(ERF_P6, ERF_P5).fma(h2, FloatVector.broadcast(SPECIES, ERF_P4))
                        .fma(h2, FloatVector.broadcast(SPECIES, ERF_P3)).fma(h2, FloatVector.broadcast(SPECIES, ERF_P2))
                        .fma(h2, FloatVector.broadcast(SPECIES, ERF_P1)).fma(h2, FloatVector.broadcast(SPECIES, ERF_P0)));
                FloatVector s = one.div(a.blend(1f, a.compare(LT, 1f)).blend(4f, a.compare(GT, 4f)));
                FloatVector q = s.fma(ERFC_Q9, ERFC_Q8).fma(s, FloatVector.broadcast(SPECIES, ERFC_Q7))
                        .fma(s, FloatVector.broadcast(SPECIES, ERFC_Q6)).fma(s, FloatVector.broadcast(SPECIES, ERFC_Q5))
                        .fma(s, FloatVector.broadcast(SPECIES, ERFC_Q4)).fma(s, FloatVector.broadcast(SPECIES, ERFC_Q3))
                        .fma(s, FloatVector.broadcast(SPECIES, ERFC_Q2)).fma(s, FloatVector.broadcast(SPECIES, ERFC_Q1))
                        .fma(s, FloatVector.broadcast(SPECIES, ERFC_Q0));
                FloatVector erfc = FloatVector.fromArray(SPECIES, scratch, j).mul(q.mul(s));
                // Both finishes, blended by a constant mask: a branch here made C2 merge vectors (measured slower).
                FloatVector far = erfc.neg().add(1f);
                FloatVector erf = far.blend(far.neg(), v.compare(LT, 0f)).blend(near, a.compare(LT, 1f));
                FloatVector tail = v.blend(-16f, v.compare(LT, -16f)).blend(16f, v.compare(GT, 16f)).mul(0.5f)
                        .mul(erfc);
                FloatVector geluValue = v.sub(tail).blend(tail, v.compare(LT, 0f))
                        .blend(v.mul(0.5f).mul(near.add(1f)), a.compare(LT, 1f));
                erf.blend(geluValue, isGelu).intoArray(out, block + j);
            }
        }
        return end;
    }

    // exp(x) = 2^n e^r with n = round(x / ln 2) and r = x - n ln 2 (ln 2 split in two, Cody and Waite), e^r from
    // Cephes' degree-7 polynomial (expf.c) on |r| <= ln 2 / 2, and 2^n applied as two exact power-of-two factors so
    // that results down to the smallest subnormal round once.
    private static final float EXP_LN2_HI = 0.693359375f;
    private static final float EXP_LN2_LO = -2.12194440e-4f;
    private static final float EXP_LOG2E = 1.44269504088896341f;
    /** Adding and subtracting 1.5 * 2^23 rounds a float below 2^22 in magnitude to the nearest integer. */
    private static final float EXP_ROUND = 12582912f;
    private static final float EXP_P0 = 1.9875691500e-4f;
    private static final float EXP_P1 = 1.3981999507e-3f;
    private static final float EXP_P2 = 8.3334519073e-3f;
    private static final float EXP_P3 = 4.1665795894e-2f;
    private static final float EXP_P4 = 1.6666665459e-1f;
    private static final float EXP_P5 = 5.0000001201e-1f;

    // log(x) = k ln 2 + log(m) with x = m 2^k and m in [sqrt(1/2), sqrt(2)): log(m) = f - f^2/2 + f^3 P(f) with
    // f = m - 1, exact, and P Cephes' degree-8 polynomial (logf.c); k ln 2 is added in two parts (Cody and Waite).
    private static final float LOG_P0 = 7.0376836292e-2f;
    private static final float LOG_P1 = -1.1514610310e-1f;
    private static final float LOG_P2 = 1.1676998740e-1f;
    private static final float LOG_P3 = -1.2420140846e-1f;
    private static final float LOG_P4 = 1.4249322787e-1f;
    private static final float LOG_P5 = -1.6668057665e-1f;
    private static final float LOG_P6 = 2.0000714765e-1f;
    private static final float LOG_P7 = -2.4999993993e-1f;
    private static final float LOG_P8 = 3.3333331174e-1f;
    private static final float SQRT_HALF = 0.70710678118654752f;
    /** Subnormal inputs are scaled by 2^25 first, which makes them normal, and 25 taken off their exponent. */
    private static final float TWO_25 = 33554432f;

    /**
     * {@code log} (or with {@code plusOne} {@code log1p}) of {@code x[i, end)} into {@code out}, within 2 ulp of the
     * correctly rounded value (see VectorLogTest), from integer bit operations, adds, multiplies, FMAs and one
     * division only, so that it gives the same bits interpreted and compiled (the JDK's {@code lanewise(LOG)} and
     * {@code lanewise(LOG1P)} do not; docs/design.md, "Determinism"). log(+-0) = -inf, a negative lane or NaN gives
     * NaN, log(+inf) = +inf. log1p takes the log of u = 1 + x rounded and multiplies it by x / (u - 1), which cancels
     * u's rounding (Goldberg, "What every computer scientist should know about floating-point arithmetic", theorem
     * 4), and is x itself where u rounds to 1. Written out in one loop, with no helper taking vectors, so that
     * nothing can be left un-inlined and boxed (see {@link #expArray}).
     */
    private static int logs(float[] x, float[] out, int i, int end, boolean plusOne) {
        FloatVector zero = FloatVector.zero(SPECIES);
        for (; i < end; i += SPECIES.length()) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, i);
            FloatVector u = plusOne ? v.add(1f) : v;
            VectorMask<Float> subnormal = u.compare(LT, Float.MIN_NORMAL);
            IntVector bits = u.blend(u.mul(TWO_25), subnormal).reinterpretAsInts();
            // u = m 2^k with m in [1/2, 1): the biased exponent less 126 is k (a negative u is set apart below).
            FloatVector m = bits.and(0x007fffff).or(0x3f000000).reinterpretAsFloats();
            FloatVector k = ((FloatVector) bits.lanewise(LSHR, 23).sub(126).convert(I2F, 0))
                    .sub(zero.blend(25f, subnormal));
            // Below sqrt(1/2), 2m - 1 and k - 1 instead, so that f stays in [sqrt(1/2) - 1, sqrt(2) - 1).
            VectorMask<Float> low = m.compare(LT, SQRT_HALF);
            FloatVector f = m.add(zero.blend(m, low)).sub(1f);
            k = k.sub(zero.blend(1f, low));
            FloatVector z = f.mul(f);
            FloatVector p = f.fma(LOG_P0, LOG_P1).fma(f, FloatVector.broadcast(SPECIES, LOG_P2))
                    .fma(f, FloatVector.broadcast(SPECIES, LOG_P3)).fma(f, FloatVector.broadcast(SPECIES, LOG_P4))
                    .fma(f, FloatVector.broadcast(SPECIES, LOG_P5)).fma(f, FloatVector.broadcast(SPECIES, LOG_P6))
                    .fma(f, FloatVector.broadcast(SPECIES, LOG_P7)).fma(f, FloatVector.broadcast(SPECIES, LOG_P8));
            FloatVector y = f.mul(z).mul(p).add(k.mul(EXP_LN2_LO)).sub(z.mul(0.5f));
            FloatVector r = f.add(y).add(k.mul(EXP_LN2_HI))
                    .blend(Float.NEGATIVE_INFINITY, u.compare(EQ, 0f))
                    .blend(Float.NaN, u.compare(GE, 0f).not())  // negative or NaN
                    .blend(Float.POSITIVE_INFINITY, u.compare(EQ, Float.POSITIVE_INFINITY));
            if (plusOne) {
                r = r.mul(v.div(u.sub(1f))).blend(v, u.compare(EQ, 1f))
                        .blend(Float.POSITIVE_INFINITY, v.compare(EQ, Float.POSITIVE_INFINITY));
            }
            r.intoArray(out, i);
        }
        return i;
    }

    // tanh(x) ~ (x + x^3 P(x^2)) / Q(x^2) on [-TANH_CLAMP, TANH_CLAMP]: our own rational fit
    // (relative error 7e-9 in float64, 3.3e-7 once evaluated in float32), made and checked by
    // scripts/kernels/fit_tanh.py.
    private static final float TANH_P3 = 1.3445725290266505e-01f;
    private static final float TANH_P5 = 3.5730196431885638e-03f;
    private static final float TANH_P7 = 2.1916570007344966e-05f;
    private static final float TANH_P9 = 1.5257728283504107e-08f;
    private static final float TANH_Q2 = 4.6779054528451292e-01f;
    private static final float TANH_Q4 = 2.6169944427924714e-02f;
    private static final float TANH_Q6 = 3.4135538176716394e-04f;
    private static final float TANH_Q8 = 8.5342873439302625e-07f;
    /** Beyond this the fit is not used: tanh is within 2.2e-7 of +-1, which is returned exactly. */
    private static final float TANH_CLAMP = 8.0177f;

    /**
     * {@code tanh} of every lane within 4e-7 relative error (see VectorTanhTest),
     * from FMAs and one division: about 0.8 ms per million floats on one AVX2 core against 2.3-3.2 ms
     * for {@code lanewise(TANH)}. The clamp keeps NaN; {@code -0} stays {@code -0}
     * because {@code x^3 P + x} keeps the sign of zero.
     */
    static FloatVector tanh(FloatVector v) {
        // Clamped by compares and blends, as expArray is: the same results as max/min, NaN included, for less.
        FloatVector x = v.blend(-TANH_CLAMP, v.compare(LT, -TANH_CLAMP)).blend(TANH_CLAMP, v.compare(GT, TANH_CLAMP));
        FloatVector x2 = x.mul(x);
        FloatVector p = x2.fma(TANH_P9, TANH_P7).fma(x2, FloatVector.broadcast(SPECIES, TANH_P5))
                .fma(x2, FloatVector.broadcast(SPECIES, TANH_P3));
        FloatVector q = x2.fma(TANH_Q8, TANH_Q6).fma(x2, FloatVector.broadcast(SPECIES, TANH_Q4))
                .fma(x2, FloatVector.broadcast(SPECIES, TANH_Q2)).fma(x2, FloatVector.broadcast(SPECIES, 1f));
        FloatVector r = x2.mul(x).fma(p, x).div(q);
        return r.blend(1f, v.compare(GE, TANH_CLAMP)).blend(-1f, v.compare(LE, -TANH_CLAMP));
    }

    // erf(x) = x P(x^2) for |x| < 1, and erfc(a) = exp(-a^2) Q(1/a) / a for a = |x| >= 1, with a
    // clamped to 4 inside Q (beyond it erfc < 2e-8, below float32's resolution of erf near 1).
    // Fitted and checked by scripts/kernels/fit_erf.py: erf within 1.7e-7 relative error.
    private static final float ERF_P0 = 1.1283791657e+00f;
    private static final float ERF_P1 = -3.7612625826e-01f;
    private static final float ERF_P2 = 1.1283585158e-01f;
    private static final float ERF_P3 = -2.6853812193e-02f;
    private static final float ERF_P4 = 5.1883280351e-03f;
    private static final float ERF_P5 = -8.0101957864e-04f;
    private static final float ERF_P6 = 7.8538659321e-05f;
    private static final float ERFC_Q0 = 5.6423885882e-01f;
    private static final float ERFC_Q1 = -1.5353382611e-03f;
    private static final float ERFC_Q2 = -2.6221468676e-01f;
    private static final float ERFC_Q3 = -1.4333019787e-01f;
    private static final float ERFC_Q4 = 1.0589812022e+00f;
    private static final float ERFC_Q5 = -1.7566533969e+00f;
    private static final float ERFC_Q6 = 1.6510934698e+00f;
    private static final float ERFC_Q7 = -9.5282905548e-01f;
    private static final float ERFC_Q8 = 3.1632655149e-01f;
    private static final float ERFC_Q9 = -4.6493833072e-02f;

    //autocode:omit-end

    //autocode:omit-begin float64 (float64 has its own pow, VectorPowF64)
    /** {@link #pows}' block of float64 values: |a|, its log, b log|a| and exp of that, in place. */
    private static final ThreadLocal<double[]> POW_SCRATCH = ThreadLocal.withInitial(() -> new double[SCRATCH_BLOCK]);
    /** {@link #pows}' block of exp(b log|a|) rounded to float, before signs and special values. */
    private static final ThreadLocal<float[]> POW_MAGNITUDES = ThreadLocal.withInitial(() -> new float[SCRATCH_BLOCK]);
    /** {@link #pows}' scalar operand, spread over a block so that every loop has unit strides. */
    private static final ThreadLocal<float[]> POW_SPREAD = ThreadLocal.withInitial(() -> new float[SCRATCH_BLOCK]);
    /** 2^24: from here on every float is an even integer. */
    private static final float EVEN_FLOATS = 16777216f;

    /**
     * {@code o[oo + j] = pow(a[ao + j * as], b[bo + j * bs])} for {@code j < n}, a multiple of the vector length, with
     * strides of 0 (one value for all) or 1; returns {@code n}. Computed in float64 from our own log and exp
     * ({@link VectorLogF64}, {@link VectorExpF64}), whose errors of 2^-52 stay far below float32's last bit even after
     * b log|a| scales them, so the result is float32's correctly rounded one but in rare double roundings; and it gives
     * the same bits interpreted and compiled, which the JDK's {@code lanewise(POW)} does not (docs/design.md,
     * "Determinism"). The sign of an odd power and C's special values (as {@link BinaryOp#pow}) are set last.
     */
    private static int pows(float[] a, int ao, int as, float[] b, int bo, int bs, float[] o, int oo, int n) {
        if (as == 1 && bs == 0 && commonPower(a, ao, b[bo], o, oo, n)) {
            return n;
        }
        double[] scratch = POW_SCRATCH.get();
        float[] magnitudes = POW_MAGNITUDES.get();
        // At most one operand is a scalar (two would not reach a vector kernel): spread over a block.
        float[] base = as == 1 ? a : spread(a[ao], SCRATCH_BLOCK);
        float[] exponent = bs == 1 ? b : spread(b[bo], SCRATCH_BLOCK);
        for (int block = 0; block < n; block += SCRATCH_BLOCK) {
            int m = Math.min(SCRATCH_BLOCK, n - block);  // a multiple of the vector length, as n is
            int at = as == 1 ? ao + block : 0, bt = bs == 1 ? bo + block : 0;
            magnitudeLogs(base, at, scratch, m);
            timesExponents(scratch, exponent, bt, m);
            VectorExpF64.expArray(scratch, 0, scratch, 0, m);
            // Rounded into a block of its own: o may be a or b (a fused chain runs in place), still read below.
            rounded(scratch, magnitudes, m);
            signsAndSpecialValues(base, at, exponent, bt, magnitudes, o, oo + block, m);
        }
        return n;
    }

    // pows' steps, a loop each, with unit strides and no branches so that C2 vectorizes the plain ones; widening,
    // abs, products and narrowing are exact or rounded once, the same bits in any order.

    /** {@code scratch[j] = log|x[from + j]|} in float64, for {@code j < m}. */
    private static void magnitudeLogs(float[] x, int from, double[] scratch, int m) {
        for (int j = 0; j < m; j++) {
            scratch[j] = Math.abs((double) x[from + j]);
        }
        VectorLogF64.logs(scratch, scratch, 0, m, false);
    }

    /** {@code scratch[j] *= y[from + j]} for {@code j < m}. */
    private static void timesExponents(double[] scratch, float[] y, int from, int m) {
        for (int j = 0; j < m; j++) {
            scratch[j] *= y[from + j];
        }
    }

    /** {@code magnitudes[j] = (float) scratch[j]} for {@code j < m}. */
    private static void rounded(double[] scratch, float[] magnitudes, int m) {
        for (int j = 0; j < m; j++) {
            magnitudes[j] = (float) scratch[j];
        }
    }

    /**
     * {@code o[out + j]}: the magnitude with the sign of an odd power and C's special values of pow(x, y), for
     * {@code j < m}. A base with its sign bit set (-0 and -inf included) keeps it to an odd integer power, and a
     * finite negative one to a fractional power is NaN. Floats from 2^24 on (infinities too) are even integers;
     * below, y is an integer where converting it to int and back gives y.
     */
    private static void signsAndSpecialValues(float[] x, int xFrom, float[] y, int yFrom, float[] magnitudes,
            float[] o, int out, int m) {
        for (int j = 0; j < m; j += SPECIES.length()) {
            FloatVector base = FloatVector.fromArray(SPECIES, x, xFrom + j);
            FloatVector exponent = FloatVector.fromArray(SPECIES, y, yFrom + j);
            FloatVector r = FloatVector.fromArray(SPECIES, magnitudes, j);
            VectorMask<Float> signed = base.reinterpretAsInts().compare(LT, 0).cast(SPECIES);
            IntVector whole = (IntVector) exponent.convert(F2I, 0);
            VectorMask<Float> even = exponent.abs().compare(GE, EVEN_FLOATS);
            VectorMask<Float> integer = ((FloatVector) whole.convert(I2F, 0)).compare(EQ, exponent).or(even);
            VectorMask<Float> odd = whole.and(1).compare(NE, 0).cast(SPECIES).and(integer).andNot(even);
            VectorMask<Float> finiteNegative = base.compare(LT, 0f).and(base.compare(GT, Float.NEGATIVE_INFINITY));
            // C's ones, NaN operands included: any x to the power 0, 1 to any power, -1 to an infinite power.
            VectorMask<Float> one = exponent.compare(EQ, 0f).or(base.compare(EQ, 1f))
                    .or(base.compare(EQ, -1f).and(exponent.abs().compare(EQ, Float.POSITIVE_INFINITY)));
            r.blend(r.neg(), signed.and(odd)).blend(Float.NaN, finiteNegative.andNot(integer)).blend(1f, one)
                    .intoArray(o, out + j);
        }
    }

    /** {@code value} in the first {@code n} elements of this thread's {@link #POW_SPREAD}. */
    private static float[] spread(float value, int n) {
        float[] spread = POW_SPREAD.get();
        for (int j = 0; j < n; j++) {
            spread[j] = value;
        }
        return spread;
    }

    /**
     * x^2, x^-1, x^0.5 and x^3 for a scalar exponent, the powers people write most, directly (as PyTorch does): the
     * first three are single correctly rounded operations, which is what the correctly rounded power is, C's special
     * values included (but for x^0.5 of -0 and -inf, set here); x^3 is x x x in float64, exact but for one rounding
     * before the one to float. Returns false, having written nothing, for any other exponent.
     */
    private static boolean commonPower(float[] a, int ao, float y, float[] o, int oo, int n) {
        if (y == 2f) {
            for (int j = 0; j < n; j += SPECIES.length()) {
                FloatVector x = FloatVector.fromArray(SPECIES, a, ao + j);
                x.mul(x).intoArray(o, oo + j);
            }
        } else if (y == -1f) {
            FloatVector one = FloatVector.broadcast(SPECIES, 1f);
            for (int j = 0; j < n; j += SPECIES.length()) {
                one.div(FloatVector.fromArray(SPECIES, a, ao + j)).intoArray(o, oo + j);
            }
        } else if (y == 0.5f) {
            for (int j = 0; j < n; j += SPECIES.length()) {
                // -0 + 0 is +0, whose root is +0 as pow's; -inf's root is NaN where pow's is +inf.
                FloatVector x = FloatVector.fromArray(SPECIES, a, ao + j);
                x.add(0f).sqrt().blend(Float.POSITIVE_INFINITY, x.compare(EQ, Float.NEGATIVE_INFINITY))
                        .intoArray(o, oo + j);
            }
        } else if (y == 3f) {
            for (int j = 0; j < n; j++) {
                double x = a[ao + j];
                o[oo + j] = (float) (x * x * x);
            }
        } else {
            return false;
        }
        return true;
    }

    //autocode:omit-end

    /**
     * {@code op} on one broadcast row (strides 0 or 1, see {@link Broadcast}); the output is
     * {@code float[]} for arithmetic and {@code boolean[]} for comparisons.
     */
    static void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, Object out, int oo, int n) {
        int done;
        if (as == 1 && bs == 1) {
            done = bothVectors(op, a, ao, b, bo, out, oo, n);
        } else if (as == 1) {
            done = vectorScalar(op, a, ao, b[bo], out, oo, n);
        } else if (bs == 1) {
            done = scalarVector(op, a[ao], b, bo, out, oo, n);
        } else {
            done = 0;
        }
        ScalarElementwiseF32.binary(op, a, ao + done * as, as, b, bo + done * bs, bs, out, oo + done, n - done);
    }

    /**
     * Writes a comparison's lanes as booleans: the mask as bytes, stored at once. {@code
     * VectorMask.intoArray(boolean[], int)} is not an intrinsic on every CPU (it boxes a {@code boolean[]}
     * per vector on AVX2); without {@link #MASK_BYTES} (below 8 lanes, and in float64) the bits of
     * {@code toLong()} are stored one by one.
     */
    private static void store(VectorMask<Float> mask, boolean[] o, int at) {
        if (MASK_BYTES != null) {
            // One mask-to-bytes move and one store: on AVX-512 vpmovm2b and a 16-byte store.
            ByteVector.zero(MASK_BYTES).blend((byte) 1, mask.cast(MASK_BYTES)).intoBooleanArray(o, at);
            return;
        }
        long bits = mask.toLong();
        for (int j = 0; j < SPECIES.length(); j++) {
            o[at + j] = (bits >>> j & 1) != 0;
        }
    }

    /** Both operands contiguous; returns how many leading elements it computed. */
    private static int bothVectors(BinaryOp op, float[] a, int ao, float[] b, int bo, Object out, int oo, int n) {
        int end = SPECIES.loopBound(n);
        int step = SPECIES.length();
        int i = 0;
        if (op.kind() == BinaryOp.Kind.COMPARISON) {
            boolean[] o = (boolean[]) out;
            switch (op) {
                case EQUAL -> { for (; i < end; i += step) store(FloatVector.fromArray(SPECIES, a, ao + i).compare(EQ, FloatVector.fromArray(SPECIES, b, bo + i)), o, oo + i); }
                case NOT_EQUAL -> { for (; i < end; i += step) store(FloatVector.fromArray(SPECIES, a, ao + i).compare(NE, FloatVector.fromArray(SPECIES, b, bo + i)), o, oo + i); }
                case LESS -> { for (; i < end; i += step) store(FloatVector.fromArray(SPECIES, a, ao + i).compare(LT, FloatVector.fromArray(SPECIES, b, bo + i)), o, oo + i); }
                case LESS_EQUAL -> { for (; i < end; i += step) store(FloatVector.fromArray(SPECIES, a, ao + i).compare(LE, FloatVector.fromArray(SPECIES, b, bo + i)), o, oo + i); }
                case GREATER -> { for (; i < end; i += step) store(FloatVector.fromArray(SPECIES, a, ao + i).compare(GT, FloatVector.fromArray(SPECIES, b, bo + i)), o, oo + i); }
                case GREATER_EQUAL -> { for (; i < end; i += step) store(FloatVector.fromArray(SPECIES, a, ao + i).compare(GE, FloatVector.fromArray(SPECIES, b, bo + i)), o, oo + i); }
                default -> { }
            }
            return i;
        }
        float[] o = (float[]) out;
        switch (op) {
            case ADD -> { for (; i < end; i += step) FloatVector.fromArray(SPECIES, a, ao + i).add(FloatVector.fromArray(SPECIES, b, bo + i)).intoArray(o, oo + i); }
            case SUB -> { for (; i < end; i += step) FloatVector.fromArray(SPECIES, a, ao + i).sub(FloatVector.fromArray(SPECIES, b, bo + i)).intoArray(o, oo + i); }
            case MUL -> { for (; i < end; i += step) FloatVector.fromArray(SPECIES, a, ao + i).mul(FloatVector.fromArray(SPECIES, b, bo + i)).intoArray(o, oo + i); }
            case DIV -> { for (; i < end; i += step) FloatVector.fromArray(SPECIES, a, ao + i).div(FloatVector.fromArray(SPECIES, b, bo + i)).intoArray(o, oo + i); }
            case MAXIMUM -> { for (; i < end; i += step) FloatVector.fromArray(SPECIES, a, ao + i).max(FloatVector.fromArray(SPECIES, b, bo + i)).intoArray(o, oo + i); }
            case MINIMUM -> { for (; i < end; i += step) FloatVector.fromArray(SPECIES, a, ao + i).min(FloatVector.fromArray(SPECIES, b, bo + i)).intoArray(o, oo + i); }
            //autocode:replace float64 case POW -> i = VectorPowF64.pows(a, ao, 1, b, bo, 1, o, oo, end);
            case POW -> i = pows(a, ao, 1, b, bo, 1, o, oo, end);
            default -> { }
        }
        return i;
    }

    /** {@code a} contiguous, {@code b} one element; returns how many leading elements it computed. */
    private static int vectorScalar(BinaryOp op, float[] a, int ao, float b, Object out, int oo, int n) {
        int end = SPECIES.loopBound(n);
        int step = SPECIES.length();
        int i = 0;
        if (op.kind() == BinaryOp.Kind.COMPARISON) {
            boolean[] o = (boolean[]) out;
            switch (op) {
                case EQUAL -> { for (; i < end; i += step) store(FloatVector.fromArray(SPECIES, a, ao + i).compare(EQ, b), o, oo + i); }
                case NOT_EQUAL -> { for (; i < end; i += step) store(FloatVector.fromArray(SPECIES, a, ao + i).compare(NE, b), o, oo + i); }
                case LESS -> { for (; i < end; i += step) store(FloatVector.fromArray(SPECIES, a, ao + i).compare(LT, b), o, oo + i); }
                case LESS_EQUAL -> { for (; i < end; i += step) store(FloatVector.fromArray(SPECIES, a, ao + i).compare(LE, b), o, oo + i); }
                case GREATER -> { for (; i < end; i += step) store(FloatVector.fromArray(SPECIES, a, ao + i).compare(GT, b), o, oo + i); }
                case GREATER_EQUAL -> { for (; i < end; i += step) store(FloatVector.fromArray(SPECIES, a, ao + i).compare(GE, b), o, oo + i); }
                default -> { }
            }
            return i;
        }
        float[] o = (float[]) out;
        switch (op) {
            case ADD -> { for (; i < end; i += step) FloatVector.fromArray(SPECIES, a, ao + i).add(b).intoArray(o, oo + i); }
            case SUB -> { for (; i < end; i += step) FloatVector.fromArray(SPECIES, a, ao + i).sub(b).intoArray(o, oo + i); }
            case MUL -> { for (; i < end; i += step) FloatVector.fromArray(SPECIES, a, ao + i).mul(b).intoArray(o, oo + i); }
            case DIV -> { for (; i < end; i += step) FloatVector.fromArray(SPECIES, a, ao + i).div(b).intoArray(o, oo + i); }
            case MAXIMUM -> { for (; i < end; i += step) FloatVector.fromArray(SPECIES, a, ao + i).max(b).intoArray(o, oo + i); }
            case MINIMUM -> { for (; i < end; i += step) FloatVector.fromArray(SPECIES, a, ao + i).min(b).intoArray(o, oo + i); }
            //autocode:replace float64 case POW -> i = VectorPowF64.pows(a, ao, 1, new float[] {b}, 0, 0, o, oo, end);
            case POW -> i = pows(a, ao, 1, new float[] {b}, 0, 0, o, oo, end);
            default -> { }
        }
        return i;
    }

    /**
     * {@code a} one element, {@code b} contiguous. Symmetric ops and mirrored comparisons reuse
     * {@link #vectorScalar}; returns how many leading elements it computed.
     */
    private static int scalarVector(BinaryOp op, float a, float[] b, int bo, Object out, int oo, int n) {
        int end = SPECIES.loopBound(n);
        int step = SPECIES.length();
        FloatVector va = FloatVector.broadcast(SPECIES, a);
        int i = 0;
        float[] o = out instanceof float[] array ? array : null;
        switch (op) {
            case SUB -> { for (; i < end; i += step) va.sub(FloatVector.fromArray(SPECIES, b, bo + i)).intoArray(o, oo + i); }
            case DIV -> { for (; i < end; i += step) va.div(FloatVector.fromArray(SPECIES, b, bo + i)).intoArray(o, oo + i); }
            //autocode:replace float64 case POW -> i = VectorPowF64.pows(new float[] {a}, 0, 0, b, bo, 1, o, oo, end);
            case POW -> i = pows(new float[] {a}, 0, 0, b, bo, 1, o, oo, end);
            case LESS -> i = vectorScalar(BinaryOp.GREATER, b, bo, a, out, oo, n);
            case LESS_EQUAL -> i = vectorScalar(BinaryOp.GREATER_EQUAL, b, bo, a, out, oo, n);
            case GREATER -> i = vectorScalar(BinaryOp.LESS, b, bo, a, out, oo, n);
            case GREATER_EQUAL -> i = vectorScalar(BinaryOp.LESS_EQUAL, b, bo, a, out, oo, n);
            default -> i = vectorScalar(op, b, bo, a, out, oo, n);
        }
        return i;
    }

    // ---- where --------------------------------------------------------------------------------

    /**
     * {@code out[oo + i] = c ? a : b} for one broadcast row, as {@link ScalarElementwise#where}. With
     * a per-element condition ({@code cs == 1}) the condition bytes load as a mask and the branches
     * are blended, which avoids the branch mispredictions a random condition causes in the scalar
     * loop; a per-row condition is a predictable branch and stays scalar.
     */
    static void where(boolean[] c, int co, int cs, float[] a, int ao, int as, float[] b, int bo, int bs, float[] out,
            int oo, int n) {
        int i = 0;
        if (cs == 1) {
            int end = SPECIES.loopBound(n);
            FloatVector fixedA = FloatVector.broadcast(SPECIES, a[ao]);
            FloatVector fixedB = FloatVector.broadcast(SPECIES, b[bo]);
            for (; i < end; i += SPECIES.length()) {
                VectorMask<Float> m = VectorMask.fromArray(SPECIES, c, co + i);
                FloatVector va = as == 1 ? FloatVector.fromArray(SPECIES, a, ao + i) : fixedA;
                FloatVector vb = bs == 1 ? FloatVector.fromArray(SPECIES, b, bo + i) : fixedB;
                vb.blend(va, m).intoArray(out, oo + i);
            }
        }
        ScalarElementwiseF32.where(c, co + i * cs, cs, a, ao + i * as, as, b, bo + i * bs, bs, out, oo + i, n - i);
    }
}
