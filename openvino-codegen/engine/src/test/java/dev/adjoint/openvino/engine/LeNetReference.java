package dev.adjoint.openvino.engine;

import java.nio.ByteBuffer;

/**
 * The testdata LeNet (conv5x5 p2 + bias, relu, maxpool2; conv5x5 p2 + bias; conv3x3 p2 + bias, relu, maxpool2;
 * flatten, dense with transposed weights + bias, softmax) as float64 loops over the weights at the offsets its XML
 * declares. Independent of the engine: plain loops, no Tensor ops.
 */
final class LeNetReference {
    private LeNetReference() {
    }

    static double[] run(double[] x, ByteBuffer w) {
        double[] a = conv(x, 3, 32, 32, floats(w, 0, 16 * 3 * 25), 16, 5, 2);
        addBias(a, 16, 32 * 32, floats(w, 4800, 16));
        relu(a);
        a = maxPool(a, 16, 32, 32);
        a = conv(a, 16, 16, 16, floats(w, 4864, 32 * 16 * 25), 32, 5, 2);
        addBias(a, 32, 16 * 16, floats(w, 56064, 32));
        a = conv(a, 32, 16, 16, floats(w, 56192, 64 * 32 * 9), 64, 3, 2);
        addBias(a, 64, 18 * 18, floats(w, 129920, 64));
        relu(a);
        a = maxPool(a, 64, 18, 18);
        double[] fc = floats(w, 130192, 10 * 5184);
        double[] bias = floats(w, 337552, 10);
        double[] logits = new double[10];
        for (int o = 0; o < 10; o++) {
            double acc = bias[o];
            for (int i = 0; i < 5184; i++) {
                acc += a[i] * fc[o * 5184 + i];
            }
            logits[o] = acc;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int i = 0; i < 10; i++) {
            logits[i] = Math.exp(logits[i] - max);
            sum += logits[i];
        }
        for (int i = 0; i < 10; i++) {
            logits[i] /= sum;
        }
        return logits;
    }

    private static double[] floats(ByteBuffer w, int offset, int count) {
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = w.getFloat(offset + 4 * i);
        }
        return out;
    }

    /** Stride-1 convolution with symmetric padding; the output is (h + 2p - k + 1) square. */
    private static double[] conv(double[] x, int c, int h, int wd, double[] k, int o, int ks, int pad) {
        int oh = h + 2 * pad - ks + 1;
        int ow = wd + 2 * pad - ks + 1;
        double[] out = new double[o * oh * ow];
        for (int oc = 0; oc < o; oc++) {
            for (int y = 0; y < oh; y++) {
                for (int xx = 0; xx < ow; xx++) {
                    double acc = 0;
                    for (int ic = 0; ic < c; ic++) {
                        for (int ky = 0; ky < ks; ky++) {
                            int iy = y + ky - pad;
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            for (int kx = 0; kx < ks; kx++) {
                                int ix = xx + kx - pad;
                                if (ix < 0 || ix >= wd) {
                                    continue;
                                }
                                acc += x[(ic * h + iy) * wd + ix] * k[((oc * c + ic) * ks + ky) * ks + kx];
                            }
                        }
                    }
                    out[(oc * oh + y) * ow + xx] = acc;
                }
            }
        }
        return out;
    }

    private static void addBias(double[] a, int c, int plane, double[] b) {
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < plane; i++) {
                a[ch * plane + i] += b[ch];
            }
        }
    }

    private static void relu(double[] a) {
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.max(a[i], 0);
        }
    }

    private static double[] maxPool(double[] a, int c, int h, int w) {
        int oh = h / 2;
        int ow = w / 2;
        double[] out = new double[c * oh * ow];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    double m = Double.NEGATIVE_INFINITY;
                    for (int dy = 0; dy < 2; dy++) {
                        for (int dx = 0; dx < 2; dx++) {
                            m = Math.max(m, a[(ch * h + 2 * y + dy) * w + 2 * x + dx]);
                        }
                    }
                    out[(ch * oh + y) * ow + x] = m;
                }
            }
        }
        return out;
    }
}
