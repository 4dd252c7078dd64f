package dev.adjoint.benchmarks;

import dev.adjoint.Tensor;
import dev.adjoint.core.DType;
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
 * Compute-bound elementwise functions: {@code exp}, {@code tanh}, {@code sigmoid} and {@code pow} on {@code float32}
 * (pow runs in float64 for its determinism, docs/design.md), and float64's own {@code log}, {@code sin}, {@code cos},
 * {@code tanh} and {@code pow}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"--add-modules=jdk.incubator.vector", "-Xms4g", "-Xmx4g",
        "-XX:+AlwaysPreTouch", "-XX:+UseTransparentHugePages"})
public class TranscendentalBenchmark {
    @Param({"1048576"})
    public int size;

    private Tensor x;
    private Tensor positive;
    private Tensor exponents;
    private Tensor x64;
    private Tensor positive64;
    private Tensor exponents64;

    @Setup
    public void setUp() {
        // [-4, 4) spans the interesting range of all three functions; exp stays far from overflow.
        x = BenchInputs.uniform(0, size).mul(4);
        positive = x.abs().add(0.01);
        exponents = BenchInputs.uniform(1, size).mul(3);
        x64 = x.cast(DType.FLOAT64);
        positive64 = positive.cast(DType.FLOAT64);
        exponents64 = exponents.cast(DType.FLOAT64);
    }

    @Benchmark
    public Tensor exp() {
        return x.exp();
    }

    @Benchmark
    public Tensor tanh() {
        return x.tanh();
    }

    @Benchmark
    public Tensor sigmoid() {
        return x.sigmoid();
    }

    /** x^1.7 for positive x: a scalar exponent, the common form. */
    @Benchmark
    public Tensor powScalarExponent() {
        return positive.pow(1.7);
    }

    /** x^2, which pow computes as x * x. */
    @Benchmark
    public Tensor powSquare() {
        return x.pow(2.0);
    }

    @Benchmark
    public Tensor powTensorExponent() {
        return positive.pow(exponents);
    }

    @Benchmark
    public Tensor tanhFloat64() {
        return x64.tanh();
    }

    @Benchmark
    public Tensor logFloat64() {
        return positive64.log();
    }

    @Benchmark
    public Tensor sinFloat64() {
        return x64.sin();
    }

    @Benchmark
    public Tensor cosFloat64() {
        return x64.cos();
    }

    @Benchmark
    public Tensor powFloat64() {
        return positive64.pow(exponents64);
    }

    @Benchmark
    public Tensor powScalarExponentFloat64() {
        return positive64.pow(1.7);
    }
}
