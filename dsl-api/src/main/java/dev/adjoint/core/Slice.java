package dev.adjoint.core;

/**
 * One axis of a NumPy-style index for {@link Tensor#index(Slice...)}: {@code x[1, 0:4:2, :]} is
 * {@code x.index(Slice.at(1), Slice.range(0, 4, 2), Slice.all())}. Negative positions count from
 * the end; range bounds are clamped to the axis as in Python; {@link #at} drops its axis.
 */
public sealed interface Slice {

    /** Integer indexing: picks one position and removes the axis. */
    record At(int index) implements Slice {
    }

    /** {@code start:stop:step}; {@code null} bounds mean "from the beginning/to the end" for the step's direction. */
    record Range(Integer start, Integer stop, int step) implements Slice {
        public Range {
            if (step == 0) {
                throw new TensorException("index", "slice step cannot be zero");
            }
        }
    }

    static Slice at(int index) {
        return new At(index);
    }

    /** The whole axis, {@code :}. */
    static Slice all() {
        return new Range(null, null, 1);
    }

    /** {@code start:stop}. */
    static Slice range(int start, int stop) {
        return new Range(start, stop, 1);
    }

    /** {@code start:stop:step}; a negative step walks backwards. */
    static Slice range(int start, int stop, int step) {
        return new Range(start, stop, step);
    }

    /** {@code start:}. */
    static Slice from(int start) {
        return new Range(start, null, 1);
    }

    /** {@code :stop}. */
    static Slice to(int stop) {
        return new Range(null, stop, 1);
    }

    /** {@code ::step}; {@code every(-1)} reverses the axis. */
    static Slice every(int step) {
        return new Range(null, null, step);
    }
}
