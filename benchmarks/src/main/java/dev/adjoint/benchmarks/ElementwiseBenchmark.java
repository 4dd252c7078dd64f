package dev.adjoint.benchmarks;

import dev.adjoint.Tensor;
import dev.adjoint.TensorScope;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Memory-bound elementwise work: the chain {@code relu(x * a + b)} and the full sum of {@code x}.
 *
 * <p>The chain runs two ways: op by op, as a user writes it, allocating three tensors exactly as
 * NumPy's {@code np.maximum(x * a + b, 0)} does; and fused with {@link Tensor#chain()}, one pass
 * over memory and one result.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"--add-modules=jdk.incubator.vector", "-Xms4g", "-Xmx4g",
        "-XX:+AlwaysPreTouch", "-XX:+UseTransparentHugePages"})
public class ElementwiseBenchmark {
    /** 1M floats (4 MiB: fits this machine's L3) and 16M floats (64 MiB: streams from memory). */
    @Param({"1048576", "16777216"})
    public int size;

    private Tensor x;

    @Setup
    public void setUp() {
        x = BenchInputs.uniform(0, size);
    }

    @Benchmark
    public Tensor elementwiseChain() {
        return x.mul(1.5).add(0.25).relu();
    }

    /**
     * The op-by-op chain in a {@link TensorScope}: the three results are released when it closes, so
     * the next call reuses their arrays, as NumPy reuses the buffers its expression freed.
     */
    @Benchmark
    public Tensor elementwiseChainScoped() {
        try (TensorScope _ = TensorScope.open()) {
            return x.mul(1.5).add(0.25).relu();
        }
    }

    @Benchmark
    public Tensor fusedChain() {
        return x.chain().mul(1.5).add(0.25).relu().evaluate();
    }

    @Benchmark
    public Tensor sum() {
        return x.sum();
    }
}
