package dev.adjoint.benchmarks.engine;

import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.op.Conv2dSpec;
import dev.adjoint.op.Pool2dSpec;
import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.GraphBuilder;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.NodeOutput;
import dev.adjoint.openvino.ir.PartialShape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A ResNet-18-shaped network at half width (stem 7x7/2 conv with 32 channels, 3x3/2 max pool, four stages of two
 * basic blocks with 32, 64, 128 and 256 channels, 1x1 projection shortcuts where the shape changes, global average
 * pool, 1000-way fully connected layer, softmax) over a 1 x 3 x 224 x 224 image. Batch normalization is folded into
 * per-channel scale and shift, as Open Model Zoo IRs hold it ("Fused_Mul", "Fused_Add"). The same seeded weights
 * build an IR graph for the engine and run op by op as eager Tensor calls.
 */
final class ResNetShape {
    static final int[] INPUT = {1, 3, 224, 224};

    /** One convolution with its folded batch norm. */
    record Conv(Tensor weight, Tensor scale, Tensor shift, int stride, int pad) {
    }

    /** A basic block: two 3x3 convolutions, and a 1x1 projection when the shape changes. */
    record Block(Conv first, Conv second, Conv projection) {
    }

    final Conv stem;
    final List<Block> blocks = new ArrayList<>();
    final Tensor fc;
    final Tensor fcBias;

    ResNetShape(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        stem = conv(r, 3, 32, 7, 2, 3);
        int in = 32;
        int[] widths = {32, 64, 128, 256};
        for (int s = 0; s < 4; s++) {
            for (int b = 0; b < 2; b++) {
                int out = widths[s];
                int stride = s > 0 && b == 0 ? 2 : 1;
                Conv projection = stride != 1 || in != out ? conv(r, in, out, 1, stride, 0) : null;
                blocks.add(new Block(conv(r, in, out, 3, stride, 1), conv(r, out, out, 3, 1, 1), projection));
                in = out;
            }
        }
        fc = uniform(r, 1 / Math.sqrt(in), in, 1000);
        fcBias = uniform(r, 0.1, 1, 1000);
    }

    private static Tensor uniform(SplittableRandom r, double bound, int... dims) {
        int n = Math.toIntExact(Shape.of(dims).size());
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
        }
        return Tensor.of(v, Shape.of(dims));
    }

    private static Conv conv(SplittableRandom r, int in, int out, int k, int stride, int pad) {
        Tensor w = uniform(r, Math.sqrt(2.0 / (in * k * k)), out, in, k, k);
        Tensor scale = uniform(r, 0.2, 1, out, 1, 1).add(1.0);
        Tensor shift = uniform(r, 0.1, 1, out, 1, 1);
        return new Conv(w, scale, shift, stride, pad);
    }

    // ---- eager ----

    private static Tensor eager(Conv c, Tensor x) {
        return x.conv2d(c.weight(), Conv2dSpec.of(c.stride(), c.pad())).mul(c.scale()).add(c.shift());
    }

    /** The network op by op through eager Tensor calls. */
    Tensor eager(Tensor x) {
        Tensor y = eager(stem, x).relu();
        y = y.pool2d(new Pool2dSpec(Pool2dSpec.Kind.MAX, 3, 3, 2, 2, 1, 1));
        for (Block b : blocks) {
            Tensor shortcut = b.projection() == null ? y : eager(b.projection(), y);
            Tensor z = eager(b.first(), y).relu();
            y = eager(b.second(), z).add(shortcut).relu();
        }
        Tensor pooled = y.mean(new int[] {2, 3}, false);
        return pooled.matmul(fc).add(fcBias).softmax(1);
    }

    // ---- IR ----

    private int names;

    private NodeOutput constant(GraphBuilder g, Tensor t) {
        long[] dims = java.util.Arrays.stream(t.shape().dims()).asLongStream().toArray();
        return g.constant("c" + names++, dims, t.toFloatArray()).output(0);
    }

    private NodeOutput ir(GraphBuilder g, Conv c, NodeOutput x) {
        List<Long> stride = List.of((long) c.stride(), (long) c.stride());
        List<Long> pad = List.of((long) c.pad(), (long) c.pad());
        Node conv = g.op("Convolution", 1, "conv" + names++, Attributes.of("strides", stride, "dilations",
                List.of(1L, 1L), "pads_begin", pad, "pads_end", pad), x, constant(g, c.weight()));
        Node mul = g.op("Multiply", 1, "Fused_Mul" + names++, Attributes.empty(), conv.output(0),
                constant(g, c.scale()));
        return g.op("Add", 1, "Fused_Add" + names++, Attributes.empty(), mul.output(0), constant(g, c.shift()))
                .output(0);
    }

    private NodeOutput relu(GraphBuilder g, NodeOutput x) {
        return g.op("Relu", 0, "relu" + names++, Attributes.empty(), x).output(0);
    }

    /** The same network as an IR graph. */
    IrModel graph() {
        GraphBuilder g = new GraphBuilder("resnet18-half");
        NodeOutput x = g.parameter("data", ElementType.F32, PartialShape.of(1, 3, 224, 224)).output(0);
        NodeOutput y = relu(g, ir(g, stem, x));
        y = g.op("MaxPool", 8, "pool", Attributes.of("kernel", List.of(3L, 3L), "strides", List.of(2L, 2L),
                "pads_begin", List.of(1L, 1L), "pads_end", List.of(1L, 1L)), y).output(0);
        for (Block b : blocks) {
            NodeOutput shortcut = b.projection() == null ? y : ir(g, b.projection(), y);
            NodeOutput z = relu(g, ir(g, b.first(), y));
            NodeOutput sum = g.op("Add", 1, "residual" + names++, Attributes.empty(), ir(g, b.second(), z), shortcut)
                    .output(0);
            y = relu(g, sum);
        }
        NodeOutput pooled = g.op("ReduceMean", 1, "gap", Attributes.of("keep_dims", false), y,
                g.constantI64("gap/axes", new long[] {2}, 2, 3).output(0)).output(0);
        NodeOutput logits = g.op("MatMul", 0, "fc", Attributes.empty(), pooled, constant(g, fc)).output(0);
        NodeOutput biased = g.op("Add", 1, "fc/bias", Attributes.empty(), logits, constant(g, fcBias)).output(0);
        g.result("prob", g.op("Softmax", 8, "prob", Attributes.of("axis", 1L), biased).output(0));
        return g.build();
    }
}
