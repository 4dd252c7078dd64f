package dev.adjoint.examples.autodiff;

import dev.adjoint.annotation.Differentiable;

/**
 * One differentiable method per {@link Math} primitive with a rule in {@code ScalarRules}, each
 * calling it alone; {@link RuleGradientsTest} checks them against central differences.
 */
final class ScalarRuleCases {

    private ScalarRuleCases() {
    }

    @Differentiable static double toRadians(double x) { return Math.toRadians(x); }
    @Differentiable static float floatTie(float x, float y) { return Math.max(x, y) + 2 * Math.min(x, y); }
    @Differentiable static float floatAbs(float x) { return Math.abs(x); }
    @Differentiable static float floatSignum(float x) { return Math.signum(x) * 2f; }
    @Differentiable static double toDegrees(double x) { return Math.toDegrees(x); }
    @Differentiable static double exp(double x) { return Math.exp(x); }
    @Differentiable static double expm1(double x) { return Math.expm1(x); }
    @Differentiable static double sqrt(double x) { return Math.sqrt(x); }
    @Differentiable static double cbrt(double x) { return Math.cbrt(x); }
    @Differentiable static double tanh(double x) { return Math.tanh(x); }
    @Differentiable static double log(double x) { return Math.log(x); }
    @Differentiable static double log10(double x) { return Math.log10(x); }
    @Differentiable static double log1p(double x) { return Math.log1p(x); }
    @Differentiable static double sin(double x) { return Math.sin(x); }
    @Differentiable static double cos(double x) { return Math.cos(x); }
    @Differentiable static double tan(double x) { return Math.tan(x); }
    @Differentiable static double asin(double x) { return Math.asin(x); }
    @Differentiable static double acos(double x) { return Math.acos(x); }
    @Differentiable static double atan(double x) { return Math.atan(x); }
    @Differentiable static double sinh(double x) { return Math.sinh(x); }
    @Differentiable static double cosh(double x) { return Math.cosh(x); }
    @Differentiable static double pow(double x, double y) { return Math.pow(x, y); }
    @Differentiable static double hypot(double x, double y) { return Math.hypot(x, y); }
    @Differentiable static double atan2(double y, double x) { return Math.atan2(y, x); }
    @Differentiable static double abs(double x) { return Math.abs(x); }
    @Differentiable static double max(double a, double b) { return Math.max(a, b); }
    @Differentiable static double min(double a, double b) { return Math.min(a, b); }
    @Differentiable static double floor(double x) { return Math.floor(x); }
    @Differentiable static double ceil(double x) { return Math.ceil(x); }
    @Differentiable static double rint(double x) { return Math.rint(x); }
    @Differentiable static double signum(double x) { return Math.signum(x); }

    /** The reviewer's tie example: at {@code x == y} the gradient must be a subgradient, (3/2, 3/2). */
    @Differentiable
    static double maxPlusTwiceMin(double x, double y) {
        return Math.max(x, y) + 2 * Math.min(x, y);
    }

    /** {@code float} arguments reach the same rules, widened. */
    @Differentiable
    static float maxPlusTwiceMinFloat(float x, float y) {
        return Math.max(x, y) + 2 * Math.min(x, y);
    }
}
