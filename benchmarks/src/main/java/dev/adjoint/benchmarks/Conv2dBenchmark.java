package dev.adjoint.benchmarks;

import dev.adjoint.Tensor;
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
 * The first layer of an MNIST-sized CNN: NCHW input {@code (32, 1, 28, 28)}, OIHW weights
 * {@code (32, 1, 3, 3)}, stride 1, padding 1, giving {@code (32, 32, 28, 28)}. NumPy's reference is
 * im2col through {@code sliding_window_view} followed by one matmul.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"--add-modules=jdk.incubator.vector", "-Xms4g", "-Xmx4g",
        "-XX:+AlwaysPreTouch", "-XX:+UseTransparentHugePages"})
public class Conv2dBenchmark {
    private Tensor input;
    private Tensor weight;

    @Setup
    public void setUp() {
        input = BenchInputs.uniform(0, 32, 1, 28, 28);
        weight = BenchInputs.uniform(1, 32, 1, 3, 3);
    }

    @Benchmark
    public Tensor conv2d() {
        return input.conv2d(weight, 1, 1);
    }
}
