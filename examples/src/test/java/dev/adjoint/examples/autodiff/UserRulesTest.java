package dev.adjoint.examples.autodiff;

import dev.adjoint.core.DType;
import dev.adjoint.Tensor;
import dev.adjoint.grad.GradCheck;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A {@code @Derivative} for a method returning {@code Tensor} is accepted and used (issue 6, item 6). */
class UserRulesTest {

    @Test
    void tensorValuedUserRules() {
        SplittableRandom random = new SplittableRandom(11);
        Tensor x = Tensor.randomNormal(random, 0, 1, 2, 3).cast(DType.FLOAT64);
        Tensor k = Tensor.randomNormal(random, 0, 0.5, 2, 3).cast(DType.FLOAT64);
        GradCheck.check(t -> UserRules.loss(t, k), t -> UserRulesGrad.lossGradients(t, k).x(), x, 1e-6);
        GradCheck.check(t -> UserRules.loss(x, t), t -> UserRulesGrad.lossGradients(x, t).k(), k, 1e-6);
    }
}
