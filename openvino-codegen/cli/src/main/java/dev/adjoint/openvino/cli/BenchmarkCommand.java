package dev.adjoint.openvino.cli;

import dev.adjoint.core.Device;
import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.spi.Backends;
import dev.adjoint.openvino.engine.CompiledModel;
import dev.adjoint.openvino.engine.Core;
import dev.adjoint.openvino.engine.EngineException;
import dev.adjoint.openvino.engine.EngineProperties;
import dev.adjoint.openvino.engine.InferRequest;
import dev.adjoint.openvino.engine.Model;
import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.openvino.engine.Port;
import dev.adjoint.openvino.engine.ProfilingInfo;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.PartialShape;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code adjoint-ov benchmark}, after OpenVINO's {@code benchmark_app}: keeps {@code -nireq} asynchronous requests
 * in flight on random inputs for {@code -t} seconds or {@code -niter} iterations, then reports the latency
 * percentiles and the throughput.
 */
@Command(name = "benchmark", description = "Measure latency and throughput, as OpenVINO's benchmark_app does.")
final class BenchmarkCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = {"-d", "--device"}, defaultValue = "CPU", description = "Device (default: CPU).")
    String device;

    @Option(names = {"-t", "--time"}, paramLabel = "SECONDS",
            description = "How long to run (default: 10 s unless -niter is given).")
    Double seconds;

    @Option(names = {"-niter", "--iterations"}, paramLabel = "N", description = "How many inferences to run.")
    Long iterations;

    @Option(names = {"-nireq", "--requests"}, paramLabel = "N",
            description = "Requests in flight (default: the compiled model's optimal number).")
    Integer requests;

    @Option(names = {"-hint", "--hint"}, defaultValue = "throughput", paramLabel = "latency|throughput",
            description = "Performance hint (default: throughput).")
    String hint;

    @Option(names = {"-nthreads", "--threads"}, paramLabel = "N",
            description = "CPU kernel threads per inference (INFERENCE_NUM_THREADS; at most the pool's, which is"
                    + " -Dadjoint.cpu.threads or all processors).")
    Integer threads;

    @Option(names = {"-shape", "--shape"}, paramLabel = "NAME[DIMS]", description = "Static shape for a dynamic input,"
            + " e.g. x[1,3,224,224]; without NAME for the only input.")
    List<String> shapes;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the random inputs (default: 1).")
    long seed;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "0", description = "Run untimed inferences this"
            + " long first (default: 0). The JVM compiles a kernel with its vector instructions only after it has run"
            + " a few hundred times; until then each runs far slower (measured: the first MobileNet-v2 inference 3 s,"
            + " the next second about 60 ms each), so steady-state numbers need about 10 s here.")
    double warmupSeconds;

    @Option(names = "--no-progress", description = "Do not draw a progress bar.")
    boolean noProgress;

    @Option(names = {"-pc", "--perf-counts"}, description = "Time every layer (PERF_COUNT=YES) and print each one's"
            + " mean time over the measured inferences, slowest first.")
    boolean perfCounts;

    /** With -pc: each layer's summed time over the measured inferences, by its position in the plan. */
    private LayerTimes layerTimes;

    @Spec
    CommandSpec spec;

    /** The CPU kernel threads one inference uses, e.g. "1 of 2". */
    private String kernelThreads() {
        int pool = Backends.forDevice(Device.CPU).kernelThreads();
        return (threads == null ? pool : Math.min(threads, pool)) + " of " + pool;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (threads != null) {
            if (threads < 1) {
                throw new ParameterException(spec.commandLine(), "-nthreads must be at least 1, got " + threads);
            }
        }
        if (warmupSeconds < 0) {
            throw new ParameterException(spec.commandLine(), "--warmup must not be negative, got " + warmupSeconds);
        }
        if (seconds == null && iterations == null) {
            seconds = 10.0;
        }
        if ((seconds != null && seconds <= 0) || (iterations != null && iterations <= 0)) {
            throw new ParameterException(spec.commandLine(), "-t and -niter must be positive");
        }
        String hintName = hint.toUpperCase(Locale.ROOT);
        out.println("[Step 1/5] Reading " + model.xml);
        Core core = new Core();
        Model m = model.read(core);
        if (shapes != null) {
            m.reshape(parseShapes(m));
        }
        Map<String, String> props = new LinkedHashMap<>();
        if (!hintName.equals("NONE")) {
            props.put(EngineProperties.PERFORMANCE_HINT, hintName);
        }
        if (threads != null) {
            props.put(EngineProperties.INFERENCE_NUM_THREADS, Integer.toString(threads));
        }
        if (perfCounts) {
            props.put(EngineProperties.PERF_COUNT, "YES");
        }
        long compileStart = System.nanoTime();
        try (CompiledModel compiled = core.compileModel(m, device, props)) {
            int nireq = requests != null ? requests : compiled.optimalNumberOfInferRequests();
            if (nireq < 1) {
                throw new ParameterException(spec.commandLine(), "-nireq must be at least 1, got " + nireq);
            }
            out.printf(Locale.ROOT, "[Step 2/5] Compiled for %s in %.1f ms: %s; CPU kernel threads %s%n",
                    compiled.device(), (System.nanoTime() - compileStart) / 1e6, compiled.properties(), kernelThreads());
            out.println("[Step 3/5] Filling " + compiled.inputs().size() + " input(s) with random values (seed " + seed
                    + ")");
            List<InferRequest> pool = new ArrayList<>();
            SplittableRandom rng = new SplittableRandom(seed);
            for (int i = 0; i < nireq; i++) {
                InferRequest r = compiled.createInferRequest();
                for (Port p : compiled.inputs()) {
                    r.setInputTensor(p.index(), randomInput(p, rng));
                }
                pool.add(r);
            }
            int batch = batchOf(compiled.inputs());
            // As benchmark_app does, the first inference is not counted but its time is reported.
            long firstStart = System.nanoTime();
            pool.get(0).infer();
            out.printf(Locale.ROOT, "First inference took %.2f ms%n", (System.nanoTime() - firstStart) / 1e6);
            if (warmupSeconds > 0) {
                long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
                long warmups = 0;
                while (System.nanoTime() < warmupEnd) {
                    pool.get((int) (warmups++ % pool.size())).infer();
                }
                out.printf(Locale.ROOT, "Warm-up: %d untimed inferences in %.1f s%n", warmups, warmupSeconds);
            }
            out.printf("[Step 4/5] Measuring with %d request(s) in flight, %s%n", nireq,
                    iterations != null ? iterations + " iterations" : seconds + " s");
            Result result = measure(pool);
            out.println("[Step 5/5] Results");
            report(out, result, batch);
            if (layerTimes != null) {
                layerTimes.report(out);
            }
        }
        return 0;
    }

    private Map<String, PartialShape> parseShapes(Model m) {
        Map<String, PartialShape> out = new LinkedHashMap<>();
        for (String s : shapes) {
            int open = s.indexOf('[');
            if (open < 0 || !s.endsWith("]")) {
                throw new ParameterException(spec.commandLine(), "-shape " + s + " must look like name[1,3,224,224]");
            }
            String name = open == 0 ? m.input().anyName() : s.substring(0, open);
            out.put(name, PartialShape.parse(s.substring(open + 1, s.length() - 1)));
        }
        return out;
    }

    static OvTensor randomInput(Port p, SplittableRandom rng) {
        PartialShape shape = p.partialShape();
        if (!shape.isStatic()) {
            throw new EngineException("input " + p + " has a dynamic shape; give it one with -shape "
                    + p.anyName() + "[...]");
        }
        int[] dims = Arrays.stream(shape.lengths()).mapToInt(Math::toIntExact).toArray();
        int n = Math.toIntExact(Shape.of(dims).size());
        ElementType type = p.elementType();
        if (type.isReal()) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) rng.nextDouble();
            }
            Tensor t = Tensor.of(v, Shape.of(dims));
            return type == ElementType.F32 ? OvTensor.of(t) : OvTensor.of(type, t);
        }
        if (type == ElementType.BOOLEAN) {
            boolean[] v = new boolean[n];
            for (int i = 0; i < n; i++) {
                v[i] = rng.nextBoolean();
            }
            return OvTensor.of(Tensor.of(v, Shape.of(dims)));
        }
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextInt(type == ElementType.I8 ? 128 : 256);
        }
        return OvTensor.of(type, Tensor.of(v, Shape.of(dims)));
    }

    private static int batchOf(List<Port> inputs) {
        if (inputs.isEmpty()) {
            return 1;
        }
        PartialShape s = inputs.get(0).partialShape();
        return s.isRankStatic() && s.rank() > 0 && s.get(0).isStatic() ? (int) Math.max(1, s.get(0).length()) : 1;
    }

    record Result(double[] latenciesMs, double durationMs) {
    }

    /** Keeps every request busy until the time or iteration budget is spent; each callback restarts its request. */
    private Result measure(List<InferRequest> pool) throws InterruptedException {
        long budgetNanos = seconds == null ? Long.MAX_VALUE : (long) (seconds * 1e9);
        long maxIterations = iterations == null ? Long.MAX_VALUE : iterations;
        AtomicLong started = new AtomicLong();
        AtomicLong finished = new AtomicLong();
        List<Double> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicReference<EngineException> failure = new AtomicReference<>();
        CountDownLatch idle = new CountDownLatch(pool.size());
        long t0 = System.nanoTime();
        ProgressBar bar = noProgress ? null : progressBar();
        layerTimes = perfCounts ? new LayerTimes() : null;
        for (InferRequest r : pool) {
            long[] startedAt = new long[1];
            r.setCallback(error -> {
                long now = System.nanoTime();
                latencies.add((now - startedAt[0]) / 1e6);
                long done = finished.incrementAndGet();
                if (bar != null) {
                    bar.stepTo(seconds != null ? Math.min(100, (now - t0) * 100 / budgetNanos) : done);
                }
                if (error != null) {
                    failure.compareAndSet(null, error);
                } else if (layerTimes != null) {
                    layerTimes.add(r.getProfilingInfo());
                }
                if (failure.get() == null && now - t0 < budgetNanos && started.incrementAndGet() <= maxIterations) {
                    startedAt[0] = System.nanoTime();
                    r.startAsync();
                } else {
                    idle.countDown();
                }
            });
            if (started.incrementAndGet() <= maxIterations) {
                startedAt[0] = System.nanoTime();
                r.startAsync();
            } else {
                idle.countDown();
            }
        }
        idle.await();
        double duration = (System.nanoTime() - t0) / 1e6;
        if (bar != null) {
            bar.stepTo(bar.getMax());
            bar.close();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        double[] l = latencies.stream().mapToDouble(Double::doubleValue).toArray();
        return new Result(l, duration);
    }

    private ProgressBar progressBar() {
        PrintStream err = System.err;
        return new ProgressBarBuilder().setTaskName("Benchmark").setStyle(ProgressBarStyle.ASCII)
                .setInitialMax(seconds != null ? 100 : iterations).setUnit(seconds != null ? "%" : " it", 1)
                .setUpdateIntervalMillis(250).setConsumer(new ConsoleProgressBarConsumer(err)).build();
    }

    static void report(PrintWriter out, Result r, int batch) {
        double[] l = r.latenciesMs().clone();
        Arrays.sort(l);
        double avg = Arrays.stream(l).average().orElse(Double.NaN);
        out.printf(Locale.ROOT, "Count:            %d iterations%n", l.length);
        out.printf(Locale.ROOT, "Duration:         %.2f ms%n", r.durationMs());
        out.println("Latency:");
        out.printf(Locale.ROOT, "    Median:       %.3f ms%n", percentile(l, 50));
        out.printf(Locale.ROOT, "    Average:      %.3f ms%n", avg);
        out.printf(Locale.ROOT, "    Min:          %.3f ms%n", l.length == 0 ? Double.NaN : l[0]);
        out.printf(Locale.ROOT, "    Max:          %.3f ms%n", l.length == 0 ? Double.NaN : l[l.length - 1]);
        out.printf(Locale.ROOT, "    90th percentile: %.3f ms%n", percentile(l, 90));
        out.printf(Locale.ROOT, "    99th percentile: %.3f ms%n", percentile(l, 99));
        out.printf(Locale.ROOT, "Throughput:       %.2f FPS%n", l.length * batch * 1000.0 / r.durationMs());
    }

    /** Per-layer times summed over inferences (any request: all run the same plan), for {@code -pc}. */
    static final class LayerTimes {
        private final List<ProfilingInfo> layers = new ArrayList<>();
        /** Each measured inference's layer times, in nanoseconds, in plan order. */
        private final List<long[]> inferences = new ArrayList<>();

        synchronized void add(List<ProfilingInfo> info) {
            if (layers.isEmpty()) {
                layers.addAll(info);
            }
            long[] nanos = new long[layers.size()];
            for (int i = 0; i < nanos.length; i++) {
                nanos[i] = info.get(i).realTime().toNanos();
            }
            inferences.add(nanos);
        }

        /**
         * One line per layer, slowest median first: mean and median ms per inference, and the mean's share of the
         * layers' total. On a shared machine a few slow inferences (another process, a GC pause) pull the means up,
         * the medians much less: compare medians between runs.
         */
        synchronized void report(PrintWriter out) {
            if (inferences.isEmpty()) {
                return;
            }
            int count = inferences.size();
            double[] mean = new double[layers.size()], median = new double[layers.size()];
            for (int i = 0; i < layers.size(); i++) {
                double[] ms = new double[count];
                for (int k = 0; k < count; k++) {
                    ms[k] = inferences.get(k)[i] / 1e6;
                }
                mean[i] = Arrays.stream(ms).sum() / count;
                Arrays.sort(ms);
                median[i] = percentile(ms, 50);
            }
            double total = Arrays.stream(mean).sum();
            Integer[] order = new Integer[layers.size()];
            Arrays.setAll(order, i -> i);
            Arrays.sort(order, (a, b) -> Double.compare(median[b], median[a]));
            out.printf(Locale.ROOT, "Performance counts (mean and median of %d inferences, slowest median first):%n",
                    count);
            out.printf(Locale.ROOT, "%-40s %-24s %-32s %10s %10s %6s%n", "layer", "type", "exec type", "mean ms",
                    "median ms", "%");
            for (int i : order) {
                ProfilingInfo p = layers.get(i);
                out.printf(Locale.ROOT, "%-40s %-24s %-32s %10.4f %10.4f %5.1f%%%n", p.nodeName(), p.nodeType(),
                        p.execType(), mean[i], median[i], total == 0 ? 0 : 100.0 * mean[i] / total);
            }
            out.printf(Locale.ROOT, "Total of the layers: %.3f ms per inference (mean), %.3f ms (sum of the medians)%n",
                    total, Arrays.stream(median).sum());
        }
    }

    /** The nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
