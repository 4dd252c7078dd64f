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
 * Softmax over the rows of a {@code 4096 x 1024} matrix: a batch of 4096 logit vectors over 1024
 * classes, 4M floats (16 MiB), large enough to leave the caches. NumPy has no softmax, so the
 * reference is the usual stable expression {@code e = np.exp(x - x.max(1, keepdims=True)); e / e.sum(1, keepdims=True)}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"--add-modules=jdk.incubator.vector", "-Xms4g", "-Xmx4g",
        "-XX:+AlwaysPreTouch", "-XX:+UseTransparentHugePages"})
public class SoftmaxBenchmark {
    /** {@code rows x columns}; softmax runs along the columns of each row. */
    @Param({"4096x1024"})
    public String shape;

    private Tensor x;

    @Setup
    public void setUp() {
        String[] dims = shape.split("x", -1);
        if (dims.length != 2) {
            throw new IllegalArgumentException("shape must be ROWSxCOLUMNS, got " + shape);
        }
        x = BenchInputs.uniform(0, Integer.parseInt(dims[0]), Integer.parseInt(dims[1])).mul(4);
    }

    @Benchmark
    public Tensor softmax() {
        return x.softmax(-1);
    }
}
