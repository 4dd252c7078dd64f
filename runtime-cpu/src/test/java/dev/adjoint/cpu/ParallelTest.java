package dev.adjoint.cpu;

import static dev.adjoint.cpu.MatmulTestSupport.VECTOR;
import static dev.adjoint.cpu.MatmulTestSupport.randomValues;
import static dev.adjoint.cpu.MatmulTestSupport.storage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.op.Conv2dSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {
    private static final CpuBackend CPU = new CpuBackend();


    /** Runs forRange and checks that every index was run exactly once and every piece respected minChunk. */
    private static void checkCovers(int n, int minChunk) {
        AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(1, n));
        List<int[]> pieces = java.util.Collections.synchronizedList(new ArrayList<>());
        Parallel.forRange(n, minChunk, (from, to) -> {
            pieces.add(new int[] {from, to});
            for (int i = from; i < to; i++) {
                hits.incrementAndGet(i);
            }
        });
        for (int i = 0; i < n; i++) {
            assertEquals(1, hits.get(i), "index " + i + " of " + n + " (minChunk " + minChunk + ")");
        }
        if (pieces.size() > 1) {
            for (int[] p : pieces) {
                assertTrue(p[1] - p[0] >= minChunk, "piece " + p[0] + ".." + p[1] + " shorter than " + minChunk);
            }
        }
        assertTrue(pieces.size() <= Math.max(1, Parallel.threads() * 4), pieces.size() + " pieces");
    }

    @Test
    void everyIndexRunsOnceWhateverTheSplit() {
        SplittableRandom random = new SplittableRandom(3);
        for (int trial = 0; trial < 2000; trial++) {
            int n = random.nextInt(0, 300);
            int minChunk = random.nextInt(0, 40);
            checkCovers(n, minChunk);
        }
        // Piece bounds near the int range do not overflow.
        int n = Integer.MAX_VALUE - 7;
        java.util.concurrent.atomic.AtomicLong covered = new java.util.concurrent.atomic.AtomicLong();
        Parallel.forRange(n, n / 16, (from, to) -> {
            assertTrue(0 <= from && from < to && to <= n, from + ".." + to);
            covered.addAndGet(to - from);
        });
        assertEquals(n, covered.get());
    }

    @Test
    void theCallerRunsEverythingWhenSerial() {
        Thread caller = Thread.currentThread();
        ConcurrentHashMap<Thread, Boolean> seen = new ConcurrentHashMap<>();
        Parallel.serially(() -> {
            Parallel.forRange(1000, 1, (from, to) -> seen.put(Thread.currentThread(), true));
            return null;
        });
        assertEquals(1, seen.size());
        assertTrue(seen.containsKey(caller));
    }

    @Test
    void aLimitOfOneKeepsEverySplitOnTheCaller() {
        Thread caller = Thread.currentThread();
        ConcurrentHashMap<Thread, Boolean> seen = new ConcurrentHashMap<>();
        int inside = CPU.withThreadLimit(1, () -> {
            Parallel.forRange(1000, 1, (from, to) -> seen.put(Thread.currentThread(), true));
            return Parallel.threads();
        });
        assertEquals(1, inside);
        assertEquals(Map.of(caller, true), Map.copyOf(seen));
        assertEquals(CPU.kernelThreads(), Parallel.threads(), "the limit ends with its task");
    }

    @Test
    void limitsNestOnlyDownwardsAndNeverAboveThePool() {
        int pool = CPU.kernelThreads();
        assertEquals(pool, CPU.withThreadLimit(pool + 5, Parallel::threads));
        int[] seen = CPU.withThreadLimit(1, () -> new int[] {Parallel.threads(),
                CPU.withThreadLimit(4, Parallel::threads), Parallel.threads()});
        assertArrayEquals(new int[] {1, 1, 1}, seen);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CPU.withThreadLimit(0, () -> 1));
        assertTrue(e.getMessage().contains("at least 1, got 0"), e.getMessage());
    }

    @Test
    void nestedSplitsRunInsideTheirPiece() {
        AtomicIntegerArray hits = new AtomicIntegerArray(64 * 64);
        Parallel.forRange(64, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                int row = i;
                Parallel.forRange(64, 1, (a, b) -> {
                    for (int j = a; j < b; j++) {
                        hits.incrementAndGet(row * 64 + j);
                    }
                });
            }
        });
        for (int i = 0; i < hits.length(); i++) {
            assertEquals(1, hits.get(i));
        }
    }

    @Test
    void helpersStayAwakeInsideABurstAndSleepAfterIt() {
        assumeTrue(Parallel.poolThreads() > 1, "needs a pool of more than one thread");
        int outside = Parallel.awakeScopes();
        AtomicIntegerArray hits = new AtomicIntegerArray(64);
        String result = CPU.inBurst(() -> {
            assertEquals(outside + 1, Parallel.awakeScopes());
            Parallel.forRange(64, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    hits.incrementAndGet(i);
                }
            });
            // Far longer than the spin after a piece: inside the burst the helpers must still be awake.
            sleepMillis(40);
            assertFalse(Parallel.helpersAsleep(), "a helper went to sleep inside a burst");
            return "done";
        });
        assertEquals("done", result);
        for (int i = 0; i < 64; i++) {
            assertEquals(1, hits.get(i), "index " + i);
        }
        assertEquals(outside, Parallel.awakeScopes());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!Parallel.helpersAsleep() && System.nanoTime() < deadline) {
            sleepMillis(1);
        }
        assertTrue(Parallel.helpersAsleep(), "helpers still spinning 5 s after the burst");
        // A burst wakes the sleeping helpers as it starts, before its first split.
        CPU.inBurst(() -> {
            long wake = System.nanoTime() + 5_000_000_000L;
            while (Parallel.helpersAsleep() && System.nanoTime() < wake) {
                Thread.onSpinWait();
            }
            assertFalse(Parallel.helpersAsleep(), "a burst with no split yet left its helpers asleep");
            return null;
        });
        // A burst on one thread keeps no helper awake, and a failing burst closes its scope.
        Parallel.serially(() -> CPU.inBurst(() -> {
            assertEquals(outside, Parallel.awakeScopes());
            return null;
        }));
        assertThrows(IllegalStateException.class, () -> CPU.inBurst(() -> {
            throw new IllegalStateException("fails");
        }));
        assertEquals(outside, Parallel.awakeScopes());
    }

    /**
     * Each thread runs its own contiguous share of the pieces first, the caller the first share: while the caller is
     * held inside piece 0, a helper that joins must start at the first piece of the second share, not take piece 1.
     * Consecutive splits of one shape thus put the same indices on the same core (a layer's input stays in the cache
     * of the core that wrote it). The caller then also runs what is left, so every index still runs exactly once.
     */
    @Test
    void eachThreadStartsWithItsOwnContiguousShare() {
        assumeTrue(Parallel.poolThreads() == 2, "the shares below are those of two threads");
        int n = 8;
        Thread caller = Thread.currentThread();
        java.util.concurrent.CountDownLatch helperStarted = new java.util.concurrent.CountDownLatch(1);
        int[] helperFirst = {-1};
        AtomicIntegerArray hits = new AtomicIntegerArray(n);
        CPU.inBurst(() -> {
            Parallel.forRange(n, 1, (from, to) -> {
                if (Thread.currentThread() == caller) {
                    if (from == 0) {
                        try {
                            // The helper's first piece, while the caller cannot take anything.
                            helperStarted.await(5, java.util.concurrent.TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                } else if (helperFirst[0] < 0) {
                    helperFirst[0] = from;
                    helperStarted.countDown();
                }
                for (int i = from; i < to; i++) {
                    hits.incrementAndGet(i);
                }
            });
            return null;
        });
        assertEquals(n / 2, helperFirst[0], "the helper's first piece");
        for (int i = 0; i < n; i++) {
            assertEquals(1, hits.get(i), "index " + i);
        }
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void aFailingPieceIsRethrownAfterTheOthersFinish() {
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        AtomicIntegerArray running = new AtomicIntegerArray(1);
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> Parallel.forRange(1000, 1, (from, to) -> {
                    running.incrementAndGet(0);
                    try {
                        busyWork(20_000);
                        if (from == 0) {
                            throw boom;
                        }
                    } finally {
                        running.decrementAndGet(0);
                    }
                }));
        assertSame(boom, thrown);
        assertEquals(0, running.get(0), "a piece was still running when forRange returned");
        // The pool still works afterwards.
        checkCovers(1000, 1);
    }

    @Test
    void concurrentCallersEachGetTheirWholeRange() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                futures.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    for (int i = 0; i < 500; i++) {
                        checkCovers(random.nextInt(1, 2000), random.nextInt(1, 50));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Batch-1 convolutions of ResNet-18 and MobileNet-v2 shapes: the split result equals the one-thread result.
     * The 14x14 and 13x13 3x3 layers are one Winograd block, whose phases the threads share.
     */
    @Test
    void splitConvolutionsEqualOneThread() {
        SplittableRandom random = new SplittableRandom(11);
        int[][] layers = {
            // channels, size, outChannels, kernel, stride, pad, groups
            {3, 56, 64, 7, 2, 3, 1}, {64, 28, 64, 3, 1, 1, 1}, {256, 14, 256, 3, 1, 1, 1}, {48, 13, 40, 3, 1, 1, 1}, {64, 28, 128, 3, 2, 1, 1}, {256, 7, 256, 3, 1, 1, 1},
            {512, 7, 512, 3, 1, 1, 1}, {64, 28, 128, 1, 2, 0, 1}, {96, 28, 24, 1, 1, 0, 1}, {160, 7, 960, 1, 1, 0, 1},
            {144, 28, 144, 3, 1, 1, 144}, {144, 28, 144, 3, 2, 1, 144},
        };
        for (int[] l : layers) {
            int c = l[0], size = l[1], o = l[2], k = l[3];
            Conv2dSpec spec = Conv2dSpec.of(l[4], l[5], 1, l[6]);
            Shape xs = Shape.of(1, c, size, size), ws = Shape.of(o, c / l[6], k, k);
            int oh = spec.outHeight(size, k), ow = spec.outWidth(size, k);
            Shape os = Shape.of(1, o, oh, ow);
            CpuStorage x = storage(VECTOR, DType.FLOAT32, randomValues(random, DType.FLOAT32, (int) xs.size()));
            CpuStorage w = storage(VECTOR, DType.FLOAT32, randomValues(random, DType.FLOAT32, (int) ws.size()));
            float[] split = ((CpuStorage) Convolution.conv2d(VECTOR, x, xs, w, ws, spec, os, true)).floats().clone();
            float[] alone = Parallel.serially(() -> ((CpuStorage) Convolution.conv2d(VECTOR, x, xs, w, ws, spec, os,
                    true)).floats().clone());
            assertArrayEquals(alone, split, java.util.Arrays.toString(l));
        }
    }

    private static double busyWork(int iterations) {
        double s = 0;
        for (int i = 0; i < iterations; i++) {
            s += Math.sqrt(i);
        }
        return s;
    }
}
