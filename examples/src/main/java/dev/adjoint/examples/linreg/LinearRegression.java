package dev.adjoint.examples.linreg;

import dev.adjoint.Tensor;
import dev.adjoint.openvino.export.InputSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The lecture's eager linear regression (CS20 lecture 4, {@code 04_linreg_eager.py}): float32
 * {@code w = b = 0}, the lecture's Huber loss, per-example SGD in file order with learning rate
 * 0.01 for 100 epochs, gradients from the generated implicit value-and-gradients function. Prints
 * the mean loss every 10 epochs and, as its last line, {@code w=<value> b=<value>} (each the
 * shortest decimal that reads back as the same float32).
 */
@Command(name = "linear-regression", mixinStandardHelpOptions = true,
        description = "Fits y = w x + b with compile-time gradients, as in CS20 lecture 4.")
public final class LinearRegression implements Callable<Integer> {

    /** Exit code for a data file or output directory that cannot be used; picocli uses 2 for bad options. */
    static final int EXIT_BAD_FILE = 1;

    @Spec
    private CommandSpec spec;

    @Option(names = "--data", paramLabel = "PATH",
            description = "Tab-separated file with a header line: name, x, y (e.g. examples/data/birth_life_2010.txt). "
                    + "Default: 190 generated points.")
    private Path data;

    @Option(names = "--loss", defaultValue = "huber",
            description = "huber (the lecture's), huber-textbook or squared (default: ${DEFAULT-VALUE}).")
    private String loss;

    @Option(names = "--epochs", defaultValue = "100", description = "Epochs (default: ${DEFAULT-VALUE}).")
    private int epochs;

    @Option(names = "--learning-rate", defaultValue = "0.01", description = "SGD rate (default: ${DEFAULT-VALUE}).")
    private double learningRate;

    @Option(names = "--plots", paramLabel = "DIR", defaultValue = "linreg-plots",
            description = "Directory for fit.png and loss.png (default: ${DEFAULT-VALUE}).")
    private Path plots;

    @Option(names = "--no-plots", description = "Do not write PNGs.")
    private boolean noPlots;

    @Option(names = "--export", paramLabel = "DIR",
            description = "Also export the trained prediction x * w + b as OpenVINO IR (DIR/linreg.xml) and run it.")
    private Path export;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command with its error handling: a data file or plot directory that cannot be used is one
     * line on stderr naming it, and exit code {@value #EXIT_BAD_FILE}; anything else is a bug and
     * keeps its stack trace.
     */
    static CommandLine commandLine() {
        CommandLine command = new CommandLine(new LinearRegression());
        command.setExecutionExceptionHandler((exception, cmd, parseResult) -> {
            String message = switch (exception) {
                case Dataset.DataFileException e -> e.getMessage();
                case FileAlreadyExistsException e -> "cannot write plots: " + e.getFile() + " exists and is not a directory";
                case AccessDeniedException e -> "cannot write plots: " + e.getFile() + ": permission denied";
                case IOException e -> "cannot write plots: " + e.getMessage();
                default -> throw exception;
            };
            cmd.getErr().println(cmd.getCommandName() + ": " + message);
            cmd.getErr().flush();
            return EXIT_BAD_FILE;
        });
        return command;
    }

    @Override
    public Integer call() throws Dataset.DataFileException, IOException {
        Training.Loss chosen = Arrays.stream(Training.Loss.values())
                .filter(candidate -> candidate.cliName().equals(loss.toLowerCase(Locale.ROOT)))
                .findFirst()
                .orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(), "--loss must be one of "
                        + Arrays.stream(Training.Loss.values()).map(Training.Loss::cliName).collect(Collectors.joining(", "))
                        + "; got '" + loss + "'"));
        if (epochs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--epochs must be at least 1, got " + epochs);
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--learning-rate must be positive and finite, got " + learningRate);
        }
        Dataset dataset = data == null ? Dataset.generate(190, 2010) : Dataset.read(data);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Training on %d samples (%s); loss function: %s%n", dataset.size(),
                data == null ? "generated" : data, chosen.cliName());
        Training.Result result = Training.train(dataset, chosen, epochs, learningRate, (epoch, meanLoss) -> {
            if (epoch % 10 == 0) {
                out.printf(Locale.ROOT, "Epoch %d: %.6f%n", epoch, meanLoss);
            }
        });
        out.printf(Locale.ROOT, "Took: %.1f ms%n", result.nanos() / 1e6);
        if (!noPlots) {
            Path[] written = Plots.write(plots, dataset, result, chosen.cliName());
            out.println("Wrote " + written[0] + " and " + written[1]);
        }
        if (export != null) {
            exportAndRun(result, out);
        }
        out.println("w=" + result.w() + " b=" + result.b());
        out.flush();
        return 0;
    }

    /**
     * Writes the trained model's {@code prediction} as IR with the generated emitter, loads it with the generated
     * stub, and prints what the engine computes beside {@code w * x + b}.
     */
    private void exportAndRun(Training.Result result, PrintWriter out) throws IOException {
        LinearModel model = new LinearModel();
        model.w.assign(Tensor.of(result.w()));
        model.b.assign(Tensor.of(result.b()));
        Path xml = LinearModelIr.prediction(model, InputSpec.f32()).save(export, "linreg");
        out.println("Exported " + xml);
        try (LinearModelDeployment deployed = LinearModelDeployment.load(xml)) {
            for (float x : new float[] {0f, 1.5f, 10f}) {
                float fromIr = deployed.prediction(Tensor.of(x)).toFloatArray()[0];
                out.printf(Locale.ROOT, "  deployed prediction(%s) = %s   (w*x + b = %s)%n", x, fromIr,
                        result.w() * x + result.b());
            }
        }
    }
}
