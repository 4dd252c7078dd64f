package dev.adjoint.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.Sources.compile;
import static dev.adjoint.processor.Sources.methods;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Every construct that would drop a gradient silently — a call, a field or array write, an array,
 * a container — is a compile error at the expression when it receives a value that depends on a
 * differentiated parameter or a {@code Variable}, and compiles when it does not (issue 6, item 3).
 */
class RefusalTest {

    private static final String TENSOR = "dev.adjoint.Tensor";

    @Test
    void plainHelperFedAVariableRead() {
        JavaFileObject m = methods(
                "  static final Variable w = new Variable(" + TENSOR + ".ones(2, 2), \"w\");",
                "  static " + TENSOR + " dense(" + TENSOR + " x, " + TENSOR + " w) { return x.matmul(w); }",
                "  @Differentiable static " + TENSOR + " g(@NonDifferentiable " + TENSOR + " x) {",
                "    return dense(x, w.value()).sum();",
                "  }");
        Compilation compilation = compile(m);
        assertThat(compilation).hadErrorContaining("[Adjoint/NotDifferentiableCall] call to M.dense(dev.adjoint.Tensor, "
                        + "dev.adjoint.Tensor) is not differentiable")
                .inFile(m).onLineContaining("return dense(x, w.value()).sum();");
    }

    @Test
    void plainHelperFedAValueComputedFromAVariable() {
        JavaFileObject m = methods(
                "  static final Variable w = new Variable(2.0, \"w\");",
                "  static double plain(double a) { return a * a; }",
                "  @Differentiable static double g(@NonDifferentiable double x) {",
                "    double y = x * w.get();",
                "    return plain(y);",
                "  }");
        Compilation compilation = compile(m);
        assertThat(compilation).hadErrorContaining("[Adjoint/NotDifferentiableCall] call to M.plain(double)")
                .inFile(m).onLineContaining("return plain(y);");
    }

    @Test
    void plainCallAsAStatementOrInACondition() {
        JavaFileObject m = methods(
                "  static java.util.List<" + TENSOR + "> cache = new java.util.ArrayList<>();",
                "  static boolean big(double a) { return a > 1; }",
                "  @Differentiable static " + TENSOR + " g(" + TENSOR + " x, double s) {",
                "    " + TENSOR + " y = x.mul(s);",
                "    cache.add(y);",
                "    if (big(s)) { y = y.mul(2.0); }",
                "    return y.sum();",
                "  }");
        Compilation compilation = compile(m);
        assertThat(compilation).hadErrorContaining("[Adjoint/NotDifferentiableCall] call to List.add(E)")
                .inFile(m).onLineContaining("cache.add(y);");
        assertThat(compilation).hadErrorContaining("[Adjoint/NotDifferentiableCall] call to M.big(double)")
                .inFile(m).onLineContaining("if (big(s))");
    }

    @Test
    void valuesLeavingTheTensorAreRefused() {
        JavaFileObject m = methods(
                "  @Differentiable static double g(" + TENSOR + " x) {",
                "    float[] values = x.toFloatArray();",
                "    return values[0] * 2.0;",
                "  }");
        Compilation compilation = compile(m);
        assertThat(compilation).hadErrorContaining("[Adjoint/NotDifferentiableCall] call to Tensor.toFloatArray()")
                .inFile(m).onLineContaining("x.toFloatArray()");
    }

    @Test
    void tensorCreatedFromADifferentiatedScalar() {
        JavaFileObject m = methods(
                "  @Differentiable static " + TENSOR + " g(double s) {",
                "    return " + TENSOR + ".of(s).mul(2.0);",
                "  }");
        Compilation compilation = compile(m);
        assertThat(compilation).hadErrorContaining("[Adjoint/NotDifferentiableCall] call to Tensor.of(double)")
                .inFile(m).onLineContaining(".of(s)");
    }

    @Test
    void mathFunctionWithoutDerivative() {
        JavaFileObject m = methods(
                "  @Differentiable static double g(double x) {",
                "    return Math.ulp(x) * x;",
                "  }");
        Compilation compilation = compile(m);
        assertThat(compilation).hadErrorContaining("[Adjoint/NotDifferentiableCall] call to Math.ulp(double)")
                .inFile(m).onLineContaining("Math.ulp(x)");
    }

    @Test
    void writesOfDifferentiatedValues() {
        JavaFileObject m = methods(
                "  double last;",
                "  double[] history = new double[4];",
                "  @Differentiable double g(double x) {",
                "    double y = x * x;",
                "    this.last = y;",
                "    history[counter] += y;",
                "    return y;",
                "  }");
        Compilation compilation = compile(m);
        assertThat(compilation).hadErrorContaining("[Adjoint/FieldAssignment] assignment to this.last")
                .inFile(m).onLineContaining("this.last = y;");
        assertThat(compilation).hadErrorContaining("[Adjoint/FieldAssignment] assignment to history[counter]")
                .inFile(m).onLineContaining("history[counter] += y;");
    }

    @Test
    void arrayOfDifferentiatedScalars() {
        JavaFileObject m = methods(
                "  @Differentiable static double g(double x) {",
                "    double[] pair = {x, 2 * x};",
                "    return pair[0] + pair[1];",
                "  }");
        Compilation compilation = compile(m);
        assertThat(compilation).hadErrorContaining("[Adjoint/UnsupportedExpression]")
                .inFile(m).onLineContaining("double[] pair");
    }

    @Test
    void constructorFedADifferentiatedValue() {
        JavaFileObject m = methods(
                "  record Box(double v) { }",
                "  @Differentiable static double g(double x) {",
                "    Box box = new Box(x);",
                "    return box.v();",
                "  }");
        Compilation compilation = compile(m);
        assertThat(compilation).hadErrorContaining("[Adjoint/NotDifferentiableCall] call to the constructor of Box")
                .inFile(m).onLineContaining("new Box(x)");
    }

    @Test
    void dataSideEffectsObserversAndComparisonsAreAllowed() {
        Compilation compilation = compile(methods(
                "  static double[] log = new double[8];",
                "  static final Variable w = new Variable(2.0, \"w\");",
                "  static double helper(double a) { return a + 1; }",
                "  @Differentiable static double g(double x, @NonDifferentiable double[] data) {",
                "    counter++;",
                "    log[counter % 8] = data[0];",
                "    double c = helper(data[1]);",
                "    System.out.println(\"x = \" + x + \", w = \" + w.get());",
                "    String shown = String.valueOf(x);",
                "    int sign = x > 0 ? 1 : -1;",
                "    long rounded = Math.round(x * 10);",
                "    if (Double.isNaN(x) || shown.isEmpty()) { return 0; }",
                "    return x * c * sign * w.get() + rounded;",
                "  }"));
        assertThat(compilation).succeededWithoutWarnings();
    }

    @Test
    void differentiatedValueStoredInABoxOrObject() {
        JavaFileObject m = methods(
                "  @Differentiable static double g(double x, " + TENSOR + " t) {",
                "    Double boxed = x * 2;",
                "    Object held = t;",
                "    return boxed + x;",
                "  }");
        Compilation compilation = compile(m);
        assertThat(compilation).hadErrorContaining("[Adjoint/UnsupportedExpression] storing the differentiated double "
                        + "'x * 2' as a java.lang.Double")
                .inFile(m).onLineContaining("Double boxed = x * 2;");
        assertThat(compilation).hadErrorContaining("storing the differentiated dev.adjoint.Tensor 't'")
                .inFile(m).onLineContaining("Object held = t;");
    }

    @Test
    void protectedFieldOfABaseClassInAnotherPackage() {
        JavaFileObject base = JavaFileObjects.forSourceLines("lib.Base", "package lib;",
                "public abstract class Base {",
                "  protected final dev.adjoint.Variable gain = new dev.adjoint.Variable(2.0, \"gain\");",
                "}");
        JavaFileObject layer = JavaFileObjects.forSourceLines("test.Layer", "package test;",
                "import dev.adjoint.annotation.Differentiable;",
                "final class Layer extends lib.Base {",
                "  @Differentiable double apply(double x) {",
                "    return gain.get() * x;",
                "  }",
                "}");
        Compilation compilation = compile(base, layer);
        assertThat(compilation).hadErrorContaining("[Adjoint/Inaccessible] field gain is protected in Base, another "
                        + "package, so the generated gradient class cannot use it")
                .inFile(layer).onLineContaining("return gain.get() * x;");
    }

    @Test
    void twoClassesWhoseGeneratedClassesWouldClash() {
        JavaFileObject outer = JavaFileObjects.forSourceLines("test.Outer", "package test;",
                "import dev.adjoint.annotation.Differentiable;",
                "class Outer {",
                "  static final class Inner { @Differentiable static double f(double x) { return x * x; } }",
                "}");
        JavaFileObject clash = JavaFileObjects.forSourceLines("test.Outer_Inner", "package test;",
                "import dev.adjoint.annotation.Differentiable;",
                "final class Outer_Inner { @Differentiable static double g(double x) { return x + 1; } }");
        Compilation compilation = compile(outer, clash);
        assertThat(compilation).hadErrorContaining("[Adjoint/BadMethod]");
        assertThat(compilation).hadErrorContaining("its generated class test.Outer_InnerGrad would also be");
    }
}
