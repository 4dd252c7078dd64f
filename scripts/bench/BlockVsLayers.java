import dev.adjoint.Conv2dLayer;
import dev.adjoint.Tensor;
import dev.adjoint.TensorScope;
import dev.adjoint.op.Conv2dSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An inverted residual block as one {@code conv2dBlock} (on the CPU backend: in bands of rows) against the same
 * layers one by one through {@code conv2dBias}, timed in turns in one JVM: rounds of 200 calls each way, the first
 * four rounds to settle. Before each call it writes {@code -Dab.evictMiB} MiB of other data (default 48: past this
 * machine's L3), so that the block starts from memory as it does in a network.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dadjoint.cpu.threads=1 \
 *     -cp dsl-api/target/classes:runtime-cpu/target/classes scripts/bench/BlockVsLayers.java \
 *     CHANNELS FIRST OUT SIZE STRIDE [res]
 * </pre>
 *
 * FIRST is the first layer's output channels: positive for a 1x1 expansion, negative for a 3x3 stride-2 stem (its
 * input then SIZE x SIZE), 0 for none. {@code 24 144 24 56 1 res} is MobileNet-v2's 144-channel 56x56 block with its
 * shortcut, {@code 16 96 24 112 2} its second block, {@code 3 -32 16 224 1} its stem and first block.
 */
public class BlockVsLayers {
    private static final int ROUNDS = 8, SETTLING_ROUNDS = 4, CALLS = 200;
    private static final float[] EVICT = new float[(Integer.getInteger("ab.evictMiB", 48) << 20) / Float.BYTES];

    public static void main(String[] args) {
        if (args.length < 5) {
            throw new IllegalArgumentException("usage: CHANNELS FIRST OUT SIZE STRIDE [res], got "
                    + Arrays.toString(args));
        }
        int channels = Integer.parseInt(args[0]), first = Integer.parseInt(args[1]), out = Integer.parseInt(args[2]);
        int size = Integer.parseInt(args[3]), stride = Integer.parseInt(args[4]);
        boolean residual = args.length > 5 && args[5].equals("res");
        SplittableRandom random = new SplittableRandom(1);
        int wide = first == 0 ? channels : Math.abs(first);
        List<Conv2dLayer> layers = new ArrayList<>();
        if (first > 0) {
            layers.add(new Conv2dLayer(Tensor.randomNormal(random, 0, 0.1, first, channels, 1, 1),
                    Tensor.randomNormal(random, 0, 1, first), Conv2dSpec.of(1, 0), 0, 6));
        } else if (first < 0) {
            layers.add(new Conv2dLayer(Tensor.randomNormal(random, 0, 0.1, wide, channels, 3, 3),
                    Tensor.randomNormal(random, 0, 1, wide), Conv2dSpec.of(2, 1), 0, 6));
        }
        layers.add(new Conv2dLayer(Tensor.randomNormal(random, 0, 0.1, wide, 1, 3, 3),
                Tensor.randomNormal(random, 0, 1, wide), new Conv2dSpec(stride, stride, 1, 1, 1, 1, 1, 1, wide), 0,
                6));
        layers.add(Conv2dLayer.linear(Tensor.randomNormal(random, 0, 0.1, out, wide, 1, 1),
                Tensor.randomNormal(random, 0, 1, out), Conv2dSpec.of(1, 0)));
        Tensor x = Tensor.randomNormal(random, 0, 1, 1, channels, size, size);
        int depthwiseIn = first < 0 ? (size - 1) / 2 + 1 : size, outSize = (depthwiseIn - 1) / stride + 1;
        Tensor shortcut = residual ? Tensor.randomNormal(random, 0, 1, 1, out, outSize, outSize) : null;
        for (int round = 0; round < ROUNDS; round++) {
            double block = medianMs(() -> x.conv2dBlock(layers, shortcut));
            double oneByOne = medianMs(() -> {
                Tensor value = x;
                for (int i = 0; i < layers.size(); i++) {
                    Conv2dLayer l = layers.get(i);
                    value = i == layers.size() - 1 && shortcut != null
                            ? value.conv2dBias(l.weight(), l.bias(), shortcut, l.spec(), l.low(), l.high())
                            : value.conv2dBias(l.weight(), l.bias(), l.spec(), l.low(), l.high());
                }
            });
            if (round >= SETTLING_ROUNDS) {
                System.out.printf("round %d: block %.3f ms, layers %.3f ms, layers / block %.3f%n", round, block,
                        oneByOne, oneByOne / block);
            }
        }
    }

    /** The median of {@link #CALLS} calls of {@code work}, each after the eviction, in a scope of its own. */
    private static double medianMs(Runnable work) {
        double[] ms = new double[CALLS];
        for (int i = 0; i < CALLS; i++) {
            for (int j = 0; j < EVICT.length; j += 16) {
                EVICT[j] += 1;
            }
            long start = System.nanoTime();
            try (TensorScope scope = TensorScope.open()) {
                work.run();
            }
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        return ms[CALLS / 2];
    }
}
