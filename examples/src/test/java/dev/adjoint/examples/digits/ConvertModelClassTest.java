package dev.adjoint.examples.digits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Tensor;
import dev.adjoint.io.Checkpoint;
import dev.adjoint.openvino.cli.AdjointOv;
import dev.adjoint.openvino.engine.CompiledModel;
import dev.adjoint.openvino.engine.Core;
import dev.adjoint.openvino.engine.InferRequest;
import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.optim.Adam;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code adjoint-ov convert CLASS --checkpoint FILE}: a compiled model class and its checkpoint go through the
 * generated emitter and the model optimizer's passes, and the IR computes what the trained model does.
 */
class ConvertModelClassTest {

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {
    }

    private static Run convert(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = AdjointOv.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "convert";
        System.arraycopy(args, 0, all, 1, args.length);
        return new Run(command.execute(all), out.toString(), err.toString());
    }

    @Test
    void trainedCnnFromItsCheckpointEqualsTheEagerModel() throws Exception {
        Digits digits = Digits.load();
        Digits.Split split = Digits.split(TrainDigits.TEST_SIZE, 3);
        DigitsCnn cnn = new DigitsCnn(); // the shapes convert's no-argument constructor makes
        Adam adam = new Adam(0.01);
        TrainDigits.train(TrainDigits.cnn(cnn), adam, digits, split.train(), 1, 64, new SplittableRandom(3), "cnn");
        Path checkpoint = dir.resolve("cnn.npz");
        Checkpoint.save(checkpoint, cnn.variables(), adam);

        Run run = convert(DigitsCnn.class.getName(), "--checkpoint", checkpoint.toString(), "--input", "x[-1,64]",
                "--compress_to_fp16=false", "--output_model", dir.resolve("out/cnn").toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("constant-folding"), run.out());
        Path xml = dir.resolve("out/cnn.xml");
        assertTrue(Files.exists(xml) && Files.exists(dir.resolve("out/cnn.bin")));

        Tensor images = digits.images(split.test());
        Tensor eager = cnn.predict(images);
        Core core = new Core();
        try (CompiledModel compiled = core.compileModel(core.readModel(xml), "CPU")) {
            InferRequest request = compiled.createInferRequest();
            request.setInputTensor(OvTensor.of(images));
            request.infer();
            Tensor fromIr = request.getOutputTensor().tensor();
            double difference = fromIr.sub(eager).abs().max().item();
            assertTrue(difference <= 1e-5, "max |logit difference| " + difference);
        }
    }

    @Test
    void whatDoesNotFitIsOneClearError() throws Exception {
        Path checkpoint = dir.resolve("mlp.npz");
        DigitsMlp mlp = new DigitsMlp(16, new SplittableRandom(1)); // not the 64 units the constructor makes
        Checkpoint.save(checkpoint, mlp.variables());
        Run shapes = convert(DigitsMlp.class.getName(), "--checkpoint", checkpoint.toString(), "--input", "x[-1,64]",
                "--output_model", dir.resolve("mlp").toString());
        assertEquals(1, shapes.exitCode());
        assertTrue(shapes.err().contains("variable 'w1' is float32(64, 64) in the model but float32(64, 16)"),
                shapes.err());

        Run noInput = convert(DigitsMlp.class.getName(), "--checkpoint", checkpoint.toString());
        assertTrue(noInput.err().contains("--checkpoint needs --input"), noInput.err());

        Run noClass = convert("com.example.Missing", "--checkpoint", checkpoint.toString(), "--input", "x[1,64]");
        assertTrue(noClass.err().contains("class com.example.Missing is not on the class path"), noClass.err());

        Run noEmitter = convert(Digits.class.getName(), "--checkpoint", checkpoint.toString(), "--input", "x[1,64]");
        assertTrue(noEmitter.err().contains("has no generated emitter"), noEmitter.err());

        Run noMethod = convert(DigitsMlp.class.getName(), "--checkpoint", checkpoint.toString(), "--input",
                "x[1,64]", "--method", "loss");
        assertTrue(noMethod.err().contains("exports no method 'loss' (it exports [predict])"), noMethod.err());
    }
}
