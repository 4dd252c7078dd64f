package dev.adjoint.benchmarks;

import dev.adjoint.Tensor;
import dev.adjoint.op.Conv2dSpec;

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
        long warmup = first ? 5_000_000_000L : 1_500_000_000L;
        first = false;
        CpuTimeProbe.time(key, op, warmup, 7, 100_000_000L);
    }
}
