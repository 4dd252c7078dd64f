package dev.adjoint.benchmarks;

import dev.adjoint.Tensor;
import dev.adjoint.op.Conv2dSpec;
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
 * Single convolution layers shaped like those of ResNet-18 and MobileNet-v2 at batch 1 (or {@code -p batch=8}) and 224x224
 * input, float32 NCHW/OIHW. {@code scripts/bench/torch_conv_reference.py} times PyTorch's
 * {@code F.conv2d} on the same shapes (keys are the {@code layer} names below).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class ConvLayerBenchmark {
    /** The layer (every one of {@link Layer} unless {@code -p layer=...} names some). */
    @Param
    public Layer layer;

    /** Images per call (the batch 1 and 8); the layer names are those of batch 1. */
    @Param({"1"})
    public int batch;

    /**
     * With a per-channel bias and ReLU6 applied by the kernel ({@code conv2dBias}, what the engine runs for a
     * convolution followed by a folded batch norm and a clamp) instead of the bare convolution.
     */
    @Param({"false"})
    public boolean biasRelu6;

    private Tensor input;
    private Tensor weight;
    private Tensor bias;
    private Conv2dSpec spec;

    /**
     * One layer: input {@code (1, c, h, h)}, weight {@code (o, c / groups, k, k)}, square stride
     * and padding. Kept in step with the table in torch_conv_reference.py.
     */
    public enum Layer {
        resnet_stem_7x7s2(3, 224, 64, 7, 2, 3, 1),
        resnet_3x3_64(64, 56, 64, 3, 1, 1, 1),
        resnet_3x3_128(128, 28, 128, 3, 1, 1, 1),
        resnet_3x3_256(256, 14, 256, 3, 1, 1, 1),
        resnet_3x3_512(512, 7, 512, 3, 1, 1, 1),
        resnet_3x3s2_128(64, 56, 128, 3, 2, 1, 1),
        resnet_1x1s2_down(64, 56, 128, 1, 2, 0, 1),
        mbv2_1x1_expand(24, 56, 144, 1, 1, 0, 1),
        mbv2_3x3_depthwise(144, 56, 144, 3, 1, 1, 144),
        mbv2_3x3s2_depthwise(144, 56, 144, 3, 2, 1, 144),
        mbv2_1x1_project(144, 28, 32, 1, 1, 0, 1),
        mbv2_1x1_expand_14x14(96, 14, 576, 1, 1, 0, 1),
        mbv2_1x1_project_7x7(960, 7, 320, 1, 1, 0, 1),
        mbv2_1x1_expand_7x7(160, 7, 960, 1, 1, 0, 1),
        mbv2_1x1_expand_112x112(16, 112, 96, 1, 1, 0, 1),
        mbv2_stem_3x3s2(3, 224, 32, 3, 2, 1, 1),
        mbv2_1x1_project_14x14(576, 14, 96, 1, 1, 0, 1),
        mbv2_1x1_project_112x112(32, 112, 16, 1, 1, 0, 1),
        mbv2_3x3_depthwise_112x112(32, 112, 32, 3, 1, 1, 32),
        mbv2_3x3_depthwise_7x7(960, 7, 960, 3, 1, 1, 960),
        mbv2_3x3_depthwise_14x14(384, 14, 384, 3, 1, 1, 384),
        mbv2_3x3s2_depthwise_14x14(576, 14, 576, 3, 2, 1, 576),
        mbv2_3x3s2_depthwise_28x28(192, 28, 192, 3, 2, 1, 192),
        resnet_3x3s2_256(128, 28, 256, 3, 2, 1, 1),
        resnet_3x3s2_512(256, 14, 512, 3, 2, 1, 1);

        final int channels, size, outChannels, kernel, stride, padding, groups;

        Layer(int channels, int size, int outChannels, int kernel, int stride, int padding, int groups) {
            this.channels = channels;
            this.size = size;
            this.outChannels = outChannels;
            this.kernel = kernel;
            this.stride = stride;
            this.padding = padding;
            this.groups = groups;
        }
    }

    @Setup
    public void setUp() {
        input = BenchInputs.uniform(0, batch, layer.channels, layer.size, layer.size);
        weight = BenchInputs.uniform(1, layer.outChannels, layer.channels / layer.groups, layer.kernel, layer.kernel);
        spec = Conv2dSpec.of(layer.stride, layer.padding, 1, layer.groups);
        bias = BenchInputs.uniform(2, layer.outChannels);
    }

    @Benchmark
    public Tensor conv2d() {
        return biasRelu6 ? input.conv2dBias(weight, bias, spec, 0, 6) : input.conv2d(weight, spec);
    }
}
