package dev.adjoint.benchmarks.ad;

import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.TensorScope;
import dev.adjoint.grad.VariableGradients;
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
 * Cost of generated gradients relative to the forward pass (issue target: at most 3x), for the
 * lecture's Huber loss over 190 samples and a 2-layer MLP loss (batch 64 x 784, hidden 128, 10
 * classes, softmax cross-entropy).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class GradientBenchmark {

    private final AdModels.Huber huber = new AdModels.Huber();
    private final VariableGradients accumulator = new VariableGradients();
    private final double[] xs = new double[190];
    private final double[] ys = new double[190];
    private Tensor x;
    private Tensor w1;
    private Tensor w2;
    private Tensor labels;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(2010);
        for (int i = 0; i < xs.length; i++) {
            xs[i] = random.nextDouble(1, 7);
            ys[i] = -6 * xs[i] + 85 + random.nextDouble(-3, 3);
        }
        x = Tensor.randomNormal(random, 0, 1, 64, 784);
        w1 = Tensor.randomNormal(random, 0, 0.05, 784, 128);
        w2 = Tensor.randomNormal(random, 0, 0.05, 128, 10);
        float[] oneHot = new float[64 * 10];
        for (int row = 0; row < 64; row++) {
            oneHot[row * 10 + row % 10] = 1;
        }
        labels = Tensor.of(oneHot, Shape.of(64, 10));
    }

    /** One epoch of Huber losses (190 samples). */
    @Benchmark
    public double huberForward() {
        double total = 0;
        for (int i = 0; i < xs.length; i++) {
            total += huber.loss(xs[i], ys[i]);
        }
        return total;
    }

    /** One epoch of Huber values and gradients with respect to w and b (implicit). */
    @Benchmark
    public double huberImplicitValueAndGradients() {
        double total = 0;
        for (int i = 0; i < xs.length; i++) {
            var result = AdModels_HuberGrad.lossImplicitValueAndGradients(huber, xs[i], ys[i]);
            total += result.value() + result.gradients().getFirst().gradient();
        }
        return total;
    }

    /** As {@link #huberImplicitValueAndGradients()}, reusing one accumulator: no pairs are built. */
    @Benchmark
    public double huberReusedAccumulator() {
        double total = 0;
        for (int i = 0; i < xs.length; i++) {
            accumulator.clear();
            total += AdModels_HuberGrad.lossValueAndGradients(huber, xs[i], ys[i], 1.0, accumulator).value();
            total += accumulator.gradient(0);
        }
        return total;
    }

    /** One epoch of Huber values and gradients with respect to x and y (explicit, no variables). */
    @Benchmark
    public double huberValueAndGradients() {
        double total = 0;
        for (int i = 0; i < xs.length; i++) {
            var result = AdModels_HuberGrad.lossValueAndGradients(huber, xs[i], ys[i]);
            total += result.value() + result.gradients().x();
        }
        return total;
    }

    /** A 20-deep chain of nested helper calls, plain. */
    @Benchmark
    public double chainForward() {
        return Chain.c0(0.3);
    }

    /** The same chain's value and gradient. */
    @Benchmark
    public double chainValueAndGradients() {
        var result = ChainGrad.c0ValueAndGradients(0.3);
        return result.value() + result.gradients().x();
    }

    /** Value and gradient of {@code sum(relu(x * 1.5 + 0.25))} on 1M floats, op by op. */
    @Benchmark
    public Object reluChainValueAndGradients(ReluInput input) {
        return AdModelsGrad.reluChainValueAndGradients(input.x);
    }

    /** The same in a {@link TensorScope}, as a training loop releases each step's tensors. */
    @Benchmark
    public Object reluChainValueAndGradientsScoped(ReluInput input) {
        try (TensorScope _ = TensorScope.open()) {
            return AdModelsGrad.reluChainValueAndGradients(input.x);
        }
    }

    /** The 1M-float input of {@link #reluChainValueAndGradients}. */
    @State(Scope.Benchmark)
    public static class ReluInput {
        @org.openjdk.jmh.annotations.Param("1048576")
        public int size;

        Tensor x;

        @Setup
        public void setUp() {
            x = dev.adjoint.benchmarks.BenchInputs.uniform(0, size);
        }
    }

    @Benchmark
    public Tensor mlpForward() {
        return AdModels.mlpLoss(x, w1, w2, labels);
    }

    @Benchmark
    public Object mlpValueAndGradients() {
        return AdModelsGrad.mlpLossValueAndGradients(x, w1, w2, labels);
    }
}
