package dev.adjoint.examples.autodiff;

import dev.adjoint.Variable;
import java.util.List;

/**
 * A model of the function zoo: the zoo test checks the implicit gradients of its methods against
 * every variable it holds, so a variable that was read but left out gets caught too.
 */
interface ZooModel {

    /** Every variable the model holds, read or not. */
    List<Variable> variables();

    /** Puts counters and random generators back to their start, so every run makes the same draws. */
    default void reset() {
    }
}
