package dev.adjoint.cpu;

import dev.adjoint.op.Conv2dSpec;

/**
 * The unfolded patches of one image and channel group (the matrix {@link Im2col} writes: row
 * {@code (c * KH + i) * KW + j}, column {@code y * OW + x}) produced straight into the GEMM's packed B
 * panels: a convolution's B operand then never exists as a whole matrix, which for a 56x56 ResNet layer
 * saves writing and reading back 7 MiB per call.
 */
final class Im2colPanelsF32 implements GemmF32Vector.BPanels {
    private static final int NR = GemmF32Vector.NR;

    private final float[] x;
    private final int xOff, h, w, kh, kw, oh, ow;
    private final int sh, sw, dh, dw, padTop, padLeft;

    /** The patches of the {@code channels x h x w} block of {@code x} at {@code xOff}, for an output of {@code oh x ow}. */
    Im2colPanelsF32(float[] x, int xOff, int h, int w, int kh, int kw, Conv2dSpec spec, int oh, int ow) {
        this.x = x;
        this.xOff = xOff;
        this.h = h;
        this.w = w;
        this.kh = kh;
        this.kw = kw;
        this.oh = oh;
        this.ow = ow;
        this.sh = spec.strideH();
        this.sw = spec.strideW();
        this.dh = spec.dilationH();
        this.dw = spec.dilationW();
        this.padTop = spec.padTop();
        this.padLeft = spec.padLeft();
    }

    @Override
    public void pack(int p0, int kc, int panelFrom, int panelTo, float[] packed, int base) {
        int positions = oh * ow;
        for (int p = p0; p < p0 + kc; p++) {
            int c = p / (kh * kw), i = p / kw % kh, j = p % kw;
            // Output columns [lo, hi) of every row read real pixels for tap j; the rest read padding.
            int shift = j * dw - padLeft;
            int lo = Math.clamp(Math.ceilDiv(-shift, sw), 0, ow);
            int hi = Math.clamp(Math.ceilDiv(w - shift, sw), lo, ow);
            int plane = xOff + c * h * w;
            int rowInPanel = (p - p0) * NR;
            for (int jp = panelFrom; jp < panelTo; jp++) {
                int dst = base + jp * kc * NR + rowInPanel;
                int q = jp * NR;
                int qEnd = Math.min(q + NR, positions);
                int y = q / ow, xo = q - y * ow;
                while (q < qEnd) {
                    // The part of this panel row that lies in output row y: columns [xo, xo + run).
                    int run = Math.min(ow - xo, qEnd - q);
                    int iy = y * sh - padTop + i * dh;
                    if (iy < 0 || iy >= h) {
                        for (int t = 0; t < run; t++) {
                            packed[dst + t] = 0f;
                        }
                    } else {
                        int from = Math.min(Math.max(xo, lo), xo + run), to = Math.max(from, Math.min(xo + run, hi));
                        int src = plane + iy * w + shift;
                        int t = 0;
                        for (; t < from - xo; t++) {
                            packed[dst + t] = 0f;
                        }
                        // A panel row takes up to NR values of one image row: the copy, not the loop around it,
                        // is what a 7x7 stem's 147-deep patches spend their time on (a third of the layer).
                        if (sw == 1) {
                            System.arraycopy(x, src + from, packed, dst + t, to - from);
                            t = to - xo;
                        } else if (sw == 2) {
                            DepthwiseConvF32Vector.evenLanes(x, src + 2 * from, to - from, packed, dst + t);
                            t = to - xo;
                        } else {
                            for (int s = src + from * sw; t < to - xo; t++, s += sw) {
                                packed[dst + t] = x[s];
                            }
                        }
                        for (; t < run; t++) {
                            packed[dst + t] = 0f;
                        }
                    }
                    dst += run;
                    q += run;
                    xo = 0;
                    y++;
                }
                for (int t = qEnd - jp * NR; t < NR; t++) {
                    packed[base + jp * kc * NR + rowInPanel + t] = 0f;
                }
            }
        }
    }
}
