import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A/B of two builds of the inference engine on one IR network, in one JVM: each build's {@code adjoint-ov.jar} is
 * loaded by its own class loader, and the two take turns, a burst of inferences each per round, the first side
 * alternating. The ratio is taken per round, so that this host's slow spells (minutes long, up to 2.6x, see
 * docs/benchmarks.md) fall on both builds; separate JVMs minutes apart cannot tell a 3% change from them.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dadjoint.cpu.threads=1 scripts/bench/NetAb.java \
 *     OLD/adjoint-ov.jar NEW/adjoint-ov.jar /tmp/ir/resnet18.xml 1,3,224,224 [ROUNDS [CALLS]]
 * </pre>
 *
 * Build the old jar in a worktree ({@code git worktree add /tmp/old REV}, then {@code mvn -q -o package -DskipTests
 * -pl openvino-codegen/cli -am} there). Prints each build's median of round medians and the median and range of
 * new/old over the rounds. With two kernel threads each build has its own pool; a pool's helpers linger spinning for
 * 2 ms after its burst, a small overlap at the start of the other build's burst.
 */
public class NetAb {
    /** One build's compiled network and its request, reached by reflection through that build's class loader. */
    private record Build(Object request, Method infer) {

        static Build load(Path jar, Path xml, int[] dims) throws Exception {
            if (!Files.exists(jar)) {
                throw new IllegalArgumentException(jar + " does not exist: build it with mvn package -pl openvino-codegen/cli");
            }
            ClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> core = loader.loadClass("dev.adjoint.openvino.engine.Core");
            Class<?> tensor = loader.loadClass("dev.adjoint.Tensor");
            Object compiled = core.getMethod("compileModel", Path.class, String.class, Map.class)
                    .invoke(core.getConstructor().newInstance(), xml, "CPU", Map.of("PERFORMANCE_HINT", "LATENCY"));
            Object request = compiled.getClass().getMethod("createInferRequest").invoke(compiled);
            Object input = tensor.getMethod("randomUniform", RandomGenerator.class, double.class, double.class,
                    int[].class).invoke(null, new SplittableRandom(1), -1.0, 1.0, dims);
            request.getClass().getMethod("setInputTensor", tensor).invoke(request, input);
            return new Build(request, request.getClass().getMethod("infer"));
        }

        /** The median of {@code calls} inferences, in ms. */
        double median(int calls) throws Exception {
            long[] ns = new long[calls];
            for (int i = 0; i < calls; i++) {
                long start = System.nanoTime();
                infer.invoke(request);
                ns[i] = System.nanoTime() - start;
            }
            Arrays.sort(ns);
            return ns[calls / 2] / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            throw new IllegalArgumentException("usage: NetAb OLD.jar NEW.jar MODEL.xml DIMS [ROUNDS [CALLS]],"
                    + " e.g. DIMS 1,3,224,224");
        }
        Path xml = Path.of(args[2]);
        int[] dims = Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray();
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        int calls = args.length > 5 ? Integer.parseInt(args[5]) : 100;
        if (rounds < 1 || calls < 1) {
            throw new IllegalArgumentException("ROUNDS and CALLS must be at least 1, got " + rounds + " and " + calls);
        }
        Build old = Build.load(Path.of(args[0]), xml, dims);
        Build current = Build.load(Path.of(args[1]), xml, dims);
        for (int warmup = 0; warmup < 3; warmup++) {
            old.median(calls);
            current.median(calls);
        }
        double[] olds = new double[rounds], news = new double[rounds], ratios = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            if (round % 2 == 0) {
                olds[round] = old.median(calls);
                news[round] = current.median(calls);
            } else {
                news[round] = current.median(calls);
                olds[round] = old.median(calls);
            }
            ratios[round] = news[round] / olds[round];
        }
        Arrays.sort(olds);
        Arrays.sort(news);
        Arrays.sort(ratios);
        System.out.printf("%s %s, %d rounds of %d inferences: old %.3f ms, new %.3f ms, new/old %.3f (%.3f-%.3f)%n",
                xml.getFileName(), Arrays.toString(dims), rounds, calls, olds[rounds / 2], news[rounds / 2],
                ratios[rounds / 2], ratios[0], ratios[rounds - 1]);
    }
}
