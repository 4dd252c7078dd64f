package dev.adjoint.benchmarks;

import dev.adjoint.Tensor;
import dev.adjoint.op.Conv2dSpec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * CPU time per call of every 3x3 depthwise layer of MobileNet-v2 (224x224 input), at batch 1 and 8:
 * the load-tolerant companion of {@link CpuTimeProbe} for the depthwise kernel. Only meaningful with
 * {@code -Dadjoint.cpu.threads=1}; {@code scripts/bench/cpu_time_reference.py depthwise} times PyTorch
 * on the same layers (same keys). An optional argument is a regular expression on the keys.
 *
 * <pre>java --add-modules jdk.incubator.vector -Dadjoint.cpu.threads=1 -cp benchmarks.jar \
 *     dev.adjoint.benchmarks.DepthwiseCpuTimeProbe</pre>
 */
public final class DepthwiseCpuTimeProbe {
    /**
     * Input size, channels and stride of MobileNet-v2's depthwise layers (kernel 3, padding 1); kept in
     * step with {@code DEPTHWISE} in cpu_time_reference.py.
     */
    static final int[][] LAYERS = {{112, 32, 1}, {112, 96, 2}, {56, 144, 1}, {56, 144, 2}, {28, 192, 1},
        {28, 192, 2}, {14, 384, 1}, {14, 576, 1}, {14, 576, 2}, {7, 960, 1}};

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** The first layer also waits out the JIT compiling the kernels (slow on a loaded machine). */
    private static boolean first = true;

    private DepthwiseCpuTimeProbe() {
    }

    public static void main(String[] args) {
        String only = args.length > 0 ? args[0] : ".*";
        for (int batch : new int[] {1, 8}) {
            for (int[] l : LAYERS) {
                String key = "dw" + l[0] + "_c" + l[1] + "_s" + l[2] + "_b" + batch;
                if (!key.matches(only)) {
                    continue;
                }
                Tensor x = BenchInputs.uniform(0, batch, l[1], l[0], l[0]);
                Tensor w = BenchInputs.uniform(1, l[1], 1, 3, 3);
                Conv2dSpec spec = Conv2dSpec.of(l[2], 1, 1, l[1]);
                probe(key, () -> x.conv2d(w, spec));
            }
        }
    }

    /**
     * Warms up for 1.5 s of CPU time (the first layer 5 s), then the median and lowest of 7 batches of
     * >= 0.1 s CPU each.
     */
    private static void probe(String key, java.util.function.Supplier<Tensor> op) {
        Object sink = null;
        long warmup = first ? 5_000_000_000L : 1_500_000_000L;
        first = false;
        long start = THREADS.getCurrentThreadCpuTime();
        while (THREADS.getCurrentThreadCpuTime() - start < warmup) {
            sink = op.get();
        }
        double[] perCall = new double[7];
        for (int batch = 0; batch < perCall.length; batch++) {
            long t0 = THREADS.getCurrentThreadCpuTime();
            int calls = 0;
            long t;
            do {
                sink = op.get();
                calls++;
                t = THREADS.getCurrentThreadCpuTime();
            } while (t - t0 < 100_000_000L);
            perCall[batch] = (t - t0) / 1e3 / calls;
        }
        Arrays.sort(perCall);
        System.out.printf("%-24s %12.1f %12.1f   cpu-us/call (median, lowest)%s%n", key, perCall[perCall.length / 2],
                perCall[0], sink == null ? "?" : "");
    }
}
