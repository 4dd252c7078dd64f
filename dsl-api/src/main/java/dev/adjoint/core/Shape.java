package dev.adjoint.core;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * An immutable list of dimension sizes. Printed like Python tuples: {@code ()}, {@code (3,)},
 * {@code (2, 3)}. Its {@link #size()} always fits a {@code long}: a shape with more elements is
 * rejected when it is made.
 */
public final class Shape {
    public static final Shape SCALAR = new Shape(new int[0], "shape");

    private final int[] dims;
    private final long size;

    /** {@code op} names the caller in the error thrown when the element count overflows a long. */
    private Shape(int[] dims, String op) {
        this.dims = dims;
        long n = 1;
        try {
            for (int d : dims) {
                n = Math.multiplyExact(n, d);
            }
        } catch (ArithmeticException e) {
            throw new TensorException(op, "shape " + this + " has " + exactSize(dims)
                    + " elements, more than a long can count");
        }
        this.size = n;
    }

    private Shape(int[] dims) {
        this(dims, "shape");
    }

    /** A shape from its dimension sizes; each must be {@code >= 0}. */
    public static Shape of(int... dims) {
        return of("shape", dims);
    }

    /** {@link #of(int...)} for a caller named {@code op} in the errors, e.g. {@code zeros}. */
    public static Shape of(String op, int... dims) {
        if (dims == null) {
            throw new TensorException(op, "argument 'dims' is null");
        }
        if (dims.length == 0) {
            return SCALAR;
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new TensorException(op, "dimension " + i + " is negative in " + Arrays.toString(dims));
            }
        }
        return new Shape(dims.clone(), op);
    }

    /** The product of {@code dims}, exact past {@code Long.MAX_VALUE}; for messages. */
    private static BigInteger exactSize(int[] dims) {
        BigInteger n = BigInteger.ONE;
        for (int d : dims) {
            n = n.multiply(BigInteger.valueOf(d));
        }
        return n;
    }

    /**
     * Checks that a tensor of this shape fits in one storage of a backend holding at most
     * {@code maxElements} per storage on {@code device}; ops call it before asking the backend to
     * allocate.
     *
     * @return this shape
     * @throws TensorException naming {@code op}, this shape, its size and the limit otherwise
     */
    public Shape requireFits(String op, long maxElements, Device device) {
        if (size > maxElements) {
            throw new TensorException(op, "shape " + this + " has " + size + " elements, more than the " + maxElements
                    + " one tensor can hold on " + device);
        }
        return this;
    }

    public int rank() {
        return dims.length;
    }

    /** Number of elements: the product of the dimensions (1 for a scalar). */
    public long size() {
        return size;
    }

    /** Dimension {@code axis}; negative axes count from the end as in NumPy. */
    public int dim(int axis) {
        return dims[axis < 0 ? axis + dims.length : axis];
    }

    public int[] dims() {
        return dims.clone();
    }

    /** Row-major (C order) strides in elements. */
    public long[] strides() {
        long[] strides = new long[dims.length];
        long s = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= dims[i];
        }
        return strides;
    }

    /** NumPy broadcasting of two shapes; {@code op} names the caller in the error. */
    public static Shape broadcast(String op, Shape a, Shape b) {
        if (a.equals(b)) {
            return a;
        }
        int rank = Math.max(a.rank(), b.rank());
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.rank() ? 1 : a.dims[i - (rank - a.rank())];
            int db = i < rank - b.rank() ? 1 : b.dims[i - (rank - b.rank())];
            if (da != db && da != 1 && db != 1) {
                throw new TensorException(op, "shapes " + a + " and " + b + " cannot be broadcast: "
                        + da + " != " + db + " at output dim " + i);
            }
            out[i] = da == 1 ? db : da;
        }
        return new Shape(out, op);
    }

    /** Checks an axis against this rank and turns a negative one positive. */
    public int normalizeAxis(String op, int axis) {
        return normalizeAxis(op, axis, dims.length);
    }

    /** Checks an axis against {@code rank} and turns a negative one positive. */
    public static int normalizeAxis(String op, int axis, int rank) {
        if (axis < -rank || axis >= rank) {
            throw new TensorException(op, "axis " + axis + " is out of range for rank " + rank
                    + " (valid: " + (-rank) + " to " + (rank - 1) + ")");
        }
        return axis < 0 ? axis + rank : axis;
    }

    /** A new shape with dimension {@code axis} removed. */
    public Shape remove(int axis) {
        int[] out = new int[dims.length - 1];
        System.arraycopy(dims, 0, out, 0, axis);
        System.arraycopy(dims, axis + 1, out, axis, dims.length - axis - 1);
        return new Shape(out);
    }

    /** A new shape with {@code size} inserted before position {@code axis}. */
    public Shape insert(int axis, int size) {
        int[] out = new int[dims.length + 1];
        System.arraycopy(dims, 0, out, 0, axis);
        out[axis] = size;
        System.arraycopy(dims, axis, out, axis + 1, dims.length - axis);
        return new Shape(out);
    }

    /** A new shape with dimension {@code axis} set to {@code size}. */
    public Shape with(int axis, int size) {
        int[] out = dims.clone();
        out[axis] = size;
        return of(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        if (dims.length == 1) {
            return "(" + dims[0] + ",)";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(dims[i]);
        }
        return sb.append(')').toString();
    }
}
