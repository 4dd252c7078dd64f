package dev.adjoint.openvino.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class Fp16CompressionTest {

    /** All finite f16 values in ascending order with their bits: the reference rounds to the nearest by search. */
    private static final TreeMap<Double, Short> F16 = new TreeMap<>();

    static {
        for (int bits = 0; bits < 0x10000; bits++) {
            int exponent = (bits >> 10) & 0x1F;
            if (exponent == 0x1F) {
                continue; // inf and NaN
            }
            int mantissa = bits & 0x3FF;
            double magnitude = exponent == 0 ? mantissa * Math.pow(2, -24) : (1024 + mantissa) * Math.pow(2, exponent - 25);
            double v = (bits & 0x8000) != 0 ? -magnitude : magnitude;
            if (v == 0 && (bits & 0x8000) != 0) {
                continue; // keep +0 as the key for zero; -0 is handled by sign below
            }
            F16.put(v, (short) bits);
        }
    }

    /** Nearest f16 in float64 arithmetic, ties to the even mantissa, beyond ±65504 saturated. */
    private static short reference(float f) {
        double v = f;
        if (v >= 65504) {
            return F16.get(65504.0);
        }
        if (v <= -65504) {
            return F16.get(-65504.0);
        }
        var lo = F16.floorEntry(v);
        var hi = F16.ceilingEntry(v);
        short bits;
        if (lo.getKey() == v) {
            bits = lo.getValue();
        } else {
            double dl = v - lo.getKey();
            double dh = hi.getKey() - v;
            bits = dl < dh ? lo.getValue() : dh < dl ? hi.getValue() : ((lo.getValue() & 1) == 0 ? lo.getValue() : hi.getValue());
        }
        if ((bits & 0x7FFF) == 0 && (Float.floatToRawIntBits(f) < 0)) {
            return (short) 0x8000; // a negative value that rounds to zero keeps its sign
        }
        return bits;
    }

    @Test
    void conversionMatchesTheReference() {
        SplittableRandom r = new SplittableRandom(11);
        float[] edges = {0f, -0f, 1f, 65504f, 65519.99f, 65520f, 1e9f, -1e9f, Float.MAX_VALUE, 5.9604645e-8f,
            2.9802322e-8f, 2.9802326e-8f, 1e-9f, -1e-9f, 6.1035156e-5f, 1.0009766f, 1.0004883f, 1.0014648f,
            Float.MIN_VALUE, 0.1f, 2049f, 2051f};
        for (float f : edges) {
            assertEquals(reference(f), Fp16Compression.toF16(f), "value " + f);
        }
        for (int i = 0; i < 200_000; i++) {
            float f = switch (i % 3) {
                case 0 -> (float) ((r.nextDouble() - 0.5) * 200);
                case 1 -> Float.intBitsToFloat(r.nextInt());
                default -> (float) ((r.nextDouble() - 0.5) * 1e-4);
            };
            if (Float.isNaN(f)) {
                continue;
            }
            assertEquals(reference(f), Fp16Compression.toF16(f), "value " + f);
        }
        assertEquals((short) 0x7BFF, Fp16Compression.toF16(Float.POSITIVE_INFINITY));
        assertEquals((short) 0xFBFF, Fp16Compression.toF16(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(Float.float16ToFloat(Fp16Compression.toF16(Float.NaN))));
    }

    @Test
    void compressedModelHasConstF16ThenDecompressionConvert() throws IrFormatException {
        GraphBuilder g = new GraphBuilder("fp16");
        Node x = g.parameter("x", ElementType.F32, PartialShape.of(4));
        Node w = g.constant("W", new long[] {4}, 0.1f, -2.5f, 70000f, 1e-9f);
        g.setTensorNames(w.output(0), Set.of("W:0"));
        g.putRtInfo(w, "fused_names", RtAttribute.of("0", "W"));
        Node big = g.constant("big", new long[] {4}, 1e6f, -1e6f, 1e-30f, 1f); // 3 of 4 out of range: kept
        Node shape = g.constantI64("idx", new long[] {1}, 0);
        Node s = g.op("Add", 1, "s", Attributes.empty(), x.output(0), w.output(0));
        s = g.op("Multiply", 1, "m", Attributes.empty(), s.output(0), big.output(0));
        s = g.op("Gather", 8, "g", Attributes.empty(), s.output(0), shape.output(0), g.constantI64("axis", new long[] {}, 0).output(0));
        g.result("y", s.output(0));
        IrModel m = g.build();
        IrWriter.Written written = IrWriter.toBytes(m, IrWriter.Options.fp16());
        assertTrue(written.xml().contains("<layer id=\"1\" name=\"W_compressed\" type=\"Const\" version=\"opset1\">"),
                written.xml());
        assertTrue(written.xml().contains("<data element_type=\"f16\" shape=\"4\" offset=\"0\" size=\"8\" />"));
        assertTrue(written.xml().contains("<attribute name=\"decompression\" version=\"0\" />"));
        IrModel back = new IrReader().read(written.xml().getBytes(StandardCharsets.UTF_8),
                ByteBuffer.wrap(written.bin()), "fp16.xml").model();
        Node convert = back.node("W").orElseThrow();
        assertEquals(new OpType("Convert", 0), convert.type());
        assertEquals(ElementType.F32, convert.outputs().get(0).type());
        assertEquals(Set.of("W:0"), convert.outputs().get(0).names());
        assertEquals(Set.of("decompression", "fused_names"), convert.rtInfo().keySet());
        Node half = convert.input(0).node();
        assertEquals("W_compressed", half.name());
        double[] values = ConstantValues.toDoubles(ElementType.F16, half.data().orElseThrow(), 4);
        assertEquals(0.0999755859375, values[0]); // nearest f16 to 0.1
        assertEquals(-2.5, values[1]);
        assertEquals(65504, values[2]); // saturated
        assertEquals(0, values[3]); // below half the smallest subnormal
        assertEquals(ElementType.F32, back.node("big").orElseThrow().outputs().get(0).type());
        assertEquals(ElementType.I64, back.node("idx").orElseThrow().outputs().get(0).type());
    }
}
