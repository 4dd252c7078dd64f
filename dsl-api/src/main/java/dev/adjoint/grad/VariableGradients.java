package dev.adjoint.grad;

import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Collects gradients of trainable {@link Variable}s during one generated reverse pass. Generated
 * code calls {@link #accumulate} where the forward pass read a variable, so a variable that was
 * read but does not influence the result still gets a (zero) gradient, and one that was not read
 * gets none.
 */
public final class VariableGradients {

    /** The message {@code tfe.implicit_gradients} gives for a function that reads no variable. */
    public static final String NO_VARIABLES =
            "No trainable variables were accessed while the function was being computed.";

    /** An accumulator that drops everything, for explicit (non-implicit) gradient calls. */
    public static final VariableGradients DISCARD = new VariableGradients(true);

    private final boolean discard;
    // A handful of variables per model: linear search beats hashing and keeps the loop allocation-free.
    private Variable[] variables = new Variable[4];
    private double[] sums = new double[4];
    private Tensor[] tensorSums = new Tensor[4];
    private int count;

    /** An empty accumulator. */
    public VariableGradients() {
        this(false);
    }

    private VariableGradients(boolean discard) {
        this.discard = discard;
    }

    /** Adds {@code gradient} to the gradient of {@code variable}; non-trainable variables are skipped. */
    public void accumulate(Variable variable, double gradient) {
        if (discard || !variable.trainable()) {
            return;
        }
        sums[slot(variable)] += gradient;
    }

    /** Adds {@code gradient} to the gradient of a tensor {@code variable}. */
    public void accumulate(Variable variable, Tensor gradient) {
        if (discard || !variable.trainable()) {
            return;
        }
        int slot = slot(variable);
        Tensor contribution = gradient != null ? gradient : Tensor.zerosLike(variable.value());
        tensorSums[slot] = tensorSums[slot] == null ? contribution : tensorSums[slot].add(contribution);
    }

    private int slot(Variable variable) {
        for (int i = 0; i < count; i++) {
            if (variables[i] == variable) {
                return i;
            }
        }
        if (count == variables.length) {
            variables = Arrays.copyOf(variables, count * 2);
            sums = Arrays.copyOf(sums, count * 2);
            tensorSums = Arrays.copyOf(tensorSums, count * 2);
        }
        variables[count] = variable;
        return count++;
    }

    /**
     * The (gradient, variable) pairs in the variables' construction order.
     *
     * @throws IllegalStateException with {@link #NO_VARIABLES} when no trainable variable was read
     */
    public List<GradientAndVariable> pairs() {
        if (count == 0) {
            throw new IllegalStateException(NO_VARIABLES);
        }
        List<GradientAndVariable> pairs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            pairs.add(variables[i].isTensor()
                    ? new GradientAndVariable(tensorSums[i], variables[i])
                    : new GradientAndVariable(sums[i], variables[i]));
        }
        pairs.sort(Comparator.comparingLong(pair -> pair.variable().creationIndex()));
        return pairs;
    }
}
