package dev.adjoint.openvino.optimizer;

import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.GraphBuilder;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.PartialShape;
import java.util.List;

/** Small networks with seeded weights for pipeline tests. */
final class FusionModels {
    private FusionModels() {
    }

    private static final Attributes NUMPY = Attributes.of("auto_broadcast", "numpy");

    /**
     * x [N,3,H,W] → conv 3x3 (4 channels) → bias Add → BatchNorm → Relu → flatten through ShapeOf/Gather/Concat →
     * MatMul → Add: what an exporter writes for a tiny classifier.
     */
    static IrModel convNet(PartialShape input) {
        GraphBuilder g = new GraphBuilder("convnet");
        Node x = g.parameter("x", ElementType.F32, input);
        g.setTensorNames(x.output(0), List.of("x"));
        Attributes conv = Attributes.of("strides", List.of(1L, 1L), "dilations", List.of(1L, 1L), "pads_begin",
                List.of(1L, 1L), "pads_end", List.of(1L, 1L), "auto_pad", "explicit");
        Node c = g.op("Convolution", 1, "conv", conv, x.output(0),
                g.constant("conv.weight", new long[] {4, 3, 3, 3}, Support.floats(61, 108)).output(0));
        Node b = g.op("Add", 1, "conv.bias_add", NUMPY, c.output(0),
                g.constant("conv.bias", new long[] {1, 4, 1, 1}, Support.floats(62, 4)).output(0));
        float[] var = Support.floats(63, 4);
        for (int i = 0; i < var.length; i++) {
            var[i] = Math.abs(var[i]) + 0.2f;
        }
        Node bn = g.op("BatchNormInference", 5, "bn", Attributes.of("epsilon", 1e-5), b.output(0),
                g.constant("bn.gamma", new long[] {4}, Support.floats(64, 4)).output(0),
                g.constant("bn.beta", new long[] {4}, Support.floats(65, 4)).output(0),
                g.constant("bn.mean", new long[] {4}, Support.floats(66, 4)).output(0),
                g.constant("bn.var", new long[] {4}, var).output(0));
        Node relu = g.op("Relu", 0, "relu", Attributes.empty(), bn.output(0));
        Node s = g.op("ShapeOf", 3, "shape", Attributes.of("output_type", ElementType.I64), relu.output(0));
        Node batch = g.op("Gather", 8, "batch", Attributes.of("batch_dims", 0L), s.output(0),
                g.constantI64("zero", new long[] {1}, 0).output(0), g.constantI64("axis", new long[0], 0).output(0));
        Node target = g.op("Concat", 0, "target", Attributes.of("axis", 0L), batch.output(0),
                g.constantI64("minus_one", new long[] {1}, -1).output(0));
        Node flat = g.op("Reshape", 1, "flatten", Attributes.of("special_zero", false), relu.output(0),
                target.output(0));
        long features = input.isStatic() ? 4 * input.get(2).length() * input.get(3).length() : 4 * 64;
        Node fc = g.op("MatMul", 0, "fc", Attributes.of("transpose_a", false, "transpose_b", true), flat.output(0),
                g.constant("fc.weight", new long[] {5, features}, Support.floats(67, (int) (5 * features)))
                        .output(0));
        Node logits = g.op("Add", 1, "logits", NUMPY, fc.output(0),
                g.constant("fc.bias", new long[] {5}, Support.floats(68, 5)).output(0));
        g.setTensorNames(logits.output(0), List.of("logits"));
        g.result("out", logits.output(0));
        return g.build();
    }
}
