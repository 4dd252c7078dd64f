package dev.adjoint.grad;

import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import java.util.List;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Checks derivatives against central finite differences in float64. Use it on your own
 * {@code @Differentiable} methods:
 *
 * <pre>{@code
 * GradCheck.check(x -> Model.loss(x[0], x[1]),
 *         x -> { var g = ModelGrad.lossGradients(x[0], x[1]); return new double[] {g.a(), g.b()}; },
 *         new double[] {0.3, -1.2});
 * }</pre>
 */
public final class GradCheck {

    /** Default relative and absolute tolerance of {@link #check}. */
    public static final double TOLERANCE = 1e-6;

    private GradCheck() {
    }

    /**
     * The gradient of {@code f} at {@code at} by central differences, with a step scaled to each
     * coordinate so large and small inputs are both resolved.
     */
    public static double[] numericGradient(ToDoubleFunction<double[]> f, double[] at) {
        Objects.requireNonNull(f, "f");
        double[] x = at.clone();
        double[] gradient = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double original = x[i];
            double step = 1e-6 * Math.max(1.0, Math.abs(original));
            x[i] = original + step;
            double plus = f.applyAsDouble(x);
            x[i] = original - step;
            double minus = f.applyAsDouble(x);
            x[i] = original;
            gradient[i] = (plus - minus) / (2 * step);
        }
        return gradient;
    }

    /** {@link #check(ToDoubleFunction, Function, double[], double)} with {@link #TOLERANCE}. */
    public static double check(ToDoubleFunction<double[]> f, Function<double[], double[]> gradient, double[] at) {
        return check(f, gradient, at, TOLERANCE);
    }

    /**
     * Compares {@code gradient(at)} with {@link #numericGradient}.
     *
     * @return the largest error, relative to {@code max(1, |numeric|)}
     * @throws AssertionError naming the first coordinate whose error exceeds {@code tolerance}
     */
    public static double check(ToDoubleFunction<double[]> f, Function<double[], double[]> gradient, double[] at,
            double tolerance) {
        double[] analytic = gradient.apply(at.clone());
        double[] numeric = numericGradient(f, at);
        if (analytic.length != numeric.length) {
            throw new AssertionError("gradient has " + analytic.length + " entries for " + numeric.length + " inputs");
        }
        double worst = 0;
        for (int i = 0; i < numeric.length; i++) {
            double error = Math.abs(analytic[i] - numeric[i]) / Math.max(1.0, Math.abs(numeric[i]));
            if (!(error <= tolerance)) {
                throw new AssertionError("d/dx[" + i + "] at " + java.util.Arrays.toString(at) + ": analytic "
                        + analytic[i] + ", numeric " + numeric[i] + " (error " + error + " > " + tolerance + ")");
            }
            worst = Math.max(worst, error);
        }
        return worst;
    }

    /**
     * Checks the gradient of a tensor function seeded with ones (the gradient of
     * {@code sum(f(x))}) against central differences, element by element in float64.
     *
     * @return the largest error, relative to {@code max(1, |numeric|)}
     * @throws AssertionError naming the first element whose error exceeds {@code tolerance}
     */
    public static double check(Function<Tensor, Tensor> f, Function<Tensor, Tensor> gradient, Tensor at,
            double tolerance) {
        Shape shape = at.shape();
        double[] analytic = gradient.apply(at).toDoubleArray();
        if (analytic.length != at.size()) {
            throw new AssertionError("gradient has " + analytic.length + " elements for an input of shape " + shape);
        }
        return check(values -> f.apply(Tensor.of(values, shape)).sum().item(), values -> analytic,
                at.toDoubleArray(), tolerance);
    }

    /**
     * Checks implicit gradients — the (gradient, variable) pairs of {@code fImplicitGradients} —
     * against central differences of {@code f}, which recomputes the function from the variables'
     * current values. Each variable is perturbed element by element and restored afterwards; use
     * float64 tensor variables, whose differences are accurate.
     *
     * @return the largest error, relative to {@code max(1, |numeric|)}
     * @throws AssertionError naming the variable and element whose error exceeds {@code tolerance}
     */
    public static double checkVariables(DoubleSupplier f, List<GradientAndVariable> gradients, double tolerance) {
        double worst = 0;
        for (GradientAndVariable pair : gradients) {
            Variable variable = pair.variable();
            String name = "Variable '" + variable.name() + "'";
            if (!variable.isTensor()) {
                double original = variable.get();
                worst = Math.max(worst, check(values -> {
                    variable.assign(values[0]);
                    return f.getAsDouble();
                }, values -> new double[] {pair.gradient()}, new double[] {original}, tolerance, name));
                variable.assign(original);
                continue;
            }
            // A copy: assign releases the tensor it replaces.
            Tensor original = variable.value().copy();
            Shape shape = original.shape();
            double[] analytic = pair.tensorGradient().toDoubleArray();
            if (analytic.length != original.size()) {
                throw new AssertionError(name + " has a gradient of shape " + pair.tensorGradient().shape()
                        + " for a value of shape " + shape);
            }
            try {
                worst = Math.max(worst, check(values -> {
                    variable.assign(Tensor.of(values, shape).cast(original.dtype()));
                    return f.getAsDouble();
                }, values -> analytic, original.toDoubleArray(), tolerance, name));
            } finally {
                variable.assign(original);
            }
        }
        return worst;
    }

    private static double check(ToDoubleFunction<double[]> f, Function<double[], double[]> gradient, double[] at,
            double tolerance, String what) {
        try {
            return check(f, gradient, at, tolerance);
        } catch (AssertionError e) {
            throw new AssertionError(what + ": " + e.getMessage(), e);
        }
    }
}
