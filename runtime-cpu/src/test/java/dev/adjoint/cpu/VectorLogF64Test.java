package dev.adjoint.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.op.UnaryOp;
import java.io.IOException;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The float64 {@code log} and {@code log1p} of {@link VectorLogF64}, which the generated float64 kernels use for log,
 * log1p and softplus and float32's pow for its logarithms: within 1 ulp (log) and 2 ulp (log1p) of {@code StrictMath}
 * (fdlibm, under 1 ulp) on every binade, subnormals included, exact special values, and the same bits interpreted
 * ({@code -Xint}), compiled and with 256-bit vectors, which the JDK's {@code lanewise(LOG)} does not give.
 */
class VectorLogF64Test {
    private static final int SWEEP = 400_000;

    /** Positive doubles at a stride through their bit patterns (every binade, subnormal to huge), and around 1. */
    private static double[] arguments() {
        double[] x = new double[2 * SWEEP];
        long stride = Double.doubleToRawLongBits(Double.MAX_VALUE) / SWEEP;
        for (int i = 0; i < SWEEP; i++) {
            x[i] = Double.longBitsToDouble(1 + i * stride + (i * 0x9E3779B97F4A7C15L >>> 40));
        }
        for (int i = 0; i < SWEEP; i++) {
            x[SWEEP + i] = 0.5 + 1.5 * i / SWEEP;  // [0.5, 2): where log's reduction and log1p's cancellation work hardest
        }
        return x;
    }

    /** log1p's arguments: the sweep shifted to (-1, ...), tiny values of both signs, and values near -1. */
    private static double[] log1pArguments() {
        double[] x = arguments();
        for (int i = 0; i < x.length; i++) {
            x[i] = switch (i % 4) {
                case 0 -> x[i];
                case 1 -> -x[i] / (1 + x[i]);  // in (-1, 0)
                case 2 -> x[i] - 1;
                default -> x[i] * 1e-12 * (i % 8 == 3 ? 1 : -1);
            };
        }
        return x;
    }

    private static double[] apply(UnaryOp op, double[] x) {
        double[] out = new double[x.length];
        VectorElementwiseF64.unary(op, x, out, 0, x.length);
        return out;
    }

    private static void assertWithinUlps(String name, DoubleUnaryOperator reference, double[] x, double[] got,
            int maxUlps) {
        for (int i = 0; i < x.length; i++) {
            double expected = reference.applyAsDouble(x[i]);
            if (Double.isInfinite(expected) || Double.isNaN(expected) ? Double.compare(got[i], expected) != 0
                    : !(Math.abs(got[i] - expected) <= maxUlps * Math.ulp(expected))) {
                fail(name + "(" + x[i] + ") = " + got[i] + ", expected " + expected);
            }
        }
    }

    @Test
    void logWithinOneUlpOfStrictMath() {
        double[] x = arguments();
        assertWithinUlps("log", StrictMath::log, x, apply(UnaryOp.LOG, x), 1);
    }

    @Test
    void log1pWithinTwoUlpOfStrictMath() {
        double[] x = log1pArguments();
        assertWithinUlps("log1p", StrictMath::log1p, x, apply(UnaryOp.LOG1P, x), 2);
    }

    @Test
    void specialValues() {
        double[] x = new double[32];
        double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0, -0.0, -1, 1,
            Double.MIN_VALUE, Double.MAX_VALUE, Math.E, -1e-300};
        System.arraycopy(special, 0, x, 0, special.length);
        double[] log = apply(UnaryOp.LOG, x), log1p = apply(UnaryOp.LOG1P, x);
        double[] expectedLog = {Double.NaN, Double.POSITIVE_INFINITY, Double.NaN, Double.NEGATIVE_INFINITY,
            Double.NEGATIVE_INFINITY, Double.NaN, 0, StrictMath.log(Double.MIN_VALUE), StrictMath.log(Double.MAX_VALUE), 1,
            Double.NaN};
        double[] expectedLog1p = {Double.NaN, Double.POSITIVE_INFINITY, Double.NaN, 0, -0.0, Double.NEGATIVE_INFINITY,
            StrictMath.log1p(1), Double.MIN_VALUE, StrictMath.log1p(Double.MAX_VALUE), StrictMath.log1p(Math.E), -1e-300};
        for (int i = 0; i < special.length; i++) {
            assertEquals(expectedLog[i], log[i], "log(" + x[i] + ")");
            assertEquals(expectedLog1p[i], log1p[i], "log1p(" + x[i] + ")");
        }
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(log1p[4]), "log1p(-0) keeps its sign");
    }

    /** log and log1p of every 8th argument (an interpreted child takes a while on all of them). */
    private static double[] results() {
        double[] x = sparse(arguments()), xp = sparse(log1pArguments());
        double[] all = new double[2 * x.length];
        System.arraycopy(apply(UnaryOp.LOG, x), 0, all, 0, x.length);
        System.arraycopy(apply(UnaryOp.LOG1P, xp), 0, all, x.length, x.length);
        return all;
    }

    private static double[] sparse(double[] all) {
        double[] x = new double[all.length / 8];
        for (int i = 0; i < x.length; i++) {
            x[i] = all[8 * i + i % 8];
        }
        return x;
    }

    /** Run in the child JVM: the results as raw bits on standard output. */
    public static void main(String[] args) throws IOException {
        ChildJvm.write(results());
    }

    @Test
    void interpretedAndCompiledGiveTheSameBits() throws IOException, InterruptedException {
        ChildJvm.assertInterpretedEqualsCompiledDoubles(VectorLogF64Test.class, VectorLogF64Test::results);
    }

    @Test
    void avx2GivesTheSameBits() throws IOException, InterruptedException {
        ChildJvm.assertAvx2EqualsDoubles(VectorLogF64Test.class, results());
    }
}
