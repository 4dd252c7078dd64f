package dev.adjoint.cpu;

import dev.adjoint.core.TensorException;
import dev.adjoint.op.Conv2dSpec;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 3x3 convolution, stride 1, no dilation, one group, by Winograd's minimal filtering
 * F(4x4, 3x3) (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016) on the
 * Vector API. The output is cut into 4x4 tiles, each computed from a 6x6 input tile as
 * {@code Y = A^T [(G g G^T) . (B^T d B)] A}: 36 multiplies per tile and channel pair instead of 144.
 * Over all tiles and channels, the element-wise products become 36 independent GEMMs, one per point
 * {@code xi} of the 6x6 transform domain: {@code M[xi] (tiles x out) = V[xi] (tiles x in) * U[xi] (in x out)},
 * run by {@link GemmF32Vector}.
 *
 * <p>The filter transform {@code U = G g G^T} is computed in float64 and packed into GEMM panels once per
 * weight storage, kept by {@link PackedOperands} like im2col's packed filters. Tiles (of all images of the
 * batch) are processed in blocks sized so that a block's transformed input and products stay in L2; each
 * block is input transform, 36 GEMMs, output transform, and blocks are shared out over the threads (with
 * fewer blocks than threads, the threads share each phase of a block instead).
 * Both transforms work on whole vectors: the input transform gathers one pixel of {@code V / MR} channels of
 * {@code MR} tiles (the GEMM's micro-tile rows) from a zero-padded copy of the input, so that its results
 * land in the GEMM's packed A layout as they are; the output transform scatters {@code V} output channels
 * of a tile back to NCHW.
 *
 * <p>Accuracy: the transforms multiply by up to 5 (input) and 8 (output) and add 6 terms each, so the
 * float32 rounding error grows to about {@code 1e-5} of the output's scale instead of im2col's
 * {@code 1e-6}; the tests assert {@code 2e-4} relative to the sum of |x*w| per output.
 *
 * <p>Non-finite values: a NaN or infinity in a 6x6 input tile (or a weight) would spread through the
 * transforms to every output of its tile, also to outputs whose 3x3 window never sees it, and a large
 * finite input could overflow in the transform where the direct sum does not. So each output tile is
 * checked: where any of its values is not finite, that tile is recomputed directly from the input,
 * which gives the same NaN and infinity pattern as the im2col path.
 */
final class WinogradF32 {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int V = SPECIES.length();
    /** Output tile side (m in F(m, r)). */
    private static final int TILE = 4;
    /** Input tile side m + r - 1, and the points of the transform domain. */
    private static final int ALPHA = 6;
    private static final int POINTS = ALPHA * ALPHA;
    /**
     * Bytes of transformed input plus products one block of tiles may use: about half of a core's L2. (256 KiB
     * to 2 MiB measured within 10 % of each other on the ResNet layers, CPU time, 1 thread.)
     */
    private static final int BLOCK_BYTES = 512 << 10;
    /** Fewest tiles per block: GEMMs of fewer rows than this waste the micro-kernel on padding. */
    private static final int MIN_BLOCK_TILES = 2 * GemmF32Vector.MR;
    /** Total multiply-adds (of the direct convolution) below which one thread does everything. */
    private static final long PARALLEL_WORK = 1L << 20;
    /**
     * The system property that overrides the choice by geometry, for measuring it: {@code off} keeps every
     * convolution on im2col, {@code on} sends every one the algorithm supports here, whatever its size.
     */
    static final String MODE_PROPERTY = "adjoint.cpu.winograd";
    private static final String MODE = System.getProperty(MODE_PROPERTY, "auto");
    /** Smallest in- and out-channel counts the path is taken for; below, im2col's GEMM is as fast. */
    static final int MIN_CHANNELS = 16;
    /**
     * Fewest 4x4 output tiles (over the whole batch) the path is taken for. Fewer make GEMMs of fewer rows than
     * two micro-tiles, while the transformed filters (36 / 9 times the weights) still stream through once:
     * ResNet-18's 512-channel 7x7 layer (4 tiles) measured even with im2col at batch 1 and 2.4x faster at batch 8.
     */
    static final int MIN_TILES = 16;

    /** What {@link PackedOperands} keeps for a weight: its transformed filters, packed per point. */
    private record FilterKey(int outChannels, int channels) {
    }

    /** Per thread: the transformed input of a block, one packed GEMM A operand per point. */
    private static final ThreadLocal<float[][]> INPUT = ThreadLocal.withInitial(() -> new float[POINTS][]);
    private static final ThreadLocal<float[]> PADDED = new ThreadLocal<>();
    private static final int MAX_CACHED_PADDED = 1 << 24;
    private static final ThreadLocal<int[]> LANE_MAP = ThreadLocal.withInitial(() -> new int[V]);
    private static final ThreadLocal<float[]> PRODUCTS = new ThreadLocal<>();
    private static final ThreadLocal<float[]> FILTERS = new ThreadLocal<>();
    private static final ThreadLocal<float[]> TILE_SCRATCH = ThreadLocal.withInitial(() -> new float[2 * POINTS * V]);

    private WinogradF32() {
    }

    /**
     * Whether {@code conv2d} with this geometry runs here: a 3x3 kernel, stride and dilation 1, one
     * group, any padding, and enough channels and output tiles for the transforms to pay (measured, see
     * docs/benchmarks.md).
     */
    static boolean applies(int batch, int channels, int outChannels, int kh, int kw, Conv2dSpec spec, int oh, int ow) {
        if (!supports(kh, kw, spec) || MODE.equals("off")) {
            return false;
        }
        long tiles = (long) batch * Math.ceilDiv(oh, TILE) * Math.ceilDiv(ow, TILE);
        return MODE.equals("on") || channels >= MIN_CHANNELS && outChannels >= MIN_CHANNELS && tiles >= MIN_TILES;
    }

    /** Whether the algorithm is defined for this convolution at all, whatever its size. */
    static boolean supports(int kh, int kw, Conv2dSpec spec) {
        return GemmF32Vector.MR <= V && kh == 3 && kw == 3 && spec.strideH() == 1 && spec.strideW() == 1
                && spec.dilationH() == 1 && spec.dilationW() == 1 && spec.groups() == 1;
    }

    /**
     * Writes {@code out} ({@code batch x outChannels x oh x ow}) from {@code x} ({@code batch x channels x
     * h x w}) and the filters in {@code weight} ({@code outChannels x channels x 3 x 3}), whose
     * transform is cached with that storage.
     */
    static void conv(float[] x, int batch, int channels, int h, int w, CpuStorage weight, int outChannels,
            Conv2dSpec spec, int oh, int ow, GemmF32Vector.Epilogue epilogue, float[] out) {
        float[] wf = weight.floats();
        int ldO = Math.ceilDiv(outChannels, V) * V;
        long filterBytes = 4L * POINTS * channels * Math.ceilDiv(outChannels, GemmF32Vector.NR) * GemmF32Vector.NR;
        GemmF32Vector.Packed[] packed = PackedOperands.derived(weight, new FilterKey(outChannels, channels),
                filterBytes, () -> packFilters(wf, outChannels, channels));
        float[] filters = null;
        if (packed == null) {
            // Not cached (first use, or small): transform into this thread's scratch; each GEMM packs it.
            filters = GemmF32Vector.buffer(FILTERS, POINTS * channels * outChannels);
            transformFilters(wf, outChannels, channels, filters);
        }
        int tilesW = Math.ceilDiv(ow, TILE);
        int tilesPerImage = Math.ceilDiv(oh, TILE) * tilesW;
        long allTiles = (long) batch * tilesPerImage;
        if (allTiles > Integer.MAX_VALUE / POINTS) {
            throw new TensorException("conv2d", "input of " + batch + " images of " + h + "x" + w
                    + " has too many 4x4 output tiles (" + allTiles + ") for one Winograd pass");
        }
        int tiles = (int) allTiles;
        int mr = GemmF32Vector.MR;
        int perTile = 4 * POINTS * (channels + ldO);
        int blockTiles = Math.max(MIN_BLOCK_TILES, BLOCK_BYTES / perTile / mr * mr);
        long work = (long) batch * outChannels * channels * 9 * oh * ow;
        int threads = work >= PARALLEL_WORK ? Parallel.threads() : 1;
        int even = Math.ceilDiv(tiles, threads);
        if (threads > 1 && even >= MIN_BLOCK_TILES && (long) even * perTile <= 2L * BLOCK_BYTES) {
            // One block per thread, split evenly: rounding blocks to the micro-tile's rows left a 28x28 layer's
            // 49 tiles as 16 + 16 + 16 + 1 on two threads, three blocks' work on one and one block's on the other.
            blockTiles = even;
        } else if (threads > 1) {
            // Enough blocks for every thread (a multiple of their number, so the split is even), each a
            // multiple of the micro-tile's rows so that no GEMM but the last runs edge tiles.
            int blocks = Math.ceilDiv(Math.ceilDiv(tiles, blockTiles), threads) * threads;
            blockTiles = Math.max(MIN_BLOCK_TILES, Math.ceilDiv(Math.ceilDiv(tiles, blocks), mr) * mr);
        }
        int blockSize = Math.min(blockTiles, tiles);
        int blocks = Math.ceilDiv(tiles, blockSize);
        // The input with its padding made explicit, and out to whole tiles: every 6x6 window is then in bounds.
        int hp = Math.ceilDiv(oh, TILE) * TILE + 2, wp = tilesW * TILE + 2;
        long paddedSize = (long) batch * channels * hp * wp;
        if (paddedSize > Integer.MAX_VALUE) {
            throw new TensorException("conv2d", "input of " + batch + "x" + channels + "x" + h + "x" + w
                    + " is too large to pad for the Winograd path (" + paddedSize + " elements)");
        }
        // Kept per thread like im2col's columns, up to the same 64 MiB; a larger batch gets a fresh array.
        float[] padded = paddedSize > MAX_CACHED_PADDED ? new float[(int) paddedSize]
                : GemmF32Vector.buffer(PADDED, (int) paddedSize);
        Parallel.forRange(batch * channels, Math.max(1, (int) (PARALLEL_WORK / 64 / ((long) hp * wp))),
                (from, to) -> pad(x, h, w, spec.padTop(), spec.padLeft(), padded, hp, wp, from, to));
        Geometry g = new Geometry(x, batch, channels, h, w, wf, outChannels, spec.padTop(), spec.padLeft(), oh, ow,
                tilesW, tilesPerImage, padded, hp, wp, ldO, out, strides(oh * ow, outChannels), epilogue);
        float[] plainFilters = filters;
        if (threads == 1) {
            for (int b = 0; b < blocks; b++) {
                block(g, b * blockSize, Math.min(blockSize, tiles - b * blockSize), packed, plainFilters);
            }
            return;
        }
        if (blocks < threads) {
            // Fewer blocks than threads (batch 1 at 14x14: one block of 16 tiles): the threads share each phase
            // of every block instead, the input transform by micro-tile panels, the GEMMs by point and the
            // output transform by tile. (Doing so whenever blocks < 4 x threads was slower at 28x28 and 56x56:
            // 1.3-1.4 ms against 0.8-1.0 ms at 28x28, 128 channels.)
            for (int b = 0; b < blocks; b++) {
                sharedBlock(g, b * blockSize, Math.min(blockSize, tiles - b * blockSize), packed, plainFilters);
            }
            return;
        }
        // Contiguous blocks per thread, tiles in raster order (Parallel's shares): each thread works on the rows of
        // the image that it worked on in the layer before; a thread slowed by another process still leaves its
        // remaining blocks to the others.
        Parallel.forRange(blocks, 1, (from, to) -> {
            for (int b = from; b < to; b++) {
                block(g, b * blockSize, Math.min(blockSize, tiles - b * blockSize), packed, plainFilters);
            }
        });
    }

    /** Copies planes {@code [from, to)} of {@code x} into {@code padded} ({@code hp x wp} each), zeros around. */
    private static void pad(float[] x, int h, int w, int padTop, int padLeft, float[] padded, int hp, int wp,
            int from, int to) {
        int rows = Math.min(h, hp - padTop), cols = Math.min(w, wp - padLeft);
        for (int plane = from; plane < to; plane++) {
            int dst = plane * hp * wp, src = plane * h * w;
            Arrays.fill(padded, dst, dst + padTop * wp, 0f);
            for (int r = 0; r < rows; r++) {
                int d = dst + (padTop + r) * wp;
                Arrays.fill(padded, d, d + padLeft, 0f);
                System.arraycopy(x, src + r * w, padded, d + padLeft, cols);
                Arrays.fill(padded, d + padLeft + cols, d + wp, 0f);
            }
            Arrays.fill(padded, dst + (padTop + rows) * wp, dst + hp * wp, 0f);
        }
    }

    /** One convolution's operands and layout; {@code padded} is the input as {@link #pad} lays it out. */
    private record Geometry(float[] x, int batch, int channels, int h, int w, float[] weight, int outChannels,
            int padTop, int padLeft, int oh, int ow, int tilesW, int tilesPerImage, float[] padded, int hp, int wp,
            int ldO, float[] out, int[][] outputLanes, GemmF32Vector.Epilogue epilogue) {
    }

    /** Tiles {@code [t0, t0 + count)} (numbered over the whole batch): transform, multiply, transform back. */
    private static void block(Geometry g, int t0, int count, GemmF32Vector.Packed[] packed, float[] filters) {
        float[][] input = inputBuffers(g, count);
        float[] products = GemmF32Vector.buffer(PRODUCTS, POINTS * count * g.ldO);
        float[] scratch = TILE_SCRATCH.get();
        int[] lanes = LANE_MAP.get();
        for (int panel = 0, panels = Math.ceilDiv(count, GemmF32Vector.MR); panel < panels; panel++) {
            transformInput(g, t0, count, panel, input, scratch, lanes);
        }
        multiply(g, count, input, packed, filters, products, 0, POINTS);
        for (int t = 0; t < count; t++) {
            transformOutput(g, t0 + t, products, t, count, scratch);
        }
    }

    /**
     * As {@link #block}, each phase split over the threads: the transformed input and the products are the
     * calling thread's buffers, shared; each thread transforms with its own scratch.
     */
    private static void sharedBlock(Geometry g, int t0, int count, GemmF32Vector.Packed[] packed, float[] filters) {
        float[][] input = inputBuffers(g, count);
        float[] products = GemmF32Vector.buffer(PRODUCTS, POINTS * count * g.ldO);
        Parallel.forRange(Math.ceilDiv(count, GemmF32Vector.MR), 1, (from, to) -> {
            float[] scratch = TILE_SCRATCH.get();
            int[] lanes = LANE_MAP.get();
            for (int panel = from; panel < to; panel++) {
                transformInput(g, t0, count, panel, input, scratch, lanes);
            }
        });
        Parallel.forRange(POINTS, 1, (from, to) -> multiply(g, count, input, packed, filters, products, from, to));
        Parallel.forRange(count, 1, (from, to) -> {
            float[] scratch = TILE_SCRATCH.get();
            for (int t = from; t < to; t++) {
                transformOutput(g, t0 + t, products, t, count, scratch);
            }
        });
    }

    /** This thread's transformed-input operands (one per point) for a block of {@code count} tiles. */
    private static float[][] inputBuffers(Geometry g, int count) {
        float[][] input = INPUT.get();
        int size = Math.ceilDiv(count, GemmF32Vector.MR) * GemmF32Vector.MR * g.channels;
        for (int xi = 0; xi < POINTS; xi++) {
            if (input[xi] == null || input[xi].length < size) {
                input[xi] = new float[size];
            }
        }
        return input;
    }

    /** The GEMMs of points {@code [from, to)}: transformed input (count x in) times transformed filters (in x out). */
    private static void multiply(Geometry g, int count, float[][] input, GemmF32Vector.Packed[] packed, float[] filters,
            float[] products, int from, int to) {
        int c = g.channels, o = g.outChannels;
        for (int xi = from; xi < to; xi++) {
            GemmF32Vector.gemm(count, o, c, null, 0, 0, 0, new GemmF32Vector.Packed(input[xi], count, c, true), filters,
                    xi * c * o, o, 1, packed == null ? null : packed[xi], products, xi * count * g.ldO, g.ldO, false);
        }
    }

    /**
     * {@code B^T d B} of the tiles of one micro-tile panel (block tiles {@code panel * MR} on, {@code MR} of
     * them) for every channel, written straight into each point's GEMM A operand in its packed layout
     * ({@link GemmF32Vector.Packed}: per depth block, panels of MR rows, the MR rows of one column side by
     * side). A vector holds {@code V / MR} channels of the MR tiles, lane {@code q * MR + r} being channel
     * {@code c0 + q} of tile {@code r}: exactly the packed layout's order, so the transform's results are
     * stored whole, and A needs no packing pass. Where MR does not divide V (AVX2's 6-row tile in 8 lanes), the
     * lanes past the last whole group repeat lane 0 and are stored masked off.
     */
    private static void transformInput(Geometry g, int t0, int count, int panel, float[][] input, float[] scratch,
            int[] lanes) {
        int mr = GemmF32Vector.MR, group = V / mr, c = g.channels;
        int planeP = g.hp * g.wp;
        int panels = Math.ceilDiv(count, mr);
        // Where each tile's 6x6 window starts in the padded input (channel 0); rows past the block repeat its
        // last tile.
        for (int r = 0; r < mr; r++) {
            int tile = t0 + Math.min(panel * mr + r, count - 1);
            int n = tile / g.tilesPerImage, tr = tile % g.tilesPerImage;
            int start = (n * c * g.hp + tr / g.tilesW * TILE) * g.wp + tr % g.tilesW * TILE;
            for (int q = 0; q < group; q++) {
                lanes[q * mr + r] = start + q * planeP;
            }
        }
        for (int l = group * mr; l < V; l++) {
            lanes[l] = lanes[0];
        }
        for (int c0 = 0; c0 < c; c0 += group) {
            if (c0 + group > c) {
                // The last, partial group of channels: the missing ones read the first one's (stored masked off).
                for (int q = c - c0; q < group; q++) {
                    for (int r = 0; r < mr; r++) {
                        lanes[q * mr + r] = lanes[r];
                    }
                }
            }
            int base = c0 * planeP;
            for (int i = 0; i < ALPHA; i++) {
                for (int j = 0; j < ALPHA; j++) {
                    FloatVector.fromArray(SPECIES, g.padded, base + i * g.wp + j, lanes, 0)
                            .intoArray(scratch, (i * ALPHA + j) * V);
                }
            }
            // B^T over the columns of the tile, then B over its rows.
            for (int j = 0; j < ALPHA; j++) {
                inputTransform(scratch, j * V, ALPHA * V, scratch, POINTS * V + j * V, ALPHA * V);
            }
            for (int k = 0; k < ALPHA; k++) {
                inputTransform(scratch, POINTS * V + k * ALPHA * V, V, scratch, k * ALPHA * V, V);
            }
            int p = c0 / GemmF32Vector.KC * GemmF32Vector.KC, kc = Math.min(GemmF32Vector.KC, c - p);
            int at = p * panels * mr + panel * kc * mr + (c0 - p) * mr;
            if (c0 + group <= c && group * mr == V) {
                for (int xi = 0; xi < POINTS; xi++) {
                    FloatVector.fromArray(SPECIES, scratch, xi * V).intoArray(input[xi], at);
                }
            } else {
                VectorMask<Float> valid = SPECIES.indexInRange(0, Math.min(group, c - c0) * mr);
                for (int xi = 0; xi < POINTS; xi++) {
                    FloatVector.fromArray(SPECIES, scratch, xi * V).intoArray(input[xi], at, valid);
                }
            }
        }
    }

    /**
     * {@code B^T} applied to the six vectors {@code src[s + i * ss]}, written to {@code dst[d + k * ds]}:
     * <pre>
     * [4  0 -5  0 1 0]
     * [0 -4 -4  1 1 0]
     * [0  4 -4 -1 1 0]
     * [0 -2 -1  2 1 0]
     * [0  2 -1 -2 1 0]
     * [0  4  0 -5 0 1]
     * </pre>
     */
    private static void inputTransform(float[] src, int s, int ss, float[] dst, int d, int ds) {
        FloatVector d0 = FloatVector.fromArray(SPECIES, src, s);
        FloatVector d1 = FloatVector.fromArray(SPECIES, src, s + ss);
        FloatVector d2 = FloatVector.fromArray(SPECIES, src, s + 2 * ss);
        FloatVector d3 = FloatVector.fromArray(SPECIES, src, s + 3 * ss);
        FloatVector d4 = FloatVector.fromArray(SPECIES, src, s + 4 * ss);
        FloatVector d5 = FloatVector.fromArray(SPECIES, src, s + 5 * ss);
        FloatVector k4 = FloatVector.broadcast(SPECIES, 4f), km4 = FloatVector.broadcast(SPECIES, -4f);
        FloatVector km5 = FloatVector.broadcast(SPECIES, -5f);
        FloatVector a = d2.fma(km4, d4);            // d4 - 4 d2
        FloatVector b = d1.fma(km4, d3);            // d3 - 4 d1
        FloatVector c = d4.sub(d2);
        FloatVector e = d3.sub(d1).mul(2f);
        d0.fma(k4, d2.fma(km5, d4)).intoArray(dst, d);
        a.add(b).intoArray(dst, d + ds);
        a.sub(b).intoArray(dst, d + 2 * ds);
        c.add(e).intoArray(dst, d + 3 * ds);
        c.sub(e).intoArray(dst, d + 4 * ds);
        d1.fma(k4, d3.fma(km5, d5)).intoArray(dst, d + 5 * ds);
    }

    /**
     * {@code A^T m A} of tile {@code tile}, from row {@code row} of each point's {@code count x ldO}
     * products, written to the output; a tile with a value that is not finite is recomputed directly.
     */
    private static void transformOutput(Geometry g, int tile, float[] products, int row, int count, float[] scratch) {
        int n = tile / g.tilesPerImage, r = tile % g.tilesPerImage;
        int y0 = r / g.tilesW * TILE, x0 = r % g.tilesW * TILE;
        int rows = Math.min(TILE, g.oh - y0), cols = Math.min(TILE, g.ow - x0);
        int pointStride = count * g.ldO;
        for (int o0 = 0; o0 < g.outChannels; o0 += V) {
            VectorMask<Float> lanes = SPECIES.indexInRange(o0, g.outChannels);
            int src = row * g.ldO + o0;
            for (int l = 0; l < ALPHA; l++) {
                outputTransform(products, src + l * pointStride, ALPHA * pointStride, scratch, l * V, ALPHA * V);
            }
            FloatVector check = FloatVector.zero(SPECIES);
            for (int k = 0; k < TILE; k++) {
                outputTransform(scratch, k * ALPHA * V, V, scratch, POINTS * V + k * TILE * V, V);
                for (int q = 0; q < TILE; q++) {
                    check = check.add(FloatVector.fromArray(SPECIES, scratch, POINTS * V + (k * TILE + q) * V));
                }
            }
            // x * 0 is NaN (unequal to itself) exactly when x is infinite or NaN; an overflowing sum only costs a
            // direct recompute. (test(IS_NAN) is not intrinsified by C2 here: it ran as a call per tile.)
            FloatVector zero = check.mul(0f);
            if (zero.compare(VectorOperators.NE, zero).and(lanes).anyTrue()) {
                direct(g, n, y0, x0, rows, cols, o0, Math.min(g.outChannels, o0 + V));
                if (g.epilogue != null) {
                    for (int o = o0; o < Math.min(g.outChannels, o0 + V); o++) {
                        for (int k = 0; k < rows; k++) {
                            g.epilogue.apply(g.out, ((n * g.outChannels + o) * g.oh + y0 + k) * g.ow + x0, o, cols);
                        }
                    }
                }
                continue;
            }
            int base = ((n * g.outChannels + o0) * g.oh + y0) * g.ow + x0;
            int[] map = g.outputLanes[o0 + V <= g.outChannels ? 0 : 1];
            if (g.epilogue != null) {
                // Lanes are output channels here: the bias is one vector, applied before the scatter.
                GemmF32Vector.Epilogue e = g.epilogue;
                FloatVector bias = FloatVector.fromArray(SPECIES, e.rowBias(), e.biasOffset() + o0, lanes);
                FloatVector lo = FloatVector.broadcast(SPECIES, e.low()), hi = FloatVector.broadcast(SPECIES, e.high());
                for (int k = 0; k < rows; k++) {
                    for (int q = 0; q < cols; q++) {
                        FloatVector v = FloatVector.fromArray(SPECIES, scratch, POINTS * V + (k * TILE + q) * V)
                                .add(bias);
                        if (e.residual() != null) {
                            // The shortcut's values for these channels, read through the same lane map as written.
                            v = v.add(FloatVector.fromArray(SPECIES, e.residual(), base + k * g.ow + q, map, 0, lanes));
                        }
                        v = v.blend(lo, v.compare(VectorOperators.LE, lo));
                        v.blend(hi, v.compare(VectorOperators.GE, hi)).intoArray(g.out, base + k * g.ow + q, map, 0,
                                lanes);
                    }
                }
                continue;
            }
            for (int k = 0; k < rows; k++) {
                for (int q = 0; q < cols; q++) {
                    FloatVector.fromArray(SPECIES, scratch, POINTS * V + (k * TILE + q) * V)
                            .intoArray(g.out, base + k * g.ow + q, map, 0, lanes);
                }
            }
        }
    }

    /**
     * {@code A^T} applied to the six vectors {@code src[s + i * ss]}, written to {@code dst[d + k * ds]}:
     * <pre>
     * [1 1  1 1  1 0]
     * [0 1 -1 2 -2 0]
     * [0 1  1 4  4 0]
     * [0 1 -1 8 -8 1]
     * </pre>
     */
    private static void outputTransform(float[] src, int s, int ss, float[] dst, int d, int ds) {
        FloatVector m0 = FloatVector.fromArray(SPECIES, src, s);
        FloatVector m1 = FloatVector.fromArray(SPECIES, src, s + ss);
        FloatVector m2 = FloatVector.fromArray(SPECIES, src, s + 2 * ss);
        FloatVector m3 = FloatVector.fromArray(SPECIES, src, s + 3 * ss);
        FloatVector m4 = FloatVector.fromArray(SPECIES, src, s + 4 * ss);
        FloatVector m5 = FloatVector.fromArray(SPECIES, src, s + 5 * ss);
        FloatVector k2 = FloatVector.broadcast(SPECIES, 2f), k4 = FloatVector.broadcast(SPECIES, 4f);
        FloatVector k8 = FloatVector.broadcast(SPECIES, 8f);
        FloatVector p = m1.add(m2), q = m1.sub(m2), r = m3.add(m4), t = m3.sub(m4);
        m0.add(p).add(r).intoArray(dst, d);
        t.fma(k2, q).intoArray(dst, d + ds);
        r.fma(k4, p).intoArray(dst, d + 2 * ds);
        t.fma(k8, q).add(m5).intoArray(dst, d + 3 * ds);
    }

    /** Output channels {@code [o0, o1)} of a {@code rows x cols} tile at {@code (y0, x0)} as a plain 3x3 sum. */
    private static void direct(Geometry g, int n, int y0, int x0, int rows, int cols, int o0, int o1) {
        int plane = g.h * g.w;
        for (int o = o0; o < o1; o++) {
            for (int k = 0; k < rows; k++) {
                for (int q = 0; q < cols; q++) {
                    int iy0 = y0 + k - g.padTop, ix0 = x0 + q - g.padLeft;
                    float sum = 0f;
                    for (int c = 0; c < g.channels; c++) {
                        int xBase = (n * g.channels + c) * plane;
                        int wBase = (o * g.channels + c) * 9;
                        for (int i = 0; i < 3; i++) {
                            int iy = iy0 + i;
                            if (iy < 0 || iy >= g.h) {
                                continue;
                            }
                            for (int j = 0; j < 3; j++) {
                                int ix = ix0 + j;
                                if (ix >= 0 && ix < g.w) {
                                    sum += g.x[xBase + iy * g.w + ix] * g.weight[wBase + i * 3 + j];
                                }
                            }
                        }
                    }
                    g.out[((n * g.outChannels + o) * g.oh + y0 + k) * g.ow + x0 + q] = sum;
                }
            }
        }
    }

    /** The transformed filters packed as each point's GEMM B operand ({@code channels x outChannels}). */
    private static GemmF32Vector.Packed[] packFilters(float[] weight, int outChannels, int channels) {
        float[] u = new float[POINTS * channels * outChannels];
        transformFilters(weight, outChannels, channels, u);
        GemmF32Vector.Packed[] packed = new GemmF32Vector.Packed[POINTS];
        for (int xi = 0; xi < POINTS; xi++) {
            packed[xi] = GemmF32Vector.pack(false, outChannels, channels, u, xi * channels * outChannels, outChannels,
                    1);
        }
        return packed;
    }

    /**
     * {@code U = G g G^T} for every filter, in float64 and rounded once, into {@code u} as {@code POINTS}
     * matrices of {@code channels x outChannels}. G is
     * <pre>
     * [ 1/4     0    0 ]
     * [-1/6  -1/6 -1/6 ]
     * [-1/6   1/6 -1/6 ]
     * [1/24  1/12  1/6 ]
     * [1/24 -1/12  1/6 ]
     * [ 0      0    1  ]
     * </pre>
     */
    private static void transformFilters(float[] weight, int outChannels, int channels, float[] u) {
        double[] rowsDone = new double[ALPHA * 3];
        double[] col = new double[ALPHA];
        for (int o = 0; o < outChannels; o++) {
            for (int c = 0; c < channels; c++) {
                int f = (o * channels + c) * 9;
                for (int j = 0; j < 3; j++) {
                    filterTransform(weight[f + j], weight[f + 3 + j], weight[f + 6 + j], col);
                    for (int k = 0; k < ALPHA; k++) {
                        rowsDone[k * 3 + j] = col[k];
                    }
                }
                for (int k = 0; k < ALPHA; k++) {
                    filterTransform(rowsDone[k * 3], rowsDone[k * 3 + 1], rowsDone[k * 3 + 2], col);
                    for (int l = 0; l < ALPHA; l++) {
                        u[((k * ALPHA + l) * channels + c) * outChannels + o] = (float) col[l];
                    }
                }
            }
        }
    }

    /** G times the column {@code (g0, g1, g2)}, into {@code out}. */
    private static void filterTransform(double g0, double g1, double g2, double[] out) {
        out[0] = g0 / 4;
        out[1] = -(g0 + g1 + g2) / 6;
        out[2] = -(g0 - g1 + g2) / 6;
        out[3] = g0 / 24 + g1 / 12 + g2 / 6;
        out[4] = g0 / 24 - g1 / 12 + g2 / 6;
        out[5] = g2;
    }

    /**
     * The lane offsets {@code 0, plane, 2 plane, ...} of one pixel in {@code V} consecutive channels, for a
     * full block and for the last, partial one of {@code channels}. The Vector API checks the indices of
     * masked-off lanes too, so in the partial map those lanes repeat lane 0's (the mask still skips them).
     */
    private static int[][] strides(int plane, int channels) {
        int[][] maps = new int[2][V];
        int valid = channels % V;
        for (int l = 0; l < V; l++) {
            maps[0][l] = l * plane;
            maps[1][l] = l < valid ? l * plane : 0;
        }
        return maps;
    }
}
