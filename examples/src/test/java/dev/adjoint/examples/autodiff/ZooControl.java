package dev.adjoint.examples.autodiff;

import static dev.adjoint.Tensor.concat;
import static dev.adjoint.examples.autodiff.ZooHelpers.OFFSET;
import static dev.adjoint.examples.autodiff.ZooHelpers.cube;

import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import dev.adjoint.annotation.Differentiable;
import dev.adjoint.annotation.NonDifferentiable;
import java.util.List;

/**
 * Function zoo, round 2: control flow and Java rules — returns from nested loops inside helpers, a
 * long loop body (split into helper methods by the generator), nested ternaries over tensors, three
 * levels of loops with break and continue, float methods and float/double mixes, inline operands
 * that need parentheses, rows of rows and of expressions, throw and assert inside loops, static
 * imports of another class's helper and variable, a nested class using its outer class's static
 * variable and mutable field, a record's array component, a generic class over a number type.
 */
final class ZooControl implements ZooModel {

    static final Variable OUTER_GAIN = new Variable(0.85, "outerGain");
    /** Mutable: read once per run. */
    static double temperature = 1.5;

    final Variable damping = new Variable(0.3, "damping");
    final Variable stiffness = new Variable(4.0, "stiffness");
    final double dt = 0.05;

    @Override
    public List<Variable> variables() {
        return List.of(damping, stiffness);
    }

    /** Returns from an inner loop, from an outer loop, or after both. */
    @Differentiable
    static double searchGrid(double x, @NonDifferentiable double limit) {
        double y = x;
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j <= i; j++) {
                y = y * Math.cos(x * j) + 0.3 * i;
                if (y > limit) {
                    return y * y;
                }
            }
            if (y < -limit) {
                return -y;
            }
        }
        return y + 1;
    }

    @Differentiable
    static double earlyReturnsFromNestedLoops(double x) {
        double total = 0;
        for (int k = 1; k <= 5; k++) {
            total += k % 2 == 0 ? searchGrid(x, 0.8 * k) : 0.5 * searchGrid(-x, 0.6 * k);
        }
        return total;
    }

    /**
     * A damped oscillator integrated with RK4 and written out long-hand, stopping early once at
     * rest: a loop body long enough that the generated code is split into helper methods.
     */
    @Differentiable
    double oscillator(double position) {
        double q = position;
        double p = 0;
        double k = stiffness.get();
        double c = damping.get();
        for (int step = 0; step < 25; step++) {
            double k1q = p;
            double k1p = -k * Math.sin(q) - c * p;
            double q2 = q + 0.5 * dt * k1q;
            double p2 = p + 0.5 * dt * k1p;
            double k2q = p2;
            double k2p = -k * Math.sin(q2) - c * p2;
            double q3 = q + 0.5 * dt * k2q;
            double p3 = p + 0.5 * dt * k2p;
            double k3q = p3;
            double k3p = -k * Math.sin(q3) - c * p3;
            double q4 = q + dt * k3q;
            double p4 = p + dt * k3p;
            double k4q = p4;
            double k4p = -k * Math.sin(q4) - c * p4;
            double dq = dt / 6 * (k1q + 2 * k2q + 2 * k3q + k4q);
            double dp = dt / 6 * (k1p + 2 * k2p + 2 * k3p + k4p);
            q = q + dq;
            p = p + dp;
            double kinetic = 0.5 * p * p;
            double potential = k * (1 - Math.cos(q));
            double energy = kinetic + potential;
            if (energy < 1e-4) {
                break;
            }
            if (Math.abs(q) > 10) {
                return Double.NaN;
            }
            double friction = c * p * p * dt;
            if (friction > 1) {
                continue;
            }
            q = q - 1e-3 * friction * Math.signum(p);
        }
        return q * q + 0.1 * p + Math.exp(-0.5 * q * q);
    }

    @Differentiable
    static Tensor nestedTensorTernaries(Tensor x, @NonDifferentiable int mode) {
        double s = x.sum().item();
        Tensor y = s > 0 ? (mode > 1 ? x.exp() : x.square()) : (mode > 1 ? x.neg().tanh() : x.mul(x.abs()));
        Tensor z = mode == 0 ? y : mode == 1 ? y.add(x) : mode == 2 ? y.mul(x) : y.sub(x.square());
        return z.add(s > 0 ? z.mul(0.5) : x).sum();
    }

    @Differentiable
    static double nestedBreakContinue(double x) {
        double acc = 0;
        for (int i = 0; i < 4; i++) {
            if (i == 1) {
                continue;
            }
            for (int j = 0; j < 4; j++) {
                if (j > i) {
                    break;
                }
                int k = 0;
                while (true) {
                    k++;
                    if (k % 2 == 0) {
                        continue;
                    }
                    if (k > 3) {
                        break;
                    }
                    acc = acc + Math.sin(x * (i + 1)) * (j + k);
                }
                do {
                    acc = acc * 0.9 + x;
                    k--;
                } while (k > 2);
            }
        }
        return acc;
    }

    /** {@code c *= 1.5} narrows on purpose. */
    @Differentiable
    @SuppressWarnings("lossy-conversions")
    static float floatMath(float x, float y) {
        float a = Math.max(x, y) * Math.abs(x);
        float b = (float) Math.exp(-x * x) + Math.min(y, 0.25f);
        float c = a;
        c *= 1.5;
        c += x / 3;
        c -= y * 0.5f;
        c++;
        float d = x > 0 ? c : b;
        return d * b + (float) Math.sqrt(1 + y * y) + Math.signum(y) * x;
    }

    @Differentiable
    static double floatLocalsInDouble(double x, float f) {
        float g = f * 2;
        double h = g * x;
        float k = (float) h;
        k /= 3;
        double m = k + f / 2.0 + (float) (x * f);
        return m * Math.cos(k) + Math.pow(f, 2) * x;
    }

    @Differentiable
    static float floatFromTensor(Tensor x) {
        float half = 0.5f;
        return (float) x.square().sum().item() * half + (float) x.mean().item();
    }

    /** Integer operands that need their parentheses once inlined into generated code. */
    @Differentiable
    static double inlineOperands(double x, @NonDifferentiable int n, @NonDifferentiable int m,
            @NonDifferentiable boolean flag) {
        double y = x * (n - 1) + x / (m + 1) - x * -n;
        y = y - (n - m) * x + x * (double) n / m;
        y = y * (flag ? 1 : 2) + Math.pow(x, n - 1) + x * ~n + x * (n << 2);
        y /= n - m;
        y -= m - n;
        y *= n + 0.5;
        double f = (double) (n + 1) * y;
        return f - x * (n > m ? n - m : m - n) + -x * (n - 2) / (m - n) + x * ("ab" + n).length();
    }

    @Differentiable
    static Tensor rowsOfRows(Tensor x) {
        Tensor total = Tensor.of(0.0);
        for (Tensor row : x) {
            for (Tensor element : row) {
                total = total.add(element.mul(element).mul(row.sum()));
            }
        }
        return total;
    }

    @Differentiable
    static Tensor rowsOfAnExpression(Tensor x) {
        Tensor total = Tensor.of(0.0);
        for (Tensor column : x.transpose()) {
            total = total.add(column.exp().sum().log());
        }
        return total;
    }

    /** The loop iterates the rows of the tensor {@code y} named when it started. */
    @Differentiable
    static Tensor rowsOfAnAliasReassigned(Tensor x) {
        Tensor y = x;
        Tensor total = Tensor.of(0.0);
        for (Tensor row : y) {
            y = y.mul(2.0);
            total = total.add(row.mul(y.sum()));
        }
        return total.sum();
    }

    @Differentiable
    static double throwAndAssertInLoop(double x) {
        double h = x;
        for (int i = 0; i < 5; i++) {
            h = Math.sin(h) + x;
            if (Double.isNaN(h)) {
                throw new ArithmeticException("diverged at step " + i + ": " + h);
            }
            assert Math.abs(h) < 10 : "h = " + h;
        }
        return h;
    }

    @Differentiable
    static double throwInElse(double x) {
        if (x > 0) {
            return Math.log(x) * x;
        } else {
            throw new IllegalArgumentException("x must be positive: " + x);
        }
    }

    /** Another class's helper and variable, and Tensor.concat, through static imports. */
    @Differentiable
    static double staticImportsOfUserCode(double x, Tensor t) {
        Tensor joined = concat(0, t, t.mul(x));
        return cube(x) * OFFSET.get() + joined.square().sum().item();
    }

    @Differentiable
    static double outerHelper(double x) {
        return Math.tanh(x) * temperature;
    }

    @Differentiable
    static double halfStep(double h) {
        return h + 0.5 * Math.sin(h) + 0.3;
    }

    /** A double loop variable whose update clause calls a differentiable helper. */
    @Differentiable
    static double helperInForUpdate(double x) {
        double total = 0;
        for (double h = x; h < 3; h = halfStep(h)) {
            total += h * h;
        }
        return total;
    }

    /** A while condition and a compound assignment that call differentiable helpers. */
    @Differentiable
    static double helperInConditionAndCompound(double x) {
        double h = x;
        int steps = 0;
        while (halfStep(h) < 2.5 && steps < 10) {
            h += halfStep(h) * 0.25;
            steps++;
        }
        return h * x;
    }

    /** A nested class reading its outer class's static variable and mutable field, calling its helper. */
    static final class Inner implements ZooModel {
        final Variable weight = new Variable(-0.4, "inner.weight");

        @Override
        public List<Variable> variables() {
            return List.of(weight, OUTER_GAIN);
        }

        @Differentiable
        double apply(double x) {
            double h = outerHelper(weight.get() * x) + ZooControl.outerHelper(x);
            return h * OUTER_GAIN.get() / temperature;
        }
    }

    /** A record whose array component's accessor returns a defensive copy. */
    record Coefficients(double[] values) {
        Coefficients {
            values = values.clone();
        }

        @Override
        public double[] values() {
            return values.clone();
        }

        @Differentiable
        double at(double x) {
            double s = 0;
            for (int i = values.length - 1; i >= 0; i--) {
                s = s * x + values[i];
            }
            return s;
        }
    }

    /** A generic class over a number type. */
    static final class Weighted<N extends Number> {
        final N weight;
        final List<N> offsets;

        Weighted(N weight, List<N> offsets) {
            this.weight = weight;
            this.offsets = offsets;
        }

        @Differentiable
        double apply(double x) {
            double total = 0;
            for (N offset : offsets) {
                total += Math.sin(x + offset.doubleValue());
            }
            return total * weight.doubleValue();
        }
    }
}
