package dev.adjoint.examples.digits;

import dev.adjoint.Tensor;
import dev.adjoint.TensorScope;
import dev.adjoint.grad.VariableGradients;
import dev.adjoint.optim.Adam;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Times every step of a whole training run of {@link DigitsMlp} (Adam) on the digits, as a user
 * runs it: one JVM, its default flags, each step in a {@link TensorScope}. Prints one line
 * {@code adjoint p50=... p90=... p99=... mean=... total=...} (milliseconds) that
 * {@code scripts/bench/digits_mlp.sh} sets beside NumPy's and PyTorch's.
 *
 * <p>Batches are consecutive rows of the data set, 28 full batches of 64 taken in turn; the loss of
 * every step is read to the host ({@code item()}), as the Python loops do.
 */
@Command(name = "digits-mlp-timing", mixinStandardHelpOptions = true,
        description = "Times each training step of a 64-H-10 MLP on the digits (Adam).")
public final class DigitsMlpTiming implements Callable<Integer> {

    @Option(names = "--steps", defaultValue = "3000", description = "training steps (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--batch", defaultValue = "64", description = "batch size (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--hidden", defaultValue = "64", description = "hidden units (default ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--lr", defaultValue = "0.01", description = "Adam's learning rate (default ${DEFAULT-VALUE})")
    double learningRate;

    @Option(names = "--no-scope", description = "run steps without a TensorScope (results left to the collector)")
    boolean noScope;

    @Option(names = "--buckets", defaultValue = "0", description = "also print the mean step time of every run of"
            + " this many steps, to see warm-up (default: off)")
    int bucket;

    @Option(names = "--print-classpath", description = "print this JVM's class path and exit (for scripts that"
            + " start it again without Maven)")
    boolean printClasspath;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DigitsMlpTiming()).execute(args));
    }

    @Override
    public Integer call() {
        if (printClasspath) {
            System.out.println(System.getProperty("java.class.path"));
            return 0;
        }
        Digits digits = Digits.load();
        int batches = Digits.SIZE / batch;
        if (batches == 0) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--batch must be at most " + Digits.SIZE);
        }
        Tensor[] xs = new Tensor[batches];
        Tensor[] ys = new Tensor[batches];
        for (int b = 0; b < batches; b++) {
            int[] rows = new int[batch];
            for (int r = 0; r < batch; r++) {
                rows[r] = b * batch + r;
            }
            xs[b] = digits.images(rows);
            ys[b] = digits.oneHotLabels(rows);
        }
        DigitsMlp model = new DigitsMlp(hidden, new SplittableRandom(7));
        Adam adam = new Adam(learningRate);
        VariableGradients gradients = new VariableGradients();
        long[] nanos = new long[steps];
        double[] losses = new double[steps];
        long start = System.nanoTime();
        for (int step = 0; step < steps; step++) {
            long t0 = System.nanoTime();
            int b = step % batches;
            if (noScope) {
                losses[step] = step(model, adam, gradients, xs[b], ys[b]);
            } else {
                try (TensorScope _ = TensorScope.open()) {
                    losses[step] = step(model, adam, gradients, xs[b], ys[b]);
                }
            }
            nanos[step] = System.nanoTime() - t0;
        }
        long total = System.nanoTime() - start;
        if (bucket > 0) {
            printBuckets(nanos, bucket);
        }
        System.out.println(summary("adjoint", nanos, total) + String.format(Locale.ROOT,
                " first_loss=%.4f last_loss=%.4f accuracy=%.4f", losses[0], losses[steps - 1], accuracy(model, digits)));
        return 0;
    }

    private static void printBuckets(long[] nanos, int size) {
        StringBuilder line = new StringBuilder("# mean ms per " + size + " steps:");
        for (int from = 0; from < nanos.length; from += size) {
            int to = Math.min(nanos.length, from + size);
            long sum = 0;
            for (int i = from; i < to; i++) {
                sum += nanos[i];
            }
            line.append(String.format(Locale.ROOT, " %.3f", sum / 1e6 / (to - from)));
        }
        System.out.println(line);
    }

    private static double step(DigitsMlp model, Adam adam, VariableGradients gradients, Tensor x, Tensor y) {
        gradients.clear();
        double loss = DigitsMlpGrad.lossValueAndGradients(model, x, y, null, gradients).value().item();
        adam.applyGradients(gradients);
        return loss;
    }

    private static double accuracy(DigitsMlp model, Digits digits) {
        int[] all = new int[Digits.SIZE];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return TrainDigits.accuracy(model.predict(digits.images(all)), digits.labels());
    }

    /** {@code name p50=.. p90=.. p99=.. mean=.. total=..} in milliseconds (nearest-rank percentiles). */
    static String summary(String name, long[] nanos, long totalNanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(nanos).average().orElse(0);
        return String.format(Locale.ROOT, "%s steps=%d p50=%.4f p90=%.4f p99=%.4f mean=%.4f total=%.1f", name,
                nanos.length, percentile(sorted, 50) / 1e6, percentile(sorted, 90) / 1e6,
                percentile(sorted, 99) / 1e6, mean / 1e6, totalNanos / 1e6);
    }

    private static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
