package dev.adjoint.examples.linreg;

import dev.adjoint.Tensor;
import dev.adjoint.grad.TensorImplicitValueAndGradients;
import dev.adjoint.optim.SGD;
import java.util.Locale;

/** Per-example SGD over the data in file order, as in the lecture. */
public final class Training {

    /** Which loss to minimise; {@link #cliName()} is how the command line spells it. */
    public enum Loss {
        /** The lecture's Huber loss, {@code t² if |t| ≤ 1 else 2|t| − 1}. */
        HUBER,
        /** The textbook Huber loss, {@code ½t² if |t| ≤ 1 else |t| − ½}: half the lecture's. */
        HUBER_TEXTBOOK,
        /** The lecture's squared loss. */
        SQUARED;

        public String cliName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** Hears about each finished epoch. */
    @FunctionalInterface
    public interface EpochListener {
        void epochEnd(int epoch, float meanLoss);
    }

    /**
     * The outcome of a run.
     *
     * @param meanLosses the mean loss of each epoch, summed and divided in float32 as the lecture does
     * @param nanos wall time of the training loop
     */
    public record Result(float w, float b, float[] meanLosses, long nanos) {
    }

    private Training() {
    }

    /**
     * Trains a fresh model ({@code w = b = 0}) for {@code epochs} epochs of per-example SGD with
     * learning rate {@code learningRate}, which is applied in float32 like TensorFlow's.
     *
     * @param listener called after each epoch, e.g. to print progress
     * @throws IllegalArgumentException if the data set is empty or {@code epochs} is below 1
     */
    public static Result train(Dataset data, Loss loss, int epochs, double learningRate, EpochListener listener) {
        if (data.size() == 0) {
            throw new IllegalArgumentException("cannot train on an empty data set");
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        // The lecture's tf.data pipeline hands out one float32 scalar per sample.
        Tensor[] xs = scalars(data.x());
        Tensor[] ys = scalars(data.y());
        LinearModel model = new LinearModel();
        SGD optimizer = new SGD(learningRate);
        float[] meanLosses = new float[epochs];
        long start = System.nanoTime();
        for (int epoch = 0; epoch < epochs; epoch++) {
            float total = 0;
            for (int i = 0; i < xs.length; i++) {
                TensorImplicitValueAndGradients step = switch (loss) {
                    case HUBER -> LinearModelGrad.huberImplicitValueAndGradients(model, xs[i], ys[i]);
                    case HUBER_TEXTBOOK -> LinearModelGrad.huberTextbookImplicitValueAndGradients(model, xs[i], ys[i]);
                    case SQUARED -> LinearModelGrad.squaredImplicitValueAndGradients(model, xs[i], ys[i]);
                };
                optimizer.applyGradients(step.gradients());
                total += (float) step.value().item();
            }
            meanLosses[epoch] = total / xs.length;
            listener.epochEnd(epoch, meanLosses[epoch]);
        }
        long nanos = System.nanoTime() - start;
        return new Result(model.w(), model.b(), meanLosses, nanos);
    }

    private static Tensor[] scalars(float[] values) {
        Tensor[] tensors = new Tensor[values.length];
        for (int i = 0; i < values.length; i++) {
            tensors[i] = Tensor.of(values[i]);
        }
        return tensors;
    }
}
