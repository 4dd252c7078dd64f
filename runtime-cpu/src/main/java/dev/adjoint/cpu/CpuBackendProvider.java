package dev.adjoint.cpu;

import dev.adjoint.core.Device;
import dev.adjoint.spi.Backend;
import dev.adjoint.spi.BackendProvider;

/** Registers {@link CpuBackend} with {@link java.util.ServiceLoader}. */
public final class CpuBackendProvider implements BackendProvider {
    @Override
    public String deviceType() {
        return "cpu";
    }

    @Override
    public Backend create(Device device) {
        if (device.index() != 0) {
            throw new IllegalArgumentException("there is one CPU device, cpu:0; got " + device);
        }
        return new CpuBackend();
    }
}
