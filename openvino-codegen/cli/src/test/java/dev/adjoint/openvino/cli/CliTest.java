package dev.adjoint.openvino.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.adjoint.Tensor;
import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.GraphBuilder;
import dev.adjoint.openvino.ir.IrWriter;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.PartialShape;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The adjoint-ov commands, run in-process on the shared fixture and on models the tests write. */
class CliTest {

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = AdjointOv.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static Path denseRelu() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared/fixtures/openvino-ir/dense_relu/model.xml");
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        assumeTrue(false, "shared fixtures are not available");
        return null;
    }

    /** image [1, 3, 8, 8] -> mean over H, W -> [1, 3] / 255 * 10 -> softmax: the brightest channel wins. */
    static Path colourClassifier(Path dir) throws IOException {
        GraphBuilder g = new GraphBuilder("colour");
        Node x = g.parameter("image", ElementType.F32, PartialShape.of(1, 3, 8, 8));
        g.setTensorNames(x.output(0), List.of("image"));
        Node mean = g.op("ReduceMean", 1, "mean", Attributes.of("keep_dims", false), x.output(0),
                g.constantI64("hw", new long[] {2}, 2, 3).output(0));
        float k = 10f / 255;
        Node w = g.constant("W", new long[] {3, 3}, k, 0, 0, 0, k, 0, 0, 0, k);
        Node logits = g.op("MatMul", 0, "logits", Attributes.empty(), mean.output(0), w.output(0));
        Node prob = g.op("Softmax", 8, "prob", Attributes.of("axis", 1L), logits.output(0));
        g.setTensorNames(prob.output(0), List.of("prob"));
        g.result("prob", prob.output(0));
        Path xml = dir.resolve("colour.xml");
        IrWriter.write(g.build(), xml, IrWriter.Options.defaults());
        return xml;
    }

    @Test
    void inspectDescribesTheFixture() {
        Run r = run("inspect", denseRelu().toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("x                        f32      [?,4]"), r.out());
        assertTrue(r.out().contains("y                        f32      [?,3]"), r.out());
        assertTrue(r.out().contains("Opsets:  opset1"), r.out());
        assertTrue(r.out().contains("Constant-0                        2"), r.out());
        assertTrue(r.out().contains("MatMul-0                          1"), r.out());
        assertTrue(r.out().contains("Parameters: 15 values in 2 floating-point constants"), r.out());
        assertTrue(r.out().contains("Weights:    60 bytes"), r.out());
        assertTrue(r.out().contains("every layer runs on CPU"), r.out());
    }

    @Test
    void inferReadsNpyAndWritesNpy(@TempDir Path tmp) throws IOException {
        Path in = tmp.resolve("x.npy");
        Npy.write(OvTensor.of(Tensor.of(new float[][] {{1, -2, 3, 0.5f}})), in);
        Path outDir = tmp.resolve("out");
        Run r = run("infer", denseRelu().toString(), "-i", "x=" + in, "-o", outDir.toString());
        assertEquals(0, r.exit(), r.err());
        OvTensor y = Npy.read(outDir.resolve("y.npy"));
        assertArrayEquals(new float[] {3.75f, 5.375f, 7.0f}, y.toFloatArray());
        // A [1, 3] output prints as class scores, best first.
        assertTrue(r.out().contains("       2    7.0000000"), r.out());
    }

    @Test
    void inferClassifiesAnImageInBgrOrRgb(@TempDir Path tmp) throws IOException {
        Path model = colourClassifier(tmp);
        BufferedImage red = new BufferedImage(20, 12, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D gr = red.createGraphics();
        gr.setColor(new Color(250, 10, 10));
        gr.fillRect(0, 0, 20, 12);
        gr.dispose();
        Path png = tmp.resolve("red.png");
        ImageIO.write(red, "png", png.toFile());
        Path labels = tmp.resolve("labels.txt");
        Files.write(labels, List.of("zero", "one", "two"));
        Run bgr = run("infer", model.toString(), "-i", png.toString(), "--labels", labels.toString(), "-k", "1");
        assertEquals(0, bgr.exit(), bgr.err());
        // BGR: red is channel 2.
        assertTrue(bgr.out().matches("(?s).*\\n\\s+2\\s+0\\.\\d+\\s+two\\n.*"), bgr.out());
        Run rgb = run("infer", model.toString(), "-i", png.toString(), "--labels", labels.toString(), "-k", "1",
                "--rgb");
        assertTrue(rgb.out().matches("(?s).*\\n\\s+0\\s+0\\.\\d+\\s+zero\\n.*"), rgb.out());
    }

    @Test
    void benchmarkReportsLatencyPercentilesAndThroughput(@TempDir Path tmp) {
        Run r = run("benchmark", denseRelu().toString(), "-shape", "[8,4]", "-niter", "40", "-nireq", "2",
                "--no-progress");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("Count:            40 iterations"), r.out());
        for (String line : List.of("Median:", "Average:", "90th percentile:", "99th percentile:", "Throughput:")) {
            assertTrue(r.out().contains(line), line + " in " + r.out());
        }
        Run timed = run("benchmark", denseRelu().toString(), "-shape", "x[1,4]", "-t", "0.3", "-hint", "latency");
        assertEquals(0, timed.exit(), timed.err());
        assertTrue(timed.out().contains("PERFORMANCE_HINT=LATENCY"), timed.out());
        assertTrue(timed.out().matches("(?s).*\\nFirst inference took \\d+\\.\\d\\d ms\\n.*"), timed.out());
    }

    @Test
    void benchmarkWarmsUpUntimedWhenAsked() {
        Run r = run("benchmark", denseRelu().toString(), "-shape", "[8,4]", "-niter", "5", "--warmup", "0.2",
                "--no-progress");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().matches("(?s).*\\nWarm-up: [1-9]\\d* untimed inferences in 0\\.2 s\\n.*"), r.out());
        assertTrue(r.out().contains("Count:            5 iterations"), r.out());
        Run negative = run("benchmark", denseRelu().toString(), "-shape", "[8,4]", "--warmup", "-1");
        assertEquals(2, negative.exit(), negative.out());
        assertTrue(negative.err().contains("--warmup must not be negative, got -1.0"), negative.err());
    }

    @Test
    void benchmarkPrintsPerLayerCountsWithPc() {
        Run r = run("benchmark", denseRelu().toString(), "-shape", "[8,4]", "-niter", "30", "-nireq", "2", "-pc",
                "--no-progress");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("PERF_COUNT=YES"), r.out());
        assertTrue(r.out().contains("Performance counts (mean and median of 30 inferences, slowest median first):"),
                r.out());
        // The dense_relu fixture's three layers run as one step (MatMul with its bias and ReLU): one line, under
        // the MatMul's name, its exec type naming all three.
        assertTrue(r.out().lines().anyMatch(line -> line.matches("matmul +MatMul +MatMul\\+Add\\+Relu .*%")),
                r.out());
        assertTrue(r.out().matches("(?s).*Total of the layers: \\d+\\.\\d{3} ms per inference \\(mean\\), "
                + "\\d+\\.\\d{3} ms \\(sum of the medians\\).*"), r.out());
    }

    @Test
    void errorsAreOneLineNamingWhatWasWrong(@TempDir Path tmp) throws IOException {
        Run missing = run("inspect", tmp.resolve("nope.xml").toString());
        assertEquals(1, missing.exit());
        assertEquals("error: no such file: " + tmp.resolve("nope.xml"), missing.err().strip());
        Path in = tmp.resolve("bad.npy");
        Npy.write(OvTensor.of(Tensor.of(new float[][] {{1, 2, 3}})), in);
        Run shape = run("infer", denseRelu().toString(), "-i", in.toString());
        assertEquals(1, shape.exit());
        assertEquals("error: input 'x' f32[?,4] (index 0) expects shape [?,4], got (1, 3)", shape.err().strip());
        Run dynamic = run("benchmark", denseRelu().toString(), "-niter", "1", "--no-progress");
        assertEquals(1, dynamic.exit());
        assertTrue(dynamic.err().contains("has a dynamic shape; give it one with -shape x[...]"), dynamic.err());
    }
}
