package dev.adjoint.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.build.KernelVariants;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Guards "one source per kernel family": the float64 and integer kernels are generated from their
 * float32 sources by the build, are up to date, and have no hand-written copy anywhere under src/.
 */
class GeneratedKernelsTest {
    private static final Path MODULE = Path.of(System.getProperty("basedir", "."));
    private static final Path SOURCES = MODULE.resolve("src/main/java");
    private static final Path GENERATED = MODULE.resolve("target/generated-sources/kernels");

    /** Every kernel that must come from a float32 source; a family that went back to hand copies fails here. */
    private static final Set<String> EXPECTED = Set.of(
            "GemmF64Vector", "GemmScalarF64", "GemmScalarI32", "GemmScalarI64",
            "ScalarElementwiseF64", "ScalarElementwiseI32", "ScalarElementwiseI64", "VectorElementwiseF64",
            "ScalarReductionsF64", "ScalarReductionsI64", "VectorReductionsF64", "ReductionsF64",
            "Pool2dF64", "Pool2dI32", "Pool2dI64", "PoolBackwardF64");

    private static Set<String> classNames(Iterable<Path> files) {
        Set<String> names = new TreeSet<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            names.add(name.substring(0, name.length() - ".java".length()));
        }
        return names;
    }

    @Test
    void everyExpectedKernelIsGeneratedFromATemplate() throws IOException {
        Set<String> generated = classNames(KernelVariants.generateAll(SOURCES).keySet());
        assertTrue(generated.containsAll(EXPECTED), () -> "not generated from a float32 source: "
                + EXPECTED.stream().filter(name -> !generated.contains(name)).sorted().toList());
    }

    @Test
    void theBuildCompiledTheGeneratedKernels() throws ClassNotFoundException {
        for (String name : EXPECTED) {
            Class<?> kernel = Class.forName("dev.adjoint.cpu." + name, false, getClass().getClassLoader());
            assertEquals(name, kernel.getSimpleName());
        }
    }

    /** The generated sources on disk are what the generator makes of the templates now. */
    @Test
    void generatedSourcesAreUpToDateAndMarked() throws IOException {
        Map<Path, String> expected = KernelVariants.generateAll(SOURCES);
        for (Map.Entry<Path, String> entry : expected.entrySet()) {
            Path file = GENERATED.resolve(entry.getKey());
            assertTrue(Files.exists(file), () -> file + " is missing: the build did not run the generator");
            String text = Files.readString(file);
            assertTrue(text.startsWith(KernelVariants.HEADER_START), () -> file + " has no generated header");
            assertEquals(entry.getValue(), text, () -> file + " is stale");
        }
    }

    @Test
    void noGeneratedKernelHasAHandWrittenCopyUnderSrc() throws IOException {
        Set<String> generated = new TreeSet<>(EXPECTED);
        generated.addAll(classNames(KernelVariants.generateAll(SOURCES).keySet()));
        List<Path> copies;
        try (Stream<Path> files = Files.walk(MODULE.resolve("src"))) {
            copies = files.filter(file -> {
                String name = file.getFileName().toString();
                return name.endsWith(".java") && generated.contains(name.substring(0, name.length() - 5));
            }).toList();
        }
        if (!copies.isEmpty()) {
            fail("hand-written copies of generated kernels (edit the float32 source instead): " + copies);
        }
    }
}
