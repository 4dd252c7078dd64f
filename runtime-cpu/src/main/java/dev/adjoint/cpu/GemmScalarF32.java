package dev.adjoint.cpu;

import java.util.Arrays;

//autocode:variants float64,int32,int64 (generated from this file at build time: docs/design.md)
/**
 * Scalar reference float32 GEMM: {@code C = A * B} with A {@code m x k}, B {@code k x n}, both
 * addressed through row and column strides (so transposes are free) and C row-major with rows
 * {@code ldc} apart. The loop order is i-p-j: each C row is built by adding scaled rows of B, which
 * walks B and C contiguously in the common untransposed case. With {@code mayFork} large products
 * split their rows over {@link Parallel#threads()} cores.
 */
final class GemmScalarF32 {
    /** Below this many multiply-adds one thread is faster than forking. */
    static final long PARALLEL_WORK = 1L << 18;

    private GemmScalarF32() {
    }

    static void gemm(int m, int n, int k, float[] a, int aOff, int rsA, int csA, float[] b, int bOff, int rsB,
            int csB, float[] c, int cOff, int ldc, boolean mayFork) {
        rows(m, n, k, mayFork, (from, to) -> {
            for (int i = from; i < to; i++) {
                int ci = cOff + i * ldc;
                Arrays.fill(c, ci, ci + n, 0f);
                for (int p = 0; p < k; p++) {
                    float aip = a[aOff + i * rsA + p * csA];
                    int bp = bOff + p * rsB;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += aip * b[bp + j * csB];
                    }
                }
            }
        });
    }

    /** Runs {@code body} over the rows, split over cores when the product is large enough to pay for it. */
    private static void rows(int m, int n, int k, boolean mayFork, Parallel.RangeBody body) {
        long rowWork = Math.max(1L, (long) n * k);
        if (!mayFork || (long) m * rowWork < PARALLEL_WORK) {
            body.run(0, m);
            return;
        }
        Parallel.forRange(m, (int) Math.max(1L, Math.min(m, PARALLEL_WORK / rowWork)), body);
    }
}
