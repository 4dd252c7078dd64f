package dev.adjoint.cpu;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.op.BinaryOp;
import dev.adjoint.op.ComputeOp;
import dev.adjoint.op.Conv2dSpec;
import dev.adjoint.op.ElementwiseChainSpec;
import dev.adjoint.op.Op;
import dev.adjoint.op.Pool2dSpec;
import dev.adjoint.op.ReduceOp;
import dev.adjoint.op.TensorType;
import dev.adjoint.op.UnaryOp;
import dev.adjoint.spi.Backend;
import dev.adjoint.spi.Operand;
import dev.adjoint.spi.Storage;
import java.util.ArrayList;
import java.util.List;

/**
 * Kernel tests call the backend one op at a time on raw storages; these build the op value and
 * the result type and go through {@link Backend#execute}, as {@code Tensor} does, minus validation.
 */
final class BackendCalls {

    private BackendCalls() {
    }

    private static Storage run(Backend backend, ComputeOp op, DType dtype, Shape out, Operand... inputs) {
        return backend.execute(op, List.of(inputs), new TensorType(dtype, out));
    }

    private static Shape flat(Storage s) {
        return Shape.of((int) s.size());
    }

    static Storage full(Backend backend, DType dtype, long size, double value) {
        // Sizes past an int are spread over two axes, so the kernel's own size check is what is tested.
        Shape shape = size > Integer.MAX_VALUE ? Shape.of((int) (size >> 15), 1 << 15) : Shape.of((int) size);
        return run(backend, new Op.Fill(dtype, shape, value), dtype, shape);
    }

    static Storage cast(Backend backend, Storage x, DType to) {
        return run(backend, new Op.Cast(to), to, flat(x), new Operand(x, flat(x)));
    }

    static Storage unary(Backend backend, UnaryOp op, Storage x) {
        return run(backend, new Op.Unary(op), x.dtype(), flat(x), new Operand(x, flat(x)));
    }

    static Storage binary(Backend backend, BinaryOp op, Storage a, Shape aShape, Storage b, Shape bShape, Shape out) {
        return run(backend, new Op.Binary(op), op.resultType(a.dtype()), out, new Operand(a, aShape),
                new Operand(b, bShape));
    }

    static Storage where(Backend backend, Storage cond, Shape condShape, Storage a, Shape aShape, Storage b,
            Shape bShape, Shape out) {
        return run(backend, new Op.Where(), a.dtype(), out, new Operand(cond, condShape), new Operand(a, aShape),
                new Operand(b, bShape));
    }

    static Storage elementwiseChain(Backend backend, ElementwiseChainSpec chain, Storage input, List<Storage> operands) {
        List<Operand> inputs = new ArrayList<>();
        inputs.add(new Operand(input, chain.inputShape()));
        for (int i = 0; i < operands.size(); i++) {
            inputs.add(new Operand(operands.get(i), chain.operandShapes().get(i)));
        }
        return backend.execute(new Op.Chain(chain), inputs, new TensorType(chain.dtype(), chain.shape()));
    }

    /** Unvalidated, so that the kernel's own checks of its axes are what is tested; the kernel shapes its result. */
    static Storage reduce(Backend backend, ReduceOp op, Storage x, Shape shape, int[] axes) {
        return run(backend, new Op.Reduce(op, axes, false), x.dtype(), Shape.SCALAR, new Operand(x, shape));
    }

    /** {@code Op.LayerNorm} over the last {@code axes} axes; {@code scale} and {@code bias} both null or both not. */
    static Storage layerNorm(Backend backend, Storage x, Shape shape, int axes, double eps, Storage scale,
            Storage bias) {
        Op.LayerNorm op = new Op.LayerNorm(axes, eps);
        if (scale == null) {
            return run(backend, op, x.dtype(), shape, new Operand(x, shape));
        }
        Shape normalized = Shape.of(java.util.Arrays.copyOfRange(shape.dims(), shape.rank() - axes, shape.rank()));
        return run(backend, op, x.dtype(), shape, new Operand(x, shape), new Operand(scale, normalized),
                new Operand(bias, normalized));
    }

    static Storage softmax(Backend backend, Storage x, Shape shape, int axis, boolean log) {
        return run(backend, new Op.Softmax(axis, log), x.dtype(), shape, new Operand(x, shape));
    }

    static Storage concat(Backend backend, List<Storage> parts, List<Shape> shapes, int axis, Shape out) {
        List<Operand> inputs = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            inputs.add(new Operand(parts.get(i), shapes.get(i)));
        }
        return backend.execute(new Op.Concat(axis), inputs, new TensorType(parts.getFirst().dtype(), out));
    }

    static Storage pad(Backend backend, Storage x, Shape shape, int[] before, int[] after, double value, Shape out) {
        return run(backend, new Op.Pad(before, after, value), x.dtype(), out, new Operand(x, shape));
    }

    static Storage gather(Backend backend, Storage x, Shape shape, int axis, Storage indices, Shape indexShape,
            Shape out) {
        return run(backend, new Op.Gather(axis), x.dtype(), out, new Operand(x, shape), new Operand(indices, indexShape));
    }

    static Storage indexAdd(Backend backend, Storage x, Shape shape, int axis, Storage indices, Shape indexShape,
            Storage updates) {
        return run(backend, new Op.IndexAdd(axis), x.dtype(), shape, new Operand(x, shape),
                new Operand(indices, indexShape), new Operand(updates, Shape.of((int) updates.size())));
    }

    static Storage matmul(Backend backend, Storage a, Shape aShape, boolean transposeA, Storage b, Shape bShape,
            boolean transposeB, Shape out) {
        return run(backend, new Op.MatMul(transposeA, transposeB), a.dtype(), out, new Operand(a, aShape),
                new Operand(b, bShape));
    }

    static Storage matmulBias(Backend backend, Storage a, Shape aShape, boolean transposeA, Storage b, Shape bShape,
            boolean transposeB, Storage bias, double low, double high, Shape out) {
        return run(backend, new Op.MatMulBias(transposeA, transposeB, low, high), a.dtype(), out,
                new Operand(a, aShape), new Operand(b, bShape), new Operand(bias, Shape.of(out.dim(-1))));
    }

    static Storage conv2d(Backend backend, Storage x, Shape xShape, Storage w, Shape wShape, Conv2dSpec spec,
            Shape out) {
        return run(backend, new Op.Conv2d(spec), x.dtype(), out, new Operand(x, xShape), new Operand(w, wShape));
    }

    static Storage conv2dBias(Backend backend, Storage x, Shape xShape, Storage w, Shape wShape, Storage bias,
            Conv2dSpec spec, double low, double high, Shape out) {
        return run(backend, new Op.Conv2dBias(spec, low, high), x.dtype(), out, new Operand(x, xShape),
                new Operand(w, wShape), new Operand(bias, Shape.of(wShape.dim(0))));
    }

    /** As the form above, with {@code residual} (of the output's shape) added after the bias. */
    static Storage conv2dBias(Backend backend, Storage x, Shape xShape, Storage w, Shape wShape, Storage bias,
            Storage residual, Conv2dSpec spec, double low, double high, Shape out) {
        return run(backend, new Op.Conv2dBias(spec, low, high), x.dtype(), out, new Operand(x, xShape),
                new Operand(w, wShape), new Operand(bias, Shape.of(wShape.dim(0))), new Operand(residual, out));
    }

    static Storage pool2d(Backend backend, Storage x, Shape xShape, Pool2dSpec spec, Shape out) {
        return run(backend, new Op.Pool2d(spec), x.dtype(), out, new Operand(x, xShape));
    }

    static Storage conv2dBackwardInput(Backend backend, Storage dy, Shape dyShape, Storage w, Shape wShape,
            Conv2dSpec spec, Shape xShape) {
        return run(backend, new Op.Conv2dBackwardInput(spec, xShape), dy.dtype(), xShape, new Operand(dy, dyShape),
                new Operand(w, wShape));
    }

    static Storage conv2dBackwardWeight(Backend backend, Storage x, Shape xShape, Storage dy, Shape dyShape,
            Conv2dSpec spec, Shape wShape) {
        return run(backend, new Op.Conv2dBackwardWeight(spec, wShape), x.dtype(), wShape, new Operand(x, xShape),
                new Operand(dy, dyShape));
    }

    static Storage pool2dBackward(Backend backend, Storage x, Shape xShape, Storage dy, Shape dyShape,
            Pool2dSpec spec) {
        return run(backend, new Op.Pool2dBackward(spec), x.dtype(), xShape, new Operand(x, xShape),
                new Operand(dy, dyShape));
    }

    static Storage strided(Backend backend, Storage x, long offset, long[] strides, Shape out) {
        // A test of the gather kernel itself: through the backend's one strided entry point.
        return Layout.strided((CpuBackend) backend, CpuBackend.cpu(x), offset, strides, out);
    }
}
