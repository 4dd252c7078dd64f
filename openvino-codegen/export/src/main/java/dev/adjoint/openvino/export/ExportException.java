package dev.adjoint.openvino.export;

/**
 * A computation that cannot be written as a static IR graph, found while an emitter runs: an op without an IR
 * mapping, a shape query on a dynamic dimension, an index the IR cannot express. The message names the op and
 * says what to change. (Constructs the processor can see are compile errors instead.)
 */
public final class ExportException extends RuntimeException {
    public ExportException(String message) {
        super(message);
    }
}
