package dev.adjoint.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.op.UnaryOp;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The float64 {@code tanh} of {@link VectorTanhF64}: within 2 ulp of {@code StrictMath.tanh} on a sweep across both of
 * its forms and on tiny arguments, exact special values, and the same bits interpreted ({@code -Xint}), compiled and
 * with 256-bit vectors, which the JDK's {@code lanewise(TANH)} does not give.
 */
class VectorTanhF64Test {
    private static final int SWEEP = 300_000;

    /** [-25, 25] (both forms and the clamp), then |x| from 1e-300 to 1 spread evenly in the exponent. */
    private static double[] arguments() {
        double[] x = new double[2 * SWEEP];
        for (int i = 0; i < SWEEP; i++) {
            x[i] = -25 + 50.0 * i / (SWEEP - 1);
            x[SWEEP + i] = (i % 2 == 0 ? 1 : -1) * Math.pow(10, -300.0 * i / SWEEP);
        }
        return x;
    }

    private static double[] tanh(double[] x) {
        double[] out = new double[x.length];
        VectorElementwiseF64.unary(UnaryOp.TANH, x, out, 0, x.length);
        return out;
    }

    @Test
    void withinTwoUlpOfStrictMath() {
        double[] x = arguments(), got = tanh(x);
        for (int i = 0; i < x.length; i++) {
            double expected = StrictMath.tanh(x[i]);
            if (!(Math.abs(got[i] - expected) <= 2 * Math.max(Math.ulp(expected), Double.MIN_VALUE))) {
                fail("tanh(" + x[i] + ") = " + got[i] + ", expected " + expected);
            }
        }
    }

    @Test
    void specialValues() {
        double[] x = new double[16];
        double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0, -0.0, Double.MIN_VALUE,
            -Double.MIN_VALUE, 1e300, -1e300, 0.625, -0.625};
        System.arraycopy(special, 0, x, 0, special.length);
        double[] got = tanh(x);
        assertEquals(Double.NaN, got[0]);
        assertEquals(1.0, got[1]);
        assertEquals(-1.0, got[2]);
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(got[3]), "tanh(0)");
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(got[4]), "tanh(-0)");
        assertEquals(Double.MIN_VALUE, got[5]);
        assertEquals(-Double.MIN_VALUE, got[6]);
        assertEquals(1.0, got[7]);
        assertEquals(-1.0, got[8]);
        assertEquals(StrictMath.tanh(0.625), got[9], 2 * Math.ulp(got[9]));
        assertEquals(-got[9], got[10]);
    }

    /** tanh of every 4th argument. */
    private static double[] results() {
        double[] all = arguments();
        double[] x = new double[all.length / 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = all[4 * i + i % 4];
        }
        return tanh(x);
    }

    /** Run in the child JVM: the results as raw bits on standard output. */
    public static void main(String[] args) throws IOException {
        ChildJvm.write(results());
    }

    @Test
    void interpretedAndCompiledGiveTheSameBits() throws IOException, InterruptedException {
        ChildJvm.assertInterpretedEqualsCompiledDoubles(VectorTanhF64Test.class, VectorTanhF64Test::results);
    }

    @Test
    void avx2GivesTheSameBits() throws IOException, InterruptedException {
        ChildJvm.assertAvx2EqualsDoubles(VectorTanhF64Test.class, results());
    }
}
