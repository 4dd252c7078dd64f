package dev.adjoint.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Splits kernel work over the CPU's cores. The number of threads is the system property
 * {@code adjoint.cpu.threads}, default all available processors; benchmarks set it to compare 1
 * and 2 threads. Small work runs on the calling thread: forking costs microseconds, which would
 * dominate the sub-microsecond ops on small tensors.
 *
 * <p>A split range is cut into pieces (a few per thread, each at least the caller's {@code minChunk}) that the
 * calling thread and {@code threads - 1} helper threads share: each first runs its own contiguous share of the
 * pieces (the caller the first), then takes what is left of the others' shares, so that splits of the same shape
 * put the same indices on the same core layer after layer. The caller never waits for a helper to start: a helper
 * that wakes late (a sleeping thread takes tens of microseconds to run again, more when another process holds its
 * core) finds its share taken and goes back to waiting, so a layer is never slower on two threads than the caller
 * alone would be by more than the piece a late helper is still finishing. Helpers spin briefly
 * ({@code adjoint.cpu.spinMicros}, default 50) after each piece before they sleep, so that consecutive ops find them
 * awake; inside {@link #awake} (an inference of a network) they do not sleep at all, as a network's single-threaded
 * stretches (packing, small ops) can outlast that spin, and a sleeping helper joins the next split tens of
 * microseconds late (BurstBenchmark). A burst wakes sleeping helpers as it starts, and they linger spinning for
 * 2 ms after it ends ({@code adjoint.cpu.burstLingerMicros}), ready for the next request. One split runs at a time;
 * a split requested while one is running (from inside a body, or from another application thread) runs on its own
 * caller's thread.
 *
 * <p>A caller may use fewer threads than the pool has ({@link #limited}, public as
 * {@link CpuBackend#withThreadLimit}): the inference engine's {@code INFERENCE_NUM_THREADS} is such a limit, set per
 * request rather than per JVM.
 */
final class Parallel {
    /** The system property that fixes the number of kernel threads. */
    static final String THREADS_PROPERTY = "adjoint.cpu.threads";

    private static final int THREADS = Math.max(1,
            Integer.getInteger(THREADS_PROPERTY, Runtime.getRuntime().availableProcessors()));
    /** Pieces per thread when the work allows: a thread slowed by another process leaves its rest to the others. */
    private static final int PIECES_PER_THREAD = 4;
    /** How long a helper (and a caller waiting for the last pieces) spins before it sleeps. */
    private static final long SPIN_NANOS = Math.max(0, Long.getLong("adjoint.cpu.spinMicros", 50)) * 1000;
    /**
     * How long helpers keep spinning after a burst ({@link #awake}) ends, so that the next inference of a serving loop
     * starts on every thread: a sleeping helper joined MobileNet-v2's first layer late (two threads, its 3x3 stem
     * 0.44 ms with 50 us of spin, 0.35 ms with 2 ms). OpenMP's threads spin 200 ms by default, ONNX Runtime's pool
     * spins too; 2 ms of one core per idle gap is the price.
     */
    private static final long BURST_LINGER_NANOS =
            Math.max(0, Long.getLong("adjoint.cpu.burstLingerMicros", 2000)) * 1000;

    /** A body run over the index range {@code [from, to)}. */
    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    /** One split range: its pieces are taken through {@code cursors}; {@code done} counts finished ones. */
    private static final class Job {
        final RangeBody body;
        final int n;
        final int pieces;
        final Thread caller;
        /** How many helpers may take pieces: the caller's thread limit less itself. */
        final int helpersAllowed;
        final AtomicInteger helpersJoined = new AtomicInteger();
        /** Per participant, the next piece of its share ({@link #work}). */
        final AtomicIntegerArray cursors;
        final AtomicInteger done = new AtomicInteger();
        volatile boolean callerParked;
        volatile Throwable failure;

        Job(RangeBody body, int n, int pieces, Thread caller, int helpersAllowed) {
            this.body = body;
            this.n = n;
            this.pieces = pieces;
            this.caller = caller;
            this.helpersAllowed = helpersAllowed;
            int participants = helpersAllowed + 1;
            this.cursors = new AtomicIntegerArray(participants);
            for (int share = 0; share < participants; share++) {
                cursors.set(share, (int) ((long) pieces * share / participants));
            }
        }

        /** A helper's turn: works unless the caller's limit is already reached by other helpers. */
        void help() {
            int self = helpersJoined.incrementAndGet();
            if (self <= helpersAllowed) {
                work(self);
            }
        }

        /**
         * Runs pieces until none is left, its own share first: participant {@code self} (the caller 0, helpers from 1
         * in the order they join) owns the contiguous pieces {@code [self, self + 1) * pieces / participants}, then
         * takes what is left of the others' shares, in order. So consecutive splits of the same shape put the same
         * indices on the same thread, and a layer finds most of its input in the cache of the core that wrote it,
         * while a thread slowed by another process still leaves its rest to the others. Handing pieces out from one
         * counter in turn put half of every activation on the other core: MobileNet-v2 on two threads took 1.13-1.16x
         * as long, ResNet-18 1.05x (NetAb). False when this thread took none.
         */
        boolean work(int self) {
            boolean any = false;
            int participants = cursors.length();
            for (int i = 0; i < participants; i++) {
                int share = (self + i) % participants;
                int end = (int) ((long) pieces * (share + 1) / participants);
                for (int p = cursors.getAndIncrement(share); p < end; p = cursors.getAndIncrement(share)) {
                    any = true;
                    runPiece(p);
                }
            }
            return any;
        }

        private void runPiece(int p) {
            try {
                if (failure == null) {
                    body.run((int) ((long) n * p / pieces), (int) ((long) n * (p + 1) / pieces));
                }
            } catch (Throwable t) {
                failure = t;
            } finally {
                if (done.incrementAndGet() == pieces && callerParked) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    /** The helper threads, started on the first split. */
    private static final class Helper extends Thread {
        volatile boolean sleeping;
        private long seen;

        Helper(int index) {
            super("adjoint-cpu-" + index);
            setDaemon(true);
            seen = sequence;
        }

        @Override
        public void run() {
            while (true) {
                Job job = awaitJob();
                job.help();
            }
        }

        private Job awaitJob() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (true) {
                long s = sequence;
                if (s != seen) {
                    seen = s;
                    return current;
                }
                long now = System.nanoTime();
                if (now < spinUntil || AWAKE.get() > 0 || now - burstEnded < BURST_LINGER_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                sleeping = true;
                if (sequence == seen) {
                    LockSupport.park(this);
                }
                sleeping = false;
            }
        }
    }

    private static final AtomicBoolean BUSY = new AtomicBoolean();
    /** Open {@link #awake} scopes that may split work: while there are any, helpers spin instead of sleeping. */
    private static final AtomicInteger AWAKE = new AtomicInteger();
    /** When the last {@link #awake} scope closed ({@link System#nanoTime}); helpers linger spinning after it. */
    private static volatile long burstEnded = System.nanoTime() - BURST_LINGER_NANOS;
    /** The calling thread's limit on kernel threads, when it set one ({@link #limited}). */
    private static final ThreadLocal<Integer> LIMIT = new ThreadLocal<>();
    private static volatile Job current;
    private static volatile long sequence;
    private static volatile Helper[] helpers;

    private Parallel() {
    }

    /** The kernel threads the calling thread's splits use: the pool's, or fewer inside {@link #limited}. */
    static int threads() {
        Integer limit = LIMIT.get();
        return limit == null ? THREADS : Math.min(THREADS, limit);
    }

    /** The pool's threads, the calling one included ({@code adjoint.cpu.threads}, default all processors). */
    static int poolThreads() {
        return THREADS;
    }

    /**
     * Runs {@code body} over {@code [0, n)} in contiguous pieces, each at least {@code minChunk}
     * long, shared by the calling thread and up to {@code threads() - 1} helpers; with one piece it
     * runs inline on the caller. Every index is run exactly once; the first exception a piece throws
     * is rethrown here once every piece that had started has finished.
     */
    static void forRange(int n, int minChunk, RangeBody body) {
        int threads = threads();
        long most = Math.max(1L, n / Math.max(1, minChunk));
        int pieces = (int) Math.min(most, (long) threads * PIECES_PER_THREAD);
        if (pieces <= 1 || threads == 1 || !BUSY.compareAndSet(false, true)) {
            body.run(0, n);
            return;
        }
        Job job = new Job(body, n, pieces, Thread.currentThread(), threads - 1);
        try {
            Helper[] hs = helpers();
            current = job;
            sequence++;
            wakeSleeping(hs);
            job.work(0);
            awaitPieces(job);
        } finally {
            BUSY.set(false);
        }
        Throwable failure = job.failure;
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    private static void wakeSleeping(Helper[] hs) {
        for (Helper h : hs) {
            if (h.sleeping) {
                LockSupport.unpark(h);
            }
        }
    }

    /** Waits until the pieces other threads took are finished: a short spin, then sleep until the last one wakes us. */
    private static void awaitPieces(Job job) {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (job.done.get() < job.pieces) {
            if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
                continue;
            }
            job.callerParked = true;
            if (job.done.get() < job.pieces) {
                LockSupport.park(job);
            }
        }
    }

    /**
     * Runs {@code task} as with {@code adjoint.cpu.threads=1}: {@link #threads()} is 1 and every split it
     * asks for runs on the calling thread. For tests that compare a kernel's split result with its
     * one-thread result in one JVM.
     */
    static <T> T serially(Supplier<T> task) {
        return limited(1, task);
    }

    /**
     * Runs {@code task} with at most {@code threads} kernel threads (the calling one included) for the splits it
     * asks for on this thread; a limit inside another one can only lower it.
     */
    static <T> T limited(int threads, Supplier<T> task) {
        if (threads < 1) {
            throw new IllegalArgumentException("kernel threads must be at least 1, got " + threads);
        }
        Integer before = LIMIT.get();
        LIMIT.set(before == null ? threads : Math.min(before, threads));
        try {
            return task.get();
        } finally {
            if (before == null) {
                LIMIT.remove();
            } else {
                LIMIT.set(before);
            }
        }
    }

    /**
     * Runs {@code task}, a burst of ops (one inference), with the helpers spinning between splits rather than going
     * to sleep, so that each layer starts on every thread. Only where the calling thread may split work
     * ({@link #threads()} above 1): a request limited to one thread leaves the other cores alone.
     */
    static <T> T awake(Supplier<T> task) {
        if (threads() == 1) {
            return task.get();
        }
        if (AWAKE.getAndIncrement() == 0) {
            // Wake sleeping helpers now, while the caller sets the inference up, rather than at its first split.
            Helper[] hs = helpers;
            if (hs != null) {
                wakeSleeping(hs);
            }
        }
        try {
            return task.get();
        } finally {
            if (AWAKE.decrementAndGet() == 0) {
                burstEnded = System.nanoTime();
            }
        }
    }

    /** How many {@link #awake} scopes are open (for tests). */
    static int awakeScopes() {
        return AWAKE.get();
    }

    /** Whether every helper thread that has started is asleep (for tests). */
    static boolean helpersAsleep() {
        Helper[] hs = helpers;
        if (hs == null) {
            return true;
        }
        for (Helper h : hs) {
            if (!h.sleeping) {
                return false;
            }
        }
        return true;
    }

    private static Helper[] helpers() {
        Helper[] hs = helpers;
        if (hs == null) {
            // Only the thread holding BUSY gets here, so the helpers start once.
            hs = new Helper[THREADS - 1];
            for (int i = 0; i < hs.length; i++) {
                hs[i] = new Helper(i + 1);
                hs[i].start();
            }
            helpers = hs;
        }
        return hs;
    }
}
