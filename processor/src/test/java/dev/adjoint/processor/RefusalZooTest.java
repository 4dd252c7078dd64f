package dev.adjoint.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.Sources.compile;
import static dev.adjoint.processor.Sources.source;

import com.google.testing.compile.Compilation;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The refusal zoo (issue 6, item 12): constructs a differentiable method must not compile, each
 * with the exact tag and the line it is reported on. It adds to {@link RefusalTest} and
 * {@link CompileErrorTest}, which hold the first case of each kind.
 */
class RefusalZooTest {

    private static final List<String> HEADER = List.of(
            "package test;",
            "import dev.adjoint.core.Shape;",
            "import dev.adjoint.Tensor;",
            "import dev.adjoint.Variable;",
            "import dev.adjoint.annotation.Derivative;",
            "import dev.adjoint.annotation.Differentiable;",
            "import java.util.List;",
            "import java.util.Map;",
            "import java.util.function.DoubleUnaryOperator;",
            "class Z {",
            "  static double total;",
            "  static final Variable w = new Variable(2.0, \"w\");",
            "  static final class Box { double v; }",
            "  static final class Layer { final Variable k = new Variable(1.0, \"k\"); }",
            "  static double plain(double a) { return a * a; }",
            "  static double penalty(Variable v) { return v.get() * v.get(); }",
            "  static double norm(Layer layer) { return Math.abs(layer.k.get()); }",
            "  static double sumAll(Tensor t) { return t.sum().item(); }",
            "  double scale(double a) { return 3 * a; }",
            "  static double scaledTanh(double x, double k) { return Math.tanh(k * x); }",
            "  @Derivative(of = \"scaledTanh\")",
            "  static double scaledTanhRule(double x, double k, double dy) {",
            "    double t = Math.tanh(k * x);",
            "    return dy * k * (1 - t * t);",
            "  }");

    /** A method body that must be refused with {@code message} on the line containing {@code line}. */
    private record Refused(String name, String message, String line, List<String> body) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Refused refused(String name, String message, String line, String... body) {
        return new Refused(name, message, line, List.of(body));
    }

    static Stream<Refused> cases() {
        return Stream.of(
                // Plain helpers receiving a differentiated value, a Variable or an object holding Variables.
                refused("instance helper through this", "[Adjoint/NotDifferentiableCall] call to Z.scale(double)",
                        "this.scale(y)",
                        "  @Differentiable double f(double x) {",
                        "    double y = x * x;",
                        "    return this.scale(y) + y;",
                        "  }"),
                refused("helper of a Tensor", "[Adjoint/NotDifferentiableCall] call to Z.sumAll(dev.adjoint.Tensor)",
                        "sumAll(x.exp())",
                        "  @Differentiable static double f(Tensor x) {",
                        "    return sumAll(x.exp()) * 2;",
                        "  }"),
                refused("the Variable itself passed to a plain helper",
                        "[Adjoint/NotDifferentiableCall] call to Z.penalty(", "penalty(w)",
                        "  @Differentiable static double f(double x) {",
                        "    return w.get() * x + penalty(w);",
                        "  }"),
                refused("a layer passed to a plain helper",
                        "[Adjoint/NotDifferentiableCall] call to Z.norm(", "norm(layer)",
                        "  final Layer layer = new Layer();",
                        "  @Differentiable double f(double x) {",
                        "    return layer.k.get() * x + norm(layer);",
                        "  }"),
                // Differentiated values stored where their gradient is lost.
                refused("field of another object", "[Adjoint/FieldAssignment] assignment to box.v", "box.v = y;",
                        "  @Differentiable static double f(double x, Box box) {",
                        "    double y = x * 3;",
                        "    box.v = y;",
                        "    return y;",
                        "  }"),
                refused("static field through its class", "[Adjoint/FieldAssignment] assignment to Z.total",
                        "Z.total += x;",
                        "  @Differentiable static double f(double x) {",
                        "    Z.total += x;",
                        "    return x;",
                        "  }"),
                refused("element of a local array", "[Adjoint/FieldAssignment] assignment to out[0]", "out[0] = y;",
                        "  @Differentiable static double f(double x) {",
                        "    double[] out = new double[1];",
                        "    double y = Math.exp(x);",
                        "    out[0] = y;",
                        "    return y + out[0];",
                        "  }"),
                refused("Map.put", "[Adjoint/NotDifferentiableCall] call to Map.put(K, V)", "cache.put(",
                        "  @Differentiable static double f(double x, Map<String, Double> cache) {",
                        "    double y = x * x;",
                        "    cache.put(\"y\", y);",
                        "    return y;",
                        "  }"),
                refused("List.set", "[Adjoint/NotDifferentiableCall] call to List.set(int, E)", "parts.set(0, x);",
                        "  @Differentiable static Tensor f(Tensor x, List<Tensor> parts) {",
                        "    parts.set(0, x);",
                        "    return x.sum();",
                        "  }"),
                refused("boxed into a Double", "[Adjoint/UnsupportedExpression]", "Double boxed = x * x;",
                        "  @Differentiable static double f(double x) {",
                        "    Double boxed = x * x;",
                        "    double y = boxed;",
                        "    return y + x;",
                        "  }"),
                refused("held as an Object", "[Adjoint/UnsupportedExpression]", "Object held = x * x;",
                        "  @Differentiable static double f(double x) {",
                        "    Object held = x * x;",
                        "    return (Double) held + x;",
                        "  }"),
                // Arrays and tensors built from differentiated values.
                refused("array passed as an argument",
                        "[Adjoint/NotDifferentiableCall] call to Tensor.of(double[], dev.adjoint.core.Shape)", "new double[] {y}",
                        "  @Differentiable static Tensor f(double x) {",
                        "    double y = x * 2;",
                        "    return Tensor.of(new double[] {y}, Shape.of(1)).sum();",
                        "  }"),
                refused("two-dimensional array", "[Adjoint/UnsupportedExpression]", "double[][] grid",
                        "  @Differentiable static double f(double x) {",
                        "    double[][] grid = {{x, 1}, {2, x}};",
                        "    return grid[0][0] * grid[1][1];",
                        "  }"),
                refused("Variable created from a differentiated value",
                        "[Adjoint/NotDifferentiableCall] call to the constructor of Variable", "new Variable(x * 2",
                        "  @Differentiable static double f(double x) {",
                        "    Variable v = new Variable(x * 2, \"v\");",
                        "    return v.get() + x;",
                        "  }"),
                refused("Variable.assign of a differentiated value",
                        "[Adjoint/NotDifferentiableCall] call to Variable.assign(double)", "w.assign(",
                        "  @Differentiable static double f(double x) {",
                        "    w.assign(x * w.get());",
                        "    return w.get() + x;",
                        "  }"),
                // Values read out of a tensor, functions without a derivative.
                refused("toDoubleArray", "[Adjoint/NotDifferentiableCall] call to Tensor.toDoubleArray()",
                        "x.toDoubleArray()",
                        "  @Differentiable static double f(Tensor x) {",
                        "    return x.toDoubleArray()[0] * 2;",
                        "  }"),
                refused("Math.nextUp", "[Adjoint/NotDifferentiableCall] call to Math.nextUp(double)", "Math.nextUp(x)",
                        "  @Differentiable static double f(double x) {",
                        "    return Math.nextUp(x) * x;",
                        "  }"),
                refused("Math.copySign", "[Adjoint/NotDifferentiableCall] call to Math.copySign(double, double)",
                        "Math.copySign(",
                        "  @Differentiable static double f(double x, double y) {",
                        "    return Math.copySign(x, y) + y;",
                        "  }"),
                refused("a single user rule, a differentiated second argument",
                        "[Adjoint/NoDerivativeForArgument] scaledTanh has no derivative rule for argument 1",
                        "scaledTanh(x, k)",
                        "  @Differentiable static double f(double x, double k) {",
                        "    return scaledTanh(x, k) * k;",
                        "  }"),
                refused("indexAdd with differentiated indices",
                        "[Adjoint/NoDerivativeForArgument] indexAdd has no derivative rule for argument 1", "x.indexAdd(",
                        "  @Differentiable static Tensor f(Tensor x, Tensor u, Tensor indices) {",
                        "    return x.indexAdd(indices, u, 0).sum();",
                        "  }"),
                // What the generated class cannot name.
                refused("a local of a private type", "[Adjoint/Inaccessible] type Secret (of 's') is private",
                        "@Differentiable static double f(double x)",
                        "  private record Secret(double k) { }",
                        "  static final Secret SECRET = new Secret(2);",
                        "  @Differentiable static double f(double x) {",
                        "    Secret s = SECRET;",
                        "    return x * 2;",
                        "  }"),
                refused("a differentiated parameter named values",
                        "[Adjoint/BadMethod] f cannot be differentiable: its differentiated parameter 'values'",
                        "static Tensor f(Tensor values)",
                        "  @Differentiable static Tensor f(Tensor values) {",
                        "    return values.sum();",
                        "  }"),
                // Statements and expressions that are not supported.
                refused("lambda", "[Adjoint/UnsupportedExpression]", "DoubleUnaryOperator f = t -> t * x;",
                        "  @Differentiable static double g(double x) {",
                        "    DoubleUnaryOperator f = t -> t * x;",
                        "    return f.applyAsDouble(x);",
                        "  }"),
                refused("method reference", "[Adjoint/UnsupportedExpression]", "Math::exp",
                        "  @Differentiable static double g(double x) {",
                        "    DoubleUnaryOperator f = Math::exp;",
                        "    return f.applyAsDouble(x) * x;",
                        "  }"),
                refused("switch expression", "[Adjoint/UnsupportedExpression]", "double y = switch (k)",
                        "  @Differentiable static double g(double x, int k) {",
                        "    double y = switch (k) { case 0 -> x; default -> 2 * x; };",
                        "    return y;",
                        "  }"),
                refused("try", "[Adjoint/UnsupportedStatement] try statements are not supported", "try {",
                        "  @Differentiable static double g(double x) {",
                        "    double y = x;",
                        "    try {",
                        "      y = Math.log(x);",
                        "    } catch (ArithmeticException e) {",
                        "      y = 0;",
                        "    }",
                        "    return y;",
                        "  }"),
                refused("synchronized", "[Adjoint/UnsupportedStatement] synchronized statements are not supported",
                        "synchronized (Z.class)",
                        "  @Differentiable static double g(double x) {",
                        "    double y = x;",
                        "    synchronized (Z.class) {",
                        "      y = y * x;",
                        "    }",
                        "    return y;",
                        "  }"),
                refused("labelled continue", "[Adjoint/LabeledJump]", "rows:",
                        "  @Differentiable static double g(double x) {",
                        "    double s = 0;",
                        "    rows:",
                        "    for (int i = 0; i < 3; i++) {",
                        "      for (int j = 0; j < 3; j++) {",
                        "        if (j > i) { continue rows; }",
                        "        s += x * j;",
                        "      }",
                        "    }",
                        "    return s;",
                        "  }"),
                refused("assignment inside an expression",
                        "[Adjoint/SideEffectInExpression] an assignment or increment inside an expression",
                        "double z = (y = x * 2) + 1;",
                        "  @Differentiable static double g(double x) {",
                        "    double y;",
                        "    double z = (y = x * 2) + 1;",
                        "    return y * z;",
                        "  }"),
                refused("compound assignment inside an expression",
                        "[Adjoint/SideEffectInExpression] an assignment or increment inside an expression",
                        "x * (y += x)",
                        "  @Differentiable static double g(double x) {",
                        "    double y = 1;",
                        "    double z = x * (y += x);",
                        "    return y * z;",
                        "  }"),
                refused("assignment in a loop condition",
                        "[Adjoint/SideEffectInExpression] an assignment or increment inside an expression",
                        "while ((y = y * x) < 10)",
                        "  @Differentiable static double g(double x) {",
                        "    double y = x;",
                        "    while ((y = y * x) < 10) {",
                        "      y = y + 1;",
                        "    }",
                        "    return y;",
                        "  }"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedAtTheExpression(Refused c) {
        List<String> lines = new ArrayList<>(HEADER);
        lines.addAll(c.body());
        lines.add("}");
        JavaFileObject file = source("Z", lines.toArray(String[]::new));
        Compilation compilation = compile(file);
        try {
            assertThat(compilation).hadErrorContaining(c.message()).inFile(file).onLineContaining(c.line());
        } catch (AssertionError e) {
            // Surefire's report shows the index of a case; the message names it.
            throw new AssertionError(c.name() + ": " + e.getMessage(), e);
        }
    }
}
