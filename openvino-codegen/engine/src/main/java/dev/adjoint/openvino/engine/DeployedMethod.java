package dev.adjoint.openvino.engine;

import dev.adjoint.Tensor;
import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.openvino.ir.Dimension;
import dev.adjoint.openvino.ir.PartialShape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * What a generated deployment stub ({@code MlpDeployment}) runs: one exported method's IR, compiled on a device,
 * called with the method's own arguments. Each argument is checked against the IR input of the same name (its
 * element type and shape, dynamic dimensions accepting any length) with an error naming the method and the
 * parameter; each call uses its own infer request, so a stub may be called from several threads.
 *
 * <p>Needs only this module and a backend on the class path: not the annotation processor, not the training code.
 */
public final class DeployedMethod implements AutoCloseable {
    private final String method;
    private final List<String> parameters;
    private final CompiledModel compiled;
    private final Port[] inputs;

    private DeployedMethod(String method, List<String> parameters, CompiledModel compiled) {
        this.method = method;
        this.parameters = List.copyOf(parameters);
        this.compiled = compiled;
        this.inputs = new Port[parameters.size()];
        List<Port> ports = compiled.inputs();
        for (int i = 0; i < parameters.size(); i++) {
            String name = parameters.get(i);
            inputs[i] = ports.stream().filter(p -> p.hasName(name)).findFirst().orElse(null);
        }
        boolean matches = ports.size() == parameters.size();
        for (Port port : inputs) {
            matches &= port != null;
        }
        if (!matches) {
            compiled.close();
            throw new EngineException(method + " takes " + parameters + ", but the model's inputs are " + ports
                    + ": load the IR that was exported from " + method);
        }
    }

    /**
     * Reads the IR at {@code xml} ({@code .bin} beside it) and compiles it on {@code device} ({@code "CPU"},
     * {@code "CUDA"}, ...) for {@code method} (its name in errors, e.g. {@code "Mlp.predict"}), whose parameters
     * are the model's inputs by name.
     *
     * @throws IOException if the files cannot be read or are not valid IR
     * @throws EngineException if the model's inputs are not the method's parameters, or the device cannot run it
     */
    public static DeployedMethod load(Path xml, String device, Map<String, String> properties, String method,
            List<String> parameters) throws IOException {
        Objects.requireNonNull(device, "device");
        Core core = new Core();
        Model model = core.readModel(xml);
        // The emitter names the model after its method: IR of another method would take the wrong inputs.
        if (!method.equals(model.name())) {
            throw new EngineException(xml + " holds the model '" + model.name() + "', not " + method
                    + ": load the IR written by the emitter of " + method);
        }
        return new DeployedMethod(method, parameters, core.compileModel(model, device, properties));
    }

    /** The compiled model, for its summary, properties and ports. */
    public CompiledModel compiledModel() {
        return compiled;
    }

    /**
     * Runs the model on {@code arguments}, one per parameter in order, and returns its output: a tensor of the
     * caller's, which belongs to the caller's innermost {@link dev.adjoint.TensorScope} if one is open, as the result
     * of the eager method it replaces would.
     */
    public Tensor run(Tensor... arguments) {
        InferRequest request = request(arguments);
        request.infer();
        // The request made its output in no scope (InferRequest owns what it makes); the caller gets the only handle
        // left, made here on the caller's thread, so that a scope closing recycles the output's memory.
        Tensor made = request.getOutputTensor().tensor();
        Tensor result = made.share();
        made.release();
        return result;
    }

    /** {@link #run} on the compiled model's threads; the future completes with the output or the error. */
    public CompletableFuture<Tensor> runAsync(Tensor... arguments) {
        InferRequest request = request(arguments);
        CompletableFuture<Tensor> result = new CompletableFuture<>();
        request.setCallback(error -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(request.getOutputTensor().tensor());
            }
        });
        request.startAsync();
        return result;
    }

    /** For a method of {@code double}s: each argument an f32 scalar, the result read back as a double. */
    public double runScalar(double... arguments) {
        Tensor[] tensors = new Tensor[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            tensors[i] = Tensor.of((float) arguments[i]);
        }
        return run(tensors).item();
    }

    /** {@link #runScalar} on the compiled model's threads. */
    public CompletableFuture<Double> runScalarAsync(double... arguments) {
        Tensor[] tensors = new Tensor[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            tensors[i] = Tensor.of((float) arguments[i]);
        }
        return runAsync(tensors).thenApply(Tensor::item);
    }

    private InferRequest request(Tensor... arguments) {
        if (arguments.length != parameters.size()) {
            throw new IllegalArgumentException(method + " takes " + parameters.size() + " argument(s) " + parameters
                    + ", got " + arguments.length);
        }
        InferRequest request = compiled.createInferRequest();
        for (int i = 0; i < arguments.length; i++) {
            Tensor argument = arguments[i];
            if (argument == null) {
                throw new IllegalArgumentException(method + ": argument '" + parameters.get(i) + "' is null");
            }
            check(parameters.get(i), inputs[i], argument);
            request.setInputTensor(inputs[i].index(), argument);
        }
        return request;
    }

    /** The argument's dtype and shape against the IR input's, with a message that names the method's parameter. */
    private void check(String name, Port port, Tensor argument) {
        DType expected = ElementTypes.carrier(port.elementType());
        if (argument.dtype() != expected) {
            throw new IllegalArgumentException(method + ": argument '" + name + "' has dtype " + argument.dtype()
                    + ", but the model expects " + expected + " (" + port.elementType() + "): convert it with "
                    + "cast(DType." + expected.name() + ")");
        }
        PartialShape shape = port.partialShape();
        Shape actual = argument.shape();
        boolean ok = shape.isRankDynamic() || shape.rank() == actual.rank();
        for (int i = 0; ok && shape.isRankStatic() && i < shape.rank(); i++) {
            Dimension d = shape.get(i);
            ok = d.contains(actual.dim(i));
        }
        if (!ok) {
            throw new IllegalArgumentException(method + ": argument '" + name + "' has shape " + actual
                    + ", but the model expects " + shape + " (? is any length)");
        }
    }

    /** Releases the compiled model's weights and threads. */
    @Override
    public void close() {
        compiled.close();
    }

    @Override
    public String toString() {
        return "DeployedMethod[" + method + parameters + " on " + compiled.device() + "]";
    }
}
