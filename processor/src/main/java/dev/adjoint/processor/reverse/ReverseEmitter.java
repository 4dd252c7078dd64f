package dev.adjoint.processor.reverse;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import dev.adjoint.processor.model.Atom;
import dev.adjoint.processor.model.JType;
import dev.adjoint.processor.model.LoweredMethod;
import dev.adjoint.processor.model.Names;
import dev.adjoint.processor.model.Prim;
import dev.adjoint.processor.model.Rules;
import dev.adjoint.processor.model.Stmt;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.lang.model.element.Modifier;

/**
 * The reverse-mode transform, google/tangent style: from a normalised body, the forward pass and
 * the adjoint statements in reverse order. The adjoint of {@code x} is {@code bx}; each adjoint
 * block carries a {@code // Grad of: <statement>} comment.
 *
 * <p>The code lives in a pullback class whose fields are the method's locals: {@code forward()}
 * runs the user's code once and leaves in the fields what the reverse pass reads, and
 * {@code backward} runs the adjoint statements over them. Nothing is recorded but what the reverse
 * pass cannot find in a field: a value that is overwritten (saved in a field outside loops, on the
 * {@code AdjointStack} inside them), a branch choice whose condition the branch changes, and a
 * loop's trip count. The reverse pass never runs user code again: a nested differentiable call
 * keeps the callee's pullback, and every value a rule reads was read into a local by the forward
 * pass. Long bodies are split into helper methods, which fields make possible.
 */
public final class ReverseEmitter {

    private static final ClassName STACK = ClassName.get("dev.adjoint.grad", "AdjointStack");
    private static final ClassName ADJOINTS = ClassName.get("dev.adjoint.grad", "Adjoints");
    private static final ClassName TENSOR = ClassName.get("dev.adjoint", "Tensor");
    private static final Pattern COMMENT = Pattern.compile("//[^\n]*");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
    private static final ClassName TENSOR_SCOPE = ClassName.get("dev.adjoint", "TensorScope");
    private static final ClassName TENSOR_RULES = ClassName.get("dev.adjoint.rules", "TensorRules");
    private static final ClassName VARIABLE_GRADIENTS = ClassName.get("dev.adjoint.grad", "VariableGradients");

    /** The most lines one generated method body holds before the rest moves to helper methods. */
    static final int CHUNK_LINES = 200;

    /**
     * Forward code and reverse code of one statement or block; {@code terminates} when the forward
     * code ends in a {@code throw}, after which nothing may be appended.
     */
    private record Sweep(CodeBlock forward, CodeBlock reverse, boolean terminates) {

        Sweep(CodeBlock forward, CodeBlock reverse) {
            this(forward, reverse, false);
        }
    }

    private final LoweredMethod method;
    private final Names names;
    private final Set<String> active;
    private final Map<String, Integer> assignmentSites = new HashMap<>();
    private final Set<String> assignedInLoop = new HashSet<>();
    private final Set<String> neededInReverse = new HashSet<>();
    private final Map<String, String> adjoints = new LinkedHashMap<>();
    private final Map<String, JType> extraFields = new LinkedHashMap<>();
    private final List<MethodSpec> helpers = new ArrayList<>();
    private final String dy;
    private final String variables;
    private final String stack;
    private final String value;
    /** The name of the scope a statement's rule calls run in (one per statement, so one name serves all). */
    private final String ruleScope;
    private boolean inRuleScope;
    private boolean keptInRuleScope;
    private boolean usesStack;
    private boolean popsGeneric;
    private CodeBlock forwardBody;
    private CodeBlock backwardBody;

    public ReverseEmitter(LoweredMethod method, Set<String> active) {
        this.method = method;
        this.names = method.names();
        this.active = active;
        this.dy = names.fresh("dy");
        this.variables = names.fresh("variables");
        this.stack = names.fresh("stack");
        this.value = names.fresh("value");
        this.ruleScope = names.fresh("step");
        for (String parameter : method.parameters().keySet()) {
            assignmentSites.put(parameter, 1);
        }
        analyse(method.body(), 0);
        List<String> declared = new ArrayList<>(method.parameters().keySet());
        declared.addAll(method.locals().keySet());
        for (String local : declared) {
            if (active.contains(local)) {
                adjoints.put(local, names.adjoint(local));
            }
        }
        emit();
    }

    /** The name of the output-seed parameter of {@code backward}. */
    public String dyName() {
        return dy;
    }

    /** The name of the {@code VariableGradients} parameter of {@code backward}. */
    public String variablesName() {
        return variables;
    }

    /** The field holding the function's value; the reverse pass may restore {@code result} itself. */
    public String valueName() {
        return value;
    }

    /**
     * Every field of the pullback besides the parameters: the method's locals, what the transform
     * saves, the adjoints, and the stack if one is used.
     */
    public Map<String, JType> fields() {
        Map<String, JType> fields = new LinkedHashMap<>(method.locals());
        fields.putAll(extraFields);
        for (Map.Entry<String, String> adjoint : adjoints.entrySet()) {
            fields.put(adjoint.getValue(), method.typeOf(adjoint.getKey()));
        }
        fields.put(value, method.resultType());
        return fields;
    }

    /** Whether the pullback needs an {@code AdjointStack} field named {@link #stackName()}. */
    public boolean usesStack() {
        return usesStack;
    }

    public String stackName() {
        return stack;
    }

    /** Whether the reverse pass casts a generic value popped from the stack (an unchecked cast). */
    public boolean popsGeneric() {
        return popsGeneric;
    }

    /** The body of {@code forward()}: the user's code, once. */
    public CodeBlock forwardBody() {
        return forwardBody;
    }

    /** The body of {@code backward(dy, variables)} up to its return: the adjoint statements. */
    public CodeBlock backwardBody() {
        return backwardBody;
    }

    /** The helper methods long bodies were split into. */
    public List<MethodSpec> helpers() {
        return helpers;
    }

    /** The expression holding the gradient of {@code parameter} after the reverse pass. */
    public CodeBlock gradientOf(String parameter) {
        String adjoint = adjoints.get(parameter);
        if (method.parameters().get(parameter).isTensor()) {
            return adjoint != null
                    ? CodeBlock.of("$T.orZeros($N, $N)", ADJOINTS, adjoint, parameter)
                    : CodeBlock.of("$T.zerosLike($N)", TENSOR, parameter);
        }
        return adjoint != null ? CodeBlock.of("$N", adjoint) : CodeBlock.of("$L", method.parameters().get(parameter).zero());
    }

    private void analyse(List<Stmt> statements, int depth) {
        for (Stmt statement : statements) {
            switch (statement) {
                case Stmt.Assign assign -> {
                    assignmentSites.merge(assign.target(), 1, Integer::sum);
                    if (depth > 0) {
                        assignedInLoop.add(assign.target());
                    }
                    if (active.contains(assign.target()) && Activity.isActive(assign.value(), active)) {
                        neededInReverse.addAll(assign.value().readsInReverse());
                        if (takesOutput(assign.value())) {
                            neededInReverse.add(assign.target());
                        }
                    }
                }
                case Stmt.If branch -> {
                    if (recomputable(branch)) {
                        neededInReverse.addAll(branch.reads());
                    }
                    analyse(branch.then(), depth);
                    analyse(branch.otherwise(), depth);
                }
                case Stmt.Loop loop -> analyse(loop.body(), depth + 1);
                case Stmt.Effect effect -> { }
            }
        }
    }

    /** A branch the reverse pass can decide again: its condition is stable and the branch leaves what it reads alone. */
    private static boolean recomputable(Stmt.If branch) {
        if (!branch.stable()) {
            return false;
        }
        Set<String> assigned = Activity.assigned(branch.then());
        assigned.addAll(Activity.assigned(branch.otherwise()));
        return Collections.disjoint(assigned, branch.reads());
    }

    private static boolean takesOutput(Prim prim) {
        if (prim instanceof Prim.RuleCall call) {
            return call.rules().rules().stream().anyMatch(rule -> call.bind(rule)
                    .map(Prim.Binding::form).orElse(null) == Rules.Form.ARGUMENTS_AND_OUTPUT);
        }
        return false;
    }

    private boolean reassigned(String local) {
        return assignmentSites.getOrDefault(local, 0) > 1 || assignedInLoop.contains(local);
    }

    private void emit() {
        Sweep body = block(method.body(), 0);
        forwardBody = body.forward().toBuilder().addStatement("$N = $N", value, method.result()).build();
        CodeBlock.Builder backward = CodeBlock.builder();
        String resultAdjoint = adjoints.get(method.result());
        if (resultAdjoint != null) {
            if (method.typeOf(method.result()).isTensor()) {
                backward.addStatement("$N = $T.own($N)", resultAdjoint, ADJOINTS, dy);
            } else {
                backward.addStatement("$N = $N", resultAdjoint, dy);
            }
        }
        backwardBody = backward.add(body.reverse()).build();
    }

    private Sweep block(List<Stmt> statements, int depth) {
        List<CodeBlock> forward = new ArrayList<>();
        List<CodeBlock> reverse = new ArrayList<>();
        for (Stmt statement : statements) {
            Sweep sweep = switch (statement) {
                case Stmt.Assign assign -> assign(assign, depth);
                case Stmt.Effect effect -> new Sweep(CodeBlock.builder().addStatement("$L", effect.code()).build(),
                        CodeBlock.of(""));
                case Stmt.If branch -> branch(branch, depth);
                case Stmt.Loop loop -> loop(loop, depth);
            };
            forward.add(sweep.forward());
            if (!sweep.reverse().isEmpty()) {
                reverse.add(sweep.reverse());
            }
        }
        Collections.reverse(reverse);
        if (statements == method.body()) {
            releaseTemporaries(forward, reverse);
        }
        boolean terminates = !statements.isEmpty() && statements.getLast() instanceof Stmt.Effect effect
                && effect.terminates();
        return new Sweep(chunk(forward, "forwardPart", false), chunk(reverse, "backwardPart", true), terminates);
    }

    /**
     * Releases each tensor temporary of the body right after the unit (a top-level statement's
     * forward or reverse code) that reads it last: in the forward pass when the reverse pass does not
     * read it, else in the reverse pass. Only temporaries whose lifetime the processor sees whole
     * qualify (see {@link #releasable}); the others are released when the call's scope closes.
     */
    private void releaseTemporaries(List<CodeBlock> forward, List<CodeBlock> reverse) {
        // Each unit's names counted once: a long body has thousands of units and locals.
        List<Map<String, Integer>> forwardNames = forward.stream().map(ReverseEmitter::names).toList();
        // Reverse units with their "// Grad of:" comments, which place a release no earlier than the
        // statement the comment names; without them, to check that nothing there reads a value.
        List<Map<String, Integer>> reverseNames = reverse.stream().map(ReverseEmitter::names).toList();
        Map<String, Integer> reverseCode = names(COMMENT.matcher(CodeBlock.join(reverse, "").toString()).replaceAll(""));
        for (String local : releasable(forwardNames)) {
            boolean readInReverse = neededInReverse.contains(local);
            if (!readInReverse && reverseCode.containsKey(local)) {
                continue;
            }
            List<Map<String, Integer>> names = readInReverse ? reverseNames : forwardNames;
            int last = -1;
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).containsKey(local)) {
                    last = i;
                }
            }
            if (last < 0 && readInReverse) {
                continue;
            }
            // Not read after its definition at all: released right after it.
            int at = Math.max(last, 0);
            List<CodeBlock> units = readInReverse ? reverse : forward;
            units.set(at, units.get(at).toBuilder()
                    .addStatement("$N = $T.release($N)", local, ADJOINTS, local).build());
        }
    }

    /** How often each Java identifier occurs in {@code code} (a name in a string or after a dot counts too). */
    private static Map<String, Integer> names(Object code) {
        Map<String, Integer> names = new HashMap<>();
        Matcher identifier = IDENTIFIER.matcher(code.toString());
        while (identifier.find()) {
            names.merge(identifier.group(), 1, Integer::sum);
        }
        return names;
    }

    /**
     * The tensor locals this pullback alone holds, and the code it generates reads in full view: a
     * local assigned once, by a top-level statement, with the result of a {@code Tensor} method
     * (always a tensor of its own), and read only as an argument of such methods. Anything else a
     * user may keep a reference to (a value passed to a nested differentiable call, stored by a
     * side effect, copied to another local, returned) is left to the scope.
     */
    private Set<String> releasable(List<Map<String, Integer>> forwardNames) {
        Map<String, Integer> safeReads = new HashMap<>();
        countSafeReads(method.body(), safeReads);
        Set<String> releasable = new LinkedHashSet<>();
        for (Stmt statement : method.body()) {
            if (statement instanceof Stmt.Assign assign && method.typeOf(assign.target()).isTensor()
                    && assignmentSites.getOrDefault(assign.target(), 0) == 1 && !assignedInLoop.contains(assign.target())
                    && !method.parameters().containsKey(assign.target()) && !assign.target().equals(method.result())
                    && builtIn(assign.value())) {
                String local = assign.target();
                int mentions = 0;
                for (Map<String, Integer> unit : forwardNames) {
                    mentions += unit.getOrDefault(local, 0);
                }
                // Its definition, plus its reads as arguments of Tensor methods, and nothing else.
                if (mentions == 1 + safeReads.getOrDefault(local, 0)) {
                    releasable.add(local);
                }
            }
        }
        return releasable;
    }

    private static void countSafeReads(List<Stmt> statements, Map<String, Integer> safeReads) {
        for (Stmt statement : statements) {
            switch (statement) {
                case Stmt.Assign assign -> {
                    if (builtIn(assign.value())) {
                        for (Atom arg : ((Prim.RuleCall) assign.value()).args()) {
                            if (arg.isVariable() && arg.code().toString().equals(arg.variable())) {
                                safeReads.merge(arg.variable(), 1, Integer::sum);
                            }
                        }
                    }
                }
                case Stmt.If branch -> {
                    countSafeReads(branch.then(), safeReads);
                    countSafeReads(branch.otherwise(), safeReads);
                }
                case Stmt.Loop loop -> countSafeReads(loop.body(), safeReads);
                case Stmt.Effect effect -> { }
            }
        }
    }

    /** A call of a {@code Tensor} method, whose rules are the built-in ones: its result is a fresh tensor. */
    private static boolean builtIn(Prim prim) {
        return prim instanceof Prim.RuleCall call && call.instance() && !call.primalTypes().isEmpty()
                && call.primalTypes().getFirst().isTensor() && !call.rules().rules().isEmpty()
                && call.rules().rules().stream().allMatch(rule -> rule.owner().equals(TENSOR_RULES));
    }

    /**
     * {@code units} as one block, or, when they are too long for one method (javac's 64 KB limit,
     * and HotSpot compiles no method over 8000 bytes of bytecode), as calls to helper methods
     * holding a run of units each. Every unit is whole statements over fields, so any run can move.
     */
    private CodeBlock chunk(List<CodeBlock> units, String base, boolean reverse) {
        int total = 0;
        for (CodeBlock unit : units) {
            total += lines(unit);
        }
        if (total <= CHUNK_LINES) {
            return CodeBlock.join(units, "");
        }
        CodeBlock.Builder calls = CodeBlock.builder();
        List<CodeBlock> run = new ArrayList<>();
        int size = 0;
        for (CodeBlock unit : units) {
            int length = lines(unit);
            if (size + length > CHUNK_LINES && !run.isEmpty()) {
                calls.add(helper(base, run, reverse));
                run = new ArrayList<>();
                size = 0;
            }
            run.add(unit);
            size += length;
        }
        if (!run.isEmpty()) {
            calls.add(helper(base, run, reverse));
        }
        return calls.build();
    }

    private CodeBlock helper(String base, List<CodeBlock> units, boolean reverse) {
        String name = names.fresh(base);
        MethodSpec.Builder helper = MethodSpec.methodBuilder(name)
                .addModifiers(Modifier.PRIVATE)
                .addCode(CodeBlock.join(units, ""));
        if (reverse) {
            helper.addParameter(VARIABLE_GRADIENTS, variables);
            helpers.add(helper.build());
            return CodeBlock.builder().addStatement("$N($N)", name, variables).build();
        }
        helpers.add(helper.build());
        return CodeBlock.builder().addStatement("$N()", name).build();
    }

    private static int lines(CodeBlock code) {
        String text = code.toString();
        int lines = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                lines++;
            }
        }
        return lines;
    }

    private Sweep assign(Stmt.Assign assign, int depth) {
        String target = assign.target();
        JType type = method.typeOf(target);
        boolean reassigned = reassigned(target);
        // A declaration outside loops runs once, and nothing before it can read the local.
        boolean save = reassigned && neededInReverse.contains(target) && !(assign.declares() && depth == 0);
        CodeBlock.Builder forward = CodeBlock.builder();
        CodeBlock restore = CodeBlock.of("");
        if (save) {
            if (depth > 0) {
                usesStack = true;
                forward.addStatement("$N.push$L($N)", stack, type.stackKind(), target);
                restore = CodeBlock.builder().addStatement("$N = $L", target, pop(type)).build();
            } else {
                String saved = names.fresh(target + "Before");
                extraFields.put(saved, type);
                forward.addStatement("$N = $N", saved, target);
                restore = CodeBlock.builder().addStatement("$N = $N", target, saved).build();
            }
        }
        forward.addStatement("$N = $L", target, assign.value().forward());

        CodeBlock.Builder reverse = CodeBlock.builder();
        boolean activeTarget = active.contains(target);
        if (activeTarget && Activity.isActive(assign.value(), active)) {
            reverse.add("// Grad of: $L\n", assign.text());
            String adjoint = adjoints.get(target);
            String incoming = adjoint;
            if (reassigned) {
                // The new value's adjoint is consumed here; the old value starts from zero.
                incoming = names.fresh(adjoint);
                reverse.addStatement("$T $N = $N", type.typeName(), incoming, adjoint);
                reverse.addStatement("$N = $L", adjoint, type.zero());
            }
            CodeBlock output = CodeBlock.of("$N", target);
            if (save && takesOutput(assign.value())) {
                String out = names.fresh(target + "Out");
                reverse.addStatement("$T $N = $N", type.typeName(), out, target);
                output = CodeBlock.of("$N", out);
            }
            reverse.add(restore);
            // A rule's own temporaries (and its result, once added in) die with a scope of this
            // statement's; only the tensor adjoints it updates are kept.
            inRuleScope = assign.value() instanceof Prim.RuleCall;
            keptInRuleScope = false;
            CodeBlock.Builder rules = CodeBlock.builder();
            contributions(assign.value(), Atom.variable(incoming, type), output, rules);
            inRuleScope = false;
            CodeBlock.Builder contributions = CodeBlock.builder();
            if (keptInRuleScope) {
                contributions.beginControlFlow("try ($T $N = $T.open())", TENSOR_SCOPE, ruleScope, TENSOR_SCOPE)
                        .add(rules.build()).endControlFlow();
            } else {
                contributions.add(rules.build());
            }
            if (type.isTensor() && nullMeansNothing(assign.value())) {
                // A null tensor adjoint is zero: nothing to propagate, and rules need a tensor.
                reverse.beginControlFlow("if ($N != null)", incoming).add(contributions.build()).endControlFlow();
            } else {
                reverse.add(contributions.build());
            }
            if (type.isTensor()) {
                // This value's adjoint has flowed back to its operands: nothing reads it again.
                if (reassigned) {
                    reverse.addStatement("$T.release($N)", ADJOINTS, incoming);
                } else {
                    reverse.addStatement("$N = $T.release($N)", adjoint, ADJOINTS, adjoint);
                }
            }
        } else if (activeTarget && reassigned) {
            reverse.add("// Grad of: $L\n", assign.text());
            reverse.addStatement("$N = $L", adjoints.get(target), type.zero());
            reverse.add(restore);
        } else {
            reverse.add(restore);
        }
        return new Sweep(forward.build(), reverse.build());
    }

    /**
     * Whether a null incoming adjoint can skip the statement's reverse code. A variable read and a
     * nested call still run it: the variable gets its (zero) gradient, the callee its own reverse pass.
     */
    private static boolean nullMeansNothing(Prim prim) {
        return !(prim instanceof Prim.VariableRead) && !(prim instanceof Prim.CallValue);
    }

    private CodeBlock pop(JType type) {
        CodeBlock pop = CodeBlock.of("$N.pop$L()", stack, type.stackKind());
        return switch (type.stackKind()) {
            case "Double" -> type.equals(JType.FLOAT) ? CodeBlock.of("(float) $L", pop) : pop;
            case "Int" -> type.equals(JType.INT) ? pop : CodeBlock.of("($T) $L", type.typeName(), pop);
            case "Object" -> {
                popsGeneric |= !type.arguments().isEmpty();
                yield CodeBlock.of("($T) $L", type.typeName(), pop);
            }
            default -> pop;
        };
    }

    /** Emits the adjoint contributions of one primitive, given the incoming adjoint {@code g}. */
    private void contributions(Prim prim, Atom g, CodeBlock output, CodeBlock.Builder out) {
        switch (prim) {
            case Prim.Copy(Atom a) -> accumulate(a, g.code(), g.type(), false, out);
            case Prim.Negate(Atom a) -> accumulate(a, g.code(), g.type(), true, out);
            case Prim.Cast(JType to, Atom a) -> accumulate(a, g.code(), g.type(), false, out);
            case Prim.Arithmetic(char op, Atom a, Atom b) -> {
                switch (op) {
                    case '+' -> {
                        accumulate(a, g.code(), g.type(), false, out);
                        accumulate(b, g.code(), g.type(), false, out);
                    }
                    case '-' -> {
                        accumulate(a, g.code(), g.type(), false, out);
                        accumulate(b, g.code(), g.type(), true, out);
                    }
                    case '*' -> {
                        accumulate(a, CodeBlock.of("$L * $L", g.code(), b.code()), JType.promote(g.type(), b.type()), false, out);
                        accumulate(b, CodeBlock.of("$L * $L", g.code(), a.code()), JType.promote(g.type(), a.type()), false, out);
                    }
                    case '/' -> {
                        accumulate(a, CodeBlock.of("$L / $L", g.code(), b.code()), JType.promote(g.type(), b.type()), false, out);
                        accumulate(b, CodeBlock.of("$L * $L / ($L * $L)", g.code(), a.code(), b.code(), b.code()),
                                JType.promote(JType.promote(g.type(), a.type()), b.type()), true, out);
                    }
                    default -> throw new IllegalStateException("no rule for operator " + op);
                }
            }
            case Prim.RuleCall call -> ruleContributions(call, g, output, out);
            case Prim.CallValue call -> {
                Prim.CallForward forward = call.call();
                String gradients = names.fresh("d" + capitalize(forward.callee().forwardMethod().replace("Forward", "")));
                out.addStatement("var $N = $L.backward($L, $N)", gradients, call.pullback().code(), g.code(), variables);
                for (int i = 0; i < forward.args().size(); i++) {
                    String parameter = forward.callee().differentiable().get(i);
                    if (parameter != null) {
                        accumulate(forward.args().get(i), CodeBlock.of("$N.$N()", gradients, parameter),
                                forward.callee().parameterTypes().get(i), false, out);
                    }
                }
            }
            case Prim.VariableRead read -> out.addStatement("$N.accumulate($L, $L)", variables, read.variable().code(),
                    g.code());
            case Prim.CallForward call -> { }
            case Prim.Passive passive -> { }
        }
    }

    private void ruleContributions(Prim.RuleCall call, Atom g, CodeBlock output, CodeBlock.Builder out) {
        int arity = call.args().size();
        Rules.Rule whole = call.rules().whole().orElse(null);
        if (whole != null && whole.returnsArray()) {
            String adjointsName = names.fresh("d" + capitalize(whole.method()));
            out.addStatement("$T $N = $L", whole.returnType().typeName(), adjointsName, ruleCall(whole, call, g, output));
            for (int i = 0; i < arity; i++) {
                accumulate(call.args().get(i), CodeBlock.of("$N[$L]", adjointsName, i), whole.returnType().component(),
                        false, out);
            }
            return;
        }
        for (int i = 0; i < arity; i++) {
            Atom arg = call.args().get(i);
            if (!arg.isVariable() || !active.contains(arg.variable())) {
                continue;
            }
            Rules.Rule rule = call.rules().forArgument(call.ruleArgument(i)).orElseThrow();
            accumulate(arg, ruleCall(rule, call, g, output), call.bind(rule).orElseThrow().returnType(), false, out);
        }
    }

    private static CodeBlock ruleCall(Rules.Rule rule, Prim.RuleCall call, Atom g, CodeBlock output) {
        Prim.Binding binding = call.bind(rule).orElseThrow();
        Rules.Form form = binding.form();
        List<CodeBlock> args = new ArrayList<>(call.ruleArguments(binding.packed()));
        if (form == Rules.Form.ARGUMENTS_AND_OUTPUT) {
            args.add(output);
        }
        args.add(g.code());
        return CodeBlock.of("$T.$N($L)", rule.owner(), rule.method(), CodeBlock.join(args, ", "));
    }

    /** {@code ba += contribution} (or {@code -=}), narrowing explicitly where {@code a} is a float. */
    private void accumulate(Atom a, CodeBlock contribution, JType contributionType, boolean subtract,
            CodeBlock.Builder out) {
        if (!a.isVariable() || !active.contains(a.variable())) {
            return;
        }
        String adjoint = adjoints.get(a.variable());
        JType adjointType = method.typeOf(a.variable());
        if (adjointType.isTensor()) {
            CodeBlock value = subtract ? CodeBlock.of("$L.neg()", contribution) : contribution;
            if (inRuleScope) {
                keptInRuleScope = true;
                out.addStatement("$N = $N.keep($T.add($N, $L))", adjoint, ruleScope, ADJOINTS, adjoint, value);
            } else {
                out.addStatement("$N = $T.add($N, $L)", adjoint, ADJOINTS, adjoint, value);
            }
            return;
        }
        CodeBlock value = contribution;
        if (adjointType.equals(JType.FLOAT) && !contributionType.equals(JType.FLOAT) && !contributionType.equals(JType.INT)) {
            value = CodeBlock.of("(float) ($L)", contribution);
        }
        out.addStatement("$N $L $L", adjoint, subtract ? "-=" : "+=", value);
    }

    private Sweep branch(Stmt.If branch, int depth) {
        Sweep then = block(branch.then(), depth);
        Sweep otherwise = block(branch.otherwise(), depth);
        CodeBlock.Builder forward = CodeBlock.builder();
        if (then.reverse().isEmpty() && otherwise.reverse().isEmpty()) {
            ifElse(forward, branch.condition(), then.forward(), otherwise.forward());
            return new Sweep(forward.build(), CodeBlock.of(""));
        }
        CodeBlock.Builder reverse = CodeBlock.builder();
        if (recomputable(branch)) {
            // The branch does not change what its condition reads, so the reverse pass asks again.
            ifElse(forward, branch.condition(), then.forward(), otherwise.forward());
            ifElse(reverse, branch.condition(), then.reverse(), otherwise.reverse());
        } else if (depth == 0) {
            String choice = names.fresh("branch");
            extraFields.put(choice, JType.BOOLEAN);
            forward.addStatement("$N = $L", choice, branch.condition());
            ifElse(forward, CodeBlock.of("$N", choice), then.forward(), otherwise.forward());
            ifElse(reverse, CodeBlock.of("$N", choice), then.reverse(), otherwise.reverse());
        } else {
            usesStack = true;
            // A branch that throws never reaches the reverse pass, and may not be followed by a push.
            ifElse(forward, branch.condition(),
                    then.terminates() ? then.forward()
                            : then.forward().toBuilder().addStatement("$N.pushBoolean(true)", stack).build(),
                    otherwise.terminates() ? otherwise.forward()
                            : otherwise.forward().toBuilder().addStatement("$N.pushBoolean(false)", stack).build());
            ifElse(reverse, CodeBlock.of("$N.popBoolean()", stack), then.reverse(), otherwise.reverse());
        }
        return new Sweep(forward.build(), reverse.build());
    }

    private static void ifElse(CodeBlock.Builder out, CodeBlock condition, CodeBlock then, CodeBlock otherwise) {
        out.beginControlFlow("if ($L)", condition).add(then);
        if (!otherwise.isEmpty()) {
            out.nextControlFlow("else").add(otherwise);
        }
        out.endControlFlow();
    }

    private Sweep loop(Stmt.Loop loop, int depth) {
        Sweep body = block(loop.body(), depth + 1);
        CodeBlock.Builder forward = CodeBlock.builder();
        if (body.reverse().isEmpty()) {
            loopHeader(forward, loop, body.forward());
            return new Sweep(forward.build(), CodeBlock.of(""));
        }
        String trips = names.fresh("trips");
        extraFields.put(trips, JType.INT);
        forward.addStatement("$N = 0", trips);
        loopHeader(forward, loop, body.terminates() ? body.forward()
                : body.forward().toBuilder().addStatement("$N++", trips).build());
        String counter = names.fresh("i");
        CodeBlock.Builder reverse = CodeBlock.builder();
        if (depth > 0) {
            usesStack = true;
            forward.addStatement("$N.pushInt($N)", stack, trips);
            reverse.beginControlFlow("for (int $N = $N.popInt(); $N > 0; $N--)", counter, stack, counter, counter);
        } else {
            reverse.beginControlFlow("for (int $N = $N; $N > 0; $N--)", counter, trips, counter, counter);
        }
        reverse.add(body.reverse()).endControlFlow();
        return new Sweep(forward.build(), reverse.build());
    }

    private static void loopHeader(CodeBlock.Builder out, Stmt.Loop loop, CodeBlock body) {
        if (loop.doWhile()) {
            out.beginControlFlow("do").add(body).endControlFlow("while ($L)", loop.condition());
        } else {
            out.beginControlFlow("while ($L)", loop.condition()).add(body).endControlFlow();
        }
    }

    private static String capitalize(String name) {
        return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }
}
