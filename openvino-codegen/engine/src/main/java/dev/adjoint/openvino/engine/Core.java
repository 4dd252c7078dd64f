package dev.adjoint.openvino.engine;

import dev.adjoint.TensorScope;
import dev.adjoint.core.Device;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.IrReader;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.ReadResult;
import dev.adjoint.spi.Backends;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The engine's entry point, as OpenVINO's {@code ov::Core}: read a model, compile it for a device, list devices.
 *
 * <pre>{@code
 * Core core = new Core();
 * Model model = core.readModel(Path.of("model.xml"));                  // model.bin beside it
 * try (CompiledModel compiled = core.compileModel(model, "CPU")) {
 *     InferRequest request = compiled.createInferRequest();
 *     request.setInputTensor(Tensor.of(new float[][] {{1, -2, 3, 0.5f}}));
 *     request.infer();
 *     float[] y = request.getOutputTensor().toFloatArray();
 * }
 * }</pre>
 *
 * <p>Devices are Adjoint backends: {@code CPU}, {@code CUDA} (or {@code CUDA.1}, alias {@code GPU}) when a CUDA
 * backend is on the class path, or any other backend by its device type; every op runs through the backend SPI, so
 * one engine serves them all.
 */
public final class Core {
    private final IrReader reader;

    public Core() {
        this(new IrReader(IrReader.Options.defaults().withLogWarnings(false)));
    }

    public Core(IrReader reader) {
        this.reader = reader;
    }

    /** Reads {@code xml} with its weights in the {@code .bin} beside it. */
    public Model readModel(Path xml) throws IOException {
        return readModel(xml, null);
    }

    /** Reads {@code xml} with weights from {@code bin} (null: the {@code .bin} beside it). */
    public Model readModel(Path xml, Path bin) throws IOException {
        ReadResult r = reader.readFile(xml, bin);
        return new Model(r.model(), r.warnings());
    }

    public CompiledModel compileModel(Model model, String device) {
        return compileModel(model, device, Map.of());
    }

    /**
     * Compiles the model as it is now for {@code device} with {@link EngineProperties}.
     *
     * @throws EngineException for an unknown device or property, or a layer the engine cannot run (named)
     */
    public CompiledModel compileModel(Model model, String device, Map<String, String> properties) {
        return compile(model, device, properties, true);
    }

    /** As {@link #compileModel}, with element-wise fusion on or off (tests compare the two). */
    CompiledModel compile(Model model, String device, Map<String, String> properties, boolean fuse) {
        EngineProperties.Config config = EngineProperties.parse(properties);
        Device target = resolve(device);
        IrModel graph = model.graph();
        // The plan's constants belong to the compiled model, not to a scope the caller may have open.
        Plan plan = TensorScope.unscoped(() -> new Compiler(OpTable.standard(), target, fuse).compile(graph));
        return new CompiledModel(graph, plan, target, canonicalName(device), config);
    }

    /** Reads and compiles in one step. */
    public CompiledModel compileModel(Path xml, String device, Map<String, String> properties) throws IOException {
        return compileModel(readModel(xml), device, properties);
    }

    /** The devices with a backend here: {@code CPU}, and {@code CUDA} when a CUDA backend is available. */
    public List<String> availableDevices() {
        List<String> out = new ArrayList<>();
        out.add("CPU");
        try {
            Backends.forDevice(Device.cuda(0));
            out.add("CUDA");
        } catch (RuntimeException e) {
            // No CUDA backend on the class path, or no GPU: not available.
        }
        return out;
    }

    /**
     * Which layers the engine can run, as OpenVINO's {@code query_model}: layer name to device, for every layer
     * with a kernel (Parameter, Constant, Result, ReadValue and Assign included).
     */
    public Map<String, String> queryModel(Model model, String device) {
        String name = canonicalName(device);
        resolve(device);
        Map<String, String> out = new LinkedHashMap<>();
        for (Node n : model.graph().nodes()) {
            if (isInfrastructure(n) || OpTable.standard().kernel(n.type()) != null) {
                out.put(n.name(), name);
            }
        }
        return out;
    }

    /** The op versions the engine runs, e.g. {@code Convolution-1}. */
    public static List<String> supportedOps() {
        List<String> out = new ArrayList<>();
        for (String s : new String[] {"Parameter-0", "Constant-0", "Result-0", "ReadValue-3", "ReadValue-6",
            "Assign-3", "Assign-6"}) {
            out.add(s);
        }
        OpTable.standard().supported().forEach(t -> out.add(t.toString()));
        return out;
    }

    static boolean isInfrastructure(Node n) {
        return n.is("Parameter") || n.is("Constant") || n.is("Result") || n.is("ReadValue") || n.is("Assign");
    }

    private static String canonicalName(String device) {
        return device.strip().toUpperCase(Locale.ROOT);
    }

    private Device resolve(String device) {
        String d = canonicalName(device);
        Device target;
        if (d.equals("CPU")) {
            target = Device.CPU;
        } else if (d.equals("CUDA") || d.equals("GPU")) {
            target = Device.cuda(0);
        } else if (d.startsWith("CUDA.") || d.startsWith("GPU.")) {
            try {
                target = Device.cuda(Integer.parseInt(d.substring(d.indexOf('.') + 1)));
            } catch (NumberFormatException e) {
                throw new EngineException("unknown device '" + device + "'; available: " + availableDevices());
            }
        } else {
            // Any other Adjoint backend by its device type: "TYPE" or "TYPE.INDEX".
            try {
                target = Device.parse(d.toLowerCase(Locale.ROOT).replace('.', ':'));
                Backends.forDevice(target);
                return target;
            } catch (RuntimeException e) {
                throw new EngineException("unknown device '" + device + "'; available: " + availableDevices());
            }
        }
        try {
            Backends.forDevice(target);
        } catch (RuntimeException e) {
            throw new EngineException("device '" + device + "' is not available: " + e.getMessage(), e);
        }
        return target;
    }
}
