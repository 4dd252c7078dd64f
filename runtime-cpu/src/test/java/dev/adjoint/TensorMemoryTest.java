package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.core.TensorException;
import dev.adjoint.grad.Adjoints;
import dev.adjoint.grad.VariableGradients;
import dev.adjoint.optim.Adam;
import dev.adjoint.optim.Momentum;
import dev.adjoint.optim.Optimizer;
import dev.adjoint.optim.SGD;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Ownership of tensor memory: reference counts shared by the tensors of one storage, release and
 * its errors, {@link TensorScope}, variables that own their value and are updated in place, and the
 * optimizers built on that, checked against their scalar form.
 */
class TensorMemoryTest {

    private static Tensor seeded(long seed, int... dims) {
        return Tensor.randomNormal(new SplittableRandom(seed), 0, 1, dims);
    }

    @Test
    void aReleasedTensorIsAClearErrorEverywhere() {
        Tensor x = Tensor.of(new float[] {1, 2, 3});
        x.release();
        assertTrue(x.isReleased());
        TensorException add = assertThrows(TensorException.class, () -> x.add(1.0));
        assertEquals("add: the tensor of shape (3,) was released (by release() or its TensorScope closing); keep it"
                + " with TensorScope.keep, or share() it before releasing", add.getMessage());
        assertThrows(TensorException.class, x::toFloatArray);
        assertThrows(TensorException.class, x::storage);
        assertThrows(TensorException.class, x::share);
        TensorException twice = assertThrows(TensorException.class, x::release);
        assertTrue(twice.getMessage().startsWith("release: the tensor of shape (3,) was released"), twice.getMessage());
        assertEquals("Tensor(<released>, shape=(3,), dtype=float32)", x.toString());
    }

    @Test
    void tensorsSharingAStorageKeepItAliveUntilTheLastIsReleased() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6});
        Tensor matrix = x.reshape(2, 3);
        Tensor same = x.reshape(6);
        Tensor cast = x.cast(DType.FLOAT32);
        Tensor permuted = matrix.permute(0, 1);
        Tensor broadcast = x.broadcastTo(6);
        for (Tensor view : List.of(same, cast, broadcast)) {
            assertNotSame(x, view, "an op that changes nothing still returns a tensor of its own");
        }
        assertNotSame(matrix, permuted);
        assertSame(x.storage(), matrix.storage());
        assertEquals(6, x.storageReferences());
        x.release();
        assertEquals(5, matrix.storageReferences());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, matrix.toFloatArray(), "the storage outlives x");
        for (Tensor view : List.of(same, cast, permuted, broadcast)) {
            view.release();
        }
        assertEquals(1, matrix.storageReferences());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, matrix.toFloatArray());
        matrix.release();
        assertThrows(TensorException.class, matrix::toFloatArray);
    }

    @Test
    void adjointsAddNeverReturnsItsArgument() {
        Tensor g = Tensor.of(new double[] {1, 2});
        Tensor sum = Adjoints.add(null, g);
        assertNotSame(g, sum);
        g.release();
        assertArrayEquals(new double[] {1, 2}, sum.toDoubleArray());
        assertSame(sum, Adjoints.add(sum, null));
    }

    @Test
    void aScopeReleasesWhatItCreatedExceptWhatItKeeps() {
        Tensor outside = Tensor.of(new float[] {1, 2});
        Tensor kept;
        Tensor temporary;
        Tensor view;
        try (TensorScope scope = TensorScope.open()) {
            assertTrue(TensorScope.isOpen());
            temporary = outside.mul(2.0);
            view = outside.reshape(2, 1);
            kept = scope.keep(temporary.add(1.0));
            assertSame(outside, scope.keep(outside), "a tensor of no scope is returned unchanged");
            assertEquals(null, scope.keep(null));
        }
        assertFalse(TensorScope.isOpen());
        assertTrue(temporary.isReleased());
        assertTrue(view.isReleased());
        assertFalse(outside.isReleased(), "a scope releases only what was created inside it");
        assertEquals(1, outside.storageReferences(), "the released view gave its reference back");
        assertArrayEquals(new float[] {3, 5}, kept.toFloatArray());
    }

    @Test
    void keptTensorsMoveToTheEnclosingScope() {
        Tensor inner;
        Tensor outer;
        try (TensorScope _ = TensorScope.open()) {
            try (TensorScope nested = TensorScope.open()) {
                inner = nested.keep(Tensor.ones(3));
            }
            assertFalse(inner.isReleased());
            outer = Tensor.zeros(3);
        }
        assertTrue(inner.isReleased(), "kept from the inner scope, released with the outer one");
        assertTrue(outer.isReleased());
    }

    @Test
    void workRunUnscopedCreatesTensorsNoScopeReleases() {
        Tensor unscoped;
        Tensor inner;
        Tensor scoped;
        try (TensorScope _ = TensorScope.open()) {
            unscoped = TensorScope.unscoped(() -> {
                assertFalse(TensorScope.isOpen(), "the caller's scope is not current inside");
                return Tensor.ones(3);
            });
            inner = TensorScope.unscoped(() -> {
                try (TensorScope own = TensorScope.open()) {
                    return own.keep(Tensor.ones(2));
                }
            });
            assertThrows(IllegalStateException.class, () -> TensorScope.unscoped(() -> {
                throw new IllegalStateException("fails");
            }));
            assertTrue(TensorScope.isOpen(), "the caller's scope is current again, also after a throw");
            scoped = Tensor.zeros(1);
        }
        assertFalse(unscoped.isReleased());
        assertFalse(inner.isReleased(), "kept by the work's own outermost scope: no scope's");
        assertTrue(scoped.isReleased());
        assertArrayEquals(new float[] {1, 1, 1}, unscoped.toFloatArray());
    }

    @Test
    void aTensorReleasedByHandInsideAScopeIsNotReleasedTwice() {
        try (TensorScope _ = TensorScope.open()) {
            Tensor t = Tensor.ones(4);
            t.release();
        }
    }

    @Test
    void scopesCloseInnermostFirstOnTheirOwnThread() throws Exception {
        TensorScope outer = TensorScope.open();
        TensorScope inner = TensorScope.open();
        IllegalStateException early = assertThrows(IllegalStateException.class, outer::close);
        assertTrue(early.getMessage().contains("innermost first"), early.getMessage());
        Thread other = new Thread(() -> assertThrows(IllegalStateException.class, inner::close));
        other.start();
        other.join();
        inner.close();
        outer.close();
        assertFalse(TensorScope.isOpen());
        assertThrows(TensorException.class, () -> outer.keep(Tensor.ones(1)));
    }

    @Test
    void aVariableOwnsACopyThatNoScopeReleases() {
        Tensor initial = Tensor.of(new float[] {1, 2, 3});
        Variable v;
        try (TensorScope _ = TensorScope.open()) {
            Tensor inScope = initial.add(0.0);
            v = new Variable(inScope, "v");
        }
        assertArrayEquals(new float[] {1, 2, 3}, v.value().toFloatArray());
        v.assignSub(Tensor.of(new float[] {1, 1, 1}));
        assertArrayEquals(new float[] {1, 2, 3}, initial.toFloatArray(), "the caller's tensor is not updated");
    }

    @Test
    void assignSubWritesInPlaceAndAssignReleasesWhatItReplaces() {
        Variable w = new Variable(Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}}), "w");
        Tensor value = w.value();
        Tensor flat = value.reshape(6);
        w.assignSub(Tensor.of(new float[] {1, 1, 1}));
        assertSame(value, w.value(), "an optimizer step keeps the variable's tensor");
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, flat.toFloatArray(), "a view sees the update, as in PyTorch");
        w.assignSub(Tensor.of(0.5));
        assertArrayEquals(new float[] {-0.5f, 0.5f, 1.5f, 2.5f, 3.5f, 4.5f}, value.toFloatArray());
        // float64 delta: computed in float64, stored as float32 (no in-place kernel for a change of type).
        w.assignSub(Tensor.of(new double[] {0.25, 0.25, 0.25}));
        assertEquals(DType.FLOAT32, w.value().dtype());
        assertArrayEquals(new float[] {-0.75f, 0.25f, 1.25f, 2.25f, 3.25f, 4.25f}, w.value().toFloatArray());

        Tensor before = w.value();
        Tensor next = Tensor.zeros(2, 3);
        w.assign(next);
        assertTrue(before.isReleased(), "assign releases the value it replaces");
        assertFalse(next.isReleased(), "and keeps a copy of the new one");
        assertNotSame(next, w.value());
        assertArrayEquals(new float[] {-0.75f, 0.25f, 1.25f, 2.25f, 3.25f, 4.25f}, flat.toFloatArray(),
                "a view taken before keeps the storage it shares alive");
    }

    /** Each optimizer on one tensor variable against the same optimizer on one scalar variable per element. */
    @Test
    void optimizersUpdateTensorsInPlaceAsTheirScalarForm() {
        int n = 37;
        for (int kind = 0; kind < 3; kind++) {
            Optimizer tensorOptimizer = optimizer(kind);
            Optimizer scalarOptimizer = optimizer(kind);
            Tensor start = seeded(1, n).cast(DType.FLOAT64);
            Variable w = new Variable(start, "w");
            Tensor value = w.value();
            double[] init = start.toDoubleArray();
            Variable[] scalars = new Variable[n];
            for (int i = 0; i < n; i++) {
                scalars[i] = new Variable(init[i], "s" + i);
            }
            for (int step = 0; step < 6; step++) {
                double[] g = seeded(100 + step, n).cast(DType.FLOAT64).toDoubleArray();
                try (TensorScope _ = TensorScope.open()) {
                    tensorOptimizer.step(w, Tensor.of(g, Shape.of(n)));
                }
                for (int i = 0; i < n; i++) {
                    scalarOptimizer.step(scalars[i], g[i]);
                }
            }
            assertSame(value, w.value(), "updated in place");
            double[] actual = w.value().toDoubleArray();
            for (int i = 0; i < n; i++) {
                assertEquals(scalars[i].get(), actual[i], 1e-12, "optimizer " + kind + " element " + i);
            }
        }
    }

    private static Optimizer optimizer(int kind) {
        return switch (kind) {
            case 0 -> new SGD(0.1);
            case 1 -> new Momentum(0.1, 0.9);
            default -> new Adam(0.05);
        };
    }

    @Test
    void arangeOnADeviceMatchesArangeOnTheDefaultOne() {
        Tensor onCpu = Tensor.arange(7, dev.adjoint.core.Device.CPU);
        assertEquals(Tensor.arange(7), onCpu);
        assertEquals(dev.adjoint.core.Device.CPU, onCpu.device());
        assertEquals(Shape.of(0), Tensor.arange(0, dev.adjoint.core.Device.CPU).shape());
        TensorException nullDevice = assertThrows(TensorException.class,
                () -> Tensor.arange(3, (dev.adjoint.core.Device) null));
        assertEquals("arange: argument 'device' is null", nullDevice.getMessage());
    }

    @Test
    void anAccumulatorKeepsItsGradientsOutOfTheScopeItRanIn() {
        Variable w = new Variable(Tensor.of(new float[] {1, 2}), "w");
        VariableGradients gradients = new VariableGradients();
        Tensor contribution;
        try (TensorScope _ = TensorScope.open()) {
            try (TensorScope _ = TensorScope.open()) {
                contribution = Tensor.of(new float[] {1, 1});
                gradients.accumulate(w, contribution);
                gradients.accumulate(w, contribution);
            }
            assertTrue(contribution.isReleased());
            assertArrayEquals(new float[] {2, 2}, gradients.tensorGradient(0).toFloatArray());
        }
        assertTrue(gradients.tensorGradient(0).isReleased(), "released with the scope that called the accumulation");
    }
}
