package dev.adjoint.examples.autodiff;

import dev.adjoint.annotation.Differentiable;
import dev.adjoint.annotation.NonDifferentiable;

/** Differentiable methods that exercise every control-flow form the processor accepts. */
final class ControlFlow {

    private ControlFlow() {
    }

    @Differentiable
    static double cube(double x) {
        double y = 1.0;
        for (int i = 0; i < 3; i++) {
            y = y * x;
        }
        return y;
    }

    /** x^(n*m) through two nested loops. */
    @Differentiable
    static double nested(double x, int n, int m) {
        double y = 1;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                y *= x;
            }
        }
        return y;
    }

    /** Multiplies by x until the value passes the limit: the trip count depends on x. */
    @Differentiable
    static double untilAbove(double x, @NonDifferentiable double limit) {
        double y = x;
        while (y < limit) {
            y = y * x;
        }
        return y;
    }

    /** A value computed before the loop and used after it (the classic silently-zero gradient). */
    @Differentiable
    static double beforeAndAfter(double x, int n) {
        double a = x * x;
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += x;
        }
        return a * s;
    }

    @Differentiable
    static double branchInLoop(double x, double y) {
        double z = y;
        for (int i = 0; i < 5; i++) {
            if (i % 2 == 0) {
                z = z * x;
            } else {
                z = z + Math.sin(x);
            }
        }
        return z;
    }

    /** Data-dependent branch inside a loop: the condition reads the value the branch changes. */
    @Differentiable
    static double dataBranchInLoop(double x) {
        double z = x;
        for (int i = 0; i < 6; i++) {
            if (z > 1) {
                z = z * 0.5;
            } else {
                z = z * z + x;
            }
        }
        return z;
    }

    @Differentiable
    static double breakAndContinue(double x, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            if (i == 1) {
                continue;
            }
            s = s + x * i;
            if (s > 10 * x) {
                break;
            }
            s = s * 1.5;
        }
        return s;
    }

    @Differentiable
    static double earlyReturnInLoop(double x) {
        double y = x;
        for (int i = 0; i < 100; i++) {
            y = y * 1.1;
            if (y > 3) {
                return y * x;
            }
        }
        return -y;
    }

    @Differentiable
    static double doWhile(double x) {
        double y = x;
        int k = 0;
        do {
            y = Math.sin(y) + x;
            k++;
        } while (k < 4);
        return y;
    }

    @Differentiable
    static double weightedSum(double x, double[] weights) {
        double s = 0;
        for (double w : weights) {
            s += w * x * x;
        }
        return s;
    }

    @Differentiable
    static double compound(double x, double y) {
        var z = x;
        z += y;
        z -= 2 * x;
        z *= y;
        z /= x;
        z = -z;
        return z + Helpers.square(x) * Math.PI / Math.E;
    }

    @Differentiable
    static float singlePrecision(float x, float y) {
        float z = x * y + 2f;
        z = z * z;
        return z / (float) Math.exp(x);
    }

    @Differentiable
    static double mixed(float x, double y) {
        double z = x * y;
        return z * x;
    }

    @Differentiable
    static double callsOtherClass(double x, double y) {
        double a = Helpers.square(x);
        return Helpers.hypot3(a, y, 1.0) * x;
    }

    @Differentiable
    static double mathZoo(double x, double y) {
        double a = Math.sin(x) * Math.exp(y) + Math.pow(x, y) + Math.hypot(x, y);
        double b = Math.tanh(x) / Math.sqrt(y) + Math.max(x, y) - Math.min(x, 2 * y);
        double c = Math.atan2(y, x) + Math.log(y) + Math.cbrt(x) + Math.abs(x - y) + Math.cos(x * y);
        return a + b * c + Math.log1p(y) + Math.expm1(x) + Math.atan(x) + Math.sinh(y) / Math.cosh(x);
    }
}
