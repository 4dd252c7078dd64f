package dev.adjoint.openvino.engine;

import dev.adjoint.core.Device;
import dev.adjoint.openvino.ir.IrModel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model compiled for a device: shapes inferred, constants folded and uploaded once, the graph scheduled. Make
 * requests with {@link #createInferRequest()}; each holds its own inputs, outputs and state, and several may run
 * at once. {@link #close()} stops the threads that run asynchronous requests.
 */
public final class CompiledModel implements AutoCloseable {
    private final IrModel graph;
    private final Plan plan;
    private final Device device;
    private final String deviceName;
    private final EngineProperties.Config config;
    private final List<Port> inputs;
    private final List<Port> outputs;
    private volatile ExecutorService executor;
    private volatile boolean closed;

    CompiledModel(IrModel graph, Plan plan, Device device, String deviceName, EngineProperties.Config config) {
        this.graph = graph;
        this.plan = plan;
        this.device = device;
        this.deviceName = deviceName;
        this.config = config;
        this.inputs = Model.inputsOf(graph);
        this.outputs = Model.outputsOf(graph);
    }

    public List<Port> inputs() {
        return inputs;
    }

    public List<Port> outputs() {
        return outputs;
    }

    public Port input() {
        return Model.single(inputs, "input");
    }

    public Port input(String name) {
        return Model.byName(inputs, name, "input");
    }

    public Port output() {
        return Model.single(outputs, "output");
    }

    public Port output(String name) {
        return Model.byName(outputs, name, "output");
    }

    /** The graph this model was compiled from. */
    public IrModel graph() {
        return graph;
    }

    /** The device name it was compiled for, e.g. {@code CPU}. */
    public String device() {
        return deviceName;
    }

    public InferRequest createInferRequest() {
        if (closed) {
            throw new EngineException("the compiled model is closed");
        }
        return new InferRequest(this);
    }

    /** How many requests to keep in flight for best throughput: the number of streams (1 under the latency hint). */
    public int optimalNumberOfInferRequests() {
        return config.streams();
    }

    /** The properties in effect, with defaults filled in. */
    public Map<String, String> properties() {
        return config.asMap();
    }

    /** The layers, the steps left to run, what was folded, the weight bytes and the planned peak of intermediates. */
    public CompileSummary summary() {
        return plan.summary();
    }

    Plan plan() {
        return plan;
    }

    /** {@code INFERENCE_NUM_THREADS}: the most CPU kernel threads one request uses, or 0 for the whole pool. */
    int kernelThreads() {
        return config.threads();
    }

    /** Whether requests time their layers (PERF_COUNT=YES). */
    boolean profiling() {
        return config.profiling();
    }

    Device deviceId() {
        return device;
    }

    ExecutorService executor() {
        ExecutorService e = executor;
        if (e == null) {
            synchronized (this) {
                if (closed) {
                    throw new EngineException("the compiled model is closed");
                }
                if (executor == null) {
                    AtomicInteger n = new AtomicInteger();
                    ThreadFactory threads = r -> {
                        Thread t = new Thread(r, "adjoint-ov-" + graph.name() + "-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    };
                    executor = Executors.newFixedThreadPool(config.streams(), threads);
                }
                e = executor;
            }
        }
        return e;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (executor != null) {
            executor.shutdown();
        }
    }

    @Override
    public String toString() {
        return "CompiledModel '" + graph.name() + "' on " + deviceName + " " + summary();
    }
}
