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
    /** The layer (every one of {@link Layer} unless {@code -p layer=...} names some). */
    @Param
    public Layer layer;

    private Tensor input;

    /** One layer: input {@code (1, channels, size, size)}, square kernel, stride and padding. */
    public enum Layer {
        resnet_maxpool_3x3s2(64, 112, 3, 2, 1),
        lenet_maxpool_2x2(6, 28, 2, 2, 0);

        final int channels, size, kernel, stride, padding;

        Layer(int channels, int size, int kernel, int stride, int padding) {
            this.channels = channels;
            this.size = size;
            this.kernel = kernel;
            this.stride = stride;
            this.padding = padding;
        }
    }

    @Setup
    public void setUp() {
        input = BenchInputs.uniform(0, 1, layer.channels, layer.size, layer.size);
    }

    @Benchmark
    public Tensor maxPool2d() {
        return input.maxPool2d(layer.kernel, layer.stride, layer.padding);
    }
}
