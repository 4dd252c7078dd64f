package dev.adjoint.cpu;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.core.TensorException;
import dev.adjoint.op.Conv2dSpec;
import dev.adjoint.op.Pool2dSpec;
import dev.adjoint.spi.Storage;

/**
 * 2-D convolution and pooling over NCHW tensors. A convolution is, per image and channel group, an
 * {@link Im2col} unfold followed by one GEMM (weights {@code O/g x (C/g * KH * KW)} times the
 * unfolded patches), so it runs on the same kernels as {@link Matmul}; a 1x1 convolution with stride
 * 1 and no padding skips the unfold, and on the float32 Vector API path the filters come packed from
 * {@link PackedOperands}, a depthwise convolution runs {@link DepthwiseConvF32Vector} instead, a large 3x3
 * stride-1 one {@link WinogradF32}, and one with few input channels (a stem) {@link PolyphaseConvF32Vector}.
 * Pooling lives in {@link Pool2d} and {@link PoolF32Vector}.
 */
final class Convolution {
    /** Total multiply-adds below which a convolution stays on the calling thread. */
    private static final long PARALLEL_WORK = 1L << 18;
    /** The largest unfold buffer (in floats, 64 MiB) a thread keeps for its next convolution. */
    private static final int MAX_CACHED_COLUMNS = 1 << 24;
    private static final ThreadLocal<float[]> COLUMNS = new ThreadLocal<>();

    private Convolution() {
    }

    /** A row-major GEMM {@code C = A * B} (A {@code m x k}, B {@code k x n}) on arrays of one type. */
    @FunctionalInterface
    private interface Gemm {
        void run(int m, int n, int k, Object a, int aOff, Object b, int bOff, Object c, int cOff, boolean mayFork);
    }

    /**
     * A convolution layer's bias (one value per output channel), residual (null, or a tensor of the output's shape)
     * and clamp, applied to each output element once its sum is complete: {@code min(max((sum + bias[o]) +
     * residual[i], low), high)}, in the output's type ({@code Op.Conv2dBias}). The residual is indexed as the output
     * is: element i of the output adds element i of the residual.
     */
    record Epilogue(CpuStorage bias, CpuStorage residual, double low, double high) {
        /**
         * Whether the float32 vector kernels may apply this in their tiles: their compare-and-blend clamp matches
         * Math.max/Math.min for any bounds but a low of -0.0 and a high of +0.0 (see {@link GemmF32Vector.Epilogue}).
         */
        boolean inTiles() {
            return GemmF32Vector.Epilogue.blendsExactly((float) low, (float) high);
        }

        /** The float32 vector kernels' form, for output channels from {@code firstChannel}. */
        GemmF32Vector.Epilogue floats(int firstChannel) {
            return new GemmF32Vector.Epilogue(bias.floats(), firstChannel, residual == null ? null : residual.floats(),
                    (float) low, (float) high);
        }

        /**
         * Applies the epilogue to {@code rows} output channels from {@code firstChannel}, {@code positions} values
         * each, from {@code out[offset]}: the scalar form, for the paths without one of their own.
         */
        void applyPlanes(Object out, int offset, int firstChannel, int rows, int positions) {
            if (out instanceof float[] o) {
                float[] b = bias.floats(), res = residual == null ? null : residual.floats();
                float lo = (float) low, hi = (float) high;
                for (int r = 0; r < rows; r++) {
                    float add = b[firstChannel + r];
                    for (int i = offset + r * positions, end = i + positions; i < end; i++) {
                        float v = o[i] + add;
                        o[i] = Math.min(Math.max(res == null ? v : v + res[i], lo), hi);
                    }
                }
            } else {
                double[] o = (double[]) out, b = bias.doubles(), res = residual == null ? null : residual.doubles();
                for (int r = 0; r < rows; r++) {
                    double add = b[firstChannel + r];
                    for (int i = offset + r * positions, end = i + positions; i < end; i++) {
                        double v = o[i] + add;
                        o[i] = Math.min(Math.max(res == null ? v : v + res[i], low), high);
                    }
                }
            }
        }
    }

    static Storage conv2d(CpuBackend backend, CpuStorage x, Shape xShape, CpuStorage w, Shape wShape,
            Conv2dSpec spec, Shape outShape, boolean vector) {
        return conv2d(backend, x, xShape, w, wShape, spec, null, outShape, vector);
    }

    /** As the form above, with the epilogue (when not null) applied to each output element. */
    static Storage conv2d(CpuBackend backend, CpuStorage x, Shape xShape, CpuStorage w, Shape wShape,
            Conv2dSpec spec, Epilogue epilogue, Shape outShape, boolean vector) {
        int batch = xShape.dim(0), channels = xShape.dim(1), h = xShape.dim(2), wd = xShape.dim(3);
        int outChannels = wShape.dim(0), kh = wShape.dim(2), kw = wShape.dim(3);
        int oh = outShape.dim(2), ow = outShape.dim(3);
        int groups = spec.groups();
        int groupIn = channels / groups, groupOut = outChannels / groups;
        int size = checkedSize("conv2d", outShape);
        DType dtype = x.dtype();
        if (epilogue != null && vector && dtype == DType.FLOAT32 && !epilogue.inTiles()) {
            // Bounds the tiles' clamp cannot match exactly: the plain convolution, then the exact scalar pass.
            CpuStorage plain = (CpuStorage) conv2d(backend, x, xShape, w, wShape, spec, null, outShape, true);
            for (int n = 0; n < batch; n++) {
                epilogue.applyPlanes(plain.array(), n * outChannels * oh * ow, 0, outChannels, oh * ow);
            }
            return plain;
        }
        // From the buffer pool, not cleared: every kernel below writes each output element (ConvolutionTest
        // hands them a pooled array of garbage). A fresh array of a ResNet layer's output (a few MiB) costs
        // more in page faults than the layer's depthwise kernel, and clearing one a pass over memory.
        CpuStorage result = Memory.allocateForOverwrite(backend, dtype, size);
        Object out = result.array();
        if (size == 0) {
            return result;
        }
        if (vector && dtype == DType.FLOAT32 && WinogradF32.applies(batch, channels, outChannels, kh, kw, spec, oh, ow)) {
            WinogradF32.conv(x.floats(), batch, channels, h, wd, w, outChannels, spec, oh, ow,
                    epilogue == null ? null : epilogue.floats(0), (float[]) out);
            return result;
        }
        if (vector && dtype == DType.FLOAT32 && DepthwiseConvF32Vector.applies(channels, groups)) {
            DepthwiseConvF32Vector.conv(x.floats(), batch, channels, h, wd, w.floats(), outChannels, kh, kw, spec, oh, ow,
                    epilogue == null ? null : epilogue.floats(0), (float[]) out);
            return result;
        }
        if (vector && dtype == DType.FLOAT32
                && PolyphaseConvF32Vector.applies(channels, groups, outChannels, kh, kw, spec, oh, ow)) {
            PolyphaseConvF32Vector.conv(x.floats(), batch, channels, h, wd, w, outChannels, kh, kw, spec, oh, ow,
                    epilogue == null ? null : epilogue.floats(0), (float[]) out);
            return result;
        }
        int patch = groupIn * kh * kw;
        int positions = oh * ow;
        // A 1x1 kernel with stride 1 and no padding already is its own unfold: multiply x directly.
        boolean pointwise = kh == 1 && kw == 1 && spec.strideH() == 1 && spec.strideW() == 1 && spec.padTop() == 0
                && spec.padBottom() == 0 && spec.padLeft() == 0 && spec.padRight() == 0;
        Gemm gemm = gemmFor(dtype, vector);
        Object xs = x.array(), ws = w.array();
        // The float32 vector GEMM reads the filters of each group (its A) packed once, from the cache.
        GemmF32Vector.Packed[] filters = vector && dtype == DType.FLOAT32
                && (long) groupOut * positions * patch > Matmul.SMALL_WORK ? new GemmF32Vector.Packed[groups] : null;
        // Few output positions that leave a part-filled column panel (ResNet's 7x7 layers: 49 = 32 + 17) run as the
        // transposed product, positions x channels, whose tiles waste less; the filters are then its packed B.
        // Rows of C that are three vectors and a value (the 7x7 maps on AVX-512) have a tile of their own, which
        // reads the input plane in place.
        boolean wholeRows = filters != null && pointwise && WholeRowGemmF32.applies(positions);
        boolean transposed = filters != null && !wholeRows && transposedIsCheaper(groupOut, positions, patch);
        if (filters != null) {
            for (int g = 0; g < groups; g++) {
                filters[g] = transposed
                        ? PackedOperands.floats(w, false, groupOut, patch, g * groupOut * patch, 1, patch)
                        : PackedOperands.floats(w, true, groupOut, patch, g * groupOut * patch, patch, 1);
            }
        }
        boolean packColdInput = pointwise && filters != null && packsColdInput(batch, (long) channels * h * wd, groupOut);
        long imageWork = (long) outChannels * positions * patch;
        Parallel.RangeBody images = (from, to) -> {
            boolean gemmMayFork = to - from == batch;
            Object col = pointwise || filters != null && !transposed ? null
                    : columns(dtype, checkedSize("conv2d", (long) patch * positions));
            for (int n = from; n < to; n++) {
                for (int g = 0; g < groups; g++) {
                    int xOff = (n * channels + g * groupIn) * h * wd;
                    int cOff = (n * outChannels + g * groupOut) * positions;
                    if (transposed) {
                        // out^T (positions x groupOut) = patches^T times filters^T, then transposed into place.
                        float[] patches = (float[]) xs;
                        int patchesOff = xOff;
                        if (!pointwise) {
                            if (Im2colPanelsF32.unfoldsSame3x3(kh, kw, spec)) {
                                Im2colPanelsF32.unfoldSame3x3((float[]) xs, xOff, groupIn, h, wd, (float[]) col);
                            } else {
                                Im2col.unfold(xs, xOff, groupIn, h, wd, kh, kw, spec, oh, ow, col);
                            }
                            patches = (float[]) col;
                            patchesOff = 0;
                        }
                        float[] product = GemmF32Vector.buffer(TRANSPOSED, positions * groupOut);
                        GemmF32Vector.gemm(positions, groupOut, patch, patches, patchesOff, 1, positions, null,
                                (float[]) ws, g * groupOut * patch, 1, patch, filters[g], null, product, 0, groupOut,
                                gemmMayFork);
                        transposeInto(product, positions, groupOut, (float[]) out, cOff, epilogue, g * groupOut);
                        continue;
                    }
                    if (filters != null) {
                        // The packed GEMM reads the patches straight from the image while it packs them.
                        float[] xf = (float[]) xs;
                        GemmF32Vector.Epilogue finish = epilogue == null ? null : epilogue.floats(g * groupOut);
                        if (wholeRows && filters[g] != null) {
                            WholeRowGemmF32.multiply(groupOut, positions, patch, filters[g], xf, xOff, finish,
                                    (float[]) out, cOff, gemmMayFork);
                        } else if (pointwise && packColdInput) {
                            GemmF32Vector.gemm(groupOut, positions, patch, (float[]) ws, g * groupOut * patch, patch, 1,
                                    filters[g], GemmF32Vector.packing(xf, xOff, positions, positions), finish,
                                    (float[]) out, cOff, positions, gemmMayFork);
                        } else if (pointwise) {
                            GemmF32Vector.gemm(groupOut, positions, patch, (float[]) ws, g * groupOut * patch, patch, 1,
                                    filters[g], xf, xOff, positions, 1, null, finish, (float[]) out, cOff, positions,
                                    gemmMayFork);
                        } else {
                            Im2colPanelsF32 patches = new Im2colPanelsF32(xf, xOff, groupIn, h, wd, kh, kw, spec, oh, ow);
                            GemmF32Vector.gemm(groupOut, positions, patch, (float[]) ws, g * groupOut * patch, patch, 1,
                                    filters[g], patches, finish, (float[]) out, cOff, positions, gemmMayFork);
                        }
                        continue;
                    }
                    Object b = xs;
                    int bOff = xOff;
                    if (!pointwise) {
                        Im2col.unfold(xs, xOff, groupIn, h, wd, kh, kw, spec, oh, ow, col);
                        b = col;
                        bOff = 0;
                    }
                    gemm.run(groupOut, positions, patch, ws, g * groupOut * patch, b, bOff, out, cOff, gemmMayFork);
                    if (epilogue != null) {
                        epilogue.applyPlanes(out, cOff, g * groupOut, groupOut, positions);
                    }
                }
            }
        };
        if (batch > 1 && imageWork * batch >= PARALLEL_WORK) {
            // Whole images per core: no synchronisation inside, and each core unfolds into its own buffer.
            Parallel.forRange(batch, (int) Math.max(1, PARALLEL_WORK / Math.max(1, imageWork)), images);
        } else {
            images.run(0, batch);
        }
        return result;
    }

    /**
     * Whether a pointwise layer with few output channels per group (whose GEMM would read each image in place, see
     * {@link GemmF32Vector#STREAMED_B_ROWS}) packs it instead: when the batch's input is past what the caches keep
     * between layers, the image comes from memory, and packing's long row runs stream it faster than the tiles'
     * 32-value pieces of every row. MobileNet's 32 -> 16 layer at 112x112, one thread: batch 4 (6.4 MB) 743 us in
     * place, 869 us packed; batch 8 (12.8 MB) 2937-3228 us in place, 2343-2458 us packed; in the batch-8 network its
     * three 112x112 and 56x56 projections took 0.8-1.4 ms less each.
     */
    static boolean packsColdInput(int batch, long imageValues, int groupOut) {
        return groupOut <= GemmF32Vector.STREAMED_B_ROWS && batch * imageValues > COLD_INPUT_VALUES;
    }

    /** A batch's input of more values than this (8 MiB of float32) is taken to have left the caches. */
    static final long COLD_INPUT_VALUES = 1L << 21;

    /**
     * Whether {@code out^T = patches^T filters^T} (positions rows, channels columns) is cheaper than
     * {@code out = filters patches}, counting what the micro-kernel's tiles cost ({@link #tiledRows},
     * {@link #tiledColumns}); it pays when it saves at least a tenth of that and more than moving the result back
     * costs (about {@link #TRANSPOSE_COST} multiply-adds an element). So the 7x7 maps of ResNet and MobileNet
     * (49 = 32 + 17) take it when deep enough for the move: ResNet's 512-channel 3x3 layers (depth 4608, stride 1;
     * 2304, stride 2) measured 5-11% faster transposed, MobileNet's 960 -> 320 projection 6% (it now runs
     * {@link WholeRowGemmF32} where the species allows), while its 160 -> 960 expansion (depth 160) was 14% slower.
     * MobileNet's 14x14 (196 = 6 x 32 + 4) fills its panels but for a thin tile and runs directly.
     */
    static boolean transposedIsCheaper(int channels, int positions, int depth) {
        long direct = tiledRows(channels) * tiledColumns(positions);
        long transposed = tiledRows(positions) * tiledColumns(channels);
        return transposed * 10 < direct * 9
                && (direct - transposed) * depth > TRANSPOSE_COST * (long) positions * channels;
    }

    /**
     * The rows the tiles cost for {@code m} rows: whole tiles of {@code MR}, and a last one or two rows (a quarter
     * tile or less, which run a row at a time on two FMA chains) at twice their number.
     */
    private static long tiledRows(int m) {
        int mr = GemmF32Vector.MR;
        int rest = m % mr;
        return (long) (m - rest) + (rest == 0 ? 0 : rest <= mr / 4 ? 2L * rest : mr);
    }

    /**
     * The columns the tiles cost for {@code n} columns: whole panels; a last one of at most four columns (the thin
     * tile's four chains) as eight; one of at most a vector and one column (the narrow tile: eight chains
     * of a vector and a ninth for the extra column) as three quarters of a panel, which is what ResNet's 7x7
     * layers measured against their transposed form; a wider one as a whole panel.
     */
    private static long tiledColumns(int n) {
        int nr = GemmF32Vector.NR;
        int rest = n % nr;
        long last = rest == 0 ? 0 : rest <= 4 && GemmF32Vector.MR == 8 ? 8 : rest <= nr / 2 + 1 ? nr * 3 / 4 : nr;
        return (long) (n - rest) + last;
    }

    /** What moving one element of a transposed product back costs, in multiply-adds of the micro-kernel. */
    private static final long TRANSPOSE_COST = 64;

    private static final ThreadLocal<float[]> TRANSPOSED = new ThreadLocal<>();

    /**
     * {@code out[outOff + o * positions + p] = product[p * channels + o]}, with the epilogue (if any) for channel
     * {@code firstChannel + o} applied on the way, as the tiles would have applied it.
     */
    private static void transposeInto(float[] product, int positions, int channels, float[] out, int outOff,
            Epilogue epilogue, int firstChannel) {
        float[] bias = epilogue == null ? null : epilogue.bias().floats();
        float[] residual = epilogue == null || epilogue.residual() == null ? null : epilogue.residual().floats();
        float low = epilogue == null ? 0 : (float) epilogue.low(), high = epilogue == null ? 0 : (float) epilogue.high();
        // In blocks of 16 x 16, so that the reads of a block share 16 cache lines and so do its writes; blocks of
        // channels split over the kernel threads (a serial 7% of a 512-channel 7x7 layer on two threads).
        Parallel.forRange(Math.ceilDiv(channels, 16), Math.max(1, TRANSPOSE_PARALLEL_VALUES / (16 * positions)),
                (blockFrom, blockTo) -> {
                    for (int block = blockFrom; block < blockTo; block++) {
                        GemmF32Vector.transposeBlock(product, positions, channels, out, outOff, bias, residual, low,
                                high, firstChannel, block * 16, Math.min(channels, block * 16 + 16));
                    }
                });
    }

    /**
     * The fewest values of a transposed product one thread moves back: at 16384 a 512-channel 7x7 layer's 25,088
     * stayed in one piece, on the calling thread. Vectorised, 49 x 512 moves in about 16 us on one thread.
     */
    private static final int TRANSPOSE_PARALLEL_VALUES = 1 << 12;

    static Storage pool2d(CpuBackend backend, CpuStorage x, Shape xShape, Pool2dSpec spec, Shape outShape,
            boolean vector) {
        int planes = xShape.dim(0) * xShape.dim(1);
        int h = xShape.dim(2), w = xShape.dim(3);
        int oh = outShape.dim(2), ow = outShape.dim(3);
        int size = checkedSize("pool2d", outShape);
        DType dtype = x.dtype();
        // Every output element is written (PoolTest hands the kernels a pooled array of garbage).
        CpuStorage result = Memory.allocateForOverwrite(backend, dtype, size);
        Object out = result.array();
        if (size == 0) {
            return result;
        }
        long planeWork = (long) oh * ow * spec.kernelH() * spec.kernelW();
        int minPlanes = (int) Math.max(1, Pool2d.PARALLEL_WORK / Math.max(1, planeWork));
        boolean vectorRows = vector && dtype == DType.FLOAT32 && PoolF32Vector.supports(spec, ow);
        Parallel.forRange(planes, minPlanes, (from, to) -> {
            if (vectorRows) {
                PoolF32Vector.pool(x.floats(), (float[]) out, from, to, h, w, spec, oh, ow);
            } else {
                Pool2d.pool(x.array(), out, from, to, h, w, spec, oh, ow);
            }
        });
        return result;
    }

    private static Gemm gemmFor(DType dtype, boolean vector) {
        return switch (dtype) {
            case FLOAT32 -> (m, n, k, a, ao, b, bo, c, co, fork) -> {
                if (vector && (long) m * n * k > Matmul.SMALL_WORK) {
                    GemmF32Vector.gemm(m, n, k, (float[]) a, ao, k, 1, (float[]) b, bo, n, 1, (float[]) c, co, n, fork);
                } else {
                    GemmScalarF32.gemm(m, n, k, (float[]) a, ao, k, 1, (float[]) b, bo, n, 1, (float[]) c, co, n, fork);
                }
            };
            case FLOAT64 -> (m, n, k, a, ao, b, bo, c, co, fork) -> {
                if (vector && (long) m * n * k > Matmul.SMALL_WORK) {
                    GemmF64Vector.gemm(m, n, k, (double[]) a, ao, k, 1, (double[]) b, bo, n, 1, (double[]) c, co, n, fork);
                } else {
                    GemmScalarF64.gemm(m, n, k, (double[]) a, ao, k, 1, (double[]) b, bo, n, 1, (double[]) c, co, n, fork);
                }
            };
            case INT32 -> (m, n, k, a, ao, b, bo, c, co, fork) ->
                    GemmScalarI32.gemm(m, n, k, (int[]) a, ao, k, 1, (int[]) b, bo, n, 1, (int[]) c, co, n, fork);
            case INT64 -> (m, n, k, a, ao, b, bo, c, co, fork) ->
                    GemmScalarI64.gemm(m, n, k, (long[]) a, ao, k, 1, (long[]) b, bo, n, 1, (long[]) c, co, n, fork);
            case BOOL -> throw new TensorException("conv2d", "unsupported dtype " + dtype);
        };
    }

    /**
     * A scratch array for the unfolded patches: float32 reuses one per thread (an unfold of a 56x56
     * ResNet layer is 7 MiB, which a fresh array would zero on every call), other types are rare.
     */
    private static Object columns(DType dtype, int size) {
        if (dtype != DType.FLOAT32 || size > MAX_CACHED_COLUMNS) {
            return newArray(dtype, size);
        }
        float[] buf = COLUMNS.get();
        if (buf == null || buf.length < size) {
            buf = new float[size];
            COLUMNS.set(buf);
        }
        return buf;
    }

    private static Object newArray(DType dtype, int size) {
        return switch (dtype) {
            case FLOAT32 -> new float[size];
            case FLOAT64 -> new double[size];
            case INT32 -> new int[size];
            case INT64 -> new long[size];
            case BOOL -> throw new TensorException("conv2d/pool2d", "unsupported dtype " + dtype);
        };
    }

    private static int checkedSize(String op, Shape shape) {
        return checkedSize(op, shape.size());
    }

    private static int checkedSize(String op, long size) {
        if (size > Integer.MAX_VALUE) {
            throw new TensorException(op, "needs " + size + " elements in one array, more than a CPU tensor can hold ("
                    + Integer.MAX_VALUE + ")");
        }
        return (int) size;
    }
}
