package dev.adjoint.cpu;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.NE;

import dev.adjoint.op.Conv2dSpec;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise float32 convolution on the Vector API: every output channel reads one input channel
 * ({@code groups == in channels}, {@code out channels = groups x multiplier}), as in MobileNet's 3x3
 * layers. Through im2col each group would be a GEMM of one row, which spends its time unfolding; here
 * the taps are summed {@code V} outputs at a time.
 *
 * <p>MobileNet's layers (3x3, padding 1, stride 1 or 2) read {@code x} and write {@code out} directly:
 * see {@link #same3x3} and {@link #half3x3} (the first and last plane of {@code x}, whose direct loads would leave
 * the array, from a copy with margins). Every other geometry sums from a copy of the input plane.
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
    /**
     * Output rows per band of the direct 3x3 stride-1 path: each strip walks a band's rows, so that the band's input
     * (two rows more) stays in L1 for the next strip. Walking a 112-row plane whole, strip after strip, made
     * MobileNet-v2's 112x112 layer slower, not faster, in the network.
     */
    private static final int BAND_ROWS = 16;
    /** Planes below this many multiply-adds in total stay on the calling thread. */
    private static final long PARALLEL_WORK = 1L << 16;
    /**
     * Lane indices {@code 0, 2, 4, ...}: the even lanes of the pair {@code (lo, hi)} for {@code selectFrom}. The lane
     * indices are arrays, which each kernel loads into vectors ({@link #lanes}) before its loops: with static final
     * vectors used in the loops, MobileNet-v2's 144 x 56x56 stride-2 layer alone took 74 us, and 63 us with the
     * vectors loaded first (docs/design.md, "Lane indices in registers").
     */
    private static final float[] EVEN_LANES = laneIndices(0);
    /** Lane indices {@code 1, 3, 5, ...}: the odd lanes of the pair. */
    private static final float[] ODD_LANES = laneIndices(1);
    /** Lane indices {@code 2, 4, ..., 2V - 2} and a last lane's 0: the even lanes of the pair one lane on. */
    private static final float[] RIGHT_LANES = rightLaneIndices();

    /** From offset {@code V - n}, a mask of the lanes below n ({@code 0 <= n <= V}). */
    private static final boolean[] LANES_BELOW = lanesBelow(true);
    /** From offset {@code V - n}, a mask of the lanes from n on. */
    private static final boolean[] LANES_FROM = lanesBelow(false);

    private static final ThreadLocal<float[]> SCRATCH = new ThreadLocal<>();
    /**
     * Output rows per band of {@link #half3x3Bands}: twice as many input rows, about as many as a stride-1 band reads.
     */
    private static final int HALF_BAND_ROWS = 8;
    /** The widest input row {@link #half3x3Bands} takes (four cache lines of float32). */
    private static final int BANDED_MAX_WIDTH = 64;

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
            Conv2dSpec spec, int oh, int ow, GemmF32Vector.Epilogue epilogue, float[] out) {
        Geometry g = new Geometry(h, w, kh, kw, spec, oh, ow);
        int multiplier = outChannels / channels;
        long planeWork = (long) oh * ow * kh * kw;
        int planes = batch * outChannels;
        // "Same" 3x3, stride 1: tall enough planes are read straight from x and written straight to out.
        boolean sameGeometry = padded3x3(kh, kw, spec, 1);
        boolean same3x3 = sameGeometry && same3x3Takes(h, w);
        // Planes of one to four vectors (MobileNet's 7x7: 49 values) go through SmallPlane, a vector position at a
        // time.
        SmallPlane small = sameGeometry && h >= 2 && h * w >= V && h * w <= SmallPlane.MAX_VECTORS * V
                ? new SmallPlane(h, w) : null;
        // 3x3, stride 2, pad 1 (MobileNet's downsampling layers): also straight from x to out; rows of fewer than
        // half a vector (MobileNet's last 14x14 -> 7x7) two at a time.
        boolean half3x3 = padded3x3(kh, kw, spec, 2);
        PairedRows pairs = half3x3 && 2 * ow < V ? new PairedRows(w, ow) : null;
        boolean[] firstColumn = leftTapInside(ow);
        boolean[] pastRightEdge = rightTapInside(ow, w);
        // The 3x3 paths apply the epilogue in registers before each store; the general one, and any with a residual,
        // after the plane.
        Clamp clamp = epilogue == null || epilogue.residual() != null ? Clamp.NONE : new Clamp(epilogue);
        // What the direct 3x3 paths read beyond a plane: one element before it, and up to 2V + 2 after (stride 2).
        int margin = 2 * V + 2;
        // The end of x's values, not of its array: a recycled array may be longer (BufferPool), and which path a plane
        // takes must not depend on that, as the paths round differently.
        long xEnd = (long) batch * channels * h * w;
        Parallel.forRange(planes, (int) Math.max(1, PARALLEL_WORK / Math.max(1, planeWork)), (from, to) -> {
            float[] scratch = null;
            float[] edgeCopy = null;
            int loaded = -1;
            if (small != null) {
                small.run(x, xEnd, channels, outChannels, multiplier, weight, epilogue, clamp, out, from, to);
                return;
            }
            for (int plane = from; plane < to; plane++) {
                int n = plane / outChannels, o = plane % outChannels;
                float bias = Clamp.bias(epilogue, clamp, o);
                boolean finished = false;
                computed: {
                    int input = n * channels + o / multiplier;
                    int xOff = input * h * w;
                    float[] src = x;
                    int srcOff = xOff;
                    if ((same3x3 || half3x3) && (xOff < margin || (long) xOff + (long) h * w + margin > xEnd)) {
                        // The first and last planes of x, whose direct loads would leave the array: a copy with a
                        // margin either side runs the same kernel. (The general path, which only these planes
                        // reached, stayed C1-compiled, boxing every vector: a few ms per MobileNet inference.) The
                        // thread's scratch, which the direct paths do not otherwise use: a new array on every call was
                        // most of the garbage an inference made. Its margins hold whatever they held, as the
                        // neighbouring planes of x would: the kernels drop those lanes.
                        if (edgeCopy == null) {
                            edgeCopy = scratch(h * w + 2 * margin);
                        }
                        System.arraycopy(x, xOff, edgeCopy, margin, h * w);
                        src = edgeCopy;
                        srcOff = margin;
                    }
                    // The direct path reads one element either side of the plane.
                    if (same3x3) {
                        same3x3(src, srcOff, h, w, weight, o * 9, out, plane * oh * ow, clamp, bias);
                        finished = true;
                        break computed;
                    }
                    // The stride-2 path reads up to 2V + 1 elements past a row's last output column.
                    if (half3x3) {
                        if (pairs != null) {
                            // With one filter per input plane, the planes after this one whose loads stay inside x
                            // go in the same call.
                            int run = 1;
                            while (src == x && multiplier == 1 && plane + run < to
                                    && (long) xOff + (long) (run + 1) * h * w + margin <= xEnd) {
                                run++;
                            }
                            pairs.run(src, srcOff, h, w, weight, o, outChannels, run, out, plane * oh * ow, oh, clamp,
                                    epilogue);
                            // An epilogue not applied in registers: the run's planes but its last now, the last
                            // one below, as for every plane.
                            int last = plane + run - 1;
                            if (epilogue != null && !clamp.fused) {
                                for (; plane < last; plane++) {
                                    epilogue.apply(out, plane * oh * ow, plane % outChannels, oh * ow);
                                }
                            }
                            plane = last;
                            o = plane % outChannels;
                        } else if (w <= BANDED_MAX_WIDTH) {
                            half3x3Bands(src, srcOff, h, w, weight, o * 9, out, plane * oh * ow, oh, ow, firstColumn,
                                    pastRightEdge, clamp, bias);
                        } else {
                            half3x3(src, srcOff, h, w, weight, o * 9, out, plane * oh * ow, oh, ow, firstColumn,
                                    pastRightEdge, clamp, bias);
                        }
                        finished = true;
                        break computed;
                    }
                    if (scratch == null) {
                        scratch = scratch(g.scratchSize());
                        // Zero borders once: the planes below only overwrite the cells that hold input values.
                        Arrays.fill(scratch, 0, g.scratchSize(), 0f);
                    }
                    if (input != loaded) {
                        g.load(x, xOff, scratch);
                        loaded = input;
                    }
                    g.run(scratch, weight, o * kh * kw);
                    g.copyOut(scratch, out, plane * oh * ow);
                }
                if (epilogue != null && !(finished && clamp.fused)) {
                    // The plane is still in cache: its bias and activation now, not in a pass of their own.
                    epilogue.apply(out, plane * oh * ow, o, oh * ow);
                }
            }
        });
    }

    /** Whether the window is 3x3, undilated, padded by 1 on every side, with {@code stride} on both axes. */
    private static boolean padded3x3(int kh, int kw, Conv2dSpec spec, int stride) {
        return kh == 3 && kw == 3 && spec.strideH() == stride && spec.strideW() == stride && spec.dilationH() == 1
                && spec.dilationW() == 1 && spec.padTop() == 1 && spec.padBottom() == 1 && spec.padLeft() == 1
                && spec.padRight() == 1;
    }

    /** Whether {@link #same3x3} takes an {@code h x w} plane: a spilled row reaches only the next one. */
    private static boolean same3x3Takes(int h, int w) {
        return (long) (h - 2) * w >= V && 2 * w >= V;
    }

    /** Per stride-2 output column: whether its left tap (input column {@code 2x - 1}) is inside the row. */
    private static boolean[] leftTapInside(int ow) {
        boolean[] inside = new boolean[Math.max(ow, V)];
        for (int c = 0; c < inside.length; c++) {
            inside[c] = c != 0;
        }
        return inside;
    }

    /** Per stride-2 output column: whether its right tap (input column {@code 2x + 1}) is inside a row of w. */
    private static boolean[] rightTapInside(int ow, int w) {
        boolean[] inside = new boolean[Math.max(ow, V)];
        for (int c = 0; c < inside.length; c++) {
            inside[c] = 2 * c + 1 < w;
        }
        return inside;
    }

    /**
     * Bands of rows of one depthwise layer's output planes, for a caller that holds only some rows of the input at a
     * time ({@link DepthwiseBlockF32}): 3x3, pad 1, dilation 1, one output channel per input channel, stride 1 on
     * planes {@link #same3x3} takes, or stride 2 on output rows of at least half a vector. The sums are those of
     * {@link #conv}, bit for bit. Input row r is read at {@code x[xOff + r * w]} and output row y written at
     * {@code out[outOff + y * ow]}, so offsets may place a band's first row at the start of a buffer; the input needs
     * {@link #MARGIN} readable elements either side of the rows read.
     */
    static final class Bands {
        /** What the direct paths read beyond the rows of a plane: one element before, up to 2V + 2 after. */
        static final int MARGIN = 2 * V + 2;

        private final int h, w, stride, ow;
        private final GemmF32Vector.Epilogue epilogue;
        private final Clamp clamp;
        private final boolean[] leftOk, rightOk;

        Bands(int h, int w, int stride, int ow, GemmF32Vector.Epilogue epilogue) {
            this.h = h;
            this.w = w;
            this.stride = stride;
            this.ow = ow;
            this.epilogue = epilogue;
            this.clamp = epilogue == null ? Clamp.NONE : new Clamp(epilogue);
            this.leftOk = leftTapInside(ow);
            this.rightOk = rightTapInside(ow, w);
        }

        /** Whether bands compute this layer; {@code oh} and {@code ow} are its output's rows and columns. */
        static boolean apply(int channels, int outChannels, int groups, int h, int w, int kh, int kw, Conv2dSpec spec,
                int ow) {
            return groups == channels && outChannels == channels && (padded3x3(kh, kw, spec, 1) && same3x3Takes(h, w)
                    || padded3x3(kh, kw, spec, 2) && 2 * ow >= V);
        }

        /**
         * Output rows {@code [fromRow, toRow)} of channel {@code o} (its weights at {@code weight[9 o]}, its epilogue
         * row o), from the input rows they read, which the caller holds.
         */
        void rows(float[] x, int xOff, int fromRow, int toRow, float[] weight, int o, float[] out, int outOff) {
            float bias = Clamp.bias(epilogue, clamp, o);
            if (stride == 1) {
                same3x3Rows(x, xOff, h, w, fromRow, toRow, weight, o * 9, out, outOff, clamp, bias);
            } else {
                // Rows of any width: a band's input is in cache, where BANDED_MAX_WIDTH's reason (wide rows read a
                // few lines each from memory) does not hold. MobileNet-v2's 96-channel 112x112 block took 0.93-0.94x
                // the time with its 112-wide rows so.
                half3x3BandsRows(x, xOff, h, w, fromRow, toRow, weight, o * 9, out, outOff, ow, leftOk, rightOk, clamp,
                        bias);
            }
        }
    }

    /**
     * A 3x3, stride-1, pad-1 plane straight from {@code x} to {@code out} (output and input have the same shape), in
     * strips of a vector's columns {@code [c, c + V)}, the last one ending at the row's end and overlapping the one
     * before. Each strip walks down the rows: input row r's three vectors (columns {@code c - 1}, {@code c},
     * {@code c + 1}) are loaded once and serve output rows r - 1, r and r + 1, three loads an output vector where
     * reading every tap took nine (MobileNet-v2's layers alone: 0.62-0.82 of the time). Per kernel column, output row
     * y's sum runs from zero through the rows present, top to bottom; the left and right column sums are added only in
     * lanes not in the first (last) column, where they read the neighbouring row's end instead of padding: the order
     * {@link SmallPlane} sums in, so both give the same bits. Tall planes go in bands of {@link #BAND_ROWS} rows, each
     * strip walking one band (two more input rows a band). A row narrower than a vector is one strip whose extra
     * lanes spill into the next row, stored after it (a masked store on every row made the 14x14 layers 2.5x slower);
     * only the last row's store is masked. Needs {@code 2 w >= V} (a spill reaches only the next row),
     * {@code V + 1} readable elements after the plane and one before it.
     */
    private static void same3x3(float[] x, int xOff, int h, int w, float[] weight, int wOff, float[] out, int outOff,
            Clamp clamp, float planeBias) {
        same3x3Rows(x, xOff, h, w, 0, h, weight, wOff, out, outOff, clamp, planeBias);
    }

    /**
     * {@link #same3x3} for output rows {@code [fromRow, toRow)} only: it reads input rows {@code fromRow - 1} to
     * {@code toRow} (those inside the plane), and writes row y at {@code out[outOff + y * w]}, so that a caller whose
     * buffer holds only a band of rows passes offsets that place the band's first row there ({@link
     * DepthwiseBlockF32}). Below the plane's last row, a row narrower than a vector spills into the next row's place.
     */
    static void same3x3Rows(float[] x, int xOff, int h, int w, int fromRow, int toRow, float[] weight, int wOff,
            float[] out, int outOff, Clamp clamp, float planeBias) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector w00 = FloatVector.broadcast(SPECIES, weight[wOff]);
        FloatVector w01 = FloatVector.broadcast(SPECIES, weight[wOff + 1]);
        FloatVector w02 = FloatVector.broadcast(SPECIES, weight[wOff + 2]);
        FloatVector w10 = FloatVector.broadcast(SPECIES, weight[wOff + 3]);
        FloatVector w11 = FloatVector.broadcast(SPECIES, weight[wOff + 4]);
        FloatVector w12 = FloatVector.broadcast(SPECIES, weight[wOff + 5]);
        FloatVector w20 = FloatVector.broadcast(SPECIES, weight[wOff + 6]);
        FloatVector w21 = FloatVector.broadcast(SPECIES, weight[wOff + 7]);
        FloatVector w22 = FloatVector.broadcast(SPECIES, weight[wOff + 8]);
        boolean fused = clamp.fused;
        FloatVector bias = FloatVector.broadcast(SPECIES, planeBias);
        FloatVector low = FloatVector.broadcast(SPECIES, clamp.low), high = FloatVector.broadcast(SPECIES, clamp.high);
        boolean narrow = w < V;
        int strips = narrow ? 1 : Math.ceilDiv(w, V);
        for (int top = fromRow; top < toRow; top += BAND_ROWS) {
            int bottom = Math.min(toRow, top + BAND_ROWS);
            for (int s = 0; s < strips; s++) {
                int c = narrow ? 0 : Math.min(s * V, w - V);
                // Lanes whose column has a left (right) neighbour in the row. (From arrays: indexInRange's masks were
                // boxed, 0.7 GB of them in 10 s of MobileNet, and the garbage slowed the layers around.)
                VectorMask<Float> leftOk = VectorMask.fromArray(SPECIES, LANES_FROM, V - (c == 0 ? 1 : 0));
                VectorMask<Float> rightOk = VectorMask.fromArray(SPECIES, LANES_BELOW, V - Math.min(V, w - 1 - c));
                // Output row r - 1's column sums (rows r - 2 and r - 1 added) and row r's (row r - 1 added).
                FloatVector aboveL = zero, aboveC = zero, aboveR = zero;
                FloatVector rowL = zero, rowC = zero, rowR = zero;
                // From the row above the band (its own sums are not stored) to the row below it.
                for (int r = Math.max(0, top - 1), end = Math.min(h - 1, bottom); r <= end; r++) {
                    int at = xOff + r * w + c;
                    FloatVector left = FloatVector.fromArray(SPECIES, x, at - 1);
                    FloatVector centre = FloatVector.fromArray(SPECIES, x, at);
                    FloatVector right = FloatVector.fromArray(SPECIES, x, at + 1);
                    if (r > top) {
                        // Output row r - 1 is complete. (Written out here and after the loop: a helper taking the
                        // vectors, not inlined inside the network, boxed them and made the layers 4x slower.)
                        FloatVector sum = centre.fma(w21, aboveC).add(left.fma(w20, aboveL), leftOk)
                                .add(right.fma(w22, aboveR), rightOk);
                        if (fused) {
                            sum = sum.add(bias);
                            sum = sum.blend(low, sum.compare(LE, low));
                            sum = sum.blend(high, sum.compare(GE, high));
                        }
                        sum.intoArray(out, outOff + (r - 1) * w + c);
                    }
                    aboveL = left.fma(w10, rowL);
                    aboveC = centre.fma(w11, rowC);
                    aboveR = right.fma(w12, rowR);
                    rowL = left.fma(w00, zero);
                    rowC = centre.fma(w01, zero);
                    rowR = right.fma(w02, zero);
                }
                if (bottom == h) {
                    FloatVector sum = aboveC.add(aboveL, leftOk).add(aboveR, rightOk);
                    if (fused) {
                        sum = sum.add(bias);
                        sum = sum.blend(low, sum.compare(LE, low));
                        sum = sum.blend(high, sum.compare(GE, high));
                    }
                    // Under a mask, all lanes in a wide plane: a narrow plane's last row would spill past the plane.
                    sum.intoArray(out, outOff + (h - 1) * w + c,
                            VectorMask.fromArray(SPECIES, LANES_BELOW, V - Math.min(V, w - c)));
                }
            }
        }
    }

    /**
     * A 3x3, stride-2, pad-1 plane straight from {@code x} to {@code out}, one output row at a time.
     * For outputs {@code x0 ... x0 + V - 1}, input row r's taps are columns {@code 2x - 1}, {@code 2x}
     * and {@code 2x + 1}: the even and odd lanes of the two vectors from column {@code 2 x0 - 1}, and the
     * even lanes of the two from {@code 2 x0 + 1}. {@code leftOk[x]} ({@code rightOk[x]}) says whether
     * column {@code 2x - 1} ({@code 2x + 1}) is inside the input; rows outside it are skipped. A row
     * wider than a vector ends with a vector that overlaps the one before; a narrower one is computed
     * whole (its extra lanes read past the row, which is why the caller keeps 2V + 2 elements behind the
     * plane) and stored under a mask of its lanes. Output row y goes to {@code out[outOff + y * ow]}.
     */
    private static void half3x3(float[] x, int xOff, int h, int w, float[] weight, int wOff, float[] out, int outOff,
            int oh, int ow, boolean[] leftOk, boolean[] rightOk, Clamp clamp, float planeBias) {
        boolean fused = clamp.fused;
        FloatVector bias = FloatVector.broadcast(SPECIES, planeBias);
        FloatVector low = FloatVector.broadcast(SPECIES, clamp.low), high = FloatVector.broadcast(SPECIES, clamp.high);
        FloatVector w00 = FloatVector.broadcast(SPECIES, weight[wOff]);
        FloatVector w01 = FloatVector.broadcast(SPECIES, weight[wOff + 1]);
        FloatVector w02 = FloatVector.broadcast(SPECIES, weight[wOff + 2]);
        FloatVector w10 = FloatVector.broadcast(SPECIES, weight[wOff + 3]);
        FloatVector w11 = FloatVector.broadcast(SPECIES, weight[wOff + 4]);
        FloatVector w12 = FloatVector.broadcast(SPECIES, weight[wOff + 5]);
        FloatVector w20 = FloatVector.broadcast(SPECIES, weight[wOff + 6]);
        FloatVector w21 = FloatVector.broadcast(SPECIES, weight[wOff + 7]);
        FloatVector w22 = FloatVector.broadcast(SPECIES, weight[wOff + 8]);
        int count = Math.ceilDiv(ow, V);
        boolean narrowRow = ow < V;
        VectorMask<Float> rowLanes = SPECIES.indexInRange(0, ow);
        FloatVector evenLanes = lanes(EVEN_LANES), oddLanes = lanes(ODD_LANES);
        FloatVector rightLanes = lanes(narrowRow ? RIGHT_LANES : EVEN_LANES);
        for (int y = 0; y < oh; y++) {
            boolean top = y > 0, bottom = 2 * y + 1 < h;
            int centreRow = xOff + 2 * y * w;
            for (int k = 0; k < count; k++) {
                int x0 = ow < V ? 0 : Math.min(k * V, ow - V);
                int at = centreRow + 2 * x0 - 1;
                FloatVector lo = FloatVector.fromArray(SPECIES, x, at), hi = FloatVector.fromArray(SPECIES, x, at + V);
                FloatVector left = evenLanes.selectFrom(lo, hi).mul(w10);
                FloatVector centre = oddLanes.selectFrom(lo, hi).mul(w11);
                FloatVector right = rightTaps(rightLanes, x, at, lo, hi, narrowRow).mul(w12);
                if (top) {
                    int up = at - w;
                    lo = FloatVector.fromArray(SPECIES, x, up);
                    hi = FloatVector.fromArray(SPECIES, x, up + V);
                    left = evenLanes.selectFrom(lo, hi).fma(w00, left);
                    centre = oddLanes.selectFrom(lo, hi).fma(w01, centre);
                    right = rightTaps(rightLanes, x, up, lo, hi, narrowRow).fma(w02, right);
                }
                if (bottom) {
                    int down = at + w;
                    lo = FloatVector.fromArray(SPECIES, x, down);
                    hi = FloatVector.fromArray(SPECIES, x, down + V);
                    left = evenLanes.selectFrom(lo, hi).fma(w20, left);
                    centre = oddLanes.selectFrom(lo, hi).fma(w21, centre);
                    right = rightTaps(rightLanes, x, down, lo, hi, narrowRow).fma(w22, right);
                }
                FloatVector sum = centre.add(left, VectorMask.fromArray(SPECIES, leftOk, x0))
                        .add(right, VectorMask.fromArray(SPECIES, rightOk, x0));
                if (fused) {
                    sum = sum.add(bias);
                    sum = sum.blend(low, sum.compare(LE, low));
                    sum = sum.blend(high, sum.compare(GE, high));
                }
                if (narrowRow) {
                    // Only the row's lanes: the rest would overwrite the next row, or another thread's plane.
                    sum.intoArray(out, outOff + y * ow, rowLanes);
                } else {
                    sum.intoArray(out, outOff + y * ow + x0);
                }
            }
        }
    }

    /**
     * {@link #half3x3} in strips of a vector's output columns that walk down bands of {@link #HALF_BAND_ROWS} output
     * rows, the taps of the input row below output row y kept in registers for row y + 1. {@link #conv} takes it for
     * input rows of at most {@link #BANDED_MAX_WIDTH} values, {@link Bands} (whose rows are in cache) for any. The same sums in the same order as {@link #half3x3}, which selects each input row's
     * taps once per output row that reads it: one thread, MobileNet-v2's 144 x 56x56 layer 0.79-0.82 and its
     * 192 x 28x28 one 0.52-0.78 of the time. Wider rows are read a few cache lines of each row per strip, which from
     * memory took 1.6x as long as rows in order (96 x 112x112); keeping the taps for the next row in an array instead,
     * rows in order, measured no faster there (1.00 in cache, 1.07 from memory). Arguments as for {@link #half3x3}.
     */
    private static void half3x3Bands(float[] x, int xOff, int h, int w, float[] weight, int wOff, float[] out,
            int outOff, int oh, int ow, boolean[] leftOk, boolean[] rightOk, Clamp clamp, float planeBias) {
        half3x3BandsRows(x, xOff, h, w, 0, oh, weight, wOff, out, outOff, ow, leftOk, rightOk, clamp, planeBias);
    }

    /**
     * {@link #half3x3Bands} for output rows {@code [fromRow, toRow)}, row y written at {@code out[outOff + y * ow]}.
     */
    private static void half3x3BandsRows(float[] x, int xOff, int h, int w, int fromRow, int toRow, float[] weight,
            int wOff, float[] out, int outOff, int ow, boolean[] leftOk, boolean[] rightOk, Clamp clamp,
            float planeBias) {
        boolean fused = clamp.fused;
        FloatVector bias = FloatVector.broadcast(SPECIES, planeBias);
        FloatVector low = FloatVector.broadcast(SPECIES, clamp.low), high = FloatVector.broadcast(SPECIES, clamp.high);
        FloatVector w00 = FloatVector.broadcast(SPECIES, weight[wOff]);
        FloatVector w01 = FloatVector.broadcast(SPECIES, weight[wOff + 1]);
        FloatVector w02 = FloatVector.broadcast(SPECIES, weight[wOff + 2]);
        FloatVector w10 = FloatVector.broadcast(SPECIES, weight[wOff + 3]);
        FloatVector w11 = FloatVector.broadcast(SPECIES, weight[wOff + 4]);
        FloatVector w12 = FloatVector.broadcast(SPECIES, weight[wOff + 5]);
        FloatVector w20 = FloatVector.broadcast(SPECIES, weight[wOff + 6]);
        FloatVector w21 = FloatVector.broadcast(SPECIES, weight[wOff + 7]);
        FloatVector w22 = FloatVector.broadcast(SPECIES, weight[wOff + 8]);
        int count = Math.ceilDiv(ow, V);
        boolean narrowRow = ow < V;
        VectorMask<Float> rowLanes = SPECIES.indexInRange(0, ow);
        FloatVector evenLanes = lanes(EVEN_LANES), oddLanes = lanes(ODD_LANES);
        FloatVector rightLanes = lanes(narrowRow ? RIGHT_LANES : EVEN_LANES);
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int band = fromRow; band < toRow; band += HALF_BAND_ROWS) {
            int bandEnd = Math.min(toRow, band + HALF_BAND_ROWS);
            for (int k = 0; k < count; k++) {
                int x0 = ow < V ? 0 : Math.min(k * V, ow - V);
                VectorMask<Float> hasLeft = VectorMask.fromArray(SPECIES, leftOk, x0);
                VectorMask<Float> hasRight = VectorMask.fromArray(SPECIES, rightOk, x0);
                // The taps of input row 2y - 1, above output row y: the row below output row y - 1, selected then.
                FloatVector upLeft = zero, upCentre = zero, upRight = zero;
                if (band > 0) {
                    int up = xOff + (2 * band - 1) * w + 2 * x0 - 1;
                    FloatVector lo = FloatVector.fromArray(SPECIES, x, up);
                    FloatVector hi = FloatVector.fromArray(SPECIES, x, up + V);
                    upLeft = evenLanes.selectFrom(lo, hi);
                    upCentre = oddLanes.selectFrom(lo, hi);
                    upRight = rightTaps(rightLanes, x, up, lo, hi, narrowRow);
                }
                for (int y = band; y < bandEnd; y++) {
                    int at = xOff + 2 * y * w + 2 * x0 - 1;
                    FloatVector lo = FloatVector.fromArray(SPECIES, x, at);
                    FloatVector hi = FloatVector.fromArray(SPECIES, x, at + V);
                    FloatVector left = evenLanes.selectFrom(lo, hi).mul(w10);
                    FloatVector centre = oddLanes.selectFrom(lo, hi).mul(w11);
                    FloatVector right = rightTaps(rightLanes, x, at, lo, hi, narrowRow).mul(w12);
                    if (y > 0) {
                        left = upLeft.fma(w00, left);
                        centre = upCentre.fma(w01, centre);
                        right = upRight.fma(w02, right);
                    }
                    if (2 * y + 1 < h) {
                        int down = at + w;
                        lo = FloatVector.fromArray(SPECIES, x, down);
                        hi = FloatVector.fromArray(SPECIES, x, down + V);
                        upLeft = evenLanes.selectFrom(lo, hi);
                        upCentre = oddLanes.selectFrom(lo, hi);
                        upRight = rightTaps(rightLanes, x, down, lo, hi, narrowRow);
                        left = upLeft.fma(w20, left);
                        centre = upCentre.fma(w21, centre);
                        right = upRight.fma(w22, right);
                    }
                    FloatVector sum = centre.add(left, hasLeft).add(right, hasRight);
                    if (fused) {
                        sum = sum.add(bias);
                        sum = sum.blend(low, sum.compare(LE, low));
                        sum = sum.blend(high, sum.compare(GE, high));
                    }
                    if (narrowRow) {
                        // Only the row's lanes: the rest would overwrite the next row, or another thread's plane.
                        sum.intoArray(out, outOff + y * ow, rowLanes);
                    } else {
                        sum.intoArray(out, outOff + y * ow + x0);
                    }
                }
            }
        }
    }

    /**
     * The right taps (input columns {@code 2x + 1}) of the outputs whose left taps start at {@code x[at]}, given the
     * two vectors from there: in a row narrower than a vector they are among those vectors' lanes (two lanes on from
     * the left taps); a wider row's last lane needs the element after them, so it loads the two vectors from
     * {@code at + 2}. {@code rightLanes}: {@link #RIGHT_LANES} for a narrow row, else {@link #EVEN_LANES}, loaded by
     * the caller. A small helper on purpose, inlined into its loop (docs/design.md).
     */
    private static FloatVector rightTaps(FloatVector rightLanes, float[] x, int at, FloatVector lo, FloatVector hi,
            boolean narrowRow) {
        return narrowRow ? rightLanes.selectFrom(lo, hi)
                : rightLanes.selectFrom(FloatVector.fromArray(SPECIES, x, at + 2),
                        FloatVector.fromArray(SPECIES, x, at + 2 + V));
    }

    /**
     * {@link #half3x3} for output rows of fewer than half a vector ({@code 2 ow < V}: MobileNet's 14x14 -> 7x7 layer),
     * two rows a vector: lanes {@code [0, ow)} are row y and lanes {@code [ow, 2 ow)} row y + 1, whose input rows
     * start {@code 2w} further on. Each input row is then one load (its {@code w <= 2 ow} columns and the padding
     * column before them), and a tap's columns for both rows are one two-vector selection, where single rows
     * took two loads and used fewer than half of the lanes. The sums run in {@link #half3x3}'s order (centre row,
     * upper, lower; the centre column's sum plus the left and right ones), so they are the same bits.
     */
    private static final class PairedRows {
        /**
         * Per lane: where the tap's left (centre, right) column is in the loaded pair (row y's vector, then y + 1's).
         * Arrays, which run makes vectors and masks before its loop ({@link #EVEN_LANES} says why).
         */
        private final float[] left, centre, right;
        /** Lanes whose left (right) column is inside the image, and the lanes of the second row. */
        private final boolean[] leftOk, rightOk, secondRow;
        /** Output columns per row. */
        private final int ow;

        PairedRows(int w, int ow) {
            this.ow = ow;
            float[] index = new float[V];
            boolean[] leftIn = new boolean[V], rightIn = new boolean[V], second = new boolean[V];
            for (int l = 0; l < 2 * ow; l++) {
                int column = l % ow;
                index[l] = (l < ow ? 0 : V) + 2 * column;
                leftIn[l] = column != 0;
                rightIn[l] = 2 * column + 1 < w;
                second[l] = l >= ow;
            }
            left = index;
            centre = index.clone();
            right = index.clone();
            for (int l = 0; l < V; l++) {
                centre[l] += 1;
                right[l] += 2;
            }
            leftOk = leftIn;
            rightOk = rightIn;
            secondRow = second;
        }

        /**
         * Output rows {@code [0, oh)} of {@code planes} consecutive planes, the first reading {@code x[xOff]} and
         * writing {@code out[outOff]} with channel {@code channel}'s filter and epilogue, each next one the next plane
         * of x, of out and the next channel (modulo {@code channels}). Rows y and y + 1 are one masked store; an odd
         * last row is a pair whose second row reads the first's inputs and is not stored. A run of planes, not one:
         * made for every 7x7 plane, the lane indices and masks cost MobileNet-v2's 576-channel layer 29.8 us against
         * 23.1 made once per run.
         */
        void run(float[] x, int xOff, int h, int w, float[] weight, int channel, int channels, int planes, float[] out,
                int outOff, int oh, Clamp clamp, GemmF32Vector.Epilogue epilogue) {
            FloatVector low = FloatVector.broadcast(SPECIES, clamp.low);
            FloatVector high = FloatVector.broadcast(SPECIES, clamp.high);
            FloatVector left = lanes(this.left), centre = lanes(this.centre), right = lanes(this.right);
            VectorMask<Float> leftOk = VectorMask.fromArray(SPECIES, this.leftOk, 0);
            VectorMask<Float> rightOk = VectorMask.fromArray(SPECIES, this.rightOk, 0);
            VectorMask<Float> secondRow = VectorMask.fromArray(SPECIES, this.secondRow, 0);
            VectorMask<Float> firstRow = secondRow.not();
            VectorMask<Float> pairLanes = SPECIES.indexInRange(0, 2 * ow), lastLanes = SPECIES.indexInRange(0, ow);
            for (int plane = 0, o = channel; plane < planes; plane++, o = o + 1 == channels ? 0 : o + 1) {
                int wOff = o * 9;
                FloatVector bias = FloatVector.broadcast(SPECIES, Clamp.bias(epilogue, clamp, o));
                FloatVector w00 = FloatVector.broadcast(SPECIES, weight[wOff]);
                FloatVector w01 = FloatVector.broadcast(SPECIES, weight[wOff + 1]);
                FloatVector w02 = FloatVector.broadcast(SPECIES, weight[wOff + 2]);
                FloatVector w10 = FloatVector.broadcast(SPECIES, weight[wOff + 3]);
                FloatVector w11 = FloatVector.broadcast(SPECIES, weight[wOff + 4]);
                FloatVector w12 = FloatVector.broadcast(SPECIES, weight[wOff + 5]);
                FloatVector w20 = FloatVector.broadcast(SPECIES, weight[wOff + 6]);
                FloatVector w21 = FloatVector.broadcast(SPECIES, weight[wOff + 7]);
                FloatVector w22 = FloatVector.broadcast(SPECIES, weight[wOff + 8]);
                int planeIn = xOff + plane * h * w, planeOut = outOff + plane * oh * ow;
                for (int y = 0; y < oh; y += 2) {
                    boolean pair = y + 1 < oh;
                    // Input row 2y (centre of output row y) from its padding column; 2y + 2 for row y + 1.
                    int first = planeIn + 2 * y * w - 1, second = pair ? first + 2 * w : first;
                    FloatVector a = FloatVector.fromArray(SPECIES, x, first);
                    FloatVector b = FloatVector.fromArray(SPECIES, x, second);
                    FloatVector l = left.selectFrom(a, b).mul(w10);
                    FloatVector c = centre.selectFrom(a, b).mul(w11);
                    FloatVector r = right.selectFrom(a, b).mul(w12);
                    // The upper row: absent for output row 0 (its lanes keep their sums), row 2y + 1 for row y + 1.
                    int upper = y > 0 ? first - w : first;
                    a = FloatVector.fromArray(SPECIES, x, upper);
                    b = FloatVector.fromArray(SPECIES, x, pair ? second - w : upper);
                    FloatVector tl = left.selectFrom(a, b).fma(w00, l);
                    FloatVector tc = centre.selectFrom(a, b).fma(w01, c);
                    FloatVector tr = right.selectFrom(a, b).fma(w02, r);
                    if (y > 0) {
                        l = tl;
                        c = tc;
                        r = tr;
                    } else {
                        l = l.blend(tl, secondRow);
                        c = c.blend(tc, secondRow);
                        r = r.blend(tr, secondRow);
                    }
                    // The lower row, where it is inside the image (row y + 1's is further down than row y's).
                    boolean firstHas = 2 * y + 1 < h, secondHas = pair && 2 * y + 3 < h;
                    a = FloatVector.fromArray(SPECIES, x, firstHas ? first + w : first);
                    b = FloatVector.fromArray(SPECIES, x, secondHas ? second + w : second);
                    tl = left.selectFrom(a, b).fma(w20, l);
                    tc = centre.selectFrom(a, b).fma(w21, c);
                    tr = right.selectFrom(a, b).fma(w22, r);
                    if (secondHas) {
                        l = tl;
                        c = tc;
                        r = tr;
                    } else if (firstHas) {
                        l = l.blend(tl, firstRow);
                        c = c.blend(tc, firstRow);
                        r = r.blend(tr, firstRow);
                    }
                    FloatVector sum = c.add(l, leftOk).add(r, rightOk);
                    if (clamp.fused) {
                        sum = sum.add(bias);
                        sum = sum.blend(low, sum.compare(LE, low));
                        sum = sum.blend(high, sum.compare(GE, high));
                    }
                    sum.intoArray(out, planeOut + y * ow, pair ? pairLanes : lastLanes);
                }
            }
        }
    }

    /**
     * {@link #same3x3} for planes of at most {@link #MAX_VECTORS} vectors (MobileNet's 7x7 layers), where each plane is
     * only a few vectors and per-plane set-up and the first and last rows' own pass cost more than the sums. The
     * plane is one flat run of vectors (the last one ending at the plane's end, overlapping the one before), every
     * tap read at its flat offset; the taps that fall outside the plane (a neighbouring plane's values, NaN or not)
     * are dropped by blends, never multiplied by zero. Vector positions are the outer loop, so that each position's
     * four masks are built once for all planes. The sums are those of {@link #same3x3}, in the same order.
     */
    private static final class SmallPlane {
        /** The most vectors a plane may take. */
        static final int MAX_VECTORS = 4;

        private final int w;
        private final int hw;
        /** 1 where flat position p has a left (right, upper, lower) neighbour in the plane, else 0. */
        private final float[] hasLeft;
        private final float[] hasRight;
        private final float[] hasUp;
        private final float[] hasDown;

        SmallPlane(int h, int w) {
            this.w = w;
            this.hw = h * w;
            hasLeft = new float[hw];
            hasRight = new float[hw];
            hasUp = new float[hw];
            hasDown = new float[hw];
            for (int p = 0; p < hw; p++) {
                hasLeft[p] = p % w != 0 ? 1 : 0;
                hasRight[p] = p % w != w - 1 ? 1 : 0;
                hasUp[p] = p >= w ? 1 : 0;
                hasDown[p] = p < hw - w ? 1 : 0;
            }
        }

        /**
         * Output planes {@code [from, to)}. The taps of x's first and last planes would load before its start or past
         * {@code xEnd}: those two are read from copies with a margin of {@code w + 1} either side (its values are
         * dropped by the blends, as a neighbouring plane's are), so that every plane sums alike, whatever its place
         * in the batch.
         */
        void run(float[] x, long xEnd, int channels, int outChannels, int multiplier, float[] weight,
                GemmF32Vector.Epilogue epilogue, Clamp clamp, float[] out, int from, int to) {
            int margin = w + 1;
            int lastOff = (int) xEnd - hw;
            float[] edges = scratch(2 * hw + 3 * margin);
            System.arraycopy(x, 0, edges, margin, hw);
            System.arraycopy(x, lastOff, edges, 2 * margin + hw, hw);
            FloatVector zero = FloatVector.zero(SPECIES);
            FloatVector low = FloatVector.broadcast(SPECIES, clamp.low);
            FloatVector high = FloatVector.broadcast(SPECIES, clamp.high);
            int vectors = Math.ceilDiv(hw, V);
            for (int k = 0; k < vectors; k++) {
                int q = Math.min(k * V, hw - V);
                VectorMask<Float> left = FloatVector.fromArray(SPECIES, hasLeft, q).compare(NE, 0f);
                VectorMask<Float> right = FloatVector.fromArray(SPECIES, hasRight, q).compare(NE, 0f);
                VectorMask<Float> noUp = FloatVector.fromArray(SPECIES, hasUp, q).compare(EQ, 0f);
                VectorMask<Float> down = FloatVector.fromArray(SPECIES, hasDown, q).compare(NE, 0f);
                // Image n and channel o of each plane by counting, not dividing: two integer divisions per vector
                // cost as much as its nine multiply-adds.
                int n = from / outChannels, o = from % outChannels;
                for (int plane = from; plane < to; plane++, o++) {
                    if (o == outChannels) {
                        o = 0;
                        n++;
                    }
                    int xOff = (n * channels + (multiplier == 1 ? o : o / multiplier)) * hw;
                    float[] src = x;
                    if (xOff == 0) {
                        src = edges;
                        xOff = margin;
                    } else if (xOff == lastOff) {
                        src = edges;
                        xOff = 2 * margin + hw;
                    }
                    int wOff = o * 9;
                    int up = xOff + q - w, mid = xOff + q, below = xOff + q + w;
                    FloatVector w00 = FloatVector.broadcast(SPECIES, weight[wOff]);
                    FloatVector w01 = FloatVector.broadcast(SPECIES, weight[wOff + 1]);
                    FloatVector w02 = FloatVector.broadcast(SPECIES, weight[wOff + 2]);
                    FloatVector w10 = FloatVector.broadcast(SPECIES, weight[wOff + 3]);
                    FloatVector w11 = FloatVector.broadcast(SPECIES, weight[wOff + 4]);
                    FloatVector w12 = FloatVector.broadcast(SPECIES, weight[wOff + 5]);
                    FloatVector w20 = FloatVector.broadcast(SPECIES, weight[wOff + 6]);
                    FloatVector w21 = FloatVector.broadcast(SPECIES, weight[wOff + 7]);
                    FloatVector w22 = FloatVector.broadcast(SPECIES, weight[wOff + 8]);
                    // Each column's sum starts from zero and multiply-adds the rows present, top to bottom: the
                    // upper row's products are replaced by zero where there is none, the lower row's kept only
                    // where there is one.
                    FloatVector l = FloatVector.fromArray(SPECIES, src, up - 1).fma(w00, zero).blend(zero, noUp);
                    FloatVector c = FloatVector.fromArray(SPECIES, src, up).fma(w01, zero).blend(zero, noUp);
                    FloatVector r = FloatVector.fromArray(SPECIES, src, up + 1).fma(w02, zero).blend(zero, noUp);
                    l = FloatVector.fromArray(SPECIES, src, mid - 1).fma(w10, l);
                    c = FloatVector.fromArray(SPECIES, src, mid).fma(w11, c);
                    r = FloatVector.fromArray(SPECIES, src, mid + 1).fma(w12, r);
                    l = l.blend(FloatVector.fromArray(SPECIES, src, below - 1).fma(w20, l), down);
                    c = c.blend(FloatVector.fromArray(SPECIES, src, below).fma(w21, c), down);
                    r = r.blend(FloatVector.fromArray(SPECIES, src, below + 1).fma(w22, r), down);
                    FloatVector sum = c.add(l, left).add(r, right);
                    if (clamp.fused) {
                        sum = sum.add(Clamp.bias(epilogue, clamp, o));
                        sum = sum.blend(low, sum.compare(LE, low));
                        sum = sum.blend(high, sum.compare(GE, high));
                    }
                    sum.intoArray(out, plane * hw + q);
                }
            }
            if (epilogue != null && !clamp.fused) {
                for (int plane = from; plane < to; plane++) {
                    epilogue.apply(out, plane * hw, plane % outChannels, hw);
                }
            }
        }
    }

    /**
     * A call's clamp, applied with each plane's bias by the 3x3 paths to each vector before it is stored, with the
     * blend that {@link GemmF32Vector.Epilogue} documents (exact for the bounds it accepts); {@link #NONE} when there
     * is none. The bias is passed beside it: one object per plane cost 960 allocations on a 7x7 MobileNet layer.
     */
    private static final class Clamp {
        static final Clamp NONE = new Clamp(false, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);

        final boolean fused;
        final float low;
        final float high;

        private Clamp(boolean fused, float low, float high) {
            this.fused = fused;
            this.low = low;
            this.high = high;
        }

        Clamp(GemmF32Vector.Epilogue epilogue) {
            this(true, epilogue.low(), epilogue.high());
        }

        /** Output channel {@code o}'s bias, 0 when nothing is fused. */
        static float bias(GemmF32Vector.Epilogue epilogue, Clamp clamp, int o) {
            return clamp.fused ? epilogue.rowBias()[epilogue.biasOffset() + o] : 0f;
        }
    }

    /**
     * One call's layout: the polyphase sub-planes of one input plane and where each tap reads them, also the layout
     * that {@link PolyphaseConvF32Vector} reads a dense convolution's taps from. The depthwise kernel's scratch array
     * holds the {@code sH x sW} sub-planes ({@code rows x len} each, only the ones some tap reads are filled),
     * {@link #BLOCK} floats of slack that the run's last block may read past them, then the run's flat output
     * ({@code oh x len}, rounded up to a block).
     */
    static final class Geometry {
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

        /** Values of one plane's sub-planes (the run, which only the depthwise kernel uses, starts after them). */
        int subPlanesSize() {
            return sh * sw * rows * len;
        }

        /** Length of a sub-plane's row: output {@code (y, x)} is flat position {@code y * rowLength() + x}. */
        int rowLength() {
            return len;
        }

        /** Where tap {@code (i, j)} (at {@code i * kw + j}) reads in its plane's sub-planes for output position 0. */
        int tap(int t) {
            return taps[t];
        }

        private int subPlane(int a, int b) {
            return (a * sw + b) * rows * len;
        }

        /** Copies the input plane at {@code x[xOff]} into the sub-planes that the taps read. */
        void load(float[] x, int xOff, float[] scratch) {
            load(x, xOff, scratch, 0);
        }

        /**
         * As above, the sub-planes from {@code scratch[base]}; only the input's values are written, so the zero
         * borders stay as they were.
         */
        void load(float[] x, int xOff, float[] scratch, int base) {
            // Input rows in order (r, then a), so that the reads stream through x.
            for (int r = 0; r < rows; r++) {
                for (int a = 0; a < sh; a++) {
                    if (!rowPhases[a]) {
                        continue;
                    }
                    int iy = r * sh + a - padTop;
                    if (iy < 0 || iy >= h) {
                        continue;
                    }
                    int src = xOff + iy * w;
                    if (sw == 2 && colPhases[0] && colPhases[1] && loadBothColumnPhases(x, src, scratch, base + r * len,
                            a)) {
                        continue;
                    }
                    for (int b = 0; b < sw; b++) {
                        if (!colPhases[b]) {
                            continue;
                        }
                        // Column c of this phase is input column c * sw + b - padLeft: real from c0 for count values.
                        int c0 = Math.max(0, Math.ceilDiv(padLeft - b, sw));
                        int ix0 = c0 * sw + b - padLeft;
                        int count = Math.min(len - c0, ix0 >= w ? 0 : Math.ceilDiv(w - ix0, sw));
                        int dst = base + subPlane(a, b) + r * len + c0;
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

        /**
         * Both column phases of a stride-2 input row at {@code x[src]} into row r of sub-planes {@code (a, 0)} and
         * {@code (a, 1)} ({@code rowBase = base + r * len}) with one pass over the row, when the columns they take are
         * one run that alternates between them (true) — a stem's rows, each of which two {@link #evenLanes} passes
         * read twice; else false, having written nothing.
         */
        private boolean loadBothColumnPhases(float[] x, int src, float[] scratch, int rowBase, int a) {
            int firstColumn0 = Math.max(0, Math.ceilDiv(padLeft, 2)), firstColumn1 = Math.max(0,
                    Math.ceilDiv(padLeft - 1, 2));
            int ix0 = firstColumn0 * 2 - padLeft, ix1 = firstColumn1 * 2 + 1 - padLeft;
            int count0 = Math.min(len - firstColumn0, ix0 >= w ? 0 : Math.ceilDiv(w - ix0, 2));
            int count1 = Math.min(len - firstColumn1, ix1 >= w ? 0 : Math.ceilDiv(w - ix1, 2));
            int total = count0 + count1;
            int dst0 = rowBase + subPlane(a, 0) + firstColumn0, dst1 = rowBase + subPlane(a, 1) + firstColumn1;
            if (Math.abs(ix1 - ix0) != 1 || Math.min(ix0, ix1) < 0) {
                return false;
            }
            // The phase whose first column comes first takes the run's even values.
            boolean zeroFirst = ix0 < ix1;
            int evenCount = zeroFirst ? count0 : count1, oddCount = zeroFirst ? count1 : count0;
            if (evenCount != (total + 1) / 2 || oddCount != total / 2) {
                return false;
            }
            int evenDst = zeroFirst ? dst0 : dst1, oddDst = zeroFirst ? dst1 : dst0;
            deinterleave(x, src + Math.min(ix0, ix1), total, scratch, evenDst, oddDst - evenDst);
            return true;
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
     * Splits the {@code count} values at {@code x[src]} into their even-indexed ones, written from
     * {@code dst[dstOff]}, and their odd-indexed ones, from {@code dst[dstOff + half]}: two runs that must not
     * overlap ({@code half >= (count + 1) / 2}, or {@code half <= -(count / 2)}).
     */
    static void deinterleave(float[] x, int src, int count, float[] dst, int dstOff, int half) {
        int pairs = count >> 1;
        int u = 0;
        if (pairs >= V) {
            FloatVector evenLanes = lanes(EVEN_LANES), oddLanes = lanes(ODD_LANES);
            // A ragged end overlaps the previous vector: writing some values twice, identically, beats splitting
            // them value by value (a 56-wide row left 24 of its 56 values to the scalar loop).
            for (; u < pairs; u += V) {
                int at = Math.min(u, pairs - V);
                FloatVector lo = FloatVector.fromArray(SPECIES, x, src + 2 * at);
                FloatVector hi = FloatVector.fromArray(SPECIES, x, src + 2 * at + V);
                evenLanes.selectFrom(lo, hi).intoArray(dst, dstOff + at);
                oddLanes.selectFrom(lo, hi).intoArray(dst, dstOff + half + at);
            }
            u = pairs;
        }
        for (int e = 2 * u; e < count; e++) {
            dst[dstOff + (e & 1) * half + (e >> 1)] = x[src + e];
        }
    }

    /**
     * Writes {@code x[src], x[src + 2], ...} ({@code count} values) to {@code dst[dstOff...]}: each
     * vector of them is the even lanes of two adjacent loads. A last partial vector is stored again
     * over the previous one's end; fewer than V values, and loads that would run past the end
     * of {@code x} go element by element. Also the stride-2 taps of {@link Im2colPanelsF32}.
     */
    static void evenLanes(float[] x, int src, int count, float[] dst, int dstOff) {
        if (count < V) {
            // Shorter than a vector: a masked store here would not be intrinsified on every JDK.
            for (int u = 0; u < count; u++) {
                dst[dstOff + u] = x[src + 2 * u];
            }
            return;
        }
        FloatVector evenLanes = lanes(EVEN_LANES);
        int t = 0;
        while (t < count) {
            int at = t + V <= count ? t : count - V;
            int from = src + 2 * at;
            if (from + 2 * V > x.length) {
                for (int u = at; u < count; u++) {
                    dst[dstOff + u] = x[src + 2 * u];
                }
                return;
            }
            FloatVector lo = FloatVector.fromArray(SPECIES, x, from);
            FloatVector hi = FloatVector.fromArray(SPECIES, x, from + V);
            evenLanes.selectFrom(lo, hi).intoArray(dst, dstOff + at);
            t = at + V;
        }
    }

    /** {@code V} values {@code below} and then {@code V} values {@code !below}. */
    private static boolean[] lanesBelow(boolean below) {
        boolean[] lanes = new boolean[2 * V];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = i < V == below;
        }
        return lanes;
    }

    /** Lane indices in a vector, loaded before a kernel's loops (see {@link #EVEN_LANES}). */
    private static FloatVector lanes(float[] indices) {
        return FloatVector.fromArray(SPECIES, indices, 0);
    }

    private static float[] rightLaneIndices() {
        float[] lanes = laneIndices(2);
        lanes[V - 1] = 0;
        return lanes;
    }

    private static float[] laneIndices(int first) {
        float[] lanes = new float[V];
        for (int i = 0; i < V; i++) {
            lanes[i] = 2 * i + first;
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
