package dev.adjoint.core;

/**
 * Element types of a {@link Tensor}.
 *
 * <p>Promotion follows one lattice, {@code bool < int32 < int64 < float32 < float64}: a binary op on
 * two tensors computes in the larger of the two types. This is NumPy's rule with one deliberate
 * difference shared by JAX and PyTorch: an integer tensor combined with a {@code float32} tensor
 * stays {@code float32} (NumPy would widen to {@code float64}). Java scalars are weakly typed by
 * their Java type, never their value, as in JAX: an {@code int}/{@code long} keeps an integer or
 * floating tensor's dtype ({@code bool} becomes {@code int32}), a {@code float}/{@code double} keeps
 * a floating tensor's dtype and makes an integer or {@code bool} one {@code float32}; see
 * {@link dev.adjoint.op.WeakScalar} for the table.
 */
public enum DType {
    BOOL("bool", 1),
    INT32("int32", 4),
    INT64("int64", 8),
    FLOAT32("float32", 4),
    FLOAT64("float64", 8);

    private final String printName;
    private final int byteSize;

    DType(String printName, int byteSize) {
        this.printName = printName;
        this.byteSize = byteSize;
    }

    /** Bytes one element takes in memory (a {@code bool} takes one byte). */
    public int byteSize() {
        return byteSize;
    }

    public boolean isFloating() {
        return this == FLOAT32 || this == FLOAT64;
    }

    public boolean isInteger() {
        return this == INT32 || this == INT64;
    }

    /** The type two operands are computed in: the larger one on the lattice. */
    public static DType promote(DType a, DType b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    /** The floating type an op such as {@code exp} computes in: itself if floating, else float32. */
    public DType toFloating() {
        return isFloating() ? this : FLOAT32;
    }

    /** The name NumPy and TensorFlow print, e.g. {@code float32}. */
    @Override
    public String toString() {
        return printName;
    }
}
