package dev.adjoint.rules;

import dev.adjoint.annotation.Derivative;

/**
 * Derivative rules (VJPs) of the scalar primitives differentiable code may call on {@code double}
 * and {@code float}: the {@link Math} functions. Each rule takes the primitive's arguments,
 * optionally its output, and the output adjoint {@code dy}, and returns one argument's adjoint.
 * The processor finds them through {@link Derivative}, the same mechanism user-supplied
 * derivatives use, and generated code calls them by name.
 *
 * <p>Grouped as in JAX's {@code lax.py}: linear, uses-output, nonlinear, piecewise, zero-gradient.
 */
public final class ScalarRules {

    private ScalarRules() {
    }

    // ---- linear ----

    @Derivative(target = Math.class, of = "toRadians")
    public static double toRadians(double x, double dy) {
        return dy * (Math.PI / 180.0);
    }

    @Derivative(target = Math.class, of = "toDegrees")
    public static double toDegrees(double x, double dy) {
        return dy * (180.0 / Math.PI);
    }

    // ---- uses output: y = f(x) gives f'(x) cheaply ----

    @Derivative(target = Math.class, of = "exp")
    public static double exp(double x, double y, double dy) {
        return dy * y;
    }

    @Derivative(target = Math.class, of = "expm1")
    public static double expm1(double x, double y, double dy) {
        return dy * (y + 1.0);
    }

    @Derivative(target = Math.class, of = "sqrt")
    public static double sqrt(double x, double y, double dy) {
        return dy * 0.5 / y;
    }

    @Derivative(target = Math.class, of = "cbrt")
    public static double cbrt(double x, double y, double dy) {
        return dy / (3.0 * y * y);
    }

    @Derivative(target = Math.class, of = "tanh")
    public static double tanh(double x, double y, double dy) {
        return dy * (1.0 - y * y);
    }

    // ---- nonlinear ----

    @Derivative(target = Math.class, of = "log")
    public static double log(double x, double dy) {
        return dy / x;
    }

    @Derivative(target = Math.class, of = "log10")
    public static double log10(double x, double dy) {
        return dy / (x * Math.log(10.0));
    }

    @Derivative(target = Math.class, of = "log1p")
    public static double log1p(double x, double dy) {
        return dy / (1.0 + x);
    }

    @Derivative(target = Math.class, of = "sin")
    public static double sin(double x, double dy) {
        return dy * Math.cos(x);
    }

    @Derivative(target = Math.class, of = "cos")
    public static double cos(double x, double dy) {
        return -dy * Math.sin(x);
    }

    @Derivative(target = Math.class, of = "tan")
    public static double tan(double x, double dy) {
        double cos = Math.cos(x);
        return dy / (cos * cos);
    }

    @Derivative(target = Math.class, of = "asin")
    public static double asin(double x, double dy) {
        return dy / Math.sqrt(1.0 - x * x);
    }

    @Derivative(target = Math.class, of = "acos")
    public static double acos(double x, double dy) {
        return -dy / Math.sqrt(1.0 - x * x);
    }

    @Derivative(target = Math.class, of = "atan")
    public static double atan(double x, double dy) {
        return dy / (1.0 + x * x);
    }

    @Derivative(target = Math.class, of = "sinh")
    public static double sinh(double x, double dy) {
        return dy * Math.cosh(x);
    }

    @Derivative(target = Math.class, of = "cosh")
    public static double cosh(double x, double dy) {
        return dy * Math.sinh(x);
    }

    /** d/dx x^y = y x^(y-1); written so that x = 0 with y = 1 or 2 stays finite. */
    @Derivative(target = Math.class, of = "pow", argument = 0)
    public static double powBase(double x, double y, double dy) {
        return y == 0.0 ? 0.0 : dy * y * Math.pow(x, y - 1.0);
    }

    /** d/dy x^y = x^y ln x; taken as 0 at x = 0 (the limit from the right for y &gt; 0). */
    @Derivative(target = Math.class, of = "pow", argument = 1)
    public static double powExponent(double x, double y, double out, double dy) {
        return x == 0.0 ? 0.0 : dy * out * Math.log(x);
    }

    @Derivative(target = Math.class, of = "hypot", argument = 0)
    public static double hypotX(double x, double y, double out, double dy) {
        return out == 0.0 ? 0.0 : dy * x / out;
    }

    @Derivative(target = Math.class, of = "hypot", argument = 1)
    public static double hypotY(double x, double y, double out, double dy) {
        return out == 0.0 ? 0.0 : dy * y / out;
    }

    @Derivative(target = Math.class, of = "atan2", argument = 0)
    public static double atan2Y(double y, double x, double dy) {
        return dy * x / (x * x + y * y);
    }

    @Derivative(target = Math.class, of = "atan2", argument = 1)
    public static double atan2X(double y, double x, double dy) {
        return -dy * y / (x * x + y * y);
    }

    // ---- piecewise: the gradient follows the branch the value took ----

    /** Sub-gradient 0 at 0, as {@code Math.signum} gives. */
    @Derivative(target = Math.class, of = "abs")
    public static double abs(double x, double dy) {
        return dy * Math.signum(x);
    }

    public static float abs(float x, float dy) {
        return dy * Math.signum(x);
    }

    /**
     * On a tie each argument gets half of {@code dy}, as for {@code Tensor.maximum} and the max
     * reductions (and JAX, PyTorch): the total stays {@code dy} and {@code max(x, y) + 2 min(x, y)} at
     * {@code x == y} gets (3/2, 3/2), a true subgradient. A NaN argument gets 0, as in JAX.
     */
    @Derivative(target = Math.class, of = "max", argument = 0)
    public static double maxFirst(double a, double b, double dy) {
        return dy * share(a > b, a == b);
    }

    public static float maxFirst(float a, float b, float dy) {
        return dy * (float) share(a > b, a == b);
    }

    @Derivative(target = Math.class, of = "max", argument = 1)
    public static double maxSecond(double a, double b, double dy) {
        return dy * share(b > a, a == b);
    }

    public static float maxSecond(float a, float b, float dy) {
        return dy * (float) share(b > a, a == b);
    }

    @Derivative(target = Math.class, of = "min", argument = 0)
    public static double minFirst(double a, double b, double dy) {
        return dy * share(a < b, a == b);
    }

    public static float minFirst(float a, float b, float dy) {
        return dy * (float) share(a < b, a == b);
    }

    @Derivative(target = Math.class, of = "min", argument = 1)
    public static double minSecond(double a, double b, double dy) {
        return dy * share(b < a, a == b);
    }

    public static float minSecond(float a, float b, float dy) {
        return dy * (float) share(b < a, a == b);
    }

    private static double share(boolean wins, boolean ties) {
        return wins ? 1.0 : ties ? 0.5 : 0.0;
    }

    // ---- zero gradient: piecewise constant ----

    @Derivative(target = Math.class, of = "floor")
    public static double floor(double x, double dy) {
        return 0.0;
    }

    @Derivative(target = Math.class, of = "ceil")
    public static double ceil(double x, double dy) {
        return 0.0;
    }

    @Derivative(target = Math.class, of = "rint")
    public static double rint(double x, double dy) {
        return 0.0;
    }

    @Derivative(target = Math.class, of = "signum")
    public static double signum(double x, double dy) {
        return 0.0;
    }

    public static float signum(float x, float dy) {
        return 0f;
    }
}
