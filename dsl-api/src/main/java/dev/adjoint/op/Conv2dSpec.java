package dev.adjoint.op;

/**
 * Geometry of a 2-D convolution over NCHW input and OIHW weights ({@code O} output channels,
 * {@code I = C / groups} input channels per group).
 */
public record Conv2dSpec(int strideH, int strideW, int padTop, int padBottom, int padLeft, int padRight,
        int dilationH, int dilationW, int groups) {

    /** Square stride and symmetric padding on both spatial axes, no dilation, one group. */
    public static Conv2dSpec of(int stride, int padding) {
        return of(stride, padding, 1, 1);
    }

    /** Square stride, symmetric padding and dilation on both spatial axes, with {@code groups} groups. */
    public static Conv2dSpec of(int stride, int padding, int dilation, int groups) {
        return new Conv2dSpec(stride, stride, padding, padding, padding, padding, dilation, dilation, groups);
    }

    /** Output height for input height {@code h} and kernel height {@code kh}. */
    public int outHeight(int h, int kh) {
        return Math.floorDiv(h + padTop + padBottom - dilationH * (kh - 1) - 1, strideH) + 1;
    }

    /** Output width for input width {@code w} and kernel width {@code kw}. */
    public int outWidth(int w, int kw) {
        return Math.floorDiv(w + padLeft + padRight - dilationW * (kw - 1) - 1, strideW) + 1;
    }
}
