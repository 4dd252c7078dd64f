package dev.adjoint;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A named, mutable model parameter, the Java form of {@code tfe.Variable}. Differentiable code reads
 * it with {@link #get()}; implicit gradients report one (gradient, variable) pair per trainable
 * variable read, in construction order.
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

    /** The current value; the read that differentiable code is differentiated through. */
    public double get() {
        return value;
    }

    /**
     * Replaces the value.
     *
     * @throws IllegalArgumentException if {@code newValue} is NaN or infinite, which would poison
     *     every later step silently
     */
    public void assign(double newValue) {
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
        return "Variable '" + name + "' value=" + value + (trainable ? "" : " (not trainable)");
    }
}
