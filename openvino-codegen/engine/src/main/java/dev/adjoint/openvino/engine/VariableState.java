package dev.adjoint.openvino.engine;

/**
 * The state of one variable of an {@link InferRequest} (a ReadValue/Assign pair of the model), as OpenVINO's
 * {@code ov::VariableState}: it persists across {@code infer()} calls until reset.
 */
public final class VariableState {
    private final InferRequest request;
    private final String name;

    VariableState(InferRequest request, String name) {
        this.request = request;
        this.name = name;
    }

    /** The variable id. */
    public String name() {
        return name;
    }

    /** The current value: what the last inference assigned, or the initial value before that. */
    public OvTensor state() {
        return request.stateValue(name);
    }

    /** Replaces the value the next inference reads. */
    public void setState(OvTensor value) {
        request.setStateValue(name, value);
    }

    /** Back to the initial value (the ReadValue's initializer, or zeros). */
    public void reset() {
        request.resetStateValue(name);
    }

    @Override
    public String toString() {
        return "VariableState '" + name + "'";
    }
}
