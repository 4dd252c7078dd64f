package dev.adjoint.processor.lower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TaskEvent;
import com.sun.source.util.TaskListener;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.adjoint.processor.Diagnostics;
import dev.adjoint.processor.model.JType;
import dev.adjoint.processor.model.Names;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * {@link TypeResolver} on its own, against javac itself: a processor runs before javac attributes
 * method bodies, so the resolver works out each expression's type from declarations alone; this
 * test records what it says for every local initializer and returned expression of a class, lets
 * javac finish, and compares with the type javac attributed to the same tree.
 */
class TypeResolverTest {

    private static final JavaFileObject SOURCE = JavaFileObjects.forSourceLines("test.Shapes",
            "package test;",
            "import static java.lang.Math.max;",
            "import dev.adjoint.Tensor;",
            "import dev.adjoint.Variable;",
            "import dev.adjoint.core.Shape;",
            "import java.util.List;",
            "import java.util.Map;",
            "class Shapes {",
            "  static final double SCALE = 2.5;",
            "  int count;",
            "  List<Variable> layers;",
            "  Map<String, Tensor> named;",
            "  record Pair(Tensor left, double weight) { }",
            "  static class Box<T> { T item; T get() { return item; } }",
            "  static float half(float x) { return x / 2; }",
            "  static <T> T first(List<T> items) { return items.get(0); }",
            "  double arithmetic(int i, long n, float f, double d, char c, short s, byte b) {",
            "    int a = i * 3;",
            "    long l = n + i;",
            "    float g = f * i;",
            "    double e = f + d;",
            "    int ch = c + 1;",
            "    int sb = s + b;",
            "    double cond = i > 0 ? i : d;",
            "    int neg = -b;",
            "    long shifted = n << 2;",
            "    boolean test = i < n && f > 0;",
            "    String text = \"x\" + i;",
            "    double widened = (double) f;",
            "    int narrowed = (int) d;",
            "    return SCALE * a;",
            "  }",
            "  double calls(double x, float y, int k, double[] values, int[][] grid) {",
            "    double m1 = Math.max(x, k);",
            "    float m2 = Math.max(y, y);",
            "    int m3 = max(k, k);",
            "    long m4 = Math.round(x);",
            "    int m5 = Math.round(y);",
            "    float h = half(y);",
            "    double element = values[k];",
            "    int[] row = grid[0];",
            "    int length = values.length;",
            "    double abs = Math.abs(x);",
            "    return Math.exp(abs) + Math.PI;",
            "  }",
            "  Tensor tensors(Tensor x, Variable w, Pair pair, Box<Tensor> box, List<Tensor> list) {",
            "    Tensor y = x.mul(2).add(w.value()).relu();",
            "    Tensor s = y.sum();",
            "    double item = s.item();",
            "    Shape shape = x.shape();",
            "    int rows = x.shape().dim(0);",
            "    Tensor left = pair.left();",
            "    double weight = pair.weight();",
            "    Tensor boxed = box.get();",
            "    Tensor field = box.item;",
            "    Tensor head = list.get(0);",
            "    Tensor generic = first(list);",
            "    Variable layer = layers.get(count);",
            "    Tensor read = layers.get(0).value();",
            "    Tensor looked = named.get(\"w\");",
            "    Tensor product = Tensor.matmul(x, false, y, true);",
            "    return y.mul(item).add(looked);",
            "  }",
            "}");

    @Test
    void agreesWithJavacOnEveryExpression() {
        Recorder recorder = new Recorder();
        Compilation compilation = Compiler.javac().withProcessors(recorder).compile(SOURCE);
        assertEquals(Compilation.Status.SUCCESS, compilation.status(), compilation.diagnostics().toString());
        assertTrue(recorder.resolved.size() == 41, "expressions checked: " + recorder.resolved.size());
        List<String> wrong = new ArrayList<>();
        recorder.resolved.forEach((tree, resolved) -> {
            JType attributed = recorder.attributed.get(tree);
            if (!attributed.equals(resolved)) {
                wrong.add(tree + ": resolver says " + resolved + ", javac " + attributed);
            }
        });
        assertEquals(List.of(), wrong);
    }

    /**
     * Resolves while annotation processing runs (before attribution), then reads javac's types
     * once analysis has finished.
     */
    private static final class Recorder extends AbstractProcessor {
        private static final Set<String> BODIES = Set.of("arithmetic", "calls", "tensors");
        final Map<ExpressionTree, JType> resolved = new IdentityHashMap<>();
        final Map<ExpressionTree, JType> attributed = new IdentityHashMap<>();
        private Trees trees;
        private CompilationUnitTree unit;

        @Override
        public Set<String> getSupportedAnnotationTypes() {
            return Set.of("*");
        }

        @Override
        public SourceVersion getSupportedSourceVersion() {
            return SourceVersion.latestSupported();
        }

        @Override
        public synchronized void init(ProcessingEnvironment processingEnv) {
            super.init(processingEnv);
            trees = Trees.instance(processingEnv);
            JavacTask.instance(processingEnv).addTaskListener(new TaskListener() {
                @Override
                public void finished(TaskEvent event) {
                    if (event.getKind() == TaskEvent.Kind.ANALYZE && event.getCompilationUnit() == unit) {
                        for (ExpressionTree tree : resolved.keySet()) {
                            attributed.put(tree, Environment.typeOf(processingEnv.getTypeUtils(),
                                    trees.getTypeMirror(TreePath.getPath(unit, tree))));
                        }
                    }
                }
            });
        }

        @Override
        public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
            TypeElement owner = processingEnv.getElementUtils().getTypeElement("test.Shapes");
            if (owner == null || round.processingOver()) {
                return false;
            }
            unit = trees.getPath(owner).getCompilationUnit();
            Environment env = new Environment(trees, processingEnv.getElementUtils(), processingEnv.getTypeUtils(),
                    new DerivativeRegistry(processingEnv.getElementUtils(),
                            mirror -> Environment.typeOf(processingEnv.getTypeUtils(), mirror)),
                    method -> true);
            for (Element member : owner.getEnclosedElements()) {
                if (member.getKind() == ElementKind.METHOD && BODIES.contains(member.getSimpleName().toString())) {
                    resolveBody(env, owner, (ExecutableElement) member);
                }
            }
            return false;
        }

        private void resolveBody(Environment env, TypeElement owner, ExecutableElement method) {
            MethodTree tree = trees.getTree(method);
            boolean isStatic = method.getModifiers().contains(Modifier.STATIC);
            Locals locals = new Locals(new Names(Set.of()), isStatic ? null : "self",
                    isStatic ? null : new JType(owner.getQualifiedName().toString()));
            for (VariableElement parameter : method.getParameters()) {
                locals.parameter(parameter.getSimpleName().toString(), env.typeOf(parameter.asType()));
            }
            Diagnostics diagnostics = new Diagnostics(trees, processingEnv.getMessager(), unit);
            TypeResolver resolver = new TypeResolver(env, owner, new Source(unit, trees.getSourcePositions()), locals,
                    diagnostics);
            for (StatementTree statement : tree.getBody().getStatements()) {
                if (statement instanceof VariableTree local) {
                    resolved.put(local.getInitializer(), resolver.typeOf(local.getInitializer()));
                    locals.declare(local.getName().toString(), resolver.typeOfTypeTree(local.getType()));
                } else if (statement instanceof ReturnTree returned) {
                    resolved.put(returned.getExpression(), resolver.typeOf(returned.getExpression()));
                }
            }
        }
    }
}
