package dev.adjoint.grad;

import java.util.List;

/**
 * Gradients of one function with respect to its selected parameters. Generated code implements it
 * with a record per method whose components are named after the parameters, so
 * {@code ExamplesGrad.f3Gradients(2, 3).y()} is typed; this interface adds positional access, the
 * form {@code tfe.gradients_function} returns.
 */
public interface Gradients {

    /** Parameter names, in declaration order. */
    List<String> names();

    /** The gradients, in the order of {@link #names()}; scalars are boxed {@link Double}s or Floats. */
    List<Object> values();

    /** The scalar gradient at {@code index}. */
    default double getDouble(int index) {
        if (values().get(index) instanceof Number number) {
            return number.doubleValue();
        }
        throw new IllegalArgumentException("gradient of '" + names().get(index) + "' is not a scalar");
    }
}
