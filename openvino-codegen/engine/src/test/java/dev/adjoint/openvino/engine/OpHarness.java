package dev.adjoint.openvino.engine;

import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.GraphBuilder;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.NodeOutput;
import dev.adjoint.openvino.ir.PartialShape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Runs one IR op through the whole engine: a graph of Parameters (for {@link OvTensor} inputs) and Constants (for
 * {@link #constant} inputs) feeding the op, one Result per output, compiled and run on the CPU.
 */
final class OpHarness {
    private OpHarness() {
    }

    /** An input given as a Constant node (axes, shapes, weights the op needs to know while building). */
    record Const(OvTensor value) {
    }

    static Const constant(OvTensor v) {
        return new Const(v);
    }

    static Const i64(long... values) {
        return new Const(OvTensor.of(Tensor.of(values, Shape.of(values.length))));
    }

    static Const i64Scalar(long value) {
        return new Const(OvTensor.of(Tensor.of(new long[] {value}, Shape.SCALAR)));
    }

    static List<OvTensor> run(String type, int version, Attributes attributes, Object... inputs) {
        return runWith(type, version, attributes, false, inputs);
    }

    /** With {@code dynamic}, the Parameters have fully dynamic dimensions (the request resolves them). */
    static List<OvTensor> runWith(String type, int version, Attributes attributes, boolean dynamic,
            Object... inputs) {
        GraphBuilder g = new GraphBuilder(type);
        List<NodeOutput> outs = new ArrayList<>();
        List<OvTensor> feeds = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            Object in = inputs[i];
            if (in instanceof Const c) {
                outs.add(constantNode(g, "c" + i, c.value()).output(0));
            } else {
                OvTensor t = (OvTensor) in;
                PartialShape shape = dynamic ? PartialShape.dynamic(t.shape().rank()) : shapeOf(t);
                outs.add(g.parameter("p" + i, t.elementType(), shape).output(0));
                feeds.add(t);
            }
        }
        Node op = g.op(type, version, "op", attributes, outs.toArray(NodeOutput[]::new));
        for (int i = 0; i < op.outputs().size(); i++) {
            g.result("out" + i, op.output(i));
        }
        Model model = Model.of(g.build());
        InferRequest r = new Core().compileModel(model, "CPU").createInferRequest();
        for (int i = 0; i < feeds.size(); i++) {
            r.setInputTensor(i, feeds.get(i));
        }
        r.infer();
        return r.getOutputTensors();
    }

    static OvTensor run1(String type, int version, Attributes attributes, Object... inputs) {
        return run(type, version, attributes, inputs).get(0);
    }

    static PartialShape shapeOf(OvTensor t) {
        return PartialShape.of(java.util.Arrays.stream(t.dims()).asLongStream().toArray());
    }

    static Node constantNode(GraphBuilder g, String name, OvTensor v) {
        byte[] bytes = v.toBytes();
        return g.constant(name, v.elementType(), java.util.Arrays.stream(v.dims()).asLongStream().toArray(),
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
    }

    static OvTensor f32(double[] values, int... shape) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return OvTensor.of(f, shape);
    }

    static OvTensor f64(double[] values, int... shape) {
        return OvTensor.of(Tensor.of(values, Shape.of(shape)));
    }

    /** Seeded uniform values in [lo, hi), rounded to float32 so that a float64 reference sees the same inputs. */
    static double[] uniform(long seed, int n, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return out;
    }

    static int size(int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
