package dev.adjoint.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Generated source compared with checked-in golden files, so every change to the output is
 * reviewed. Regenerate with {@code -Dadjoint.updateGolden=true} after an intended change.
 */
class GoldenFileTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    @ParameterizedTest
    @ValueSource(strings = {"Polynomial", "Loops", "Model", "Mlp", "Layers"})
    void generatedSourceMatchesGoldenFile(String name) throws IOException {
        JavaFileObject input = JavaFileObjects.forSourceString("golden." + name,
                Files.readString(GOLDEN.resolve(name + ".java.txt")));
        Compilation compilation = Sources.compile(input);
        assertThat(compilation).succeededWithoutWarnings();
        JavaFileObject generated = compilation.generatedSourceFile("golden." + name + "Grad").orElseThrow();
        String actual = generated.getCharContent(true).toString();
        Path expected = GOLDEN.resolve(name + "Grad.java.txt");
        if (Boolean.getBoolean("adjoint.updateGolden")) {
            Files.writeString(expected, actual);
        }
        assertEquals(Files.readString(expected), actual, "generated " + name + "Grad differs from " + expected);
    }
}
