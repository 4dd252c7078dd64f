package dev.adjoint.openvino.engine;

import dev.adjoint.core.Slice;
import dev.adjoint.Tensor;

/**
 * Compositions for normalization and the activations that take several Tensor ops: GELU's tanh form, MVN,
 * NormalizeL2, LRN and FakeQuantize, each following OpenVINO's reference implementation.
 */
final class Normalization {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    private Normalization() {
    }

    /** {@code 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))}. */
    static Tensor geluTanh(Tensor x) {
        Tensor inner = x.add(x.mul(x).mul(x).mul(0.044715)).mul(SQRT_2_OVER_PI);
        return x.mul(inner.tanh().add(1.0)).mul(0.5);
    }

    /**
     * Mean-variance normalization over {@code axes}: {@code x - mean}, divided by {@code sqrt(var + eps)}
     * ({@code insideSqrt}) or {@code sqrt(var) + eps} when {@code normalizeVariance}.
     */
    static Tensor mvn(Tensor x, int[] axes, boolean normalizeVariance, double eps, boolean insideSqrt) {
        if (axes.length == 0) {
            return normalizeVariance ? x.sub(x).div(insideSqrt ? Math.sqrt(eps) : eps) : x.sub(x);
        }
        if (x.dtype().isFloating() && isLayerNorm(axes, x.rank(), normalizeVariance, eps, insideSqrt)) {
            // One op, with the bits of the composition below.
            return x.layerNorm(axes.length, eps);
        }
        Tensor centered = x.sub(x.mean(axes, true));
        if (!normalizeVariance) {
            return centered;
        }
        Tensor variance = centered.square().mean(axes, true);
        Tensor denominator = insideSqrt ? variance.add(eps).sqrt() : variance.sqrt().add(eps);
        return centered.div(denominator);
    }

    /**
     * Whether an MVN over {@code axes} (sorted, distinct, at least one) of a rank-{@code rank} input is what
     * {@code Tensor.layerNorm} computes: the variance normalized, a finite eps of at least 0 inside the root, the last
     * axes. {@link #mvn} and {@code EpilogueFusion} both decide by this.
     */
    static boolean isLayerNorm(int[] axes, int rank, boolean normalizeVariance, double eps, boolean insideSqrt) {
        return normalizeVariance && insideSqrt && eps >= 0 && !Double.isInfinite(eps) && axes.length > 0
                && trailing(axes, rank);
    }

    /** Whether {@code axes} (sorted, distinct) are the last {@code axes.length} of {@code rank}. */
    private static boolean trailing(int[] axes, int rank) {
        for (int i = 0; i < axes.length; i++) {
            if (axes[i] != rank - axes.length + i) {
                return false;
            }
        }
        return true;
    }

    /** {@code x / sqrt(sum(x^2) + eps)} ({@code add}) or {@code x / sqrt(max(sum(x^2), eps))}, summed over axes. */
    static Tensor normalizeL2(Tensor x, int[] axes, double eps, boolean add) {
        Tensor squares = x.square();
        Tensor sum = axes.length == 0 ? squares : squares.sum(axes, true);
        Tensor norm = add ? sum.add(eps).sqrt() : sum.maximum(eps).sqrt();
        return x.div(norm);
    }

    /**
     * Local response normalization: {@code x / (bias + alpha / size^axes * sum of x^2 over the window)^beta}, the
     * window spanning {@code (size - 1) / 2} neighbours either side along each axis (clipped at the edges), as
     * OpenVINO's reference.
     */
    static Tensor lrn(Tensor x, int[] axes, double alpha, double beta, double bias, int size) {
        int half = (size - 1) / 2;
        Tensor sum = x.square();
        for (int axis : axes) {
            int[][] pads = new int[x.rank()][2];
            pads[axis][0] = half;
            pads[axis][1] = half;
            Tensor padded = sum.pad(pads, 0.0);
            int n = x.dim(axis);
            Tensor acc = null;
            for (int k = 0; k <= 2 * half; k++) {
                Slice[] s = OpTable.all(x.rank());
                s[axis] = Slice.range(k, k + n);
                Tensor part = padded.index(s);
                acc = acc == null ? part : acc.add(part);
            }
            sum = acc;
        }
        double scale = alpha / Math.pow(size, axes.length);
        return x.div(sum.mul(scale).add(bias).pow(beta));
    }

    /**
     * FakeQuantize: values at or below {@code min(inLow, inHigh)} give {@code outLow}, above {@code max} give
     * {@code outHigh}, the rest are quantized to {@code levels} steps (rounding halves to even) and mapped to the
     * output range.
     */
    static Tensor fakeQuantize(Tensor x, Tensor inLow, Tensor inHigh, Tensor outLow, Tensor outHigh, long levels) {
        double steps = levels - 1;
        Tensor q = TensorMath.roundHalfToEven(x.sub(inLow).div(inHigh.sub(inLow)).mul(steps)).div(steps)
                .mul(outHigh.sub(outLow)).add(outLow);
        Tensor low = inLow.minimum(inHigh);
        Tensor high = inLow.maximum(inHigh);
        Tensor result = Tensor.where(x.le(low), outLow, Tensor.where(x.gt(high), outHigh, q));
        return result;
    }
}
