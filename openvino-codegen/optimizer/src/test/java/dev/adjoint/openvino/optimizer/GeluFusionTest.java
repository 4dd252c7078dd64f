package dev.adjoint.openvino.optimizer;

import static dev.adjoint.openvino.optimizer.Support.assertClose;
import static dev.adjoint.openvino.optimizer.Support.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.GraphBuilder;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.NodeOutput;
import dev.adjoint.openvino.ir.PartialShape;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link GeluFusion}: each grouping of {@code 0.5 x (1 + erf(x / sqrt(2)))} that exporters write becomes one
 * Gelu-7, whose outputs match the unfused chain's on the engine (1e-6 relative, 1e-6 absolute, over [-6, 6), zeros,
 * a tiny value, NaN and +inf; at -inf the chain's -inf * 0 is NaN where Gelu gives its limit, 0); chains that are
 * not exactly GELU, or whose pieces are read elsewhere, stay as they are.
 */
class GeluFusionTest {
    private static final Attributes NUMPY = Attributes.of("auto_broadcast", "numpy");
    private static final float SQRT2 = (float) Math.sqrt(2);

    /** How the chain is written: which grouping of the final product, and how x is scaled. */
    private enum Form { X_TIMES_H_THEN_HALF, HALF_X_TIMES_H, X_TIMES_HALF_H }

    /** Builds {@code relu(gelu(x))} with the GELU written out in {@code form}; {@code half} is the 0.5 constant. */
    private static IrModel model(Form form, boolean multiplyByInverse, boolean swapped, float half, long[] halfShape,
            boolean erfReadTwice) {
        GraphBuilder g = new GraphBuilder("gelu");
        Node x = g.parameter("x", ElementType.F32, PartialShape.of(3, 40));
        NodeOutput xv = x.output(0);
        NodeOutput scaled = multiplyByInverse
                ? binary(g, "Multiply", "scale", swapped, xv, g.constant("inv_sqrt2", new long[0], 1 / SQRT2).output(0))
                : g.op("Divide", 1, "scale", Attributes.of("auto_broadcast", "numpy", "m_pythondiv", true), xv,
                        g.constant("sqrt2", new long[0], SQRT2).output(0)).output(0);
        NodeOutput erf = g.op("Erf", 0, "erf", Attributes.empty(), scaled).output(0);
        NodeOutput h = binary(g, "Add", "plus_one", swapped, erf, g.constant("one", new long[0], 1f).output(0));
        NodeOutput halfValue = g.constant("half", halfShape, half).output(0);
        NodeOutput gelu = switch (form) {
            case X_TIMES_H_THEN_HALF -> binary(g, "Multiply", "gelu", swapped,
                    binary(g, "Multiply", "x_h", swapped, xv, h), halfValue);
            case HALF_X_TIMES_H -> binary(g, "Multiply", "gelu", swapped,
                    binary(g, "Multiply", "half_x", swapped, halfValue, xv), h);
            case X_TIMES_HALF_H -> binary(g, "Multiply", "gelu", swapped, xv,
                    binary(g, "Multiply", "half_h", swapped, h, halfValue));
        };
        g.setTensorNames(gelu, List.of("activation"));
        g.result("out", g.op("Relu", 0, "relu", Attributes.empty(), gelu).output(0));
        if (erfReadTwice) {
            g.result("erf_out", erf);
        }
        return g.build();
    }

    private static NodeOutput binary(GraphBuilder g, String type, String name, boolean swapped, NodeOutput a,
            NodeOutput b) {
        return g.op(type, 1, name, NUMPY, swapped ? b : a, swapped ? a : b).output(0);
    }

    private static List<OvTensor> input() {
        SplittableRandom random = new SplittableRandom(81);
        float[] v = new float[120];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextDouble(-6, 6);
        }
        v[0] = Float.POSITIVE_INFINITY;
        v[1] = 0f;
        v[2] = -0f;
        v[3] = 1e-30f;
        v[4] = Float.NaN;
        return List.of(OvTensor.of(v, 3, 40));
    }

    /** A [3, 40] input of {@code value} everywhere. */
    private static List<OvTensor> filled(float value) {
        float[] v = new float[120];
        Arrays.fill(v, value);
        return List.of(OvTensor.of(v, 3, 40));
    }

    @Test
    void everyGroupingAndOperandOrderBecomesOneGelu() {
        for (Form form : Form.values()) {
            for (boolean inverse : new boolean[] {false, true}) {
                for (boolean swapped : new boolean[] {false, true}) {
                    String what = form + (inverse ? ", x * (1/sqrt2)" : ", x / sqrt2") + (swapped ? ", swapped" : "");
                    IrModel m = model(form, inverse, swapped, 0.5f, new long[0], false);
                    Pass.Result r = new GeluFusion().apply(m);
                    assertEquals(1, r.changes(), what);
                    assertEquals(List.of("Gelu", "Relu"), FusionPassesTest.opTypes(r.model()), what);
                    Node gelu = r.model().nodes().stream().filter(n -> n.is("Gelu")).findFirst().orElseThrow();
                    assertEquals(7, gelu.type().version(), what);
                    assertEquals("ERF", gelu.attributes().getString("approximation_mode"), what);
                    assertTrue(gelu.output(0).names().contains("activation"), what + ": the tensor name moves");
                    assertClose(run(m, input()), run(r.model(), input()), 1e-6, 1e-6);
                    // At -inf the chain computes -inf * 0, NaN; Gelu gives its limit, 0 (ReLU of -0).
                    List<OvTensor> minusInfinity = filled(Float.NEGATIVE_INFINITY);
                    assertTrue(Float.isNaN(run(m, minusInfinity).get(0).toFloatArray()[0]), what);
                    assertEquals(0f, run(r.model(), minusInfinity).get(0).toFloatArray()[0], what);
                }
            }
        }
    }

    @Test
    void chainsThatAreNotExactlyGeluStay() {
        // Another factor than 0.5.
        assertEquals(0, new GeluFusion().apply(model(Form.X_TIMES_H_THEN_HALF, false, false, 0.49f, new long[0],
                false)).changes());
        // erf(x / sqrt2) is also an output of the model: it must still be computed.
        IrModel shared = model(Form.HALF_X_TIMES_H, false, false, 0.5f, new long[0], true);
        Pass.Result r = new GeluFusion().apply(shared);
        assertEquals(0, r.changes());
        assertEquals(FusionPassesTest.opTypes(shared), FusionPassesTest.opTypes(r.model()));
        // A 0.5 of shape [1, 1, 1] makes the result rank 3, which Gelu(x) would not be.
        assertEquals(0, new GeluFusion().apply(model(Form.X_TIMES_HALF_H, true, false, 0.5f, new long[] {1, 1, 1},
                false)).changes());
        // x / sqrt2 of another value than the one multiplied.
        GraphBuilder g = new GraphBuilder("two_inputs");
        NodeOutput x = g.parameter("x", ElementType.F32, PartialShape.of(4)).output(0);
        NodeOutput y = g.parameter("y", ElementType.F32, PartialShape.of(4)).output(0);
        NodeOutput erf = g.op("Erf", 0, "erf", Attributes.empty(), g.op("Divide", 1, "scale",
                Attributes.of("auto_broadcast", "numpy", "m_pythondiv", true), y,
                g.constant("sqrt2", new long[0], SQRT2).output(0)).output(0)).output(0);
        NodeOutput h = g.op("Add", 1, "plus_one", NUMPY, erf, g.constant("one", new long[0], 1f).output(0)).output(0);
        NodeOutput xh = g.op("Multiply", 1, "x_h", NUMPY, x, h).output(0);
        g.result("out", g.op("Multiply", 1, "gelu", NUMPY, xh, g.constant("half", new long[0], 0.5f).output(0))
                .output(0));
        assertEquals(0, new GeluFusion().apply(g.build()).changes());
    }
}
