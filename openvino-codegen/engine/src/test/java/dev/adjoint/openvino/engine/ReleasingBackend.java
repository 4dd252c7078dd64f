package dev.adjoint.openvino.engine;

import dev.adjoint.core.DType;
import dev.adjoint.core.Device;
import dev.adjoint.op.ComputeOp;
import dev.adjoint.op.TensorType;
import dev.adjoint.spi.Backend;
import dev.adjoint.spi.BackendProvider;
import dev.adjoint.spi.Backends;
import dev.adjoint.spi.Operand;
import dev.adjoint.spi.Storage;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

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
    /** The thread limit ({@link #withThreadLimit}) each op ran under, 0 for none, in the order they ran. */
    static final List<Integer> LIMITS_SEEN = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final ThreadLocal<Integer> LIMIT = new ThreadLocal<>();

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
    public <T> T withThreadLimit(int threads, Supplier<T> task) {
        LIMIT.set(threads);
        try {
            return cpu.withThreadLimit(threads, task);
        } finally {
            LIMIT.remove();
        }
    }

    /** Every op: unwrapped (a released input is an error), computed by the CPU, the result wrapped again. */
    @Override
    public Storage execute(ComputeOp op, List<Operand> inputs, TensorType output) {
        Integer limit = LIMIT.get();
        LIMITS_SEEN.add(limit == null ? 0 : limit);
        List<Operand> unwrapped = inputs.stream().map(input -> new Operand(cpu(input.storage()), input.shape())).toList();
        return wrap(cpu.execute(op, unwrapped, output));
    }
}
