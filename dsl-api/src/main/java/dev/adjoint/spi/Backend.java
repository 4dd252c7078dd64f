package dev.adjoint.spi;

import dev.adjoint.core.DType;
import dev.adjoint.core.Device;
import dev.adjoint.core.Shape;
import dev.adjoint.op.ComputeOp;
import dev.adjoint.op.ElementwiseChainSpec;
import dev.adjoint.op.Op;
import dev.adjoint.op.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The service a compute device implements, found with {@link java.util.ServiceLoader} (see
 * {@link Backends}). {@code Tensor} validates every op through the op table ({@link Op#infer}),
 * works out the result's type and converts the inputs to {@link Op#operandTypes} before it reaches
 * a backend, so implementations only compute: one {@link #execute} switching over the sealed
 * {@link ComputeOp} hierarchy, plus memory.
 *
 * <p>A backend may run asynchronously (a CUDA stream, say): results must be ready by the time
 * {@link #toArray} returns or {@link #synchronize} is called.
 */
public interface Backend {

    /** A short name for messages, e.g. {@code "cpu"}. */
    String name();

    Device device();

    /** Waits until every op issued so far has finished. */
    default void synchronize() {
    }

    /** The host threads this backend's kernels use at most (the CPU backend's pool); 1 for one without any. */
    default int kernelThreads() {
        return 1;
    }

    /**
     * Runs {@code task} with at most {@code threads} kernel threads, the calling one included, for the ops it issues
     * on the calling thread: the inference engine's {@code INFERENCE_NUM_THREADS}. A limit inside another one can
     * only lower it. The default (a backend whose kernels run on no host threads, as CUDA's) runs {@code task}.
     *
     * @throws IllegalArgumentException when {@code threads} is less than 1
     */
    default <T> T withThreadLimit(int threads, Supplier<T> task) {
        if (threads < 1) {
            throw new IllegalArgumentException("kernel threads must be at least 1, got " + threads);
        }
        return task.get();
    }

    /**
     * Runs {@code task}, many ops issued back to back (one inference of a network), with the backend's kernel threads
     * kept ready between those ops instead of sleeping, as ONNX Runtime's and OpenMP's thread pools spin while they
     * have work coming. The default (a backend whose kernels run on no host threads) runs {@code task}.
     */
    default <T> T inBurst(Supplier<T> task) {
        return task.get();
    }

    /**
     * The most elements one storage of this backend can hold (a Java array's limit on the CPU).
     * {@code Tensor} checks every result's size against it before asking the backend to allocate.
     */
    long maxElements();

    // ---- memory -------------------------------------------------------------------------------

    /**
     * A storage holding a copy of {@code array}, which is a {@code float[]}, {@code double[]},
     * {@code int[]}, {@code long[]} or {@code boolean[]} matching {@code dtype}.
     */
    Storage fromArray(Object array, DType dtype);

    /** A fresh flat Java array (type as in {@link #fromArray}) holding a copy of the elements. */
    Object toArray(Storage storage);

    // ---- ops ----------------------------------------------------------------------------------

    /**
     * Computes {@code op} on {@code inputs}, already validated and converted to the op's operand
     * types, and returns a new storage holding the result of type {@code output} (row-major). One
     * exception: a max or min {@link Op.Reduce} of {@code bool} input reaches the backend as
     * {@code int32} and may come back as {@code int32}; {@code Tensor} converts it.
     *
     * <p>What each op means is documented on its record in {@link Op}; in particular a
     * {@link Op.Strided} op is the gather its {@link Op.Strided#layout} describes, and a
     * {@link Op.Chain} may run {@link #chainStepByStep} if the backend has no fused kernel.
     */
    Storage execute(ComputeOp op, List<Operand> inputs, TensorType output);

    /**
     * As {@link #execute}, but writes the result into {@code target}, an existing storage of this
     * backend holding exactly {@code output}'s type and size, instead of a new one: the in-place
     * update optimizers need ({@code Variable.assignSub}), which allocates nothing. {@code target}
     * may be one of the inputs' storages; the backend must then produce what {@link #execute}
     * would have (reading each input element before it is overwritten, or computing elsewhere
     * first). Returns false, having written nothing, when this backend has no in-place form of
     * {@code op}; the caller then uses {@link #execute}. The default has none.
     */
    default boolean executeInto(ComputeOp op, List<Operand> inputs, TensorType output, Storage target) {
        return false;
    }

    /**
     * The value of a fused elementwise chain computed one step at a time with {@link Op.Cast},
     * {@link Op.Unary} and {@link Op.Binary}: the definition of {@link Op.Chain}, for backends
     * without a fused kernel (and for chains theirs does not take).
     */
    static Storage chainStepByStep(Backend backend, ElementwiseChainSpec chain, List<Operand> inputs) {
        Storage value = inputs.getFirst().storage();
        Shape shape = chain.inputShape();
        for (ElementwiseChainSpec.Step step : chain.steps()) {
            // A select's running value is its bool condition; only its branches take its type.
            if (value.dtype() != step.dtype() && !(step instanceof ElementwiseChainSpec.SelectStep)) {
                value = backend.execute(new Op.Cast(step.dtype()), List.of(new Operand(value, shape)),
                        new TensorType(step.dtype(), shape));
            }
            Operand current = new Operand(value, shape);
            switch (step) {
                case ElementwiseChainSpec.UnaryStep u -> value = backend.execute(new Op.Unary(u.op()),
                        List.of(current), new TensorType(step.dtype(), shape));
                case ElementwiseChainSpec.ScalarStep s -> {
                    Storage scalar = backend.fromArray(s.scalar().toArray(s.dtype()), s.dtype());
                    value = backend.execute(new Op.Binary(s.op()), List.of(current, new Operand(scalar, Shape.SCALAR)),
                            new TensorType(s.op().resultType(s.dtype()), shape));
                }
                case ElementwiseChainSpec.OperandStep o -> {
                    Operand operand = inputs.get(1 + o.operand());
                    value = backend.execute(new Op.Binary(o.op()), List.of(current, operand),
                            new TensorType(o.op().resultType(o.dtype()), o.resultShape()));
                    shape = o.resultShape();
                }
                case ElementwiseChainSpec.SelectStep w -> {
                    value = backend.execute(new Op.Where(), List.of(current, inputs.get(1 + w.whenTrue()),
                            inputs.get(1 + w.whenFalse())), new TensorType(w.dtype(), w.resultShape()));
                    shape = w.resultShape();
                }
            }
        }
        return value;
    }

    /** The storages of {@code inputs}, for backends that take them as a list. */
    static List<Storage> storages(List<Operand> inputs) {
        List<Storage> storages = new ArrayList<>(inputs.size());
        inputs.forEach(input -> storages.add(input.storage()));
        return storages;
    }
}
