package dev.adjoint.openvino.engine;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.core.TensorException;
import dev.adjoint.openvino.ir.ElementType;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A tensor as the engine sees it: an OpenVINO {@link ElementType} and the values, held by an Adjoint {@link Tensor}
 * of the type's carrier dtype ({@link ElementTypes#carrier}): f32 in float32, u8 in int32, f16 in float32 rounded
 * to half precision, and so on. Immutable, like {@code Tensor}.
 *
 * <pre>{@code
 * OvTensor x = OvTensor.of(Tensor.of(new float[][] {{1, -2, 3, 0.5f}}));   // f32
 * OvTensor img = OvTensor.ofU8(pixels, 1, 3, 224, 224);                      // u8, values 0..255
 * }</pre>
 */
public final class OvTensor {
    private final ElementType elementType;
    private final Tensor values;

    private OvTensor(ElementType elementType, Tensor values) {
        this.elementType = elementType;
        this.values = values;
    }

    /** A tensor of the element type its dtype stands for: float32 is f32, int64 is i64, bool is boolean... */
    public static OvTensor of(Tensor values) {
        Objects.requireNonNull(values, "values");
        return new OvTensor(ElementTypes.of(values.dtype()), values);
    }

    /**
     * Values of element type {@code type}, converted to its carrier dtype. Integers must lie in the type's range
     * (a u8 holds 0..255) and floats going to an integer type must be integral; f16 and bf16 values are rounded to
     * that precision.
     *
     * @throws EngineException naming the value that does not fit
     */
    public static OvTensor of(ElementType type, Tensor values) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(values, "values");
        switch (type) {
            case I4, U4, U1 -> throw new EngineException("element type " + type + " is only supported in constants");
            default -> {
            }
        }
        DType carrier = ElementTypes.carrier(type);
        if (type.isInteger() && values.dtype().isFloating() && values.size() > 0
                && !values.eq(TensorMath.floor(values)).min().toBooleanArray()[0]) {
            throw new EngineException("values for element type " + type + " must be integral, got " + values.dtype()
                    + " values with a fraction");
        }
        if (ElementTypes.isNarrowInteger(type) && values.size() > 0) {
            long min = ElementTypes.minValue(type);
            long max = ElementTypes.maxValue(type);
            Tensor wide = values.cast(DType.FLOAT64);
            double lo = wide.min().item();
            double hi = wide.max().item();
            if (lo < min || hi > max) {
                throw new EngineException("values " + fmt(lo) + ".." + fmt(hi) + " do not fit element type " + type
                        + " (" + min + ".." + max + ")");
            }
        }
        return new OvTensor(type, ElementTypes.conform(values, type));
    }

    /** A f32 tensor of {@code shape} holding a copy of the row-major {@code data}. */
    public static OvTensor of(float[] data, int... shape) {
        return of(Tensor.of(data, Shape.of(shape)));
    }

    /** A u8 tensor (bytes read as unsigned, 0..255), e.g. an interleaved image. */
    public static OvTensor ofU8(byte[] data, int... shape) {
        int[] v = new int[data.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = data[i] & 0xFF;
        }
        return new OvTensor(ElementType.U8, Tensor.of(v, Shape.of(shape)));
    }

    /** Decodes little-endian (row-major, C order) bytes of {@code type}, as a {@code .bin} or {@code .npy} holds them. */
    public static OvTensor fromBytes(ElementType type, int[] shape, ByteBuffer data) {
        Shape s = Shape.of(shape);
        int count = Math.toIntExact(s.size());
        long need = type.byteSize(count).orElseThrow();
        if (data.remaining() < need) {
            throw new EngineException("shape " + s + " of " + type + " needs " + need + " bytes, got "
                    + data.remaining());
        }
        Object array = ElementTypes.decode(type, data, count);
        Tensor t = switch (array) {
            case float[] f -> Tensor.of(f, s);
            case double[] d -> Tensor.of(d, s);
            case int[] i -> Tensor.of(i, s);
            case long[] l -> Tensor.of(l, s);
            case boolean[] b -> Tensor.of(b, s);
            default -> throw new IllegalStateException("unexpected array " + array.getClass());
        };
        return new OvTensor(type, t);
    }

    /** Wraps values already in {@code type}'s carrier and range; for the engine's own results. */
    static OvTensor trusted(ElementType type, Tensor values) {
        return new OvTensor(type, values);
    }

    public ElementType elementType() {
        return elementType;
    }

    public Shape shape() {
        return values.shape();
    }

    /** The dimensions, e.g. {@code [1, 1000]}. */
    public int[] dims() {
        return values.shape().dims();
    }

    public long size() {
        return values.size();
    }

    /** The values as an Adjoint tensor of the carrier dtype (a u8 tensor gives int32 values 0..255). */
    public Tensor tensor() {
        return values;
    }

    public float[] toFloatArray() {
        return values.toFloatArray();
    }

    public double[] toDoubleArray() {
        return values.toDoubleArray();
    }

    public int[] toIntArray() {
        return values.toIntArray();
    }

    public long[] toLongArray() {
        return values.toLongArray();
    }

    public boolean[] toBooleanArray() {
        return values.toBooleanArray();
    }

    /** The values as little-endian bytes of the element type (what a {@code .npy} or {@code .bin} holds). */
    public byte[] toBytes() {
        return ElementTypes.encode(values, elementType);
    }

    /** The same values converted to {@code type}, as OpenVINO's Convert does (floats truncate, integers wrap). */
    public OvTensor convert(ElementType type) {
        try {
            return new OvTensor(type, ElementTypes.conform(values, type));
        } catch (TensorException e) {
            throw new EngineException("convert to " + type + ": " + e.getMessage(), e);
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** Equal when element type, shape and values are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof OvTensor t && elementType == t.elementType && values.equals(t.values);
    }

    @Override
    public int hashCode() {
        return 31 * elementType.hashCode() + values.hashCode();
    }

    /** {@code OvTensor(u8, [[1, 2]], shape=(1, 2))}. */
    @Override
    public String toString() {
        String t = values.toString();
        int open = t.indexOf('(');
        int dtype = t.lastIndexOf(", dtype=");
        String body = open >= 0 && dtype > open ? t.substring(open + 1, dtype) : t;
        return "OvTensor(" + elementType + ", " + body + ")";
    }
}
