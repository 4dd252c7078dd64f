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
 * The fixed cost of one eager op: {@code x.add(y)} on two tensors of shape {@code (1,)}, which is
 * all dispatch, validation, broadcasting and allocation and no arithmetic to speak of.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"--add-modules=jdk.incubator.vector", "-Xms4g", "-Xmx4g",
        "-XX:+AlwaysPreTouch", "-XX:+UseTransparentHugePages"})
public class TinyOpBenchmark {
    private Tensor x;
    private Tensor y;

    @Setup
    public void setUp() {
        x = BenchInputs.uniform(0, 1);
        y = BenchInputs.uniform(1, 1);
    }

    @Benchmark
    public Tensor tinyAdd() {
        return x.add(y);
    }
}
