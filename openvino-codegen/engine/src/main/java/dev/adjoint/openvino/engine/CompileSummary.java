package dev.adjoint.openvino.engine;

/**
 * What compiling a model did.
 *
 * @param layers the model's layers (Parameter, Constant and Result included)
 * @param steps the layers left to run per request
 * @param folded layers evaluated once while compiling (constant subgraphs, ShapeOf of static shapes)
 * @param constantBytes the bytes of weights and folded values held on the device (in their carrier dtypes)
 * @param peakIntermediateBytes the most bytes intermediate values occupy at once, from the static shapes and the
 *     liveness of each value; -1 when some shape is dynamic
 */
public record CompileSummary(int layers, int steps, int folded, long constantBytes, long peakIntermediateBytes) {
}
