package dev.adjoint.benchmarks.ad;

import dev.adjoint.annotation.Differentiable;

/**
 * A chain of 20 nested differentiable helpers, {@code c0 -> c1 -> ... -> c20}: the gradient must
 * cost a small constant times the plain call, so no level may run its callees' forward passes again.
 */
public final class Chain {

    private Chain() {
    }

    @Differentiable
    public static double c0(double x) {
        return Math.sin(c1(x)) + 0.5 * x;
    }

    @Differentiable
    public static double c1(double x) {
        return Math.sin(c2(x)) + 0.5 * x;
    }

    @Differentiable
    public static double c2(double x) {
        return Math.sin(c3(x)) + 0.5 * x;
    }

    @Differentiable
    public static double c3(double x) {
        return Math.sin(c4(x)) + 0.5 * x;
    }

    @Differentiable
    public static double c4(double x) {
        return Math.sin(c5(x)) + 0.5 * x;
    }

    @Differentiable
    public static double c5(double x) {
        return Math.sin(c6(x)) + 0.5 * x;
    }

    @Differentiable
    public static double c6(double x) {
        return Math.sin(c7(x)) + 0.5 * x;
    }

    @Differentiable
    public static double c7(double x) {
        return Math.sin(c8(x)) + 0.5 * x;
    }

    @Differentiable
    public static double c8(double x) {
        return Math.sin(c9(x)) + 0.5 * x;
    }

    @Differentiable
    public static double c9(double x) {
        return Math.sin(c10(x)) + 0.5 * x;
    }

    @Differentiable
    public static double c10(double x) {
        return Math.sin(c11(x)) + 0.5 * x;
    }

    @Differentiable
    public static double c11(double x) {
        return Math.sin(c12(x)) + 0.5 * x;
    }

    @Differentiable
    public static double c12(double x) {
        return Math.sin(c13(x)) + 0.5 * x;
    }

    @Differentiable
    public static double c13(double x) {
        return Math.sin(c14(x)) + 0.5 * x;
    }

    @Differentiable
    public static double c14(double x) {
        return Math.sin(c15(x)) + 0.5 * x;
    }

    @Differentiable
    public static double c15(double x) {
        return Math.sin(c16(x)) + 0.5 * x;
    }

    @Differentiable
    public static double c16(double x) {
        return Math.sin(c17(x)) + 0.5 * x;
    }

    @Differentiable
    public static double c17(double x) {
        return Math.sin(c18(x)) + 0.5 * x;
    }

    @Differentiable
    public static double c18(double x) {
        return Math.sin(c19(x)) + 0.5 * x;
    }

    @Differentiable
    public static double c19(double x) {
        return Math.sin(c20(x)) + 0.5 * x;
    }

    @Differentiable
    public static double c20(double x) {
        return x * x;
    }
}
