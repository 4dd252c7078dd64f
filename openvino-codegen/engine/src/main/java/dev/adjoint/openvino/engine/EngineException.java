package dev.adjoint.openvino.engine;

import java.io.Serial;

/**
 * A model that cannot be compiled or run, or a request given the wrong inputs. The message names what was wrong:
 * the input and both shapes, or the layer (name, type and version) and the rule it broke.
 */
public class EngineException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
