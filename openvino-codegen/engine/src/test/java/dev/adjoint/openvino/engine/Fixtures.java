package dev.adjoint.openvino.engine;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.SplittableRandom;

/** Finds the shared IR fixtures ({@code ../shared} beside the repository root); tests skip when they are absent. */
final class Fixtures {
    private Fixtures() {
    }

    static Path root() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared/fixtures/openvino-ir");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    static Path require(String relative) {
        Path root = root();
        assumeTrue(root != null, "shared fixtures are not available");
        Path p = root.resolve(relative);
        assumeTrue(Files.exists(p), relative + " is not available");
        return p;
    }

    /** Deterministic float32 weights in [-0.5, 0.5) filling {@code bytes}. */
    static byte[] generatedWeights(int bytes, long seed) {
        ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        SplittableRandom r = new SplittableRandom(seed);
        while (b.remaining() >= 4) {
            b.putFloat((float) (r.nextDouble() - 0.5));
        }
        return b.array();
    }
}
