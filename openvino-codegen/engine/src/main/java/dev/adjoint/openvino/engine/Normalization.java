package dev.adjoint.openvino.engine;

/** Normalization kernels (MVN, NormalizeL2, LRN) and the activations composed from several Tensor ops. */
final class Normalization {
    private Normalization() {
    }

    static void register(OpTable table) {
    }
}
