package dev.adjoint.benchmarks;

import dev.adjoint.Tensor;
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
 * Square {@code float32} matrix product {@code a.matmul(b)}, NumPy {@code a @ b} (OpenBLAS sgemm).
 *
 * <p>The heap is touched at start-up (see the package documentation): each product writes a fresh output (4 MiB at
 * 1024), and the 1024 product took 21-28 ms for the first 5-15 s of a fork with an untouched heap, 10.5-10.9 ms
 * after (docs/benchmarks.md, stop 23).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"--add-modules=jdk.incubator.vector", "-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch",
        "-XX:+UseTransparentHugePages"})
public class MatmulBenchmark {
    /** Rows = columns = inner dimension; {@code 2 n^3} floating-point operations per product. */
    @Param({"256", "512", "1024", "2048"})
    public int size;

    private Tensor a;
    private Tensor b;

    @Setup
    public void setUp() {
        a = BenchInputs.uniform(0, size, size);
        b = BenchInputs.uniform(1, size, size);
    }

    @Benchmark
    public Tensor matmul() {
        return a.matmul(b);
    }
}
