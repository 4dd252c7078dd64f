import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A/B of two builds of the CPU runtime on convolution layers, in one JVM: each build is loaded by its own class loader
 * and the two are timed in turns, twelve rounds per layer, so that a slow spell of a shared machine falls on both.
 * Prints the best call and the best round's median of each, and checks that both builds give the same sum.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dadjoint.cpu.threads=1 scripts/bench/AbLayers.java \
 *     OLD_CLASSES NEW_CLASSES C,SIZE,OUT,K,STRIDE,PAD,GROUPS ...
 * </pre>
 *
 * OLD_CLASSES and NEW_CLASSES are each a {@code runtime-cpu/target/classes} (copy one aside before rebuilding);
 * dsl-api's classes come from {@code dsl-api/target/classes}. A layer {@code 160,7,960,1,1,0,1} is MobileNet-v2's
 * 160 -> 960 expansion at 7x7; each call is {@code conv2dBias} with ReLU6 at batch 1, its result released.
 *
 * <p>Repeated alone, a layer finds its weights and input in L2, which in a network they are not: the previous layers
 * have evicted them. {@code -Dab.evictMiB=N} writes N MiB of other data between calls (outside the timing), so the
 * layer starts as it would in a network; 16 or more clears this machine's caches.
 */
public class AbLayers {
    private static final int ROUNDS = 12, SETTLING_ROUNDS = 2;
    /** Written between calls when {@code ab.evictMiB} is set, to push the layer's data out of the caches. */
    private static final byte[] EVICT = new byte[Integer.getInteger("ab.evictMiB", 0) << 20];
    private static byte evictCounter;

    /** One build's Tensor methods, reached by reflection through that build's class loader. */
    private record Build(Class<?> tensor, Class<?> spec, Method randomUniform, Method conv2dBias, Method release,
            Method sum, Method item, Method specOf) {

        static Build load(Path runtime) throws Exception {
            URL[] urls = {runtime.toUri().toURL(), Path.of("dsl-api/target/classes").toUri().toURL()};
            ClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
            Class<?> tensor = loader.loadClass("dev.adjoint.Tensor");
            Class<?> spec = loader.loadClass("dev.adjoint.op.Conv2dSpec");
            return new Build(tensor, spec,
                    tensor.getMethod("randomUniform", RandomGenerator.class, double.class, double.class, int[].class),
                    tensor.getMethod("conv2dBias", tensor, tensor, spec, double.class, double.class),
                    tensor.getMethod("release"), tensor.getMethod("sum"), tensor.getMethod("item"),
                    spec.getMethod("of", int.class, int.class, int.class, int.class));
        }

        /** {best call, median call} in µs over {@code calls} calls, and the last result's sum. */
        double[] time(int[] l, int calls) throws Exception {
            Object x = randomUniform.invoke(null, new SplittableRandom(1), -1.0, 1.0, new int[] {1, l[0], l[1], l[1]});
            Object w = randomUniform.invoke(null, new SplittableRandom(2), -1.0, 1.0,
                    new int[] {l[2], l[0] / l[6], l[3], l[3]});
            Object b = randomUniform.invoke(null, new SplittableRandom(3), -1.0, 1.0, new int[] {l[2]});
            Object s = specOf.invoke(null, l[4], l[5], 1, l[6]);
            long[] ns = new long[calls];
            double sumOfLast = 0;
            for (int i = 0; i < calls; i++) {
                evict();
                long t0 = System.nanoTime();
                Object y = conv2dBias.invoke(x, w, b, s, 0.0, 6.0);
                ns[i] = System.nanoTime() - t0;
                if (i == calls - 1) {
                    sumOfLast = ((Number) item.invoke(sum.invoke(y))).doubleValue();
                }
                release.invoke(y);
            }
            Arrays.sort(ns);
            return new double[] {ns[0] / 1e3, ns[calls / 2] / 1e3, sumOfLast};
        }
    }

    /** Writes one byte per cache line of {@link #EVICT}, so the lines it held before are dirty and written back. */
    private static void evict() {
        evictCounter++;
        for (int i = 0; i < EVICT.length; i += 64) {
            EVICT[i] = evictCounter;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3 || !Files.isDirectory(Path.of(args[0])) || !Files.isDirectory(Path.of(args[1]))) {
            System.err.println("usage: AbLayers OLD_CLASSES NEW_CLASSES C,SIZE,OUT,K,STRIDE,PAD,GROUPS ... (run from"
                    + " the repository root, which has dsl-api/target/classes)");
            System.exit(2);
        }
        Build[] builds = {Build.load(Path.of(args[0])), Build.load(Path.of(args[1]))};
        List<String> layers = new ArrayList<>(Arrays.asList(args).subList(2, args.length));
        for (String layer : layers) {
            int[] l = Arrays.stream(layer.split(",")).mapToInt(Integer::parseInt).toArray();
            if (l.length != 7) {
                throw new IllegalArgumentException("layer " + layer + ": expected C,SIZE,OUT,K,STRIDE,PAD,GROUPS");
            }
            int outSize = (l[1] + 2 * l[5] - l[3]) / l[4] + 1;
            double flops = 2.0 * l[2] * (l[0] / l[6]) * l[3] * l[3] * outSize * outSize;
            int calls = (int) Math.max(50, (EVICT.length > 0 ? 5e7 : 2e8) / flops);
            double[] best = {Double.MAX_VALUE, Double.MAX_VALUE}, median = {Double.MAX_VALUE, Double.MAX_VALUE};
            double[] sums = new double[2];
            for (int round = 0; round < ROUNDS; round++) {
                for (int i = 0; i < 2; i++) {
                    double[] r = builds[i].time(l, calls);
                    if (round >= SETTLING_ROUNDS) {
                        best[i] = Math.min(best[i], r[0]);
                        median[i] = Math.min(median[i], r[1]);
                    }
                    sums[i] = r[2];
                }
            }
            boolean same = Math.abs(sums[0] - sums[1]) <= 1e-4 * Math.max(1, Math.abs(sums[0]));
            System.out.printf("%-22s old %8.1f us (median %8.1f)  new %8.1f us (median %8.1f)  new/old %.3f (%.3f)%s%n",
                    layer, best[0], median[0], best[1], median[1], best[1] / best[0], median[1] / median[0],
                    same ? "" : "  SUMS DIFFER: " + sums[0] + " / " + sums[1]);
        }
    }
}
