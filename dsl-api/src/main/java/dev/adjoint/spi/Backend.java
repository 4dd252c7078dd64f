package dev.adjoint.spi;

import dev.adjoint.core.DType;
import dev.adjoint.core.Device;
import dev.adjoint.core.Shape;
import dev.adjoint.op.BinaryOp;
import dev.adjoint.op.Conv2dSpec;
import dev.adjoint.op.ElementwiseChainSpec;
import dev.adjoint.op.Pool2dSpec;
import dev.adjoint.op.ReduceOp;
import dev.adjoint.op.UnaryOp;
import java.util.List;

/**
 * The service a compute device implements, found with {@link java.util.ServiceLoader} (see
 * {@link Backends}). {@link dev.adjoint.Tensor} validates every call, works out result shapes and
 * types, and converts operands to a common type before it reaches a backend, so implementations
 * only compute. All storages passed in belong to this backend; shapes describe them row-major.
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

    // ---- memory -------------------------------------------------------------------------------

    /**
     * A storage holding a copy of {@code array}, which is a {@code float[]}, {@code double[]},
     * {@code int[]}, {@code long[]} or {@code boolean[]} matching {@code dtype}.
     */
    Storage fromArray(Object array, DType dtype);

    /** A fresh flat Java array (type as in {@link #fromArray}) holding a copy of the elements. */
    Object toArray(Storage storage);

    /** {@code size} elements of {@code dtype}, each equal to {@code value} converted to it. */
    Storage full(DType dtype, long size, double value);

    /**
     * The most elements one storage can hold. {@link dev.adjoint.Tensor} checks every result shape
     * against it before calling the backend, so a too-large result is a {@code TensorException}
     * naming the op and the shape rather than an allocation failure inside the backend.
     */
    default long maxElements() {
        return Long.MAX_VALUE;
    }

    // ---- elementwise --------------------------------------------------------------------------

    /** {@code op} on each element; the result has the input's type. */
    Storage unary(UnaryOp op, Storage x);

    /**
     * {@code op} on two operands of one type, broadcast NumPy-style from their shapes to
     * {@code outShape}. The result type is the operands' type, or {@code bool} for comparison and
     * logical ops.
     */
    Storage binary(BinaryOp op, Storage a, Shape aShape, Storage b, Shape bShape, Shape outShape);

    /** {@code cond ? a : b} per element, all three broadcast to {@code outShape}. */
    Storage where(Storage cond, Shape condShape, Storage a, Shape aShape, Storage b, Shape bShape,
            Shape outShape);

    /** Converts each element to {@code to}: C-style truncation to integers, non-zero to true. */
    Storage cast(Storage x, DType to);

    /**
     * Runs the steps of {@code chain} on {@code input} (of the chain's input type and shape) and
     * returns the result, of {@link ElementwiseChainSpec#dtype()} and {@link ElementwiseChainSpec#shape()}.
     * {@code operands.get(k)} holds tensor operand {@code k}, already in its step's compute type.
     *
     * <p>A backend overrides this to fuse the chain into one pass over memory. This default runs the
     * steps one by one through {@link #cast}, {@link #unary} and {@link #binary}, so it is the
     * definition of a chain's value, and a backend without a fused kernel needs nothing more.
     */
    default Storage elementwiseChain(ElementwiseChainSpec chain, Storage input, List<Storage> operands) {
        Storage value = input;
        Shape shape = chain.inputShape();
        for (ElementwiseChainSpec.Step step : chain.steps()) {
            if (value.dtype() != step.dtype()) {
                value = cast(value, step.dtype());
            }
            switch (step) {
                case ElementwiseChainSpec.UnaryStep u -> value = unary(u.op(), value);
                case ElementwiseChainSpec.ScalarStep s -> value = binary(s.op(), value, shape,
                        fromArray(s.scalar().toArray(s.dtype()), s.dtype()), Shape.SCALAR, shape);
                case ElementwiseChainSpec.OperandStep o -> {
                    value = binary(o.op(), value, shape, operands.get(o.operand()), o.operandShape(), o.resultShape());
                    shape = o.resultShape();
                }
            }
        }
        return value;
    }

    // ---- reductions ---------------------------------------------------------------------------

    /**
     * Reduces {@code axes} (sorted, distinct, non-empty) of {@code x}. The result has the input's
     * shape without those axes; its type is the input's, or {@code int64} for arg ops, whose
     * {@code axes} hold a single axis (a caller reduces a flattened view for "all axes").
     */
    Storage reduce(ReduceOp op, Storage x, Shape shape, int[] axes);

    // ---- layout -------------------------------------------------------------------------------

    /**
     * Gathers a contiguous tensor of {@code outShape} whose element at index {@code i} is
     * {@code x[offset + sum(i[k] * strides[k])]}. Transpose, slicing with steps and broadcasting
     * (stride 0) are all this one op.
     */
    Storage strided(Storage x, long offset, long[] strides, Shape outShape);

    /** Joins {@code parts} (same type, equal shapes except on {@code axis}) along {@code axis}. */
    Storage concat(List<Storage> parts, List<Shape> shapes, int axis, Shape outShape);

    /** Pads each axis with {@code before[k]} and {@code after[k]} copies of {@code value}. */
    Storage pad(Storage x, Shape shape, int[] before, int[] after, double value, Shape outShape);

    /**
     * Picks slices of {@code x} along {@code axis} at {@code indices} ({@code int64}, already
     * checked and made non-negative); the result's shape is {@code x}'s with {@code axis} replaced
     * by the index shape.
     */
    Storage gather(Storage x, Shape shape, int axis, Storage indices, Shape indexShape, Shape outShape);

    /**
     * The adjoint of {@link #gather}: a copy of {@code x} with each slice of {@code updates} (shaped
     * like gather's output) added at its index along {@code axis}; repeated indices accumulate.
     * {@code indices} are {@code int64}, checked and non-negative; {@code updates} has {@code x}'s
     * dtype. NumPy: {@code np.add.at(x.copy(), (slice(None),) * axis + (indices,), updates)}.
     */
    Storage indexAdd(Storage x, Shape shape, int axis, Storage indices, Shape indexShape, Storage updates);

    // ---- linear algebra and neural-network ops ------------------------------------------------

    /**
     * Batched matrix product of operands of rank at least 2 whose batch dimensions broadcast to
     * those of {@code outShape}. With {@code transposeA} the last two axes of {@code a} are read
     * swapped (its shape is given as stored), likewise {@code transposeB}.
     */
    Storage matmul(Storage a, Shape aShape, boolean transposeA, Storage b, Shape bShape, boolean transposeB,
            Shape outShape);

    /** Softmax (or log-softmax) along {@code axis}. */
    Storage softmax(Storage x, Shape shape, int axis, boolean log);

    /** Cross-correlation of NCHW {@code x} with OIHW {@code w}, as {@code torch.nn.functional.conv2d}. */
    Storage conv2d(Storage x, Shape xShape, Storage w, Shape wShape, Conv2dSpec spec, Shape outShape);

    /** Max or average pooling of NCHW {@code x}. */
    Storage pool2d(Storage x, Shape xShape, Pool2dSpec spec, Shape outShape);

    /**
     * Gradient of {@link #conv2d} with respect to its input: {@code dy} ({@code conv2d}'s output
     * shape) correlated back through {@code w} onto an input of {@code xShape}. Operands share one
     * floating type. PyTorch: {@code torch.nn.grad.conv2d_input}.
     */
    Storage conv2dBackwardInput(Storage dy, Shape dyShape, Storage w, Shape wShape, Conv2dSpec spec, Shape xShape);

    /**
     * Gradient of {@link #conv2d} with respect to its weights, of {@code wShape}, summed over the
     * batch. Operands share one floating type. PyTorch: {@code torch.nn.grad.conv2d_weight}.
     */
    Storage conv2dBackwardWeight(Storage x, Shape xShape, Storage dy, Shape dyShape, Conv2dSpec spec, Shape wShape);

    /**
     * Gradient of {@link #pool2d} with respect to its input {@code x}, of {@code xShape}. Max pooling
     * sends each window's gradient to the first maximum in the window (row-major), as PyTorch; average
     * pooling spreads it evenly over the window's non-padded positions, matching the forward pass.
     * {@code x} and {@code dy} share one floating type.
     */
    Storage pool2dBackward(Storage x, Shape xShape, Storage dy, Shape dyShape, Pool2dSpec spec);
}
