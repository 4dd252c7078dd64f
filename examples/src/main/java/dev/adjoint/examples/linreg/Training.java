package dev.adjoint.examples.linreg;

import dev.adjoint.grad.ImplicitValueAndGradients;
import dev.adjoint.optim.SGD;

/** Per-example SGD over the data in file order, as in the lecture. */
public final class Training {

    /** Which loss to minimise. */
    public enum Loss { HUBER, SQUARED }

    /** Hears about each finished epoch. */
    @FunctionalInterface
    public interface EpochListener {
        void epochEnd(int epoch, double meanLoss);
    }

    /**
     * The outcome of a run.
     *
     * @param meanLosses the mean loss of each epoch
     * @param nanos wall time of the training loop
     */
    public record Result(double w, double b, double[] meanLosses, long nanos) {
    }

    private Training() {
    }

    /**
     * Trains a fresh model for {@code epochs} epochs with learning rate {@code learningRate}.
     *
     * @param listener called after each epoch, e.g. to print progress
     */
    public static Result train(Dataset data, Loss loss, int epochs, double learningRate, EpochListener listener) {
        if (data.size() == 0) {
            throw new IllegalArgumentException("cannot train on an empty dataset");
        }
        LinearModel model = new LinearModel();
        SGD optimizer = new SGD(learningRate);
        double[] meanLosses = new double[epochs];
        long start = System.nanoTime();
        for (int epoch = 0; epoch < epochs; epoch++) {
            double total = 0;
            for (int i = 0; i < data.size(); i++) {
                ImplicitValueAndGradients step = switch (loss) {
                    case HUBER -> LinearModelGrad.huberImplicitValueAndGradients(model, data.x()[i], data.y()[i]);
                    case SQUARED -> LinearModelGrad.squaredImplicitValueAndGradients(model, data.x()[i], data.y()[i]);
                };
                optimizer.applyGradients(step.gradients());
                total += step.value();
            }
            meanLosses[epoch] = total / data.size();
            listener.epochEnd(epoch, meanLosses[epoch]);
        }
        long nanos = System.nanoTime() - start;
        return new Result(model.w(), model.b(), meanLosses, nanos);
    }
}
