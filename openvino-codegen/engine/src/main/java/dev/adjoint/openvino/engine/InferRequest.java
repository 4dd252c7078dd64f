package dev.adjoint.openvino.engine;

import dev.adjoint.Tensor;
import dev.adjoint.TensorScope;
import dev.adjoint.spi.Backend;
import dev.adjoint.spi.Backends;
import dev.adjoint.openvino.ir.ElementType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One inference at a time over a {@link CompiledModel}: set the inputs, {@link #infer()} (or
 * {@link #startAsync()} then {@link #waitAsync()}), read the outputs. Inputs are checked when set: a wrong element
 * type or a shape that does not fit the model's (partial) shape is an {@link EngineException} naming the input and
 * both. Variables (ReadValue/Assign) keep their values across inferences until {@link #resetState()}.
 *
 * <p>A request is not for concurrent use; use one request per thread, or several requests with
 * {@code startAsync}.
 */
public final class InferRequest {
    private final CompiledModel compiled;
    private final Plan plan;
    private final OvTensor[] inputs;
    private volatile List<OvTensor> outputs;
    /** Each step's wall time in the last inference, when the model was compiled with PERF_COUNT=YES. */
    private volatile long[] stepNanos;
    private final Map<String, OvTensor> state = new HashMap<>();
    private Future<?> pending;
    private volatile java.util.function.Consumer<EngineException> callback;

    InferRequest(CompiledModel compiled) {
        this.compiled = compiled;
        this.plan = compiled.plan();
        this.inputs = new OvTensor[compiled.inputs().size()];
    }

    public CompiledModel compiledModel() {
        return compiled;
    }

    // ---- inputs ----

    /** Sets the only input. */
    public void setInputTensor(OvTensor value) {
        setInputTensor(compiled.input().index(), value);
    }

    /** Sets the only input from a plain tensor (float32 is f32, int64 is i64, ...). */
    public void setInputTensor(Tensor value) {
        setInputTensor(OvTensor.of(Objects.requireNonNull(value, "value")));
    }

    /** Sets input {@code index}. */
    public void setInputTensor(int index, OvTensor value) {
        if (index < 0 || index >= inputs.length) {
            throw new EngineException("input index " + index + " is out of range: the model has " + inputs.length
                    + " inputs " + compiled.inputs());
        }
        Objects.requireNonNull(value, "value");
        Port port = compiled.inputs().get(index);
        check(port, value);
        idle();
        inputs[index] = value.tensor().device().equals(compiled.deviceId()) ? value
                : OvTensor.trusted(value.elementType(), value.tensor().to(compiled.deviceId()));
    }

    public void setInputTensor(int index, Tensor value) {
        setInputTensor(index, OvTensor.of(Objects.requireNonNull(value, "value")));
    }

    /** Sets the input with this tensor name (or friendly name). */
    public void setTensor(String name, OvTensor value) {
        setInputTensor(compiled.input(name).index(), value);
    }

    public void setTensor(String name, Tensor value) {
        setTensor(name, OvTensor.of(Objects.requireNonNull(value, "value")));
    }

    /** Sets several inputs by name. */
    public void setTensors(Map<String, OvTensor> values) {
        values.forEach(this::setTensor);
    }

    private static void check(Port port, OvTensor value) {
        if (value.elementType() != port.elementType()) {
            String hint = "";
            if (ElementTypes.carrier(port.elementType()) == value.tensor().dtype()) {
                hint = " (wrap the values: OvTensor.of(ElementType." + port.elementType().name() + ", tensor))";
            } else if (ElementTypes.of(ElementTypes.carrier(port.elementType())) == port.elementType()) {
                hint = " (convert it: tensor.cast(DType." + ElementTypes.carrier(port.elementType()).name() + "))";
            }
            throw new EngineException("input " + port + " (index " + port.index() + ") expects element type "
                    + port.elementType() + ", got " + value.elementType() + hint);
        }
        if (!Execution.fits(port.partialShape(), value.shape())) {
            throw new EngineException("input " + port + " (index " + port.index() + ") expects shape "
                    + port.partialShape() + ", got " + value.shape());
        }
    }

    /** The input set at {@code index}, or null. */
    public OvTensor getInputTensor(int index) {
        return inputs[index];
    }

    // ---- running ----

    /** Runs the model on the inputs set, synchronously. */
    public void infer() {
        idle();
        run();
    }

    /**
     * Starts the inference on the compiled model's threads; {@link #waitAsync()} waits for it, and the callback
     * (if set) is told when it ends.
     */
    public synchronized void startAsync() {
        idle();
        requireInputs();
        java.util.concurrent.CompletableFuture<Void> started =
                java.util.concurrent.CompletableFuture.runAsync(this::run, compiled.executor());
        pending = started;
        // Runs once the inference is done, so that the callback may start the request again.
        started.whenComplete((ignored, error) -> {
            java.util.function.Consumer<EngineException> c = callback;
            if (c != null) {
                c.accept(error == null ? null : asEngineException(error));
            }
        });
    }

    private static EngineException asEngineException(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return cause instanceof EngineException e ? e : new EngineException("the inference failed: " + cause, cause);
    }

    /**
     * Runs {@code callback} on the inference thread when an asynchronous inference ends, with null or its error
     * (OpenVINO's {@code set_callback}). The callback may start the request again; {@link #waitAsync()} then waits
     * for the new inference.
     */
    public void setCallback(java.util.function.Consumer<EngineException> callback) {
        this.callback = callback;
    }

    /** Waits for {@link #startAsync()}'s inference; rethrows its error. Returns at once when none is running. */
    public void waitAsync() {
        Future<?> f;
        synchronized (this) {
            f = pending;
        }
        if (f == null) {
            return;
        }
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while waiting for the inference", e);
        } catch (ExecutionException e) {
            throw rethrow(e);
        } catch (CancellationException e) {
            throw new EngineException("the inference was cancelled", e);
        } finally {
            synchronized (this) {
                if (pending == f) {
                    pending = null;
                }
            }
        }
    }

    /** Waits at most {@code timeout}; true when the inference finished (its error is rethrown). */
    public boolean waitAsync(Duration timeout) {
        Future<?> f;
        synchronized (this) {
            f = pending;
        }
        if (f == null) {
            return true;
        }
        try {
            f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while waiting for the inference", e);
        } catch (ExecutionException e) {
            throw rethrow(e);
        }
        synchronized (this) {
            if (pending == f) {
                pending = null;
            }
        }
        return true;
    }

    private static RuntimeException rethrow(ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof RuntimeException r) {
            return r;
        }
        if (c instanceof Error err) {
            throw err;
        }
        return new EngineException("the inference failed: " + c, c);
    }

    private synchronized void idle() {
        if (pending != null && !pending.isDone()) {
            throw new EngineException("the request is busy with an asynchronous inference; call waitAsync() first");
        }
    }

    private void requireInputs() {
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) {
                throw new EngineException("input " + compiled.inputs().get(i) + " (index " + i + ") was not set");
            }
        }
    }

    private void run() {
        requireInputs();
        Map<String, OvTensor> current;
        synchronized (state) {
            current = new HashMap<>(state);
        }
        long[] nanos = compiled.profiling() ? new long[plan.steps().size()] : null;
        OvTensor[] given = inputs.clone();
        int threads = compiled.kernelThreads();
        Backend backend = Backends.forDevice(compiled.deviceId());
        // The layers run back to back: the kernel threads wait for the next one awake (Backend.inBurst). The outputs
        // and the state belong to this request, not to a scope the caller may have open (as on the threads of
        // startAsync); the engine releases the intermediate values itself.
        Supplier<Execution.Result> inference = () -> TensorScope.unscoped(() -> backend.inBurst(
                () -> Execution.run(plan, compiled.deviceId(), given, current, nanos)));
        Execution.Result r = threads == 0 ? inference.get() : backend.withThreadLimit(threads, inference);
        synchronized (state) {
            state.putAll(r.assigned());
        }
        outputs = r.outputs();
        stepNanos = nanos;
    }

    /**
     * How long each layer took in the last inference, in the order they ran (OpenVINO's
     * {@code get_profiling_info}). Only the layers that ran as kernels are listed; see {@link ProfilingInfo}.
     *
     * @throws EngineException when the model was not compiled with {@link EngineProperties#PERF_COUNT}{@code =YES},
     *     or no inference has finished yet
     */
    public List<ProfilingInfo> getProfilingInfo() {
        if (!compiled.profiling()) {
            throw new EngineException("profiling is off: compile the model with " + EngineProperties.PERF_COUNT
                    + "=YES to time its layers");
        }
        requireOutputs();
        long[] nanos = stepNanos;
        List<ProfilingInfo> out = new ArrayList<>();
        for (int i = 0; i < nanos.length; i++) {
            Plan.Step step = plan.steps().get(i);
            if (step.kind() == Plan.Kind.OP) {
                out.add(new ProfilingInfo(step.node().name(), step.node().type().name(), step.execType(),
                        Duration.ofNanos(nanos[i])));
            }
        }
        return out;
    }

    // ---- outputs ----

    /** The only output of the last inference. */
    public OvTensor getOutputTensor() {
        return getOutputTensor(compiled.output().index());
    }

    public OvTensor getOutputTensor(int index) {
        List<OvTensor> out = requireOutputs();
        if (index < 0 || index >= out.size()) {
            throw new EngineException("output index " + index + " is out of range: the model has " + out.size()
                    + " outputs " + compiled.outputs());
        }
        return out.get(index);
    }

    /** Every output of the last inference, in the model's order. */
    public List<OvTensor> getOutputTensors() {
        return requireOutputs();
    }

    /** An output (or else an input) by tensor name or friendly name. */
    public OvTensor getTensor(String name) {
        for (Port p : compiled.outputs()) {
            if (p.hasName(name)) {
                return getOutputTensor(p.index());
            }
        }
        for (Port p : compiled.inputs()) {
            if (p.hasName(name)) {
                return inputs[p.index()];
            }
        }
        List<Port> all = new ArrayList<>(compiled.inputs());
        all.addAll(compiled.outputs());
        throw new EngineException("the model has no tensor named '" + name + "'; its inputs and outputs are " + all);
    }

    private synchronized List<OvTensor> requireOutputs() {
        if (pending != null && !pending.isDone()) {
            throw new EngineException("the asynchronous inference is still running; call waitAsync() first");
        }
        if (outputs == null) {
            throw new EngineException("no outputs yet: call infer() first");
        }
        return outputs;
    }

    // ---- state ----

    /** One state per variable of the model. */
    public List<VariableState> queryState() {
        List<VariableState> out = new ArrayList<>();
        for (Plan.Variable v : plan.variables()) {
            out.add(new VariableState(this, v.id()));
        }
        return out;
    }

    /** Every variable back to its initial value. */
    public void resetState() {
        idle();
        synchronized (state) {
            state.clear();
        }
    }

    OvTensor stateValue(String id) {
        Plan.Variable v = variable(id);
        synchronized (state) {
            OvTensor s = state.get(id);
            if (s != null) {
                return s;
            }
        }
        if (v.initial() != null) {
            return v.initial();
        }
        throw new EngineException("variable '" + id + "' has no value yet: its initial value depends on the inputs;"
                + " run an inference first");
    }

    void setStateValue(String id, OvTensor value) {
        Plan.Variable v = variable(id);
        Objects.requireNonNull(value, "value");
        if (value.elementType() != v.type()) {
            throw new EngineException("variable '" + id + "' holds " + v.type() + ", got " + value.elementType());
        }
        if (!Execution.fits(v.shape(), value.shape())) {
            throw new EngineException("variable '" + id + "' has shape " + v.shape() + ", got " + value.shape());
        }
        idle();
        synchronized (state) {
            // A handle of the request's own (to() shares the storage on the same device), in no scope: the caller may
            // release its tensor, or a scope of the caller's may, while the state lives on.
            Tensor own = TensorScope.unscoped(() -> value.tensor().to(compiled.deviceId()));
            state.put(id, OvTensor.trusted(value.elementType(), own));
        }
    }

    void resetStateValue(String id) {
        variable(id);
        idle();
        synchronized (state) {
            state.remove(id);
        }
    }

    private Plan.Variable variable(String id) {
        for (Plan.Variable v : plan.variables()) {
            if (v.id().equals(id)) {
                return v;
            }
        }
        throw new EngineException("the model has no variable '" + id + "'");
    }
}
