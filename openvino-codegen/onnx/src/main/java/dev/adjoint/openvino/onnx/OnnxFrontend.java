package dev.adjoint.openvino.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.adjoint.openvino.ir.IrFormatException;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.ModelFrontend;
import dev.adjoint.openvino.onnx.proto.OnnxProto.ModelProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads an ONNX model ({@code onnx.ModelProto}: initializers, external data files beside the model, opset imports,
 * value infos) into an {@link IrModel}, converting ONNX ops of the default domain to IR ops.
 *
 * <pre>{@code
 * IrModel model = new OnnxFrontend().read(Path.of("resnet18.onnx"));
 * IrWriter.write(model, Path.of("resnet18.xml"), IrWriter.Options.defaults());
 * }</pre>
 *
 * <p>Anything the converter cannot express faithfully — an op, a domain, an attribute or attribute value, a
 * sequence or string type — is one {@link IrFormatException} naming the node, its op type, domain and opset; it
 * never returns a graph that computes something else.
 */
public final class OnnxFrontend implements ModelFrontend {
    /** The oldest default-domain opset read. */
    public static final int MIN_OPSET = 1;
    /** The newest default-domain opset read. */
    public static final int MAX_OPSET = 21;

    @Override
    public String name() {
        return "onnx";
    }

    @Override
    public boolean accepts(Path file) {
        return file.getFileName() != null
                && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    @Override
    public IrModel read(Path file) throws IOException {
        String source = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        ModelProto model;
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setSizeLimit(Integer.MAX_VALUE);
            model = ModelProto.parseFrom(coded);
        } catch (InvalidProtocolBufferException e) {
            throw new IrFormatException(source, null, "not an ONNX model (" + e.getMessage() + ")", e);
        }
        Path dir = file.toAbsolutePath().getParent();
        return convert(model, source, dir);
    }

    /**
     * Converts a parsed model. External data is read relative to {@code baseDir} (null: the model must hold all its
     * data); {@code source} names the model in messages.
     */
    public static IrModel convert(ModelProto model, String source, Path baseDir) throws IOException {
        String name = model.getGraph().getName().isEmpty() ? stripExtension(source) : model.getGraph().getName();
        return new OnnxConverter(source, baseDir, name).convert(model);
    }

    private static String stripExtension(String file) {
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }
}
