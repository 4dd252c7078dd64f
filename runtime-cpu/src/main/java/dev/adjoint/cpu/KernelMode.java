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

    /**
     * Elementwise ops, chains, reductions and softmaxes on fewer elements than this run the scalar
     * kernels on the Vector API path too. Vector API code is only fast once C2 has compiled it:
     * interpreted or compiled by C1, every vector operation is an object and runs 10-100x slower than
     * a scalar loop, and a small model's training run (the digits MLP: 64-wide layers) spent most of
     * its first few thousand steps there. Plain loops are quick in every tier and C2 compiles them in
     * milliseconds; below this size SIMD saves at most a few microseconds per op (a 4096-element add:
     * 1.4 us scalar, 0.3 us vector, once compiled). Matrix products keep their vector kernels at every
     * size: a scalar 64 x 64 x 64 product is 20x slower than the vector one.
     * The system property {@code adjoint.cpu.smallElements} overrides it (0: vector kernels for every size).
     */
    static final int SMALL_ELEMENTS = Integer.getInteger("adjoint.cpu.smallElements", 1 << 13);

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
