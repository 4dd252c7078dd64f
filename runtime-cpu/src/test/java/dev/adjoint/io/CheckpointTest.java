package dev.adjoint.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import dev.adjoint.core.DType;
import dev.adjoint.optim.Adam;
import dev.adjoint.optim.Momentum;
import dev.adjoint.optim.Optimizer;
import dev.adjoint.optim.SGD;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints: exact resume, NumPy-readable layout, and strict restore with clear errors. */
class CheckpointTest {

    @TempDir
    Path dir;

    /** A model of a tensor and a scalar variable, trained on gradients drawn from a seeded stream. */
    private record Model(Variable w, Variable b) {
        static Model create() {
            return new Model(new Variable(Tensor.randomNormal(new SplittableRandom(1), 0, 1, 3, 4), "w"),
                    new Variable(0.5, "b"));
        }

        List<Variable> variables() {
            return List.of(w, b);
        }

        /** One step on gradients that depend on the step number and the current values, as real ones do. */
        void step(Optimizer optimizer, int step) {
            SplittableRandom random = new SplittableRandom(1000 + step);
            Tensor noise = Tensor.randomNormal(random, 0, 1, 3, 4);
            optimizer.step(w, w.value().tanh().add(noise));
            optimizer.step(b, Math.sin(b.get()) + random.nextDouble(-1, 1));
        }
    }

    @Test
    void resumedTrainingContinuesExactlyAsAnUninterruptedRun() throws IOException {
        List<Supplier<Optimizer>> optimizers = List.of(() -> new SGD(0.1), () -> new Momentum(0.05, 0.9),
                () -> new Adam(0.01));
        for (Supplier<Optimizer> make : optimizers) {
            Model straight = Model.create();
            Optimizer straightOptimizer = make.get();
            for (int step = 0; step < 20; step++) {
                straight.step(straightOptimizer, step);
            }

            Model first = Model.create();
            Optimizer firstOptimizer = make.get();
            for (int step = 0; step < 8; step++) {
                first.step(firstOptimizer, step);
            }
            Path file = dir.resolve(firstOptimizer.kind() + ".npz");
            Checkpoint.save(file, first.variables(), firstOptimizer);

            Model resumed = Model.create();
            Optimizer resumedOptimizer = make.get();
            Checkpoint.restore(file, resumed.variables(), resumedOptimizer);
            for (int step = 8; step < 20; step++) {
                resumed.step(resumedOptimizer, step);
            }
            assertArrayEquals(straight.w.value().toFloatArray(), resumed.w.value().toFloatArray(),
                    firstOptimizer.kind());
            assertEquals(straight.b.get(), resumed.b.get(), 0.0, firstOptimizer.kind());
        }
    }

    @Test
    void layoutIsWhatNumpyListsAndHoldsTheValues() throws IOException {
        Model model = Model.create();
        Adam adam = new Adam(0.01);
        model.step(adam, 0);
        model.step(adam, 1);
        Path file = dir.resolve("model.npz");
        Checkpoint.save(file, model.variables(), adam);
        assertEquals(Set.of("w", "b", "optimizer/adam/w/m", "optimizer/adam/w/v", "optimizer/adam/w/step",
                "optimizer/adam/b/m", "optimizer/adam/b/v", "optimizer/adam/b/step"), Checkpoint.names(file));
        var arrays = Npz.read(file);
        assertEquals(model.w.value().toString(), Npy.toTensor(arrays.get("w"), "w").toString());
        assertEquals(model.b.get(), Npy.toTensor(arrays.get("b"), "b").item());
        assertEquals(2L, Npy.toTensor(arrays.get("optimizer/adam/w/step"), "s").toLongArray()[0]);
        assertEquals(DType.FLOAT64, Npy.toTensor(arrays.get("optimizer/adam/b/m"), "m").dtype());
    }

    @Test
    void restoringWeightsOnlyIgnoresTheOptimizerState() throws IOException {
        Model model = Model.create();
        Adam adam = new Adam(0.01);
        model.step(adam, 0);
        Path file = dir.resolve("model.npz");
        Checkpoint.save(file, model.variables(), adam);
        Model fresh = Model.create();
        Checkpoint.restore(file, fresh.variables());
        assertArrayEquals(model.w.value().toFloatArray(), fresh.w.value().toFloatArray());
        assertEquals(model.b.get(), fresh.b.get());
    }

    @Test
    void mismatchesAreNamedAndLeaveTheModelUnchanged() throws IOException {
        Model model = Model.create();
        Adam adam = new Adam(0.01);
        model.step(adam, 0);
        Path file = dir.resolve("model.npz");
        Checkpoint.save(file, model.variables(), adam);

        Variable wrongShape = new Variable(Tensor.zeros(4, 3), "w");
        Variable b = new Variable(7.0, "b");
        IOException shape = assertThrows(IOException.class,
                () -> Checkpoint.restore(file, List.of(wrongShape, b)));
        assertTrue(shape.getMessage().contains("variable 'w' is float32(4, 3) in the model but float32(3, 4) in the"
                + " checkpoint"), shape.getMessage());
        assertEquals(7.0, b.get(), "nothing is assigned when anything does not fit");

        Variable wrongType = new Variable(Tensor.zeros(DType.FLOAT64, 3, 4), "w");
        IOException dtype = assertThrows(IOException.class, () -> Checkpoint.restore(file, List.of(wrongType, b)));
        assertTrue(dtype.getMessage().contains("float64(3, 4) in the model but float32(3, 4)"), dtype.getMessage());

        IOException missing = assertThrows(IOException.class, () -> Checkpoint.restore(file,
                List.of(new Variable(Tensor.zeros(3, 4), "w"), b, new Variable(1.0, "c"))));
        assertTrue(missing.getMessage().contains("variable 'c' is missing"), missing.getMessage());

        IOException extra = assertThrows(IOException.class,
                () -> Checkpoint.restore(file, List.of(new Variable(Tensor.zeros(3, 4), "w"))));
        assertTrue(extra.getMessage().contains("array 'b' belongs to no variable of the model"), extra.getMessage());

        Momentum momentum = new Momentum(0.1, 0.9);
        IOException kind = assertThrows(IOException.class,
                () -> Checkpoint.restore(file, List.of(new Variable(Tensor.zeros(3, 4), "w"), b), momentum));
        assertTrue(kind.getMessage().contains("was saved by adam, not by momentum"), kind.getMessage());
        assertEquals(7.0, b.get());

        IllegalArgumentException duplicate = assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(
                dir.resolve("dup.npz"), List.of(new Variable(1.0, "x"), new Variable(2.0, "x"))));
        assertTrue(duplicate.getMessage().contains("[x]"), duplicate.getMessage());
        assertTrue(Files.notExists(dir.resolve("dup.npz")));
    }

    @Test
    void optimizerStateOfTheWrongShapeIsRefusedAndRolledBack() throws IOException {
        Variable w = new Variable(Tensor.zeros(2, 2), "w");
        Adam adam = new Adam(0.1);
        adam.step(w, Tensor.ones(2, 2));
        Path file = dir.resolve("state.npz");
        Checkpoint.save(file, List.of(w), adam);
        var arrays = new java.util.LinkedHashMap<>(Npz.read(file));
        arrays.put("optimizer/adam/w/m", Npy.of(Tensor.zeros(3)));
        Npz.write(file, arrays);

        Adam other = new Adam(0.1);
        other.step(w, Tensor.full(2.0, 2, 2));
        var before = other.state(w);
        IOException e = assertThrows(IOException.class, () -> Checkpoint.restore(file, List.of(w), other));
        assertTrue(e.getMessage().contains("adam state 'm' of variable 'w' must be float32(2, 2), got float32(3,)"),
                e.getMessage());
        assertEquals(before.get("m").toString(), other.state(w).get("m").toString());
        assertEquals(before.get("step").toString(), other.state(w).get("step").toString());
    }
}
