package dev.adjoint.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Long methods compile: the generated forward and reverse passes are split into helper methods
 * (javac refuses methods over 64 KB of bytecode; HotSpot does not compile methods over 8 KB), and
 * the split code computes the same gradient (issue 6, item 5).
 */
class LargeMethodTest {

    private static final int STATEMENTS = 2000;

    /** {@code y = y * 1.0001 + 0.001}, {@code STATEMENTS} times, straight-line and inside a loop. */
    private static JavaFileObject source() {
        StringBuilder text = new StringBuilder("package test;\nimport dev.adjoint.annotation.Differentiable;\n")
                .append("public class Long {\n  @Differentiable public static double straight(double x) {\n")
                .append("    double y = x;\n");
        for (int i = 0; i < STATEMENTS; i++) {
            text.append("    y = y * 1.0001 + 0.001;\n");
        }
        text.append("    return y;\n  }\n  @Differentiable public static double looped(double x, int n) {\n")
                .append("    double y = x;\n    for (int k = 0; k < n; k++) {\n");
        for (int i = 0; i < STATEMENTS / 4; i++) {
            text.append("      y = y * 1.0001 + 0.001;\n");
        }
        text.append("    }\n    return y;\n  }\n}\n");
        return JavaFileObjects.forSourceString("test.Long", text.toString());
    }

    @Test
    void twoThousandStatementsCompileAndDifferentiate() throws Exception {
        Compilation compilation = Sources.compile(source());
        assertThat(compilation).succeededWithoutWarnings();
        String generated = compilation.generatedSourceFile("test.LongGrad").orElseThrow().getCharContent(true).toString();
        assertTrue(generated.contains("private void forwardPart"), "the forward pass was split");
        assertTrue(generated.contains("private void backwardPart"), "the reverse pass was split");

        ClassLoader loader = new CompiledClasses(compilation);
        Class<?> grad = loader.loadClass("test.LongGrad");
        Method straight = grad.getMethod("straightGradients", double.class);
        Object gradients = straight.invoke(null, 0.5);
        double dx = (double) gradients.getClass().getMethod("x").invoke(gradients);
        assertEquals(Math.pow(1.0001, STATEMENTS), dx, 1e-9);

        Method looped = grad.getMethod("loopedGradients", double.class, int.class);
        Object loopGradients = looped.invoke(null, 0.5, 3);
        double dLoop = (double) loopGradients.getClass().getMethod("x").invoke(loopGradients);
        assertEquals(Math.pow(1.0001, 3 * STATEMENTS / 4), dLoop, 1e-9);
    }

    /** Loads the classes a compilation wrote, the processor's generated ones included. */
    private static final class CompiledClasses extends ClassLoader {
        private final Map<String, JavaFileObject> classes = new HashMap<>();

        CompiledClasses(Compilation compilation) {
            super(LargeMethodTest.class.getClassLoader());
            for (JavaFileObject file : compilation.generatedFiles()) {
                if (file.getKind() == JavaFileObject.Kind.CLASS) {
                    String path = file.toUri().getPath();
                    String name = path.substring(path.indexOf("/test/") + 1, path.length() - ".class".length());
                    classes.put(name.replace('/', '.'), file);
                }
            }
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            JavaFileObject file = classes.get(name);
            if (file == null) {
                throw new ClassNotFoundException(name);
            }
            try (InputStream in = file.openInputStream()) {
                byte[] bytes = in.readAllBytes();
                return defineClass(name, bytes, 0, bytes.length);
            } catch (IOException e) {
                throw new ClassNotFoundException(name, e);
            }
        }
    }
}
