package dev.adjoint.openvino.export;

import dev.adjoint.openvino.ir.Fp16Compression;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.IrWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An IR graph an emitter built ({@code MlpIr.predict(model, spec)}), ready to write as OpenVINO IR v11:
 * {@code save(dir, "mlp")} writes {@code dir/mlp.xml} and {@code dir/mlp.bin}. The model optimizer's pass
 * pipeline will run between building and writing once it lands; today the graph is written as built, with FP16
 * compression of the weights on request ({@link Fp16Compression}, as {@code ovc --compress_to_fp16}).
 */
public final class ExportedModel {
    private final IrModel model;

    public ExportedModel(IrModel model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    /** The graph as built. */
    public IrModel model() {
        return model;
    }

    /** The graph with every f32 weight stored as f16 and converted back when loaded. */
    public ExportedModel compressedToFp16() {
        return new ExportedModel(Fp16Compression.apply(model));
    }

    /**
     * Writes {@code dir/<name>.xml} and {@code dir/<name>.bin} (FP32 weights), creating {@code dir}.
     *
     * @return the path of the XML file
     */
    public Path save(Path dir, String name) {
        return save(dir, name, IrWriter.Options.defaults());
    }

    /** As {@link #save(Path, String)}, with FP16 weights ({@link IrWriter.Options#fp16()}). */
    public Path saveFp16(Path dir, String name) {
        return save(dir, name, IrWriter.Options.fp16());
    }

    /** As {@link #save(Path, String)}, with the writer's options. */
    public Path save(Path dir, String name, IrWriter.Options options) {
        if (name.isEmpty() || name.contains("/") || name.contains("\\")) {
            throw new IllegalArgumentException("model name '" + name + "' must be a plain file name (no directory)");
        }
        Path xml = dir.resolve(name + ".xml");
        try {
            Files.createDirectories(dir);
            IrWriter.write(model, xml, options);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + xml + ": " + e.getMessage(), e);
        }
        return xml;
    }

    @Override
    public String toString() {
        return "ExportedModel[" + model + "]";
    }
}
