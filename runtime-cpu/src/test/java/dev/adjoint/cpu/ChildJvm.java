package dev.adjoint.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs a test class's {@code main} in a child JVM with one extra flag ({@code -Xint}, {@code -XX:UseAVX=2}) and reads
 * back the floats or doubles it writes as raw big-endian bits: how the kernel tests compare interpreted, compiled and
 * narrower-vector results bit for bit.
 */
final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * Asserts that {@code results}, once the JIT has compiled it (30 rounds here), gives the bits that {@code main}'s
     * class writes in an interpreted ({@code -Xint}) child JVM, where {@code main} writes {@code results.get()}.
     */
    static void assertInterpretedEqualsCompiled(Class<?> main, Supplier<float[]> results)
            throws IOException, InterruptedException {
        float[] compiled = null;
        for (int round = 0; round < 30; round++) {
            compiled = results.get();
        }
        assertArrayEquals(floats(main, "-Xint", compiled.length), compiled, "interpreted against compiled");
    }

    /**
     * Asserts that the first {@code length} values of {@code results} are the same bits with 256-bit vectors (a
     * {@code -XX:UseAVX=2} child JVM); on a machine without AVX-512 both runs use AVX2 and this only repeats itself.
     */
    static void assertAvx2Equals(Class<?> main, float[] results, int length) throws IOException, InterruptedException {
        float[] avx2 = floats(main, "-XX:UseAVX=2", results.length);
        assertArrayEquals(Arrays.copyOf(avx2, length), Arrays.copyOf(results, length), "AVX2 against this JVM");
    }

    /** As {@link #assertInterpretedEqualsCompiled} for a float64 kernel's results. */
    static void assertInterpretedEqualsCompiledDoubles(Class<?> main, Supplier<double[]> results)
            throws IOException, InterruptedException {
        double[] compiled = null;
        for (int round = 0; round < 30; round++) {
            compiled = results.get();
        }
        assertArrayEquals(doubles(main, "-Xint", compiled.length), compiled, "interpreted against compiled");
    }

    /** As {@link #assertAvx2Equals} for a float64 kernel's results, all of them. */
    static void assertAvx2EqualsDoubles(Class<?> main, double[] results) throws IOException, InterruptedException {
        assertArrayEquals(doubles(main, "-XX:UseAVX=2", results.length), results, "AVX2 against this JVM");
    }

    /** The arrays one after the other. */
    static float[] concat(List<float[]> parts) {
        int n = 0;
        for (float[] part : parts) {
            n += part.length;
        }
        float[] all = new float[n];
        int at = 0;
        for (float[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    /** Writes {@code values} to standard output as raw bits, for the parent to read with {@link #floats}. */
    static void write(float[] values) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length);
        bytes.asFloatBuffer().put(values);
        System.out.write(bytes.array());
        System.out.flush();
    }

    /** Writes {@code values} to standard output as raw bits, for the parent to read with {@link #doubles}. */
    static void write(double[] values) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(8 * values.length);
        bytes.asDoubleBuffer().put(values);
        System.out.write(bytes.array());
        System.out.flush();
    }

    /** The {@code length} doubles that {@code main}'s class writes in a child JVM started with {@code flag}. */
    static double[] doubles(Class<?> main, String flag, int length) throws IOException, InterruptedException {
        double[] values = new double[length];
        ByteBuffer.wrap(output(main, flag, 8L * length)).asDoubleBuffer().get(values);
        return values;
    }

    /** The {@code length} floats that {@code main}'s class writes in a child JVM started with {@code flag}. */
    static float[] floats(Class<?> main, String flag, int length) throws IOException, InterruptedException {
        float[] values = new float[length];
        ByteBuffer.wrap(output(main, flag, 4L * length)).asFloatBuffer().get(values);
        return values;
    }

    /** The {@code bytes} bytes that {@code main}'s class writes in a child JVM started with {@code flag}. */
    private static byte[] output(Class<?> main, String flag, long bytes) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, flag));
        if (flag.equals("-Xint")) {
            // The interpreted child compares against this JVM, so it takes this JVM's vector width (a suite run with
            // -XX:UseAVX=2 has 8-lane float vectors, and softmax sums a vector's lanes at a time).
            ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(a -> a.startsWith("-XX:UseAVX=") || a.startsWith("-XX:MaxVectorSize="))
                    .forEach(command::add);
        }
        command.addAll(List.of("--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                main.getName()));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = child.getInputStream()) {
            in.transferTo(out);
        }
        if (!child.waitFor(5, TimeUnit.MINUTES)) {
            child.destroyForcibly();
            fail("the " + flag + " child did not finish");
        }
        assertEquals(0, child.exitValue(), "the " + flag + " child's exit status");
        assertEquals(bytes, out.size(), "bytes from the " + flag + " child");
        return out.toByteArray();
    }
}
