package dev.adjoint.cpu;

import dev.adjoint.op.Conv2dSpec;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise float32 convolution on the Vector API: every output channel reads one input channel
 * ({@code groups == in channels}, {@code out channels = groups x multiplier}), as in MobileNet's 3x3
 * layers. Through im2col each group would be a GEMM of one row, which spends its time unfolding; here
 * each output row is summed tap by tap straight from the input, {@code V} output columns at a time.
 *
 * <p>To keep every load contiguous and free of bounds tests, each input plane is first copied into a
 * zero-padded scratch plane whose rows are split by column phase ({@code column mod strideW}): with
 * stride 2, the even columns of a row, then its odd ones. Tap {@code (i, j)} of output column
 * {@code x} then reads element {@code x + (j * dilationW) / strideW} of phase
 * {@code (j * dilationW) mod strideW} of padded row {@code y * strideH + i * dilationH}.
 */
final class DepthwiseConvF32Vector {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int V = SPECIES.length();
    /** Planes below this many multiply-adds in total stay on the calling thread. */
    private static final long PARALLEL_WORK = 1L << 16;

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
        int multiplier = outChannels / channels;
        int sh = spec.strideH(), sw = spec.strideW(), dh = spec.dilationH(), dw = spec.dilationW();
        int ph = h + spec.padTop() + spec.padBottom();
        int pw = w + spec.padLeft() + spec.padRight();
        int phaseLength = Math.ceilDiv(pw, sw);
        int rowLength = phaseLength * sw;
        // Rows of the padded plane that some output row reads.
        int rows = Math.min(ph, (oh - 1) * sh + (kh - 1) * dh + 1);
        int scratchSize = rows * rowLength + V;
        // Where tap (i, j) reads, relative to the start of the first padded row its output row reads.
        int[] taps = new int[kh * kw];
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                int col = j * dw;
                taps[i * kw + j] = i * dh * rowLength + col % sw * phaseLength + col / sw;
            }
        }
        long planeWork = (long) oh * ow * kh * kw;
        int planes = batch * outChannels;
        Parallel.forRange(planes, (int) Math.max(1, PARALLEL_WORK / Math.max(1, planeWork)), (from, to) -> {
            float[] scratch = scratch(scratchSize);
            int loaded = -1;
            for (int plane = from; plane < to; plane++) {
                int n = plane / outChannels, o = plane % outChannels;
                int input = n * channels + o / multiplier;
                if (input != loaded) {
                    pad(x, input * h * w, h, w, spec, sw, rows, phaseLength, scratch);
                    loaded = input;
                }
                planeRows(scratch, sh * rowLength, taps, weight, o * kh * kw, oh, ow, out, plane * oh * ow);
            }
        });
    }

    /**
     * One output plane: each row is the sum over taps of a weight times a contiguous run of a phase
     * row; {@code taps[t]} is where tap t's run starts relative to the first padded row output row 0 reads.
     */
    private static void planeRows(float[] scratch, int rowStride, int[] taps, float[] weight, int wOff, int oh,
            int ow, float[] out, int outOff) {
        int count = taps.length;
        float[] tail = new float[V];
        for (int y = 0; y < oh; y++) {
            int dst = outOff + y * ow;
            int row = y * rowStride;
            for (int x = 0; x < ow; x += V) {
                FloatVector acc = FloatVector.zero(SPECIES);
                int at = row + x;
                for (int t = 0; t < count; t++) {
                    acc = FloatVector.broadcast(SPECIES, weight[wOff + t])
                            .fma(FloatVector.fromArray(SPECIES, scratch, at + taps[t]), acc);
                }
                if (x + V <= ow) {
                    acc.intoArray(out, dst + x);
                } else {
                    // The row's last, partial vector: through a scratch vector, since a masked store was slow.
                    acc.intoArray(tail, 0);
                    System.arraycopy(tail, 0, out, dst + x, ow - x);
                }
            }
        }
    }

    /**
     * Copies the first {@code rows} rows of the zero-padded plane at {@code x[xOff]} into
     * {@code scratch}, each row as its {@code sw} column phases of {@code phaseLength} values.
     */
    private static void pad(float[] x, int xOff, int h, int w, Conv2dSpec spec, int sw, int rows, int phaseLength,
            float[] scratch) {
        int rowLength = phaseLength * sw;
        for (int r = 0; r < rows; r++) {
            int iy = r - spec.padTop();
            int dst = r * rowLength;
            if (iy < 0 || iy >= h) {
                Arrays.fill(scratch, dst, dst + rowLength, 0f);
                continue;
            }
            int src = xOff + iy * w;
            if (sw == 1) {
                Arrays.fill(scratch, dst, dst + spec.padLeft(), 0f);
                System.arraycopy(x, src, scratch, dst + spec.padLeft(), w);
                Arrays.fill(scratch, dst + spec.padLeft() + w, dst + rowLength, 0f);
                continue;
            }
            for (int q = 0; q < sw; q++) {
                int phase = dst + q * phaseLength;
                // Element t of this phase is input column q + t * sw - padLeft: real for t in [lo, hi).
                int first = q - spec.padLeft();
                int lo = Math.clamp(Math.ceilDiv(-first, sw), 0, phaseLength);
                int hi = Math.clamp(Math.ceilDiv(w - first, sw), lo, phaseLength);
                Arrays.fill(scratch, phase, phase + lo, 0f);
                for (int t = lo, ix = src + first + lo * sw; t < hi; t++, ix += sw) {
                    scratch[phase + t] = x[ix];
                }
                Arrays.fill(scratch, phase + hi, phase + phaseLength, 0f);
            }
        }
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
