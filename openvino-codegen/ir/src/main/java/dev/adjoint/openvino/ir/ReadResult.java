package dev.adjoint.openvino.ir;

import java.util.List;

/**
 * What {@link IrReader} read: the model, and the warnings about the file that were not errors (declared
 * {@code <dim>}s or precisions that contradict inference, ignored attributes, dropped unreachable layers).
 */
public record ReadResult(IrModel model, List<String> warnings) {
    public ReadResult {
        warnings = List.copyOf(warnings);
    }
}
