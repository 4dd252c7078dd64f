package dev.adjoint.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.Sources.compile;
import static dev.adjoint.processor.Sources.methods;
import static dev.adjoint.processor.Sources.source;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Code the processor cannot differentiate is an error at the exact expression, with a fix. */
class CompileErrorTest {

    private static final JavaFileObject UTIL =
            source("Util", "package test;", "class Util {", "  static double f(double x) { return x; }", "}");

    @Test
    void callToPlainMethodWithDifferentiatedArgument() {
        JavaFileObject m = methods(
                "  @Differentiable static double g(double x) {",
                "    double y = 2 * x;",
                "    return Util.f(y) + 1;",
                "  }");
        Compilation compilation = compile(UTIL, m);
        assertThat(compilation).failed();
        assertThat(compilation)
                .hadErrorContaining("[Adjoint/NotDifferentiableCall] call to Util.f(double) is not differentiable: "
                        + "annotate it @Differentiable or supply its derivative")
                .inFile(m)
                .onLineContaining("return Util.f(y) + 1;");
    }

    @Test
    void callWithConstantArgumentsIsAllowed() {
        Compilation compilation = compile(UTIL,
                methods("  @Differentiable static double g(double x) { return x * Util.f(3.0); }"));
        assertThat(compilation).succeededWithoutWarnings();
    }

    @Test
    void fieldAssignment() {
        JavaFileObject m = methods(
                "  static double total;",
                "  @Differentiable static double g(double x) {",
                "    total = x;",
                "    return x;",
                "  }");
        Compilation compilation = compile(m);
        assertThat(compilation).hadErrorContaining("[Adjoint/FieldAssignment] assignment to total")
                .inFile(m).onLineContaining("total = x;");
    }

    @Test
    void incrementInsideExpression() {
        JavaFileObject m = methods(
                "  @Differentiable static double g(double x) {",
                "    int i = 0;",
                "    double y = x * i++;",
                "    return y;",
                "  }");
        Compilation compilation = compile(m);
        assertThat(compilation).hadErrorContaining("[Adjoint/SideEffectInExpression]")
                .inFile(m).onLineContaining("double y = x * i++;");
    }

    @Test
    void unsupportedStatementsAndLabels() {
        JavaFileObject m = methods(
                "  @Differentiable static double g(double x) {",
                "    switch (counter) { default: x = x * 2; }",
                "    outer:",
                "    for (int i = 0; i < 2; i++) { break outer; }",
                "    return x;",
                "  }");
        Compilation compilation = compile(m);
        assertThat(compilation).hadErrorContaining("[Adjoint/UnsupportedStatement] switch statements are not supported")
                .inFile(m).onLineContaining("switch (counter)");
        assertThat(compilation).hadErrorContaining("[Adjoint/LabeledJump]")
                .inFile(m).onLineContaining("outer:");
    }

    @Test
    void floatingRemainder() {
        JavaFileObject m = methods(
                "  @Differentiable static double g(double x) {",
                "    return x % 2.0;",
                "  }");
        Compilation compilation = compile(m);
        assertThat(compilation).hadErrorContaining("[Adjoint/FloatingRemainder]")
                .inFile(m).onLineContaining("return x % 2.0;");
    }

    @Test
    void activeValueIntoNonDifferentiableParameter() {
        JavaFileObject m = methods(
                "  @Differentiable static double h(double a, @NonDifferentiable double b) { return a * b; }",
                "  @Differentiable static double g(double x) {",
                "    return h(1.0, x);",
                "  }");
        Compilation compilation = compile(m);
        assertThat(compilation).hadErrorContaining("[Adjoint/NonDifferentiableArgument] argument 2 of h")
                .inFile(m).onLineContaining("return h(1.0, x);");
    }

    @Test
    void unknownWrtAndBadReturnType() {
        JavaFileObject m = methods(
                "  @Differentiable(wrt = \"z\") static double g(double x) { return x; }",
                "  @Differentiable static int h(double x) { return 1; }");
        Compilation compilation = compile(m);
        assertThat(compilation).hadErrorContaining("[Adjoint/UnknownParameter] @Differentiable(wrt) names 'z'")
                .inFile(m).onLineContaining("static double g(");
        assertThat(compilation).hadErrorContaining("[Adjoint/BadMethod] h cannot be differentiable: it returns int")
                .inFile(m).onLineContaining("static int h(");
    }

    @Test
    void privateFieldIsReported() {
        JavaFileObject m = methods(
                "  private static double scale = 2;",
                "  @Differentiable static double g(double x) { return x * scale; }");
        Compilation compilation = compile(m);
        assertThat(compilation).hadErrorContaining("[Adjoint/Inaccessible] field scale is private")
                .inFile(m).onLineContaining("return x * scale;");
    }

    @Test
    void warnsWhenResultIgnoresSelectedParameter() {
        JavaFileObject m = methods(
                "  @Differentiable static double g(double x, double y) {",
                "    if (y > 0) { return x; }",
                "    return 2 * x;",
                "  }");
        Compilation compilation = compile(m);
        assertThat(compilation).succeeded();
        assertThat(compilation).hadWarningContaining(
                        "[Adjoint/ResultIndependent] the result of g does not depend on parameter 'y'")
                .inFile(m).onLineContaining("static double g(");
    }

    @Test
    void differentiatedValuesInAnArrayAreReported() {
        JavaFileObject m = methods(
                "  @Differentiable static dev.adjoint.Tensor g(dev.adjoint.Tensor a, dev.adjoint.Tensor b) {",
                "    dev.adjoint.Tensor[] parts = new dev.adjoint.Tensor[] {a, b};",
                "    return dev.adjoint.Tensor.concat(0, parts).add(dev.adjoint.Tensor.concat(0, new dev.adjoint.Tensor[] {b}));",
                "  }");
        Compilation compilation = compile(m);
        assertThat(compilation).hadErrorContaining("[Adjoint/UnsupportedExpression]")
                .inFile(m).onLineContaining("parts = new");
        assertThat(compilation).hadErrorContaining("arrays are data; pass the values one by one")
                .inFile(m).onLineContaining("return dev.adjoint.Tensor.concat(0, parts)");
    }

    /** The fused inference ops (a layer's product, bias and activation in one step) have no derivative rules. */
    @Test
    void fusedInferenceOpsAreNotDifferentiable() {
        assertRefusedCall("matmulBias", "return dev.adjoint.Tensor.matmulBias(",
                "  @Differentiable static dev.adjoint.Tensor g(dev.adjoint.Tensor x, dev.adjoint.Tensor w,"
                        + " dev.adjoint.Tensor b) {",
                "    return dev.adjoint.Tensor.matmulBias(x, false, w, true, b, 0, Double.POSITIVE_INFINITY);",
                "  }");
        assertRefusedCall("conv2dBias", "return x.conv2dBias(",
                "  @Differentiable static dev.adjoint.Tensor g(dev.adjoint.Tensor x, dev.adjoint.Tensor w,"
                        + " dev.adjoint.Tensor b) {",
                "    return x.conv2dBias(w, b, dev.adjoint.op.Conv2dSpec.of(1, 0), 0, 6);",
                "  }");
        assertRefusedCall("conv2dBlock", "return x.conv2dBlock(",
                "  @Differentiable static dev.adjoint.Tensor g(dev.adjoint.Tensor x, dev.adjoint.Tensor w,"
                        + " dev.adjoint.Tensor b) {",
                "    return x.conv2dBlock(java.util.List.of(dev.adjoint.Conv2dLayer.linear(w, b,"
                        + " dev.adjoint.op.Conv2dSpec.of(1, 0))), null);",
                "  }");
    }

    /** The method in {@code lines} does not compile, with the error at its call to {@code Tensor.<method>}. */
    private static void assertRefusedCall(String method, String line, String... lines) {
        JavaFileObject m = methods(lines);
        Compilation compilation = compile(m);
        assertThat(compilation).failed();
        assertThat(compilation)
                .hadErrorContaining("[Adjoint/NotDifferentiableCall] call to Tensor." + method + "(")
                .inFile(m)
                .onLineContaining(line);
    }

    @Test
    void spreadVarargsBindARuleTakingThemPacked() {
        Compilation compilation = compile(methods(
                "  @Differentiable static dev.adjoint.Tensor g(dev.adjoint.Tensor a, dev.adjoint.Tensor b) {",
                "    return dev.adjoint.Tensor.concat(0, a, b).permute(0).get(1);",
                "  }"));
        assertThat(compilation).succeededWithoutWarnings();
        assertThat(compilation).generatedSourceFile("test.MGrad").contentsAsUtf8String()
                .contains("TensorRules.concat(0, new Tensor[] {a, b}, ");
        assertThat(compilation).generatedSourceFile("test.MGrad").contentsAsUtf8String()
                .contains("TensorRules.permute(t0, new int[] {0}, ");
    }

    @Test
    void missingRuleForArgument() {
        JavaFileObject m = methods(
                "  static double scaled(double x, double k) { return x * k; }",
                "  @Derivative(of = \"scaled\", argument = 0)",
                "  static double scaledX(double x, double k, double dy) { return dy * k; }",
                "  @Differentiable static double g(double x) {",
                "    return scaled(2.0, x);",
                "  }");
        Compilation compilation = compile(m);
        assertThat(compilation).hadErrorContaining("[Adjoint/NoDerivativeForArgument] scaled has no derivative rule "
                        + "for argument 1")
                .inFile(m).onLineContaining("return scaled(2.0, x);");
    }

    @Test
    void oneClearErrorWithoutTrees() {
        // A processing environment that javac's Trees does not recognise, as Gradle's incremental wrapper is.
        Compilation compilation = Compiler.javac()
                .withProcessors(new WrappingProcessor(new AdjointProcessor()))
                .compile(methods("  @Differentiable static double g(double x) { return x; }"));
        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation).hadErrorContaining("[Adjoint/TreesUnavailable]");
    }
}
