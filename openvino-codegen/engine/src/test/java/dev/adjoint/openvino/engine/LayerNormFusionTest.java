package dev.adjoint.openvino.engine;

import static dev.adjoint.openvino.engine.ConvolutionFusionTest.add;
import static dev.adjoint.openvino.engine.ConvolutionFusionTest.c;
import static dev.adjoint.openvino.engine.ConvolutionFusionTest.random;
import static dev.adjoint.openvino.engine.MatMulFusionTest.check;

import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.Dimension;
import dev.adjoint.openvino.ir.GraphBuilder;
import dev.adjoint.openvino.ir.NodeOutput;
import dev.adjoint.openvino.ir.PartialShape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A layer norm's scale and shift folded into its MVN ({@link EpilogueFusion}, as {@code Tensor.layerNorm}) give,
 * element for element, what the three layers give one by one (fusion off), and are folded only for an MVN that is a
 * layer norm over trailing axes, with constants of the normalized axes' shape that nothing else reads past.
 */
class LayerNormFusionTest {
    private static NodeOutput mvn(GraphBuilder g, NodeOutput x, String epsMode, long... axes) {
        return g.op("MVN", 6, "mvn", Attributes.of("normalize_variance", true, "eps", 1e-5, "eps_mode", epsMode), x,
                g.constantI64("axes", new long[] {axes.length}, axes).output(0)).output(0);
    }

    private static NodeOutput mul(GraphBuilder g, NodeOutput a, NodeOutput b) {
        return g.op("Multiply", 1, "scale", Attributes.empty(), a, b).output(0);
    }

    @Test
    void layerNormsFoldTheirScaleAndShift() {
        SplittableRandom r = new SplittableRandom(3);
        // ONNX's LayerNormalization as converted: axes [-1], scale and shift [N], a dynamic batch.
        check("last axis", PartialShape.of(Dimension.dynamic(), Dimension.of(37)), new int[] {4, 37},
                (g, x) -> g.result("y", add(g, "shift", mul(g, mvn(g, x, "inside_sqrt", -1),
                        c(g, "s", new long[] {37}, random(r, 37, 1.5))), c(g, "b", new long[] {37}, random(r, 37, 1)))),
                1, 3);
        // Tokens [2, 3, 16]: constants with leading 1s, the scale on the Multiply's left, the shift on the Add's.
        check("tokens", PartialShape.of(2, 3, 16), new int[] {2, 3, 16},
                (g, x) -> g.result("y", add(g, "shift", c(g, "b", new long[] {1, 1, 16}, random(r, 16, 1)),
                        mul(g, c(g, "s", new long[] {1, 16}, random(r, 16, 1.5)), mvn(g, x, "inside_sqrt", 2)))),
                1, 3);
        // Two normalized axes; the shift has only the last, which the Add broadcasts over the other.
        check("two axes", PartialShape.of(2, 3, 5), new int[] {2, 3, 5},
                (g, x) -> g.result("y", add(g, "shift", mul(g, mvn(g, x, "inside_sqrt", 1, 2),
                        c(g, "s", new long[] {3, 5}, random(r, 15, 1.5))), c(g, "b", new long[] {5}, random(r, 5, 1)))),
                1, 3);
    }

    @Test
    void foldsOnlyLayerNormsAndTheirOwnConstants() {
        SplittableRandom r = new SplittableRandom(4);
        // A scale per element (its batch axis is not 1): three layers.
        check("per-element scale", PartialShape.of(2, 8), new int[] {2, 8},
                (g, x) -> g.result("y", add(g, "shift", mul(g, mvn(g, x, "inside_sqrt", 1),
                        c(g, "s", new long[] {2, 8}, random(r, 16, 1.5))), c(g, "b", new long[] {8}, random(r, 8, 1)))),
                3, 3);
        // Normalized over a leading axis, and with eps outside the root: not a layer norm.
        check("leading axis", PartialShape.of(4, 6), new int[] {4, 6},
                (g, x) -> g.result("y", add(g, "shift", mul(g, mvn(g, x, "inside_sqrt", 0),
                        c(g, "s", new long[] {6}, random(r, 6, 1.5))), c(g, "b", new long[] {6}, random(r, 6, 1)))),
                3, 3);
        check("outside sqrt", PartialShape.of(4, 6), new int[] {4, 6},
                (g, x) -> g.result("y", add(g, "shift", mul(g, mvn(g, x, "outside_sqrt", 1),
                        c(g, "s", new long[] {6}, random(r, 6, 1.5))), c(g, "b", new long[] {6}, random(r, 6, 1)))),
                3, 3);
        // The scaled value is also an output: nothing folds.
        check("read scaled", PartialShape.of(4, 6), new int[] {4, 6}, (g, x) -> {
            NodeOutput scaled = mul(g, mvn(g, x, "inside_sqrt", 1), c(g, "s", new long[] {6}, random(r, 6, 1.5)));
            g.result("scaled", scaled);
            g.result("y", add(g, "shift", scaled, c(g, "b", new long[] {6}, random(r, 6, 1))));
        }, 3, 3);
        // The shift is a value, not a constant.
        check("value shift", PartialShape.of(4, 6), new int[] {4, 6}, (g, x) -> g.result("y",
                add(g, "shift", mul(g, mvn(g, x, "inside_sqrt", 1), c(g, "s", new long[] {6}, random(r, 6, 1.5))), x)),
                3, 3);
    }
}
