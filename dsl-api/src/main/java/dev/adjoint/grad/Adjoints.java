package dev.adjoint.grad;

import dev.adjoint.Tensor;
import dev.adjoint.TensorScope;

/**
 * Accumulation of tensor adjoints for generated code. A {@code null} adjoint means zero, so a
 * tensor nothing flows into costs no allocation.
 */
public final class Adjoints {

    private Adjoints() {
    }

    /**
     * {@code sum + contribution}, where a {@code null} sum or contribution is zero. The result is a
     * tensor of its own ({@link Tensor#share()} when nothing is added), so generated code may release
     * each adjoint once without releasing another that happens to hold the same value. {@code sum}
     * is the adjoint being accumulated, a handle only the generated code holds: when a new sum
     * replaces it, it is released.
     */
    public static Tensor add(Tensor sum, Tensor contribution) {
        if (contribution == null) {
            return sum;
        }
        if (sum == null) {
            return contribution.share();
        }
        Tensor total = sum.add(contribution);
        sum.release();
        return total;
    }

    /**
     * The reverse pass's own handle on the output adjoint {@code dy} (null stays null): the generated
     * code releases the adjoint of its result once it has flowed back, and that must not release
     * the caller's tensor.
     */
    public static Tensor own(Tensor dy) {
        return dy == null ? null : dy.share();
    }

    /**
     * Releases an adjoint the reverse pass has consumed (nothing if it is null) and returns null, so
     * generated code frees each adjoint right after its last use rather than when the call's scope
     * closes: {@code bx = Adjoints.release(bx)}. Safe because every adjoint is a handle of its own
     * (see {@link #add}); anything that must outlive the reverse pass shares it.
     */
    public static Tensor release(Tensor adjoint) {
        if (adjoint != null) {
            adjoint.release();
        }
        return null;
    }

    /**
     * Keeps every tensor among {@code gradients}' values beyond {@code scope} (see
     * {@link TensorScope#keep}): how a generated gradient function returns its gradients from the
     * scope its temporaries are released with.
     */
    public static <G extends Gradients> G keep(TensorScope scope, G gradients) {
        for (Object value : gradients.values()) {
            if (value instanceof Tensor tensor) {
                scope.keep(tensor);
            }
        }
        return gradients;
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
