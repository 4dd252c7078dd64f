package dev.adjoint.cpu;

import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.op.UnaryOp;
import java.io.IOException;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The float64 kernels built on our own exp and log1p — sigmoid and softplus — are accurate (within 4 ulp of the same
 * formula in {@code StrictMath}: our exp is within 2 ulp of StrictMath's, which dominates where the result is tiny,
 * and the formula rounds once or twice more) and give the same bits interpreted ({@code -Xint}), compiled and with 256-bit vectors
 * (docs/design.md, "Determinism"). exp, log and sin have their own tests (VectorExpF64Test, VectorLogF64Test,
 * VectorTrigF64Test).
 */
class VectorDeterminismF64Test {
    private static final int SWEEP = 40_000;

    /** 40,000 values from -40 to 40, then the specials. */
    private static double[] arguments() {
        double[] x = new double[SWEEP + 16];
        for (int i = 0; i < SWEEP; i++) {
            x[i] = -40 + 80.0 * i / (SWEEP - 1);
        }
        double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0, -0.0, Double.MIN_VALUE,
            1e300, -1e300, 709.7, -709.7, 745.2, -745.2, 37.5, -37.5, 1e-20, -1e-20};
        System.arraycopy(special, 0, x, SWEEP, special.length);
        return x;
    }

    private static double[] apply(UnaryOp op, double[] x) {
        double[] out = new double[x.length];
        VectorElementwiseF64.unary(op, x, out, 0, x.length);
        return out;
    }

    private static void assertWithinFourUlps(UnaryOp op, DoubleUnaryOperator reference) {
        double[] x = arguments(), got = apply(op, x);
        for (int i = 0; i < x.length; i++) {
            double expected = reference.applyAsDouble(x[i]);
            boolean ok = Double.isNaN(expected) ? Double.isNaN(got[i])
                    : Double.isInfinite(expected) ? got[i] == expected
                            : Math.abs(got[i] - expected) <= 4 * Math.max(Math.ulp(expected), Double.MIN_VALUE);
            if (!ok) {
                fail(op + "(" + x[i] + ") = " + got[i] + ", expected " + expected);
            }
        }
    }

    @Test
    void sigmoidWithinFourUlp() {
        assertWithinFourUlps(UnaryOp.SIGMOID, x -> 1 / (1 + StrictMath.exp(-x)));
    }

    @Test
    void softplusWithinFourUlp() {
        assertWithinFourUlps(UnaryOp.SOFTPLUS, x -> Math.max(x, 0) + StrictMath.log1p(StrictMath.exp(-Math.abs(x))));
    }

    private static double[] results() {
        double[] x = arguments();
        double[] both = new double[2 * x.length];
        System.arraycopy(apply(UnaryOp.SIGMOID, x), 0, both, 0, x.length);
        System.arraycopy(apply(UnaryOp.SOFTPLUS, x), 0, both, x.length, x.length);
        return both;
    }

    /** Run in the child JVM: the results as raw bits on standard output. */
    public static void main(String[] args) throws IOException {
        ChildJvm.write(results());
    }

    @Test
    void interpretedAndCompiledGiveTheSameBits() throws IOException, InterruptedException {
        ChildJvm.assertInterpretedEqualsCompiledDoubles(VectorDeterminismF64Test.class, VectorDeterminismF64Test::results);
    }

    @Test
    void avx2GivesTheSameBits() throws IOException, InterruptedException {
        ChildJvm.assertAvx2EqualsDoubles(VectorDeterminismF64Test.class, results());
    }
}
