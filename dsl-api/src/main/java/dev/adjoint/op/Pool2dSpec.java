package dev.adjoint.op;

/**
 * Geometry of 2-D pooling over NCHW input. Padded positions never win a max and are not counted in
 * an average (PyTorch's {@code count_include_pad=False}).
 */
public record Pool2dSpec(Kind kind, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {

    public enum Kind { MAX, AVG }

    public int outHeight(int h) {
        return Math.floorDiv(h + 2 * padH - kernelH, strideH) + 1;
    }

    public int outWidth(int w) {
        return Math.floorDiv(w + 2 * padW - kernelW, strideW) + 1;
    }
}
