package dev.adjoint.openvino.optimizer;

/** A model the optimizer cannot convert as asked: the message names the input, node or option at fault. */
public final class OptimizerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OptimizerException(String message) {
        super(message);
    }

    public OptimizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
