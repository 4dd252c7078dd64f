package dev.adjoint.spi;

import dev.adjoint.core.Device;

/**
 * The {@link java.util.ServiceLoader} entry point of a backend module: cheap to construct, it
 * creates the backend for a device only when a tensor first needs it, so a CUDA module on the class
 * path costs nothing on a machine without a GPU.
 */
public interface BackendProvider {
    /** The device type served, e.g. {@code "cpu"} or {@code "cuda"}. */
    String deviceType();

    /** False when the machine cannot run this backend (no driver, say); it is then skipped. */
    default boolean isAvailable() {
        return true;
    }

    /** When several providers serve one device type, the highest priority wins. */
    default int priority() {
        return 0;
    }

    Backend create(Device device);
}
