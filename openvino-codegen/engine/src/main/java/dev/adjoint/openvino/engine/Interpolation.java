package dev.adjoint.openvino.engine;

/** Interpolate-0/4/11 as gathers of neighbours and weighted sums along each resized axis. */
final class Interpolation {
    private Interpolation() {
    }

    static void register(OpTable table) {
    }
}
