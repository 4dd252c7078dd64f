package dev.adjoint.examples.digits;

import dev.adjoint.Tensor;
import dev.adjoint.TensorScope;
import dev.adjoint.Variable;
import dev.adjoint.grad.VariableGradients;
import dev.adjoint.io.Checkpoint;
import dev.adjoint.io.Npy;
import dev.adjoint.openvino.export.ExportedModel;
import dev.adjoint.openvino.export.InputSpec;
import dev.adjoint.optim.Adam;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Steps 1 and 2 of the deployment flow for the digits: trains {@link DigitsMlp} and {@link DigitsCnn} with
 * generated gradients and Adam, saves a checkpoint of each, and exports each model's {@code predict} as OpenVINO
 * IR in FP32 and FP16 through the generated emitters ({@code DigitsMlpIr}, {@code DigitsCnnIr}). It also writes
 * the test images and labels, and the eager model's test logits, as {@code .npy} files, so that
 * {@link DigitsApp} (steps 3 and 4: the application) needs nothing but the engine and the IR.
 *
 * <p>Output directory ({@code --out}, default {@code digits-model}): {@code mlp.xml/.bin}, {@code mlp-fp16.xml/.bin},
 * {@code cnn.xml/.bin}, {@code cnn-fp16.xml/.bin}, {@code mlp.npz}, {@code cnn.npz} (checkpoints: weights and
 * Adam's state, readable with {@code numpy.load}), {@code test-images.npy}, {@code test-labels.npy},
 * {@code mlp-eager-logits.npy}, {@code cnn-eager-logits.npy}.
 */
@Command(name = "train-digits", mixinStandardHelpOptions = true,
        description = "Trains an MLP and a CNN on the digits, saves checkpoints and exports OpenVINO IR.")
public final class TrainDigits implements Callable<Integer> {

    /** Test images held out, a fifth of the set, as scikit-learn's examples do. */
    static final int TEST_SIZE = 360;

    @Option(names = "--out", defaultValue = "digits-model", description = "output directory (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--mlp-epochs", defaultValue = "40", description = "MLP epochs (default ${DEFAULT-VALUE})")
    int mlpEpochs;

    @Option(names = "--cnn-epochs", defaultValue = "25", description = "CNN epochs (default ${DEFAULT-VALUE})")
    int cnnEpochs;

    @Option(names = "--batch", defaultValue = "32", description = "batch size (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--lr", defaultValue = "0.005", description = "Adam's learning rate (default ${DEFAULT-VALUE})")
    double learningRate;

    @Option(names = "--seed", defaultValue = "7", description = "seed of the split, the weights and the batches")
    long seed;

    public static void main(String[] args) {
        System.exit(new CommandLine(new TrainDigits()).execute(args));
    }

    /** A model the trainer can drive: its loss gradient and its variables. */
    interface Trainable {
        List<Variable> variables();

        Tensor predict(Tensor x);

        /** Adds the loss gradients of one batch to {@code gradients} and returns the loss. */
        double lossAndGradients(Tensor x, Tensor labels, VariableGradients gradients);
    }

    static Trainable mlp(DigitsMlp model) {
        return new Trainable() {
            public List<Variable> variables() {
                return model.variables();
            }

            public Tensor predict(Tensor x) {
                return model.predict(x);
            }

            public double lossAndGradients(Tensor x, Tensor labels, VariableGradients gradients) {
                return DigitsMlpGrad.lossValueAndGradients(model, x, labels, null, gradients).value().item();
            }
        };
    }

    static Trainable cnn(DigitsCnn model) {
        return new Trainable() {
            public List<Variable> variables() {
                return model.variables();
            }

            public Tensor predict(Tensor x) {
                return model.predict(x);
            }

            public double lossAndGradients(Tensor x, Tensor labels, VariableGradients gradients) {
                return DigitsCnnGrad.lossValueAndGradients(model, x, labels, null, gradients).value().item();
            }
        };
    }

    /**
     * Runs {@code epochs} epochs of Adam over {@code train} in shuffled batches, each step in a {@link TensorScope}.
     *
     * @return the mean loss of the last epoch
     */
    static double train(Trainable model, Adam adam, Digits digits, int[] train, int epochs, int batch,
            SplittableRandom random, String name) {
        VariableGradients gradients = new VariableGradients();
        double epochLoss = Double.NaN;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            int[] order = Digits.shuffled(train.length, random);
            double sum = 0;
            int steps = 0;
            for (int start = 0; start < order.length; start += batch) {
                int[] rows = new int[Math.min(batch, order.length - start)];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = train[order[start + i]];
                }
                try (TensorScope _ = TensorScope.open()) {
                    gradients.clear();
                    sum += model.lossAndGradients(digits.images(rows), digits.oneHotLabels(rows), gradients);
                    adam.applyGradients(gradients);
                }
                steps++;
            }
            epochLoss = sum / steps;
            if (epoch == 1 || epoch % 10 == 0 || epoch == epochs) {
                System.out.printf(Locale.ROOT, "%s epoch %3d  loss %.4f%n", name, epoch, epochLoss);
            }
        }
        return epochLoss;
    }

    /** The share of {@code labels} that the largest logit of each row names. */
    static double accuracy(Tensor logits, int[] labels) {
        long[] predicted = logits.argmax(1).toLongArray();
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            correct += predicted[i] == labels[i] ? 1 : 0;
        }
        return (double) correct / labels.length;
    }

    @Override
    public Integer call() throws IOException {
        Digits digits = Digits.load();
        Digits.Split split = Digits.split(TEST_SIZE, seed);
        Tensor testImages = digits.images(split.test());
        int[] testLabels = digits.labels(split.test());
        Files.createDirectories(out);
        write(out.resolve("test-images.npy"), testImages);
        write(out.resolve("test-labels.npy"), Tensor.of(Arrays.stream(testLabels).asLongStream().toArray(),
                dev.adjoint.core.Shape.of(testLabels.length)));
        System.out.printf(Locale.ROOT, "digits: %d training and %d test images of 8x8 pixels%n",
                split.train().length, split.test().length);

        SplittableRandom random = new SplittableRandom(seed);
        DigitsMlp mlp = new DigitsMlp(64, random);
        DigitsCnn cnn = new DigitsCnn(8, random);
        Adam mlpAdam = new Adam(learningRate);
        Adam cnnAdam = new Adam(learningRate);
        train(mlp(mlp), mlpAdam, digits, split.train(), mlpEpochs, batch, random, "mlp");
        train(cnn(cnn), cnnAdam, digits, split.train(), cnnEpochs, batch, random, "cnn");

        Checkpoint.save(out.resolve("mlp.npz"), mlp.variables(), mlpAdam);
        Checkpoint.save(out.resolve("cnn.npz"), cnn.variables(), cnnAdam);
        InputSpec images = InputSpec.f32(-1, Digits.PIXELS); // a dynamic batch dimension
        report("mlp", mlp.predict(testImages), testLabels, DigitsMlpIr.predict(mlp, images));
        report("cnn", cnn.predict(testImages), testLabels, DigitsCnnIr.predict(cnn, images));
        System.out.println("Run the application: mvn -q -DskipTests package exec:exec"
                + " -Dexample.main=dev.adjoint.examples.digits.DigitsApp -Dexample.args=" + out);
        return 0;
    }

    private void report(String name, Tensor eagerLogits, int[] testLabels, ExportedModel exported)
            throws IOException {
        write(out.resolve(name + "-eager-logits.npy"), eagerLogits);
        Path fp32 = exported.save(out, name);
        Path fp16 = exported.saveFp16(out, name + "-fp16");
        System.out.printf(Locale.ROOT, "%s: test accuracy %.4f (eager); checkpoint %s; IR %s and %s%n", name,
                accuracy(eagerLogits, testLabels), out.resolve(name + ".npz"), fp32, fp16);
    }

    private static void write(Path file, Tensor tensor) throws IOException {
        Files.write(file, Npy.format(Npy.of(tensor)));
    }
}
