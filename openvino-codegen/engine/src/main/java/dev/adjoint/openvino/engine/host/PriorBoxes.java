package dev.adjoint.openvino.engine.host;

import java.util.ArrayList;
import java.util.List;

/** PriorBox-0/8 and PriorBoxClustered-0: the prior (anchor) boxes of an SSD head, in float32. */
public final class PriorBoxes {
    private PriorBoxes() {
    }

    /** PriorBox's attributes, as the op spec names them. */
    public record PriorBoxAttributes(float[] minSize, float[] maxSize, float[] aspectRatio, boolean flip, boolean clip,
            float step, float offset, float[] variance, boolean scaleAllSizes, float[] fixedRatio, float[] fixedSize,
            float[] density, boolean minMaxAspectRatiosOrder) {
    }

    /** PriorBoxClustered's attributes. */
    public record ClusteredAttributes(float[] widths, float[] heights, boolean clip, float step, float stepWidth,
            float stepHeight, float offset, float[] variance) {
    }

    /** The distinct aspect ratios, 1 first, each followed by its reciprocal when flipping (as the reference lists them). */
    static List<Float> aspectRatios(PriorBoxAttributes a) {
        List<Float> out = new ArrayList<>();
        out.add(1f);
        for (float r : a.aspectRatio()) {
            boolean exists = false;
            for (float e : out) {
                exists |= Math.abs(r - e) < 1e-6;
            }
            if (!exists) {
                out.add(r);
                if (a.flip()) {
                    out.add(1f / r);
                }
            }
        }
        return out;
    }

    /**
     * The boxes of a {@code height x width} grid over an {@code imageHeight x imageWidth} image: a
     * {@code [2, 4 * height * width * priors]} row-major array of {xmin, ymin, xmax, ymax} normalised to the image,
     * then the variances. {@code priors} is what the op's shape inference counts (OpenVINO's number_of_priors).
     */
    public static float[] priorBox(int height, int width, int imageHeight, int imageWidth, PriorBoxAttributes a,
            int priors) {
        int channel = 4 * height * width * priors;
        float[] out = new float[2 * channel];
        List<Float> ratios = aspectRatios(a);
        float[] variance = a.variance().length == 0 ? new float[] {0.1f} : a.variance();
        float step = a.step();
        float[] minSize = a.minSize().clone();
        if (!a.scaleAllSizes()) {
            // MXNet-style PriorBox: sizes and step are fractions of the image height.
            step = step == -1 ? (float) imageHeight / height : step * imageHeight;
            for (int i = 0; i < minSize.length; i++) {
                minSize[i] *= imageHeight;
            }
        }
        float invW = 1f / imageWidth;
        float invH = 1f / imageHeight;
        float stepX = step == 0 ? (float) imageWidth / width : step;
        float stepY = step == 0 ? (float) imageHeight / height : step;
        int[] idx = {0};
        Emitter emit = (cx, cy, bw, bh, clip) -> {
            float x0 = (cx - bw) * invW;
            float y0 = (cy - bh) * invH;
            float x1 = (cx + bw) * invW;
            float y1 = (cy + bh) * invH;
            if (clip) {
                x0 = Math.max(x0, 0);
                y0 = Math.max(y0, 0);
                x1 = Math.min(x1, 1);
                y1 = Math.min(y1, 1);
            }
            if (idx[0] + 4 > channel) {
                throw new IllegalArgumentException("the attributes make more priors per point than the " + priors
                        + " the op's shape declares");
            }
            out[idx[0]++] = x0;
            out[idx[0]++] = y0;
            out[idx[0]++] = x1;
            out[idx[0]++] = y1;
        };
        for (int h = 0; h < height; h++) {
            for (int w = 0; w < width; w++) {
                float cx = step == 0 ? (w + 0.5f) * stepX : (a.offset() + w) * step;
                float cy = step == 0 ? (h + 0.5f) * stepY : (a.offset() + h) * step;
                for (int s = 0; s < a.fixedSize().length; s++) {
                    fixedSizeBoxes(a, s, ratios, cx, cy, emit);
                }
                for (int m = 0; m < minSize.length; m++) {
                    float half = minSize[m] * 0.5f;
                    emit.box(cx, cy, half, half, false);
                    boolean ratiosHere = a.scaleAllSizes() || m == minSize.length - 1;
                    int sizeIndex = a.scaleAllSizes() ? m : 0;
                    if (a.minMaxAspectRatiosOrder()) {
                        maxBox(a, minSize, m, cx, cy, emit);
                        if (ratiosHere) {
                            ratioBoxes(minSize[sizeIndex], ratios, cx, cy, emit);
                        }
                    } else {
                        if (ratiosHere) {
                            ratioBoxes(minSize[sizeIndex], ratios, cx, cy, emit);
                        }
                        maxBox(a, minSize, m, cx, cy, emit);
                    }
                }
            }
        }
        if (a.clip()) {
            for (int i = 0; i < channel; i++) {
                out[i] = Math.min(Math.max(out[i], 0f), 1f);
            }
        }
        fillVariance(out, channel, variance);
        return out;
    }

    @FunctionalInterface
    private interface Emitter {
        void box(float cx, float cy, float halfWidth, float halfHeight, boolean clip);
    }

    private static void maxBox(PriorBoxAttributes a, float[] minSize, int m, float cx, float cy, Emitter emit) {
        if (a.maxSize().length > m) {
            float half = (float) Math.sqrt(minSize[m] * a.maxSize()[m]) * 0.5f;
            emit.box(cx, cy, half, half, false);
        }
    }

    private static void ratioBoxes(float size, List<Float> ratios, float cx, float cy, Emitter emit) {
        for (float ar : ratios) {
            if (Math.abs(ar - 1f) < 1e-6) {
                continue;
            }
            float r = (float) Math.sqrt(ar);
            emit.box(cx, cy, size * 0.5f * r, size * 0.5f / r, false);
        }
    }

    /** The fixed_size boxes of one size, spread over a density x density sub-grid (clipped to the image). */
    private static void fixedSizeBoxes(PriorBoxAttributes a, int s, List<Float> ratios, float cx, float cy,
            Emitter emit) {
        float fixed = a.fixedSize()[s];
        long fixedInt = (long) fixed;
        long density = a.density().length > s ? (long) a.density()[s] : 1;
        long shift = density == 0 ? 0 : (long) (fixed / density);
        if (a.fixedRatio().length > 0) {
            for (float ar : a.fixedRatio()) {
                float r = (float) Math.sqrt(ar);
                grid(density, shift, fixedInt, cx, cy, fixed * 0.5f * r, fixed * 0.5f / r, emit);
            }
            return;
        }
        if (a.density().length > 0) {
            grid(density, shift, fixedInt, cx, cy, fixedInt * 0.5f, fixedInt * 0.5f, emit);
        }
        for (float ar : ratios) {
            if (Math.abs(ar - 1f) < 1e-6) {
                continue;
            }
            float r = (float) Math.sqrt(ar);
            grid(density, shift, fixedInt, cx, cy, fixed * 0.5f * r, fixed * 0.5f / r, emit);
        }
    }

    private static void grid(long density, long shift, long fixed, float cx, float cy, float bw, float bh,
            Emitter emit) {
        for (long r = 0; r < density; r++) {
            for (long c = 0; c < density; c++) {
                float x = cx - fixed / 2 + shift / 2f + c * shift;
                float y = cy - fixed / 2 + shift / 2f + r * shift;
                emit.box(x, y, bw, bh, true);
            }
        }
    }

    private static void fillVariance(float[] out, int channel, float[] variance) {
        if (variance.length == 1) {
            for (int i = 0; i < channel; i++) {
                out[channel + i] = variance[0];
            }
        } else {
            for (int i = 0; i < channel; i++) {
                out[channel + i] = variance[i % 4];
            }
        }
    }

    /** PriorBoxClustered: one box of each (width, height) at every grid point, as a [2, 4 * h * w * n] array. */
    public static float[] priorBoxClustered(int height, int width, int imageHeight, int imageWidth,
            ClusteredAttributes a) {
        int n = a.widths().length;
        int channel = 4 * height * width * n;
        float[] out = new float[2 * channel];
        float[] variance = a.variance().length == 0 ? new float[] {0.1f} : a.variance();
        float stepW = a.stepWidth() == 0 ? a.step() : a.stepWidth();
        float stepH = a.stepHeight() == 0 ? a.step() : a.stepHeight();
        if (stepW == 0 && stepH == 0) {
            stepW = (float) imageWidth / width;
            stepH = (float) imageHeight / height;
        }
        for (int h = 0; h < height; h++) {
            for (int w = 0; w < width; w++) {
                float cx = (w + a.offset()) * stepW;
                float cy = (h + a.offset()) * stepH;
                for (int s = 0; s < n; s++) {
                    float bw = a.widths()[s];
                    float bh = a.heights()[s];
                    float[] box = {(cx - bw / 2f) / imageWidth, (cy - bh / 2f) / imageHeight,
                        (cx + bw / 2f) / imageWidth, (cy + bh / 2f) / imageHeight};
                    int idx = ((h * width + w) * n + s) * 4;
                    for (int j = 0; j < 4; j++) {
                        out[idx + j] = a.clip() ? Math.min(Math.max(box[j], 0f), 1f) : box[j];
                        out[channel + idx + j] = variance.length == 1 ? variance[0] : variance[j];
                    }
                }
            }
        }
        return out;
    }
}
