package dev.adjoint.examples.autodiff;

import dev.adjoint.core.DType;
import dev.adjoint.core.Device;
import dev.adjoint.core.Shape;
import dev.adjoint.op.BinaryOp;
import dev.adjoint.op.Conv2dSpec;
import dev.adjoint.op.ElementwiseChainSpec;
import dev.adjoint.op.Pool2dSpec;
import dev.adjoint.op.ReduceOp;
import dev.adjoint.op.UnaryOp;
import dev.adjoint.spi.Backend;
import dev.adjoint.spi.Storage;
import java.util.List;

/**
 * A second device for tests on machines with one: {@code twin:0} computes with the CPU backend but
 * wraps every storage, so a tensor made on the default device and mixed with a twin tensor is
 * rejected by {@code Tensor} ("operands are on different devices"), as a CPU tensor would be next
 * to a CUDA one. Derivative rules run on twin tensors must keep everything on the twin.
 */
final class TwinBackend implements Backend {

    static final Device TWIN = new Device("twin", 0);

    /** A CPU storage owned by the twin. */
    private record TwinStorage(TwinBackend backend, Storage cpu) implements Storage {
        @Override
        public DType dtype() {
            return cpu.dtype();
        }

        @Override
        public long size() {
            return cpu.size();
        }
    }

    private final Backend cpu;

    TwinBackend(Backend cpu) {
        this.cpu = cpu;
    }

    private Storage wrap(Storage storage) {
        return new TwinStorage(this, storage);
    }

    private Storage cpu(Storage storage) {
        if (!(storage instanceof TwinStorage twin) || twin.backend() != this) {
            throw new IllegalArgumentException("a storage of " + storage.backend().device() + " reached " + TWIN);
        }
        return twin.cpu();
    }

    private List<Storage> cpu(List<Storage> storages) {
        return storages.stream().map(this::cpu).toList();
    }

    @Override
    public String name() {
        return "twin";
    }

    @Override
    public Device device() {
        return TWIN;
    }

    @Override
    public Storage fromArray(Object array, DType dtype) {
        return wrap(cpu.fromArray(array, dtype));
    }

    @Override
    public Object toArray(Storage storage) {
        return cpu.toArray(cpu(storage));
    }

    @Override
    public Storage full(DType dtype, long size, double value) {
        return wrap(cpu.full(dtype, size, value));
    }

    @Override
    public Storage unary(UnaryOp op, Storage x) {
        return wrap(cpu.unary(op, cpu(x)));
    }

    @Override
    public Storage binary(BinaryOp op, Storage a, Shape aShape, Storage b, Shape bShape, Shape outShape) {
        return wrap(cpu.binary(op, cpu(a), aShape, cpu(b), bShape, outShape));
    }

    @Override
    public Storage where(Storage cond, Shape condShape, Storage a, Shape aShape, Storage b, Shape bShape,
            Shape outShape) {
        return wrap(cpu.where(cpu(cond), condShape, cpu(a), aShape, cpu(b), bShape, outShape));
    }

    @Override
    public Storage cast(Storage x, DType to) {
        return wrap(cpu.cast(cpu(x), to));
    }

    @Override
    public Storage elementwiseChain(ElementwiseChainSpec chain, Storage input, List<Storage> operands) {
        return wrap(cpu.elementwiseChain(chain, cpu(input), cpu(operands)));
    }

    @Override
    public Storage reduce(ReduceOp op, Storage x, Shape shape, int[] axes) {
        return wrap(cpu.reduce(op, cpu(x), shape, axes));
    }

    @Override
    public Storage strided(Storage x, long offset, long[] strides, Shape outShape) {
        return wrap(cpu.strided(cpu(x), offset, strides, outShape));
    }

    @Override
    public Storage concat(List<Storage> parts, List<Shape> shapes, int axis, Shape outShape) {
        return wrap(cpu.concat(cpu(parts), shapes, axis, outShape));
    }

    @Override
    public Storage pad(Storage x, Shape shape, int[] before, int[] after, double value, Shape outShape) {
        return wrap(cpu.pad(cpu(x), shape, before, after, value, outShape));
    }

    @Override
    public Storage gather(Storage x, Shape shape, int axis, Storage indices, Shape indexShape, Shape outShape) {
        return wrap(cpu.gather(cpu(x), shape, axis, cpu(indices), indexShape, outShape));
    }

    @Override
    public Storage indexAdd(Storage x, Shape shape, int axis, Storage indices, Shape indexShape, Storage updates) {
        return wrap(cpu.indexAdd(cpu(x), shape, axis, cpu(indices), indexShape, cpu(updates)));
    }

    @Override
    public Storage matmul(Storage a, Shape aShape, boolean transposeA, Storage b, Shape bShape, boolean transposeB,
            Shape outShape) {
        return wrap(cpu.matmul(cpu(a), aShape, transposeA, cpu(b), bShape, transposeB, outShape));
    }

    @Override
    public Storage softmax(Storage x, Shape shape, int axis, boolean log) {
        return wrap(cpu.softmax(cpu(x), shape, axis, log));
    }

    @Override
    public Storage conv2d(Storage x, Shape xShape, Storage w, Shape wShape, Conv2dSpec spec, Shape outShape) {
        return wrap(cpu.conv2d(cpu(x), xShape, cpu(w), wShape, spec, outShape));
    }

    @Override
    public Storage pool2d(Storage x, Shape xShape, Pool2dSpec spec, Shape outShape) {
        return wrap(cpu.pool2d(cpu(x), xShape, spec, outShape));
    }

    @Override
    public Storage conv2dBackwardInput(Storage dy, Shape dyShape, Storage w, Shape wShape, Conv2dSpec spec,
            Shape xShape) {
        return wrap(cpu.conv2dBackwardInput(cpu(dy), dyShape, cpu(w), wShape, spec, xShape));
    }

    @Override
    public Storage conv2dBackwardWeight(Storage x, Shape xShape, Storage dy, Shape dyShape, Conv2dSpec spec,
            Shape wShape) {
        return wrap(cpu.conv2dBackwardWeight(cpu(x), xShape, cpu(dy), dyShape, spec, wShape));
    }

    @Override
    public Storage pool2dBackward(Storage x, Shape xShape, Storage dy, Shape dyShape, Pool2dSpec spec) {
        return wrap(cpu.pool2dBackward(cpu(x), xShape, cpu(dy), dyShape, spec));
    }
}
