package dev.adjoint.spi;

import dev.adjoint.core.Device;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/** Finds backends on the class path with {@link ServiceLoader}, once, and picks one per device. */
public final class Backends {
    private static final List<BackendProvider> PROVIDERS = loadProviders();
    private static final ConcurrentHashMap<Device, Backend> BY_DEVICE = new ConcurrentHashMap<>();
    private static volatile Backend defaultBackend;

    private Backends() {
    }

    /** The backend new tensors are created on: the CPU one unless {@link #setDefault} changed it. */
    public static Backend defaultBackend() {
        Backend b = defaultBackend;
        if (b == null) {
            b = forDevice(Device.CPU);
            defaultBackend = b;
        }
        return b;
    }

    /** Makes new tensors live on {@code device} from now on, in every thread. */
    public static void setDefault(Device device) {
        defaultBackend = forDevice(device);
    }

    /** The highest-priority available backend for {@code device}. */
    public static Backend forDevice(Device device) {
        return BY_DEVICE.computeIfAbsent(device, Backends::create);
    }

    private static Backend create(Device device) {
        List<String> seen = new ArrayList<>();
        for (BackendProvider p : PROVIDERS) {
            seen.add(p.deviceType());
            if (p.deviceType().equals(device.type())) {
                return p.create(device);
            }
        }
        String hint = device.type().equals("cpu")
                ? "add dev.adjoint:adjoint-runtime-cpu to the class path"
                : "add the backend module for '" + device.type() + "' to the class path";
        throw new IllegalStateException("no Adjoint backend for device " + device + " (found: "
                + (seen.isEmpty() ? "none" : String.join(", ", seen)) + "): " + hint);
    }

    private static List<BackendProvider> loadProviders() {
        List<BackendProvider> list = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
            if (p.isAvailable()) {
                list.add(p);
            }
        }
        list.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
        return List.copyOf(list);
    }
}
