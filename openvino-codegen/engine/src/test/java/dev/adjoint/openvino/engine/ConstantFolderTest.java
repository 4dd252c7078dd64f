package dev.adjoint.openvino.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.GraphBuilder;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.PartialShape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The public face of the compiler's constant folding, as the model optimizer uses it. */
class ConstantFolderTest {
    private final ConstantFolder folder = ConstantFolder.cpu();

    @Test
    void foldsWithTheEngineKernelAndDeclaredTypes() {
        GraphBuilder g = new GraphBuilder("f");
        Node a = g.constant("a", new long[] {3}, 1.5f, -2f, 0.25f);
        Node b = g.constant("b", new long[] {1}, 4f);
        Node mul = g.op("Multiply", 1, "mul", Attributes.of("auto_broadcast", "numpy"), a.output(0), b.output(0));
        Node conv = g.op("Convert", 0, "to_i32", Attributes.of("destination_type", ElementType.I32), mul.output(0));
        assertTrue(folder.canFold(mul));
        OvTensor va = ConstantFolder.value(a);
        assertArrayEquals(new float[] {1.5f, -2f, 0.25f}, va.toFloatArray());
        List<OvTensor> out = folder.fold(mul, List.of(va, ConstantFolder.value(b)));
        assertArrayEquals(new float[] {6f, -8f, 1f}, out.get(0).toFloatArray());
        OvTensor ints = folder.fold(conv, out).get(0);
        assertEquals(ElementType.I32, ints.elementType());
        assertArrayEquals(new int[] {6, -8, 1}, ints.toIntArray());
    }

    @Test
    void shapeOfOfAStaticShapeNeedsNoValue() {
        GraphBuilder g = new GraphBuilder("s");
        Node x = g.parameter("x", ElementType.F32, PartialShape.of(2, 5, 7));
        Node s = g.op("ShapeOf", 3, "s", Attributes.of("output_type", ElementType.I32), x.output(0));
        OvTensor shape = folder.fold(s, List.of()).get(0);
        assertEquals(ElementType.I32, shape.elementType());
        assertArrayEquals(new int[] {2, 5, 7}, shape.toIntArray());
    }

    @Test
    void infrastructureAndBadValuesAreRefusedByName() {
        GraphBuilder g = new GraphBuilder("r");
        Node x = g.parameter("x", ElementType.F32, PartialShape.of(2));
        assertFalse(folder.canFold(x));
        assertTrue(assertThrows(EngineException.class, () -> folder.fold(x, List.of())).getMessage()
                .startsWith("layer 'x' (Parameter"));
        Node a = g.constant("a", new long[] {2}, 1f, 2f);
        Node shape = g.constantI64("shape", new long[] {1}, 2);
        Node re = g.op("Reshape", 1, "re", Attributes.of("special_zero", false), a.output(0), shape.output(0));
        // Values that do not fit the layer's declared output: the kernel's error, naming the layer.
        EngineException e = assertThrows(EngineException.class, () -> folder.fold(re,
                List.of(OvTensor.of(new float[] {1, 2, 3}, 3), ConstantFolder.value(shape))));
        assertTrue(e.getMessage().startsWith("layer 're' (Reshape"), e.getMessage());
    }
}
