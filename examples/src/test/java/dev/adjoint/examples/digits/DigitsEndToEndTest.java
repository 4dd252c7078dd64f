package dev.adjoint.examples.digits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import dev.adjoint.io.Checkpoint;
import dev.adjoint.openvino.engine.DeployedMethod;
import dev.adjoint.openvino.export.InputSpec;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.optim.Adam;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The digits example end to end, as the seed's four steps: train with generated gradients, checkpoint, export IR
 * through the generated emitters (FP32 and FP16), classify through the generated stubs on the engine; and the
 * application run with nothing but the engine on its class path.
 */
class DigitsEndToEndTest {

    @TempDir
    static Path dir;

    static Digits digits;
    static Digits.Split split;
    static DigitsMlp mlp;
    static DigitsCnn cnn;

    @BeforeAll
    static void trainBriefly() throws Exception {
        digits = Digits.load();
        split = Digits.split(TrainDigits.TEST_SIZE, 7);
        SplittableRandom random = new SplittableRandom(7);
        mlp = new DigitsMlp(32, random);
        cnn = new DigitsCnn(4, random);
        TrainDigits.train(TrainDigits.mlp(mlp), new Adam(0.01), digits, split.train(), 4, 32, random, "mlp");
        TrainDigits.train(TrainDigits.cnn(cnn), new Adam(0.01), digits, split.train(), 3, 32, random, "cnn");
    }

    @Test
    void deployedLogitsEqualTheEagerModelsInFp32AndAgreeInFp16() throws IOException {
        Tensor images = digits.images(split.test());
        int[] labels = digits.labels(split.test());
        InputSpec spec = InputSpec.f32(-1, Digits.PIXELS);
        for (String name : List.of("mlp", "cnn")) {
            Tensor eager = name.equals("mlp") ? mlp.predict(images) : cnn.predict(images);
            var exported = name.equals("mlp") ? DigitsMlpIr.predict(mlp, spec) : DigitsCnnIr.predict(cnn, spec);
            Path fp32 = exported.save(dir, name);
            Path fp16 = exported.saveFp16(dir, name + "-fp16");
            Tensor fromFp32 = DigitsApp.classify(name, fp32, images);
            Tensor fromFp16 = DigitsApp.classify(name, fp16, images);
            double accuracy = TrainDigits.accuracy(eager, labels);
            assertTrue(accuracy > 0.85, name + " learned the digits: test accuracy " + accuracy);
            double fp32Difference = fromFp32.sub(eager).abs().max().item();
            assertTrue(fp32Difference <= 1e-5, name + " FP32 max |logit difference| " + fp32Difference);
            // FP16 weights carry 11 significant bits: logits of size ~10 move by ~1e-2 at most here.
            double fp16Difference = fromFp16.sub(eager).abs().max().item();
            assertTrue(fp16Difference <= 5e-2, name + " FP16 max |logit difference| " + fp16Difference);
            assertEquals(accuracy, TrainDigits.accuracy(fromFp16, labels), name + ": FP16 accuracy");
            // A batch of one (the dynamic batch dimension) gives the same row.
            int[] first = {split.test()[0]};
            Tensor one = DigitsApp.classify(name, fp32, digits.images(first));
            assertArrayEquals(eager.get(0).toFloatArray(), one.reshape(-1).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void stubRejectsImagesOfTheWrongShapeNamingTheInput() throws IOException {
        Path xml = DigitsMlpIr.predict(mlp, InputSpec.f32(-1, Digits.PIXELS)).save(dir, "shape-check");
        try (DigitsMlpDeployment deployed = DigitsMlpDeployment.load(xml)) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> deployed.predict(Tensor.zeros(2, 8, 8)));
            assertTrue(e.getMessage().contains("x"), e.getMessage());
        }
    }

    @Test
    void resumedTrainingWithGeneratedGradientsContinuesExactly() throws IOException {
        int[] rows = split.train();
        DigitsMlp straight = new DigitsMlp(16, new SplittableRandom(3));
        Adam straightAdam = new Adam(0.01);
        TrainDigits.train(TrainDigits.mlp(straight), straightAdam, digits, rows, 3, 64, new SplittableRandom(5), "a");

        SplittableRandom batches = new SplittableRandom(5);
        DigitsMlp first = new DigitsMlp(16, new SplittableRandom(3));
        Adam firstAdam = new Adam(0.01);
        TrainDigits.train(TrainDigits.mlp(first), firstAdam, digits, rows, 1, 64, batches, "b");
        Path checkpoint = dir.resolve("resume.npz");
        Checkpoint.save(checkpoint, first.variables(), firstAdam);

        DigitsMlp resumed = new DigitsMlp(16, new SplittableRandom(99)); // other initial weights: all restored
        Adam resumedAdam = new Adam(0.01);
        Checkpoint.restore(checkpoint, resumed.variables(), resumedAdam);
        TrainDigits.train(TrainDigits.mlp(resumed), resumedAdam, digits, rows, 2, 64, batches, "c");

        for (int i = 0; i < straight.variables().size(); i++) {
            Variable expected = straight.variables().get(i);
            assertArrayEquals(expected.value().toFloatArray(), resumed.variables().get(i).value().toFloatArray(),
                    expected.name());
        }
    }

    /** Classes from this module's output, defined one by one: the application and the stubs, nothing else. */
    static final class Only extends ClassLoader {
        private final Map<String, byte[]> classes = new HashMap<>();

        Only(ClassLoader parent, List<String> names) throws IOException {
            super(parent);
            for (String name : names) {
                try (InputStream in = DigitsEndToEndTest.class.getResourceAsStream(
                        "/" + name.replace('.', '/') + ".class")) {
                    classes.put(name, in.readAllBytes());
                }
            }
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = classes.get(name);
            if (bytes == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, bytes, 0, bytes.length);
        }
    }

    private static URL location(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }

    @Test
    void theApplicationRunsWithOnlyTheEngineOnItsClassPath() throws Exception {
        Path model = dir.resolve("app");
        // The files TrainDigits writes, from the models trained above.
        Files.createDirectories(model);
        Tensor images = digits.images(split.test());
        Files.write(model.resolve("test-images.npy"), dev.adjoint.io.Npy.format(dev.adjoint.io.Npy.of(images)));
        long[] labels = java.util.Arrays.stream(digits.labels(split.test())).asLongStream().toArray();
        Files.write(model.resolve("test-labels.npy"), dev.adjoint.io.Npy.format(dev.adjoint.io.Npy.of(
                Tensor.of(labels, dev.adjoint.core.Shape.of(labels.length)))));
        for (String name : List.of("mlp", "cnn")) {
            Tensor eager = name.equals("mlp") ? mlp.predict(images) : cnn.predict(images);
            Files.write(model.resolve(name + "-eager-logits.npy"),
                    dev.adjoint.io.Npy.format(dev.adjoint.io.Npy.of(eager)));
            var exported = name.equals("mlp") ? DigitsMlpIr.predict(mlp, InputSpec.f32(-1, 64))
                    : DigitsCnnIr.predict(cnn, InputSpec.f32(-1, 64));
            exported.save(model, name);
            exported.saveFp16(model, name + "-fp16");
        }

        URL[] engineOnly = {location(DeployedMethod.class), location(IrModel.class), location(Tensor.class),
                location(Class.forName("dev.adjoint.cpu.CpuBackend"))};
        URLClassLoader modules = new URLClassLoader(engineOnly, ClassLoader.getPlatformClassLoader());
        Only application = new Only(modules, List.of("dev.adjoint.examples.digits.DigitsApp",
                "dev.adjoint.examples.digits.DigitsMlpDeployment", "dev.adjoint.examples.digits.DigitsCnnDeployment"));
        for (String absent : List.of("dev.adjoint.examples.digits.DigitsMlp", "dev.adjoint.examples.digits.DigitsMlpIr",
                "dev.adjoint.openvino.export.IrTensor", "dev.adjoint.processor.AdjointProcessor", "picocli.CommandLine")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(absent, false, application), absent);
        }
        Method main = Class.forName("dev.adjoint.examples.digits.DigitsApp", true, application)
                .getMethod("main", String[].class);
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            main.invoke(null, (Object) new String[] {model.toString()});
        } finally {
            System.setOut(original);
        }
        String table = captured.toString(StandardCharsets.UTF_8);
        int[] testLabels = digits.labels(split.test());
        for (String name : List.of("mlp", "cnn")) {
            Tensor eager = name.equals("mlp") ? mlp.predict(images) : cnn.predict(images);
            String accuracy = String.format(java.util.Locale.ROOT, "%.4f", TrainDigits.accuracy(eager, testLabels));
            assertTrue(table.lines().anyMatch(l -> l.startsWith(name + " ") && l.contains(accuracy)), table);
            assertTrue(table.lines().anyMatch(l -> l.startsWith(name + "-fp16 ") && l.contains(accuracy)), table);
        }
    }
}
