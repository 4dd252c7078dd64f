package dev.adjoint;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A named, mutable model parameter, the Java form of {@code tfe.Variable}. Differentiable code reads
 * a scalar variable with {@link #get()} and a tensor variable with {@link #value()}; implicit
 * gradients report one (gradient, variable) pair per trainable variable read, in construction order.
 *
 * <p>A scalar variable stores a plain {@code double}: the training inner loop of a scalar model
 * never allocates a tensor.
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
     * @throws IllegalArgumentException if {@code name} is blank or {@code initial} is not finite
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
        this.tensor = initial;
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
     * Replaces the value of a tensor variable.
     *
     * @throws IllegalArgumentException if the shape changes
     */
    public void assign(Tensor newValue) {
        Tensor current = value();
        if (!newValue.shape().equals(current.shape())) {
            throw new IllegalArgumentException("Variable '" + name + "' has shape " + current.shape()
                    + " and cannot be assigned shape " + newValue.shape());
        }
        tensor = newValue;
    }

    /** Subtracts {@code delta} from a tensor variable (an optimizer step). */
    public void assignSub(Tensor delta) {
        assign(value().sub(delta));
    }

    /**
     * Replaces the value.
     *
     * @throws IllegalArgumentException if {@code newValue} is NaN or infinite, which would poison
     *     every later step silently
     */
    public void assign(double newValue) {
        if (tensor != null) {
            throw new IllegalStateException("Variable '" + name + "' holds a tensor: assign a Tensor");
        }
        if (!Double.isFinite(newValue)) {
            throw new IllegalArgumentException("Variable '" + name + "' cannot be assigned " + newValue);
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
