package dev.adjoint.openvino.optimizer;

import static dev.adjoint.openvino.optimizer.Support.assertSame;
import static dev.adjoint.openvino.optimizer.Support.count;
import static dev.adjoint.openvino.optimizer.Support.floats;
import static dev.adjoint.openvino.optimizer.Support.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.Fp16Compression;
import dev.adjoint.openvino.ir.GraphBuilder;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.PartialShape;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** ShapeOf and constant folding, no-op removal, constant de-duplication and unused-input removal. */
class FoldingPassesTest {
    private static final Attributes NUMPY = Attributes.of("auto_broadcast", "numpy");

    /** y = x + reshape(a, [2,3]) * b, with a, b constants: the right side folds to one constant. */
    @Test
    void constantSubgraphFoldsThroughTheEngineKernels() {
        float[] a = floats(1, 6);
        float[] b = floats(2, 6);
        GraphBuilder g = new GraphBuilder("fold");
        Node x = g.parameter("x", ElementType.F32, PartialShape.of(2, 3));
        Node ca = g.constant("a", new long[] {6}, a);
        Node shape = g.constantI64("shape", new long[] {2}, 2, 3);
        Node ra = g.op("Reshape", 1, "ra", Attributes.of("special_zero", false), ca.output(0), shape.output(0));
        Node cb = g.constant("b", new long[] {2, 3}, b);
        Node mul = g.op("Multiply", 1, "mul", NUMPY, ra.output(0), cb.output(0));
        Node y = g.op("Add", 1, "y", NUMPY, x.output(0), mul.output(0));
        g.setTensorNames(y.output(0), List.of("y"));
        g.result("out", y.output(0));
        IrModel m = g.build();

        Pass.Result r = new ConstantFolding().apply(m);
        assertEquals(2, r.changes(), "Reshape and Multiply folded");
        assertEquals(0, count(r.model(), "Multiply"));
        assertEquals(0, count(r.model(), "Reshape"));
        assertEquals(1, count(r.model(), "Constant"));
        Node folded = r.model().node("mul").orElseThrow();
        assertTrue(folded.is("Constant"));
        float[] foldedValues = ConstantFoldingValues.floats(folded);
        for (int i = 0; i < 6; i++) {
            assertEquals(a[i] * b[i], foldedValues[i], 0f, "a*b in float32, element " + i);
        }
        OvTensor in = OvTensor.of(floats(3, 6), 2, 3);
        assertSame(run(m, List.of(in)), run(r.model(), List.of(in)));
        assertEquals(Set.of("y"), r.model().results().get(0).input(0).names());
    }

    /** A Broadcast of a scalar to more than MAX_GROWTH_ELEMENTS stays an op; f16 weight decompression stays. */
    @Test
    void growthAndDecompressionAreNotFolded() {
        GraphBuilder g = new GraphBuilder("big");
        Node x = g.parameter("x", ElementType.F32, PartialShape.of(1, 2048, 1024));
        Node one = g.constant("one", new long[0], 2f);
        Node target = g.constantI64("target", new long[] {3}, 1, 2048, 1024);
        Node big = g.op("Broadcast", 3, "big", Attributes.of("mode", "numpy"), one.output(0), target.output(0));
        Node y = g.op("Multiply", 1, "y", NUMPY, x.output(0), big.output(0));
        g.result("out", y.output(0));
        Pass.Result r = new ConstantFolding().apply(g.build());
        assertEquals(0, r.changes());
        assertEquals(1, count(r.model(), "Broadcast"));

        GraphBuilder h = new GraphBuilder("f16");
        Node hx = h.parameter("x", ElementType.F32, PartialShape.of(4));
        Node w = h.constant("w", new long[] {4}, 1f, 2f, 3f, 4f);
        h.result("out", h.op("Add", 1, "y", NUMPY, hx.output(0), w.output(0)).output(0));
        IrModel compressed = Fp16Compression.apply(h.build());
        Pass.Result r2 = new ConstantFolding().apply(compressed);
        assertEquals(0, r2.changes(), "the decompression Convert of an f16 weight is kept");
        assertEquals(1, count(r2.model(), "Convert"));
    }

    /** reshape(x, concat(gather(shapeof(x), 0), [-1])): ShapeOf becomes a constant, then the subgraph folds. */
    @Test
    void shapeOfSubgraphOfAStaticShapeFolds() {
        IrModel m = flattenModel(PartialShape.of(2, 3, 4));
        Pass.Result s = new ShapeOfFolding().apply(m);
        assertEquals(1, s.changes());
        assertEquals(0, count(s.model(), "ShapeOf"));
        Pass.Result c = new ConstantFolding().apply(s.model());
        assertEquals(2, c.changes(), "Gather and Concat");
        assertEquals(1, Support.count(c.model(), "Reshape"));
        assertEquals(0, count(c.model(), "Gather") + count(c.model(), "Concat"));
        OvTensor in = OvTensor.of(floats(4, 24), 2, 3, 4);
        List<OvTensor> want = run(m, List.of(in));
        assertArrayEquals(new int[] {2, 12}, want.get(0).dims());
        assertSame(want, run(c.model(), List.of(in)));

        Pass.Result dynamic = new ShapeOfFolding().apply(flattenModel(PartialShape.parse("?,3,4")));
        assertEquals(0, dynamic.changes(), "a dynamic shape is not known");
        assertEquals(1, count(dynamic.model(), "ShapeOf"));
    }

    static IrModel flattenModel(PartialShape shape) {
        GraphBuilder g = new GraphBuilder("flatten");
        Node x = g.parameter("x", ElementType.F32, shape);
        Node s = g.op("ShapeOf", 3, "shape", Attributes.of("output_type", ElementType.I64), x.output(0));
        Node idx = g.constantI64("idx", new long[] {1}, 0);
        Node axis = g.constantI64("axis", new long[0], 0);
        Node batch = g.op("Gather", 8, "batch", Attributes.of("batch_dims", 0L), s.output(0), idx.output(0),
                axis.output(0));
        Node rest = g.constantI64("rest", new long[] {1}, -1);
        Node target = g.op("Concat", 0, "target", Attributes.of("axis", 0L), batch.output(0), rest.output(0));
        Node y = g.op("Reshape", 1, "y", Attributes.of("special_zero", false), x.output(0), target.output(0));
        g.result("out", y.output(0));
        return g.build();
    }

    /** Pass-through ops go; a real Transpose and a Multiply by 2 stay. */
    @Test
    void passThroughOpsAreRemoved() {
        GraphBuilder g = new GraphBuilder("nops");
        Node x = g.parameter("x", ElementType.F32, PartialShape.of(2, 3));
        Node conv = g.op("Convert", 0, "same_type", Attributes.of("destination_type", ElementType.F32), x.output(0));
        Node shape = g.constantI64("shape", new long[] {2}, 2, 3);
        Node re = g.op("Reshape", 1, "same_shape", Attributes.of("special_zero", false), conv.output(0),
                shape.output(0));
        Node id = g.constantI64("id", new long[] {2}, 0, 1);
        Node t = g.op("Transpose", 1, "identity_order", Attributes.empty(), re.output(0), id.output(0));
        Node ones = g.constant("ones", new long[] {1, 3}, 1f, 1f, 1f);
        Node m1 = g.op("Multiply", 1, "times_one", NUMPY, t.output(0), ones.output(0));
        Node swap = g.constantI64("swap", new long[] {2}, 1, 0);
        Node t2 = g.op("Transpose", 1, "real_transpose", Attributes.empty(), m1.output(0), swap.output(0));
        Node two = g.constant("two", new long[0], 2f);
        Node y = g.op("Multiply", 1, "times_two", NUMPY, t2.output(0), two.output(0));
        g.result("out", y.output(0));
        IrModel m = g.build();
        Pass.Result r = new DeadNodeRemoval().apply(m);
        assertEquals(4, r.changes());
        assertEquals(2, ModelOptimizer.ops(r.model()), "the real Transpose and the Multiply by 2");
        OvTensor in = OvTensor.of(floats(5, 6), 2, 3);
        assertSame(run(m, List.of(in)), run(r.model(), List.of(in)));
    }

    /** Two identical constants become one; a constant with other bytes stays. */
    @Test
    void identicalConstantsAreMerged() {
        float[] v = floats(6, 3);
        GraphBuilder g = new GraphBuilder("dups");
        Node x = g.parameter("x", ElementType.F32, PartialShape.of(3));
        Node c1 = g.constant("c1", new long[] {3}, v);
        Node c2 = g.constant("c2", new long[] {3}, v.clone());
        Node c3 = g.constant("c3", new long[] {3}, v[0], v[1], v[2] + 1);
        Node a = g.op("Add", 1, "a", NUMPY, x.output(0), c1.output(0));
        Node b = g.op("Multiply", 1, "b", NUMPY, a.output(0), c2.output(0));
        Node y = g.op("Subtract", 1, "y", NUMPY, b.output(0), c3.output(0));
        g.result("out", y.output(0));
        IrModel m = g.build();
        Pass.Result r = new ConstantDeduplication().apply(m);
        assertEquals(1, r.changes());
        assertEquals(2, count(r.model(), "Constant"));
        OvTensor in = OvTensor.of(floats(7, 3), 3);
        assertSame(run(m, List.of(in)), run(r.model(), List.of(in)));
    }

    /** An input only a folded ShapeOf read goes; the others keep their order and names. */
    @Test
    void unusedInputsAreRemovedAfterShapeOfFolding() {
        GraphBuilder g = new GraphBuilder("unused");
        Node a = g.parameter("a", ElementType.F32, PartialShape.of(2));
        Node shapeOnly = g.parameter("shape_only", ElementType.F32, PartialShape.of(5, 2));
        Node b = g.parameter("b", ElementType.F32, PartialShape.of(2));
        g.setTensorNames(b.output(0), List.of("b_tensor"));
        Node s = g.op("ShapeOf", 3, "s", Attributes.of("output_type", ElementType.I64), shapeOnly.output(0));
        Node sf = g.op("Convert", 0, "sf", Attributes.of("destination_type", ElementType.F32), s.output(0));
        Node sum = g.op("Add", 1, "sum", NUMPY, a.output(0), b.output(0));
        g.result("out", g.op("Multiply", 1, "y", NUMPY, sum.output(0), sf.output(0)).output(0));
        IrModel m = g.build();
        assertEquals(0, new UnusedInputRemoval().apply(m).changes(), "ShapeOf still reads it");
        IrModel folded = new ConstantFolding().apply(new ShapeOfFolding().apply(m).model()).model();
        Pass.Result r = new UnusedInputRemoval().apply(folded);
        assertEquals(1, r.changes());
        assertEquals(List.of("a", "b"), r.model().parameters().stream().map(Node::name).toList());
        assertEquals(Set.of("b_tensor"), r.model().parameters().get(1).outputs().get(0).names());
        OvTensor va = OvTensor.of(floats(8, 2), 2);
        OvTensor vb = OvTensor.of(floats(9, 2), 2);
        OvTensor vs = OvTensor.of(floats(10, 10), 5, 2);
        List<OvTensor> want = run(m, List.of(va, vs, vb));
        double[] w = want.get(0).toDoubleArray();
        float[] fa = va.toFloatArray();
        float[] fb = vb.toFloatArray();
        assertEquals((fa[0] + fb[0]) * 5f, w[0], 0);
        assertEquals((fa[1] + fb[1]) * 2f, w[1], 0);
        assertSame(want, run(r.model(), List.of(va, vb)));
    }
}
