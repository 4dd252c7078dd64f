package dev.adjoint.benchmarks.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Our engine against ONNX Runtime on the benchmark networks, timed in turns in one JVM: after a warm-up, each round
 * times a burst of inferences on one runtime and then the same number on the other (which goes first alternates), and
 * the ratio is taken within each round. On a shared host whose speed changes for minutes at a time (docs/benchmarks.md,
 * stop 26: one vCPU up to 2.6x slower than the other, minutes apart), JMH's separate forks put the two runtimes in
 * different spells; rounds a few seconds long put them in the same one.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dadjoint.cpu.threads=1 \
 *     -cp benchmarks/target/benchmarks.jar dev.adjoint.benchmarks.engine.OrtAlternation \
 *     [MODEL:BATCH ...] [--rounds N] [--warmup SECONDS] [--round-ms MS]
 * </pre>
 *
 * Prints, per network, each runtime's median over rounds of the round's median inference time, and ORT's time over
 * ours: the median of the rounds' ratios and their range (above 1, we are faster).
 */
public final class OrtAlternation {
    private OrtAlternation() {
    }

    public static void main(String[] args) throws Exception {
        List<String> networks = new ArrayList<>();
        int rounds = 10;
        double warmupSeconds = 15;
        double roundMs = 1500;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmupSeconds = Double.parseDouble(args[++i]);
                case "--round-ms" -> roundMs = Double.parseDouble(args[++i]);
                default -> {
                    if (!args[i].matches("[a-z0-9_]+:[0-9]+")) {
                        throw new IllegalArgumentException("argument " + args[i]
                                + ": expected MODEL:BATCH (e.g. mobilenet_v2:1), --rounds, --warmup or --round-ms");
                    }
                    networks.add(args[i]);
                }
            }
        }
        if (rounds < 1 || warmupSeconds < 0 || roundMs <= 0) {
            throw new IllegalArgumentException("--rounds must be at least 1, --warmup at least 0 and --round-ms above 0;"
                    + " got " + rounds + ", " + warmupSeconds + " and " + roundMs);
        }
        if (networks.isEmpty()) {
            networks = List.of("mobilenet_v2:1", "resnet18:1", "mlp:1");
        }
        System.out.printf(Locale.ROOT, "threads %s, %d rounds of about %.0f ms per runtime after %.0f s of warm-up%n",
                System.getProperty("adjoint.cpu.threads", "all"), rounds, roundMs, warmupSeconds);
        System.out.println("| network | batch | Adjoint ms | ORT ms | ORT / ours (median of rounds) | range |");
        System.out.println("|---|---:|---:|---:|---:|---|");
        for (String spec : networks) {
            String model = spec.substring(0, spec.indexOf(':'));
            int batch = Integer.parseInt(spec.substring(spec.indexOf(':') + 1));
            try (BenchmarkNetwork ours = BenchmarkNetwork.load(model, batch, "adjoint");
                    BenchmarkNetwork ort = BenchmarkNetwork.load(model, batch, "ort")) {
                compare(model, batch, ours, ort, rounds, warmupSeconds, roundMs);
            }
        }
    }

    private static void compare(String model, int batch, BenchmarkNetwork ours, BenchmarkNetwork ort, int rounds,
            double warmupSeconds, double roundMs) throws Exception {
        // Warm-up in turns too, so that both are compiled and their memory touched before the first round; it also
        // gives the number of calls a round of roundMs takes.
        long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        double slowerCallNs = 0;
        while (System.nanoTime() < warmupEnd) {
            slowerCallNs = Math.max(median(burst(ours, 3)), median(burst(ort, 3)));
        }
        int calls = (int) Math.max(5, Math.min(10_000, roundMs * 1e6 / Math.max(slowerCallNs, 1)));
        double[] oursNs = new double[rounds];
        double[] ortNs = new double[rounds];
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            if (r % 2 == 0) {
                oursNs[r] = median(burst(ours, calls));
                ortNs[r] = median(burst(ort, calls));
            } else {
                ortNs[r] = median(burst(ort, calls));
                oursNs[r] = median(burst(ours, calls));
            }
            ratios[r] = ortNs[r] / oursNs[r];
        }
        double[] sortedRatios = ratios.clone();
        Arrays.sort(sortedRatios);
        System.out.printf(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.2fx | %.2f-%.2f |%n", model, batch,
                median(oursNs) / 1e6, median(ortNs) / 1e6, median(ratios), sortedRatios[0],
                sortedRatios[rounds - 1]);
    }

    /** Nanoseconds of each of {@code calls} inferences. */
    private static double[] burst(BenchmarkNetwork network, int calls) throws Exception {
        double[] ns = new double[calls];
        for (int i = 0; i < calls; i++) {
            long t0 = System.nanoTime();
            network.infer();
            ns[i] = System.nanoTime() - t0;
        }
        return ns;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
