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
    /** Per thread: the input with each row's even columns, then its odd ones (see {@link #deinterleaved}). */
    private static final ThreadLocal<float[]> DEINTERLEAVED = new ThreadLocal<>();
    /** Per thread: one depth's patches for the panels being packed (see {@link #pack}). */
    private static final ThreadLocal<float[]> TAP_ROW = new ThreadLocal<>();
    private static final int MAX_CACHED_SPLIT = 1 << 24;
    /** The fewest input values one thread splits into even and odd columns. */
    private static final int SPLIT_PARALLEL_VALUES = 1 << 14;

    private final float[] x;
    private final int xOff, h, w, kh, kw, oh, ow;
    private final int sh, sw, dh, dw, padTop, padLeft;
    /**
     * For stride 2 with more than one kernel column: every input row split once into its even columns
     * ({@code half} values) and then its odd ones, so that each tap's run is a plain copy. Picking the even lanes
     * per tap instead de-interleaved every row once per kernel column and output row that reads it, which took as
     * long as the multiply-adds of a 3x3 stem. Null otherwise.
     */
    private final float[] deinterleaved;
    private final int half;

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
        this.half = (w + 1) / 2;
        long split = (long) channels * h * 2 * half;
        if (sw == 2 && kw > 1 && split <= Integer.MAX_VALUE - 8) {
            // Kept per thread like im2col's columns, up to the same 64 MiB; a larger input gets a fresh array.
            float[] halves = split > MAX_CACHED_SPLIT ? new float[(int) split]
                    : GemmF32Vector.buffer(DEINTERLEAVED, (int) split);
            // Over the kernel threads: on the calling thread alone, it was a serial fifth of ResNet's 3x3 stride-2
            // layer at 56x56 on two threads (JFR).
            Parallel.forRange(channels * h, Math.max(1, SPLIT_PARALLEL_VALUES / w), (from, to) -> {
                for (int row = from; row < to; row++) {
                    DepthwiseConvF32Vector.deinterleave(x, xOff + row * w, w, halves, row * 2 * half, half);
                }
            });
            deinterleaved = halves;
        } else {
            deinterleaved = null;
        }
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
        float[] row = GemmF32Vector.buffer(TAP_ROW, width);
        // Past the last position the panels are zero-padded: the scratch row's tail stays zero for every depth.
        Arrays.fill(row, qTo - qFrom, width, 0f);
        for (int p = p0; p < p0 + kc; p++) {
            tapRow(p, qFrom, qTo, row);
            int rowInPanel = (p - p0) * NR;
            for (int jp = panelFrom; jp < panelTo; jp++) {
                int from = (jp - panelFrom) * NR, dst = base + jp * kc * NR + rowInPanel;
                FloatVector.fromArray(SPECIES, row, from).intoArray(packed, dst);
                FloatVector.fromArray(SPECIES, row, from + V).intoArray(packed, dst + V);
            }
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
                } else if (deinterleaved != null) {
                    // Input column 2 * from + shift, in the row's even or odd half.
                    int split = (c * h + iy) * 2 * half;
                    copy(deinterleaved, split + (shift & 1) * half + from + (shift >> 1), row, dst + t, to - from);
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
