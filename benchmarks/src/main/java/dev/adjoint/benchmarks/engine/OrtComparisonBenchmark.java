package dev.adjoint.benchmarks.engine;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Inference latency of the benchmark networks ({@code scripts/bench/make_onnx_models.py}: ResNet-18- and
 * MobileNet-v2-shaped classifiers at 3x224x224, a transformer-style MLP at 256 features) side by side in one run:
 * {@code adjoint} on our engine, {@code ort} on ONNX Runtime, each as {@link BenchmarkNetwork} loads it, with
 * {@code -Dadjoint.cpu.threads} kernel threads ({@code scripts/bench/ort.sh} sets 1 and 2). JMH runs the two in
 * separate forks, minutes apart; on a shared host whose speed changes over minutes, {@link OrtAlternation} times
 * them in turns in one JVM instead.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class OrtComparisonBenchmark {

    @Param({"resnet18", "mobilenet_v2", "mlp"})
    public String model;

    @Param({"1", "8"})
    public int batch;

    @Param({"adjoint", "ort"})
    public String runtime;

    private BenchmarkNetwork network;

    @Setup(Level.Trial)
    public void setUp() throws IOException, OrtException {
        network = BenchmarkNetwork.load(model, batch, runtime);
    }

    @Benchmark
    public Object infer() throws OrtException {
        return network.infer();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        network.close();
    }
}
