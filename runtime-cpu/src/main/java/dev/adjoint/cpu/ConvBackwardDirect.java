package dev.adjoint.cpu;

import dev.adjoint.op.Conv2dSpec;

/**
 * Convolution gradients as plain float64 loops over every (output, tap) pair, the definition
 * itself. {@link ConvolutionBackward} uses them for problems too small to pay for unfolding into a
 * buffer and calling the GEMM; float32 operands are widened first, which at that size costs nothing.
 */
final class ConvBackwardDirect {
    private ConvBackwardDirect() {
    }

    /** Adds the input gradient of every image into the zeroed {@code dx}. */
    static void input(ConvBackwardGeometry g, double[] dy, double[] w, double[] dx) {
        Conv2dSpec s = g.spec();
        int groupIn = g.groupIn(), groupOut = g.groupOut();
        for (int n = 0; n < g.batch(); n++) {
            for (int oc = 0; oc < g.outChannels(); oc++) {
                int firstChannel = oc / groupOut * groupIn;
                int dyBase = (n * g.outChannels() + oc) * g.positions();
                for (int c = 0; c < groupIn; c++) {
                    int dxBase = (n * g.channels() + firstChannel + c) * g.h() * g.w();
                    for (int i = 0; i < g.kh(); i++) {
                        for (int j = 0; j < g.kw(); j++) {
                            double tap = w[((oc * groupIn + c) * g.kh() + i) * g.kw() + j];
                            for (int y = 0; y < g.oh(); y++) {
                                int iy = y * s.strideH() - s.padTop() + i * s.dilationH();
                                if (iy < 0 || iy >= g.h()) {
                                    continue;
                                }
                                for (int x = 0; x < g.ow(); x++) {
                                    int ix = x * s.strideW() - s.padLeft() + j * s.dilationW();
                                    if (ix >= 0 && ix < g.w()) {
                                        dx[dxBase + iy * g.w() + ix] += tap * dy[dyBase + y * g.ow() + x];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Writes the weight gradient, summed over the batch, into the zeroed {@code dw}. */
    static void weight(ConvBackwardGeometry g, double[] x, double[] dy, double[] dw) {
        Conv2dSpec s = g.spec();
        int groupIn = g.groupIn(), groupOut = g.groupOut();
        for (int oc = 0; oc < g.outChannels(); oc++) {
            int firstChannel = oc / groupOut * groupIn;
            for (int c = 0; c < groupIn; c++) {
                for (int i = 0; i < g.kh(); i++) {
                    for (int j = 0; j < g.kw(); j++) {
                        double sum = 0;
                        for (int n = 0; n < g.batch(); n++) {
                            int xBase = (n * g.channels() + firstChannel + c) * g.h() * g.w();
                            int dyBase = (n * g.outChannels() + oc) * g.positions();
                            for (int y = 0; y < g.oh(); y++) {
                                int iy = y * s.strideH() - s.padTop() + i * s.dilationH();
                                if (iy < 0 || iy >= g.h()) {
                                    continue;
                                }
                                for (int ox = 0; ox < g.ow(); ox++) {
                                    int ix = ox * s.strideW() - s.padLeft() + j * s.dilationW();
                                    if (ix >= 0 && ix < g.w()) {
                                        sum += x[xBase + iy * g.w() + ix] * dy[dyBase + y * g.ow() + ox];
                                    }
                                }
                            }
                        }
                        dw[((oc * groupIn + c) * g.kh() + i) * g.kw() + j] = sum;
                    }
                }
            }
        }
    }
}
