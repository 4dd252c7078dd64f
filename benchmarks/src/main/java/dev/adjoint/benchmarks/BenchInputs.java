package dev.adjoint.benchmarks;

import dev.adjoint.Tensor;
import java.util.SplittableRandom;

/** Seeded random inputs, so every run and every fork times the same data. */
public final class BenchInputs {
    private static final long SEED = 20240607L;

    private BenchInputs() {
    }

    /** {@code float32} values uniform in {@code [-1, 1)}; {@code stream} tells apart two inputs of one benchmark. */
    public static Tensor uniform(int stream, int... dims) {
        return Tensor.randomUniform(new SplittableRandom(SEED + stream), -1, 1, dims);
    }
}
