package dev.adjoint;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.core.TensorException;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;

/** Conversions between nested Java arrays and the flat row-major arrays backends take. */
final class HostArrays {
    /** The longest Java array HotSpot reliably allocates; {@code Integer.MAX_VALUE} itself fails. */
    static final int MAX_LENGTH = Integer.MAX_VALUE - 8;

    private HostArrays() {
    }

    /** A flat array and the shape read off a nested one. */
    record Flat(Object array, DType dtype, Shape shape) {
    }

    /** Reads a nested {@code float/double/int/long/boolean} array of any depth; rejects ragged ones. */
    static Flat flatten(Object nested) {
        if (nested == null) {
            throw new TensorException("of", "array is null");
        }
        List<Integer> dims = new ArrayList<>();
        Class<?> type = nested.getClass();
        Object probe = nested;
        while (type.isArray() && type.getComponentType().isArray()) {
            dims.add(Array.getLength(probe));
            probe = Array.getLength(probe) > 0 ? Array.get(probe, 0) : null;
            type = type.getComponentType();
            if (probe == null) {
                // An empty outer axis: the inner sizes are unknown, NumPy reads them as 0.
                while (type.isArray()) {
                    dims.add(0);
                    type = type.getComponentType();
                }
                break;
            }
        }
        if (type.isArray()) {
            dims.add(Array.getLength(probe));
            type = type.getComponentType();
        }
        DType dtype = dtypeOf(type, nested.getClass());
        int[] shapeDims = dims.stream().mapToInt(Integer::intValue).toArray();
        Shape shape = Shape.of(shapeDims);
        Object flat = newArray(dtype, Math.toIntExact(shape.size()));
        int[] cursor = {0};
        copyIn(nested, 0, shapeDims, flat, cursor, new int[shapeDims.length]);
        return new Flat(flat, dtype, shape);
    }

    private static void copyIn(Object nested, int depth, int[] dims, Object flat, int[] cursor, int[] path) {
        int len = Array.getLength(nested);
        if (len != dims[depth]) {
            throw new TensorException("of", "ragged nested array: row at index " + pathString(path, depth)
                    + " has length " + len + ", expected " + dims[depth]);
        }
        if (depth == dims.length - 1) {
            System.arraycopy(nested, 0, flat, cursor[0], len);
            cursor[0] += len;
            return;
        }
        for (int i = 0; i < len; i++) {
            path[depth] = i;
            Object row = Array.get(nested, i);
            if (row == null) {
                throw new TensorException("of", "nested array has a null row at index " + pathString(path, depth + 1));
            }
            copyIn(row, depth + 1, dims, flat, cursor, path);
        }
    }

    private static String pathString(int[] path, int depth) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            sb.append('[').append(path[i]).append(']');
        }
        return sb.isEmpty() ? "[]" : sb.toString();
    }

    private static DType dtypeOf(Class<?> element, Class<?> whole) {
        if (element == float.class) {
            return DType.FLOAT32;
        } else if (element == double.class) {
            return DType.FLOAT64;
        } else if (element == int.class) {
            return DType.INT32;
        } else if (element == long.class) {
            return DType.INT64;
        } else if (element == boolean.class) {
            return DType.BOOL;
        }
        throw new TensorException("of", "unsupported array type " + whole.getSimpleName()
                + ": expected nested float, double, int, long or boolean arrays");
    }

    static Object newArray(DType dtype, int size) {
        return switch (dtype) {
            case FLOAT32 -> new float[size];
            case FLOAT64 -> new double[size];
            case INT32 -> new int[size];
            case INT64 -> new long[size];
            case BOOL -> new boolean[size];
        };
    }

    /** Element {@code i} of a flat array as a double (booleans as 1 and 0). */
    static double get(Object flat, int i) {
        return switch (flat) {
            case float[] a -> a[i];
            case double[] a -> a[i];
            case int[] a -> a[i];
            case long[] a -> a[i];
            case boolean[] a -> a[i] ? 1.0 : 0.0;
            default -> throw new IllegalStateException("not a flat tensor array: " + flat.getClass());
        };
    }

    /** Rebuilds a nested array of {@code shape} from a flat one; a scalar comes back boxed. */
    static Object unflatten(Object flat, Shape shape) {
        if (shape.rank() == 0) {
            return Array.get(flat, 0);
        }
        int[] dims = shape.dims();
        Object out = Array.newInstance(flat.getClass().getComponentType(), dims);
        int[] cursor = {0};
        copyOut(out, 0, dims, flat, cursor);
        return out;
    }

    private static void copyOut(Object nested, int depth, int[] dims, Object flat, int[] cursor) {
        if (depth == dims.length - 1) {
            System.arraycopy(flat, cursor[0], nested, 0, dims[depth]);
            cursor[0] += dims[depth];
            return;
        }
        for (int i = 0; i < dims[depth]; i++) {
            copyOut(Array.get(nested, i), depth + 1, dims, flat, cursor);
        }
    }
}
