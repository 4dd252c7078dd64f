package dev.adjoint.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * Splits kernel work over the CPU's cores. The number of threads is the system property
 * {@code adjoint.cpu.threads}, default all available processors; benchmarks set it to compare 1
 * and 2 threads. Small work runs on the calling thread: forking costs microseconds, which would
 * dominate the sub-microsecond ops on small tensors.
 */
final class Parallel {
    /** The system property that fixes the number of kernel threads. */
    static final String THREADS_PROPERTY = "adjoint.cpu.threads";

    private static final int THREADS = Math.max(1,
            Integer.getInteger(THREADS_PROPERTY, Runtime.getRuntime().availableProcessors()));
    private static final ForkJoinPool POOL = THREADS > 1 ? new ForkJoinPool(THREADS) : null;

    /** A body run over the index range {@code [from, to)}. */
    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    private Parallel() {
    }

    static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code body} over {@code [0, n)} in at most {@link #threads()} contiguous chunks, each at
     * least {@code minChunk} long; with one chunk it runs inline on the caller.
     */
    static void forRange(int n, int minChunk, RangeBody body) {
        int chunks = (int) Math.min(THREADS, Math.max(1L, n / Math.max(1, minChunk)));
        if (chunks <= 1 || POOL == null) {
            body.run(0, n);
            return;
        }
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks);
            int to = (int) ((long) n * (c + 1) / chunks);
            tasks[c - 1] = POOL.submit(new RecursiveAction() {
                private static final long serialVersionUID = 1L;

                @Override
                protected void compute() {
                    body.run(from, to);
                }
            });
        }
        body.run(0, (int) ((long) n / chunks));
        for (ForkJoinTask<?> t : tasks) {
            t.join();
        }
    }
}
