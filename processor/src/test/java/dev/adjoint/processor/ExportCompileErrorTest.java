package dev.adjoint.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.Sources.compile;
import static dev.adjoint.processor.Sources.source;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * What cannot be exported as a static IR graph is a compile error at the expression, with its tag and a fix; what
 * can (branches whose arms are tensor expressions, loops over static bounds) compiles.
 */
class ExportCompileErrorTest {

    /** A class {@code test.E} with the usual imports and {@code lines} as its body. */
    static JavaFileObject exported(String... lines) {
        List<String> all = new ArrayList<>(List.of("package test;", "import dev.adjoint.Tensor;",
                "import dev.adjoint.Variable;", "import dev.adjoint.annotation.Differentiable;",
                "import dev.adjoint.annotation.Export;", "import dev.adjoint.annotation.NonDifferentiable;",
                "class E {", "  final Variable w = new Variable(1.0, \"w\");"));
        all.addAll(List.of(lines));
        all.add("}");
        return source("E", all.toArray(String[]::new));
    }

    @Test
    void loopWhoseTripCountDependsOnAModelValue() {
        JavaFileObject e = exported(
                "  @Export static Tensor f(Tensor x) {",
                "    Tensor y = x;",
                "    while (y.sum().item() > 1.0) {",
                "      y = y.mul(0.5);",
                "    }",
                "    return y;",
                "  }");
        Compilation compilation = compile(e);
        assertThat(compilation).failed();
        assertThat(compilation).hadErrorContaining("[Adjoint/ExportDataDependentLoop] the loop condition")
                .inFile(e).onLineContaining("while (y.sum().item() > 1.0)");
    }

    @Test
    void loopOverADoubleModelValue() {
        JavaFileObject e = exported(
                "  @Export static double f(double x) {",
                "    double y = x;",
                "    for (int i = 0; i < x; i++) {",
                "      y = y * 2;",
                "    }",
                "    return y;",
                "  }");
        Compilation compilation = compile(e);
        assertThat(compilation).hadErrorContaining("[Adjoint/ExportDataDependentLoop] the loop condition 'i < x' "
                + "depends on the input 'x'").inFile(e).onLineContaining("for (int i = 0; i < x; i++)");
    }

    @Test
    void itemOfAModelValue() {
        JavaFileObject e = exported(
                "  @Export static double f(Tensor x) {",
                "    double total = x.sum().item();",
                "    return total * 2;",
                "  }");
        Compilation compilation = compile(e);
        assertThat(compilation).hadErrorContaining("[Adjoint/ExportValueRead]").inFile(e)
                .onLineContaining("double total = x.sum().item();");
    }

    @Test
    void intComputedFromAModelValue() {
        JavaFileObject e = exported(
                "  @Export static Tensor f(Tensor x, double limit) {",
                "    int n = (int) limit;",
                "    return x.mul(n);",
                "  }");
        Compilation compilation = compile(e);
        assertThat(compilation).hadErrorContaining("[Adjoint/ExportValueRead] '(int) limit' reads the value of the "
                + "input 'limit'").inFile(e).onLineContaining("int n = (int) limit;");
    }

    @Test
    void branchWhoseArmsAreNotTensorExpressions() {
        JavaFileObject e = exported(
                "  @Export static Tensor f(Tensor x, double s) {",
                "    int steps = 1;",
                "    if (s > 0) {",
                "      steps = 2;",
                "    }",
                "    return x.mul(steps);",
                "  }");
        Compilation compilation = compile(e);
        assertThat(compilation).hadErrorContaining("[Adjoint/ExportDataDependentBranch] the branch on 's > 0' depends "
                + "on the input 's'").inFile(e).onLineContaining("if (s > 0)");
        assertThat(compilation).hadErrorContaining("Tensor.where(condition, a, b)");
    }

    @Test
    void branchOnACompoundCondition() {
        JavaFileObject e = exported(
                "  @Export static double f(double a, double b) {",
                "    double y = a;",
                "    if (a > 0 && b > 0) {",
                "      y = a * b;",
                "    }",
                "    return y;",
                "  }");
        Compilation compilation = compile(e);
        assertThat(compilation).hadErrorContaining("[Adjoint/ExportDataDependentBranch]").inFile(e)
                .onLineContaining("if (a > 0 && b > 0)");
    }

    @Test
    void tensorMethodWithoutAnIrEquivalent() {
        JavaFileObject e = exported(
                "  @Export static Tensor f(Tensor x) {",
                "    return x.cumsum(0);",
                "  }");
        Compilation compilation = compile(e);
        // cumsum is not a Tensor method at all: javac reports it, the processor must not crash.
        assertThat(compilation).failed();
    }

    @Test
    void callToAPlainHelper() {
        JavaFileObject e = exported(
                "  @Differentiable static double helper(double x) { return Math.cbrt(x); }",
                "  @Export static double f(double x) {",
                "    return helper(x);",
                "  }");
        Compilation compilation = compile(e);
        assertThat(compilation).hadErrorContaining("[Adjoint/ExportUnsupportedCall]").inFile(e)
                .onLineContaining("Math.cbrt(x)");
    }

    @Test
    void callToAnotherClassesMethodThatIsNotExported() {
        JavaFileObject layers = source("Layers", "package test;", "import dev.adjoint.Tensor;",
                "import dev.adjoint.annotation.Differentiable;", "class Layers {",
                "  @Differentiable static Tensor dense(Tensor x) { return x.tanh(); }", "}");
        JavaFileObject e = exported(
                "  @Export static Tensor f(Tensor x) {",
                "    return Layers.dense(x);",
                "  }");
        Compilation compilation = compile(layers, e);
        assertThat(compilation).hadErrorContaining("[Adjoint/ExportUnsupportedCall] the call Layers.dense(x) in "
                + "exported code has no IR mapping: only @Export methods of another class get an emitter: annotate "
                + "dense @Export too").inFile(e).onLineContaining("return Layers.dense(x);");
    }

    @Test
    void callToAnotherClassesExportedMethodComposes() {
        JavaFileObject layers = source("Layers", "package test;", "import dev.adjoint.Tensor;",
                "import dev.adjoint.annotation.Differentiable;", "import dev.adjoint.annotation.Export;",
                "class Layers {", "  @Export @Differentiable static Tensor dense(Tensor x) { return x.tanh(); }", "}");
        JavaFileObject e = exported(
                "  @Export Tensor f(Tensor x) {",
                "    return Layers.dense(x).mul(w.get());",
                "  }");
        assertThat(compile(layers, e)).succeededWithoutWarnings();
    }

    @Test
    void branchesAndStaticLoopsCompile() {
        JavaFileObject e = exported(
                "  @Export static Tensor f(Tensor x, double s, @NonDifferentiable int n) {",
                "    Tensor y = x;",
                "    for (int i = 0; i < n && i < x.dim(1); i++) {",
                "      y = s >= 0.5 ? y.mul(s) : y.add(s);",
                "    }",
                "    System.out.println(y);",
                "    return y;",
                "  }");
        assertThat(compile(e)).succeededWithoutWarnings();
    }

    @Test
    void layersOverAListOfVariablesUnroll() {
        JavaFileObject e = source("Deep", "package test;", "import dev.adjoint.Tensor;", "import dev.adjoint.Variable;",
                "import dev.adjoint.annotation.Differentiable;", "import dev.adjoint.annotation.Export;",
                "import java.util.List;", "class Deep {", "  final List<Variable> weights;",
                "  Deep(List<Variable> weights) { this.weights = weights; }",
                "  @Differentiable static Tensor layer(Tensor h, Tensor w) { return h.matmul(w).tanh(); }",
                "  @Export Tensor predict(Tensor x) {",
                "    Tensor h = x;",
                "    for (Variable w : weights) {",
                "      h = layer(h, w.value());",
                "    }",
                "    return h;",
                "  }", "}");
        assertThat(compile(e)).succeededWithoutWarnings();
    }

    @Test
    void exportModuleMissingFromTheClassPath() {
        JavaFileObject e = exported(
                "  @Export static Tensor f(Tensor x) {",
                "    return x.relu();",
                "  }");
        // The class path without the export module (and the engine and IR modules it brings).
        List<File> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("openvino")) {
                classPath.add(new File(entry));
            }
        }
        Compilation compilation = Compiler.javac().withProcessors(new AdjointProcessor())
                .withClasspath(classPath).compile(e);
        assertThat(compilation).hadErrorContaining("[Adjoint/ExportModuleMissing] E.f is @Export, but the IR "
                + "emitter's support (dev.adjoint.openvino.export.IrTensor) is not on the class path: add the dependency "
                + "dev.adjoint:adjoint-openvino-export").inFile(e).onLineContaining("@Export static Tensor f");
    }

    @Test
    void exportedMethodMustReturnAModelValue() {
        JavaFileObject e = exported(
                "  @Export static int f(Tensor x) {",
                "    return x.dim(0);",
                "  }");
        assertThat(compile(e)).hadErrorContaining("[Adjoint/ExportBadMethod] f cannot be exported: it returns int; an exported method returns Tensor, double or float")
                .inFile(e).onLineContaining("@Export static int f");
    }
}
