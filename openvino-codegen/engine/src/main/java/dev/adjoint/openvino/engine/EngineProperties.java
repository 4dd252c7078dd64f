package dev.adjoint.openvino.engine;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The compile properties the engine understands, with OpenVINO's names:
 *
 * <ul>
 *   <li>{@value #PERFORMANCE_HINT}: {@code LATENCY} (default: one request at a time, each using every kernel
 *       thread) or {@code THROUGHPUT} (several requests in parallel, one per stream);
 *   <li>{@value #INFERENCE_NUM_THREADS}: the most CPU kernel threads one request uses (0: the whole pool, which is
 *       {@code -Dadjoint.cpu.threads=N} or every core), and the streams the throughput hint runs;
 *   <li>{@value #NUM_STREAMS}: how many requests run at once ({@code AUTO} or a number);
 *   <li>{@value #PERFORMANCE_HINT_NUM_REQUESTS}: an upper bound on the streams the throughput hint picks;
 *   <li>{@value #PERF_COUNT}: {@code YES} to time every layer of every inference, read back with
 *       {@link InferRequest#getProfilingInfo()} ({@code NO} by default: timing costs two clock reads per layer).
 * </ul>
 */
public final class EngineProperties {
    public static final String PERFORMANCE_HINT = "PERFORMANCE_HINT";
    public static final String INFERENCE_NUM_THREADS = "INFERENCE_NUM_THREADS";
    public static final String NUM_STREAMS = "NUM_STREAMS";
    public static final String PERFORMANCE_HINT_NUM_REQUESTS = "PERFORMANCE_HINT_NUM_REQUESTS";
    public static final String PERF_COUNT = "PERF_COUNT";

    /** The {@value #PERFORMANCE_HINT} values. */
    public enum PerformanceHint { LATENCY, THROUGHPUT }

    private EngineProperties() {
    }

    /**
     * Parsed and validated properties.
     *
     * @param streams how many requests run at once (the async executor's threads), at least 1
     * @param profiling whether each request times its layers ({@value #PERF_COUNT})
     */
    record Config(PerformanceHint hint, int threads, int streams, int hintNumRequests, boolean profiling) {
        Map<String, String> asMap() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put(PERFORMANCE_HINT, hint.name());
            m.put(INFERENCE_NUM_THREADS, Integer.toString(threads));
            m.put(NUM_STREAMS, Integer.toString(streams));
            m.put(PERFORMANCE_HINT_NUM_REQUESTS, Integer.toString(hintNumRequests));
            m.put(PERF_COUNT, profiling ? "YES" : "NO");
            return m;
        }
    }

    static Config parse(Map<String, String> properties) {
        PerformanceHint hint = PerformanceHint.LATENCY;
        int threads = 0;
        int streams = -1;
        int numRequests = 0;
        boolean profiling = false;
        for (Map.Entry<String, String> e : properties.entrySet()) {
            String key = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue().strip();
            switch (key) {
                case PERFORMANCE_HINT -> {
                    try {
                        hint = PerformanceHint.valueOf(value.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException ex) {
                        throw new EngineException("property " + key + "=" + value + " must be LATENCY or THROUGHPUT");
                    }
                }
                case INFERENCE_NUM_THREADS -> threads = nonNegative(key, value);
                case PERFORMANCE_HINT_NUM_REQUESTS -> numRequests = nonNegative(key, value);
                case PERF_COUNT -> profiling = switch (value.toUpperCase(Locale.ROOT)) {
                    case "YES", "TRUE" -> true;
                    case "NO", "FALSE" -> false;
                    default -> throw new EngineException("property " + key + "=" + value + " must be YES or NO");
                };
                case NUM_STREAMS -> {
                    if (value.equalsIgnoreCase("AUTO")) {
                        streams = -1;
                    } else {
                        streams = nonNegative(key, value);
                        if (streams == 0) {
                            throw new EngineException("property " + key + "=" + value + " must be AUTO or at least 1");
                        }
                    }
                }
                default -> throw new EngineException("unknown property " + key + "; the engine understands "
                        + PERFORMANCE_HINT + ", " + INFERENCE_NUM_THREADS + ", " + NUM_STREAMS + ", "
                        + PERFORMANCE_HINT_NUM_REQUESTS + " and " + PERF_COUNT);
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int budget = threads > 0 ? threads : cores;
        if (streams < 0) {
            streams = hint == PerformanceHint.LATENCY ? 1 : budget;
            if (numRequests > 0) {
                streams = Math.min(streams, numRequests);
            }
        }
        return new Config(hint, threads, Math.max(1, streams), numRequests, profiling);
    }

    private static int nonNegative(String key, String value) {
        try {
            int v = Integer.parseInt(value);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new EngineException("property " + key + "=" + value + " must be a non-negative integer");
    }
}
