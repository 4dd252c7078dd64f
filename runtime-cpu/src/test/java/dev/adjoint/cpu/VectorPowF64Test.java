package dev.adjoint.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.op.BinaryOp;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Float64 {@code pow} of {@link VectorPowF64}: the bits of {@code StrictMath.pow} (with C's special values, as
 * {@link BinaryOp#pow}) on every pair, in each of the three forms (two arrays, a scalar exponent, a scalar base) and in
 * place; and so the same bits interpreted ({@code -Xint}), compiled and with 256-bit vectors, which the JDK's
 * {@code lanewise(POW)} does not give.
 */
class VectorPowF64Test {
    private static final int PAIRS = 300_000;
    /** Fewer for the child JVMs: interpreted, the Vector API takes about 150 µs a pair. */
    private static final int CHILD_PAIRS = 40_000;
    private static final double[] SPECIAL = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0,
        -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, -3.0, 2.5, -2.5, Double.MIN_VALUE, -Double.MIN_VALUE,
        Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE, 0x1.0p52 + 1, -(0x1.0p53 - 1), 0x1.0p53, 0x1.0p31,
        0x1.00000ffffffffp31, 0x1.00001p31, 1.0000000000000002, 0.9999999999999999, 1.5, 1.7320508075688772,
        1.224744871391589, 1023.0, -1074.0, 1e-300, -7.0, 1e300, 0x1.fffffp-1};

    /** Bases and exponents: random pairs of several kinds, then every pair of the special values. */
    private static double[][] pairs(int count) {
        int specials = SPECIAL.length * SPECIAL.length;
        double[] a = new double[count + specials], b = new double[count + specials];
        SplittableRandom random = new SplittableRandom(20261204);
        for (int i = 0; i < count; i++) {
            // In runs of 64 of a kind, so that whole vectors of positive bases take the main path alone.
            switch (i / 64 % 8) {
                case 0 -> { a[i] = random.nextDouble(0, 10); b[i] = random.nextDouble(-10, 10); }
                case 1 -> { a[i] = random.nextDouble(-5, 5); b[i] = random.nextInt(-300, 300); }
                case 2 -> { a[i] = Math.pow(2, random.nextDouble(-1070, 1020)); b[i] = random.nextDouble(-3, 3); }
                case 3 -> { a[i] = random.nextDouble(0.999999, 1.000001); b[i] = Math.pow(10, random.nextDouble(0, 12)); }
                case 4 -> { a[i] = 2.0; b[i] = random.nextDouble(-1080, 1030); }  // overflow, subnormal results, underflow
                case 5 -> { a[i] = Double.longBitsToDouble(random.nextLong() & Long.MAX_VALUE); b[i] = random.nextDouble(-2, 2); }
                case 6 -> { a[i] = -random.nextDouble(0, 3); b[i] = Math.scalb((double) random.nextLong(1L << 53), -random.nextInt(0, 8)); }
                default -> { a[i] = random.nextDouble(0.5, 2); b[i] = random.nextDouble(-1e4, 1e4); }
            }
        }
        int n = count;
        for (double x : SPECIAL) {
            for (double y : SPECIAL) {
                a[n] = x;
                b[n++] = y;
            }
        }
        return new double[][] {a, b};
    }

    private static void assertPow(double a, double b, double got, String form) {
        double expected = BinaryOp.pow(a, b);
        boolean same = Double.isNaN(expected) ? Double.isNaN(got)
                : Double.doubleToRawLongBits(got) == Double.doubleToRawLongBits(expected);
        if (!same) {
            fail(form + ": pow(" + a + ", " + b + ") = " + got + ", expected " + expected + " (StrictMath's bits)");
        }
    }

    private static double[] arrays(double[] a, double[] b) {
        double[] out = new double[a.length];
        VectorElementwiseF64.binary(BinaryOp.POW, a, 0, 1, b, 0, 1, out, 0, a.length);
        return out;
    }

    @Test
    void twoArraysGiveStrictMathsBits() {
        double[][] p = pairs(PAIRS);
        double[] got = arrays(p[0], p[1]);
        for (int i = 0; i < got.length; i++) {
            assertPow(p[0][i], p[1][i], got[i], "arrays");
        }
    }

    @Test
    void scalarExponentAndScalarBaseGiveStrictMathsBits() {
        double[][] p = pairs(PAIRS);
        double[] bases = Arrays.copyOf(p[0], 4099), exponents = Arrays.copyOf(p[1], 4099);
        for (double fixed : SPECIAL) {
            double[] out = new double[bases.length];
            VectorElementwiseF64.binary(BinaryOp.POW, bases, 0, 1, new double[] {fixed}, 0, 0, out, 0, bases.length);
            for (int i = 0; i < out.length; i++) {
                assertPow(bases[i], fixed, out[i], "scalar exponent");
            }
            VectorElementwiseF64.binary(BinaryOp.POW, new double[] {fixed}, 0, 0, exponents, 0, 1, out, 0, out.length);
            for (int i = 0; i < out.length; i++) {
                assertPow(fixed, exponents[i], out[i], "scalar base");
            }
        }
    }

    /** In place (a fused chain writes each step over its input), base or exponent the output array. */
    @Test
    void inPlaceGivesTheSameBits() {
        double[][] p = pairs(PAIRS);
        double[] expected = arrays(p[0], p[1]);
        double[] base = p[0].clone();
        VectorElementwiseF64.binary(BinaryOp.POW, base, 0, 1, p[1], 0, 1, base, 0, base.length);
        assertArrayEquals(expected, base, "base overwritten");
        double[] exponent = p[1].clone();
        VectorElementwiseF64.binary(BinaryOp.POW, p[0], 0, 1, exponent, 0, 1, exponent, 0, exponent.length);
        assertArrayEquals(expected, exponent, "exponent overwritten");
    }

    private static double[] results() {
        double[][] p = pairs(CHILD_PAIRS);
        return arrays(p[0], p[1]);
    }

    /** Run in the child JVM: the results as raw bits on standard output. */
    public static void main(String[] args) throws IOException {
        ChildJvm.write(results());
    }

    @Test
    void interpretedAndCompiledGiveTheSameBits() throws IOException, InterruptedException {
        ChildJvm.assertInterpretedEqualsCompiledDoubles(VectorPowF64Test.class, VectorPowF64Test::results);
    }

    @Test
    void avx2GivesTheSameBits() throws IOException, InterruptedException {
        ChildJvm.assertAvx2EqualsDoubles(VectorPowF64Test.class, results());
    }
}
