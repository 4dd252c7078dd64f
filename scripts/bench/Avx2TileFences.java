import java.lang.invoke.VarHandle;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The AVX2 micro-tiles on panels in L1, as {@code KernelShapes} does for AVX-512: 4 x 2 vectors (eight FMA chains),
 * 6 x 2 as written, and 6 x 2 with {@code VarHandle.acquireFence()} after each row, the form {@code
 * GemmF32Vector.kernel6} takes. C2 schedules every load of an iteration before the first FMA, so the plain 6 x 2
 * needs 20 of AVX2's 16 registers and spills; the fence (no instruction on x86) keeps each broadcast below the
 * previous row. Prints each tile's best rate in GFLOPS; stop 35's host: 108.7, 50.7 and 116.0.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -XX:UseAVX=2 -XX:MaxVectorSize=32 scripts/bench/Avx2TileFences.java
 * </pre>
 */
public class Avx2TileFences {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int V = S.length();

    /** GemmF32Vector's tile before stop 35: eight FMA chains. */
    static void k4(int kc, float[] pa, float[] pb, float[] c) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = p * 2 * V, ai = p * 4;
            FloatVector b0 = FloatVector.fromArray(S, pb, bi), b1 = FloatVector.fromArray(S, pb, bi + V);
            FloatVector a = FloatVector.broadcast(S, pa[ai]); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, pa[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, pa[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, pa[ai + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
        }
        c00.add(c01).add(c10).add(c11).add(c20).add(c21).add(c30).add(c31).intoArray(c, 0);
    }

    /** 6 x 2 as written: C2 issues all six broadcasts first and spills accumulators. */
    static void k6(int kc, float[] pa, float[] pb, float[] c) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = p * 2 * V, ai = p * 6;
            FloatVector b0 = FloatVector.fromArray(S, pb, bi), b1 = FloatVector.fromArray(S, pb, bi + V);
            FloatVector a = FloatVector.broadcast(S, pa[ai]); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, pa[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, pa[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, pa[ai + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, pa[ai + 4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, pa[ai + 5]); c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
        }
        c00.add(c01).add(c10).add(c11).add(c20).add(c21).add(c30).add(c31).add(c40).add(c41).add(c50).add(c51).intoArray(c, 0);
    }

    /** 6 x 2 with an acquire fence after each row: one broadcast live at a time. */
    static void k6g(int kc, float[] pa, float[] pb, float[] c) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = p * 2 * V, ai = p * 6;
            FloatVector b0 = FloatVector.fromArray(S, pb, bi), b1 = FloatVector.fromArray(S, pb, bi + V);
            FloatVector a = FloatVector.broadcast(S, pa[ai]); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            VarHandle.acquireFence();
            a = FloatVector.broadcast(S, pa[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            VarHandle.acquireFence();
            a = FloatVector.broadcast(S, pa[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            VarHandle.acquireFence();
            a = FloatVector.broadcast(S, pa[ai + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
            VarHandle.acquireFence();
            a = FloatVector.broadcast(S, pa[ai + 4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
            VarHandle.acquireFence();
            a = FloatVector.broadcast(S, pa[ai + 5]); c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
        }
        c00.add(c01).add(c10).add(c11).add(c20).add(c21).add(c30).add(c31).add(c40).add(c41).add(c50).add(c51).intoArray(c, 0);
    }

    interface Tile {
        void run(int kc, float[] pa, float[] pb, float[] c);
    }

    public static void main(String[] args) {
        int kc = 256;
        float[] pa = new float[6 * kc], pb = new float[2 * V * kc], c = new float[V];
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < pa.length; i++) {
            pa[i] = random.nextFloat();
        }
        for (int i = 0; i < pb.length; i++) {
            pb[i] = random.nextFloat();
        }
        String[] names = {"4x2", "6x2", "6x2 fenced"};
        Tile[] tiles = {Avx2TileFences::k4, Avx2TileFences::k6, Avx2TileFences::k6g};
        int[] rows = {4, 6, 6};
        for (int round = 0; round < 6; round++) {
            StringBuilder line = new StringBuilder("round " + round + ":");
            for (int t = 0; t < tiles.length; t++) {
                double best = 0;
                for (int rep = 0; rep < 20; rep++) {
                    int calls = 20_000;
                    long start = System.nanoTime();
                    for (int i = 0; i < calls; i++) {
                        tiles[t].run(kc, pa, pb, c);
                    }
                    best = Math.max(best, 2.0 * rows[t] * 2 * V * kc * calls / (System.nanoTime() - start));
                }
                line.append(String.format("  %s %.1f GFLOPS", names[t], best));
            }
            System.out.println(line);
        }
        System.out.println("(checksum " + c[0] + ")");
    }
}
