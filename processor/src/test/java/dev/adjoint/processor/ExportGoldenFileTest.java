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
 * The generated IR emitters ({@code <Class>Ir}) and deployment stubs ({@code <Class>Deployment}) compared with
 * checked-in golden files. Regenerate with {@code -Dadjoint.updateGolden=true} after an intended change.
 */
class ExportGoldenFileTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    @ParameterizedTest
    @ValueSource(strings = {"ExportMlp", "Linear", "ExportBranches"})
    void generatedEmitterAndStubMatchGoldenFiles(String name) throws IOException {
        JavaFileObject input = JavaFileObjects.forSourceString("golden." + name,
                Files.readString(GOLDEN.resolve(name + ".java.txt")));
        Compilation compilation = Sources.compile(input);
        assertThat(compilation).succeededWithoutWarnings();
        for (String suffix : new String[] {"Ir", "Deployment"}) {
            JavaFileObject generated = compilation.generatedSourceFile("golden." + name + suffix).orElseThrow();
            String actual = generated.getCharContent(true).toString();
            Path expected = GOLDEN.resolve(name + suffix + ".java.txt");
            if (Boolean.getBoolean("adjoint.updateGolden")) {
                Files.writeString(expected, actual);
            }
            assertEquals(Files.readString(expected), actual, "generated " + name + suffix + " differs from " + expected);
        }
    }
}
