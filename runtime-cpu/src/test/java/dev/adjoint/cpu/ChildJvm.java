package dev.adjoint.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a test class's {@code main} in a child JVM with one extra flag ({@code -Xint}, {@code -XX:UseAVX=2}) and reads
 * back the floats it writes as raw big-endian bits: how the kernel tests compare interpreted, compiled and
 * narrower-vector results bit for bit.
 */
final class ChildJvm {
    private ChildJvm() {
    }

    /** Writes {@code values} to standard output as raw bits, for the parent to read with {@link #floats}. */
    static void write(float[] values) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length);
        bytes.asFloatBuffer().put(values);
        System.out.write(bytes.array());
        System.out.flush();
    }

    /** The {@code length} floats that {@code main}'s class writes in a child JVM started with {@code flag}. */
    static float[] floats(Class<?> main, String flag, int length) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(List.of(java, flag, "--add-modules=jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), main.getName()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = child.getInputStream()) {
            in.transferTo(out);
        }
        if (!child.waitFor(5, TimeUnit.MINUTES)) {
            child.destroyForcibly();
            fail("the " + flag + " child did not finish");
        }
        assertEquals(0, child.exitValue(), "the " + flag + " child's exit status");
        assertEquals(4L * length, out.size(), "bytes from the " + flag + " child");
        float[] values = new float[length];
        ByteBuffer.wrap(out.toByteArray()).asFloatBuffer().get(values);
        return values;
    }
}
