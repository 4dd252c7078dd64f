package dev.adjoint.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A float32 product whose C rows are exactly three vectors and one value wide ({@code n = 3V + 1}): the 7x7 maps
 * of a classifier's last stage (49 positions) on a 512-bit species. {@link GemmF32Vector} cuts 49 columns into a
 * 32-column panel and a narrow tile of 17, which costs three quarters of a panel for about half a panel of work;
 * here one tile of 8 rows (an A panel) spans the whole row instead: 24 accumulators for the three vectors, and a
 * 25th holding the last column of the 8 rows (the panel's 8 values at a depth, times that column's B value). It
 * wastes 3% of its lanes where the panels waste 12%, and reads B in place (row {@code p} of B is {@code n} values
 * from {@code bOff + p * n}, as a pointwise convolution's input plane lies), so nothing is packed per call.
 *
 * <p>Alone, on stop 30's AVX-512 host (one thread, A packed, B in place, bias and ReLU6), tiles of 4 rows reached
 * 48-50 GMAC/s on MobileNet-v2's 7x7 products where the panels reach 44-46 (the micro-kernel's own peak is 58.5); in
 * the network its eight 7x7 pointwise layers took 1.72 ms instead of 1.85. Tiles of 8 rows took the network's 7x7
 * blocks and last 1x1 layer from 2.06 to 1.85-1.88 ms (stop 34, three runs each, one thread).
 *
 * <p>A is the filters packed once ({@link GemmF32Vector.Packed}, panels of {@link GemmF32Vector#MR} rows): a tile
 * reads a whole panel. Each depth block's sums are added to the earlier blocks' in C, as the panels' kernels do, so
 * the results are theirs bit for bit (with the sums kept in registers across blocks instead, a tile ran 4-7% faster
 * but a deep layer's first call, before its filters are packed, would differ from later ones in the last bits).
 */
final class WholeRowGemmF32 {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int V = SPECIES.length();
    /**
     * Rows of a tile, a whole A panel: 25 accumulators, 3 B vectors and 2 broadcasts fit AVX-512's 32 registers, and
     * each depth's 3 B loads and 8 broadcasts feed 25 multiply-adds where 4 rows' 3 and 4 fed 13.
     */
    private static final int ROWS = 8;
    /** The tile's rows of an A panel at one depth: the last column's sums are one vector over them. */
    private static final VectorMask<Float> TILE_ROWS = SPECIES.indexInRange(0, ROWS);
    /** Multiply-adds a thread's share of a product has at least. */
    private static final long PARALLEL_WORK = 1L << 20;
    private static final ThreadLocal<float[]> EDGE_ROWS = ThreadLocal.withInitial(() -> new float[ROWS * (3 * V + 1)]);

    private WholeRowGemmF32() {
    }

    /**
     * Whether a product with {@code n} columns runs here: rows of three vectors and one value, with A panels of a
     * whole number of tiles. Only a 512-bit species makes 49 that: AVX2's 8 lanes cut 49 into three whole 16-column
     * panels and one column, which the panels already handle well.
     */
    static boolean applies(int n) {
        return V == 16 && n == 3 * V + 1 && GemmF32Vector.MR % ROWS == 0;
    }

    /**
     * Overwrites C ({@code m x n}, rows {@code n} apart from {@code cOff}) with {@code A * B}, then applies
     * {@code finish} (if not null) to each tile while it is in cache. A is {@code packedA} ({@code m x k}); B is
     * {@code k x n}, row-major from {@code bOff}. With {@code mayFork} the tiles are shared out over the threads.
     */
    static void multiply(int m, int n, int k, GemmF32Vector.Packed packedA, float[] b, int bOff,
            GemmF32Vector.Epilogue finish, float[] c, int cOff, boolean mayFork) {
        if (!applies(n) || packedA.extent() != m || packedA.depth() != k || !packedA.isA()) {
            throw new IllegalArgumentException("whole-row product of " + m + " x " + k + " by " + k + " x " + n
                    + " with panels of " + packedA.extent() + " x " + packedA.depth());
        }
        int tiles = Math.ceilDiv(m, ROWS);
        Parallel.RangeBody body = (from, to) -> {
            for (int t = from; t < to; t++) {
                int row = t * ROWS, rows = Math.min(ROWS, m - row);
                int panel = row / GemmF32Vector.MR, first = row % GemmF32Vector.MR;
                if (rows == ROWS) {
                    tile(k, packedA, panel, first, b, bOff, c, cOff + row * n);
                } else {
                    // The panel's padding rows are zeros: sum all eight into a scratch tile, keep the real ones.
                    float[] edge = EDGE_ROWS.get();
                    tile(k, packedA, panel, first, b, bOff, edge, 0);
                    System.arraycopy(edge, 0, c, cOff + row * n, rows * n);
                }
                if (finish != null) {
                    finish(finish, c, cOff + row * n, row, rows);
                }
            }
        };
        if (mayFork) {
            Parallel.forRange(tiles, (int) Math.max(1, PARALLEL_WORK / ((long) ROWS * n * k)), body);
        } else {
            body.run(0, tiles);
        }
    }

    /**
     * Applies {@code finish} to {@code rows} rows of C from {@code at} (row {@code row} of the product first), as
     * {@link GemmF32Vector.Epilogue#apply} would: three whole vectors and the last value of each row. Not through
     * {@code apply}, whose masked tail made a 1280-row product's epilogue cost 9% of its multiply-adds.
     */
    private static void finish(GemmF32Vector.Epilogue finish, float[] c, int at, int row, int rows) {
        int n = 3 * V + 1;
        float[] residual = finish.residual();
        float low = finish.low(), high = finish.high();
        FloatVector lo = FloatVector.broadcast(SPECIES, low), hi = FloatVector.broadcast(SPECIES, high);
        for (int r = 0; r < rows; r++, at += n) {
            float bias = finish.rowBias()[finish.biasOffset() + row + r];
            FloatVector b = FloatVector.broadcast(SPECIES, bias);
            for (int j = 0; j < 3 * V; j += V) {
                FloatVector v = FloatVector.fromArray(SPECIES, c, at + j).add(b);
                if (residual != null) {
                    v = v.add(FloatVector.fromArray(SPECIES, residual, at + j));
                }
                v = v.blend(lo, v.compare(VectorOperators.LE, lo));
                v.blend(hi, v.compare(VectorOperators.GE, hi)).intoArray(c, at + j);
            }
            float last = c[at + 3 * V] + bias;
            if (residual != null) {
                last += residual[at + 3 * V];
            }
            c[at + 3 * V] = Math.min(Math.max(last, low), high);
        }
    }

    /**
     * Rows {@code first .. first + 7} of A panel {@code panel} times B, into eight rows of C from {@code cOff},
     * {@code 3V + 1} apart: depth block by depth block, each block's sums added to the previous blocks' in C, as
     * the panels' kernels do, so that the bits are theirs.
     */
    private static void tile(int k, GemmF32Vector.Packed packedA, int panel, int first, float[] b, int bOff,
            float[] c, int cOff) {
        for (int p = 0; p < k; p += GemmF32Vector.KC) {
            block(Math.min(GemmF32Vector.KC, k - p), packedA.data(), packedA.offset(p, panel) + first, b,
                    bOff + p * (3 * V + 1), c, cOff, p > 0);
        }
    }

    /**
     * One depth block of {@link #tile}: {@code kc} depths of A from {@code aOff} ({@link GemmF32Vector#MR} values
     * apart) and of B from {@code bOff}; with {@code accumulate}, the sums are added to what C holds. The stores are
     * written out: a helper taking the vectors would box them where it is not inlined.
     */
    private static void block(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
            boolean accumulate) {
        int mr = GemmF32Vector.MR, n = 3 * V + 1;
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00;
        FloatVector c40 = c00, c41 = c00, c42 = c00, c50 = c00, c51 = c00, c52 = c00;
        FloatVector c60 = c00, c61 = c00, c62 = c00, c70 = c00, c71 = c00, c72 = c00, last = c00;
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * mr, bi = bOff + p * n;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + V);
            FloatVector b2 = FloatVector.fromArray(SPECIES, b, bi + 2 * V);
            FloatVector x = FloatVector.broadcast(SPECIES, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(SPECIES, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(SPECIES, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(SPECIES, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            x = FloatVector.broadcast(SPECIES, a[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            c42 = x.fma(b2, c42);
            x = FloatVector.broadcast(SPECIES, a[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            c52 = x.fma(b2, c52);
            x = FloatVector.broadcast(SPECIES, a[ai + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            c62 = x.fma(b2, c62);
            x = FloatVector.broadcast(SPECIES, a[ai + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            c72 = x.fma(b2, c72);
            last = FloatVector.fromArray(SPECIES, a, ai, TILE_ROWS)
                    .fma(FloatVector.broadcast(SPECIES, b[bi + 3 * V]), last);
        }
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(SPECIES, c, cOff + 0 * n + 0 * V));
            c01 = c01.add(FloatVector.fromArray(SPECIES, c, cOff + 0 * n + 1 * V));
            c02 = c02.add(FloatVector.fromArray(SPECIES, c, cOff + 0 * n + 2 * V));
            c10 = c10.add(FloatVector.fromArray(SPECIES, c, cOff + 1 * n + 0 * V));
            c11 = c11.add(FloatVector.fromArray(SPECIES, c, cOff + 1 * n + 1 * V));
            c12 = c12.add(FloatVector.fromArray(SPECIES, c, cOff + 1 * n + 2 * V));
            c20 = c20.add(FloatVector.fromArray(SPECIES, c, cOff + 2 * n + 0 * V));
            c21 = c21.add(FloatVector.fromArray(SPECIES, c, cOff + 2 * n + 1 * V));
            c22 = c22.add(FloatVector.fromArray(SPECIES, c, cOff + 2 * n + 2 * V));
            c30 = c30.add(FloatVector.fromArray(SPECIES, c, cOff + 3 * n + 0 * V));
            c31 = c31.add(FloatVector.fromArray(SPECIES, c, cOff + 3 * n + 1 * V));
            c32 = c32.add(FloatVector.fromArray(SPECIES, c, cOff + 3 * n + 2 * V));
            c40 = c40.add(FloatVector.fromArray(SPECIES, c, cOff + 4 * n + 0 * V));
            c41 = c41.add(FloatVector.fromArray(SPECIES, c, cOff + 4 * n + 1 * V));
            c42 = c42.add(FloatVector.fromArray(SPECIES, c, cOff + 4 * n + 2 * V));
            c50 = c50.add(FloatVector.fromArray(SPECIES, c, cOff + 5 * n + 0 * V));
            c51 = c51.add(FloatVector.fromArray(SPECIES, c, cOff + 5 * n + 1 * V));
            c52 = c52.add(FloatVector.fromArray(SPECIES, c, cOff + 5 * n + 2 * V));
            c60 = c60.add(FloatVector.fromArray(SPECIES, c, cOff + 6 * n + 0 * V));
            c61 = c61.add(FloatVector.fromArray(SPECIES, c, cOff + 6 * n + 1 * V));
            c62 = c62.add(FloatVector.fromArray(SPECIES, c, cOff + 6 * n + 2 * V));
            c70 = c70.add(FloatVector.fromArray(SPECIES, c, cOff + 7 * n + 0 * V));
            c71 = c71.add(FloatVector.fromArray(SPECIES, c, cOff + 7 * n + 1 * V));
            c72 = c72.add(FloatVector.fromArray(SPECIES, c, cOff + 7 * n + 2 * V));
            c[cOff + 0 * n + 3 * V] += last.lane(0);
            c[cOff + 1 * n + 3 * V] += last.lane(1);
            c[cOff + 2 * n + 3 * V] += last.lane(2);
            c[cOff + 3 * n + 3 * V] += last.lane(3);
            c[cOff + 4 * n + 3 * V] += last.lane(4);
            c[cOff + 5 * n + 3 * V] += last.lane(5);
            c[cOff + 6 * n + 3 * V] += last.lane(6);
            c[cOff + 7 * n + 3 * V] += last.lane(7);
        } else {
            c[cOff + 0 * n + 3 * V] = last.lane(0);
            c[cOff + 1 * n + 3 * V] = last.lane(1);
            c[cOff + 2 * n + 3 * V] = last.lane(2);
            c[cOff + 3 * n + 3 * V] = last.lane(3);
            c[cOff + 4 * n + 3 * V] = last.lane(4);
            c[cOff + 5 * n + 3 * V] = last.lane(5);
            c[cOff + 6 * n + 3 * V] = last.lane(6);
            c[cOff + 7 * n + 3 * V] = last.lane(7);
        }
        c00.intoArray(c, cOff + 0 * n + 0 * V);
        c01.intoArray(c, cOff + 0 * n + 1 * V);
        c02.intoArray(c, cOff + 0 * n + 2 * V);
        c10.intoArray(c, cOff + 1 * n + 0 * V);
        c11.intoArray(c, cOff + 1 * n + 1 * V);
        c12.intoArray(c, cOff + 1 * n + 2 * V);
        c20.intoArray(c, cOff + 2 * n + 0 * V);
        c21.intoArray(c, cOff + 2 * n + 1 * V);
        c22.intoArray(c, cOff + 2 * n + 2 * V);
        c30.intoArray(c, cOff + 3 * n + 0 * V);
        c31.intoArray(c, cOff + 3 * n + 1 * V);
        c32.intoArray(c, cOff + 3 * n + 2 * V);
        c40.intoArray(c, cOff + 4 * n + 0 * V);
        c41.intoArray(c, cOff + 4 * n + 1 * V);
        c42.intoArray(c, cOff + 4 * n + 2 * V);
        c50.intoArray(c, cOff + 5 * n + 0 * V);
        c51.intoArray(c, cOff + 5 * n + 1 * V);
        c52.intoArray(c, cOff + 5 * n + 2 * V);
        c60.intoArray(c, cOff + 6 * n + 0 * V);
        c61.intoArray(c, cOff + 6 * n + 1 * V);
        c62.intoArray(c, cOff + 6 * n + 2 * V);
        c70.intoArray(c, cOff + 7 * n + 0 * V);
        c71.intoArray(c, cOff + 7 * n + 1 * V);
        c72.intoArray(c, cOff + 7 * n + 2 * V);
    }
}
