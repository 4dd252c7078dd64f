package dev.adjoint.grad;

import dev.adjoint.Tensor;

/**
 * Accumulation of tensor adjoints for generated code. A {@code null} adjoint means zero, so a
 * tensor nothing flows into costs no allocation.
 */
public final class Adjoints {

    private Adjoints() {
    }

    /** {@code sum + contribution}, where a {@code null} sum or contribution is zero. */
    public static Tensor add(Tensor sum, Tensor contribution) {
        if (contribution == null) {
            return sum;
        }
        return sum == null ? contribution : sum.add(contribution);
    }

    /** The adjoint of {@code primal}, zeros of its shape if nothing flowed into it. */
    public static Tensor orZeros(Tensor adjoint, Tensor primal) {
        return adjoint != null ? adjoint : Tensor.zerosLike(primal);
    }

    /** The output seed: {@code dy}, or ones like {@code output} when none was given. */
    public static Tensor seed(Tensor dy, Tensor output) {
        return dy != null ? dy : Tensor.onesLike(output);
    }
}
