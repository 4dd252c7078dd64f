package dev.adjoint.openvino.engine;

import dev.adjoint.DType;
import dev.adjoint.Device;
import dev.adjoint.Shape;
import dev.adjoint.ops.BinaryOp;
import dev.adjoint.ops.Conv2dSpec;
import dev.adjoint.ops.Pool2dSpec;
import dev.adjoint.ops.ReduceOp;
import dev.adjoint.ops.UnaryOp;
import dev.adjoint.spi.Backend;
import dev.adjoint.spi.BackendProvider;
import dev.adjoint.spi.Backends;
import dev.adjoint.spi.Storage;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A device for tests that behaves like a GPU's memory: {@code releasing:0} computes with the CPU backend, but its
 * storages can be released, and a released storage used again is an error. Every tensor the engine mixes with its
 * tensors must live on it too ("operands are on different devices" otherwise), so it also checks that kernels make
 * their helper tensors on the input's device.
 */
final class ReleasingBackend implements Backend {
    static final Device DEVICE = new Device("releasing", 0);
    static final AtomicInteger RELEASED = new AtomicInteger();
    static final AtomicInteger ALLOCATED = new AtomicInteger();

    /** Registered in META-INF/services of the test class path. */
    public static final class Provider implements BackendProvider {
        @Override
        public String deviceType() {
            return DEVICE.type();
        }

        @Override
        public Backend create(Device device) {
            return new ReleasingBackend(Backends.forDevice(Device.CPU));
        }
    }

    private static final class Releasable implements Storage {
        private final ReleasingBackend backend;
        private final Storage cpu;
        private volatile boolean released;

        Releasable(ReleasingBackend backend, Storage cpu) {
            this.backend = backend;
            this.cpu = cpu;
            ALLOCATED.incrementAndGet();
        }

        @Override
        public Backend backend() {
            return backend;
        }

        @Override
        public DType dtype() {
            return cpu.dtype();
        }

        @Override
        public long size() {
            return cpu.size();
        }

        @Override
        public void release() {
            if (!released) {
                released = true;
                RELEASED.incrementAndGet();
            }
        }
    }

    private final Backend cpu;

    ReleasingBackend(Backend cpu) {
        this.cpu = cpu;
    }

    private Storage wrap(Storage s) {
        return new Releasable(this, s);
    }

    private Storage cpu(Storage s) {
        if (!(s instanceof Releasable r) || r.backend != this) {
            throw new IllegalArgumentException("a storage of " + s.backend().device() + " reached " + DEVICE);
        }
        if (r.released) {
            throw new IllegalStateException("use of a released storage");
        }
        return r.cpu;
    }

    private List<Storage> cpu(List<Storage> storages) {
        return storages.stream().map(this::cpu).toList();
    }

    @Override
    public String name() {
        return "releasing";
    }

    @Override
    public Device device() {
        return DEVICE;
    }

    @Override
    public long maxElements() {
        return cpu.maxElements();
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
