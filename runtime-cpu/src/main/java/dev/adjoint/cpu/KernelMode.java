package dev.adjoint.cpu;

/**
 * Chooses between the Vector API kernels and the scalar reference kernels, once per JVM.
 *
 * <p>The vector kernels need the incubator module {@code jdk.incubator.vector}
 * ({@code --add-modules jdk.incubator.vector}). Without it, or with the system property
 * {@code adjoint.cpu.scalar=true}, every op runs its scalar path; a missing module is reported
 * once through {@link System.Logger}. Classes that touch {@code jdk.incubator.vector} are only
 * loaded when {@link #VECTOR} is true, so the scalar mode never links against the module.
 */
final class KernelMode {
    /** The system property that forces the scalar reference kernels. */
    static final String FORCE_SCALAR_PROPERTY = "adjoint.cpu.scalar";

    static final boolean VECTOR = decide();

    private KernelMode() {
    }

    private static boolean decide() {
        if (Boolean.getBoolean(FORCE_SCALAR_PROPERTY)) {
            return false;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            System.getLogger("dev.adjoint.cpu").log(System.Logger.Level.WARNING,
                    "jdk.incubator.vector is not available: Adjoint runs its scalar CPU kernels. "
                            + "Start the JVM with --add-modules jdk.incubator.vector for SIMD speed.");
            return false;
        }
        return true;
    }
}
