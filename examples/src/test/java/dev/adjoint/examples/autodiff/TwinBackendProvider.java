package dev.adjoint.examples.autodiff;

import dev.adjoint.core.Device;
import dev.adjoint.spi.Backend;
import dev.adjoint.spi.BackendProvider;
import dev.adjoint.spi.Backends;

/** Registers {@link TwinBackend} through {@code META-INF/services} of the test class path. */
public final class TwinBackendProvider implements BackendProvider {
    @Override
    public String deviceType() {
        return TwinBackend.TWIN.type();
    }

    @Override
    public Backend create(Device device) {
        if (!device.equals(TwinBackend.TWIN)) {
            throw new IllegalArgumentException("there is one twin device, " + TwinBackend.TWIN + "; got " + device);
        }
        return new TwinBackend(Backends.forDevice(Device.CPU));
    }
}
