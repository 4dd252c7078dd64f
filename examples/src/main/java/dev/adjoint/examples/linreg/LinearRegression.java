package dev.adjoint.examples.linreg;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The lecture's eager linear regression: {@code w = b = 0}, Huber loss, per-example SGD with
 * learning rate 0.01 for 100 epochs, gradients from the generated implicit value-and-gradients
 * function. Prints the mean loss every 10 epochs and, as its last line, {@code w=<value> b=<value>}.
 */
@Command(name = "linear-regression", mixinStandardHelpOptions = true,
        description = "Fits y = w x + b with compile-time gradients, as in CS20 lecture 4.")
public final class LinearRegression implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "PATH",
            description = "Tab-separated file with a header line: name, x, y (e.g. ../shared/data/birth_life_2010.txt). "
                    + "Default: 190 generated points.")
    private Path data;

    @Option(names = "--loss", defaultValue = "huber", description = "huber or squared (default: ${DEFAULT-VALUE}).")
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

    public static void main(String[] args) {
        System.exit(new CommandLine(new LinearRegression()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Training.Loss chosen = switch (loss.toLowerCase(Locale.ROOT)) {
            case "huber" -> Training.Loss.HUBER;
            case "squared" -> Training.Loss.SQUARED;
            default -> throw new CommandLine.ParameterException(new CommandLine(this),
                    "--loss must be huber or squared, got '" + loss + "'");
        };
        if (epochs < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--epochs must be at least 1");
        }
        Dataset dataset = data == null ? Dataset.generate(190, 2010) : Dataset.read(data);
        String lossName = chosen.name().toLowerCase(Locale.ROOT);
        System.out.printf("Training on %d samples (%s); loss function: %s%n", dataset.size(),
                data == null ? "generated" : data, lossName);
        Training.Result result = Training.train(dataset, chosen, epochs, learningRate, (epoch, meanLoss) -> {
            if (epoch % 10 == 0) {
                System.out.printf(Locale.ROOT, "Epoch %d: %.6f%n", epoch, meanLoss);
            }
        });
        System.out.printf(Locale.ROOT, "Took: %.1f ms%n", result.nanos() / 1e6);
        if (!noPlots) {
            Path[] written = Plots.write(plots, dataset, result, lossName);
            System.out.println("Wrote " + written[0] + " and " + written[1]);
        }
        System.out.printf(Locale.ROOT, "w=%.6f b=%.6f%n", result.w(), result.b());
        return 0;
    }
}
