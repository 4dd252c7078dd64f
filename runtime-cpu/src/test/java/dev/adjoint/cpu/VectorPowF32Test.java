package dev.adjoint.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.op.BinaryOp;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Float32 {@code pow} of {@link VectorElementwiseF32}, computed in float64 from our own log and exp: within 1 ulp of
 * the float64 {@code StrictMath.pow} rounded to float (C's special values as {@link BinaryOp#pow}, signed zeros and
 * infinities exact), in each of the three forms (two arrays, a scalar exponent, a scalar base), and the same bits
 * interpreted ({@code -Xint}), compiled and with 256-bit vectors, which the JDK's {@code lanewise(POW)} does not give.
 */
class VectorPowF32Test {
    private static final int PAIRS = 200_000;
    private static final float[] SPECIAL = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1f,
        -1f, 0.5f, -0.5f, 2f, -2f, 3f, -3f, 2.5f, -2.5f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE,
        -Float.MAX_VALUE, 16777216f, -16777215f, 1.0000001f, 0.99999994f, 127f, -149f, 1e-20f, -7f};

    /** Bases and exponents: random pairs of several kinds, then every pair of the special values. */
    private static float[][] pairs() {
        int specials = SPECIAL.length * SPECIAL.length;
        float[] a = new float[PAIRS + specials], b = new float[PAIRS + specials];
        SplittableRandom random = new SplittableRandom(20261203);
        for (int i = 0; i < PAIRS; i++) {
            switch (i % 5) {
                case 0 -> { a[i] = (float) random.nextDouble(0, 10); b[i] = (float) random.nextDouble(-10, 10); }
                case 1 -> { a[i] = (float) random.nextDouble(-5, 5); b[i] = random.nextInt(-40, 40); }
                case 2 -> { a[i] = (float) Math.pow(2, random.nextDouble(-140, 120)); b[i] = (float) random.nextDouble(-3, 3); }
                case 3 -> { a[i] = (float) random.nextDouble(0.999, 1.001); b[i] = (float) Math.pow(10, random.nextDouble(0, 6)); }
                default -> { a[i] = 2f; b[i] = (float) random.nextDouble(-152, 130); }  // overflow, subnormals, underflow
            }
        }
        int n = PAIRS;
        for (float x : SPECIAL) {
            for (float y : SPECIAL) {
                a[n] = x;
                b[n++] = y;
            }
        }
        return new float[][] {a, b};
    }

    private static void assertPow(float a, float b, float got, String form) {
        float expected = (float) BinaryOp.pow(a, b);
        boolean ok = Float.isNaN(expected) ? Float.isNaN(got)
                : expected == 0 || Float.isInfinite(expected)
                        ? Float.floatToRawIntBits(got) == Float.floatToRawIntBits(expected)
                        : Math.signum(got) == Math.signum(expected)
                                && Math.abs(got - expected) <= Math.max(Math.ulp(expected), Float.MIN_VALUE);
        if (!ok) {
            fail(form + ": pow(" + a + ", " + b + ") = " + got + ", expected " + expected);
        }
    }

    private static float[] arrays(float[] a, float[] b) {
        float[] out = new float[a.length];
        VectorElementwiseF32.binary(BinaryOp.POW, a, 0, 1, b, 0, 1, out, 0, a.length);
        return out;
    }

    @Test
    void twoArraysWithinOneUlp() {
        float[][] p = pairs();
        float[] got = arrays(p[0], p[1]);
        for (int i = 0; i < got.length; i++) {
            assertPow(p[0][i], p[1][i], got[i], "arrays");
        }
    }

    @Test
    void scalarExponentAndScalarBaseWithinOneUlp() {
        float[][] p = pairs();
        float[] bases = java.util.Arrays.copyOf(p[0], 4099), exponents = java.util.Arrays.copyOf(p[1], 4099);
        for (float fixed : SPECIAL) {
            float[] out = new float[bases.length];
            VectorElementwiseF32.binary(BinaryOp.POW, bases, 0, 1, new float[] {fixed}, 0, 0, out, 0, bases.length);
            for (int i = 0; i < out.length; i++) {
                assertPow(bases[i], fixed, out[i], "scalar exponent");
            }
            VectorElementwiseF32.binary(BinaryOp.POW, new float[] {fixed}, 0, 0, exponents, 0, 1, out, 0, out.length);
            for (int i = 0; i < out.length; i++) {
                assertPow(fixed, exponents[i], out[i], "scalar base");
            }
        }
    }

    @Test
    void squaresAndSquareRootsAreExactWhereFloatIs() {
        float[] x = new float[1000];
        for (int i = 0; i < x.length; i++) {
            x[i] = 0.37f * i - 100;
        }
        float[] squares = new float[x.length], roots = new float[x.length];
        VectorElementwiseF32.binary(BinaryOp.POW, x, 0, 1, new float[] {2f}, 0, 0, squares, 0, x.length);
        VectorElementwiseF32.binary(BinaryOp.POW, x, 0, 1, new float[] {0.5f}, 0, 0, roots, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i] * x[i], squares[i], "pow(" + x[i] + ", 2)");
            assertEquals(x[i] < 0 ? Float.NaN : (float) Math.sqrt(x[i]), roots[i], "pow(" + x[i] + ", 0.5)");
        }
    }

    /** In place (a fused chain writes each step over its input), base or exponent the output array. */
    @Test
    void inPlaceGivesTheSameBits() {
        float[][] p = pairs();
        float[] expected = arrays(p[0], p[1]);
        float[] base = p[0].clone();
        VectorElementwiseF32.binary(BinaryOp.POW, base, 0, 1, p[1], 0, 1, base, 0, base.length);
        assertArrayEquals(expected, base, "base overwritten");
        float[] exponent = p[1].clone();
        VectorElementwiseF32.binary(BinaryOp.POW, p[0], 0, 1, exponent, 0, 1, exponent, 0, exponent.length);
        assertArrayEquals(expected, exponent, "exponent overwritten");
        float[] fixed = p[0].clone(), expectedFixed = new float[fixed.length];
        VectorElementwiseF32.binary(BinaryOp.POW, p[0], 0, 1, new float[] {-3f}, 0, 0, expectedFixed, 0, fixed.length);
        VectorElementwiseF32.binary(BinaryOp.POW, fixed, 0, 1, new float[] {-3f}, 0, 0, fixed, 0, fixed.length);
        assertArrayEquals(expectedFixed, fixed, "base overwritten, scalar exponent");
    }

    private static float[] results() {
        float[][] p = pairs();
        float[] exponent = new float[PAIRS / 4];
        VectorElementwiseF32.binary(BinaryOp.POW, p[0], 0, 1, new float[] {-1.7f}, 0, 0, exponent, 0, exponent.length);
        return ChildJvm.concat(List.of(arrays(p[0], p[1]), exponent));
    }

    /** Run in the child JVM: the results as raw bits on standard output. */
    public static void main(String[] args) throws IOException {
        ChildJvm.write(results());
    }

    @Test
    void interpretedAndCompiledGiveTheSameBits() throws IOException, InterruptedException {
        ChildJvm.assertInterpretedEqualsCompiled(VectorPowF32Test.class, VectorPowF32Test::results);
    }

    @Test
    void avx2GivesTheSameBits() throws IOException, InterruptedException {
        float[] here = results();
        ChildJvm.assertAvx2Equals(VectorPowF32Test.class, here, here.length);
    }
}
