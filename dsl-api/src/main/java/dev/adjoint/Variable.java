package dev.adjoint;

import dev.adjoint.core.Shape;
import dev.adjoint.core.TensorException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A named, mutable model parameter, the Java form of {@code tfe.Variable}. Differentiable code reads
 * a scalar variable with {@link #get()} and a tensor variable with {@link #value()}; implicit
 * gradients report one (gradient, variable) pair per trainable variable read, in construction order.
 *
 * <p>A scalar variable stores a plain {@code double}: the training inner loop of a scalar model
 * never allocates a tensor. A tensor variable keeps the shape and dtype it was made with:
 * {@link #assign(Tensor)} rejects a value of another shape or dtype.
 *
 * <p>A tensor variable owns its value: the constructor and {@link #assign(Tensor)} take a copy, which
 * belongs to no {@link TensorScope}, so closing a scope never releases a variable's value.
 * {@link #value()} returns the variable's own tensor: optimizer updates ({@link #assignSub(Tensor)})
 * write into it in place where the backend can, so it always shows the current value, while
 * {@link #assign(Tensor)} replaces it and releases the old one, after which the old tensor is an
 * error to use (take a {@link Tensor#copy()} to keep a value across an assignment).
 *
 * <p>Values are not checked for NaN or infinities, in scalar and tensor variables alike, as in
 * TensorFlow and PyTorch: a step that diverges shows up as a NaN loss, which every op propagates
 * (NumPy's semantics), rather than as an exception from the optimizer. Checking each tensor would
 * cost a pass over it, and on a device a synchronisation, in every step.
 */
public final class Variable {

    private static final AtomicLong CONSTRUCTED = new AtomicLong();

    private final long creationIndex = CONSTRUCTED.getAndIncrement();
    private final String name;
    private final boolean trainable;
    private double value;
    private Tensor tensor;

    /** A trainable variable named {@code "Variable"}. */
    public Variable(double initial) {
        this(initial, "Variable", true);
    }

    /** A trainable variable. */
    public Variable(double initial, String name) {
        this(initial, name, true);
    }

    /**
     * A variable; a non-trainable one may be read by differentiable code but gets no gradient.
     *
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public Variable(double initial, String name, boolean trainable) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("Variable name must not be blank");
        }
        this.name = name;
        this.trainable = trainable;
        assign(initial);
    }

    /** A trainable tensor variable. */
    public Variable(Tensor initial, String name) {
        this(initial, name, true);
    }

    /**
     * A tensor variable; a non-trainable one may be read but gets no gradient.
     *
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public Variable(Tensor initial, String name, boolean trainable) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(initial, "initial");
        if (name.isBlank()) {
            throw new IllegalArgumentException("Variable name must not be blank");
        }
        this.name = name;
        this.trainable = trainable;
        this.tensor = owned(initial);
    }

    /** A copy of {@code value} that belongs to no scope: the variable's own. */
    private static Tensor owned(Tensor value) {
        Tensor copy = value.copy();
        TensorScope.detach(copy);
        return copy;
    }

    public String name() {
        return name;
    }

    public boolean trainable() {
        return trainable;
    }

    /** Position in construction order over all variables of this JVM; orders gradient pairs. */
    public long creationIndex() {
        return creationIndex;
    }

    /** True for a variable holding a tensor rather than a {@code double}. */
    public boolean isTensor() {
        return tensor != null;
    }

    /**
     * The current value of a scalar variable; the read differentiable code is differentiated through.
     *
     * @throws IllegalStateException if this variable holds a tensor
     */
    public double get() {
        if (tensor != null) {
            throw new IllegalStateException("Variable '" + name + "' holds a tensor of shape " + tensor.shape()
                    + ": read it with value()");
        }
        return value;
    }

    /**
     * The current value of a tensor variable; the read differentiable code is differentiated through.
     *
     * @throws IllegalStateException if this variable holds a {@code double}
     */
    public Tensor value() {
        if (tensor == null) {
            throw new IllegalStateException("Variable '" + name + "' holds a double: read it with get()");
        }
        return tensor;
    }

    /**
     * Replaces the value of a tensor variable with a copy of one of the same shape and dtype, as
     * {@code tf.Variable.assign} does, and releases the tensor it replaces (the one {@link #value()}
     * returned until now).
     *
     * @throws TensorException if {@code newValue} is null or differs in shape or dtype; the message
     *     names the variable and both shapes and dtypes
     * @throws IllegalStateException if this variable holds a {@code double}
     */
    public void assign(Tensor newValue) {
        Tensor current = value();
        if (newValue == null) {
            throw new TensorException("assign", "Variable '" + name + "' cannot be assigned null");
        }
        if (!newValue.shape().equals(current.shape()) || newValue.dtype() != current.dtype()) {
            throw new TensorException("assign", "Variable '" + name + "' holds " + describe(current)
                    + " and cannot be assigned " + describe(newValue) + " (cast or reshape the value first)");
        }
        Tensor next = owned(newValue);
        tensor = next;
        current.release();
    }

    /**
     * Subtracts {@code delta} in place (an optimizer step), as NumPy's {@code v -= delta} and
     * PyTorch's {@code v.sub_(delta)} do: {@code delta} broadcasts to the variable's shape, and the
     * difference is stored in the variable's dtype when both are of one kind, so a {@code float64}
     * gradient updates a {@code float32} variable and leaves it {@code float32}. The difference is
     * written into the variable's storage ({@link dev.adjoint.spi.Backend#executeInto}), so
     * {@link #value()} and tensors sharing it see the update and no memory is allocated; on a backend
     * without in-place ops the value is replaced and the old one released.
     *
     * @throws TensorException if {@code delta} is null, would change the variable's shape, or is of
     *     another kind (a floating delta for an integer variable)
     * @throws IllegalStateException if this variable holds a {@code double}
     */
    public void assignSub(Tensor delta) {
        Tensor current = value();
        if (delta == null) {
            throw new TensorException("assignSub", "Variable '" + name + "' cannot subtract null");
        }
        if (!broadcastsTo(delta.shape(), current.shape())) {
            throw new TensorException("assignSub", "Variable '" + name + "' holds " + describe(current)
                    + "; a delta of " + describe(delta) + " does not broadcast to its shape");
        }
        if (current.binaryInPlace(dev.adjoint.op.BinaryOp.SUB, delta)) {
            return;
        }
        Tensor next = current.sub(delta);
        if (next.dtype() != current.dtype()) {
            boolean sameKind = next.dtype().isFloating() == current.dtype().isFloating()
                    && next.dtype().isInteger() == current.dtype().isInteger();
            if (!sameKind) {
                throw new TensorException("assignSub", "Variable '" + name + "' holds " + describe(current)
                        + "; subtracting " + describe(delta) + " gives " + next.dtype() + ", which it cannot hold");
            }
            boolean inPlace = current.assignInPlace(next);
            if (inPlace) {
                next.release();
                return;
            }
            Tensor converted = next.cast(current.dtype());
            next.release();
            next = converted;
        }
        TensorScope.detach(next);
        tensor = next;
        current.release();
    }

    private static boolean broadcastsTo(Shape from, Shape to) {
        try {
            return Shape.broadcast("assignSub", to, from).equals(to);
        } catch (TensorException e) {
            return false;
        }
    }

    private static String describe(Tensor t) {
        return t.dtype() + " of shape " + t.shape();
    }

    /**
     * Replaces the value of a scalar variable; NaN and infinities are accepted, as in a tensor variable.
     *
     * @throws IllegalStateException if this variable holds a tensor
     */
    public void assign(double newValue) {
        if (tensor != null) {
            throw new IllegalStateException("Variable '" + name + "' holds a tensor: assign a Tensor");
        }
        value = newValue;
    }

    /** Subtracts {@code delta} from the value (an optimizer step). */
    public void assignSub(double delta) {
        assign(value - delta);
    }

    @Override
    public String toString() {
        String shown = tensor == null ? Double.toString(value) : "tensor of shape " + tensor.shape();
        return "Variable '" + name + "' value=" + shown + (trainable ? "" : " (not trainable)");
    }
}
