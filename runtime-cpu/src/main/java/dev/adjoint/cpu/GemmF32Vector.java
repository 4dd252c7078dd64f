package dev.adjoint.cpu;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

//autocode:variants float64 (generated from this file at build time: docs/design.md)
/**
 * Packed, cache-blocked float32 GEMM on the Vector API: {@code C = A * B} with A {@code m x k}, B
 * {@code k x n} and C {@code m x n}, each addressed through explicit row and column strides so that
 * transposed operands cost nothing beyond the packing copy every operand gets anyway.
 *
 * <p>The blocking is the one of BLIS/GotoBLAS: B is packed a {@link #KC} x {@link #NC} block at a
 * time into panels {@link #NR} columns wide, A a {@link #MC} x {@link #KC} block at a time into panels
 * {@link #MR} rows tall, and a register-tiled micro-kernel multiplies one A panel by one B panel,
 * keeping the {@code MR x NR} tile of C in 8 vector registers for the whole {@code k} loop. Panels
 * at the edges are zero-padded so the micro-kernel never branches; the part of an edge tile outside C
 * is simply dropped.
 *
 * <p>Unlike BLIS, the loop over B panels runs inside the loop over A panels: the A panel stays in L1
 * while B streams from L2, and consecutive micro-kernels touch neighbouring C tiles of the same rows.
 * BLIS keeps B in L1 and walks C down a column, which only pays off with software prefetch of C;
 * Java has none, and measured on Zen 3 (single precision, 1024^3) the column walk lost ~25% waiting for C lines.
 *
 * <p>A product with one row or one column ({@code m == 1} or {@code n == 1}) is a matrix-vector
 * product: it reads each element of the matrix once, so packing would double its memory traffic,
 * and it runs as dot products or axpy updates straight on the operands instead.
 */
final class GemmF32Vector {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int V = SPECIES.length();

    /**
     * Rows of the micro-tile: 4 rows x 2 vectors = 8 accumulators, enough independent FMA chains to
     * cover the FMA latency. Taller tiles (5 x 2, 6 x 2, 4 x 3) spill an accumulator to the stack on
     * AVX2: C2 schedules every broadcast and B load of an iteration before the first FMA, so
     * accumulators + B vectors + broadcasts must fit the 16 registers, and only 4 x 2 (14) and
     * 3 x 3 (15) do. 3 x 3 measured no faster in single precision and streams 50% more of B per FMA.
     */
    static final int MR = 4;
    /** Columns of the micro-tile: two vectors. */
    static final int NR = 2 * V;
    /**
     * Depth of one packed block: one A panel ({@code MR x KC}, 4 KiB in single precision) stays in L1
     * while B streams past.
     */
    static final int KC = 256;
    /** Rows of one packed A block: the unit of work the threads share out. */
    static final int MC = 48;
    /** Columns of one packed B block (3 MiB in single precision at KC = 256), sized for L3. */
    static final int NC = 3072;

    /** Below this many multiply-adds one thread is faster than forking. */
    private static final long PARALLEL_WORK = 1L << 20;
    /**
     * Work items per thread when a block is shared out: the machine is shared, and a thread slowed
     * by someone else's process then hands its remaining items to the others instead of making
     * everyone wait at the join.
     */
    private static final int ITEMS_PER_THREAD = 4;

    private static final ThreadLocal<float[]> PACKED_A = new ThreadLocal<>();
    private static final ThreadLocal<float[]> PACKED_B = new ThreadLocal<>();
    private static final ThreadLocal<float[]> EDGE_TILE = ThreadLocal.withInitial(() -> new float[MR * NR]);

    private GemmF32Vector() {
    }

    /**
     * Overwrites C ({@code m x n}, rows {@code ldc} apart from {@code cOff}) with {@code A * B}, where
     * element {@code (i, p)} of A is {@code a[aOff + i * rsA + p * csA]} and element {@code (p, j)}
     * of B is {@code b[bOff + p * rsB + j * csB]}. With {@code mayFork} large products are split
     * over {@link Parallel#threads()} cores.
     */
    static void gemm(int m, int n, int k, float[] a, int aOff, int rsA, int csA, float[] b, int bOff, int rsB,
            int csB, float[] c, int cOff, int ldc, boolean mayFork) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            for (int i = 0; i < m; i++) {
                Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
            return;
        }
        boolean fork = mayFork && Parallel.threads() > 1 && (long) m * n * k >= PARALLEL_WORK;
        if (m == 1) {
            // One row of C: the row of A times B, i.e. (B^T a)^T.
            gemv(n, k, b, bOff, csB, rsB, a, aOff, csA, c, cOff, 1, fork);
            return;
        }
        if (n == 1) {
            gemv(m, k, a, aOff, rsA, csA, b, bOff, rsB, c, cOff, ldc, fork);
            return;
        }
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            int nPanels = ceilDiv(nc, NR);
            float[] packedB = buffer(PACKED_B, KC * nPanels * NR);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                Block block = new Block(kc, nc, nPanels, a, aOff + pc * csA, rsA, csA, packedB, c, cOff + jc, ldc, pc > 0);
                int bBlock = bOff + pc * rsB + jc * csB;
                if (fork) {
                    Parallel.forRange(nPanels, 1, (from, to) -> packB(kc, nc, b, bBlock, rsB, csB, packedB, from, to));
                    shareOut(block, m);
                } else {
                    packB(kc, nc, b, bBlock, rsB, csB, packedB, 0, nPanels);
                    float[] packedA = buffer(PACKED_A, MC * kc);
                    for (int ic = 0; ic < m; ic += MC) {
                        block.multiply(ic, Math.min(MC, m - ic), 0, nPanels, packedA);
                    }
                }
            }
        }
    }

    /**
     * One packed {@code kc x nc} block of B, the matching {@code m x kc} slice of A and the
     * {@code m x nc} slice of C they update ({@code accumulate}) or overwrite.
     */
    private record Block(int kc, int nc, int nPanels, float[] a, int aOff, int rsA, int csA, float[] packedB,
            float[] c, int cOff, int ldc, boolean accumulate) {

        /**
         * Packs rows {@code [row, row + mc)} of the A slice and multiplies them by B panels
         * {@code [panelFrom, panelTo)}.
         */
        void multiply(int row, int mc, int panelFrom, int panelTo, float[] packedA) {
            packA(mc, kc, a, aOff + row * rsA, rsA, csA, packedA);
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int cRow = cOff + (row + ir) * ldc;
                for (int jp = panelFrom; jp < panelTo; jp++) {
                    int j = jp * NR;
                    int bPanel = j * kc;
                    int nr = Math.min(NR, nc - j);
                    if (mr == MR && nr == NR) {
                        kernel(kc, packedA, ir * kc, packedB, bPanel, c, cRow + j, ldc, accumulate);
                    } else {
                        edgeTile(kc, packedA, ir * kc, packedB, bPanel, mr, nr, c, cRow + j, ldc, accumulate);
                    }
                }
            }
        }
    }

    /**
     * Runs {@code block} on all threads. The work items are blocks of {@link #MC} rows, and when
     * there are too few of them for {@link #ITEMS_PER_THREAD} each, every row block is further cut
     * into column groups (each then packs its rows of A again, which is cheap next to its share of
     * the multiply). Threads take items from a shared counter until none are left.
     */
    private static void shareOut(Block block, int m) {
        int threads = Parallel.threads();
        int rowBlocks = ceilDiv(m, MC);
        int wanted = ITEMS_PER_THREAD * threads;
        int columnGroups = rowBlocks >= wanted ? 1 : Math.min(block.nPanels(), ceilDiv(wanted, rowBlocks));
        int items = rowBlocks * columnGroups;
        AtomicInteger next = new AtomicInteger();
        Parallel.forRange(threads, 1, (first, last) -> {
            float[] packedA = buffer(PACKED_A, MC * block.kc());
            for (int item = next.getAndIncrement(); item < items; item = next.getAndIncrement()) {
                int row = item / columnGroups * MC;
                int group = item % columnGroups;
                int panelFrom = (int) ((long) block.nPanels() * group / columnGroups);
                int panelTo = (int) ((long) block.nPanels() * (group + 1) / columnGroups);
                block.multiply(row, Math.min(MC, m - row), panelFrom, panelTo, packedA);
            }
        });
    }

    /**
     * The micro-kernel: the {@code MR x NR} product of one packed A panel ({@code kc} columns of MR
     * values) and one packed B panel ({@code kc} rows of NR values), stored to or added onto C.
     */
    private static void kernel(int kc, float[] pa, int aOff, float[] pb, int bOff, float[] c, int cOff, int ldc,
            boolean accumulate) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * NR;
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
        store(c00, c01, c, cOff, accumulate);
        store(c10, c11, c, cOff + ldc, accumulate);
        store(c20, c21, c, cOff + 2 * ldc, accumulate);
        store(c30, c31, c, cOff + 3 * ldc, accumulate);
    }

    private static void store(FloatVector lo, FloatVector hi, float[] c, int off, boolean accumulate) {
        if (accumulate) {
            lo = lo.add(FloatVector.fromArray(SPECIES, c, off));
            hi = hi.add(FloatVector.fromArray(SPECIES, c, off + V));
        }
        lo.intoArray(c, off);
        hi.intoArray(c, off + V);
    }

    /** A tile at the bottom or right edge: the full kernel into a scratch tile, then its {@code mr x nr} corner. */
    private static void edgeTile(int kc, float[] pa, int aOff, float[] pb, int bOff, int mr, int nr, float[] c,
            int cOff, int ldc, boolean accumulate) {
        float[] edge = EDGE_TILE.get();
        kernel(kc, pa, aOff, pb, bOff, edge, 0, NR, false);
        for (int r = 0; r < mr; r++) {
            for (int q = 0; q < nr; q++) {
                int ci = cOff + r * ldc + q;
                c[ci] = accumulate ? c[ci] + edge[r * NR + q] : edge[r * NR + q];
            }
        }
    }

    /**
     * Packs an {@code mc x kc} block of A into panels of {@link #MR} rows: panel {@code t} holds,
     * for each {@code p}, the MR values {@code A(t*MR + r, p)} side by side; missing rows are zeros.
     * The MR source rows are read side by side, which is MR sequential streams for row-major A and
     * one contiguous run per {@code p} for transposed A: both keep the prefetcher busy.
     */
    private static void packA(int mc, int kc, float[] a, int aOff, int rsA, int csA, float[] packed) {
        int ir = 0;
        for (; ir + MR <= mc; ir += MR) {
            int s0 = aOff + ir * rsA, s1 = s0 + rsA, s2 = s1 + rsA, s3 = s2 + rsA;
            int dst = ir * kc;
            for (int p = 0; p < kc; p++, dst += MR) {
                int col = p * csA;
                packed[dst] = a[s0 + col];
                packed[dst + 1] = a[s1 + col];
                packed[dst + 2] = a[s2 + col];
                packed[dst + 3] = a[s3 + col];
            }
        }
        if (ir < mc) {
            int mr = mc - ir;
            int base = ir * kc;
            for (int p = 0; p < kc; p++) {
                for (int r = 0; r < MR; r++) {
                    packed[base + p * MR + r] = r < mr ? a[aOff + (ir + r) * rsA + p * csA] : 0f;
                }
            }
        }
    }

    /**
     * Packs panels {@code [panelFrom, panelTo)} of a {@code kc x nc} block of B: panel {@code t}
     * holds, for each {@code p}, the NR values {@code B(p, t*NR + q)}; missing columns are zeros.
     */
    private static void packB(int kc, int nc, float[] b, int bOff, int rsB, int csB, float[] packed, int panelFrom,
            int panelTo) {
        int fullTo = Math.min(panelTo, nc / NR);
        if (csB == 1) {
            // Row-major B: read each source row in order and deal its runs out to the panels. Walking
            // one panel down the rows instead touches a new page per row, and measured 2x slower in single precision.
            for (int p = 0; p < kc; p++) {
                int src = bOff + p * rsB;
                for (int jp = panelFrom; jp < fullTo; jp++) {
                    int j = jp * NR;
                    int dst = j * kc + p * NR;
                    FloatVector.fromArray(SPECIES, b, src + j).intoArray(packed, dst);
                    FloatVector.fromArray(SPECIES, b, src + j + V).intoArray(packed, dst + V);
                }
            }
        } else {
            for (int jp = panelFrom; jp < fullTo; jp++) {
                packBPanel(kc, NR, b, bOff + jp * NR * csB, rsB, csB, packed, jp * NR * kc);
            }
        }
        for (int jp = Math.max(panelFrom, fullTo); jp < panelTo; jp++) {
            packBPanel(kc, nc - jp * NR, b, bOff + jp * NR * csB, rsB, csB, packed, jp * NR * kc);
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
     * Matrix-vector product {@code y = M x}: M is {@code rows x k} with element {@code (i, p)} at
     * {@code m[mOff + i * rsM + p * csM]}, x has element {@code p} at {@code x[xOff + p * incX]}, and
     * y element {@code i} goes to {@code y[yOff + i * incY]}. Row-major M makes each output a dot
     * product of contiguous runs; column-major M with contiguous x and y makes it a sum of scaled
     * columns (axpy), which reads M in order too.
     */
    private static void gemv(int rows, int k, float[] m, int mOff, int rsM, int csM, float[] x, int xOff, int incX,
            float[] y, int yOff, int incY, boolean fork) {
        int minChunk = fork ? Math.max(V, (int) (PARALLEL_WORK / k)) : Integer.MAX_VALUE;
        if (rsM == 1 && csM != 1 && incY == 1) {
            Parallel.forRange(rows, minChunk, (from, to) -> {
                Arrays.fill(y, yOff + from, yOff + to, 0f);
                for (int p = 0; p < k; p++) {
                    axpy(to - from, x[xOff + p * incX], m, mOff + p * csM + from, y, yOff + from);
                }
            });
            return;
        }
        Parallel.forRange(rows, minChunk, (from, to) -> {
            for (int i = from; i < to; i++) {
                y[yOff + i * incY] = dot(k, m, mOff + i * rsM, csM, x, xOff, incX);
            }
        });
    }

    /** {@code y[yOff + i] += alpha * x[xOff + i]} for {@code i < len}. */
    private static void axpy(int len, float alpha, float[] x, int xOff, float[] y, int yOff) {
        FloatVector av = FloatVector.broadcast(SPECIES, alpha);
        int i = 0;
        for (int bound = SPECIES.loopBound(len); i < bound; i += V) {
            av.fma(FloatVector.fromArray(SPECIES, x, xOff + i), FloatVector.fromArray(SPECIES, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < len; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    /** The dot product of {@code len} elements of x and y, each read with its own stride. */
    private static float dot(int len, float[] x, int xOff, int incX, float[] y, int yOff, int incY) {
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
        float sum = Lanes.sum(s0.add(s1).add(s2.add(s3)));
        for (; p < len; p++) {
            sum += x[xOff + p] * y[yOff + p];
        }
        return sum;
    }

    private static float[] buffer(ThreadLocal<float[]> cache, int size) {
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
