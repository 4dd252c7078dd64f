package dev.adjoint.benchmarks;

import dev.adjoint.Tensor;
import dev.adjoint.op.Conv2dSpec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A load-tolerant cross-check of the single-thread JMH rows: the CPU time the calling thread spends
 * per call (ThreadMXBean), which other processes time-sharing the cores do not inflate the way they
 * inflate wall-clock time. Only meaningful with {@code -Dadjoint.cpu.threads=1} (every kernel then runs
 * on the calling thread); {@code scripts/bench/cpu_time_reference.py} measures NumPy and PyTorch the same
 * way. Prints one line per operation: key, median and lowest CPU microseconds per call. An argument
 * is a regular expression: only the operations whose key it finds are timed.
 *
 * <pre>java --add-modules jdk.incubator.vector -Dadjoint.cpu.threads=1 -cp benchmarks.jar \
 *     dev.adjoint.benchmarks.CpuTimeProbe</pre>
 */
public final class CpuTimeProbe {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Images per convolution call (property {@code probe.batch}, default 1). */
    private static final int BATCH = Integer.getInteger("probe.batch", 1);
    private static final long WARMUP_NANOS = Long.getLong("probe.warmupSeconds", 4) * 1_000_000_000L;

    private CpuTimeProbe() {
    }

    private static Pattern only = Pattern.compile("");

    public static void main(String[] args) {
        if (args.length > 0) {
            only = Pattern.compile(args[0]);
        }
        for (int size : new int[] {256, 1024}) {
            Tensor a = BenchInputs.uniform(0, size, size), b = BenchInputs.uniform(1, size, size);
            probe("matmul/" + size, () -> a.matmul(b));
        }
        // A Linear layer at batch 8: the weight is the same storage every call, so its packed panels are reused.
        Tensor x8 = BenchInputs.uniform(0, 8, 1024), weight = BenchInputs.uniform(1, 1024, 1024);
        probe("linear/8x1024x1024", () -> x8.matmul(weight));
        for (ConvLayerBenchmark.Layer l : ConvLayerBenchmark.Layer.values()) {
            Tensor x = BenchInputs.uniform(0, BATCH, l.channels, l.size, l.size);
            Tensor w = BenchInputs.uniform(1, l.outChannels, l.channels / l.groups, l.kernel, l.kernel);
            Conv2dSpec spec = Conv2dSpec.of(l.stride, l.padding, 1, l.groups);
            probe(BATCH == 1 ? l.name() : l.name() + "/batch" + BATCH, () -> x.conv2d(w, spec));
        }
    }

    /**
     * Warms up for 4 s of CPU time (JIT compilation; property {@code probe.warmupSeconds} changes it: on a loaded
     * machine C2 may need longer to compile a large kernel), then times batches lasting >= 0.2 s of CPU time each.
     */
    private static void probe(String key, Supplier<Tensor> op) {
        if (only.matcher(key).find()) {
            time(key, op, WARMUP_NANOS, 9, 200_000_000L);
        }
    }

    /**
     * Runs {@code op} for {@code warmupNanos} of this thread's CPU time, then times {@code batches} batches of
     * at least {@code batchNanos} CPU each and prints the median and lowest CPU microseconds per call under
     * {@code key}. Shared with {@link DepthwiseCpuTimeProbe}.
     */
    static void time(String key, Supplier<Tensor> op, long warmupNanos, int batches, long batchNanos) {
        Object sink = null;
        long start = THREADS.getCurrentThreadCpuTime();
        while (THREADS.getCurrentThreadCpuTime() - start < warmupNanos) {
            sink = op.get();
        }
        double[] perCall = new double[batches];
        for (int batch = 0; batch < perCall.length; batch++) {
            long t0 = THREADS.getCurrentThreadCpuTime();
            int calls = 0;
            long t;
            do {
                sink = op.get();
                calls++;
                t = THREADS.getCurrentThreadCpuTime();
            } while (t - t0 < batchNanos);
            perCall[batch] = (t - t0) / 1e3 / calls;
        }
        Arrays.sort(perCall);
        System.out.printf("%-24s %12.1f %12.1f   cpu-us/call (median, lowest)%s%n", key, perCall[perCall.length / 2],
                perCall[0], sink == null ? "?" : "");
    }
}
