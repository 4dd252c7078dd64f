package dev.adjoint.examples.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Tensor;
import dev.adjoint.TensorScope;
import dev.adjoint.core.DType;
import dev.adjoint.grad.GradCheck;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Generated reverse passes release each adjoint right after its last use, not when the call ends
 * (issue 7, item 5), and never release what the caller handed in or gets back.
 */
class LifetimesTest {
    private final SplittableRandom random = new SplittableRandom(5);

    @BeforeEach
    void reset() {
        Lifetimes.reset();
    }

    @Test
    void anAdjointIsReleasedOnceItHasFlowedBack() {
        Tensor x = Tensor.randomNormal(random, 0, 0.5, 3, 4).cast(DType.FLOAT64);
        LifetimesGrad.chainGradients(x);
        // The outer probe's adjoint is consumed before the inner probe's rule runs.
        assertEquals(List.of(true, true), Lifetimes.EARLIER_RELEASED);
        assertEquals(2, Lifetimes.SEEN.size());
    }

    @Test
    void gradientsStayCorrect() {
        Tensor x = Tensor.randomNormal(random, 0, 0.5, 3, 4).cast(DType.FLOAT64);
        GradCheck.check(Lifetimes::chain, t -> LifetimesGrad.chainGradients(t).x(), x, 1e-6);
        GradCheck.check(t -> Lifetimes.direct(t).sum(), t -> LifetimesGrad.directGradients(t).x(), x, 1e-6);
    }

    @Test
    void theCallersSeedAndTheReturnedGradientStayAlive() {
        Tensor x = Tensor.randomNormal(random, 0, 0.5, 2, 3).cast(DType.FLOAT64);
        Tensor dy = Tensor.randomNormal(random, 0, 1, 2, 3).cast(DType.FLOAT64);
        var result = LifetimesGrad.directValueAndGradients(x, dy);
        // The rule saw a handle of the reverse pass's own, released after use; the caller's dy is untouched.
        assertEquals(1, Lifetimes.SEEN.size());
        assertNotSame(dy, Lifetimes.SEEN.getFirst());
        assertFalse(dy.isReleased());
        assertFalse(result.value().isReleased());
        assertFalse(result.gradients().x().isReleased());
        // d(3 exp(x))/dx . dy, from a plain loop.
        double[] xs = x.toDoubleArray();
        double[] seeds = dy.toDoubleArray();
        double[] expected = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            expected[i] = 3 * Math.exp(xs[i]) * seeds[i];
        }
        assertArrayEquals(expected, result.gradients().x().toDoubleArray(), 1e-12);
        assertArrayEquals(seeds, dy.toDoubleArray(), 0.0);
    }

    @Test
    void whatIsAliveAtTheEndOfTheReversePassDoesNotGrowWithTheChain() {
        Tensor x = Tensor.randomNormal(random, 0, 0.5, 3, 4).cast(DType.FLOAT64).to(TwinBackend.TWIN);
        long initially = TwinBackend.liveStorages();
        long shallow;
        long deep;
        // Each call in a scope of the caller's, which takes what the call returns.
        try (TensorScope _ = TensorScope.open()) {
            LifetimesGrad.shallowGradients(x);
            shallow = Lifetimes.LIVE_STORAGES.get(0) - initially;
        }
        try (TensorScope _ = TensorScope.open()) {
            LifetimesGrad.deepGradients(x);
            deep = Lifetimes.LIVE_STORAGES.get(1) - initially;
        }
        // Left to the call's scope, each extra step would add its value, its adjoint and its rules' temporaries.
        assertEquals(shallow, deep, "live twin storages when the reverse pass ends: shallow " + shallow + ", deep " + deep);
        // The probe's output and adjoint, the seed of ones and the function's value.
        assertTrue(deep <= 4, "live twin storages at the end of the reverse pass: " + deep);
        assertEquals(initially, TwinBackend.liveStorages(), "nothing outlives the caller's scopes");
    }

    @Test
    void deepChainGradientsOnTheTwinMatchFiniteDifferences() {
        Tensor x = Tensor.randomNormal(random, 0, 0.5, 3, 4).cast(DType.FLOAT64);
        GradCheck.check(Lifetimes::deep, t -> LifetimesGrad.deepGradients(t).x(), x, 1e-6);
        Tensor onTwin = LifetimesGrad.deepGradients(x.to(TwinBackend.TWIN)).x();
        assertArrayEquals(LifetimesGrad.deepGradients(x).x().toDoubleArray(), onTwin.toDoubleArray(), 0.0);
    }
}
