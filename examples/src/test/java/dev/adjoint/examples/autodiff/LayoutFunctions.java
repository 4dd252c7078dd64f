package dev.adjoint.examples.autodiff;

import dev.adjoint.core.Slice;
import dev.adjoint.Tensor;
import dev.adjoint.annotation.Differentiable;
import dev.adjoint.annotation.NonDifferentiable;

/**
 * One differentiable method per layout op. Each output is weighted by a fixed random {@code w}:
 * seeded with ones alone, a wrong permutation or slice position would go unnoticed.
 */
final class LayoutFunctions {

    private LayoutFunctions() {
    }

    @Differentiable
    static Tensor permute(Tensor x, @NonDifferentiable Tensor w) {
        return x.permute(2, 0, 1).mul(w);
    }

    @Differentiable
    static Tensor permuteNegativeAxes(Tensor x, @NonDifferentiable Tensor w) {
        return x.permute(-1, 0, -2).mul(w);
    }

    @Differentiable
    static Tensor permuteArray(Tensor x, @NonDifferentiable Tensor w) {
        int[] axes = new int[] {1, 2, 0};
        return x.permute(axes).mul(w);
    }

    @Differentiable
    static Tensor transposeAll(Tensor x, @NonDifferentiable Tensor w) {
        return x.transpose().mul(w);
    }

    @Differentiable
    static Tensor swapAxes(Tensor x, @NonDifferentiable Tensor w) {
        return x.transpose(0, -1).mul(w);
    }

    @Differentiable
    static Tensor concat(Tensor a, Tensor b, @NonDifferentiable Tensor w) {
        return Tensor.concat(1, a, b.square()).mul(w);
    }

    @Differentiable
    static Tensor concatThree(Tensor a, Tensor b, @NonDifferentiable Tensor w) {
        return Tensor.concat(-1, a, b, a.mul(b)).mul(w);
    }

    @Differentiable
    static Tensor stack(Tensor a, Tensor b, @NonDifferentiable Tensor w) {
        return Tensor.stack(1, a, b.square()).mul(w);
    }

    @Differentiable
    static Tensor stackOne(Tensor a, @NonDifferentiable Tensor w) {
        return Tensor.stack(-1, a).mul(w);
    }

    @Differentiable
    static Tensor indexWithSteps(Tensor x, @NonDifferentiable Tensor w) {
        return x.index(Slice.all(), Slice.range(1, 6, 2)).mul(w);
    }

    @Differentiable
    static Tensor indexReversed(Tensor x, @NonDifferentiable Tensor w) {
        return x.index(Slice.every(-1), Slice.range(-1, -6, -2)).mul(w);
    }

    @Differentiable
    static Tensor indexAtAndRange(Tensor x, @NonDifferentiable Tensor w) {
        return x.index(Slice.at(-1), Slice.from(2)).mul(w);
    }

    @Differentiable
    static Tensor getTwo(Tensor x, @NonDifferentiable Tensor w) {
        return x.get(1, -2).mul(w);
    }

    @Differentiable
    static Tensor getAll(Tensor x, @NonDifferentiable Tensor w) {
        return x.get(0, 2, 1).mul(w);
    }

    @Differentiable
    static Tensor gather(Tensor x, @NonDifferentiable Tensor indices, @NonDifferentiable Tensor w) {
        return x.gather(indices, 1).mul(w);
    }

    @Differentiable
    static Tensor matmul(Tensor a, Tensor b, @NonDifferentiable Tensor w) {
        return a.matmul(b).mul(w);
    }
}
