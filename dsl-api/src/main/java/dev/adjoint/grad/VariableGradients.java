package dev.adjoint.grad;

import dev.adjoint.Tensor;
import dev.adjoint.TensorScope;
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
    // The first two variables live in fields, the rest in arrays. A model with one or two scalar
    // variables (the lecture's w and b) then accumulates with two reference compares and no array
    // access, and C2's escape analysis can scalar-replace a short-lived accumulator entirely: an
    // implicit gradient allocates nothing it does not return.
    private Variable first;
    private Variable second;
    private double firstSum;
    private double secondSum;
    private Variable[] moreVariables;
    private double[] moreSums;
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
        // Registering the first two variables is inline too: a reused accumulator is cleared
        // every step, so this path is hot, and keeping it small keeps the generated gradient
        // method small enough for the JIT to inline it into the training loop.
        if (variable == first) {
            firstSum += gradient;
        } else if (variable == second) {
            secondSum += gradient;
        } else if (count == 0) {
            first = variable;
            firstSum = gradient;
            count = 1;
        } else if (count == 1) {
            second = variable;
            secondSum = gradient;
            count = 2;
        } else {
            addToSlot(slot(variable), gradient);
        }
    }

    /** Adds {@code gradient} to the gradient of a tensor {@code variable}. */
    public void accumulate(Variable variable, Tensor gradient) {
        if (discard || !variable.trainable()) {
            return;
        }
        int slot = slot(variable);
        if (tensorSums == null || tensorSums.length < count) {
            tensorSums = tensorSums == null ? new Tensor[Math.max(4, count)] : Arrays.copyOf(tensorSums, 2 * count);
        }
        // The accumulator owns its sums: a handle of its own, kept out of the scope the generated
        // code releases its temporaries with, so it lives as long as the caller's scope.
        Tensor previous = tensorSums[slot];
        Tensor sum;
        if (previous == null) {
            sum = gradient != null ? gradient.share() : Tensor.zerosLike(variable.value());
        } else {
            sum = gradient != null ? previous.add(gradient) : previous.share();
            previous.release();
        }
        tensorSums[slot] = TensorScope.keepCurrent(sum);
    }

    private void addToSlot(int slot, double gradient) {
        switch (slot) {
            case 0 -> firstSum += gradient;
            case 1 -> secondSum += gradient;
            default -> moreSums[slot - 2] += gradient;
        }
    }

    /** The slot of {@code variable}, which is given the next free one when it is new. */
    private int slot(Variable variable) {
        if (variable == first) {
            return 0;
        }
        if (variable == second) {
            return 1;
        }
        for (int i = 2; i < count; i++) {
            if (moreVariables[i - 2] == variable) {
                return i;
            }
        }
        switch (count) {
            case 0 -> first = variable;
            case 1 -> second = variable;
            default -> {
                if (moreVariables == null) {
                    moreVariables = new Variable[4];
                    moreSums = new double[4];
                } else if (count - 2 == moreVariables.length) {
                    moreVariables = Arrays.copyOf(moreVariables, 2 * moreVariables.length);
                    moreSums = Arrays.copyOf(moreSums, 2 * moreSums.length);
                }
                moreVariables[count - 2] = variable;
            }
        }
        return count++;
    }

    /** The number of variables that have a gradient so far. */
    public int size() {
        return count;
    }

    /** The variable in slot {@code index} (slots follow first reads, not construction order). */
    public Variable variable(int index) {
        return switch (checkIndex(index)) {
            case 0 -> first;
            case 1 -> second;
            default -> moreVariables[index - 2];
        };
    }

    /** The scalar gradient in slot {@code index}. */
    public double gradient(int index) {
        return switch (checkIndex(index)) {
            case 0 -> firstSum;
            case 1 -> secondSum;
            default -> moreSums[index - 2];
        };
    }

    /** The tensor gradient in slot {@code index}, for a tensor variable. */
    public Tensor tensorGradient(int index) {
        checkIndex(index);
        return tensorSums == null || index >= tensorSums.length ? null : tensorSums[index];
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
        first = null;
        second = null;
        firstSum = 0;
        secondSum = 0;
        for (int i = 2; i < count; i++) {
            moreVariables[i - 2] = null;
            moreSums[i - 2] = 0;
        }
        if (tensorSums != null) {
            Arrays.fill(tensorSums, null);
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
        // One or two variables (the common case): no array, so the list can be scalar-replaced too.
        if (count == 1) {
            return List.of(pair(0));
        }
        if (count == 2) {
            GradientAndVariable a = pair(0);
            GradientAndVariable b = pair(1);
            return first.creationIndex() < second.creationIndex() ? List.of(a, b) : List.of(b, a);
        }
        GradientAndVariable[] pairs = new GradientAndVariable[count];
        for (int i = 0; i < count; i++) {
            GradientAndVariable pair = pair(i);
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

    private GradientAndVariable pair(int slot) {
        Variable variable = variable(slot);
        return variable.isTensor()
                ? new GradientAndVariable(tensorSums[slot], variable)
                : new GradientAndVariable(gradient(slot), variable);
    }
}
