package dev.adjoint.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.op.UnaryOp;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The float64 {@code sin} and {@code cos} of {@link VectorTrigF64}: within 1 ulp of {@code StrictMath} (fdlibm, whose
 * reduction is exact) up to the reduction limit and equal to it beyond, on a sweep, on small arguments, and on the
 * doubles next to multiples of pi/2 (where the reduced argument is smallest); exact special values; in place; and the
 * same bits interpreted ({@code -Xint}), compiled and with 256-bit vectors, which the JDK's {@code lanewise(SIN)} does
 * not give.
 */
class VectorTrigF64Test {
    private static final int MAX_ULPS = 1;

    private static double[] arguments() {
        int sweep = 200_000, small = 100_000, multiples = 20_000, around = 9, beyond = 16;
        double[] x = new double[sweep + small + multiples * around + beyond];
        int n = 0;
        double limit = VectorTrigF64.REDUCTION_LIMIT;
        for (int i = 0; i < sweep; i++) {
            x[n++] = -limit + 2 * limit * i / (sweep - 1);
        }
        SplittableRandom random = new SplittableRandom(20261203);
        for (int i = 0; i < small; i++) {
            // |x| from 1e-300 to about 40, evenly in the exponent.
            x[n++] = (i % 2 == 0 ? 1 : -1) * Math.pow(2, random.nextDouble(-997, 5.3));
        }
        for (int j = 0; j < multiples; j++) {
            // k pi/2 for k spread up to the limit, and the doubles around it.
            long k = j < multiples / 2 ? j : (long) (limit / (Math.PI / 2) * random.nextDouble());
            double centre = k * (Math.PI / 2);
            double f = centre;
            for (int step = 0; step < around / 2; step++) {
                f = Math.nextDown(f);
            }
            for (int step = 0; step < around; step++) {
                x[n++] = j % 2 == 0 ? f : -f;
                f = Math.nextUp(f);
            }
        }
        double[] far = {limit * 1.0000001, -limit * 1.5, 1e7, -1e9, 1e22, 1e300, -Double.MAX_VALUE, 2.5e6, 3e15,
            -4.2e8, 123456789.0, 1e18, 7e10, -9e12, 6e6, 1e100};
        System.arraycopy(far, 0, x, n, beyond);
        return x;
    }

    private static double[] apply(UnaryOp op, double[] x) {
        double[] out = new double[x.length];
        VectorElementwiseF64.unary(op, x, out, 0, x.length);
        return out;
    }

    private static void assertWithinUlps(String name, DoubleUnaryOperator reference, double[] x, double[] got) {
        for (int i = 0; i < x.length; i++) {
            double expected = reference.applyAsDouble(x[i]);
            double ulp = Math.max(Math.ulp(expected), Double.MIN_VALUE);
            if (!(Math.abs(got[i] - expected) <= MAX_ULPS * ulp)) {
                fail(name + "(" + x[i] + ") = " + got[i] + ", expected " + expected);
            }
        }
    }

    @Test
    void sinWithinOneUlpOfStrictMath() {
        double[] x = arguments();
        assertWithinUlps("sin", StrictMath::sin, x, apply(UnaryOp.SIN, x));
    }

    @Test
    void cosWithinOneUlpOfStrictMath() {
        double[] x = arguments();
        assertWithinUlps("cos", StrictMath::cos, x, apply(UnaryOp.COS, x));
    }

    @Test
    void specialValues() {
        double[] x = new double[32];
        double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0, -0.0, Double.MIN_VALUE,
            -Double.MIN_VALUE};
        System.arraycopy(special, 0, x, 0, special.length);
        double[] sin = apply(UnaryOp.SIN, x), cos = apply(UnaryOp.COS, x);
        for (int i = 0; i < 3; i++) {
            assertEquals(Double.NaN, sin[i], "sin(" + x[i] + ")");
            assertEquals(Double.NaN, cos[i], "cos(" + x[i] + ")");
        }
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(sin[3]), "sin(0)");
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(sin[4]), "sin(-0)");
        assertEquals(Double.MIN_VALUE, sin[5]);
        assertEquals(-Double.MIN_VALUE, sin[6]);
        for (int i = 3; i < 7; i++) {
            assertEquals(1.0, cos[i], "cos(" + x[i] + ")");
        }
    }

    /** In place (as a fused chain runs), the lanes past the reduction limit still take their own argument. */
    @Test
    void inPlaceBeyondTheReductionLimit() {
        double[] x = new double[37];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 3 == 0 ? 1e7 + 997 * i : 0.25 * i;
        }
        for (UnaryOp op : new UnaryOp[] {UnaryOp.SIN, UnaryOp.COS}) {
            double[] inPlace = x.clone();
            VectorElementwiseF64.unary(op, inPlace, inPlace, 0, inPlace.length);
            assertArrayEquals(apply(op, x), inPlace, op + " in place");
        }
        assertEquals(StrictMath.sin(1e7), apply(UnaryOp.SIN, x)[0], "sin(1e7)");
    }

    /** sin and cos of every 4th argument. */
    private static double[] results() {
        double[] all = arguments();
        double[] x = new double[all.length / 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = all[4 * i + i % 4];
        }
        double[] both = new double[2 * x.length];
        System.arraycopy(apply(UnaryOp.SIN, x), 0, both, 0, x.length);
        System.arraycopy(apply(UnaryOp.COS, x), 0, both, x.length, x.length);
        return both;
    }

    /** Run in the child JVM: the results as raw bits on standard output. */
    public static void main(String[] args) throws IOException {
        ChildJvm.write(results());
    }

    @Test
    void interpretedAndCompiledGiveTheSameBits() throws IOException, InterruptedException {
        ChildJvm.assertInterpretedEqualsCompiledDoubles(VectorTrigF64Test.class, VectorTrigF64Test::results);
    }

    @Test
    void avx2GivesTheSameBits() throws IOException, InterruptedException {
        ChildJvm.assertAvx2EqualsDoubles(VectorTrigF64Test.class, results());
    }
}
