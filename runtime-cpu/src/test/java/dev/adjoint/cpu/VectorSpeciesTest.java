package dev.adjoint.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * The CPU kernels use one vector species per element type. The Vector API's shared code (FloatVector's
 * templates, VectorSupport) keeps one type profile for every caller; a second float species (a 256-bit A-panel
 * column beside 512-bit tiles) made those profiles polymorphic, C2's speculative type checks there failed until
 * it stopped speculating, and every kernel compiled after that boxed its vectors on each iteration: MobileNet's
 * 14x14 -> 7x7 depthwise layer ran 2.3x slower inside the network than alone, allocating 6 KB per plane.
 */
class VectorSpeciesTest {

    @Test
    void everyKernelClassUsesOneSpeciesPerElementType() throws Exception {
        Map<String, Set<String>> speciesByElement = new TreeMap<>();
        List<String> fields = new ArrayList<>();
        for (Class<?> type : kernelClasses()) {
            for (Field field : type.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers()) || !VectorSpecies.class.isAssignableFrom(field.getType())) {
                    continue;
                }
                field.setAccessible(true);
                VectorSpecies<?> species = (VectorSpecies<?>) field.get(null);
                if (species == null) {
                    continue; // a kernel without vectors of this kind on this machine
                }
                speciesByElement.computeIfAbsent(species.elementType().getName(), e -> new TreeSet<>())
                        .add(species.toString());
                fields.add(type.getSimpleName() + "." + field.getName() + " = " + species);
            }
        }
        assertTrue(fields.size() >= 10, "found too few species fields to check: " + fields);
        for (var entry : speciesByElement.entrySet()) {
            assertEquals(1, entry.getValue().size(),
                    () -> entry.getKey() + " vectors of more than one species: " + String.join("; ", fields));
        }
    }

    @Test
    void noKernelNamesAFixedShapeSpecies() throws Exception {
        // A species made inside a method escapes the field check above; its name stays in the class file.
        List<String> found = new ArrayList<>();
        for (Path file : classFiles()) {
            String constants = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            for (String name : List.of("SPECIES_64", "SPECIES_128", "SPECIES_256", "SPECIES_512")) {
                if (constants.contains(name)) {
                    found.add(file.getFileName() + " uses " + name);
                }
            }
        }
        assertTrue(classFiles().size() >= 20, "found too few class files to check");
        assertEquals(List.of(), found);
    }

    private static List<Path> classFiles() throws IOException, URISyntaxException {
        Path root = Path.of(GemmF32Vector.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (Stream<Path> files = Files.list(root.resolve("dev/adjoint/cpu"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".class")).sorted().toList();
        }
    }

    /** Every class of this package's main output (generated float64 kernels included), initialised. */
    private static List<Class<?>> kernelClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        List<Class<?>> classes = new ArrayList<>();
        for (Path file : classFiles()) {
            String name = file.getFileName().toString();
            String className = "dev.adjoint.cpu." + name.substring(0, name.length() - ".class".length());
            classes.add(Class.forName(className, true, GemmF32Vector.class.getClassLoader()));
        }
        return classes;
    }
}
