package dev.adjoint.cpu;

import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.LE;

import java.lang.invoke.VarHandle;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

//autocode:variants float64 (generated from this file at build time: docs/design.md)
/**
 * Packed, cache-blocked float32 GEMM on the Vector API: {@code C = A * B} with A {@code m x k}, B
 * {@code k x n} and C {@code m x n}, each addressed through explicit row and column strides so that
 * transposed operands cost nothing beyond the packing copy every operand gets anyway.
 *
 * <p>The blocking follows BLIS/GotoBLAS, with the roles of the caches chosen for a JIT without
 * software prefetch: a {@link #KC} x {@link #NC} block of B is packed into panels {@link #NR} columns
 * wide and stays in L2; an {@link #MC} x {@link #KC} block of A is packed into panels {@link #MR}
 * rows tall; one A panel stays in L1 while the register-tiled micro-kernel multiplies it by each B
 * panel of the block in turn, keeping the {@code MR x NR} tile of C in vector registers for the whole
 * {@code k} loop. Consecutive micro-kernels therefore write neighbouring tiles of the same C rows,
 * which the hardware prefetcher follows. Panels at the edges are zero-padded so the micro-kernel
 * never branches; the part of an edge tile outside C is dropped.
 *
 * <p>With several threads, C is cut into rectangles (groups of rows times groups of columns) that
 * the threads take from a shared counter; each rectangle runs the whole blocked loop on its own,
 * with its own packed blocks in its own core's caches, so the threads meet only once, at the end.
 * The exception is a B computed while packed (a convolution's patches) cut into several row groups:
 * it is computed once, by all threads, into one shared packed B first, since computing it costs
 * about as much as multiplying by it.
 *
 * <p>Either operand may come {@linkplain #pack pre-packed}: a constant weight is then packed once and
 * reused by every call (see {@link PackedOperands}).
 *
 * <p>A product with one row or one column ({@code m == 1} or {@code n == 1}) is a matrix-vector
 * product: it reads each element of the matrix once, so packing would double its memory traffic,
 * and it runs as dot products or axpy updates straight on the operands instead.
 */
final class GemmF32Vector {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int V = SPECIES.length();

    /**
     * Whether {@code VarHandle.acquireFence()} only orders the compiler ({@link #kernel6}): true on x86, whose loads
     * are not reordered with other loads, so C2 emits no instruction for it; a real barrier elsewhere (AArch64).
     */
    private static final boolean FENCE_IS_FREE = switch (System.getProperty("os.arch", "")) {
        case "amd64", "x86_64" -> true;
        default -> false;
    };

    /**
     * Rows of the micro-tile. The tile is MR rows x 2 vectors, so 2 MR accumulators, which with the two B vectors
     * and a broadcast must fit the register file. A 512-bit species means AVX-512 and 32 registers: 8 x 2 (16 FMA
     * chains, more than the FMA latency times two pipes needs). AVX2 has 16: 6 x 2 (12 chains; 15 registers live,
     * see {@link #kernel6} for how C2 is kept to that), where 4 x 2's eight chains were exactly latency times pipes
     * and lost 6-10% of the peak to any stall. A panel's rows must fit one vector ({@link #PANEL_ROWS}), so float64
     * on AVX2 (four lanes) keeps 4 x 2, as does any 256-bit machine where the fence is an instruction.
     */
    static final int MR = SPECIES.vectorBitSize() >= 512 ? 8 : V >= 8 && FENCE_IS_FREE ? 6 : 4;
    /**
     * The first lane per row of an A panel, which a narrow tile's extra column ({@link #narrowTile4}) and the thin
     * tile load as one vector: masked lanes of {@link #SPECIES}, not a narrower species, because a second species
     * in the process made C2 box the vectors of kernels compiled after it (see VectorSpeciesTest).
     */
    private static final VectorMask<Float> PANEL_ROWS = SPECIES.indexInRange(0, MR);
    /**
     * Whether a vector holds two A panels' rows, as float32's 16 lanes hold AVX-512's two 8-row panels: then
     * {@link #thinTile8Pair} takes thin tiles two row panels at a time, the second panel's rows in
     * {@link #SECOND_PANEL_ROWS}.
     */
    private static final boolean THIN_PAIRS = V == 2 * MR;
    private static final VectorMask<Float> SECOND_PANEL_ROWS = SPECIES.indexInRange(0, 2 * MR).andNot(PANEL_ROWS);
    /** Columns of the micro-tile: two vectors. */
    static final int NR = 2 * V;
    /**
     * Depth of one packed block: one A panel ({@code MR x KC}, 20 KiB with AVX-512's 8 rows) stays in L1 while B
     * panels stream past. Each further block stores C and reads it back once per tile. 640 against 256, on this
     * project's Zen 4 machine (1 MiB of L2 per core): {@code matmul} 1024^3 2-3% faster on one and two threads,
     * MobileNet-v2's 14x14 projections (depth 384 and 576, now one block) 3-4% faster alone, ResNet-18 1.2% faster
     * (docs/benchmarks.md, "Stop 36"). A machine with half that L2 may want 256 back.
     */
    static final int KC = 640;
    /** Rows of one packed A block. */
    static final int MC = 96;
    /**
     * Columns of one packed B block: {@code KC x NC} single-precision values are 640 KiB, which stays in a Zen 4 or
     * Zen 5 core's L2 (1 MiB) beside the A block ({@code MC x KC}, 240 KiB) and the C rows.
     */
    static final int NC = Math.max(NR, 256 / NR * NR);

    /** Below this many multiply-adds one thread is faster than forking. */
    private static final long PARALLEL_WORK = 1L << 20;
    /**
     * The same for a product with one row or one column, which reads every element of the other operand once and is
     * bound by memory, not by FMAs: ResNet-18's classifier (512 x 1000, 2 MiB of weights) takes 0.14-0.18 ms on one
     * thread, and a fork costs microseconds.
     */
    private static final long GEMV_PARALLEL_WORK = 1L << 17;
    /**
     * Work items per thread when a product is shared out: the machine is shared, and a thread slowed
     * by someone else's process then hands its remaining items to the others instead of making
     * everyone wait at the join.
     */
    private static final int ITEMS_PER_THREAD = 4;
    /**
     * Bytes of A (packed) above which a product with one row group is cut into one column group per thread, not
     * {@link #ITEMS_PER_THREAD}: each group reads all of A. Above a quarter of L2; MobileNet-v2's deepest 7x7
     * product (49 x 960, 188 KB) stays below, as with the bound at 128 KiB it measured no gain.
     */
    private static final long ONE_GROUP_PER_THREAD_A_BYTES = 256L << 10;

    /**
     * Products up to this many multiply-adds (64 x 64 x 64) run {@link #direct}: packing both operands
     * costs more there than it saves, and the small loop is compiled by C2 sooner.
     */
    static final long DIRECT_WORK = 1L << 18;

    /**
     * The most rows of A for which the tiles read a row-major B in place instead of packing it (see streamsB). On
     * MobileNet's 1x1 layers (one thread, bias + ReLU6), in place against packed: 16 rows 208 -> 159 us, 32 rows 84
     * -> 74 us; 96 and 144 rows 2-4% slower, 576 rows no change.
     */
    static final int STREAMED_B_ROWS = 32;
    /**
     * Up to this many rows of A, B is read in place too when it has at most {@link #STREAMED_SMALL_B_VALUES} values:
     * a B that stays in L2 across its row panels. MobileNet's 14x14 projections (one thread, bias, alone): 384 -> 64
     * 7% faster, 576 -> 96 5%, with their input evicted from the caches 5% and 4%; its 16 -> 96 expansion at 112x112,
     * whose B (200 K values) is past the bound, 1-10% slower in place with its input evicted.
     */
    static final int STREAMED_SMALL_B_ROWS = 96;
    /** See {@link #STREAMED_SMALL_B_ROWS}: 512 KiB of float32, half of a Zen 4 core's L2. */
    static final long STREAMED_SMALL_B_VALUES = 1L << 17;

    private static final ThreadLocal<float[]> PACKED_A = new ThreadLocal<>();
    private static final ThreadLocal<float[]> ROWS_OF_B = new ThreadLocal<>();
    private static final ThreadLocal<float[]> PACKED_B = new ThreadLocal<>();
    /** A panels packed once and shared by the column groups of one product (see the forked branch of gemm). */
    private static final ThreadLocal<float[]> SHARED_A = new ThreadLocal<>();
    /** B panels computed once and shared by the threads of one product (see the forked branch of gemm). */
    private static final ThreadLocal<float[]> SHARED_B = new ThreadLocal<>();
    /** The largest operand (in values, 16 MiB of float32) packed once for all threads rather than per group. */
    private static final long MAX_SHARED_PACKED = 1L << 22;
    private static final ThreadLocal<float[]> EDGE_TILE = ThreadLocal.withInitial(() -> new float[MR * NR]);

    private GemmF32Vector() {
    }

    /**
     * An operand packed once, in the layout the micro-kernel reads: for each block of {@link #KC}
     * rows of depth, the panels ({@link #MR} rows of A or {@link #NR} columns of B, zero-padded) one
     * after the other. {@code extent} is m for A and n for B.
     */
    record Packed(float[] data, int extent, int depth, boolean isA) {
        int panelWidth() {
            return isA ? MR : NR;
        }

        int panels() {
            return ceilDiv(extent, panelWidth());
        }

        /** Where panel {@code panel} of the depth block starting at {@code p} begins. */
        int offset(int p, int panel) {
            int kc = Math.min(KC, depth - p);
            return p * panels() * panelWidth() + panel * kc * panelWidth();
        }
    }

    /**
     * What is applied to each element of C once its sum is complete, while its tile is still in cache: the bias
     * of its row ({@code rowBias[biasOffset + row]}), then, when {@code residual} is not null, the element of
     * {@code residual} at the element's own index in C (a residual block's shortcut, laid out as C), then a maximum
     * with {@code low} and a minimum with {@code high}, as a convolution layer's bias, shortcut and ReLU/ReLU6 would be
     * applied by passes of their own, and with the same results as {@code Math.min(Math.max((x + bias) + r, low),
     * high)}, NaN included.
     *
     * <p>The vector kernels clamp with a compare and a blend ({@code x <= low ? low : x}, then {@code x >= high ?
     * high : x}) rather than the Vector API's {@code max}/{@code min}, whose Java semantics (NaN, and +0.0 above
     * -0.0) cost C2 about five instructions each on x86: with a depth of 16 or 24 (MobileNet's first 1x1 layers)
     * the epilogue was a fifth of the layer, and the blend makes those layers 11-13% faster. The blend gives
     * exactly Math's results for any x as long as the bounds are not NaN, {@code low} is not -0.0 and {@code high}
     * not +0.0 ({@link #blendsExactly}); the constructor refuses other bounds, which callers clamp in a pass of
     * their own.
     */
    record Epilogue(float[] rowBias, int biasOffset, float[] residual, float low, float high) {
        Epilogue {
            if (!blendsExactly(low, high)) {
                throw new IllegalArgumentException("an in-tile clamp to [" + low + ", " + high + "] would not match"
                        + " Math.max/Math.min (NaN, low -0.0 or high +0.0): clamp in a separate pass");
            }
        }

        /**
         * Whether the compare-and-blend clamp equals {@code Math.min(Math.max(x, low), high)} for every x: with a
         * low bound of -0.0 it would keep -0.0 for x = +0.0, and with a high bound of +0.0 make x = -0.0 +0.0.
         */
        static boolean blendsExactly(float low, float high) {
            boolean lowIsMinusZero = low == 0 && 1 / low < 0, highIsPlusZero = high == 0 && 1 / high > 0;
            return !Float.isNaN(low) && !Float.isNaN(high) && !lowIsMinusZero && !highIsPlusZero;
        }

        /** Applies the epilogue to {@code count} elements of row {@code row} of C, from {@code c[at]}. */
        void apply(float[] c, int at, int row, int count) {
            float bias = rowBias[biasOffset + row];
            FloatVector b = FloatVector.broadcast(SPECIES, bias);
            FloatVector lo = FloatVector.broadcast(SPECIES, low), hi = FloatVector.broadcast(SPECIES, high);
            int i = 0;
            for (; i <= count - V; i += V) {
                FloatVector v = FloatVector.fromArray(SPECIES, c, at + i).add(b);
                if (residual != null) {
                    v = v.add(FloatVector.fromArray(SPECIES, residual, at + i));
                }
                v = v.blend(lo, v.compare(LE, lo));
                v.blend(hi, v.compare(GE, hi)).intoArray(c, at + i);
            }
            if (i < count) {
                // The last few columns (a 7x7 plane's 49th value) through a mask, not a scalar loop.
                VectorMask<Float> tail = SPECIES.indexInRange(i, count);
                FloatVector v = FloatVector.fromArray(SPECIES, c, at + i, tail).add(b);
                if (residual != null) {
                    v = v.add(FloatVector.fromArray(SPECIES, residual, at + i, tail));
                }
                v = v.blend(lo, v.compare(LE, lo));
                v.blend(hi, v.compare(GE, hi)).intoArray(c, at + i, tail);
            }
        }

        /**
         * Applies the epilogue to rows {@code [row, row + rows)} of C, stored {@code ldc} apart from {@code cOff},
         * {@code n} columns each.
         */
        void applyRows(float[] c, int cOff, int ldc, int row, int rows, int n) {
            for (int r = 0; r < rows; r++) {
                apply(c, cOff + r * ldc, row + r, n);
            }
        }
    }

    /**
     * {@code c[r][j] = min(max(c[r][j] + bias[j], low), high)} for {@code rows} rows of {@code n} values from 0 (a
     * dense layer's bias and activation, {@code Op.MatMulBias}), for bounds {@link Epilogue#blendsExactly} accepts:
     * whole vectors of each row by compare and blend, then its last few values by Math's max and min.
     */
    static void addColumnBias(float[] c, int rows, int n, float[] bias, float low, float high) {
        FloatVector lo = FloatVector.broadcast(SPECIES, low), hi = FloatVector.broadcast(SPECIES, high);
        for (int r = 0, row = 0; r < rows; r++, row += n) {
            int j = 0;
            for (; j <= n - V; j += V) {
                FloatVector sum = FloatVector.fromArray(SPECIES, c, row + j)
                        .add(FloatVector.fromArray(SPECIES, bias, j));
                sum = sum.blend(lo, sum.compare(LE, lo));
                sum.blend(hi, sum.compare(GE, hi)).intoArray(c, row + j);
            }
            for (; j < n; j++) {
                c[row + j] = Math.min(Math.max(c[row + j] + bias[j], low), high);
            }
        }
    }

    /**
     * Packs all of A ({@code m x k}, when {@code isA}) or all of B ({@code k x n}) for reuse by
     * {@link #gemm(int, int, int, float[], int, int, int, Packed, float[], int, int, int, Packed, float[],
     * int, int, boolean)}.
     */
    static Packed pack(boolean isA, int extent, int k, float[] x, int off, int rs, int cs) {
        int width = isA ? MR : NR;
        int panels = ceilDiv(extent, width);
        Packed packed = new Packed(new float[panels * width * k], extent, k, isA);
        for (int p = 0; p < k; p += KC) {
            int kc = Math.min(KC, k - p);
            int base = packed.offset(p, 0);
            if (isA) {
                packA(extent, kc, x, off + p * cs, rs, cs, packed.data(), base);
            } else {
                packB(kc, extent, x, off + p * rs, rs, cs, packed.data(), base, 0, panels);
            }
        }
        return packed;
    }

    /**
     * Overwrites C ({@code m x n}, rows {@code ldc} apart from {@code cOff}) with {@code A * B}, where
     * element {@code (i, p)} of A is {@code a[aOff + i * rsA + p * csA]} and element {@code (p, j)}
     * of B is {@code b[bOff + p * rsB + j * csB]}. With {@code mayFork} large products are split
     * over {@link Parallel#threads()} cores.
     */
    static void gemm(int m, int n, int k, float[] a, int aOff, int rsA, int csA, float[] b, int bOff, int rsB,
            int csB, float[] c, int cOff, int ldc, boolean mayFork) {
        gemm(m, n, k, a, aOff, rsA, csA, null, b, bOff, rsB, csB, null, c, cOff, ldc, mayFork);
    }

    /**
     * As {@link #gemm(int, int, int, float[], int, int, int, float[], int, int, int, float[], int, int, boolean)},
     * reading A from {@code packedA} and B from {@code packedB} where they are not null (they must
     * then be the packed form of exactly that operand).
     */
    static void gemm(int m, int n, int k, float[] a, int aOff, int rsA, int csA, Packed packedA, float[] b,
            int bOff, int rsB, int csB, Packed packedB, float[] c, int cOff, int ldc, boolean mayFork) {
        gemm(m, n, k, a, aOff, rsA, csA, packedA, b, bOff, rsB, csB, packedB, null, null, c, cOff, ldc, mayFork);
    }

    /** As the form above, applying {@code epilogue} (if not null) to each element of C once it is complete. */
    static void gemm(int m, int n, int k, float[] a, int aOff, int rsA, int csA, Packed packedA, float[] b,
            int bOff, int rsB, int csB, Packed packedB, Epilogue epilogue, float[] c, int cOff, int ldc,
            boolean mayFork) {
        gemm(m, n, k, a, aOff, rsA, csA, packedA, b, bOff, rsB, csB, packedB, null, epilogue, c, cOff, ldc, mayFork);
    }

    /**
     * A B operand that is computed while it is packed rather than stored: a convolution's unfolded
     * patches, which then never exist as a whole matrix.
     */
    interface BPanels {
        /**
         * Writes rows {@code [p, p + kc)} of panels {@code [panelFrom, panelTo)}, as {@link #pack}
         * lays them out: panel {@code t} from {@code packed[base + t * kc * NR]}, {@code NR} values per row,
         * zeros past column n.
         */
        void pack(int p, int kc, int panelFrom, int panelTo, float[] packed, int base);
    }

    /**
     * A row-major B ({@code n} columns, rows {@code rsB} apart from {@code bOff}) that the tiles read through packed
     * panels even where they would read it in place (few rows of A, see streamsB): a B that has left the caches
     * streams from memory faster as packing's long row runs than as the tiles' 32-value pieces of every row.
     */
    static BPanels packing(float[] b, int bOff, int rsB, int n) {
        return (p, kc, panelFrom, panelTo, packed, base) ->
                packB(kc, n, b, bOff + p * rsB, rsB, 1, packed, base, panelFrom, panelTo);
    }

    /** As the other forms, with B ({@code k x n}) coming from {@code b}'s {@link BPanels#pack}. */
    static void gemm(int m, int n, int k, float[] a, int aOff, int rsA, int csA, Packed packedA, BPanels b,
            Epilogue epilogue, float[] c, int cOff, int ldc, boolean mayFork) {
        gemm(m, n, k, a, aOff, rsA, csA, packedA, null, 0, 0, 0, null, b, epilogue, c, cOff, ldc, mayFork);
    }

    private static void gemm(int m, int n, int k, float[] a, int aOff, int rsA, int csA, Packed packedA, float[] b,
            int bOff, int rsB, int csB, Packed packedB, BPanels bPanels, Epilogue epilogue, float[] c, int cOff,
            int ldc, boolean mayFork) {
        if (m == 0 || n == 0) {
            return;
        }
        boolean plain = packedA == null && packedB == null && bPanels == null;
        if (k == 0 || epilogue != null && (plain && (m == 1 || n == 1 || (long) m * n * k <= DIRECT_WORK))) {
            // The paths without tiles (an empty sum, a matrix-vector or a small direct product) apply the
            // epilogue as a pass of its own over C.
            gemm(m, n, k, a, aOff, rsA, csA, packedA, b, bOff, rsB, csB, packedB, bPanels, null, c, cOff, ldc, mayFork,
                    k == 0);
            if (epilogue != null) {
                epilogue.applyRows(c, cOff, ldc, 0, m, n);
            }
            return;
        }
        gemm(m, n, k, a, aOff, rsA, csA, packedA, b, bOff, rsB, csB, packedB, bPanels, epilogue, c, cOff, ldc,
                mayFork, false);
    }

    private static void gemm(int m, int n, int k, float[] a, int aOff, int rsA, int csA, Packed packedA, float[] b,
            int bOff, int rsB, int csB, Packed packedB, BPanels bPanels, Epilogue epilogue, float[] c, int cOff,
            int ldc, boolean mayFork, boolean empty) {
        if (empty) {
            for (int i = 0; i < m; i++) {
                Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
            return;
        }
        // A product with one row or column reads each element of the other operand once: bound by memory, it pays
        // to split sooner.
        long forkWork = m == 1 || n == 1 ? GEMV_PARALLEL_WORK : PARALLEL_WORK;
        boolean fork = mayFork && Parallel.threads() > 1 && (long) m * n * k >= forkWork;
        boolean plain = packedA == null && packedB == null && bPanels == null;
        assert epilogue == null || !plain || m > 1 && n > 1 && (long) m * n * k > DIRECT_WORK;
        if (m == 1 && plain) {
            // One row of C: the row of A times B, i.e. (B^T a)^T.
            gemv(n, k, b, bOff, csB, rsB, a, aOff, csA, c, cOff, 1, fork);
            return;
        }
        if (n == 1 && plain) {
            gemv(m, k, a, aOff, rsA, csA, b, bOff, rsB, c, cOff, ldc, fork);
            return;
        }
        if (plain && (long) m * n * k <= DIRECT_WORK) {
            direct(m, n, k, a, aOff, rsA, csA, b, bOff, rsB, csB, c, cOff, ldc);
            return;
        }
        Product product = new Product(m, n, k, a, aOff, rsA, csA, packedA, b, bOff, rsB, csB, packedB, bPanels,
                epilogue, c, cOff, ldc);
        int nPanels = ceilDiv(n, NR);
        int rowPanels = ceilDiv(m, MR);
        if (!fork) {
            if (packedA == null && n > NC && (long) rowPanels * MR * k <= MAX_SHARED_PACKED) {
                // Each block of NC columns would pack the same rows of A again: packing runs at about one value a
                // cycle against 16 multiply-adds, so every repeat costs 1/16 of a block's work. Pack A once.
                product = product.withPackedA(packShared(m, k, a, aOff, rsA, csA, false));
            }
            product.rectangle(0, m, 0, nPanels);
            return;
        }
        // Rectangles of whole MC row blocks and NC column blocks where there are enough of them, else
        // narrower column groups; each packs its own share of B (B is packed once per row group).
        int threads = Parallel.threads();
        int wanted = ITEMS_PER_THREAD * threads;
        int rowBlocks = ceilDiv(m, MC);
        int columnBlocks = ceilDiv(n, NC);
        int rowGroups = Math.min(rowBlocks, Math.max(1, ceilDiv(wanted, columnBlocks)));
        // Few rows of a deep A (a convolution's transposed product at 7x7: 49 positions x 512 channels, depth 4608):
        // every column group reads all of A again, 0.9 MB of patches, more than L2 keeps beside the weights. One group
        // per thread reads it once per thread; ResNet-18's 512-channel 7x7 layers on two threads took 1.10-1.20 ms
        // instead of 1.29-1.42 in the network, and its 14x14 stride-2 layer 0.68-0.74 instead of 0.77-0.85.
        boolean deepA = rowGroups == 1 && packedA == null && 4L * rowPanels * MR * k > ONE_GROUP_PER_THREAD_A_BYTES;
        int columnGroups = deepA ? Math.min(nPanels, threads)
                : Math.min(nPanels, Math.max(columnBlocks, ceilDiv(wanted, rowGroups)));
        int items = rowGroups * columnGroups;
        Product shared = product;
        Packed sharedA = packedA;
        if (packedA == null && columnGroups > 1 && n <= 2 * NC && (long) rowPanels * MR * k <= MAX_SHARED_PACKED) {
            // Few columns cut into several groups (a convolution's transposed product, 49 positions x 512 channels,
            // depth 4608): each group would pack the same rows of A again, as costly as multiplying by them. Pack A
            // once, shared.
            sharedA = packShared(m, k, a, aOff, rsA, csA, true);
            shared = product.withPackedA(sharedA);
        }
        if (bPanels != null && rowGroups > 1 && (long) nPanels * NR * k <= MAX_SHARED_PACKED) {
            // Each row group would compute B's panels again, and a computed B (a convolution's patches)
            // costs as much as a late 7x7 ResNet layer's whole product: compute it once, shared, split
            // over depth blocks, and let the rectangles read it as a pre-packed B.
            float[] data = buffer(SHARED_B, nPanels * NR * k);
            // Split over depth blocks and, within each, column ranges: a 1x1 stride-2 layer's one depth block (depth
            // 64), or a 3x3 layer's three (depth 576), would otherwise leave a thread idle for part of the packing.
            int depthBlocks = ceilDiv(k, KC);
            int chunks = Math.min(nPanels, ceilDiv(ITEMS_PER_THREAD * threads, depthBlocks));
            Parallel.forRange(depthBlocks * chunks, 1, (from, to) -> {
                for (int item = from; item < to; item++) {
                    int p = item / chunks * KC, chunk = item % chunks;
                    bPanels.pack(p, Math.min(KC, k - p), (int) ((long) nPanels * chunk / chunks),
                            (int) ((long) nPanels * (chunk + 1) / chunks), data, p * nPanels * NR);
                }
            });
            shared = new Product(m, n, k, a, aOff, rsA, csA, sharedA, null, 0, 0, 0, new Packed(data, n, k, false),
                    null, epilogue, c, cOff, ldc);
        }
        Product work = shared;
        // Items in row-group order, contiguous per thread (Parallel's shares): consecutive layers put the same rows
        // and columns on the same core.
        Parallel.forRange(items, 1, (from, to) -> {
            for (int item = from; item < to; item++) {
                int rg = item / columnGroups, cg = item % columnGroups;
                int rowFrom = (int) ((long) rowPanels * rg / rowGroups) * MR;
                int rowTo = Math.min(m, (int) ((long) rowPanels * (rg + 1) / rowGroups) * MR);
                int panelFrom = (int) ((long) nPanels * cg / columnGroups);
                int panelTo = (int) ((long) nPanels * (cg + 1) / columnGroups);
                work.rectangle(rowFrom, rowTo, panelFrom, panelTo);
            }
        });
    }

    /** One product's operands, and the blocked loop over a rectangle of its C. */
    private record Product(int m, int n, int k, float[] a, int aOff, int rsA, int csA, Packed packedA, float[] b,
            int bOff, int rsB, int csB, Packed packedB, BPanels bPanels, Epilogue epilogue, float[] c, int cOff,
            int ldc) {

        /** The same product reading A from {@code packed}, all of A packed once. */
        Product withPackedA(Packed packed) {
            return new Product(m, n, k, a, aOff, rsA, csA, packed, b, bOff, rsB, csB, packedB, bPanels, epilogue, c,
                    cOff, ldc);
        }

        /** Computes rows {@code [rowFrom, rowTo)} (a multiple of MR apart from m) times B panels {@code [panelFrom, panelTo)}. */
        void rectangle(int rowFrom, int rowTo, int panelFrom, int panelTo) {
            boolean streamed = streamsB();
            float[] localB = packedB == null ? buffer(PACKED_B, KC * (streamed ? NR
                    : Math.min(NC, (panelTo - panelFrom) * NR))) : null;
            float[] localA = packedA == null ? buffer(PACKED_A, KC * Math.min(ceilDiv(MC, MR) * MR,
                    ceilDiv(rowTo - rowFrom, MR) * MR)) : null;
            for (int jc = panelFrom; jc < panelTo; jc += NC / NR) {
                int jcEnd = Math.min(panelTo, jc + NC / NR);
                for (int p = 0; p < k; p += KC) {
                    int kc = Math.min(KC, k - p);
                    float[] pb;
                    int bBlock;
                    if (bPanels != null) {
                        bPanels.pack(p, kc, jc, jcEnd, localB, -jc * kc * NR);
                        pb = localB;
                        bBlock = -jc * kc * NR;
                    } else if (streamed) {
                        pb = b;
                        bBlock = bOff + p * rsB;
                        int last = n / NR;
                        if (last * NR < n && jc <= last && last < jcEnd) {
                            // The part-filled last panel, zero-padded, for the edge tiles (all tiles have MR rows).
                            packBRows(kc, n - last * NR, b, bBlock + last * NR, rsB, localB, 0);
                        }
                    } else if (packedB == null) {
                        packB(kc, n, b, bOff + p * rsB, rsB, csB, localB, -jc * kc * NR, jc, jcEnd);
                        pb = localB;
                        bBlock = -jc * kc * NR;
                    } else {
                        pb = packedB.data();
                        bBlock = packedB.offset(p, 0);
                    }
                    for (int ic = rowFrom; ic < rowTo; ic += MC) {
                        int mc = Math.min(MC, rowTo - ic);
                        float[] pa;
                        int aBlock;
                        if (packedA == null) {
                            packA(mc, kc, a, aOff + ic * rsA + p * csA, rsA, csA, localA, 0);
                            pa = localA;
                            aBlock = -(ic / MR) * kc * MR;
                        } else {
                            pa = packedA.data();
                            aBlock = packedA.offset(p, 0);
                        }
                        multiply(kc, ic, mc, pa, aBlock, jc, jcEnd, pb, bBlock, streamed ? localB : null, p > 0,
                                p + kc == k ? epilogue : null);
                    }
                }
            }
        }

        /**
         * Whether the tiles read B's rows where they are rather than packed panels: B is row-major and used by few
         * rows of A (at most {@link #STREAMED_B_ROWS}, or {@link #STREAMED_SMALL_B_ROWS} for a B that stays in L2),
         * so packing it would cost a large share of the product
         * (MobileNet's 32 -> 16 1x1 layer at 112x112: 38% of its samples in JFR); every tile then has MR rows.
         */
        private boolean streamsB() {
            return packedB == null && bPanels == null && csB == 1 && m % MR == 0 && (m <= STREAMED_B_ROWS
                    || m <= STREAMED_SMALL_B_ROWS && (long) k * n <= STREAMED_SMALL_B_VALUES);
        }

        /**
         * Rows {@code [row, row + mc)} times B panels {@code [panelFrom, panelTo)} for one depth block:
         * A panel {@code t} is at {@code aBlock + t * kc * MR}, B panel {@code t} at {@code bBlock + t * kc * NR}, or,
         * when {@code edgePanel} is not null (B streamed), at {@code bBlock + t * NR} with rows {@code rsB} apart, the
         * part-filled last one packed in {@code edgePanel}. The last depth block passes the epilogue, which each tile
         * gets as soon as it is stored.
         */
        private void multiply(int kc, int row, int mc, float[] pa, int aBlock, int panelFrom, int panelTo, float[] pb,
                int bBlock, float[] edgePanel, boolean accumulate, Epilogue finish) {
            boolean streamed = edgePanel != null;
            int ldb = streamed ? rsB : NR;
            // The edge tiles' scratch, looked up at the first edge tile rather than at each (a 14x14 layer has one per
            // row panel).
            float[] scratch = null;
            // The row panel whose thin last tile thinTile8Pair computed with the one before it.
            int thinDone = -1;
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int cRow = cOff + (row + ir) * ldc;
                int aPanel = aBlock + (row + ir) / MR * kc * MR;
                if (mr <= MR / 4) {
                    // A batch of one (or a last row or two): row by row, not a tile padded with zero rows.
                    for (int r = 0; r < mr; r++) {
                        rowTimesPanels(kc, pa, aPanel + r, pb, bBlock, panelFrom, panelTo, n, c, cRow + r * ldc,
                                accumulate);
                        if (finish != null) {
                            int from = panelFrom * NR;
                            finish.apply(c, cRow + r * ldc + from, row + ir + r, Math.min(n, panelTo * NR) - from);
                        }
                    }
                    continue;
                }
                for (int jp = panelFrom; jp < panelTo; jp++) {
                    int j = jp * NR;
                    int bPanel = streamed ? bBlock + j : bBlock + jp * kc * NR;
                    int nr = Math.min(NR, n - j);
                    if (mr == MR && nr == NR) {
                        kernel(kc, pa, aPanel, pb, bPanel, ldb, c, cRow + j, ldc, accumulate, finish, row + ir, MR);
                        continue;
                    }
                    if (MR == 6 && mr == 2 && nr == NR && jp + 1 < panelTo && n - j >= 2 * NR) {
                        // AVX2's last two rows (32 = 5 x 6 + 2 channels, a batch of 8) against two B panels at once:
                        // eight FMA chains, where a padded tile would compute four rows for them.
                        twoRows(kc, pa, aPanel, pb, bPanel, streamed ? bPanel + NR : bPanel + kc * NR, ldb, c,
                                cRow + j, ldc, accumulate);
                        if (finish != null) {
                            finish.applyRows(c, cRow + j, ldc, row + ir, 2, 2 * NR);
                        }
                        jp++;
                        continue;
                    }
                    if (MR == 6 && mr == 4 && nr == NR) {
                        // AVX2's last four rows (64 = 10 x 6 + 4 channels, a batch of 4 or 10): a 4-row tile, not a
                        // 6-row one with two rows of padding.
                        kernel(kc, pa, aPanel, pb, bPanel, ldb, c, cRow + j, ldc, accumulate, finish, row + ir, 4);
                        continue;
                    }
                    float[] edgeB = streamed ? edgePanel : pb;
                    int edgeOff = streamed ? 0 : bPanel;
                    if (scratch == null) {
                        scratch = EDGE_TILE.get();
                    }
                    if (MR == 8 && mr == MR && nr <= THIN_COLUMNS) {
                        if (ir == thinDone) {
                            continue; // computed, and finished, with the row panel before it
                        }
                        if (THIN_PAIRS && mc - ir >= 2 * MR) {
                            // A bias and clamp alone go in the tile's registers, the sixteen rows' biases one vector.
                            boolean inTile = finish != null && !accumulate && finish.residual() == null;
                            thinTile8Pair(kc, pa, aPanel, edgeB, edgeOff, nr, c, cRow + j, ldc, accumulate, scratch,
                                    inTile ? finish : null, row + ir);
                            if (finish != null && !inTile) {
                                finish.applyRows(c, cRow + j, ldc, row + ir, 2 * MR, nr);
                            }
                            thinDone = ir + MR;
                            continue;
                        }
                        thinTile8(kc, pa, aPanel, edgeB, edgeOff, nr, c, cRow + j, ldc, accumulate, scratch);
                    } else if (mr == MR && nr <= V + 1) {
                        // At most one vector of columns and one more (a 14x14 map: 196 = 6 x 32 + 4; a 7x7 map:
                        // 49 = 32 + 17): half the tile's work.
                        if (MR == 8) {
                            narrowTile8(kc, pa, aPanel, edgeB, edgeOff, nr, c, cRow + j, ldc, accumulate, scratch);
                        } else if (MR == 6) {
                            narrowTile6(kc, pa, aPanel, edgeB, edgeOff, nr, c, cRow + j, ldc, accumulate, scratch);
                        } else {
                            narrowTile4(kc, pa, aPanel, edgeB, edgeOff, nr, c, cRow + j, ldc, accumulate, scratch);
                        }
                    } else {
                        edgeTile(kc, pa, aPanel, edgeB, edgeOff, mr, nr, c, cRow + j, ldc, accumulate);
                    }
                    if (finish != null) {
                        finish.applyRows(c, cRow + j, ldc, row + ir, mr, nr);
                    }
                }
            }
        }
    }

    /**
     * The micro-kernel for the first {@code rows} rows of a packed A panel and a B panel whose rows are {@code ldb}
     * apart ({@link #NR} when packed), then applying {@code finish} (if not null) to the tile's rows from {@code row}.
     * {@code rows} is {@link #MR}, or 4 for the last four rows of AVX2's 6-row panels. A bias and clamp alone run in
     * registers ({@link #kernel8Finish}: on MobileNet's 1x1 layers of depth 16 and 24 a pass over the tile in L1 costs
     * 10-18%); a residual, or sums added onto C, take that pass, as only deep or residual layers have them.
     *
     * <p>Each kernel is one compilation without branches after its k loop. A single kernel with every epilogue
     * branch in registers held so many inlined vector operations that, when C2 compiled it after its profile had
     * seen all branches, some vector operations in the k loop were left as calls; boxing their results made
     * whole JVM runs 2-3x slower, at random (docs/design.md, "One compilation per epilogue").
     */
    private static void kernel(int kc, float[] pa, int aOff, float[] pb, int bOff, int ldb, float[] c, int cOff,
            int ldc, boolean accumulate, Epilogue finish, int row, int rows) {
        if (finish != null && !accumulate && finish.residual() != null && rows == 8) {
            kernel8Residual(kc, pa, aOff, pb, bOff, ldb, c, cOff, ldc, finish.rowBias(), finish.biasOffset() + row,
                    finish.residual(), finish.low(), finish.high());
            return;
        }
        if (finish != null && !accumulate && finish.residual() == null) {
            int biasRow = finish.biasOffset() + row;
            if (rows == 8) {
                kernel8Finish(kc, pa, aOff, pb, bOff, ldb, c, cOff, ldc, finish.rowBias(), biasRow, finish.low(),
                        finish.high());
            } else if (rows == 6) {
                kernel6Finish(kc, pa, aOff, pb, bOff, ldb, c, cOff, ldc, finish.rowBias(), biasRow, finish.low(),
                        finish.high());
            } else {
                kernel4Finish(kc, pa, aOff, pb, bOff, ldb, c, cOff, ldc, finish.rowBias(), biasRow, finish.low(),
                        finish.high());
            }
            return;
        }
        if (rows == 8) {
            kernel8(kc, pa, aOff, pb, bOff, ldb, c, cOff, ldc, accumulate);
        } else if (rows == 6) {
            kernel6(kc, pa, aOff, pb, bOff, ldb, c, cOff, ldc, accumulate);
        } else {
            kernel4(kc, pa, aOff, pb, bOff, ldb, c, cOff, ldc, accumulate);
        }
        if (finish != null) {
            finish.applyRows(c, cOff, ldc, row, rows, NR);
        }
    }

    /**
     * The first two rows of a packed A panel ({@code MR} values per depth) times two B panels, the second from
     * {@code bOff2}: a {@code 2 x 2 NR} tile of C, stored or added.
     */
    private static void twoRows(int kc, float[] pa, int aOff, float[] pb, int bOff, int bOff2, int ldb, float[] c,
            int cOff, int ldc, boolean accumulate) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * ldb, bj = bOff2 + p * ldb;
            int ai = aOff + p * MR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, pb, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, pb, bi + V);
            FloatVector b2 = FloatVector.fromArray(SPECIES, pb, bj);
            FloatVector b3 = FloatVector.fromArray(SPECIES, pb, bj + V);
            FloatVector av = FloatVector.broadcast(SPECIES, pa[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            c02 = av.fma(b2, c02);
            c03 = av.fma(b3, c03);
            av = FloatVector.broadcast(SPECIES, pa[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            c12 = av.fma(b2, c12);
            c13 = av.fma(b3, c13);
        }
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(SPECIES, c, cOff));
            c01 = c01.add(FloatVector.fromArray(SPECIES, c, cOff + V));
            c02 = c02.add(FloatVector.fromArray(SPECIES, c, cOff + 2 * V));
            c03 = c03.add(FloatVector.fromArray(SPECIES, c, cOff + 3 * V));
            c10 = c10.add(FloatVector.fromArray(SPECIES, c, cOff + ldc));
            c11 = c11.add(FloatVector.fromArray(SPECIES, c, cOff + ldc + V));
            c12 = c12.add(FloatVector.fromArray(SPECIES, c, cOff + ldc + 2 * V));
            c13 = c13.add(FloatVector.fromArray(SPECIES, c, cOff + ldc + 3 * V));
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + V);
        c02.intoArray(c, cOff + 2 * V);
        c03.intoArray(c, cOff + 3 * V);
        c10.intoArray(c, cOff + ldc);
        c11.intoArray(c, cOff + ldc + V);
        c12.intoArray(c, cOff + ldc + 2 * V);
        c13.intoArray(c, cOff + ldc + 3 * V);
    }

    /**
     * The 4-row micro-kernel, for vectors of fewer than eight lanes (float64 on AVX2) and for the last rows of AVX2's
     * 6-row panels: the {@code 4 x NR} product of the first four rows of one packed A panel ({@code kc} columns of MR
     * values) and one packed B panel ({@code kc} rows of NR values, {@code ldb} apart), stored to or added onto C.
     */
    private static void kernel4(int kc, float[] pa, int aOff, float[] pb, int bOff, int ldb, float[] c, int cOff,
            int ldc, boolean accumulate) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * ldb;
            int ai = aOff + p * MR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, pb, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, pb, bi + V);
            FloatVector av = FloatVector.broadcast(SPECIES, pa[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(SPECIES, pa[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(SPECIES, pa[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(SPECIES, pa[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
        }
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(SPECIES, c, cOff));
            c01 = c01.add(FloatVector.fromArray(SPECIES, c, cOff + V));
            c10 = c10.add(FloatVector.fromArray(SPECIES, c, cOff + ldc));
            c11 = c11.add(FloatVector.fromArray(SPECIES, c, cOff + ldc + V));
            c20 = c20.add(FloatVector.fromArray(SPECIES, c, cOff + 2 * ldc));
            c21 = c21.add(FloatVector.fromArray(SPECIES, c, cOff + 2 * ldc + V));
            c30 = c30.add(FloatVector.fromArray(SPECIES, c, cOff + 3 * ldc));
            c31 = c31.add(FloatVector.fromArray(SPECIES, c, cOff + 3 * ldc + V));
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + V);
        c10.intoArray(c, cOff + ldc);
        c11.intoArray(c, cOff + ldc + V);
        c20.intoArray(c, cOff + 2 * ldc);
        c21.intoArray(c, cOff + 2 * ldc + V);
        c30.intoArray(c, cOff + 3 * ldc);
        c31.intoArray(c, cOff + 3 * ldc + V);
    }

    /**
     * The 6-row micro-kernel, for the 16 vector registers of AVX2: 12 accumulators, the row's two B vectors and one
     * broadcast. C2 schedules every load of an iteration before its first FMA, which needs 20 registers here and
     * spilled (47-51 GFLOPS on panels in L1, against 4 x 2's 108); an acquire fence after each row keeps the next
     * row's broadcast below it, so one broadcast register is live at a time. On x86 the fence is only a compiler
     * barrier (no instruction): the 6 x 2 tile then ran at 116 GFLOPS, the two FMA pipes' peak.
     */
    private static void kernel6(int kc, float[] pa, int aOff, float[] pb, int bOff, int ldb, float[] c, int cOff,
            int ldc, boolean accumulate) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * ldb;
            int ai = aOff + p * 6;
            FloatVector b0 = FloatVector.fromArray(SPECIES, pb, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, pb, bi + V);
            FloatVector av = FloatVector.broadcast(SPECIES, pa[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            VarHandle.acquireFence();
            av = FloatVector.broadcast(SPECIES, pa[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            VarHandle.acquireFence();
            av = FloatVector.broadcast(SPECIES, pa[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            VarHandle.acquireFence();
            av = FloatVector.broadcast(SPECIES, pa[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            VarHandle.acquireFence();
            av = FloatVector.broadcast(SPECIES, pa[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            VarHandle.acquireFence();
            av = FloatVector.broadcast(SPECIES, pa[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(SPECIES, c, cOff));
            c01 = c01.add(FloatVector.fromArray(SPECIES, c, cOff + V));
            c10 = c10.add(FloatVector.fromArray(SPECIES, c, cOff + ldc));
            c11 = c11.add(FloatVector.fromArray(SPECIES, c, cOff + ldc + V));
            c20 = c20.add(FloatVector.fromArray(SPECIES, c, cOff + 2 * ldc));
            c21 = c21.add(FloatVector.fromArray(SPECIES, c, cOff + 2 * ldc + V));
            c30 = c30.add(FloatVector.fromArray(SPECIES, c, cOff + 3 * ldc));
            c31 = c31.add(FloatVector.fromArray(SPECIES, c, cOff + 3 * ldc + V));
            c40 = c40.add(FloatVector.fromArray(SPECIES, c, cOff + 4 * ldc));
            c41 = c41.add(FloatVector.fromArray(SPECIES, c, cOff + 4 * ldc + V));
            c50 = c50.add(FloatVector.fromArray(SPECIES, c, cOff + 5 * ldc));
            c51 = c51.add(FloatVector.fromArray(SPECIES, c, cOff + 5 * ldc + V));
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + V);
        c10.intoArray(c, cOff + ldc);
        c11.intoArray(c, cOff + ldc + V);
        c20.intoArray(c, cOff + 2 * ldc);
        c21.intoArray(c, cOff + 2 * ldc + V);
        c30.intoArray(c, cOff + 3 * ldc);
        c31.intoArray(c, cOff + 3 * ldc + V);
        c40.intoArray(c, cOff + 4 * ldc);
        c41.intoArray(c, cOff + 4 * ldc + V);
        c50.intoArray(c, cOff + 5 * ldc);
        c51.intoArray(c, cOff + 5 * ldc + V);
    }

    /**
     * The 8-row micro-kernel, for the 32 vector registers of AVX-512; otherwise as {@link #kernel4}.
     * The stores are written out rather than left to a helper: with 16 accumulators the helper was not
     * inlined, and passing vectors to a call boxes them, which made the whole kernel 20x slower.
     */
    private static void kernel8(int kc, float[] pa, int aOff, float[] pb, int bOff, int ldb, float[] c, int cOff,
            int ldc, boolean accumulate) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * ldb;
            int ai = aOff + p * 8;
            FloatVector b0 = FloatVector.fromArray(SPECIES, pb, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, pb, bi + V);
            FloatVector av = FloatVector.broadcast(SPECIES, pa[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(SPECIES, pa[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(SPECIES, pa[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(SPECIES, pa[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(SPECIES, pa[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(SPECIES, pa[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(SPECIES, pa[ai + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(SPECIES, pa[ai + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(SPECIES, c, cOff));
            c01 = c01.add(FloatVector.fromArray(SPECIES, c, cOff + V));
            c10 = c10.add(FloatVector.fromArray(SPECIES, c, cOff + ldc));
            c11 = c11.add(FloatVector.fromArray(SPECIES, c, cOff + ldc + V));
            c20 = c20.add(FloatVector.fromArray(SPECIES, c, cOff + 2 * ldc));
            c21 = c21.add(FloatVector.fromArray(SPECIES, c, cOff + 2 * ldc + V));
            c30 = c30.add(FloatVector.fromArray(SPECIES, c, cOff + 3 * ldc));
            c31 = c31.add(FloatVector.fromArray(SPECIES, c, cOff + 3 * ldc + V));
            c40 = c40.add(FloatVector.fromArray(SPECIES, c, cOff + 4 * ldc));
            c41 = c41.add(FloatVector.fromArray(SPECIES, c, cOff + 4 * ldc + V));
            c50 = c50.add(FloatVector.fromArray(SPECIES, c, cOff + 5 * ldc));
            c51 = c51.add(FloatVector.fromArray(SPECIES, c, cOff + 5 * ldc + V));
            c60 = c60.add(FloatVector.fromArray(SPECIES, c, cOff + 6 * ldc));
            c61 = c61.add(FloatVector.fromArray(SPECIES, c, cOff + 6 * ldc + V));
            c70 = c70.add(FloatVector.fromArray(SPECIES, c, cOff + 7 * ldc));
            c71 = c71.add(FloatVector.fromArray(SPECIES, c, cOff + 7 * ldc + V));
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + V);
        c10.intoArray(c, cOff + ldc);
        c11.intoArray(c, cOff + ldc + V);
        c20.intoArray(c, cOff + 2 * ldc);
        c21.intoArray(c, cOff + 2 * ldc + V);
        c30.intoArray(c, cOff + 3 * ldc);
        c31.intoArray(c, cOff + 3 * ldc + V);
        c40.intoArray(c, cOff + 4 * ldc);
        c41.intoArray(c, cOff + 4 * ldc + V);
        c50.intoArray(c, cOff + 5 * ldc);
        c51.intoArray(c, cOff + 5 * ldc + V);
        c60.intoArray(c, cOff + 6 * ldc);
        c61.intoArray(c, cOff + 6 * ldc + V);
        c70.intoArray(c, cOff + 7 * ldc);
        c71.intoArray(c, cOff + 7 * ldc + V);
    }

    /**
     * As {@link #kernel4} storing C, each row {@code r} plus {@code rowBias[biasRow + r]} and clamped to
     * {@code [low, high]} in registers, by a compare and a blend (see {@link Epilogue}).
     */
    private static void kernel4Finish(int kc, float[] pa, int aOff, float[] pb, int bOff, int ldb, float[] c,
            int cOff, int ldc, float[] rowBias, int biasRow, float low, float high) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * ldb;
            int ai = aOff + p * MR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, pb, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, pb, bi + V);
            FloatVector av = FloatVector.broadcast(SPECIES, pa[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(SPECIES, pa[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(SPECIES, pa[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(SPECIES, pa[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
        }
        FloatVector lo = FloatVector.broadcast(SPECIES, low), hi = FloatVector.broadcast(SPECIES, high);
        FloatVector bias0 = FloatVector.broadcast(SPECIES, rowBias[biasRow]);
        c00 = c00.add(bias0);
        c00 = c00.blend(lo, c00.compare(LE, lo));
        c00.blend(hi, c00.compare(GE, hi)).intoArray(c, cOff);
        c01 = c01.add(bias0);
        c01 = c01.blend(lo, c01.compare(LE, lo));
        c01.blend(hi, c01.compare(GE, hi)).intoArray(c, cOff + V);
        FloatVector bias1 = FloatVector.broadcast(SPECIES, rowBias[biasRow + 1]);
        c10 = c10.add(bias1);
        c10 = c10.blend(lo, c10.compare(LE, lo));
        c10.blend(hi, c10.compare(GE, hi)).intoArray(c, cOff + ldc);
        c11 = c11.add(bias1);
        c11 = c11.blend(lo, c11.compare(LE, lo));
        c11.blend(hi, c11.compare(GE, hi)).intoArray(c, cOff + ldc + V);
        FloatVector bias2 = FloatVector.broadcast(SPECIES, rowBias[biasRow + 2]);
        c20 = c20.add(bias2);
        c20 = c20.blend(lo, c20.compare(LE, lo));
        c20.blend(hi, c20.compare(GE, hi)).intoArray(c, cOff + 2 * ldc);
        c21 = c21.add(bias2);
        c21 = c21.blend(lo, c21.compare(LE, lo));
        c21.blend(hi, c21.compare(GE, hi)).intoArray(c, cOff + 2 * ldc + V);
        FloatVector bias3 = FloatVector.broadcast(SPECIES, rowBias[biasRow + 3]);
        c30 = c30.add(bias3);
        c30 = c30.blend(lo, c30.compare(LE, lo));
        c30.blend(hi, c30.compare(GE, hi)).intoArray(c, cOff + 3 * ldc);
        c31 = c31.add(bias3);
        c31 = c31.blend(lo, c31.compare(LE, lo));
        c31.blend(hi, c31.compare(GE, hi)).intoArray(c, cOff + 3 * ldc + V);
    }

    /**
     * As {@link #kernel6} storing C, each row {@code r} plus {@code rowBias[biasRow + r]} and clamped to
     * {@code [low, high]} in registers, by a compare and a blend (see {@link Epilogue}).
     */
    private static void kernel6Finish(int kc, float[] pa, int aOff, float[] pb, int bOff, int ldb, float[] c,
            int cOff, int ldc, float[] rowBias, int biasRow, float low, float high) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * ldb;
            int ai = aOff + p * 6;
            FloatVector b0 = FloatVector.fromArray(SPECIES, pb, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, pb, bi + V);
            FloatVector av = FloatVector.broadcast(SPECIES, pa[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            VarHandle.acquireFence();
            av = FloatVector.broadcast(SPECIES, pa[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            VarHandle.acquireFence();
            av = FloatVector.broadcast(SPECIES, pa[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            VarHandle.acquireFence();
            av = FloatVector.broadcast(SPECIES, pa[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            VarHandle.acquireFence();
            av = FloatVector.broadcast(SPECIES, pa[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            VarHandle.acquireFence();
            av = FloatVector.broadcast(SPECIES, pa[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        FloatVector lo = FloatVector.broadcast(SPECIES, low), hi = FloatVector.broadcast(SPECIES, high);
        FloatVector bias0 = FloatVector.broadcast(SPECIES, rowBias[biasRow]);
        c00 = c00.add(bias0);
        c00 = c00.blend(lo, c00.compare(LE, lo));
        c00.blend(hi, c00.compare(GE, hi)).intoArray(c, cOff);
        c01 = c01.add(bias0);
        c01 = c01.blend(lo, c01.compare(LE, lo));
        c01.blend(hi, c01.compare(GE, hi)).intoArray(c, cOff + V);
        FloatVector bias1 = FloatVector.broadcast(SPECIES, rowBias[biasRow + 1]);
        c10 = c10.add(bias1);
        c10 = c10.blend(lo, c10.compare(LE, lo));
        c10.blend(hi, c10.compare(GE, hi)).intoArray(c, cOff + ldc);
        c11 = c11.add(bias1);
        c11 = c11.blend(lo, c11.compare(LE, lo));
        c11.blend(hi, c11.compare(GE, hi)).intoArray(c, cOff + ldc + V);
        FloatVector bias2 = FloatVector.broadcast(SPECIES, rowBias[biasRow + 2]);
        c20 = c20.add(bias2);
        c20 = c20.blend(lo, c20.compare(LE, lo));
        c20.blend(hi, c20.compare(GE, hi)).intoArray(c, cOff + 2 * ldc);
        c21 = c21.add(bias2);
        c21 = c21.blend(lo, c21.compare(LE, lo));
        c21.blend(hi, c21.compare(GE, hi)).intoArray(c, cOff + 2 * ldc + V);
        FloatVector bias3 = FloatVector.broadcast(SPECIES, rowBias[biasRow + 3]);
        c30 = c30.add(bias3);
        c30 = c30.blend(lo, c30.compare(LE, lo));
        c30.blend(hi, c30.compare(GE, hi)).intoArray(c, cOff + 3 * ldc);
        c31 = c31.add(bias3);
        c31 = c31.blend(lo, c31.compare(LE, lo));
        c31.blend(hi, c31.compare(GE, hi)).intoArray(c, cOff + 3 * ldc + V);
        FloatVector bias4 = FloatVector.broadcast(SPECIES, rowBias[biasRow + 4]);
        c40 = c40.add(bias4);
        c40 = c40.blend(lo, c40.compare(LE, lo));
        c40.blend(hi, c40.compare(GE, hi)).intoArray(c, cOff + 4 * ldc);
        c41 = c41.add(bias4);
        c41 = c41.blend(lo, c41.compare(LE, lo));
        c41.blend(hi, c41.compare(GE, hi)).intoArray(c, cOff + 4 * ldc + V);
        FloatVector bias5 = FloatVector.broadcast(SPECIES, rowBias[biasRow + 5]);
        c50 = c50.add(bias5);
        c50 = c50.blend(lo, c50.compare(LE, lo));
        c50.blend(hi, c50.compare(GE, hi)).intoArray(c, cOff + 5 * ldc);
        c51 = c51.add(bias5);
        c51 = c51.blend(lo, c51.compare(LE, lo));
        c51.blend(hi, c51.compare(GE, hi)).intoArray(c, cOff + 5 * ldc + V);
    }

    /**
     * As {@link #kernel8} storing C, each row {@code r} plus {@code rowBias[biasRow + r]} and clamped to
     * {@code [low, high]} in registers, by a compare and a blend (see {@link Epilogue}).
     */
    private static void kernel8Finish(int kc, float[] pa, int aOff, float[] pb, int bOff, int ldb, float[] c,
            int cOff, int ldc, float[] rowBias, int biasRow, float low, float high) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * ldb;
            int ai = aOff + p * 8;
            FloatVector b0 = FloatVector.fromArray(SPECIES, pb, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, pb, bi + V);
            FloatVector av = FloatVector.broadcast(SPECIES, pa[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(SPECIES, pa[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(SPECIES, pa[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(SPECIES, pa[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(SPECIES, pa[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(SPECIES, pa[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(SPECIES, pa[ai + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(SPECIES, pa[ai + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        FloatVector lo = FloatVector.broadcast(SPECIES, low), hi = FloatVector.broadcast(SPECIES, high);
        FloatVector bias0 = FloatVector.broadcast(SPECIES, rowBias[biasRow]);
        c00 = c00.add(bias0);
        c00 = c00.blend(lo, c00.compare(LE, lo));
        c00.blend(hi, c00.compare(GE, hi)).intoArray(c, cOff);
        c01 = c01.add(bias0);
        c01 = c01.blend(lo, c01.compare(LE, lo));
        c01.blend(hi, c01.compare(GE, hi)).intoArray(c, cOff + V);
        FloatVector bias1 = FloatVector.broadcast(SPECIES, rowBias[biasRow + 1]);
        c10 = c10.add(bias1);
        c10 = c10.blend(lo, c10.compare(LE, lo));
        c10.blend(hi, c10.compare(GE, hi)).intoArray(c, cOff + ldc);
        c11 = c11.add(bias1);
        c11 = c11.blend(lo, c11.compare(LE, lo));
        c11.blend(hi, c11.compare(GE, hi)).intoArray(c, cOff + ldc + V);
        FloatVector bias2 = FloatVector.broadcast(SPECIES, rowBias[biasRow + 2]);
        c20 = c20.add(bias2);
        c20 = c20.blend(lo, c20.compare(LE, lo));
        c20.blend(hi, c20.compare(GE, hi)).intoArray(c, cOff + 2 * ldc);
        c21 = c21.add(bias2);
        c21 = c21.blend(lo, c21.compare(LE, lo));
        c21.blend(hi, c21.compare(GE, hi)).intoArray(c, cOff + 2 * ldc + V);
        FloatVector bias3 = FloatVector.broadcast(SPECIES, rowBias[biasRow + 3]);
        c30 = c30.add(bias3);
        c30 = c30.blend(lo, c30.compare(LE, lo));
        c30.blend(hi, c30.compare(GE, hi)).intoArray(c, cOff + 3 * ldc);
        c31 = c31.add(bias3);
        c31 = c31.blend(lo, c31.compare(LE, lo));
        c31.blend(hi, c31.compare(GE, hi)).intoArray(c, cOff + 3 * ldc + V);
        FloatVector bias4 = FloatVector.broadcast(SPECIES, rowBias[biasRow + 4]);
        c40 = c40.add(bias4);
        c40 = c40.blend(lo, c40.compare(LE, lo));
        c40.blend(hi, c40.compare(GE, hi)).intoArray(c, cOff + 4 * ldc);
        c41 = c41.add(bias4);
        c41 = c41.blend(lo, c41.compare(LE, lo));
        c41.blend(hi, c41.compare(GE, hi)).intoArray(c, cOff + 4 * ldc + V);
        FloatVector bias5 = FloatVector.broadcast(SPECIES, rowBias[biasRow + 5]);
        c50 = c50.add(bias5);
        c50 = c50.blend(lo, c50.compare(LE, lo));
        c50.blend(hi, c50.compare(GE, hi)).intoArray(c, cOff + 5 * ldc);
        c51 = c51.add(bias5);
        c51 = c51.blend(lo, c51.compare(LE, lo));
        c51.blend(hi, c51.compare(GE, hi)).intoArray(c, cOff + 5 * ldc + V);
        FloatVector bias6 = FloatVector.broadcast(SPECIES, rowBias[biasRow + 6]);
        c60 = c60.add(bias6);
        c60 = c60.blend(lo, c60.compare(LE, lo));
        c60.blend(hi, c60.compare(GE, hi)).intoArray(c, cOff + 6 * ldc);
        c61 = c61.add(bias6);
        c61 = c61.blend(lo, c61.compare(LE, lo));
        c61.blend(hi, c61.compare(GE, hi)).intoArray(c, cOff + 6 * ldc + V);
        FloatVector bias7 = FloatVector.broadcast(SPECIES, rowBias[biasRow + 7]);
        c70 = c70.add(bias7);
        c70 = c70.blend(lo, c70.compare(LE, lo));
        c70.blend(hi, c70.compare(GE, hi)).intoArray(c, cOff + 7 * ldc);
        c71 = c71.add(bias7);
        c71 = c71.blend(lo, c71.compare(LE, lo));
        c71.blend(hi, c71.compare(GE, hi)).intoArray(c, cOff + 7 * ldc + V);
    }

    /**
     * As {@link #kernel8Finish} with a residual: each row {@code r} plus {@code rowBias[biasRow + r]}, plus the
     * residual at C's own index, then clamped, in registers and in {@link Epilogue#apply}'s order, so the bits are
     * those of the pass it replaces. The pass read back each tile just stored; a residual projection (MobileNet-v2's
     * ten) paid it on every tile.
     */
    private static void kernel8Residual(int kc, float[] pa, int aOff, float[] pb, int bOff, int ldb, float[] c,
            int cOff, int ldc, float[] rowBias, int biasRow, float[] residual, float low, float high) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * ldb;
            int ai = aOff + p * 8;
            FloatVector b0 = FloatVector.fromArray(SPECIES, pb, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, pb, bi + V);
            FloatVector av = FloatVector.broadcast(SPECIES, pa[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(SPECIES, pa[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(SPECIES, pa[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(SPECIES, pa[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(SPECIES, pa[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(SPECIES, pa[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(SPECIES, pa[ai + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(SPECIES, pa[ai + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        FloatVector lo = FloatVector.broadcast(SPECIES, low), hi = FloatVector.broadcast(SPECIES, high);
        FloatVector bias0 = FloatVector.broadcast(SPECIES, rowBias[biasRow]);
        c00 = c00.add(bias0).add(FloatVector.fromArray(SPECIES, residual, cOff));
        c00 = c00.blend(lo, c00.compare(LE, lo));
        c00.blend(hi, c00.compare(GE, hi)).intoArray(c, cOff);
        c01 = c01.add(bias0).add(FloatVector.fromArray(SPECIES, residual, cOff + V));
        c01 = c01.blend(lo, c01.compare(LE, lo));
        c01.blend(hi, c01.compare(GE, hi)).intoArray(c, cOff + V);
        FloatVector bias1 = FloatVector.broadcast(SPECIES, rowBias[biasRow + 1]);
        c10 = c10.add(bias1).add(FloatVector.fromArray(SPECIES, residual, cOff + ldc));
        c10 = c10.blend(lo, c10.compare(LE, lo));
        c10.blend(hi, c10.compare(GE, hi)).intoArray(c, cOff + ldc);
        c11 = c11.add(bias1).add(FloatVector.fromArray(SPECIES, residual, cOff + ldc + V));
        c11 = c11.blend(lo, c11.compare(LE, lo));
        c11.blend(hi, c11.compare(GE, hi)).intoArray(c, cOff + ldc + V);
        FloatVector bias2 = FloatVector.broadcast(SPECIES, rowBias[biasRow + 2]);
        c20 = c20.add(bias2).add(FloatVector.fromArray(SPECIES, residual, cOff + 2 * ldc));
        c20 = c20.blend(lo, c20.compare(LE, lo));
        c20.blend(hi, c20.compare(GE, hi)).intoArray(c, cOff + 2 * ldc);
        c21 = c21.add(bias2).add(FloatVector.fromArray(SPECIES, residual, cOff + 2 * ldc + V));
        c21 = c21.blend(lo, c21.compare(LE, lo));
        c21.blend(hi, c21.compare(GE, hi)).intoArray(c, cOff + 2 * ldc + V);
        FloatVector bias3 = FloatVector.broadcast(SPECIES, rowBias[biasRow + 3]);
        c30 = c30.add(bias3).add(FloatVector.fromArray(SPECIES, residual, cOff + 3 * ldc));
        c30 = c30.blend(lo, c30.compare(LE, lo));
        c30.blend(hi, c30.compare(GE, hi)).intoArray(c, cOff + 3 * ldc);
        c31 = c31.add(bias3).add(FloatVector.fromArray(SPECIES, residual, cOff + 3 * ldc + V));
        c31 = c31.blend(lo, c31.compare(LE, lo));
        c31.blend(hi, c31.compare(GE, hi)).intoArray(c, cOff + 3 * ldc + V);
        FloatVector bias4 = FloatVector.broadcast(SPECIES, rowBias[biasRow + 4]);
        c40 = c40.add(bias4).add(FloatVector.fromArray(SPECIES, residual, cOff + 4 * ldc));
        c40 = c40.blend(lo, c40.compare(LE, lo));
        c40.blend(hi, c40.compare(GE, hi)).intoArray(c, cOff + 4 * ldc);
        c41 = c41.add(bias4).add(FloatVector.fromArray(SPECIES, residual, cOff + 4 * ldc + V));
        c41 = c41.blend(lo, c41.compare(LE, lo));
        c41.blend(hi, c41.compare(GE, hi)).intoArray(c, cOff + 4 * ldc + V);
        FloatVector bias5 = FloatVector.broadcast(SPECIES, rowBias[biasRow + 5]);
        c50 = c50.add(bias5).add(FloatVector.fromArray(SPECIES, residual, cOff + 5 * ldc));
        c50 = c50.blend(lo, c50.compare(LE, lo));
        c50.blend(hi, c50.compare(GE, hi)).intoArray(c, cOff + 5 * ldc);
        c51 = c51.add(bias5).add(FloatVector.fromArray(SPECIES, residual, cOff + 5 * ldc + V));
        c51 = c51.blend(lo, c51.compare(LE, lo));
        c51.blend(hi, c51.compare(GE, hi)).intoArray(c, cOff + 5 * ldc + V);
        FloatVector bias6 = FloatVector.broadcast(SPECIES, rowBias[biasRow + 6]);
        c60 = c60.add(bias6).add(FloatVector.fromArray(SPECIES, residual, cOff + 6 * ldc));
        c60 = c60.blend(lo, c60.compare(LE, lo));
        c60.blend(hi, c60.compare(GE, hi)).intoArray(c, cOff + 6 * ldc);
        c61 = c61.add(bias6).add(FloatVector.fromArray(SPECIES, residual, cOff + 6 * ldc + V));
        c61 = c61.blend(lo, c61.compare(LE, lo));
        c61.blend(hi, c61.compare(GE, hi)).intoArray(c, cOff + 6 * ldc + V);
        FloatVector bias7 = FloatVector.broadcast(SPECIES, rowBias[biasRow + 7]);
        c70 = c70.add(bias7).add(FloatVector.fromArray(SPECIES, residual, cOff + 7 * ldc));
        c70 = c70.blend(lo, c70.compare(LE, lo));
        c70.blend(hi, c70.compare(GE, hi)).intoArray(c, cOff + 7 * ldc);
        c71 = c71.add(bias7).add(FloatVector.fromArray(SPECIES, residual, cOff + 7 * ldc + V));
        c71 = c71.blend(lo, c71.compare(LE, lo));
        c71.blend(hi, c71.compare(GE, hi)).intoArray(c, cOff + 7 * ldc + V);
    }

    /**
     * One row of C against B panels {@code [panelFrom, panelTo)} of one depth block: the row of A is
     * every {@link #MR}-th value of its packed panel from {@code aOff}, B panel {@code t} is at
     * {@code bBlock + t * kc * NR}, and C's row starts at {@code cRow} (column 0). Each sum runs in
     * the order {@link #kernel} uses, so a batch of one gets the bits of the same row in a larger
     * batch. The row streams B from L2 or memory, which bounds it: taking four panels at a time (eight FMA
     * chains instead of two) measured no faster.
     */
    private static void rowTimesPanels(int kc, float[] pa, int aOff, float[] pb, int bBlock, int panelFrom,
            int panelTo, int n, float[] c, int cRow, boolean accumulate) {
        for (int jp = panelFrom; jp < panelTo; jp++) {
            int b0 = bBlock + jp * kc * NR;
            FloatVector c0 = FloatVector.zero(SPECIES), c1 = c0;
            for (int p = 0; p < kc; p++) {
                FloatVector av = FloatVector.broadcast(SPECIES, pa[aOff + p * MR]);
                int bi = b0 + p * NR;
                c0 = av.fma(FloatVector.fromArray(SPECIES, pb, bi), c0);
                c1 = av.fma(FloatVector.fromArray(SPECIES, pb, bi + V), c1);
            }
            int j = jp * NR;
            int nr = Math.min(NR, n - j);
            if (nr == NR) {
                storeRow(c0, c, cRow + j, accumulate);
                storeRow(c1, c, cRow + j + V, accumulate);
            } else {
                float[] edge = EDGE_TILE.get();
                c0.intoArray(edge, 0);
                c1.intoArray(edge, V);
                for (int q = 0; q < nr; q++) {
                    c[cRow + j + q] = accumulate ? c[cRow + j + q] + edge[q] : edge[q];
                }
            }
        }
    }

    private static void storeRow(FloatVector sum, float[] c, int at, boolean accumulate) {
        if (accumulate) {
            sum.add(FloatVector.fromArray(SPECIES, c, at)).intoArray(c, at);
        } else {
            sum.intoArray(c, at);
        }
    }

    /**
     * The four rows of a tile whose columns fit one vector and one column more ({@code nr <= V + 1}): the A panel
     * (four values per depth step) times the first vector of each B panel row, stored (or added) to C's first
     * {@code min(nr, V)} columns through a mask, and, when {@code nr == V + 1}, times the panel's next column
     * (stored by {@link #storeNarrowTile} through {@code tile}, the thread's {@link #EDGE_TILE}).
     */
    private static void narrowTile4(int kc, float[] pa, int aOff, float[] pb, int bOff, int nr, float[] c, int cOff,
            int ldc, boolean accumulate, float[] tile) {
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = c0, c2 = c0, c3 = c0;
        // The extra column: the panel's rows of A as one vector, times the column's value (zero when nr <= V: the
        // panel is zero-padded), summed in depth order like every other element; its FMA chain hides under the
        // tile's four.
        FloatVector extra = FloatVector.zero(SPECIES);
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * MR;
            int bi = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, pb, bi);
            c0 = FloatVector.broadcast(SPECIES, pa[ai]).fma(b0, c0);
            c1 = FloatVector.broadcast(SPECIES, pa[ai + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(SPECIES, pa[ai + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(SPECIES, pa[ai + 3]).fma(b0, c3);
            extra = FloatVector.fromArray(SPECIES, pa, ai, PANEL_ROWS).fma(FloatVector.broadcast(SPECIES, pb[bi + V]),
                    extra);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, V);
        c2.intoArray(tile, 2 * V);
        c3.intoArray(tile, 3 * V);
        extra.intoArray(tile, MR * V);
        storeNarrowTile(tile, nr, c, cOff, ldc, accumulate);
    }

    /** As {@link #narrowTile4}, for the six rows of AVX2's tile. */
    private static void narrowTile6(int kc, float[] pa, int aOff, float[] pb, int bOff, int nr, float[] c, int cOff,
            int ldc, boolean accumulate, float[] tile) {
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        FloatVector extra = FloatVector.zero(SPECIES);
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * MR;
            int bi = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, pb, bi);
            c0 = FloatVector.broadcast(SPECIES, pa[ai]).fma(b0, c0);
            c1 = FloatVector.broadcast(SPECIES, pa[ai + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(SPECIES, pa[ai + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(SPECIES, pa[ai + 3]).fma(b0, c3);
            c4 = FloatVector.broadcast(SPECIES, pa[ai + 4]).fma(b0, c4);
            c5 = FloatVector.broadcast(SPECIES, pa[ai + 5]).fma(b0, c5);
            extra = FloatVector.fromArray(SPECIES, pa, ai, PANEL_ROWS).fma(FloatVector.broadcast(SPECIES, pb[bi + V]),
                    extra);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, V);
        c2.intoArray(tile, 2 * V);
        c3.intoArray(tile, 3 * V);
        c4.intoArray(tile, 4 * V);
        c5.intoArray(tile, 5 * V);
        extra.intoArray(tile, MR * V);
        storeNarrowTile(tile, nr, c, cOff, ldc, accumulate);
    }

    /** The most columns of a last panel that {@link #thinTile8} takes. */
    private static final int THIN_COLUMNS = 4;

    /**
     * A last column panel of at most {@link #THIN_COLUMNS} columns (a 14x14 map: 196 = 6 x 32 + 4) by columns: each
     * column is one FMA chain over the A panel's eight rows as one (masked) vector: half the narrow tile's FMAs for the
     * four columns that are all it keeps. Each element's sum runs in depth order, the same fused
     * multiply-adds as in every tile, so its bits do not depend on the panel it falls in. {@code tile}: the thread's
     * {@link #EDGE_TILE}.
     */
    private static void thinTile8(int kc, float[] pa, int aOff, float[] pb, int bOff, int nr, float[] c, int cOff,
            int ldc, boolean accumulate, float[] tile) {
        FloatVector k0 = FloatVector.zero(SPECIES), k1 = k0, k2 = k0, k3 = k0;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * NR;
            FloatVector a = FloatVector.fromArray(SPECIES, pa, aOff + p * MR, PANEL_ROWS);
            k0 = a.fma(FloatVector.broadcast(SPECIES, pb[bi]), k0);
            k1 = a.fma(FloatVector.broadcast(SPECIES, pb[bi + 1]), k1);
            k2 = a.fma(FloatVector.broadcast(SPECIES, pb[bi + 2]), k2);
            k3 = a.fma(FloatVector.broadcast(SPECIES, pb[bi + 3]), k3);
        }
        // Column j's rows are tile[j * MR + r]; the panel's columns past nr are its zero padding, computed and dropped.
        k0.intoArray(tile, 0);
        k1.intoArray(tile, MR);
        k2.intoArray(tile, 2 * MR);
        k3.intoArray(tile, 3 * MR);
        for (int r = 0; r < MR; r++) {
            int at = cOff + r * ldc;
            for (int col = 0; col < nr; col++) {
                float value = tile[col * MR + r];
                c[at + col] = accumulate ? c[at + col] + value : value;
            }
        }
    }

    /**
     * {@link #thinTile8} for two row panels at once, {@code aOff} and the one after it: each column's sixteen rows are
     * one vector, the first panel's eight in its low lanes and the second's, loaded under {@link #SECOND_PANEL_ROWS},
     * in its high ones. Every lane does useful work, where {@link #thinTile8} leaves half of them zero. Each element's
     * sum is the same chain of fused multiply-adds in depth order as in every other tile, so the bits do not change.
     * C's rows are the sixteen from {@code cOff}; {@code tile} is the thread's {@link #EDGE_TILE}. A {@code finish}
     * (not null only without a residual and with C stored, not added to) is applied to the sums in registers, rows
     * {@code row} to {@code row + 15}'s biases one vector, not in a pass over the stored tile: a layer of thin tiles
     * only (64 -> 384 on a 2x2 map) took 0.63 of its time that way.
     */
    private static void thinTile8Pair(int kc, float[] pa, int aOff, float[] pb, int bOff, int nr, float[] c, int cOff,
            int ldc, boolean accumulate, float[] tile, Epilogue finish, int row) {
        // The second panel's values for depth p sit at aOff + (kc + p) * MR; loaded from MR before, they land in lanes
        // MR and up.
        int secondOff = aOff + (kc - 1) * MR;
        FloatVector k0 = FloatVector.zero(SPECIES), k1 = k0, k2 = k0, k3 = k0;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * NR;
            FloatVector a = FloatVector.fromArray(SPECIES, pa, aOff + p * MR, PANEL_ROWS)
                    .blend(FloatVector.fromArray(SPECIES, pa, secondOff + p * MR, SECOND_PANEL_ROWS), SECOND_PANEL_ROWS);
            k0 = a.fma(FloatVector.broadcast(SPECIES, pb[bi]), k0);
            k1 = a.fma(FloatVector.broadcast(SPECIES, pb[bi + 1]), k1);
            k2 = a.fma(FloatVector.broadcast(SPECIES, pb[bi + 2]), k2);
            k3 = a.fma(FloatVector.broadcast(SPECIES, pb[bi + 3]), k3);
        }
        if (finish != null) {
            FloatVector bias = FloatVector.fromArray(SPECIES, finish.rowBias(), finish.biasOffset() + row);
            FloatVector lo = FloatVector.broadcast(SPECIES, finish.low());
            FloatVector hi = FloatVector.broadcast(SPECIES, finish.high());
            k0 = k0.add(bias);
            k0 = k0.blend(lo, k0.compare(LE, lo));
            k0 = k0.blend(hi, k0.compare(GE, hi));
            k1 = k1.add(bias);
            k1 = k1.blend(lo, k1.compare(LE, lo));
            k1 = k1.blend(hi, k1.compare(GE, hi));
            k2 = k2.add(bias);
            k2 = k2.blend(lo, k2.compare(LE, lo));
            k2 = k2.blend(hi, k2.compare(GE, hi));
            k3 = k3.add(bias);
            k3 = k3.blend(lo, k3.compare(LE, lo));
            k3 = k3.blend(hi, k3.compare(GE, hi));
        }
        // Column j's sixteen rows are tile[j * V + r].
        k0.intoArray(tile, 0);
        k1.intoArray(tile, V);
        k2.intoArray(tile, 2 * V);
        k3.intoArray(tile, 3 * V);
        for (int r = 0; r < 2 * MR; r++) {
            int at = cOff + r * ldc;
            for (int col = 0; col < nr; col++) {
                float value = tile[col * V + r];
                c[at + col] = accumulate ? c[at + col] + value : value;
            }
        }
    }

    /**
     * As {@link #narrowTile4}, for the eight rows of AVX-512's tile at once: eight FMA chains keep both pipes busy,
     * where two calls of four rows each wait on the FMA latency.
     */
    private static void narrowTile8(int kc, float[] pa, int aOff, float[] pb, int bOff, int nr, float[] c, int cOff,
            int ldc, boolean accumulate, float[] tile) {
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        FloatVector extra = FloatVector.zero(SPECIES);
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * MR;
            int bi = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, pb, bi);
            c0 = FloatVector.broadcast(SPECIES, pa[ai]).fma(b0, c0);
            c1 = FloatVector.broadcast(SPECIES, pa[ai + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(SPECIES, pa[ai + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(SPECIES, pa[ai + 3]).fma(b0, c3);
            c4 = FloatVector.broadcast(SPECIES, pa[ai + 4]).fma(b0, c4);
            c5 = FloatVector.broadcast(SPECIES, pa[ai + 5]).fma(b0, c5);
            c6 = FloatVector.broadcast(SPECIES, pa[ai + 6]).fma(b0, c6);
            c7 = FloatVector.broadcast(SPECIES, pa[ai + 7]).fma(b0, c7);
            extra = FloatVector.fromArray(SPECIES, pa, ai, PANEL_ROWS).fma(FloatVector.broadcast(SPECIES, pb[bi + V]),
                    extra);
        }
        // Stored through a scratch tile and one loop over its rows: eight masked stores written out made the method
        // too large for C1 ("out of virtual registers"), which left it interpreted after each of C2's deoptimizations.
        c0.intoArray(tile, 0);
        c1.intoArray(tile, V);
        c2.intoArray(tile, 2 * V);
        c3.intoArray(tile, 3 * V);
        c4.intoArray(tile, 4 * V);
        c5.intoArray(tile, 5 * V);
        c6.intoArray(tile, 6 * V);
        c7.intoArray(tile, 7 * V);
        extra.intoArray(tile, MR * V);
        storeNarrowTile(tile, nr, c, cOff, ldc, accumulate);
    }

    /**
     * Stores (or adds) a narrow tile from its scratch copy ({@code MR} rows of {@code V} values, then the extra
     * column's {@code MR} values) to C's first {@code nr <= V + 1} columns.
     */
    private static void storeNarrowTile(float[] tile, int nr, float[] c, int cOff, int ldc, boolean accumulate) {
        VectorMask<Float> columns = SPECIES.indexInRange(0, nr);
        for (int r = 0; r < MR; r++) {
            int at = cOff + r * ldc;
            FloatVector row = FloatVector.fromArray(SPECIES, tile, r * V);
            if (accumulate) {
                row.add(FloatVector.fromArray(SPECIES, c, at, columns)).intoArray(c, at, columns);
            } else {
                row.intoArray(c, at, columns);
            }
            if (nr > V) {
                float value = tile[MR * V + r];
                c[at + V] = accumulate ? c[at + V] + value : value;
            }
        }
    }

    /**
     * Stores the {@link #MR} x {@link #NR} product of one packed A panel ({@code kc} columns) and a B whose row
     * {@code p} is the run of {@code b} from {@code rowStart[p] + column}: a convolution's taps read in place from its
     * input's polyphase planes ({@link PolyphaseConvF32Vector}), so that no patch is ever copied.
     */
    static void runsTile(int kc, float[] pa, int aOff, float[] b, int[] rowStart, int column, float[] c, int cOff,
            int ldc) {
        if (MR == 8) {
            runsTile8(kc, pa, aOff, b, rowStart, column, c, cOff, ldc);
        } else if (MR == 6) {
            runsTile6(kc, pa, aOff, b, rowStart, column, c, cOff, ldc);
        } else {
            runsTile4(kc, pa, aOff, b, rowStart, column, c, cOff, ldc);
        }
    }

    private static void runsTile4(int kc, float[] pa, int aOff, float[] b, int[] rowStart, int column, float[] c,
            int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = rowStart[p] + column;
            int ai = aOff + p * 4;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + V);
            FloatVector av = FloatVector.broadcast(SPECIES, pa[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(SPECIES, pa[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(SPECIES, pa[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(SPECIES, pa[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + V);
        c10.intoArray(c, cOff + ldc);
        c11.intoArray(c, cOff + ldc + V);
        c20.intoArray(c, cOff + 2 * ldc);
        c21.intoArray(c, cOff + 2 * ldc + V);
        c30.intoArray(c, cOff + 3 * ldc);
        c31.intoArray(c, cOff + 3 * ldc + V);
    }

    private static void runsTile6(int kc, float[] pa, int aOff, float[] b, int[] rowStart, int column, float[] c,
            int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = rowStart[p] + column;
            int ai = aOff + p * 6;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + V);
            FloatVector av = FloatVector.broadcast(SPECIES, pa[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            VarHandle.acquireFence();
            av = FloatVector.broadcast(SPECIES, pa[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            VarHandle.acquireFence();
            av = FloatVector.broadcast(SPECIES, pa[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            VarHandle.acquireFence();
            av = FloatVector.broadcast(SPECIES, pa[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            VarHandle.acquireFence();
            av = FloatVector.broadcast(SPECIES, pa[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            VarHandle.acquireFence();
            av = FloatVector.broadcast(SPECIES, pa[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + V);
        c10.intoArray(c, cOff + ldc);
        c11.intoArray(c, cOff + ldc + V);
        c20.intoArray(c, cOff + 2 * ldc);
        c21.intoArray(c, cOff + 2 * ldc + V);
        c30.intoArray(c, cOff + 3 * ldc);
        c31.intoArray(c, cOff + 3 * ldc + V);
        c40.intoArray(c, cOff + 4 * ldc);
        c41.intoArray(c, cOff + 4 * ldc + V);
        c50.intoArray(c, cOff + 5 * ldc);
        c51.intoArray(c, cOff + 5 * ldc + V);
    }

    private static void runsTile8(int kc, float[] pa, int aOff, float[] b, int[] rowStart, int column, float[] c,
            int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = rowStart[p] + column;
            int ai = aOff + p * 8;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + V);
            FloatVector av = FloatVector.broadcast(SPECIES, pa[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(SPECIES, pa[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(SPECIES, pa[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(SPECIES, pa[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(SPECIES, pa[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(SPECIES, pa[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(SPECIES, pa[ai + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(SPECIES, pa[ai + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + V);
        c10.intoArray(c, cOff + ldc);
        c11.intoArray(c, cOff + ldc + V);
        c20.intoArray(c, cOff + 2 * ldc);
        c21.intoArray(c, cOff + 2 * ldc + V);
        c30.intoArray(c, cOff + 3 * ldc);
        c31.intoArray(c, cOff + 3 * ldc + V);
        c40.intoArray(c, cOff + 4 * ldc);
        c41.intoArray(c, cOff + 4 * ldc + V);
        c50.intoArray(c, cOff + 5 * ldc);
        c51.intoArray(c, cOff + 5 * ldc + V);
        c60.intoArray(c, cOff + 6 * ldc);
        c61.intoArray(c, cOff + 6 * ldc + V);
        c70.intoArray(c, cOff + 7 * ldc);
        c71.intoArray(c, cOff + 7 * ldc + V);
    }

    /**
     * A tile at the bottom or right edge: the full kernel (four rows for at most four of AVX2's six) into a scratch
     * tile, then its {@code mr x nr} corner.
     */
    private static void edgeTile(int kc, float[] pa, int aOff, float[] pb, int bOff, int mr, int nr, float[] c,
            int cOff, int ldc, boolean accumulate) {
        float[] edge = EDGE_TILE.get();
        kernel(kc, pa, aOff, pb, bOff, NR, edge, 0, NR, false, null, 0, MR == 6 && mr <= 4 ? 4 : MR);
        for (int r = 0; r < mr; r++) {
            for (int q = 0; q < nr; q++) {
                int ci = cOff + r * ldc + q;
                c[ci] = accumulate ? c[ci] + edge[r * NR + q] : edge[r * NR + q];
            }
        }
    }

    /**
     * All of A ({@code m x k}) packed into this thread's {@link #SHARED_A} buffer (valid until this thread's next
     * product packs A), its depth blocks split over the kernel threads when {@code fork}.
     */
    private static Packed packShared(int m, int k, float[] a, int aOff, int rsA, int csA, boolean fork) {
        float[] data = buffer(SHARED_A, ceilDiv(m, MR) * MR * k);
        Packed packed = new Packed(data, m, k, true);
        Parallel.forRange(ceilDiv(k, KC), fork ? 1 : Integer.MAX_VALUE, (from, to) -> {
            for (int block = from; block < to; block++) {
                int p = block * KC;
                packA(m, Math.min(KC, k - p), a, aOff + p * csA, rsA, csA, data, packed.offset(p, 0));
            }
        });
        return packed;
    }

    /**
     * Packs an {@code mc x kc} block of A into panels of {@link #MR} rows from {@code packed[base]}:
     * panel {@code t} holds, for each {@code p}, the MR values {@code A(t*MR + r, p)} side by side;
     * missing rows are zeros. The MR source rows are read side by side, which is MR sequential
     * streams for row-major A and one contiguous run per {@code p} for transposed A: both keep the
     * prefetcher busy.
     */
    private static void packA(int mc, int kc, float[] a, int aOff, int rsA, int csA, float[] packed, int base) {
        int ir = 0;
        for (; ir + MR <= mc; ir += MR) {
            int dst = base + ir * kc;
            int src = aOff + ir * rsA;
            if (rsA == 1) {
                // A stored transposed (a convolution's patches in its transposed product): MR values side by side,
                // as one whole vector where it fits in both arrays; its lanes past MR land on the next depth's
                // slot, which the next store overwrites (an arraycopy of eight values per depth cost 2% of
                // MobileNet-v2's inference, JFR).
                int p = 0;
                for (; p < kc - 1 && src + p * csA + V <= a.length && dst + V <= packed.length; p++, dst += MR) {
                    FloatVector.fromArray(SPECIES, a, src + p * csA).intoArray(packed, dst);
                }
                for (; p < kc; p++, dst += MR) {
                    System.arraycopy(a, src + p * csA, packed, dst, MR);
                }
                continue;
            }
            for (int p = 0; p < kc; p++, dst += MR) {
                int col = src + p * csA;
                for (int r = 0; r < MR; r++) {
                    packed[dst + r] = a[col + r * rsA];
                }
            }
        }
        if (ir < mc) {
            int mr = mc - ir;
            int dst = base + ir * kc;
            for (int p = 0; p < kc; p++) {
                for (int r = 0; r < MR; r++) {
                    packed[dst + p * MR + r] = r < mr ? a[aOff + (ir + r) * rsA + p * csA] : 0f;
                }
            }
        }
    }

    /**
     * Channels {@code [o0, o1)} of a transposed product moved into place: {@code out[outOff + o * positions + p] =
     * product[p * channels + o]}, with, when {@code bias} is not null, the bias of channel {@code firstChannel + o}
     * added, then the residual (when not null) at the element's own index in out, then the compare-and-blend clamp
     * to {@code [low, high]}, as the tiles apply {@link Epilogue}. A vector of positions at a time, gathered down a
     * column of the product (the values of one channel are {@code channels} apart) and stored contiguously: moved
     * value by value with Math's clamp, 49 x 512 took 40 us on one thread, against 16 us now.
     */
    static void transposeBlock(float[] product, int positions, int channels, float[] out, int outOff, float[] bias,
            float[] residual, float low, float high, int firstChannel, int o0, int o1) {
        int[] down = new int[V];
        for (int lane = 0; lane < V; lane++) {
            down[lane] = lane * channels;
        }
        FloatVector lo = FloatVector.broadcast(SPECIES, low), hi = FloatVector.broadcast(SPECIES, high);
        // Sixteen positions of sixteen channels read sixteen cache lines of the product, reused by each channel.
        for (int p0 = 0; p0 < positions; p0 += 16) {
            int p1 = Math.min(positions, p0 + 16);
            for (int o = o0; o < o1; o++) {
                int to = outOff + o * positions;
                int p = p0;
                for (; p + V <= p1; p += V) {
                    FloatVector v = FloatVector.fromArray(SPECIES, product, p * channels + o, down, 0);
                    if (bias != null) {
                        v = v.add(bias[firstChannel + o]);
                        if (residual != null) {
                            v = v.add(FloatVector.fromArray(SPECIES, residual, to + p));
                        }
                        v = v.blend(lo, v.compare(LE, lo));
                        v = v.blend(hi, v.compare(GE, hi));
                    }
                    v.intoArray(out, to + p);
                }
                // The last positions one by one: a masked gather still checks its unset lanes' indices.
                for (; p < p1; p++) {
                    float v = product[p * channels + o];
                    if (bias != null) {
                        v += bias[firstChannel + o];
                        if (residual != null) {
                            v += residual[to + p];
                        }
                        v = v <= low ? low : v;
                        v = v >= high ? high : v;
                    }
                    out[to + p] = v;
                }
            }
        }
    }

    /**
     * Packs panels {@code [panelFrom, panelTo)} of a {@code kc x n} block of B: panel {@code t}
     * goes to {@code packed[base + t * kc * NR]} and holds, for each {@code p}, the NR values
     * {@code B(p, t*NR + q)}; missing columns are zeros.
     */
    private static void packB(int kc, int n, float[] b, int bOff, int rsB, int csB, float[] packed, int base,
            int panelFrom, int panelTo) {
        int fullTo = Math.min(panelTo, n / NR);
        if (csB == 1) {
            // Row-major B: read each source row in order and deal its runs out to the panels. Walking
            // one panel down the rows instead touches a new page per row, and measured 2x slower in single precision.
            for (int p = 0; p < kc; p++) {
                int src = bOff + p * rsB;
                for (int jp = panelFrom; jp < fullTo; jp++) {
                    int j = jp * NR;
                    int dst = base + jp * kc * NR + p * NR;
                    FloatVector.fromArray(SPECIES, b, src + j).intoArray(packed, dst);
                    FloatVector.fromArray(SPECIES, b, src + j + V).intoArray(packed, dst + V);
                }
            }
        } else {
            for (int jp = panelFrom; jp < fullTo; jp++) {
                packBPanel(kc, NR, b, bOff + jp * NR * csB, rsB, csB, packed, base + jp * kc * NR);
            }
        }
        for (int jp = Math.max(panelFrom, fullTo); jp < panelTo; jp++) {
            if (csB == 1) {
                packBRows(kc, n - jp * NR, b, bOff + jp * NR, rsB, packed, base + jp * kc * NR);
            } else {
                packBPanel(kc, n - jp * NR, b, bOff + jp * NR * csB, rsB, csB, packed, base + jp * kc * NR);
            }
        }
    }

    /**
     * {@link #packBPanel} for a row-major B: each row's {@code nr < NR} values by masked vectors, the rest of the
     * panel's row zeros. Column by column, as packBPanel walks, the 14x14 maps' last panel (4 of 32 columns) cost a
     * scalar store per value of the 32 and a strided load per kept one: 9 us of a 63 us product (64 x 196 x 384,
     * MobileNet's 384 -> 64 projection) went to the last 4 columns, against about 5 us now.
     */
    private static void packBRows(int kc, int nr, float[] b, int bOff, int rsB, float[] packed, int base) {
        VectorMask<Float> first = SPECIES.indexInRange(0, nr), second = SPECIES.indexInRange(V, nr);
        for (int p = 0; p < kc; p++) {
            int src = bOff + p * rsB, dst = base + p * NR;
            FloatVector.fromArray(SPECIES, b, src, first).intoArray(packed, dst);
            FloatVector.fromArray(SPECIES, b, src + V, second).intoArray(packed, dst + V);
        }
    }

    /** Packs one panel of {@code nr <= NR} source columns, zero-padding it to NR. */
    private static void packBPanel(int kc, int nr, float[] b, int bOff, int rsB, int csB, float[] packed, int base) {
        for (int q = 0; q < nr; q++) {
            // Walk each source column along p: contiguous when B is stored transposed (rsB == 1).
            int src = bOff + q * csB;
            for (int p = 0; p < kc; p++) {
                packed[base + p * NR + q] = b[src + p * rsB];
            }
        }
        for (int q = nr; q < NR; q++) {
            for (int p = 0; p < kc; p++) {
                packed[base + p * NR + q] = 0f;
            }
        }
    }

    /**
     * {@code C = A * B} for a small product, straight from the operands: four rows of C by two
     * vectors of columns at a time (one, masked, at the right edge), each accumulator summing its products in
     * order of depth, as the packed kernel does, so both give the same bits. B is read
     * by rows; a B with strided rows (transposed) is first copied into a {@code k x n} scratch.
     */
    static void direct(int m, int n, int k, float[] a, int aOff, int rsA, int csA, float[] b, int bOff, int rsB,
            int csB, float[] c, int cOff, int ldc) {
        if (csB != 1) {
            float[] rows = ROWS_OF_B.get();
            if (rows == null || rows.length < k * n) {
                rows = new float[Math.max(k * n, 4096)];
                ROWS_OF_B.set(rows);
            }
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) {
                    rows[p * n + j] = b[bOff + p * rsB + j * csB];
                }
            }
            b = rows;
            bOff = 0;
            rsB = n;
        }
        int j = 0;
        for (; j + 2 * V <= n; j += 2 * V) {
            // Two whole vectors of columns by four rows: 8 accumulators.
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                FloatVector c00 = FloatVector.zero(SPECIES);
                FloatVector c01 = c00;
                FloatVector c10 = c00;
                FloatVector c11 = c00;
                FloatVector c20 = c00;
                FloatVector c21 = c00;
                FloatVector c30 = c00;
                FloatVector c31 = c00;
                int a0 = aOff + i * rsA;
                for (int p = 0; p < k; p++) {
                    int bp = bOff + p * rsB + j;
                    FloatVector b0 = FloatVector.fromArray(SPECIES, b, bp);
                    FloatVector b1 = FloatVector.fromArray(SPECIES, b, bp + V);
                    int ap = a0 + p * csA;
                    FloatVector x = FloatVector.broadcast(SPECIES, a[ap]);
                    c00 = x.fma(b0, c00);
                    c01 = x.fma(b1, c01);
                    x = FloatVector.broadcast(SPECIES, a[ap + rsA]);
                    c10 = x.fma(b0, c10);
                    c11 = x.fma(b1, c11);
                    x = FloatVector.broadcast(SPECIES, a[ap + 2 * rsA]);
                    c20 = x.fma(b0, c20);
                    c21 = x.fma(b1, c21);
                    x = FloatVector.broadcast(SPECIES, a[ap + 3 * rsA]);
                    c30 = x.fma(b0, c30);
                    c31 = x.fma(b1, c31);
                }
                int ci = cOff + i * ldc + j;
                c00.intoArray(c, ci);
                c01.intoArray(c, ci + V);
                c10.intoArray(c, ci + ldc);
                c11.intoArray(c, ci + ldc + V);
                c20.intoArray(c, ci + 2 * ldc);
                c21.intoArray(c, ci + 2 * ldc + V);
                c30.intoArray(c, ci + 3 * ldc);
                c31.intoArray(c, ci + 3 * ldc + V);
            }
            for (; i < m; i++) {
                FloatVector c0 = FloatVector.zero(SPECIES);
                FloatVector c1 = c0;
                for (int p = 0; p < k; p++) {
                    int bp = bOff + p * rsB + j;
                    FloatVector x = FloatVector.broadcast(SPECIES, a[aOff + i * rsA + p * csA]);
                    c0 = x.fma(FloatVector.fromArray(SPECIES, b, bp), c0);
                    c1 = x.fma(FloatVector.fromArray(SPECIES, b, bp + V), c1);
                }
                c0.intoArray(c, cOff + i * ldc + j);
                c1.intoArray(c, cOff + i * ldc + j + V);
            }
        }
        for (; j < n; j += V) {
            // One vector of columns, possibly partial, by four rows.
            VectorMask<Float> columns = SPECIES.indexInRange(j, n);
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                FloatVector c0 = FloatVector.zero(SPECIES);
                FloatVector c1 = c0;
                FloatVector c2 = c0;
                FloatVector c3 = c0;
                int a0 = aOff + i * rsA;
                for (int p = 0; p < k; p++) {
                    FloatVector bp = FloatVector.fromArray(SPECIES, b, bOff + p * rsB + j, columns);
                    int ap = a0 + p * csA;
                    c0 = FloatVector.broadcast(SPECIES, a[ap]).fma(bp, c0);
                    c1 = FloatVector.broadcast(SPECIES, a[ap + rsA]).fma(bp, c1);
                    c2 = FloatVector.broadcast(SPECIES, a[ap + 2 * rsA]).fma(bp, c2);
                    c3 = FloatVector.broadcast(SPECIES, a[ap + 3 * rsA]).fma(bp, c3);
                }
                int ci = cOff + i * ldc + j;
                c0.intoArray(c, ci, columns);
                c1.intoArray(c, ci + ldc, columns);
                c2.intoArray(c, ci + 2 * ldc, columns);
                c3.intoArray(c, ci + 3 * ldc, columns);
            }
            for (; i < m; i++) {
                FloatVector c0 = FloatVector.zero(SPECIES);
                for (int p = 0; p < k; p++) {
                    FloatVector bp = FloatVector.fromArray(SPECIES, b, bOff + p * rsB + j, columns);
                    c0 = FloatVector.broadcast(SPECIES, a[aOff + i * rsA + p * csA]).fma(bp, c0);
                }
                c0.intoArray(c, cOff + i * ldc + j, columns);
            }
        }
    }

    /**
     * Matrix-vector product {@code y = M x}: M is {@code rows x k} with element {@code (i, p)} at
     * {@code m[mOff + i * rsM + p * csM]}, x has element {@code p} at {@code x[xOff + p * incX]}, and
     * y element {@code i} goes to {@code y[yOff + i * incY]}. Row-major M makes each output a dot
     * product of contiguous runs; column-major M with contiguous x and y makes it a sum of scaled
     * columns (axpy), which reads M in order too.
     */
    private static void gemv(int rows, int k, float[] m, int mOff, int rsM, int csM, float[] x, int xOff, int incX,
            float[] y, int yOff, int incY, boolean fork) {
        int minChunk = fork ? Math.max(V, (int) (GEMV_PARALLEL_WORK / 2 / k)) : Integer.MAX_VALUE;
        if (rsM == 1 && csM != 1 && incY == 1) {
            Parallel.forRange(rows, minChunk, (from, to) ->
                    columnsTimesVector(to - from, k, m, mOff + from, csM, x, xOff, incX, y, yOff + from));
            return;
        }
        Parallel.forRange(rows, minChunk, (from, to) -> {
            // One thread-local lookup per range, not one per row (a classifier's 1000 rows: 0.3% of MobileNet-v2).
            float[] lanes = EDGE_TILE.get();
            for (int i = from; i < to; i++) {
                y[yOff + i * incY] = dot(k, m, mOff + i * rsM, csM, x, xOff, incX, lanes);
            }
        });
    }

    /**
     * {@code y[yOff + j] = sum over p < k of x[xOff + p * incX] * m[mOff + p * ld + j]} for
     * {@code j < len}: a row of A times a row-major B, with eight vectors of y held in registers over
     * all of p, so that B streams through once and y is stored once (an axpy per p would load and
     * store all of y k times). Each sum runs in order of p, with the same fused multiply-adds in every column.
     */
    private static void columnsTimesVector(int len, int k, float[] m, int mOff, int ld, float[] x, int xOff, int incX,
            float[] y, int yOff) {
        int j = 0;
        for (; j + 8 * V <= len; j += 8 * V) {
            FloatVector c0 = FloatVector.zero(SPECIES), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
            for (int p = 0, at = mOff + j; p < k; p++, at += ld) {
                FloatVector xp = FloatVector.broadcast(SPECIES, x[xOff + p * incX]);
                c0 = xp.fma(FloatVector.fromArray(SPECIES, m, at), c0);
                c1 = xp.fma(FloatVector.fromArray(SPECIES, m, at + V), c1);
                c2 = xp.fma(FloatVector.fromArray(SPECIES, m, at + 2 * V), c2);
                c3 = xp.fma(FloatVector.fromArray(SPECIES, m, at + 3 * V), c3);
                c4 = xp.fma(FloatVector.fromArray(SPECIES, m, at + 4 * V), c4);
                c5 = xp.fma(FloatVector.fromArray(SPECIES, m, at + 5 * V), c5);
                c6 = xp.fma(FloatVector.fromArray(SPECIES, m, at + 6 * V), c6);
                c7 = xp.fma(FloatVector.fromArray(SPECIES, m, at + 7 * V), c7);
            }
            int at = yOff + j;
            c0.intoArray(y, at);
            c1.intoArray(y, at + V);
            c2.intoArray(y, at + 2 * V);
            c3.intoArray(y, at + 3 * V);
            c4.intoArray(y, at + 4 * V);
            c5.intoArray(y, at + 5 * V);
            c6.intoArray(y, at + 6 * V);
            c7.intoArray(y, at + 7 * V);
        }
        for (; j + V <= len; j += V) {
            FloatVector c0 = FloatVector.zero(SPECIES);
            for (int p = 0, at = mOff + j; p < k; p++, at += ld) {
                c0 = FloatVector.broadcast(SPECIES, x[xOff + p * incX]).fma(FloatVector.fromArray(SPECIES, m, at), c0);
            }
            c0.intoArray(y, yOff + j);
        }
        if (j < len) {
            // The last columns (a 10-class classifier's 10, or 1000 = 7 x 128 + 104's last 8) as one masked vector:
            // a scalar loop per column was one dependent add per row, 3.8 us of a 512 x 10 layer's 4 us.
            VectorMask<Float> tail = SPECIES.indexInRange(0, len - j);
            FloatVector c0 = FloatVector.zero(SPECIES);
            int p = 0, at = mOff + j;
            // A masked load or store reaching past its array's end leaves C2's intrinsic for a slow path: the rows
            // where it would are added below with scalar fused multiply-adds, which give the same bits, and the sums
            // go to y from a scratch copy.
            for (; p < k && at + V <= m.length; p++, at += ld) {
                c0 = FloatVector.broadcast(SPECIES, x[xOff + p * incX]).fma(FloatVector.fromArray(SPECIES, m, at, tail),
                        c0);
            }
            float[] sums = EDGE_TILE.get();
            c0.intoArray(sums, 0);
            for (int q = 0; q < len - j; q++) {
                float sum = sums[q];
                for (int r = p; r < k; r++) {
                    sum = Math.fma(x[xOff + r * incX], m[mOff + r * ld + j + q], sum);
                }
                y[yOff + j + q] = sum;
            }
        }
    }

    /** The dot product of {@code len} elements of x and y, each read with its own stride; {@code lanes}: scratch. */
    private static float dot(int len, float[] x, int xOff, int incX, float[] y, int yOff, int incY, float[] lanes) {
        if (incX != 1 || incY != 1) {
            float sum = 0f;
            for (int p = 0; p < len; p++) {
                sum += x[xOff + p * incX] * y[yOff + p * incY];
            }
            return sum;
        }
        // Four accumulators so that consecutive FMAs do not wait on each other.
        FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0, s2 = s0, s3 = s0;
        int p = 0;
        for (int bound = len - 4 * V; p <= bound; p += 4 * V) {
            s0 = FloatVector.fromArray(SPECIES, x, xOff + p).fma(FloatVector.fromArray(SPECIES, y, yOff + p), s0);
            s1 = FloatVector.fromArray(SPECIES, x, xOff + p + V).fma(FloatVector.fromArray(SPECIES, y, yOff + p + V), s1);
            s2 = FloatVector.fromArray(SPECIES, x, xOff + p + 2 * V)
                    .fma(FloatVector.fromArray(SPECIES, y, yOff + p + 2 * V), s2);
            s3 = FloatVector.fromArray(SPECIES, x, xOff + p + 3 * V)
                    .fma(FloatVector.fromArray(SPECIES, y, yOff + p + 3 * V), s3);
        }
        for (int bound = SPECIES.loopBound(len); p < bound; p += V) {
            s0 = FloatVector.fromArray(SPECIES, x, xOff + p).fma(FloatVector.fromArray(SPECIES, y, yOff + p), s0);
        }
        float sum = Lanes.sum(s0.add(s1).add(s2.add(s3)), lanes);
        for (; p < len; p++) {
            sum += x[xOff + p] * y[yOff + p];
        }
        return sum;
    }

    /** This thread's array in {@code cache}, grown to at least {@code size} values (contents unspecified). */
    static float[] buffer(ThreadLocal<float[]> cache, int size) {
        float[] buf = cache.get();
        if (buf == null || buf.length < size) {
            buf = new float[size];
            cache.set(buf);
        }
        return buf;
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }
}
