import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * ONNX Runtime's own per-node profile of a model with one float input whose first dimension is the batch (N = BATCH,
 * default 1; the other dimensions come from the model), to set beside
 * {@code adjoint-ov benchmark -pc}: warms a session up, times 200 / N runs (at least 10), then runs as many more with
 * ORT's profiler on and prints the JSON file it wrote
 * ({@code ort_profile_summary.py} sums it per layer). Run with the source launcher and ORT's jar:
 *
 * <pre>java -cp ~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/1.29.0/onnxruntime-1.29.0.jar \
 *     scripts/bench/OrtLayerProfile.java model.onnx THREADS PROFILE_PREFIX [BATCH]</pre>
 *
 * The session is the benchmark's ({@code OrtComparisonBenchmark}): all graph optimizations, {@code THREADS}
 * intra-op threads; it also saves the optimized graph beside the model ({@code .opt.onnx}) so that the summary can
 * name each fused node's weights.
 */
public class OrtLayerProfile {
    public static void main(String[] args) throws Exception {
        if (args.length != 3 && args.length != 4) {
            System.err.println("usage: OrtLayerProfile model.onnx threads profile-prefix [batch]");
            System.exit(2);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int threads = Integer.parseInt(args[1]);
        int batch = args.length == 4 ? Integer.parseInt(args[3]) : 1;
        long[] shape;
        try (OrtSession.SessionOptions plain = options(threads);
                OrtSession session = env.createSession(args[0], plain)) {
            shape = ((TensorInfo) session.getInputInfo().values().iterator().next().getInfo()).getShape();
        }
        shape[0] = batch;
        long count = 1;
        for (long dim : shape) {
            if (dim < 1) {
                throw new IllegalArgumentException("input dimension other than the batch is not fixed: "
                        + Arrays.toString(shape));
            }
            count *= dim;
        }
        float[] x = new float[Math.toIntExact(count)];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble();
        }
        try (OrtSession.SessionOptions timed = options(threads);
                OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape)) {
            timed.setOptimizedModelFilePath(args[0] + ".opt.onnx");
            try (OrtSession session = env.createSession(args[0], timed)) {
                String name = session.getInputNames().iterator().next();
                for (int i = 0; i < 300 / batch; i++) {
                    session.run(Map.of(name, input)).close();
                }
                long start = System.nanoTime();
                int runs = Math.max(10, 200 / batch);
                for (int i = 0; i < runs; i++) {
                    session.run(Map.of(name, input)).close();
                }
                System.out.printf("mean of %d runs: %.3f ms%n", runs, (System.nanoTime() - start) / runs / 1e6);
            }
            try (OrtSession.SessionOptions profiled = options(threads)) {
                profiled.enableProfiling(args[2]);
                try (OrtSession session = env.createSession(args[0], profiled)) {
                    String name = session.getInputNames().iterator().next();
                    for (int i = 0; i < Math.max(10, 200 / batch); i++) {
                        session.run(Map.of(name, input)).close();
                    }
                    System.out.println(session.endProfiling());
                }
            }
        }
    }

    private static OrtSession.SessionOptions options(int threads) throws Exception {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return options;
    }
}
