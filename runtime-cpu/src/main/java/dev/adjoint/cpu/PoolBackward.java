package dev.adjoint.cpu;

/**
 * Gradients of max and average pooling over NCHW planes, scattered window by window into a zeroed
 * input gradient. The windows are the forward pass's, clipped to the image by
 * {@link Pool2d#clippedWindows}. Max pooling routes each window's gradient to its first maximum in
 * row-major order, or to its first NaN (which the forward pass returned), as PyTorch does; average
 * pooling gives every non-padded position of the window an equal share.
 */
final class PoolBackward {
    private PoolBackward() {
    }

    /** Scatters {@code dy} of planes {@code [from, to)} into {@code dx}; both arrays hold one floating type. */
    static void backward(Object x, Object dy, Object dx, int from, int to, int h, int w, int[] rows, int[] cols,
            int oh, int ow, boolean max) {
        if (x instanceof float[] a) {
            PoolBackwardF32.backward(a, (float[]) dy, (float[]) dx, from, to, h, w, rows, cols, oh, ow, max);
        } else if (x instanceof double[] a) {
            PoolBackwardF64.backward(a, (double[]) dy, (double[]) dx, from, to, h, w, rows, cols, oh, ow, max);
        } else {
            throw new IllegalArgumentException("pool2d backward: unsupported array " + x.getClass());
        }
    }
}
