package dev.adjoint.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * MobileNet-v2's inverted residual block in float32 — a first layer (the 1x1 expansion, the stem before the first
 * block, or none), a 3x3 depthwise layer and a 1x1 projection, each with its bias and clamp, the projection with the
 * block's shortcut — computed in bands of the depthwise layer's output rows. Run layer by layer, the expanded tensor
 * (96 x 112 x 112 floats, 4.8 MB, in MobileNet-v2's second block) and the depthwise layer's output are written to
 * memory and read back: an inference touches more than this 32 MiB shared L3 keeps, and the early layers took 1.4-2x
 * their time in cache. Here a band of the expanded rows and of the depthwise rows live in two buffers of a thread's
 * own, sized to stay near L2; only the block's narrow input and output go through memory.
 *
 * <p>For each band of output rows {@code [y0, y1)}: the first layer ({@link FirstLayer}) writes the input rows the band
 * reads (one row above and below for stride 1; rows {@code 2 y0 - 1 ... 2 y1 - 1} for stride 2) into the expanded
 * buffer, channel after channel; rows the previous band of the same image already holds (the overlap) are moved to the
 * buffer's front instead of computed again. {@link DepthwiseConvF32Vector.Bands} then writes the band's depthwise rows,
 * and the projection's GEMM reads them as its B ({@code expanded x (y1 - y0) ow}) and writes columns
 * {@code [y0 ow, y1 ow)} of its output channels, where the shortcut, laid out as the output, is added in the GEMM's
 * epilogue. Each layer's sums are those of the layer alone, in the same order.
 */
final class DepthwiseBlockF32 {
    private static final int V = FloatVector.SPECIES_PREFERRED.length();
    /**
     * What a band may take, in floats: its expanded and depthwise rows and the first layer's scratch, 1.25 MiB (this
     * machine's L2 is 1 MiB; the rest comes back from L3 while the band runs). Measured per block in MobileNet-v2 on
     * one thread: with 0.5 MiB the 144-channel 56x56 block took 1.11x its time layer by layer in cache, as each
     * band's GEMMs and depthwise strips start over; with 1 MiB the 576-channel 14x14 block ran in two bands of
     * 98-column GEMMs, 0.525 against 0.475 ms in one; with 2 MiB the 112x112 blocks lost their gain from memory
     * (0.39 -> 0.48 ms).
     */
    private static final int BAND_FLOATS = (1280 << 10) / Float.BYTES;
    /** Bands per thread below which the bands are cut thinner, so that the threads share them out evenly. */
    private static final int BANDS_PER_THREAD = 4;
    /** Bands below this many multiply-adds in total stay on the calling thread. */
    private static final long PARALLEL_WORK = 1L << 18;
    private static final ThreadLocal<float[]> EXPANDED = new ThreadLocal<>();
    private static final ThreadLocal<float[]> DEPTHWISE = new ThreadLocal<>();

    private DepthwiseBlockF32() {
    }

    /**
     * A pointwise layer's filters ({@code outChannels} rows), also packed for the GEMM (by the cache of packed
     * weights, or once for the call), and its epilogue.
     */
    record Pointwise(float[] weight, GemmF32Vector.Packed packed, int outChannels, GemmF32Vector.Epilogue epilogue) {
    }

    /** The layer before the depthwise one, which writes the rows of its output that a band reads. */
    interface FirstLayer {
        /**
         * Writes rows {@code [from, to)} of image n's output channels: channel c's row r at {@code dst[dstOff + c *
         * chunk + (r - from) * w]} (w the row length), on this thread.
         */
        void rows(int n, int from, int to, float[] dst, int dstOff, int chunk);
    }

    /** A 1x1 expansion of {@code x} ({@code batch x channels x h x w}) as the first layer: a GEMM per band. */
    static FirstLayer pointwise(float[] x, int channels, int h, int w, Pointwise expand) {
        return (n, from, to, dst, dstOff, chunk) -> GemmF32Vector.gemm(expand.outChannels(), (to - from) * w,
                channels, expand.weight(), 0, channels, 1, expand.packed(), x, n * channels * h * w + from * w, h * w,
                1, null, expand.epilogue(), dst, dstOff, chunk, false);
    }

    /** No first layer: the depthwise layer reads {@code x}'s rows ({@code batch x channels x h x w}), copied. */
    static FirstLayer input(float[] x, int channels, int h, int w) {
        return (n, from, to, dst, dstOff, chunk) -> {
            for (int c = 0; c < channels; c++) {
                System.arraycopy(x, ((n * channels + c) * h + from) * w, dst, dstOff + c * chunk, (to - from) * w);
            }
        };
    }

    /**
     * The bands of a block whose depthwise layer reads {@code batch x wide x h x w} values and writes {@code oh x ow}
     * planes; {@code scratch} is what the first layer works in beside a band, in floats for each row it writes.
     */
    static Block plan(int batch, int scratch, int wide, int h, int w, float[] depthwise, int stride,
            GemmF32Vector.Epilogue depthwiseEpilogue, int oh, int ow) {
        return new Block(batch, scratch, wide, h, w, depthwise, stride, depthwiseEpilogue, oh, ow);
    }

    /**
     * One call's geometry and operands, and the band loop. Each thread takes bands of its own. Where the batch has
     * fewer bands than {@link #BANDS_PER_THREAD} a thread, they are cut thinner into a multiple of the threads, so
     * that each thread's share is the same (MobileNet-v2's 14x14 blocks at batch 1 on two threads: two bands of 7
     * rows, not one of 14). Against the layers run one by one, each shared by the threads, the network at batch 1 on
     * two threads took 0.82-0.96x the time this way (three runs in one JVM by turns); with each band's layers shared
     * by the threads instead (a fork and join per layer and band) 1.16x.
     */
    static final class Block {
        private final int wide, h, w, stride, oh, ow, rows, bands, chunk, bandStride;
        private final float[] depthwise;
        private final DepthwiseConvF32Vector.Bands kernel;

        private Block(int batch, int scratch, int wide, int h, int w, float[] depthwise, int stride,
                GemmF32Vector.Epilogue depthwiseEpilogue, int oh, int ow) {
            this.wide = wide;
            this.h = h;
            this.w = w;
            this.depthwise = depthwise;
            this.stride = stride;
            this.oh = oh;
            this.ow = ow;
            int most = bandRows(wide, w, stride, ow, oh, scratch);
            int threads = Parallel.threads(), bandsAtMost = Math.ceilDiv(oh, most);
            if (threads > 1 && (long) batch * bandsAtMost < (long) BANDS_PER_THREAD * threads) {
                // Bands per image such that the batch's bands are a multiple of the threads.
                int step = threads / gcd(batch, threads);
                most = Math.ceilDiv(oh, Math.ceilDiv(bandsAtMost, step) * step);
            }
            this.rows = most;
            this.bands = Math.ceilDiv(oh, rows);
            // A band's rows of each channel, with the margins the depthwise kernel reads beyond them.
            this.chunk = inputRows(rows, stride) * w + 2 * DepthwiseConvF32Vector.Bands.MARGIN;
            // A vector after each channel's depthwise rows: a row narrower than a vector spills that far past the
            // band's last one (DepthwiseConvF32Vector.same3x3Rows).
            this.bandStride = rows * ow + V;
            this.kernel = new DepthwiseConvF32Vector.Bands(h, w, stride, ow, depthwiseEpilogue);
        }

        /**
         * Whether the bands are at least a GEMM tile's columns wide: cut for many threads, a small plane's would not
         * be, and then runs better layer by layer.
         */
        boolean worthBands() {
            return rows * ow >= GemmF32Vector.NR;
        }

        /**
         * Writes {@code out} ({@code batch x project.outChannels() x oh x ow}), the bands shared by the threads, the
         * depthwise layer's input rows written by {@code first}; {@code firstDepth} is the multiply-adds of each value
         * it writes (0 for a copy), which decides how many bands a thread takes at least.
         */
        void run(int batch, FirstLayer first, int firstDepth, Pointwise project, float[] out) {
            long bandWork = (long) rows * ow * wide * (9 + project.outChannels()
                    + (long) stride * stride * firstDepth);
            Parallel.forRange(batch * bands, (int) Math.max(1, PARALLEL_WORK / Math.max(1, bandWork)),
                    (from, to) -> bands(from, to, first, project, out));
        }

        /** Bands {@code [from, to)} on this thread: band b of image n is {@code n * bands + b}. */
        private void bands(int from, int to, FirstLayer first, Pointwise project, float[] out) {
            int margin = DepthwiseConvF32Vector.Bands.MARGIN;
            float[] expanded = GemmF32Vector.buffer(EXPANDED, wide * chunk);
            float[] band = GemmF32Vector.buffer(DEPTHWISE, wide * bandStride);
            int outChannels = project.outChannels();
            // The input rows [heldFrom, heldTo) of image heldImage are in expanded.
            int heldImage = -1, heldFrom = 0, heldTo = 0;
            for (int job = from; job < to; job++) {
                int n = job / bands, y0 = job % bands * rows, y1 = Math.min(oh, y0 + rows);
                int need0 = Math.max(0, y0 * stride - 1), need1 = Math.min(h, (y1 - 1) * stride + 2);
                int carried = 0;
                if (heldImage == n && need0 >= heldFrom && need0 < heldTo) {
                    carried = heldTo - need0;
                    for (int c = 0; c < wide; c++) {
                        int at = c * chunk + margin;
                        System.arraycopy(expanded, at + (need0 - heldFrom) * w, expanded, at, carried * w);
                    }
                }
                if (need0 + carried < need1) {
                    first.rows(n, need0 + carried, need1, expanded, margin + carried * w, chunk);
                }
                heldImage = n;
                heldFrom = need0;
                heldTo = need1;
                for (int c = 0; c < wide; c++) {
                    // Offsets that put input row need0 and output row y0 at the starts of their chunks.
                    kernel.rows(expanded, c * chunk + margin - need0 * w, y0, y1, depthwise, c, band,
                            c * bandStride - y0 * ow);
                }
                GemmF32Vector.gemm(outChannels, (y1 - y0) * ow, wide, project.weight(), 0, wide, 1, project.packed(),
                        band, 0, bandStride, 1, null, project.epilogue(), out, n * outChannels * oh * ow + y0 * ow,
                        oh * ow, false);
            }
        }
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** Input rows a band of {@code rows} output rows reads: one either side for stride 1, 2 rows + 1 for stride 2. */
    private static int inputRows(int rows, int stride) {
        return stride * rows + (stride == 1 ? 2 : 1);
    }

    /**
     * Output rows a band takes, so that its expanded and depthwise rows, and {@code scratch} floats for each expanded
     * row (what the first layer works in), fit {@link #BAND_FLOATS}.
     */
    static int bandRows(int wide, int w, int stride, int ow, int oh, int scratch) {
        int extraRows = stride == 1 ? 2 : 1;
        long fixed = (long) wide * (extraRows * w + 2 * DepthwiseConvF32Vector.Bands.MARGIN)
                + (long) extraRows * scratch;
        long perRow = (long) wide * (stride * w + ow) + (long) stride * scratch;
        int most = Math.clamp((BAND_FLOATS - fixed) / perRow, 1, oh);
        // Down to half as many rows where that makes a band whole column panels of the GEMMs' tiles (a part-filled
        // panel in every band's projection goes through the slower narrow tile), unless that leaves a last band of
        // less than half the others: MobileNet-v2's 28x28 blocks as 24 and 4 rows took 1.02-1.07x the time of 16
        // and 12.
        for (int r = most; r > most / 2; r--) {
            if (r * ow % GemmF32Vector.NR == 0 && (oh % r == 0 || 2 * (oh % r) >= r)) {
                return r;
            }
        }
        // Else the fewest bands, of equal height where no height of as many bands makes whole panels: 14 rows as 12
        // and 2 gave the last band's GEMMs 28 columns.
        int bands = Math.ceilDiv(oh, most), even = Math.ceilDiv(oh, bands);
        for (int r = even; r <= most && Math.ceilDiv(oh, r) == bands; r++) {
            if (r * ow % GemmF32Vector.NR == 0) {
                return r;
            }
        }
        return even;
    }
}
