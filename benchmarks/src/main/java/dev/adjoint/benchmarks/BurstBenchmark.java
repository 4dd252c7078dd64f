package dev.adjoint.benchmarks;

import dev.adjoint.Tensor;
import dev.adjoint.spi.Backend;
import dev.adjoint.spi.Backends;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Twenty "layers", each a stretch of single-threaded work (as a network's packing and small ops) followed by a
 * product that splits over the kernel threads, run plain or inside {@link Backend#inBurst}: how much of each split
 * a helper thread misses when it has gone to sleep in the stretch before. Run with {@code -Dadjoint.cpu.threads=2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"--add-modules=jdk.incubator.vector"})
public class BurstBenchmark {
    /** Blackhole tokens of single-threaded work before each split (about 1,000 per 2 µs on a 3.5 GHz core). */
    @Param({"10000", "50000"})
    public long gapTokens;

    @Param({"false", "true"})
    public boolean burst;

    private Tensor a;
    private Tensor b;
    private Backend backend;

    @Setup
    public void setUp() {
        // 192 x 192 x 192: about 7 M multiply-adds, enough to split, about 100 µs on one core.
        a = BenchInputs.uniform(0, 192, 192);
        b = BenchInputs.uniform(1, 192, 192);
        backend = Backends.defaultBackend();
    }

    @Benchmark
    public void layers(Blackhole bh) {
        if (burst) {
            backend.inBurst(() -> {
                run(bh);
                return null;
            });
        } else {
            run(bh);
        }
    }

    private void run(Blackhole bh) {
        for (int layer = 0; layer < 20; layer++) {
            Blackhole.consumeCPU(gapTokens);
            bh.consume(a.matmul(b));
        }
    }
}
