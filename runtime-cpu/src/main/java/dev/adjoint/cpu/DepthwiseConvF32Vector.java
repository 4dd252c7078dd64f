package dev.adjoint.cpu;

import dev.adjoint.op.Conv2dSpec;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise float32 convolution on the Vector API: every output channel reads one input channel
 * ({@code groups == in channels}, {@code out channels = groups x multiplier}), as in MobileNet's 3x3
 * layers. Through im2col each group would be a GEMM of one row, which spends its time unfolding; here
 * the taps are summed straight from a copy of the input plane, {@code V} outputs at a time.
 *
 * <p>The copy is the zero-padded plane split into its {@code strideH x strideW} polyphase sub-planes:
 * sub-plane {@code (a, b)} holds padded rows {@code r * strideH + a} and columns {@code c * strideW + b}.
 * Tap {@code (i, j)} of output {@code (y, x)} then reads element {@code (y + i dH / sH, x + j dW / sW)}
 * of sub-plane {@code (i dH mod sH, j dW mod sW)}, so for any stride every tap reads a contiguous run.
 * Each sub-plane row is exactly {@code L = ow + (kw - 1) dW / sW} long, so output {@code (y, x)} sits
 * at flat position {@code y L + x} of every tap's run, and a whole plane is one flat run of vectors,
 * with no per-row tail: the {@code L - ow} columns between rows are computed and dropped when the run
 * is copied out. The zero borders of the sub-planes are written once per thread and call; each plane
 * then only copies its rows in (with stride 2, de-interleaved by a two-vector lane selection).
 */
final class DepthwiseConvF32Vector {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int V = SPECIES.length();
    /** Outputs per pass of the run: four vectors, so four independent FMA chains share each weight broadcast. */
    private static final int BLOCK = 4 * V;
    /** Planes below this many multiply-adds in total stay on the calling thread. */
    private static final long PARALLEL_WORK = 1L << 16;
    /** Lane indices {@code 0, 2, 4, ...}: the even lanes of the pair {@code (lo, hi)} for {@code selectFrom}. */
    private static final FloatVector EVEN_LANES = FloatVector.fromArray(SPECIES, evenIndices(), 0);

    private static final ThreadLocal<float[]> SCRATCH = new ThreadLocal<>();

    private DepthwiseConvF32Vector() {
    }

    /** Whether {@code conv2d} with these channel counts is depthwise: one input channel per group, several groups. */
    static boolean applies(int channels, int groups) {
        return groups > 1 && groups == channels;
    }

    /**
     * Writes {@code out} ({@code batch x outChannels x oh x ow}) from {@code x} ({@code batch x channels
     * x h x w}) and {@code weight} ({@code outChannels x 1 x kh x kw}); output channel {@code o} reads
     * input channel {@code o / (outChannels / channels)}.
     */
    static void conv(float[] x, int batch, int channels, int h, int w, float[] weight, int outChannels, int kh, int kw,
            Conv2dSpec spec, int oh, int ow, float[] out) {
        Geometry g = new Geometry(h, w, kh, kw, spec, oh, ow);
        int multiplier = outChannels / channels;
        long planeWork = (long) oh * ow * kh * kw;
        int planes = batch * outChannels;
        Parallel.forRange(planes, (int) Math.max(1, PARALLEL_WORK / Math.max(1, planeWork)), (from, to) -> {
            float[] scratch = scratch(g.scratchSize());
            // Zero borders once: the planes below only overwrite the cells that hold input values.
            Arrays.fill(scratch, 0, g.scratchSize(), 0f);
            int loaded = -1;
            for (int plane = from; plane < to; plane++) {
                int n = plane / outChannels, o = plane % outChannels;
                int input = n * channels + o / multiplier;
                if (input != loaded) {
                    g.load(x, input * h * w, scratch);
                    loaded = input;
                }
                g.run(scratch, weight, o * kh * kw);
                g.copyOut(scratch, out, plane * oh * ow);
            }
        });
    }

    /**
     * One call's layout. The scratch array holds the {@code sH x sW} sub-planes ({@code rows x len}
     * each, only the ones some tap reads are filled), {@link #BLOCK} floats of slack that the run's
     * last block may read past them, then the run's flat output ({@code oh x len}, rounded up to a block).
     */
    private static final class Geometry {
        private final int h, w, sh, sw, padTop, padLeft, oh, ow;
        /** Rows and row length of each sub-plane. */
        private final int rows, len;
        /** Which row and column phases some tap reads. */
        private final boolean[] rowPhases, colPhases;
        /** Where tap {@code (i, j)} (at {@code i * kw + j}) reads for flat output position 0. */
        private final int[] taps;
        /** The run's length, {@code oh * len} rounded up to a block, and where it is written. */
        private final int positions, runStart;

        Geometry(int h, int w, int kh, int kw, Conv2dSpec s, int oh, int ow) {
            this.h = h;
            this.w = w;
            this.sh = s.strideH();
            this.sw = s.strideW();
            this.padTop = s.padTop();
            this.padLeft = s.padLeft();
            this.oh = oh;
            this.ow = ow;
            this.rows = oh + (kh - 1) * s.dilationH() / sh;
            this.len = ow + (kw - 1) * s.dilationW() / sw;
            this.rowPhases = new boolean[sh];
            this.colPhases = new boolean[sw];
            this.taps = new int[kh * kw];
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    int r = i * s.dilationH(), c = j * s.dilationW();
                    rowPhases[r % sh] = true;
                    colPhases[c % sw] = true;
                    taps[i * kw + j] = subPlane(r % sh, c % sw) + r / sh * len + c / sw;
                }
            }
            this.positions = Math.ceilDiv(oh * len, BLOCK) * BLOCK;
            this.runStart = sh * sw * rows * len + BLOCK;
        }

        int scratchSize() {
            return runStart + positions;
        }

        private int subPlane(int a, int b) {
            return (a * sw + b) * rows * len;
        }

        /** Copies the input plane at {@code x[xOff]} into the sub-planes that the taps read. */
        void load(float[] x, int xOff, float[] scratch) {
            for (int a = 0; a < sh; a++) {
                if (!rowPhases[a]) {
                    continue;
                }
                for (int r = 0; r < rows; r++) {
                    int iy = r * sh + a - padTop;
                    if (iy < 0 || iy >= h) {
                        continue;
                    }
                    int src = xOff + iy * w;
                    for (int b = 0; b < sw; b++) {
                        if (!colPhases[b]) {
                            continue;
                        }
                        // Column c of this phase is input column c * sw + b - padLeft: real from c0 for count values.
                        int c0 = Math.max(0, Math.ceilDiv(padLeft - b, sw));
                        int ix0 = c0 * sw + b - padLeft;
                        int count = Math.min(len - c0, ix0 >= w ? 0 : Math.ceilDiv(w - ix0, sw));
                        int dst = subPlane(a, b) + r * len + c0;
                        if (count <= 0) {
                            continue;
                        }
                        if (sw == 1) {
                            System.arraycopy(x, src + ix0, scratch, dst, count);
                        } else if (sw == 2) {
                            evenLanes(x, src + ix0, count, scratch, dst);
                        } else {
                            for (int t = 0, ix = src + ix0; t < count; t++, ix += sw) {
                                scratch[dst + t] = x[ix];
                            }
                        }
                    }
                }
            }
        }

        /** The flat run: position {@code p} is the sum over taps of weight times sub-plane element {@code p + taps[t]}. */
        void run(float[] s, float[] weight, int wOff) {
            int count = taps.length;
            for (int p = 0; p < positions; p += BLOCK) {
                FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0;
                for (int t = 0; t < count; t++) {
                    FloatVector wt = FloatVector.broadcast(SPECIES, weight[wOff + t]);
                    int at = p + taps[t];
                    a0 = FloatVector.fromArray(SPECIES, s, at).fma(wt, a0);
                    a1 = FloatVector.fromArray(SPECIES, s, at + V).fma(wt, a1);
                    a2 = FloatVector.fromArray(SPECIES, s, at + 2 * V).fma(wt, a2);
                    a3 = FloatVector.fromArray(SPECIES, s, at + 3 * V).fma(wt, a3);
                }
                int dst = runStart + p;
                a0.intoArray(s, dst);
                a1.intoArray(s, dst + V);
                a2.intoArray(s, dst + 2 * V);
                a3.intoArray(s, dst + 3 * V);
            }
        }

        /** Copies the run's {@code ow} real columns of each row to {@code out[outOff]}. */
        void copyOut(float[] s, float[] out, int outOff) {
            if (len == ow) {
                System.arraycopy(s, runStart, out, outOff, oh * ow);
                return;
            }
            for (int y = 0; y < oh; y++) {
                System.arraycopy(s, runStart + y * len, out, outOff + y * ow, ow);
            }
        }
    }

    /**
     * Writes {@code x[src], x[src + 2], ...} ({@code count} values) to {@code dst[dstOff...]}: each
     * vector of them is the even lanes of two adjacent loads. A last partial vector is stored again
     * over the previous one's end where there is one, else masked; loads that would run past the end
     * of {@code x} go element by element.
     */
    private static void evenLanes(float[] x, int src, int count, float[] dst, int dstOff) {
        int t = 0;
        while (t < count) {
            int at = t + V <= count || count < V ? t : count - V;
            int from = src + 2 * at;
            if (from + 2 * V > x.length) {
                for (int u = at; u < count; u++) {
                    dst[dstOff + u] = x[src + 2 * u];
                }
                return;
            }
            FloatVector lo = FloatVector.fromArray(SPECIES, x, from);
            FloatVector hi = FloatVector.fromArray(SPECIES, x, from + V);
            FloatVector even = EVEN_LANES.selectFrom(lo, hi);
            if (at + V <= count) {
                even.intoArray(dst, dstOff + at);
            } else {
                even.intoArray(dst, dstOff + at, VectorMask.fromLong(SPECIES, (1L << (count - at)) - 1));
            }
            t = at + V;
        }
    }

    private static float[] evenIndices() {
        float[] lanes = new float[V];
        for (int i = 0; i < V; i++) {
            lanes[i] = 2 * i;
        }
        return lanes;
    }

    private static float[] scratch(int size) {
        float[] buf = SCRATCH.get();
        if (buf == null || buf.length < size) {
            buf = new float[size];
            SCRATCH.set(buf);
        }
        return buf;
    }
}
