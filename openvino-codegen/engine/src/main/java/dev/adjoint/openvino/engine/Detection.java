package dev.adjoint.openvino.engine;

/** PriorBox, PriorBoxClustered and DetectionOutput: adapters to the host-side reference kernels in {@code host}. */
final class Detection {
    private Detection() {
    }

    static void register(OpTable table) {
    }
}
