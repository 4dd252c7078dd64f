package dev.adjoint.openvino.ir;

import java.io.Serial;

/**
 * A graph breaks an op's rule: wrong input count, a bad attribute, shapes or types that don't fit. Thrown by
 * {@link GraphBuilder}; {@link IrReader} turns it into an {@link IrFormatException} naming the file and layer.
 */
public class IrValidationException extends IllegalArgumentException {
    @Serial
    private static final long serialVersionUID = 1L;

    public IrValidationException(String message) {
        super(message);
    }
}
