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
 * Single max-pooling layers at batch 1, float32 NCHW: ResNet-18's 3x3 stride-2 pool after its stem (the
 * engine's per-layer profile put it at 4x ONNX Runtime's time) and a LeNet-style 2x2 one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class PoolLayerBenchmark {
    /** The layer: {@code channels, size, kernel, stride, padding}. */
    @Param({"resnet_maxpool_3x3s2", "lenet_maxpool_2x2"})
    public String layer;

    private Tensor input;
    private int kernel;
    private int stride;
    private int padding;

    @Setup
    public void setUp() {
        int channels;
        int size;
        switch (layer) {
            case "resnet_maxpool_3x3s2" -> {
                channels = 64;
                size = 112;
                kernel = 3;
                stride = 2;
                padding = 1;
            }
            case "lenet_maxpool_2x2" -> {
                channels = 6;
                size = 28;
                kernel = 2;
                stride = 2;
                padding = 0;
            }
            default -> throw new IllegalArgumentException("unknown layer " + layer);
        }
        input = BenchInputs.uniform(0, 1, channels, size, size);
    }

    @Benchmark
    public Tensor maxPool2d() {
        return input.maxPool2d(kernel, stride, padding);
    }
}
