package dev.adjoint.examples.autodiff;

import dev.adjoint.annotation.Differentiable;
import dev.adjoint.annotation.NonDifferentiable;
import java.util.SplittableRandom;

/** User code with side effects, which must run exactly once per gradient call (issue 6, item 4). */
final class SideEffects {

    static int calls;
    final SplittableRandom random;

    SideEffects(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Dropout on a scalar: keep and double, or drop, by a fresh random draw. */
    @Differentiable
    double dropout(double x) {
        return random.nextDouble() < 0.5 ? 0.0 : 2.0 * x;
    }

    @Differentiable
    static double counted(double x) {
        calls++;
        return calls * x;
    }

    @Differentiable
    double both(double x) {
        return dropout(x) + counted(x);
    }

    static void bump(double[] c) {
        c[0] += 1;
    }

    /** A data array changed by a plain call between two reads. */
    @Differentiable
    static double readChangeRead(double x, @NonDifferentiable double[] c) {
        double a = c[0] * x * x;
        bump(c);
        return a + c[0] * x;
    }

    /** Math.random() inside a loop: each iteration's draw is the one its gradient uses. */
    @Differentiable
    static double noisySum(double x, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double u = Math.random();
            s += u * x * x;
        }
        return s;
    }

    /** A counter read in a branch condition and in the value, changed between. */
    @Differentiable
    double branchOnCounter(double x) {
        double y = counted(x);
        if (calls % 2 == 0) {
            y = y * x;
        }
        calls += 10;
        return y + calls;
    }
}
