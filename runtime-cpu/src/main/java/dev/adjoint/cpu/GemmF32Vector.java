package dev.adjoint.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packed, cache-blocked float32 GEMM on the Vector API: {@code C = A * B} with A {@code m x k}, B
 * {@code k x n} and C {@code m x n}, each addressed through explicit row and column strides so that
 * transposed operands cost nothing beyond the packing copy every operand gets anyway.
 *
 * <p>The loop nest is the one of BLIS/GotoBLAS: B is packed a {@link #KC} x {@link #NC} block at a
 * time into panels {@link #NR} columns wide, A a {@link #MC} x {@link #KC} block at a time into panels
 * {@link #MR} rows tall, and a register-tiled micro-kernel multiplies one A panel by one B panel,
 * keeping the {@code MR x NR} tile of C in 8 vector registers for the whole {@code k} loop. Panels
 * at the edges are zero-padded so the micro-kernel never branches; the part of an edge tile outside C
 * is simply dropped.
 */
final class GemmF32Vector {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int V = SPECIES.length();

    /**
     * Rows of the micro-tile: 4 rows x 2 vectors = 8 accumulators, enough independent FMA chains to
     * cover the FMA latency. Taller tiles (6 x 2) measured slower: C2 spills accumulators once
     * they, the B vectors and the broadcast no longer fit the 16 AVX2 registers.
     */
    static final int MR = 4;
    /** Columns of the micro-tile: two vectors. */
    static final int NR = 2 * V;
    /** Depth of one packed block: one B panel ({@code KC x NR}) stays in L1 while the A panels stream past. */
    static final int KC = 256;
    /** Rows of one packed A block, sized to sit in L2 (MC * KC * 4 bytes = 48 KiB). */
    static final int MC = 48;
    /** Columns of one packed B block, sized to sit in L3. */
    static final int NC = 3072;

    /** Below this many multiply-adds one thread is faster than forking. */
    private static final long PARALLEL_WORK = 1L << 20;

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
                java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
            return;
        }
        boolean fork = mayFork && Parallel.threads() > 1 && (long) m * n * k >= PARALLEL_WORK;
        int mPanels = ceilDiv(m, MR);
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            int nPanels = ceilDiv(nc, NR);
            float[] packedB = buffer(PACKED_B, KC * nPanels * NR);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean accumulate = pc > 0;
                int aBlock = aOff + pc * csA;
                int bBlock = bOff + pc * rsB + jc * csB;
                int cBlock = cOff + jc;
                if (!fork) {
                    packB(kc, nc, b, bBlock, rsB, csB, packedB, 0, nPanels);
                    rowRange(0, m, kc, a, aBlock, rsA, csA, packedB, 0, nPanels, c, cBlock, ldc, nc,
                            accumulate);
                    continue;
                }
                Parallel.forRange(nPanels, 1, (from, to) -> packB(kc, nc, b, bBlock, rsB, csB, packedB, from, to));
                if (mPanels >= nPanels || mPanels >= 4 * Parallel.threads()) {
                    // Enough rows: each thread packs and multiplies its own rows against all of B.
                    Parallel.forRange(mPanels, 1, (from, to) -> rowRange(from * MR, Math.min(to * MR, m), kc, a,
                            aBlock, rsA, csA, packedB, 0, nPanels, c, cBlock, ldc, nc, accumulate));
                } else {
                    // Few rows (a short, wide product): split the columns; packing all of A twice is cheap.
                    Parallel.forRange(nPanels, 1, (from, to) -> rowRange(0, m, kc, a, aBlock, rsA, csA,
                            packedB, from, to, c, cBlock, ldc, nc, accumulate));
                }
            }
        }
    }

    /**
     * Multiplies rows {@code [rowFrom, rowTo)} of the current A block against B panels
     * {@code [panelFrom, panelTo)}, packing A {@link #MC} rows at a time.
     */
    private static void rowRange(int rowFrom, int rowTo, int kc, float[] a, int aOff, int rsA, int csA,
            float[] packedB, int panelFrom, int panelTo, float[] c, int cOff, int ldc, int nc, boolean accumulate) {
        float[] packedA = buffer(PACKED_A, MC * kc);
        float[] edge = EDGE_TILE.get();
        for (int ic = rowFrom; ic < rowTo; ic += MC) {
            int mc = Math.min(MC, rowTo - ic);
            packA(mc, kc, a, aOff + ic * rsA, rsA, csA, packedA);
            for (int jp = panelFrom; jp < panelTo; jp++) {
                int j = jp * NR;
                int nr = Math.min(NR, nc - j);
                int bPanel = jp * NR * kc;
                for (int ir = 0; ir < mc; ir += MR) {
                    int mr = Math.min(MR, mc - ir);
                    int cTile = cOff + (ic + ir) * ldc + j;
                    if (mr == MR && nr == NR) {
                        kernel(kc, packedA, ir * kc, packedB, bPanel, c, cTile, ldc, accumulate);
                    } else {
                        kernel(kc, packedA, ir * kc, packedB, bPanel, edge, 0, NR, false);
                        for (int r = 0; r < mr; r++) {
                            for (int q = 0; q < nr; q++) {
                                int ci = cTile + r * ldc + q;
                                c[ci] = accumulate ? c[ci] + edge[r * NR + q] : edge[r * NR + q];
                            }
                        }
                    }
                }
            }
        }
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

    /**
     * Packs an {@code mc x kc} block of A into panels of {@link #MR} rows: panel {@code t} holds,
     * for each {@code p}, the MR values {@code A(t*MR + r, p)} side by side; missing rows are zeros.
     */
    private static void packA(int mc, int kc, float[] a, int aOff, int rsA, int csA, float[] packed) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int base = ir * kc;
            for (int r = 0; r < mr; r++) {
                // Walk each source row along p: contiguous when A is row-major (csA == 1).
                int src = aOff + (ir + r) * rsA;
                for (int p = 0; p < kc; p++) {
                    packed[base + p * MR + r] = a[src + p * csA];
                }
            }
            for (int r = mr; r < MR; r++) {
                for (int p = 0; p < kc; p++) {
                    packed[base + p * MR + r] = 0f;
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
        for (int jp = panelFrom; jp < panelTo; jp++) {
            int j = jp * NR;
            int nr = Math.min(NR, nc - j);
            int base = jp * NR * kc;
            if (csB == 1 && nr == NR) {
                // Row-major B: each packed row is one contiguous run of the source row.
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(b, bOff + p * rsB + j, packed, base + p * NR, NR);
                }
                continue;
            }
            for (int q = 0; q < nr; q++) {
                // Walk each source column along p: contiguous when B is stored transposed (rsB == 1).
                int src = bOff + (j + q) * csB;
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
