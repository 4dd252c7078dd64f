package dev.adjoint.cpu;

import dev.adjoint.core.Shape;
import dev.adjoint.op.Conv2dSpec;

/**
 * The sizes of one convolution as its backward kernels need them: NCHW input {@code batch x
 * channels x h x w}, OIHW weights {@code outChannels x (channels / groups) x kh x kw} and output
 * {@code batch x outChannels x oh x ow}.
 */
record ConvBackwardGeometry(int batch, int channels, int h, int w, int outChannels, int kh, int kw, int oh, int ow,
        Conv2dSpec spec) {

    static ConvBackwardGeometry of(Shape xShape, Shape wShape, Shape dyShape, Conv2dSpec spec) {
        return new ConvBackwardGeometry(xShape.dim(0), xShape.dim(1), xShape.dim(2), xShape.dim(3), wShape.dim(0),
                wShape.dim(2), wShape.dim(3), dyShape.dim(2), dyShape.dim(3), spec);
    }

    int groups() {
        return spec.groups();
    }

    /** Input channels per group. */
    int groupIn() {
        return channels / spec.groups();
    }

    /** Output channels per group. */
    int groupOut() {
        return outChannels / spec.groups();
    }

    /** Length of one unfolded receptive field: a row of a group's weight matrix. */
    int patch() {
        return groupIn() * kh * kw;
    }

    /** Output positions per image and channel. */
    int positions() {
        return oh * ow;
    }

    /** Multiply-adds of one image, the same for both gradients and the forward pass. */
    long imageWork() {
        return (long) outChannels * positions() * patch();
    }

    /** A 1x1 kernel with stride 1 and no padding: the input already is its own unfold. */
    boolean pointwise() {
        return kh == 1 && kw == 1 && spec.strideH() == 1 && spec.strideW() == 1 && spec.padTop() == 0
                && spec.padBottom() == 0 && spec.padLeft() == 0 && spec.padRight() == 0;
    }
}
