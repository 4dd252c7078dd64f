package dev.adjoint.cpu;

import dev.adjoint.op.Conv2dSpec;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The unfolded patches of one image and channel group (the matrix {@link Im2col} writes: row
 * {@code (c * KH + i) * KW + j}, column {@code y * OW + x}) produced straight into the GEMM's packed B
 * panels: a convolution's B operand then never exists as a whole matrix, which for a 56x56 ResNet layer
 * saves writing and reading back 7 MiB per call.
 */
final class Im2colPanelsF32 implements GemmF32Vector.BPanels {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int V = SPECIES.length();
    private static final int NR = GemmF32Vector.NR;
    /** Per thread: the padded input split into even and odd columns (see {@link #split}). */
    private static final ThreadLocal<float[]> SPLIT = new ThreadLocal<>();
    /** Per thread: one padded input row, before it is split. */
    private static final ThreadLocal<float[]> PADDED_ROW = new ThreadLocal<>();
    /** Per thread: one depth's patches for the panels being packed (see {@link #pack}). */
    private static final ThreadLocal<float[]> TAP_ROW = new ThreadLocal<>();
    private static final int MAX_CACHED_SPLIT = 1 << 24;
    /** The fewest input values one thread splits into even and odd columns. */
    private static final int SPLIT_PARALLEL_VALUES = 1 << 14;

    private final float[] x;
    private final int xOff, h, w, kh, kw, oh, ow;
    private final int sh, sw, dh, dw, padTop, padLeft;
    /**
     * For stride 2 across and a kernel wider than one column: the input as the taps read it, padding included,
     * with each row split into its even columns and then its odd ones ({@link #splitHalf} values each,
     * {@link #splitRow} a row, {@link #splitRows} rows a channel; padded row {@code r} is input row
     * {@code r - padTop}, padded column {@code u} input column {@code u - padLeft}). Each tap's run along an output
     * row is then one plain copy from it, whole vectors at a time, with no clipping at the borders. Clipping each run
     * and copying it with a masked tail (28 values in ResNet's stride-2 layers) made packing almost half of such a
     * layer's time (JFR). Null otherwise.
     */
    private final float[] split;
    private final int splitHalf, splitRow, splitRows;

    /**
     * The patches of the {@code channels x h x w} block of {@code x} at {@code xOff}, for an output of
     * {@code oh x ow}.
     */
    Im2colPanelsF32(float[] x, int xOff, int channels, int h, int w, int kh, int kw, Conv2dSpec spec, int oh, int ow) {
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
        // Padded rows and columns the taps reach: (o - 1) * stride + (k - 1) * dilation + 1.
        int rows = (oh - 1) * sh + (kh - 1) * dh + 1;
        int columns = (ow - 1) * sw + (kw - 1) * dw + 1;
        this.splitRows = rows;
        this.splitHalf = (columns + 1) / 2;
        this.splitRow = 2 * splitHalf;
        // A vector of slack at the end: a run's last vector may read past its row.
        long size = (long) channels * rows * splitRow + V;
        // A kernel one column wide reads each input value once: splitting the input first would only add a pass.
        if (sw == 2 && kw > 1 && oh > 0 && ow > 0 && size <= Integer.MAX_VALUE - 8) {
            // Kept per thread like im2col's columns, up to the same 64 MiB; a larger input gets a fresh array.
            float[] halves = size > MAX_CACHED_SPLIT ? new float[(int) size] : GemmF32Vector.buffer(SPLIT, (int) size);
            // Over the kernel threads: on the calling thread alone, it was a serial fifth of ResNet's 3x3 stride-2
            // layer at 56x56 on two threads (JFR).
            Parallel.forRange(channels * rows, Math.max(1, SPLIT_PARALLEL_VALUES / splitRow), (from, to) -> {
                float[] padded = GemmF32Vector.buffer(PADDED_ROW, columns);
                for (int row = from; row < to; row++) {
                    splitInputRow(row / rows, row % rows, padded, columns, halves);
                }
            });
            split = halves;
        } else {
            split = null;
        }
    }

    /**
     * Writes padded row {@code r} of channel {@code c} into {@link #split}, if any tap reads it: zeros above and below
     * the input, else the input row between {@code padLeft} zeros and as many as fill {@code columns}, split into
     * even and odd columns. A row no tap reads (in a kernel shorter than its stride) is skipped.
     */
    private void splitInputRow(int c, int r, float[] padded, int columns, float[] halves) {
        boolean read = false;
        for (int i = 0; i < kh && !read; i++) {
            int d = r - i * dh;
            read = d >= 0 && d % sh == 0 && d / sh < oh;
        }
        if (!read) {
            return;
        }
        int at = (c * splitRows + r) * splitRow, iy = r - padTop;
        if (iy < 0 || iy >= h) {
            Arrays.fill(halves, at, at + splitRow, 0f);
            return;
        }
        int left = Math.min(padLeft, columns), count = Math.clamp(columns - left, 0, w);
        Arrays.fill(padded, 0, left, 0f);
        System.arraycopy(x, xOff + (c * h + iy) * w, padded, left, count);
        Arrays.fill(padded, left + count, columns, 0f);
        DepthwiseConvF32Vector.deinterleave(padded, 0, columns, halves, at, splitHalf);
    }

    /**
     * Each depth's row of patches for all the panels' positions is first laid out whole in a scratch row, one run per
     * output row, and then dealt out to the panels a whole panel row (two vectors) at a time. Filling each panel row
     * in place took a run, a masked tail and the index arithmetic per piece of an output row that fell into it
     * (a 28-wide map puts two pieces into each 32-wide panel row): about three cycles a value, a third of ResNet's
     * 3x3 stride-2 layers.
     */
    @Override
    public void pack(int p0, int kc, int panelFrom, int panelTo, float[] packed, int base) {
        int positions = oh * ow;
        int qFrom = panelFrom * NR, qTo = Math.min(panelTo * NR, positions);
        int width = (panelTo - panelFrom) * NR;
        // A vector of slack: a split input's runs are copied whole vectors at a time.
        float[] row = GemmF32Vector.buffer(TAP_ROW, width + V);
        // Past the last position the panels are zero-padded: the scratch row's tail stays zero for every depth.
        Arrays.fill(row, qTo - qFrom, width, 0f);
        for (int p = p0; p < p0 + kc; p++) {
            if (split != null) {
                splitTapRow(p, qFrom, qTo, row);
                Arrays.fill(row, qTo - qFrom, width, 0f);  // the last run's vector may have reached into it
            } else {
                tapRow(p, qFrom, qTo, row);
            }
            int rowInPanel = (p - p0) * NR;
            for (int jp = panelFrom; jp < panelTo; jp++) {
                int from = (jp - panelFrom) * NR, dst = base + jp * kc * NR + rowInPanel;
                FloatVector.fromArray(SPECIES, row, from).intoArray(packed, dst);
                FloatVector.fromArray(SPECIES, row, from + V).intoArray(packed, dst + V);
            }
        }
    }

    /**
     * {@link #tapRow} from {@link #split}: output {@code (y, xo)} reads padded row {@code y * sh + i * dh}, column
     * {@code 2 xo + j * dw}, which lies in that row's even or odd half at {@code xo + (j * dw >> 1)}. Each output row's
     * run is copied in whole vectors; the last one may write up to a vector past the run, which the next run
     * overwrites (and the caller clears after the last).
     */
    private void splitTapRow(int p, int qFrom, int qTo, float[] row) {
        int c = p / (kh * kw), i = p / kw % kh, column = p % kw * dw;
        int first = (c * splitRows + i * dh) * splitRow + (column & 1) * splitHalf + (column >> 1);
        int rowStep = sh * splitRow;
        int q = qFrom, y = q / ow, xo = q - y * ow;
        int dst = 0;
        while (q < qTo) {
            int run = Math.min(ow - xo, qTo - q);
            int src = first + y * rowStep + xo;
            for (int t = 0; t < run; t += V) {
                FloatVector.fromArray(SPECIES, split, src + t).intoArray(row, dst + t);
            }
            dst += run;
            q += run;
            xo = 0;
            y++;
        }
    }

    /** Row {@code p} of the patches (tap {@code (c, i, j)}) for output positions {@code [qFrom, qTo)}, into {@code row}. */
    private void tapRow(int p, int qFrom, int qTo, float[] row) {
        int c = p / (kh * kw), i = p / kw % kh, j = p % kw;
        // Output columns [lo, hi) of every row read real pixels for tap j; the rest read padding.
        int shift = j * dw - padLeft;
        int lo = Math.clamp(Math.ceilDiv(-shift, sw), 0, ow);
        int hi = Math.clamp(Math.ceilDiv(w - shift, sw), lo, ow);
        int plane = xOff + c * h * w;
        int q = qFrom, y = q / ow, xo = q - y * ow;
        int dst = 0;
        while (q < qTo) {
            // The part of the positions that lies in output row y: columns [xo, xo + run).
            int run = Math.min(ow - xo, qTo - q);
            int iy = y * sh - padTop + i * dh;
            if (iy < 0 || iy >= h) {
                Arrays.fill(row, dst, dst + run, 0f);
            } else {
                int from = Math.min(Math.max(xo, lo), xo + run), to = Math.max(from, Math.min(xo + run, hi));
                int src = plane + iy * w + shift;
                int t = from - xo;
                Arrays.fill(row, dst, dst + t, 0f);
                if (sw == 1) {
                    copy(x, src + from, row, dst + t, to - from);
                } else if (sw == 2) {
                    DepthwiseConvF32Vector.evenLanes(x, src + 2 * from, to - from, row, dst + t);
                } else {
                    for (int s = src + from * sw, u = dst + t, end = dst + to - xo; u < end; u++, s += sw) {
                        row[u] = x[s];
                    }
                }
                Arrays.fill(row, dst + to - xo, dst + run, 0f);
            }
            dst += run;
            q += run;
            xo = 0;
            y++;
        }
    }

    /** Whether {@link #unfoldSame3x3} takes this geometry: a 3x3 kernel, stride 1, padding 1 all round, no dilation. */
    static boolean unfoldsSame3x3(int kh, int kw, Conv2dSpec spec) {
        return kh == 3 && kw == 3 && spec.strideH() == 1 && spec.strideW() == 1 && spec.dilationH() == 1
                && spec.dilationW() == 1 && spec.padTop() == 1 && spec.padBottom() == 1 && spec.padLeft() == 1
                && spec.padRight() == 1;
    }

    /**
     * {@link Im2col#unfold} for the geometry {@link #unfoldsSame3x3} accepts, into {@code col} ({@code channels * 9}
     * rows of {@code h * w}): tap {@code (i, j)}'s row is the whole plane shifted by {@code (i - 1) w + (j - 1)} with
     * the positions whose tap falls in the padding masked off, a vector of positions per masked load. The generic
     * unfold copies each output row with its own {@code arraycopy} and fills, seven values each at 7x7: a quarter of a
     * millisecond for each of ResNet-18's 512-channel 7x7 layers, about 5% of its inference (JFR).
     */
    static void unfoldSame3x3(float[] x, int xOff, int channels, int h, int w, float[] col) {
        int hw = h * w, vectors = Math.ceilDiv(hw, V);
        boolean[] masks = tapMasks(h, w, vectors);
        // The channels are copied with a margin either side, so that every shifted load lies inside the array.
        int margin = w + 1;
        Parallel.forRange(channels, Math.max(1, (int) (UNFOLD_PARALLEL_VALUES / (9L * hw))), (from, to) -> {
            int used = (to - from) * hw + 2 * margin + V;
            float[] planes = GemmF32Vector.buffer(SHIFTED_PLANES, used);
            Arrays.fill(planes, 0, margin, 0f);
            System.arraycopy(x, xOff + from * hw, planes, margin, (to - from) * hw);
            // Only the margin the loads reach: the thread's buffer may be longer, from a larger layer.
            Arrays.fill(planes, margin + (to - from) * hw, used, 0f);
            for (int c = from; c < to; c++) {
                int plane = margin + (c - from) * hw;
                for (int t = 0; t < 9; t++) {
                    int shift = (t / 3 - 1) * w + t % 3 - 1, row = (c * 9 + t) * hw;
                    for (int k = 0; k < vectors; k++) {
                        VectorMask<Float> inside = VectorMask.fromArray(SPECIES, masks, (t * vectors + k) * V);
                        FloatVector v = FloatVector.fromArray(SPECIES, planes, plane + k * V + shift, inside);
                        int at = row + k * V;
                        if ((k < vectors - 1 || hw % V == 0 || c < to - 1 || t < 8) && at + V <= col.length) {
                            // A last vector past the row writes zeros into the next row's start, which this
                            // thread writes after it; its range's last row stops at its end (the next row may be
                            // another thread's, written already), as does the array's.
                            v.intoArray(col, at);
                        } else {
                            v.intoArray(col, at, SPECIES.indexInRange(0, hw - k * V));
                        }
                    }
                }
            }
        });
    }

    /** Values below which {@link #unfoldSame3x3} stays on the calling thread. */
    private static final long UNFOLD_PARALLEL_VALUES = 1L << 16;
    private static final ThreadLocal<float[]> SHIFTED_PLANES = new ThreadLocal<>();

    /**
     * For each tap {@code t = 3i + j} of a same 3x3 kernel, {@code vectors * V} lanes: whether position {@code q} of an
     * {@code h x w} plane reads a real pixel, {@code (y + i - 1, x + j - 1)} inside the plane (false past the plane).
     */
    private static boolean[] tapMasks(int h, int w, int vectors) {
        boolean[] masks = new boolean[9 * vectors * V];
        for (int t = 0; t < 9; t++) {
            int di = t / 3 - 1, dj = t % 3 - 1;
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    masks[t * vectors * V + y * w + xx] = y + di >= 0 && y + di < h && xx + dj >= 0 && xx + dj < w;
                }
            }
        }
        return masks;
    }

    /**
     * {@code System.arraycopy} for one output row's run of a tap (a few vectors): a whole vector at a time, without
     * the call, which cost more than the copy on runs this short.
     */
    private static void copy(float[] src, int from, float[] dst, int to, int count) {
        int t = 0;
        for (; t + V <= count; t += V) {
            FloatVector.fromArray(SPECIES, src, from + t).intoArray(dst, to + t);
        }
        if (t < count) {
            VectorMask<Float> tail = SPECIES.indexInRange(t, count);
            FloatVector.fromArray(SPECIES, src, from + t, tail).intoArray(dst, to + t, tail);
        }
    }
}
