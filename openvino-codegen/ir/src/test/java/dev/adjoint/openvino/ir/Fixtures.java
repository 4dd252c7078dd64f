package dev.adjoint.openvino.ir;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;

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

    /**
     * {@link #allXml()} as a parameterized test's arguments: one placeholder when the fixtures are absent, which
     * {@link #require} then skips (JUnit refuses a parameterized test with no arguments at all).
     */
    static List<String> parameters() {
        List<String> all = allXml();
        return all.isEmpty() ? List.of("(shared fixtures absent)") : all;
    }

    /** Every fixture XML, relative to the fixture root. */
    static List<String> allXml() {
        Path root = root();
        if (root == null) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".xml")).map(p -> root.relativize(p).toString()).sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
