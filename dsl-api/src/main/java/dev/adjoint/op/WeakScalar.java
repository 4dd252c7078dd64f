package dev.adjoint.op;

import dev.adjoint.core.DType;
import dev.adjoint.core.TensorException;
import java.util.Objects;

/**
 * A Java number used beside a tensor, as in {@code x.add(2)} or {@code x.mul(0.5)}. Scalars are
 * weakly typed, as in JAX: the Java <em>type</em> of the scalar, never its value, decides the
 * dtype it takes, and that dtype gives way to the tensor's:
 *
 * <table>
 *   <caption>dtype a Java scalar takes beside a tensor</caption>
 *   <tr><th>tensor</th><th>{@code int}/{@code long} scalar</th><th>{@code float}/{@code double} scalar</th></tr>
 *   <tr><td>{@code bool}</td><td>{@code int32}</td><td>{@code float32}</td></tr>
 *   <tr><td>{@code int32}</td><td>{@code int32}</td><td>{@code float32}</td></tr>
 *   <tr><td>{@code int64}</td><td>{@code int64}</td><td>{@code float32}</td></tr>
 *   <tr><td>{@code float32}</td><td>{@code float32}</td><td>{@code float32}</td></tr>
 *   <tr><td>{@code float64}</td><td>{@code float64}</td><td>{@code float64}</td></tr>
 * </table>
 *
 * <p>The op then computes as for two tensors of those dtypes ({@link BinaryOp#computeType}), so
 * {@code int32.add(2)} is {@code int32}, {@code int32.add(2.0)} and {@code int32.div(2)} are
 * {@code float32}, and {@code bool.mul(2)} is {@code int32}. An integer scalar that does not fit
 * the dtype it is converted to ({@code int32.add(3_000_000_000L)}) is an error rather than a
 * silent wrap; a floating scalar converts as a cast does ({@code 1e300} becomes {@code inf} in
 * {@code float32}), as in JAX and NumPy.
 *
 * @param value a {@link Long} for a Java integer scalar, a {@link Double} for a floating one
 */
public record WeakScalar(Number value) {

    public WeakScalar {
        Objects.requireNonNull(value, "value");
        if (!(value instanceof Long) && !(value instanceof Double)) {
            throw new IllegalArgumentException("a weak scalar is a Long or a Double, got " + value.getClass().getName());
        }
    }

    /** A Java {@code int} or {@code long} scalar: a weak integer. */
    public static WeakScalar of(long value) {
        return new WeakScalar(value);
    }

    /** A Java {@code float} or {@code double} scalar: a weak float. */
    public static WeakScalar of(double value) {
        return new WeakScalar(value);
    }

    /** True for a Java integer scalar. */
    public boolean isInteger() {
        return value instanceof Long;
    }

    /** The dtype this scalar takes beside a tensor of {@code tensorType}: the table above. */
    public DType typeBeside(DType tensorType) {
        if (isInteger()) {
            return tensorType == DType.BOOL ? DType.INT32 : tensorType;
        }
        return tensorType.isFloating() ? tensorType : DType.FLOAT32;
    }

    /**
     * The dtype {@code op} computes in for a tensor of {@code tensorType} and this scalar.
     *
     * @throws TensorException if this is an integer that does not fit that dtype
     */
    public DType computeType(BinaryOp op, DType tensorType) {
        DType compute = op.computeType(tensorType, typeBeside(tensorType));
        checkFits(op.opName(), compute);
        return compute;
    }

    /**
     * Checks that this scalar can be converted to {@code dtype} without wrapping: an integer dtype
     * must hold its (truncated) value, and cannot hold NaN or an infinity. Floating and {@code bool}
     * dtypes take any value.
     *
     * @throws TensorException naming {@code op}, this scalar and {@code dtype} otherwise
     */
    public void checkFits(String op, DType dtype) {
        long min = dtype == DType.INT32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
        long max = dtype == DType.INT32 ? Integer.MAX_VALUE : Long.MAX_VALUE;
        boolean fits = switch (dtype) {
            case BOOL, FLOAT32, FLOAT64 -> true;
            case INT32, INT64 -> {
                if (value instanceof Long v) {
                    yield v >= min && v <= max;
                }
                // A double truncates toward zero, so anything strictly between min - 1 and max + 1 fits.
                double v = value.doubleValue();
                yield dtype == DType.INT32 ? v > -0x1p31 - 1 && v < 0x1p31 : v >= -0x1p63 && v < 0x1p63;
            }
        };
        if (!fits) {
            throw new TensorException(op, "scalar " + this + " does not fit " + dtype + " (" + min + " to " + max
                    + "); cast the tensor to a wider dtype first");
        }
    }

    /**
     * A one-element Java array of {@code dtype} ({@code float[]}, {@code double[]}, {@code int[]},
     * {@code long[]} or {@code boolean[]}) holding this scalar converted as a cast does, exactly for
     * a {@code long} into {@code int64}; what a backend's {@code fromArray} takes.
     */
    public Object toArray(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> new float[] {isInteger() ? (float) value.longValue() : (float) value.doubleValue()};
            case FLOAT64 -> new double[] {value.doubleValue()};
            case INT32 -> new int[] {(int) value.longValue()};
            case INT64 -> new long[] {value.longValue()};
            case BOOL -> new boolean[] {isInteger() ? value.longValue() != 0 : value.doubleValue() != 0};
        };
    }

    /** The number as Java prints it: {@code 3000000000} or {@code 2.5}. */
    @Override
    public String toString() {
        return value.toString();
    }
}
