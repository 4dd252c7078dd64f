package dev.adjoint.core;

/**
 * The one exception tensor ops throw for bad input. The message always names the op, the shapes or
 * dtypes it was given and the rule they broke, e.g.
 * {@code matmul: shapes (2, 3) and (4, 5) not aligned: 3 (dim 1) != 4 (dim 0)}.
 */
public final class TensorException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String op;

    public TensorException(String op, String detail) {
        super(op + ": " + detail);
        this.op = op;
    }

    /** The name of the op that rejected its input, e.g. {@code "matmul"}. */
    public String op() {
        return op;
    }
}
