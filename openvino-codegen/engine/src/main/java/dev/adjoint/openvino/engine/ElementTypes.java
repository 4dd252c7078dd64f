package dev.adjoint.openvino.engine;

import dev.adjoint.core.DType;
import dev.adjoint.Tensor;
import dev.adjoint.openvino.ir.ElementType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * How IR element types are carried by {@link Tensor}s, whose dtypes are {@code bool int32 int64 float32 float64}:
 * f16 and bf16 in float32, i8 u8 i16 u16 (and the packed i4 u4 u1 of constants) in int32, u32 and u64 in int64.
 * Values of a narrow integer type are kept in its range by {@link #conform}, which wraps them as the C++ types
 * OpenVINO computes in would.
 */
public final class ElementTypes {
    private ElementTypes() {
    }

    /** The dtype a value of {@code type} is held in. */
    public static DType carrier(ElementType type) {
        return switch (type) {
            case BOOLEAN -> DType.BOOL;
            case F16, BF16, F32 -> DType.FLOAT32;
            case F64 -> DType.FLOAT64;
            case I4, U4, U1, I8, U8, I16, U16, I32 -> DType.INT32;
            case U32, I64, U64 -> DType.INT64;
        };
    }

    /** The element type a plain tensor of {@code dtype} stands for. */
    public static ElementType of(DType dtype) {
        return switch (dtype) {
            case BOOL -> ElementType.BOOLEAN;
            case INT32 -> ElementType.I32;
            case INT64 -> ElementType.I64;
            case FLOAT32 -> ElementType.F32;
            case FLOAT64 -> ElementType.F64;
        };
    }

    /** True for integer types narrower than their carrier, whose values must be wrapped into range. */
    static boolean isNarrowInteger(ElementType type) {
        return switch (type) {
            case I4, U4, U1, I8, U8, I16, U16, U32 -> true;
            default -> false;
        };
    }

    /** The smallest value of a narrow integer type. */
    static long minValue(ElementType type) {
        return type.isSigned() ? -(1L << (type.bitWidth() - 1)) : 0;
    }

    /** The largest value of a narrow integer type. */
    static long maxValue(ElementType type) {
        return type.isSigned() ? (1L << (type.bitWidth() - 1)) - 1 : (1L << type.bitWidth()) - 1;
    }

    /**
     * {@code value} as a value of {@code type}: cast to its carrier (floats truncate toward zero, non-zero is
     * true), wrapped into a narrow integer type's range (two's complement, as a C++ cast does), and rounded to
     * half precision for f16 and bf16.
     */
    static Tensor conform(Tensor value, ElementType type) {
        DType carrier = carrier(type);
        Tensor t = value.dtype() == carrier ? value : value.cast(carrier);
        if (isNarrowInteger(type)) {
            return wrap(t, type);
        }
        if ((type == ElementType.F16 || type == ElementType.BF16) && value.dtype().isFloating()) {
            return HalfPrecision.round(t, type);
        }
        return t;
    }

    /** Wraps integers into {@code type}'s range: {@code min + ((v - min) mod 2^bits)}. */
    static Tensor wrap(Tensor t, ElementType type) {
        long min = minValue(type);
        long max = maxValue(type);
        // Values already in range (the common case) need no arithmetic.
        if (t.size() == 0 || !t.lt(min).logicalOr(t.gt(max)).max().toBooleanArray()[0]) {
            return t;
        }
        double range = (double) (max - min + 1);
        // Exact in float64 for the int32 carriers and for int64 values within 2^53.
        Tensor shifted = t.cast(DType.FLOAT64).sub((double) min);
        Tensor wrapped = shifted.sub(TensorMath.floor(shifted.div(range)).mul(range)).add((double) min);
        return wrapped.cast(t.dtype());
    }

    /**
     * Decodes {@code count} little-endian elements of {@code type} into a Java array of the carrier's element
     * type ({@code float[]}, {@code double[]}, {@code int[]}, {@code long[]} or {@code boolean[]}).
     */
    static Object decode(ElementType type, ByteBuffer data, int count) {
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case F32 -> {
                float[] out = new float[count];
                b.asFloatBuffer().get(out);
                return out;
            }
            case F64 -> {
                double[] out = new double[count];
                b.asDoubleBuffer().get(out);
                return out;
            }
            case F16 -> {
                float[] out = new float[count];
                for (int i = 0; i < count; i++) {
                    out[i] = Float.float16ToFloat(b.getShort(b.position() + 2 * i));
                }
                return out;
            }
            case BF16 -> {
                float[] out = new float[count];
                for (int i = 0; i < count; i++) {
                    out[i] = Float.intBitsToFloat((b.getShort(b.position() + 2 * i) & 0xFFFF) << 16);
                }
                return out;
            }
            case I32 -> {
                int[] out = new int[count];
                b.asIntBuffer().get(out);
                return out;
            }
            case I64, U64 -> {
                long[] out = new long[count];
                b.asLongBuffer().get(out);
                return out;
            }
            case BOOLEAN -> {
                boolean[] out = new boolean[count];
                for (int i = 0; i < count; i++) {
                    out[i] = b.get(b.position() + i) != 0;
                }
                return out;
            }
            case U32 -> {
                long[] out = new long[count];
                for (int i = 0; i < count; i++) {
                    out[i] = b.getInt(b.position() + 4 * i) & 0xFFFFFFFFL;
                }
                return out;
            }
            default -> {
                int[] out = new int[count];
                for (int i = 0; i < count; i++) {
                    out[i] = (int) dev.adjoint.openvino.ir.ConstantValues.getLong(type, b, i);
                }
                return out;
            }
        }
    }

    /** The little-endian bytes of a tensor's values as elements of {@code type} (packed for sub-byte types). */
    public static byte[] encode(Tensor values, ElementType type) {
        int n = Math.toIntExact(values.size());
        long bytes = type.byteSize(n).orElseThrow();
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case F32 -> b.asFloatBuffer().put(values.toFloatArray());
            case F64 -> b.asDoubleBuffer().put(values.toDoubleArray());
            case F16 -> {
                for (float v : values.toFloatArray()) {
                    b.putShort(Float.floatToFloat16(v));
                }
            }
            case BF16 -> {
                for (float v : values.toFloatArray()) {
                    b.putShort(HalfPrecision.toBfloat16Bits(v));
                }
            }
            case BOOLEAN -> {
                for (boolean v : values.toBooleanArray()) {
                    b.put((byte) (v ? 1 : 0));
                }
            }
            case I8, U8 -> {
                for (int v : values.toIntArray()) {
                    b.put((byte) v);
                }
            }
            case I16, U16 -> {
                for (int v : values.toIntArray()) {
                    b.putShort((short) v);
                }
            }
            case I32 -> b.asIntBuffer().put(values.toIntArray());
            case U32 -> {
                for (long v : values.toLongArray()) {
                    b.putInt((int) v);
                }
            }
            case I64, U64 -> b.asLongBuffer().put(values.toLongArray());
            case I4, U4 -> {
                int[] v = values.toIntArray();
                for (int i = 0; i < v.length; i++) {
                    int shift = 4 * (i % 2);
                    b.put(i / 2, (byte) (b.get(i / 2) | ((v[i] & 0xF) << shift)));
                }
            }
            case U1 -> {
                int[] v = values.toIntArray();
                for (int i = 0; i < v.length; i++) {
                    if (v[i] != 0) {
                        b.put(i / 8, (byte) (b.get(i / 8) | (1 << (7 - i % 8))));
                    }
                }
            }
        }
        return b.array();
    }
}
