package dev.adjoint.grad;

import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import java.util.Arrays;
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
    // A handful of variables per model: linear search beats hashing. Arrays are sized on first use
    // because one accumulator lives for one gradient step of a training loop.
    private Variable[] variables;
    private double[] sums;
    private Tensor[] tensorSums;
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
        // slot() may allocate sums: find the slot before reading the array.
        int slot = slot(variable);
        sums[slot] += gradient;
    }

    /** Adds {@code gradient} to the gradient of a tensor {@code variable}. */
    public void accumulate(Variable variable, Tensor gradient) {
        if (discard || !variable.trainable()) {
            return;
        }
        int slot = slot(variable);
        if (tensorSums == null) {
            tensorSums = new Tensor[variables.length];
        }
        Tensor contribution = gradient != null ? gradient : Tensor.zerosLike(variable.value());
        tensorSums[slot] = tensorSums[slot] == null ? contribution : tensorSums[slot].add(contribution);
    }

    private int slot(Variable variable) {
        for (int i = 0; i < count; i++) {
            if (variables[i] == variable) {
                return i;
            }
        }
        if (variables == null) {
            variables = new Variable[4];
            sums = new double[4];
        } else if (count == variables.length) {
            variables = Arrays.copyOf(variables, count * 2);
            sums = Arrays.copyOf(sums, count * 2);
            if (tensorSums != null) {
                tensorSums = Arrays.copyOf(tensorSums, count * 2);
            }
        }
        variables[count] = variable;
        return count++;
    }

    /** The number of variables that have a gradient so far. */
    public int size() {
        return count;
    }

    /** The variable in slot {@code index} (slots follow first reads, not construction order). */
    public Variable variable(int index) {
        return variables[checkIndex(index)];
    }

    /** The scalar gradient in slot {@code index}. */
    public double gradient(int index) {
        return sums[checkIndex(index)];
    }

    /** The tensor gradient in slot {@code index}, for a tensor variable. */
    public Tensor tensorGradient(int index) {
        checkIndex(index);
        return tensorSums == null ? null : tensorSums[index];
    }

    private int checkIndex(int index) {
        return java.util.Objects.checkIndex(index, count);
    }

    /**
     * Forgets every gradient but keeps the storage, so one accumulator can serve every step of a
     * training loop without allocating:
     *
     * <pre>{@code
     * gradients.clear();
     * double loss = ModelGrad.lossValueAndGradients(model, x, y, 1.0, gradients).value();
     * optimizer.applyGradients(gradients);
     * }</pre>
     */
    public void clear() {
        for (int i = 0; i < count; i++) {
            variables[i] = null;
            sums[i] = 0;
            if (tensorSums != null) {
                tensorSums[i] = null;
            }
        }
        count = 0;
    }

    /**
     * The (gradient, variable) pairs in the variables' construction order, as an unmodifiable list.
     *
     * @throws IllegalStateException with {@link #NO_VARIABLES} when no trainable variable was read
     */
    public List<GradientAndVariable> pairs() {
        if (count == 0) {
            throw new IllegalStateException(NO_VARIABLES);
        }
        GradientAndVariable[] pairs = new GradientAndVariable[count];
        for (int i = 0; i < count; i++) {
            GradientAndVariable pair = variables[i].isTensor()
                    ? new GradientAndVariable(tensorSums[i], variables[i])
                    : new GradientAndVariable(sums[i], variables[i]);
            // Insertion sort by construction order: few variables, usually read in that order already.
            int j = i;
            while (j > 0 && pairs[j - 1].variable().creationIndex() > pair.variable().creationIndex()) {
                pairs[j] = pairs[j - 1];
                j--;
            }
            pairs[j] = pair;
        }
        return List.of(pairs);
    }
}
