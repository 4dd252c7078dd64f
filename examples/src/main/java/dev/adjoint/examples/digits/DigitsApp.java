package dev.adjoint.examples.digits;

import dev.adjoint.Tensor;
import dev.adjoint.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Steps 3 and 4 of the deployment flow: an application that classifies the digits test images through the
 * generated deployment stubs ({@code DigitsMlpDeployment}, {@code DigitsCnnDeployment}) on the inference engine.
 * It uses only the engine (with dsl-api's tensors and a backend) and the files {@link TrainDigits} wrote: not the
 * processor, not the export module, not the models' training code ({@code DigitsEndToEndTest} runs it in a class
 * loader holding nothing else). Prints, per model and precision, the test accuracy and the largest difference
 * between the deployed logits and the eager model's.
 *
 * <p>Usage: {@code DigitsApp [MODEL_DIR]} (default {@code digits-model}).
 */
public final class DigitsApp {

    private DigitsApp() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "digits-model");
        Tensor images = read(dir.resolve("test-images.npy"));
        long[] labels = read(dir.resolve("test-labels.npy")).toLongArray();
        System.out.printf(Locale.ROOT, "%-10s %9s %22s%n", "model", "accuracy", "max |logit - eager|");
        for (String model : new String[] {"mlp", "cnn"}) {
            Tensor eager = read(dir.resolve(model + "-eager-logits.npy"));
            for (String variant : new String[] {model, model + "-fp16"}) {
                Tensor logits = classify(model, dir.resolve(variant + ".xml"), images);
                System.out.printf(Locale.ROOT, "%-10s %9.4f %22.2e%n", variant, accuracy(logits, labels),
                        logits.sub(eager).abs().max().item());
            }
        }
    }

    /** The logits of {@code images} from the IR at {@code xml}, through the model's generated stub. */
    static Tensor classify(String model, Path xml, Tensor images) throws IOException {
        if (model.equals("mlp")) {
            try (DigitsMlpDeployment deployed = DigitsMlpDeployment.load(xml)) {
                return deployed.predict(images);
            }
        }
        try (DigitsCnnDeployment deployed = DigitsCnnDeployment.load(xml)) {
            return deployed.predict(images);
        }
    }

    static double accuracy(Tensor logits, long[] labels) {
        long[] predicted = logits.argmax(1).toLongArray();
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            correct += predicted[i] == labels[i] ? 1 : 0;
        }
        return (double) correct / labels.length;
    }

    private static Tensor read(Path file) throws IOException {
        return Npy.toTensor(Npy.parse(Files.readAllBytes(file), file.toString()), file.toString());
    }
}
