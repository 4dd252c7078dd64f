import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * How fast the GEMM's micro-kernel can multiply when its panels sit in L1: the 8 x 32 tile of {@code GemmF32Vector}
 * (rows x columns, two vectors of 16 on AVX-512) written the same way, and two larger tiles that use more of the 32
 * vector registers, 12 x 32 and 8 x 48. Each runs one pair of packed panels ({@code MR x kc} of A, {@code kc x NR}
 * of B) over and over and prints its best rate in multiply-adds per second. If a tile shape were what holds the
 * network's layers back, a larger tile would run faster here; on stop 29's AVX-512 host all three ran at 58.3-58.7
 * GMAC/s (3.67 GHz x 16 lanes), while the layers reach 43-45.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector scripts/bench/KernelShapes.java
 * </pre>
 */
public class KernelShapes {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int V = S.length();

    static void k8x32(int kc, float[] pa, float[] pb, float[] c) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = p * 2 * V, ai = p * 8;
            FloatVector b0 = FloatVector.fromArray(S, pb, bi), b1 = FloatVector.fromArray(S, pb, bi + V);
            FloatVector a = FloatVector.broadcast(S, pa[ai]); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, pa[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, pa[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, pa[ai + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, pa[ai + 4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, pa[ai + 5]); c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, pa[ai + 6]); c60 = a.fma(b0, c60); c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, pa[ai + 7]); c70 = a.fma(b0, c70); c71 = a.fma(b1, c71);
        }
        c00.add(c01).add(c10).add(c11).add(c20).add(c21).add(c30).add(c31).add(c40).add(c41).add(c50).add(c51)
                .add(c60).add(c61).add(c70).add(c71).intoArray(c, 0);
    }

    static void k12x32(int kc, float[] pa, float[] pb, float[] c) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        FloatVector c80 = c00, c81 = c00, c90 = c00, c91 = c00, ca0 = c00, ca1 = c00, cb0 = c00, cb1 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = p * 2 * V, ai = p * 12;
            FloatVector b0 = FloatVector.fromArray(S, pb, bi), b1 = FloatVector.fromArray(S, pb, bi + V);
            FloatVector a = FloatVector.broadcast(S, pa[ai]); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, pa[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, pa[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, pa[ai + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, pa[ai + 4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, pa[ai + 5]); c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, pa[ai + 6]); c60 = a.fma(b0, c60); c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, pa[ai + 7]); c70 = a.fma(b0, c70); c71 = a.fma(b1, c71);
            a = FloatVector.broadcast(S, pa[ai + 8]); c80 = a.fma(b0, c80); c81 = a.fma(b1, c81);
            a = FloatVector.broadcast(S, pa[ai + 9]); c90 = a.fma(b0, c90); c91 = a.fma(b1, c91);
            a = FloatVector.broadcast(S, pa[ai + 10]); ca0 = a.fma(b0, ca0); ca1 = a.fma(b1, ca1);
            a = FloatVector.broadcast(S, pa[ai + 11]); cb0 = a.fma(b0, cb0); cb1 = a.fma(b1, cb1);
        }
        c00.add(c01).add(c10).add(c11).add(c20).add(c21).add(c30).add(c31).add(c40).add(c41).add(c50).add(c51)
                .add(c60).add(c61).add(c70).add(c71).add(c80).add(c81).add(c90).add(c91).add(ca0).add(ca1).add(cb0)
                .add(cb1).intoArray(c, 0);
    }

    static void k8x48(int kc, float[] pa, float[] pb, float[] c) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00;
        FloatVector c40 = c00, c41 = c00, c42 = c00, c50 = c00, c51 = c00, c52 = c00;
        FloatVector c60 = c00, c61 = c00, c62 = c00, c70 = c00, c71 = c00, c72 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = p * 3 * V, ai = p * 8;
            FloatVector b0 = FloatVector.fromArray(S, pb, bi), b1 = FloatVector.fromArray(S, pb, bi + V),
                    b2 = FloatVector.fromArray(S, pb, bi + 2 * V);
            FloatVector a = FloatVector.broadcast(S, pa[ai]);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01); c02 = a.fma(b2, c02);
            a = FloatVector.broadcast(S, pa[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11); c12 = a.fma(b2, c12);
            a = FloatVector.broadcast(S, pa[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21); c22 = a.fma(b2, c22);
            a = FloatVector.broadcast(S, pa[ai + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31); c32 = a.fma(b2, c32);
            a = FloatVector.broadcast(S, pa[ai + 4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41); c42 = a.fma(b2, c42);
            a = FloatVector.broadcast(S, pa[ai + 5]); c50 = a.fma(b0, c50); c51 = a.fma(b1, c51); c52 = a.fma(b2, c52);
            a = FloatVector.broadcast(S, pa[ai + 6]); c60 = a.fma(b0, c60); c61 = a.fma(b1, c61); c62 = a.fma(b2, c62);
            a = FloatVector.broadcast(S, pa[ai + 7]); c70 = a.fma(b0, c70); c71 = a.fma(b1, c71); c72 = a.fma(b2, c72);
        }
        c00.add(c01).add(c02).add(c10).add(c11).add(c12).add(c20).add(c21).add(c22).add(c30).add(c31).add(c32)
                .add(c40).add(c41).add(c42).add(c50).add(c51).add(c52).add(c60).add(c61).add(c62).add(c70).add(c71)
                .add(c72).intoArray(c, 0);
    }

    /** One kernel: {@code kc} steps over the panels, its accumulators summed into {@code c} so none is dead. */
    interface K {
        void run(int kc, float[] pa, float[] pb, float[] c);
    }

    static double time(String name, K k, int mr, int nr, int kc) {
        float[] pa = new float[kc * mr], pb = new float[kc * nr], c = new float[V];
        for (int i = 0; i < pa.length; i++) pa[i] = (i % 7) * 0.01f;
        for (int i = 0; i < pb.length; i++) pb[i] = (i % 5) * 0.01f;
        double best = 0;
        for (int round = 0; round < 30; round++) {
            int reps = 20000;
            long t0 = System.nanoTime();
            for (int r = 0; r < reps; r++) k.run(kc, pa, pb, c);
            long ns = System.nanoTime() - t0;
            best = Math.max(best, (double) reps * kc * mr * nr / ns);
        }
        System.out.printf("%-6s kc %3d: %.1f GMAC/s%n", name, kc, best);
        return best;
    }

    public static void main(String[] a) {
        for (int kc : new int[] {64, 256}) {
            time("8x32", KernelShapes::k8x32, 8, 32, kc);
            time("12x32", KernelShapes::k12x32, 12, 32, kc);
            time("8x48", KernelShapes::k8x48, 8, 48, kc);
        }
    }
}
