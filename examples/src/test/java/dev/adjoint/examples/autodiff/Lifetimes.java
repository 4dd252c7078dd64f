package dev.adjoint.examples.autodiff;

import dev.adjoint.Tensor;
import dev.adjoint.annotation.Derivative;
import dev.adjoint.annotation.Differentiable;
import java.util.ArrayList;
import java.util.List;

/**
 * A function whose reverse pass reports, through a user rule, which adjoints are still alive: the
 * rule of {@link #probe} records the adjoint it is handed and whether every adjoint an earlier
 * call was handed has been released by then.
 */
final class Lifetimes {
    /** The adjoints the probe's rule received, in reverse-pass order. */
    static final List<Tensor> SEEN = new ArrayList<>();
    /** For each call of the rule: whether all adjoints seen before it were already released. */
    static final List<Boolean> EARLIER_RELEASED = new ArrayList<>();

    private Lifetimes() {
    }

    /** For each call of the rule: how many twin-device storages were alive (see {@link TwinBackend#liveStorages}). */
    static final List<Long> LIVE_STORAGES = new ArrayList<>();

    static void reset() {
        SEEN.clear();
        EARLIER_RELEASED.clear();
        LIVE_STORAGES.clear();
    }

    /** {@code 3 x}, a primitive with a user rule. */
    static Tensor probe(Tensor x) {
        return x.mul(3.0);
    }

    @Derivative(of = "probe")
    static Tensor probeGrad(Tensor x, Tensor g) {
        EARLIER_RELEASED.add(SEEN.stream().allMatch(Tensor::isReleased));
        LIVE_STORAGES.add(TwinBackend.liveStorages());
        SEEN.add(g);
        return g.mul(3.0);
    }

    /** {@code sum(3 tanh(3 exp(x)))}: the probe runs twice, so its rule sees two adjoints one after the other. */
    @Differentiable
    static Tensor chain(Tensor x) {
        Tensor inner = probe(x.exp());
        Tensor outer = probe(inner.tanh());
        return outer.sum();
    }

    /** The same, but the result itself is the probe's output, so the caller's seed is the adjoint it sees. */
    @Differentiable
    static Tensor direct(Tensor x) {
        return probe(x.exp());
    }

    /**
     * Four steps of a chain after the probe, whose rule therefore runs last in the reverse pass: what
     * is alive then is what the pass failed to release along the way.
     */
    @Differentiable
    static Tensor shallow(Tensor x) {
        Tensor h = probe(x);
        Tensor a1 = h.tanh();
        Tensor a2 = a1.mul(0.5);
        Tensor a3 = a2.exp();
        Tensor a4 = a3.add(h);
        return a4.sum();
    }

    /** The same chain twice as long: with every temporary released after its last use, no more is alive at the end. */
    @Differentiable
    static Tensor deep(Tensor x) {
        Tensor h = probe(x);
        Tensor a1 = h.tanh();
        Tensor a2 = a1.mul(0.5);
        Tensor a3 = a2.exp();
        Tensor a4 = a3.add(h);
        Tensor a5 = a4.tanh();
        Tensor a6 = a5.mul(0.5);
        Tensor a7 = a6.exp();
        Tensor a8 = a7.add(h);
        return a8.sum();
    }
}
