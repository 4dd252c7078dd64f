package dev.adjoint.openvino.ir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Reads a model written by another framework (ONNX, say) into an {@link IrModel}: the first step of
 * {@code convert}, before the optimizer's passes and the writer. Implementations are found with
 * {@link ServiceLoader}, so a converter module on the class path adds its format.
 */
public interface ModelFrontend {

    /** A short name for messages and {@code --framework}, e.g. {@code "onnx"}. */
    String name();

    /** Whether this frontend reads {@code file} (by its extension, or its first bytes). */
    boolean accepts(Path file);

    /**
     * Reads the model.
     *
     * @throws IrFormatException naming the file, the node (as its layer) and what is not supported
     * @throws IOException if the file cannot be read
     */
    IrModel read(Path file) throws IOException;

    /** The frontends on the class path. */
    static List<ModelFrontend> available() {
        return ServiceLoader.load(ModelFrontend.class).stream().map(ServiceLoader.Provider::get).toList();
    }

    /** The first frontend on the class path that accepts {@code file}. */
    static Optional<ModelFrontend> forFile(Path file) {
        return available().stream().filter(frontend -> frontend.accepts(file)).findFirst();
    }
}
