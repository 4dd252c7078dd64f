package dev.adjoint.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.op.UnaryOp;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The float64 {@code exp} of {@link VectorExpF64}, which the generated float64 kernels use for exp and the softmax
 * family: within 2 ulp of {@code StrictMath.exp} (fdlibm, under 1 ulp) over its whole range, subnormal results included,
 * exact special values, and the same bits interpreted ({@code -Xint}), compiled and with 256-bit vectors.
 */
class VectorExpF64Test {
    private static final int MAX_ULPS = 2;
    private static final int SWEEP = 300_001;

    /** [-750, 712]: overflow, normal, subnormal and underflow-to-zero results. */
    private static double[] sweep() {
        double[] x = new double[SWEEP];
        for (int i = 0; i < SWEEP; i++) {
            x[i] = -750 + 1462.0 * i / (SWEEP - 1);
        }
        return x;
    }

    private static double[] exp(double[] x) {
        double[] out = new double[x.length];
        VectorElementwiseF64.unary(UnaryOp.EXP, x, out, 0, x.length);
        return out;
    }

    @Test
    void withinTwoUlpOfStrictMath() {
        double[] x = sweep(), got = exp(x);
        for (int i = 0; i < x.length; i++) {
            double expected = StrictMath.exp(x[i]);
            double ulp = Math.max(Math.ulp(expected), Double.MIN_VALUE);
            if (Double.isInfinite(expected) ? got[i] != expected : !(Math.abs(got[i] - expected) <= MAX_ULPS * ulp)) {
                fail("exp(" + x[i] + ") = " + got[i] + ", expected " + expected);
            }
        }
    }

    @Test
    void specialValues() {
        double[] x = new double[32];
        double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0, -0.0, 1, 709.782712893384,
            709.79, -745.1332191019411, -745.2, Double.MIN_VALUE};
        System.arraycopy(special, 0, x, 0, special.length);
        double[] got = exp(x);
        assertEquals(Double.NaN, got[0]);
        assertEquals(Double.POSITIVE_INFINITY, got[1]);
        assertEquals(0.0, got[2]);
        assertEquals(1.0, got[3]);
        assertEquals(1.0, got[4]);
        assertEquals(Math.E, got[5], Math.ulp(Math.E));
        assertEquals(StrictMath.exp(709.782712893384), got[6], 2 * Math.ulp(StrictMath.exp(709.782712893384)));
        assertEquals(Double.POSITIVE_INFINITY, got[7]);
        assertEquals(Double.MIN_VALUE, got[8]);
        assertEquals(0.0, got[9]);
        assertEquals(1.0, got[10]);
    }

    /** Run in the child JVM: the sweep's results as raw bits on standard output. */
    public static void main(String[] args) throws IOException {
        ChildJvm.write(exp(sweep()));
    }

    @Test
    void interpretedAndCompiledGiveTheSameBits() throws IOException, InterruptedException {
        ChildJvm.assertInterpretedEqualsCompiledDoubles(VectorExpF64Test.class, () -> exp(sweep()));
    }

    @Test
    void avx2GivesTheSameBits() throws IOException, InterruptedException {
        ChildJvm.assertAvx2EqualsDoubles(VectorExpF64Test.class, exp(sweep()));
    }
}
