package dev.adjoint.openvino.ir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Decodes the little-endian element bytes of a {@code Constant} into Java numbers. */
public final class ConstantValues {
    private ConstantValues() {
    }

    /** Element {@code i} as a double (integers widen, u64 above 2^63 wraps into the negative range). */
    public static double getDouble(ElementType type, ByteBuffer data, int i) {
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int base = b.position();
        return switch (type) {
            case F32 -> b.getFloat(base + 4 * i);
            case F64 -> b.getDouble(base + 8 * i);
            case F16 -> Float.float16ToFloat(b.getShort(base + 2 * i));
            case BF16 -> Float.intBitsToFloat((b.getShort(base + 2 * i) & 0xFFFF) << 16);
            default -> getLong(type, data, i);
        };
    }

    /** Element {@code i} as a long; floating-point values are truncated toward zero. */
    public static long getLong(ElementType type, ByteBuffer data, int i) {
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int base = b.position();
        return switch (type) {
            case BOOLEAN -> b.get(base + i) != 0 ? 1 : 0;
            case I8 -> b.get(base + i);
            case U8 -> b.get(base + i) & 0xFF;
            case I16 -> b.getShort(base + 2 * i);
            case U16 -> b.getShort(base + 2 * i) & 0xFFFF;
            case I32 -> b.getInt(base + 4 * i);
            case U32 -> b.getInt(base + 4 * i) & 0xFFFFFFFFL;
            case I64, U64 -> b.getLong(base + 8 * i);
            // Sub-byte types are packed low nibble first (u4/i4) and most significant bit first (u1), as OpenVINO does.
            case U4 -> (b.get(base + i / 2) >> (4 * (i % 2))) & 0xF;
            case I4 -> {
                int nibble = (b.get(base + i / 2) >> (4 * (i % 2))) & 0xF;
                yield nibble >= 8 ? nibble - 16 : nibble;
            }
            case U1 -> (b.get(base + i / 8) >> (7 - i % 8)) & 1;
            case F16, BF16, F32, F64 -> (long) getDouble(type, data, i);
        };
    }

    public static long[] toLongs(ElementType type, ByteBuffer data, int count) {
        long[] out = new long[count];
        for (int i = 0; i < count; i++) {
            out[i] = getLong(type, data, i);
        }
        return out;
    }

    public static double[] toDoubles(ElementType type, ByteBuffer data, int count) {
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = getDouble(type, data, i);
        }
        return out;
    }
}
