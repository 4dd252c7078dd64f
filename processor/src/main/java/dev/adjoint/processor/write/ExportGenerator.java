package dev.adjoint.processor.write;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.sun.source.tree.Tree;
import dev.adjoint.annotation.Export;
import dev.adjoint.processor.Diagnostics;
import dev.adjoint.processor.Messages;
import dev.adjoint.processor.lower.Environment;
import dev.adjoint.processor.model.Atom;
import dev.adjoint.processor.model.JType;
import dev.adjoint.processor.model.LoweredMethod;
import dev.adjoint.processor.model.Prim;
import dev.adjoint.processor.model.Stmt;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.annotation.processing.Filer;
import javax.annotation.processing.Generated;
import javax.annotation.processing.Messager;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Elements;
import javax.tools.Diagnostic;

/**
 * The IR emitter generator: for a class with {@code @Export} methods, writes {@code <Class>Ir}, whose methods
 * mirror the lowered bodies with {@code Tensor} (and each {@code double} that depends on a model input) replaced by
 * the symbolic {@code IrTensor}. Plain {@code int}/{@code boolean} code and loops run as Java at export time (loops
 * unroll); each {@code Variable} read becomes a Constant of its current value; each call to a
 * {@code @Differentiable} method calls that method's emitter. What needs a value known only when the model runs (a
 * branch or loop condition on it, {@code item()}) is a compile error at the expression.
 *
 * <p>Each exported method gets an entry point that builds the whole model ({@code predict(model, InputSpec x)},
 * returning an {@code ExportedModel}) and an emitter ({@code predict(graph, model, IrTensor x)}) that exported
 * callers compose with; the {@code @Differentiable} methods of the class that an exported one calls get emitters.
 */
public final class ExportGenerator implements Generator {

    static final String EXPORT_PACKAGE = "dev.adjoint.openvino.export";
    static final ClassName IR_TENSOR = ClassName.get(EXPORT_PACKAGE, "IrTensor");
    static final ClassName IR_GRAPH = ClassName.get(EXPORT_PACKAGE, "IrGraph");
    static final ClassName INPUT_SPEC = ClassName.get(EXPORT_PACKAGE, "InputSpec");
    static final ClassName EXPORTED_MODEL = ClassName.get(EXPORT_PACKAGE, "ExportedModel");
    private static final ClassName GENERATED = ClassName.get(Generated.class);

    /** {@code Math} functions of a {@code double} and the {@code IrTensor} method computing each. */
    private static final Map<String, String> MATH = Map.ofEntries(Map.entry("exp", "exp"), Map.entry("log", "log"),
            Map.entry("log1p", "log1p"), Map.entry("sqrt", "sqrt"), Map.entry("sin", "sin"), Map.entry("cos", "cos"),
            Map.entry("tanh", "tanh"), Map.entry("abs", "abs"), Map.entry("signum", "sign"), Map.entry("max", "maximum"),
            Map.entry("min", "minimum"), Map.entry("pow", "pow"));

    /** What may be asked of a symbolic tensor at export time: its static shape. */
    private static final String SHAPE_QUERIES = "(dim|rank|shape|size|dtype)\\(";

    private final Environment env;
    private final Messager messager;
    private final Elements elements;
    private final Map<String, String> written = new LinkedHashMap<>();

    public ExportGenerator(Environment env, Messager messager) {
        this.env = env;
        this.messager = messager;
        this.elements = env.elements();
    }

    /** The generated emitter class of {@code type}: {@code CIr} beside {@code C}, as {@code CGrad}. */
    static ClassName irClassOf(ClassName gradClass) {
        return ClassName.get(gradClass.packageName(), gradClass.simpleName().replaceFirst("Grad$", "Ir"));
    }

    static boolean isExported(ExecutableElement method) {
        return method.getAnnotation(Export.class) != null;
    }

    @Override
    public void generate(LoweredClass lowered, Filer filer) {
        List<LoweredClass.Method> exported = lowered.methods().stream().filter(m -> isExported(m.element())).toList();
        if (exported.isEmpty()) {
            return;
        }
        TypeElement irTensor = elements.getTypeElement(IR_TENSOR.canonicalName());
        if (irTensor == null) {
            for (LoweredClass.Method method : exported) {
                method.diagnostics().error(method.element(), Messages.EXPORT_MODULE_MISSING,
                        lowered.owner().getSimpleName() + "." + method.element().getSimpleName());
            }
            return;
        }
        Set<String> tensorMethods = new HashSet<>();
        for (Element member : irTensor.getEnclosedElements()) {
            if (member.getKind() == ElementKind.METHOD && member.getModifiers().contains(Modifier.PUBLIC)) {
                tensorMethods.add(member.getSimpleName().toString());
            }
        }
        ClassName gradClass = env.gradClassOf(lowered.owner());
        ClassName name = irClassOf(gradClass);
        String owner = lowered.owner().getQualifiedName().toString();
        if (written.putIfAbsent(name.canonicalName(), owner) != null) {
            return;
        }
        // The class's methods the exported ones reach through calls, in declaration order.
        Map<String, LoweredClass.Method> byName = new LinkedHashMap<>();
        lowered.methods().forEach(m -> byName.put(m.element().getSimpleName().toString(), m));
        Set<String> reached = new HashSet<>();
        List<String> work = new ArrayList<>();
        exported.forEach(m -> work.add(m.element().getSimpleName().toString()));
        while (!work.isEmpty()) {
            String next = work.removeLast();
            if (reached.add(next) && byName.containsKey(next)) {
                for (Prim.CallForward call : calls(byName.get(next).lowered().body())) {
                    if (call.callee().gradClass().equals(gradClass)) {
                        work.add(calleeName(call));
                    }
                }
            }
        }
        List<MethodSpec> methods = new ArrayList<>();
        boolean failed = false;
        for (LoweredClass.Method method : lowered.methods()) {
            if (!reached.contains(method.element().getSimpleName().toString())) {
                continue;
            }
            MethodEmitter emitter = new MethodEmitter(lowered.owner(), gradClass, method, tensorMethods, byName);
            MethodSpec spec = emitter.emitter();
            failed |= method.diagnostics().hasErrors();
            if (isExported(method.element())) {
                methods.add(emitter.entry());
            }
            methods.add(spec);
        }
        if (failed) {
            return;
        }
        TypeSpec type = TypeSpec.classBuilder(name)
                .addJavadoc("IR emitters of the {@code @Export} methods of {@link $T}.\n\n", ClassName.get(lowered.owner()))
                .addJavadoc("<p>Generated by the Adjoint processor from the method bodies: each method mirrors its "
                        + "source with\n{@code Tensor} replaced by the symbolic {@code IrTensor}; {@code int} and "
                        + "{@code boolean} code and\nloops run now, at export time; {@code Variable}s become "
                        + "constants holding their current\nvalues. Do not edit; change {@link $T} instead.\n",
                        ClassName.get(lowered.owner()))
                .addAnnotation(com.palantir.javapoet.AnnotationSpec.builder(GENERATED)
                        .addMember("value", "$S", "dev.adjoint.processor.AdjointProcessor").build())
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
                .addMethods(methods)
                .build();
        JavaFile file = JavaFile.builder(name.packageName(), type).skipJavaLangImports(true).indent("    ").build();
        try {
            file.writeTo(filer);
        } catch (IOException e) {
            messager.printMessage(Diagnostic.Kind.ERROR, "could not write " + name + ": " + e.getMessage(),
                    lowered.owner());
        }
    }

    /** The method a call's generated forward runs: {@code fForward} or {@code fBodyForward} is {@code f}. */
    static String calleeName(Prim.CallForward call) {
        return call.callee().forwardMethod().replaceFirst("(Body)?Forward$", "");
    }

    private static List<Prim.CallForward> calls(List<Stmt> body) {
        List<Prim.CallForward> out = new ArrayList<>();
        for (Stmt stmt : body) {
            switch (stmt) {
                case Stmt.Assign assign -> {
                    if (assign.value() instanceof Prim.CallForward call) {
                        out.add(call);
                    }
                }
                case Stmt.If branch -> {
                    out.addAll(calls(branch.then()));
                    out.addAll(calls(branch.otherwise()));
                }
                case Stmt.Loop loop -> out.addAll(calls(loop.body()));
                case Stmt.Effect effect -> { }
            }
        }
        return out;
    }

    /** Whether values of {@code type} are model values when they depend on an input: Tensor, double, float. */
    static boolean carriesValues(JType type) {
        return type != null && type.isDifferentiable();
    }

    /** Emits one method: its entry point (if exported) and its emitter. */
    private final class MethodEmitter {
        private final TypeElement owner;
        private final ClassName gradClass;
        private final LoweredClass.Method method;
        private final LoweredMethod lowered;
        private final Diagnostics diagnostics;
        private final Set<String> tensorMethods;
        private final Map<String, LoweredClass.Method> siblings;
        /** The locals and parameters holding model values: IrTensor in the emitter. */
        private final Set<String> symbolic = new HashSet<>();
        private final String graph;

        MethodEmitter(TypeElement owner, ClassName gradClass, LoweredClass.Method method, Set<String> tensorMethods,
                Map<String, LoweredClass.Method> siblings) {
            this.owner = owner;
            this.gradClass = gradClass;
            this.method = method;
            this.lowered = method.lowered();
            this.diagnostics = method.diagnostics();
            this.tensorMethods = tensorMethods;
            this.siblings = siblings;
            String name = "graph";
            for (int i = 2; lowered.typeOf(name) != null || name.equals(lowered.self()); i++) {
                name = "graph" + i;
            }
            this.graph = name;
            analyse();
        }

        private String methodName() {
            return lowered.name();
        }

        /** The symbolic values: Tensor/double/float parameters, and what is computed from them or from Variables. */
        private void analyse() {
            lowered.parameters().forEach((name, type) -> {
                if (carriesValues(type)) {
                    symbolic.add(name);
                }
            });
            boolean changed = true;
            while (changed) {
                changed = false;
                for (Stmt.Assign assign : assigns(lowered.body())) {
                    if (!symbolic.contains(assign.target()) && producesSymbolic(assign)) {
                        symbolic.add(assign.target());
                        changed = true;
                    }
                }
            }
        }

        private boolean producesSymbolic(Stmt.Assign assign) {
            return switch (assign.value()) {
                case Prim.VariableRead read -> true;
                case Prim.CallForward call -> true;
                case Prim.CallValue value -> true;
                case Prim.Passive passive -> carriesValues(assign.type()) && readsSymbolic(passive.reads());
                default -> carriesValues(assign.type()) && readsSymbolic(readsOf(assign.value()));
            };
        }

        private Set<String> readsOf(Prim prim) {
            Set<String> reads = new HashSet<>();
            prim.operands().forEach(atom -> reads.addAll(atom.reads()));
            return reads;
        }

        private boolean readsSymbolic(Set<String> reads) {
            return reads.stream().anyMatch(symbolic::contains);
        }

        private List<Stmt.Assign> assigns(List<Stmt> body) {
            List<Stmt.Assign> out = new ArrayList<>();
            for (Stmt stmt : body) {
                switch (stmt) {
                    case Stmt.Assign assign -> out.add(assign);
                    case Stmt.If branch -> {
                        out.addAll(assigns(branch.then()));
                        out.addAll(assigns(branch.otherwise()));
                    }
                    case Stmt.Loop loop -> out.addAll(assigns(loop.body()));
                    case Stmt.Effect effect -> { }
                }
            }
            return out;
        }

        private boolean isSymbolic(Atom atom) {
            return atom.isVariable() && symbolic.contains(atom.variable());
        }

        /**
         * The symbolic locals whose values (not only their static shapes) {@code code} reads: a double that depends
         * on an input is a value; a tensor may be asked its shape.
         */
        private List<String> valueReads(String code, Set<String> reads) {
            List<String> out = new ArrayList<>();
            for (String name : reads) {
                if (!symbolic.contains(name)) {
                    continue;
                }
                JType type = lowered.typeOf(name);
                String rest = type != null && type.isTensor()
                        ? code.replaceAll("\\b" + Pattern.quote(name) + "\\." + SHAPE_QUERIES, "") : code;
                if (Pattern.compile("\\b" + Pattern.quote(name) + "\\b").matcher(rest).find()) {
                    out.add(name);
                }
            }
            return out;
        }

        private Set<String> namesIn(String code) {
            Set<String> out = new HashSet<>();
            Matcher m = Pattern.compile("\\b[A-Za-z_$][A-Za-z0-9_$]*\\b").matcher(code);
            while (m.find()) {
                out.add(m.group());
            }
            return out;
        }

        private Tree site(Tree tree) {
            return tree != null ? tree : method.tree();
        }

        private String describe(List<String> names) {
            List<String> out = new ArrayList<>();
            for (String name : names) {
                out.add((lowered.parameters().containsKey(name) ? "the input '" : "'") + name + "'");
            }
            return String.join(" and ", out);
        }

        // ---- the entry point: builds the whole model ----

        MethodSpec entry() {
            ExecutableElement element = method.element();
            String name = methodName();
            MethodSpec.Builder b = MethodSpec.methodBuilder(name).addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                    .returns(EXPORTED_MODEL);
            b.addJavadoc("Builds the IR of {@link $T#$L} with the current values of the {@code Variable}s it reads "
                    + "as constants.\n", ClassName.get(owner), javadocSignature(element));
            List<CodeBlock> args = new ArrayList<>();
            args.add(CodeBlock.of("$N", graph));
            if (lowered.self() != null) {
                b.addParameter(ClassName.get(owner), lowered.self());
                args.add(CodeBlock.of("$N", lowered.self()));
            }
            for (VariableElement parameter : element.getParameters()) {
                String p = parameter.getSimpleName().toString();
                JType type = lowered.parameters().get(p);
                if (type.isTensor()) {
                    b.addParameter(INPUT_SPEC, p);
                    b.addJavadoc("@param $N the dtype and shape of the IR Parameter {@code $L} ({@code -1}: dynamic)\n",
                            p, p);
                    args.add(CodeBlock.of("$N.parameter($S, $N)", graph, p, p));
                } else if (type.isFloating()) {
                    args.add(CodeBlock.of("$N.scalarParameter($S)", graph, p));
                } else {
                    b.addParameter(type.typeName(), p);
                    b.addJavadoc("@param $N an export-time constant\n", p);
                    args.add(CodeBlock.of("$N", p));
                }
            }
            b.addStatement("$T $N = new $T($S)", IR_GRAPH, graph, IR_GRAPH, owner.getSimpleName() + "." + name);
            b.addStatement("return $N.result($S, $N($L))", graph, name, name, CodeBlock.join(args, ", "));
            return b.build();
        }

        // ---- the emitter: the body over IrTensor ----

        MethodSpec emitter() {
            ExecutableElement element = method.element();
            MethodSpec.Builder b = MethodSpec.methodBuilder(methodName()).addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                    .returns(IR_TENSOR);
            b.addJavadoc("Emits {@link $T#$L} into {@code $L}: what the emitters of exported callers call.\n",
                    ClassName.get(owner), javadocSignature(element), graph);
            b.addParameter(IR_GRAPH, graph);
            if (lowered.self() != null) {
                b.addParameter(ClassName.get(owner), lowered.self());
            }
            lowered.parameters().forEach((name, type) -> b.addParameter(
                    ParameterSpec.builder(symbolic.contains(name) ? IR_TENSOR : type.typeName(), name).build()));
            lowered.locals().forEach((name, type) -> {
                if (symbolic.contains(name)) {
                    b.addStatement("$T $N = null", IR_TENSOR, name);
                } else {
                    b.addStatement("$T $N = $L", type.typeName(), name, type.zero());
                }
            });
            CodeBlock.Builder body = CodeBlock.builder();
            statements(lowered.body(), body);
            b.addCode(body.build());
            String result = lowered.result();
            b.addStatement("return $L", symbolic.contains(result) ? CodeBlock.of("$N", result)
                    : wrap(CodeBlock.of("$N", result), lowered.resultType()));
            return b.build();
        }

        private void statements(List<Stmt> body, CodeBlock.Builder out) {
            for (Stmt stmt : body) {
                switch (stmt) {
                    case Stmt.Assign assign -> out.addStatement("$N = $L", assign.target(), value(assign));
                    case Stmt.Effect effect -> {
                        List<String> reads = valueReads(effect.code().toString(),
                                namesIn(effect.code().toString()));
                        if (reads.isEmpty()) {
                            out.add(effect.code());
                        } else {
                            // Printing or checking a model value has no IR equivalent: it is left out of the graph.
                            out.add("// Not exported (reads a model value): $L\n",
                                    effect.code().toString().strip().replace("\n", " "));
                        }
                    }
                    case Stmt.If branch -> {
                        List<String> reads = valueReads(branch.condition().toString(), branch.reads());
                        if (!reads.isEmpty()) {
                            if (!select(branch, out)) {
                                diagnostics.error(site(branch.site()), Messages.EXPORT_DATA_DEPENDENT_BRANCH,
                                        conditionText(branch.condition()), describe(reads));
                            }
                            continue;
                        }
                        out.beginControlFlow("if ($L)", branch.condition());
                        statements(branch.then(), out);
                        if (!branch.otherwise().isEmpty()) {
                            out.nextControlFlow("else");
                            statements(branch.otherwise(), out);
                        }
                        out.endControlFlow();
                    }
                    case Stmt.Loop loop -> {
                        String condition = loop.condition().toString();
                        List<String> reads = valueReads(condition, namesIn(condition));
                        if (!reads.isEmpty()) {
                            diagnostics.error(site(loop.site()), Messages.EXPORT_DATA_DEPENDENT_LOOP,
                                    conditionText(loop.condition()), describe(reads));
                            continue;
                        }
                        if (loop.doWhile()) {
                            out.beginControlFlow("do");
                            statements(loop.body(), out);
                            out.endControlFlow("while ($L)", loop.condition());
                        } else {
                            out.beginControlFlow("while ($L)", loop.condition());
                            statements(loop.body(), out);
                            out.endControlFlow();
                        }
                    }
                }
            }
        }

        /**
         * A branch on a model value whose arms only assign model values becomes OpenVINO's Select: both arms run
         * (into the same locals, restored in between), then each local they assign takes the chosen arm's value
         * per element. The condition must compare two operands, each a model {@code double}, {@code t.item()} of a
         * model tensor, or a value known at export time.
         */
        private boolean select(Stmt.If branch, CodeBlock.Builder out) {
            Matcher m = Pattern.compile("^\\s*(.+?)\\s*(<=|>=|==|!=|<|>)\\s*(.+?)\\s*$")
                    .matcher(branch.condition().toString());
            if (!m.matches() || m.group(1).contains("&&") || m.group(1).contains("||") || m.group(3).contains("&&")
                    || m.group(3).contains("||")) {
                return false;
            }
            CodeBlock left = conditionOperand(m.group(1));
            CodeBlock right = conditionOperand(m.group(3));
            if (left == null || right == null) {
                return false;
            }
            String op = m.group(2);
            boolean leftSymbolic = !valueReads(m.group(1), namesIn(m.group(1))).isEmpty();
            if (!leftSymbolic) {
                // 0 < s is s > 0: the receiver must be the model value.
                CodeBlock swap = left;
                left = right;
                right = swap;
                op = switch (op) {
                    case "<" -> ">";
                    case ">" -> "<";
                    case "<=" -> ">=";
                    case ">=" -> "<=";
                    default -> op;
                };
            }
            String method = switch (op) {
                case "<" -> "lt";
                case "<=" -> "le";
                case ">" -> "gt";
                case ">=" -> "ge";
                case "==" -> "eq";
                default -> "ne";
            };
            List<String> targets = new ArrayList<>();
            for (List<Stmt> arm : List.of(branch.then(), branch.otherwise())) {
                for (Stmt stmt : arm) {
                    if (!(stmt instanceof Stmt.Assign assign) || !symbolic.contains(assign.target())) {
                        return false;
                    }
                    if (!targets.contains(assign.target())) {
                        targets.add(assign.target());
                    }
                }
            }
            out.add("// Select on: $L\n", conditionText(branch.condition()));
            out.add("{\n").indent();
            out.addStatement("$T condition = $L.$N($L)", IR_TENSOR, left, method, right);
            for (String target : targets) {
                out.addStatement("$T $N = $N", IR_TENSOR, target + "Before", target);
            }
            statements(branch.then(), out);
            for (String target : targets) {
                out.addStatement("$T $N = $N", IR_TENSOR, target + "Then", target);
                out.addStatement("$N = $N", target, target + "Before");
            }
            statements(branch.otherwise(), out);
            for (String target : targets) {
                out.addStatement("$N = $T.select(condition, $N, $N)", target, IR_TENSOR, target + "Then", target);
            }
            out.unindent().add("}\n");
            return true;
        }

        /** An operand of a Select's comparison: a model value as IrTensor, or a Java value; null if neither. */
        private CodeBlock conditionOperand(String text) {
            String trimmed = text.strip();
            if (valueReads(trimmed, namesIn(trimmed)).isEmpty()) {
                return CodeBlock.of("$L", trimmed);
            }
            Matcher item = Pattern.compile("^([A-Za-z_$][A-Za-z0-9_$]*)(\\.item\\(\\))?$").matcher(trimmed);
            if (item.matches() && symbolic.contains(item.group(1))) {
                JType type = lowered.typeOf(item.group(1));
                boolean isItem = item.group(2) != null;
                if (type != null && (isItem ? type.isTensor() : type.isFloating())) {
                    return CodeBlock.of("$N", item.group(1));
                }
            }
            return null;
        }

        private String conditionText(CodeBlock condition) {
            return condition.toString().replace("\n", " ");
        }

        /** {@code code}, a value computed now, as a graph Constant: a Tensor, or a double as f32. */
        private CodeBlock wrap(CodeBlock code, JType type) {
            return CodeBlock.of(type.isTensor() ? "$N.constant($L)" : "$N.scalar($L)", graph, code);
        }

        /** An operand where an IrTensor is expected: itself if symbolic, else wrapped. */
        private CodeBlock symbolicOperand(Atom atom) {
            return isSymbolic(atom) ? atom.code() : wrap(atom.code(), atom.type());
        }

        /** An argument of an IrTensor method: a non-symbolic Tensor becomes a Constant, Java scalars stay. */
        private CodeBlock argument(Atom atom) {
            return !isSymbolic(atom) && atom.type().isTensor() ? wrap(atom.code(), atom.type()) : atom.code();
        }

        private CodeBlock value(Stmt.Assign assign) {
            Prim prim = assign.value();
            boolean target = symbolic.contains(assign.target());
            if (!target) {
                if (prim instanceof Prim.Passive passive) {
                    List<String> reads = valueReads(passive.code().toString(), passive.reads());
                    if (!reads.isEmpty()) {
                        diagnostics.error(site(passive.site()), Messages.EXPORT_VALUE_READ, passive.text(),
                                describe(reads));
                    }
                }
                return prim.forward();
            }
            return switch (prim) {
                case Prim.VariableRead read -> CodeBlock.of("$N.variable($L)", graph, read.variable().code());
                case Prim.CallForward call -> callEmitter(call);
                case Prim.CallValue value -> value.pullback().code();
                case Prim.Copy copy -> symbolicOperand(copy.a());
                case Prim.Cast cast -> symbolicOperand(cast.a());
                case Prim.Negate negate -> CodeBlock.of("$L.neg()", symbolicOperand(negate.a()));
                case Prim.Arithmetic arithmetic -> {
                    String op = switch (arithmetic.op()) {
                        case '+' -> "add";
                        case '-' -> "sub";
                        case '*' -> "mul";
                        default -> "div";
                    };
                    Atom a = arithmetic.a();
                    Atom b = arithmetic.b();
                    yield isSymbolic(a) || !isSymbolic(b)
                            ? CodeBlock.of("$L.$L($L)", symbolicOperand(a), op, b.code())
                            : CodeBlock.of("$L.$L($L)", wrap(a.code(), a.type()), op, b.code());
                }
                case Prim.RuleCall call -> ruleCall(call, assign.type());
                case Prim.Passive passive -> passive(passive, assign.type());
            };
        }

        /** A value computed without gradient rules (a comparison, argmax, ...): the same code over IrTensor. */
        private CodeBlock passive(Prim.Passive passive, JType type) {
            String code = passive.code().toString();
            if (!readsSymbolic(passive.reads())) {
                return wrap(passive.code(), type);
            }
            Matcher calls = Pattern.compile("\\b([A-Za-z_$][A-Za-z0-9_$.]*)\\.([A-Za-z_$][A-Za-z0-9_$]*)\\(")
                    .matcher(code);
            while (calls.find()) {
                String receiver = calls.group(1);
                String name = calls.group(2);
                boolean onSymbolic = symbolic.contains(receiver);
                if (onSymbolic && !tensorMethods.contains(name)) {
                    diagnostics.error(site(passive.site()), Messages.EXPORT_UNSUPPORTED_CALL, "'" + passive.text() + "'",
                            "IrTensor has no method " + name + "; use the Tensor methods it mirrors");
                    return passive.code();
                }
                if (!onSymbolic && receiver.endsWith("Tensor") && !tensorMethods.contains(name)) {
                    diagnostics.error(site(passive.site()), Messages.EXPORT_UNSUPPORTED_CALL, "'" + passive.text() + "'",
                            "IrTensor has no static method " + name);
                    return passive.code();
                }
            }
            return CodeBlock.of("$L", code.replaceAll("\\bdev\\.adjoint\\.Tensor\\.", IR_TENSOR.canonicalName() + "."));
        }

        private CodeBlock ruleCall(Prim.RuleCall call, JType type) {
            List<Atom> args = call.args();
            String callee = call.callee().toString();
            Tree site = call.argTrees().isEmpty() ? method.tree() : call.argTrees().getFirst();
            if (call.instance() && args.getFirst().type().isTensor()) {
                String name = call.calleeText();
                // An elementwise facade (x.exp()) carries its op constant as argument 1, for the rules only.
                boolean facade = args.size() > 1 && !args.get(1).isVariable()
                        && args.get(1).type().name().startsWith("dev.adjoint.op.");
                List<Atom> rest = args.subList(facade ? 2 : 1, args.size());
                if (name.equals("item") || !tensorMethods.contains(name)) {
                    if (name.equals("item")) {
                        diagnostics.error(site, Messages.EXPORT_VALUE_READ, call.text(),
                                describe(valueReads(call.text(), args.getFirst().reads())));
                    } else {
                        diagnostics.error(site, Messages.EXPORT_UNSUPPORTED_CALL, "'" + call.text() + "'",
                                "IrTensor has no method " + name);
                    }
                    return call.forward();
                }
                List<CodeBlock> codes = new ArrayList<>();
                rest.forEach(atom -> codes.add(argument(atom)));
                return CodeBlock.of("$L.$N($L)", symbolicOperand(args.getFirst()), name, CodeBlock.join(codes, ", "));
            }
            if (!call.instance() && callee.startsWith("dev.adjoint.Tensor.")) {
                String name = callee.substring("dev.adjoint.Tensor.".length());
                if (!tensorMethods.contains(name)) {
                    diagnostics.error(site, Messages.EXPORT_UNSUPPORTED_CALL, "'" + call.text() + "'",
                            "IrTensor has no static method " + name);
                    return call.forward();
                }
                List<CodeBlock> codes = new ArrayList<>();
                args.forEach(atom -> codes.add(argument(atom)));
                return CodeBlock.of("$T.$N($L)", IR_TENSOR, name, CodeBlock.join(codes, ", "));
            }
            if (!call.instance() && (callee.startsWith("java.lang.Math.") || callee.startsWith("java.lang.StrictMath."))
                    && type.isFloating()) {
                String name = MATH.get(callee.substring(callee.lastIndexOf('.') + 1));
                if (name != null && !args.isEmpty()) {
                    Atom a = args.getFirst();
                    if (args.size() == 1) {
                        return CodeBlock.of("$L.$N()", symbolicOperand(a), name);
                    }
                    Atom b = args.get(1);
                    return isSymbolic(a) || !isSymbolic(b)
                            ? CodeBlock.of("$L.$N($L)", symbolicOperand(a), name, b.code())
                            : CodeBlock.of("$L.$N($L)", wrap(a.code(), a.type()), name, b.code());
                }
            }
            diagnostics.error(site, Messages.EXPORT_UNSUPPORTED_CALL, "'" + call.text() + "'",
                    "write it with Tensor (or Math) operations in a @Differentiable method, whose emitter is generated");
            return call.forward();
        }

        /** A call to a {@code @Differentiable} method: its emitter, in this class's {@code Ir} or its own. */
        private CodeBlock callEmitter(Prim.CallForward call) {
            String name = calleeName(call);
            ClassName target = irClassOf(call.callee().gradClass());
            if (!call.callee().gradClass().equals(gradClass)) {
                // Another class's emitter exists only for its own exported methods and what they reach.
                TypeElement other = elements.getTypeElement(classOf(call.callee().gradClass()));
                boolean exported = false;
                if (other != null) {
                    for (Element member : other.getEnclosedElements()) {
                        exported |= member.getKind() == ElementKind.METHOD && member.getSimpleName().contentEquals(name)
                                && isExported((ExecutableElement) member);
                    }
                }
                if (!exported) {
                    Tree site = call.argTrees().isEmpty() ? method.tree() : call.argTrees().getFirst();
                    String shown = call.text().startsWith(name + "(")
                            ? call.callee().gradClass().simpleName().replaceFirst("Grad$", "") + "." + call.text()
                            : call.text();
                    diagnostics.error(site, Messages.EXPORT_UNSUPPORTED_CALL, "the call " + shown,
                            "only @Export methods of another class get an emitter: annotate " + name + " @Export too");
                }
            } else if (!siblings.containsKey(name)) {
                diagnostics.error(method.tree(), Messages.EXPORT_UNSUPPORTED_CALL, "the call " + call.text(),
                        "its method is not lowered in this class");
            }
            List<CodeBlock> codes = new ArrayList<>();
            codes.add(CodeBlock.of("$N", graph));
            if (call.receiver() != null) {
                codes.add(call.receiver().code());
            }
            List<JType> parameterTypes = call.callee().parameterTypes();
            for (int i = 0; i < call.args().size(); i++) {
                Atom arg = call.args().get(i);
                JType parameter = i < parameterTypes.size() ? parameterTypes.get(i) : arg.type();
                codes.add(carriesValues(parameter) ? symbolicOperand(arg) : arg.code());
            }
            return CodeBlock.of("$T.$N($L)", target, name, CodeBlock.join(codes, ", "));
        }
    }

    /** The user class a {@code CGrad} (or {@code Outer_InnerGrad}) belongs to, as a canonical name. */
    private static String classOf(ClassName gradClass) {
        String simple = gradClass.simpleName().replaceFirst("Grad$", "").replace('_', '.');
        return gradClass.packageName().isEmpty() ? simple : gradClass.packageName() + "." + simple;
    }

    /** {@code predict(dev.adjoint.Tensor)}, as javadoc links a method. */
    static String javadocSignature(ExecutableElement element) {
        List<String> types = new ArrayList<>();
        for (VariableElement parameter : element.getParameters()) {
            types.add(parameter.asType().toString().replaceAll("<.*>", ""));
        }
        return element.getSimpleName() + "(" + String.join(", ", types) + ")";
    }

    static TypeName typeName(JType type) {
        return type.typeName();
    }
}
