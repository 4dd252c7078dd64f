package dev.adjoint.openvino.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.openvino.ir.ElementType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Element types, their carriers, range checks and byte encodings. */
class OvTensorTest {

    @Test
    void valuesMustFitTheirType() {
        EngineException range = assertThrows(EngineException.class,
                () -> OvTensor.of(ElementType.U8, Tensor.of(new int[] {0, 300, -1}, Shape.of(3))));
        assertEquals("values -1..300 do not fit element type u8 (0..255)", range.getMessage());
        EngineException fraction = assertThrows(EngineException.class,
                () -> OvTensor.of(ElementType.I32, Tensor.of(new float[] {1.5f}, Shape.of(1))));
        assertEquals("values for element type i32 must be integral, got float32 values with a fraction",
                fraction.getMessage());
        EngineException packed = assertThrows(EngineException.class,
                () -> OvTensor.of(ElementType.U4, Tensor.of(new int[] {1}, Shape.of(1))));
        assertEquals("element type u4 is only supported in constants", packed.getMessage());
        OvTensor ok = OvTensor.of(ElementType.I16, Tensor.of(new float[] {-32768, 7}, Shape.of(2)));
        assertEquals(DType.INT32, ok.tensor().dtype());
        assertArrayEquals(new int[] {-32768, 7}, ok.toIntArray());
    }

    @Test
    void halfPrecisionRoundsOnTheWayIn() {
        OvTensor h = OvTensor.of(ElementType.F16, Tensor.of(new float[] {0.1f, 1e5f, -1e5f}, Shape.of(3)));
        assertArrayEquals(new float[] {Float.float16ToFloat(Float.floatToFloat16(0.1f)), 65504, -65504},
                h.toFloatArray());
        OvTensor b = OvTensor.of(ElementType.BF16, Tensor.of(new float[] {1.00390625f, 3f}, Shape.of(2)));
        // 1 + 2^-8 is a tie between bf16 neighbours 1 and 1 + 2^-7: it rounds to the even one, 1.
        assertArrayEquals(new float[] {1f, 3f}, b.toFloatArray());
    }

    @Test
    void bytesRoundTripForEveryRunnableType() {
        int[] values = {0, 1, 5, 7};
        for (ElementType t : ElementType.values()) {
            if (t == ElementType.I4 || t == ElementType.U4 || t == ElementType.U1 || t == ElementType.BOOLEAN) {
                continue;
            }
            OvTensor v = OvTensor.of(t, Tensor.of(values, Shape.of(2, 2)));
            OvTensor back = OvTensor.fromBytes(t, new int[] {2, 2}, ByteBuffer.wrap(v.toBytes()));
            assertEquals(v, back, t.toString());
            assertEquals(4 * t.bitWidth() / 8, v.toBytes().length, t.toString());
        }
        // Packed constants decode low nibble first (u4/i4) and most significant bit first (u1), as OpenVINO packs.
        OvTensor i4 = OvTensor.fromBytes(ElementType.I4, new int[] {4}, ByteBuffer.wrap(new byte[] {(byte) 0xF7, 0x18}));
        assertArrayEquals(new int[] {7, -1, -8, 1}, i4.toIntArray());
        OvTensor u1 = OvTensor.fromBytes(ElementType.U1, new int[] {3}, ByteBuffer.wrap(new byte[] {(byte) 0xA0}));
        assertArrayEquals(new int[] {1, 0, 1}, u1.toIntArray());
        ByteBuffer shortData = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        EngineException e = assertThrows(EngineException.class,
                () -> OvTensor.fromBytes(ElementType.F32, new int[] {2}, shortData));
        assertEquals("shape (2,) of f32 needs 8 bytes, got 4", e.getMessage());
    }

    @Test
    void convertWrapsAndPrints() {
        OvTensor x = OvTensor.of(Tensor.of(new int[] {-1, 256, 128}, Shape.of(3)));
        assertArrayEquals(new int[] {255, 0, 128}, x.convert(ElementType.U8).toIntArray());
        assertArrayEquals(new int[] {-1, 0, -128}, x.convert(ElementType.I8).toIntArray());
        assertEquals("OvTensor(u8, [255   0 128], shape=(3,))", x.convert(ElementType.U8).toString());
    }
}
