package dev.adjoint.examples.autodiff;

import dev.adjoint.core.DType;
import dev.adjoint.core.Device;
import dev.adjoint.op.ComputeOp;
import dev.adjoint.op.TensorType;
import dev.adjoint.spi.Backend;
import dev.adjoint.spi.Operand;
import dev.adjoint.spi.Storage;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A second device for tests on machines with one: {@code twin:0} computes with the CPU backend but
 * wraps every storage, so a tensor made on the default device and mixed with a twin tensor is
 * rejected by {@code Tensor} ("operands are on different devices"), as a CPU tensor would be next
 * to a CUDA one. Derivative rules run on twin tensors must keep everything on the twin.
 */
final class TwinBackend implements Backend {

    static final Device TWIN = new Device("twin", 0);

    /** Twin storages not yet released, over all twins: what tests of tensor lifetimes count. */
    private static final AtomicLong LIVE = new AtomicLong();

    /** A CPU storage owned by the twin; releasing it releases the CPU one. */
    private static final class TwinStorage implements Storage {
        private final TwinBackend backend;
        private final Storage cpu;
        private boolean released;

        TwinStorage(TwinBackend backend, Storage cpu) {
            this.backend = backend;
            this.cpu = cpu;
            LIVE.incrementAndGet();
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
                LIVE.decrementAndGet();
                cpu.release();
            }
        }
    }

    /** How many twin storages are alive (made and not released) right now. */
    static long liveStorages() {
        return LIVE.get();
    }

    private final Backend cpu;

    TwinBackend(Backend cpu) {
        this.cpu = cpu;
    }

    private Storage wrap(Storage storage) {
        return new TwinStorage(this, storage);
    }

    private Storage cpu(Storage storage) {
        if (!(storage instanceof TwinStorage twin) || twin.backend != this) {
            throw new IllegalArgumentException("a storage of " + storage.backend().device() + " reached " + TWIN);
        }
        return twin.cpu;
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
    public long maxElements() {
        return cpu.maxElements();
    }

    /** Every op: unwrapped, computed by the CPU, the result wrapped again. */
    @Override
    public Storage execute(ComputeOp op, List<Operand> inputs, TensorType output) {
        List<Operand> unwrapped = inputs.stream().map(input -> new Operand(cpu(input.storage()), input.shape())).toList();
        return wrap(cpu.execute(op, unwrapped, output));
    }
}
