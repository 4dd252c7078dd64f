package dev.adjoint.openvino.cli;

import static dev.adjoint.openvino.cli.CliTest.denseRelu;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.openvino.engine.CompiledModel;
import dev.adjoint.openvino.engine.Core;
import dev.adjoint.openvino.engine.InferRequest;
import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.IrReader;
import dev.adjoint.openvino.ir.PartialShape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code adjoint-ov convert}, run in-process on temporary directories. */
class ConvertCommandTest {

    private static float[] infer(Path xml, OvTensor x) throws IOException {
        Core core = new Core();
        try (CompiledModel c = core.compileModel(xml, "CPU", java.util.Map.of())) {
            InferRequest r = c.createInferRequest();
            r.setInputTensor(x);
            r.infer();
            return r.getOutputTensor().toFloatArray();
        }
    }

    /** Defaults as ovc: f16 weights. dense_relu's weights are multiples of 1/4, exact in f16. */
    @Test
    void convertsTheFixtureWithF16WeightsByDefault(@TempDir Path tmp) throws IOException {
        Run r = run("convert", denseRelu().toString(), "--output_model", tmp.resolve("out/dense").toString());
        assertEquals(0, r.exit(), r.err());
        Path xml = tmp.resolve("out/dense.xml");
        assertTrue(Files.exists(xml) && Files.exists(tmp.resolve("out/dense.bin")));
        String text = Files.readString(xml);
        assertTrue(text.contains("element_type=\"f16\""), text);
        assertTrue(text.contains("<attribute name=\"decompression\" version=\"0\""), text);
        assertTrue(r.out().contains("constant-folding"), r.out());
        assertTrue(r.out().contains("weights: 60 -> 60 bytes"), r.out());
        assertTrue(r.out().contains("float weights in f16"), r.out());
        assertArrayEquals(new float[] {3.75f, 5.375f, 7.0f}, infer(xml, OvTensor.of(new float[] {1, -2, 3, 0.5f}, 1,
                4)));
    }

    @Test
    void inputShapeAndNoCompression(@TempDir Path tmp) throws IOException {
        Run r = run("convert", denseRelu().toString(), "--input", "x[2,4]", "--compress_to_fp16=false",
                "--output_model", tmp + "/");
        assertEquals(0, r.exit(), r.err());
        Path xml = tmp.resolve("model.xml");
        IrModel m = IrReader.read(xml).model();
        assertEquals(PartialShape.of(2, 4), m.parameters().get(0).outputs().get(0).shape());
        assertFalse(Files.readString(xml).contains("f16"));
        assertEquals(60, Files.size(tmp.resolve("model.bin")));
        assertArrayEquals(new float[] {3.75f, 5.375f, 7.0f, 3.75f, 5.375f, 7.0f},
                infer(xml, OvTensor.of(new float[] {1, -2, 3, 0.5f, 1, -2, 3, 0.5f}, 2, 4)));
    }

    /** mean/scale/reverse become Gather, Subtract and Divide layers after the input. */
    @Test
    void preprocessingOptionsAreBakedIn(@TempDir Path tmp) throws IOException {
        Path model = CliTest.colourClassifier(tmp);
        Path xml = tmp.resolve("pre.xml");
        Run r = run("convert", model.toString(), "--output_model", xml.toString(), "--mean_values",
                "image[10,20,30]", "--scale_values", "image[2,2,2]", "--reverse_input_channels", "--layout",
                "image(NCHW)");
        assertEquals(0, r.exit(), r.err());
        String text = Files.readString(xml);
        assertTrue(text.contains("name=\"image/reverse_channels\" type=\"Gather\" version=\"opset8\""), text);
        assertTrue(text.contains("name=\"image/mean\" type=\"Subtract\""), text);
        assertTrue(text.contains("name=\"image/scale\" type=\"Divide\""), text);
        assertTrue(text.contains("layout=\"[N,C,H,W]\""), text);
        assertTrue(r.out().contains("preprocessing"), r.out());
    }

    @Test
    void errorsNameWhatIsWrong(@TempDir Path tmp) throws IOException {
        String in = denseRelu().toString();
        String out = tmp.resolve("o").toString();
        assertError("error: --input 'x[1,4': missing ']' after '[1,4'",
                run("convert", in, "--output_model", out, "--input", "x[1,4"));
        assertError("error: the model has no input 'image'; its inputs are [x[?,4]]",
                run("convert", in, "--output_model", out, "--input", "image[1,4]"));
        assertError("error: input 'x' has rank 2 (shape [?,4]); the shape given, [1,1,4], has rank 3",
                run("convert", in, "--output_model", out, "--input", "x[1,1,4]"));
        assertError("error: layout 'N-C': '-' is not a dimension letter",
                run("convert", in, "--output_model", out, "--layout", "N-C"));
        assertError("error: --layout [N,C,H,W] has rank 4, but input 'x' [?,4] has rank 2",
                run("convert", in, "--output_model", out, "--layout", "x(NCHW)", "--mean_values", "x[1]"));
        Path weird = tmp.resolve("model.caffemodel");
        Files.writeString(weird, "?");
        assertError("error: cannot read '" + weird + "': no reader for this format; formats available: [OpenVINO IR"
                + " (.xml)", run("convert", weird.toString()));
        assertError("error: no such file: " + tmp.resolve("absent.onnx"),
                run("convert", tmp.resolve("absent.onnx").toString()));
        assertFalse(Files.exists(tmp.resolve("o.xml")), "nothing written after an error");
    }

    private static void assertError(String prefix, Run r) {
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.err().strip().startsWith(prefix), r.err());
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        CliTest.Run r = CliTest.run(args);
        return new Run(r.exit(), r.out(), r.err());
    }
}
