package dev.adjoint.benchmarks.ad;

import dev.adjoint.Tensor;
import dev.adjoint.TensorScope;
import dev.adjoint.core.Shape;
import dev.adjoint.grad.VariableGradients;
import dev.adjoint.optim.Adam;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step of the 2-layer MLP (batch 64 x 784, hidden 128, 10 classes, softmax
 * cross-entropy, Adam): implicit value and gradients into a reused accumulator, then the optimizer.
 * Run with {@code -prof gc} for the bytes allocated per step.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class TrainingBenchmark {

    private final VariableGradients gradients = new VariableGradients();
    private AdModels.Mlp model;
    private Adam adam;
    private Tensor x;
    private Tensor labels;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(2010);
        x = Tensor.randomNormal(random, 0, 1, 64, 784);
        model = new AdModels.Mlp(Tensor.randomNormal(random, 0, 0.05, 784, 128),
                Tensor.randomNormal(random, 0, 0.05, 128, 10));
        float[] oneHot = new float[64 * 10];
        for (int row = 0; row < 64; row++) {
            oneHot[row * 10 + row % 10] = 1;
        }
        labels = Tensor.of(oneHot, Shape.of(64, 10));
        adam = new Adam(1e-3);
    }

    /** Forward, reverse pass and Adam update of both weight matrices. */
    @Benchmark
    public double mlpTrainingStep() {
        gradients.clear();
        double loss = AdModels_MlpGrad.lossValueAndGradients(model, x, labels, null, gradients).value().item();
        adam.applyGradients(gradients);
        return loss;
    }

    /** The same step in a {@link TensorScope}: the step's gradients and loss are released at its end. */
    @Benchmark
    public double mlpTrainingStepScoped() {
        try (TensorScope _ = TensorScope.open()) {
            return mlpTrainingStep();
        }
    }
}
