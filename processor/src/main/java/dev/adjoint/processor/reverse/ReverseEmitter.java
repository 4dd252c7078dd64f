package dev.adjoint.processor.reverse;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
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
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reverse-mode transform: from a normalised body, the body of a method that runs the forward
 * pass and then the adjoint statements in reverse order, google/tangent style. The adjoint of
 * {@code x} is {@code bx}; each adjoint block carries a {@code // Grad of: <statement>} comment.
 *
 * <p>Nothing is recorded but what the reverse pass cannot recompute: a value that is overwritten
 * (saved in a local outside loops, on the {@code AdjointStack} inside them), a branch choice whose
 * condition the branch changes, and a loop's trip count.
 */
public final class ReverseEmitter {

    private static final ClassName STACK = ClassName.get("dev.adjoint.grad", "AdjointStack");
    private static final ClassName ADJOINTS = ClassName.get("dev.adjoint.grad", "Adjoints");
    private static final ClassName TENSOR = ClassName.get("dev.adjoint", "Tensor");

    /** Forward code and reverse code of one statement or block. */
    private record Sweep(CodeBlock forward, CodeBlock reverse) {
    }

    private final LoweredMethod method;
    private final Names names;
    private final Set<String> active;
    private final Map<String, Integer> assignmentSites = new HashMap<>();
    private final Set<String> assignedInLoop = new HashSet<>();
    private final Set<String> neededInReverse = new HashSet<>();
    private final Map<String, String> adjoints = new LinkedHashMap<>();
    private final Map<String, JType> extraLocals = new LinkedHashMap<>();
    private final String dy;
    private final String variables;
    private final String stack;
    private final String value;
    private boolean usesStack;

    public ReverseEmitter(LoweredMethod method, Set<String> active) {
        this.method = method;
        this.names = method.names();
        this.active = active;
        this.dy = names.fresh("dy");
        this.variables = names.fresh("variables");
        this.stack = names.fresh("stack");
        this.value = names.fresh("value");
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
    }

    /** The name of the output-seed parameter. */
    public String dyName() {
        return dy;
    }

    /** The name of the {@code VariableGradients} parameter. */
    public String variablesName() {
        return variables;
    }

    /** The local holding the function's value; the reverse pass may restore {@code result} itself. */
    public String valueName() {
        return value;
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

    private static boolean recomputable(Stmt.If branch) {
        if (!branch.pure()) {
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

    /** The body of the generated value-and-gradients method, up to (not including) its return. */
    public CodeBlock emit() {
        Sweep body = block(method.body(), 0);
        CodeBlock.Builder code = CodeBlock.builder();
        for (Map.Entry<String, JType> local : method.locals().entrySet()) {
            code.addStatement("$T $N = $L", local.getValue().typeName(), local.getKey(), local.getValue().zero());
        }
        for (Map.Entry<String, JType> local : extraLocals.entrySet()) {
            code.addStatement("$T $N = $L", local.getValue().typeName(), local.getKey(), local.getValue().zero());
        }
        if (usesStack) {
            code.addStatement("$T $N = new $T()", STACK, stack, STACK);
        }
        code.add("\n// Forward pass\n").add(body.forward());
        code.addStatement("$T $N = $N", method.resultType().typeName(), value, method.result());
        code.add("\n// Reverse pass\n");
        for (Map.Entry<String, String> adjoint : adjoints.entrySet()) {
            JType type = typeOf(adjoint.getKey());
            CodeBlock initial = CodeBlock.of("$L", type.zero());
            if (adjoint.getKey().equals(method.result())) {
                initial = type.isTensor()
                        ? CodeBlock.of("$T.seed($N, $N)", ADJOINTS, dy, value)
                        : CodeBlock.of("$N", dy);
            }
            code.addStatement("$T $N = $L", type.typeName(), adjoint.getValue(), initial);
        }
        code.add(body.reverse());
        return code.build();
    }

    private JType typeOf(String local) {
        JType type = method.locals().get(local);
        return type != null ? type : method.parameters().get(local);
    }

    private Sweep block(List<Stmt> statements, int depth) {
        CodeBlock.Builder forward = CodeBlock.builder();
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
        return new Sweep(forward.build(), CodeBlock.join(reverse, ""));
    }

    private Sweep assign(Stmt.Assign assign, int depth) {
        String target = assign.target();
        JType type = typeOf(target);
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
                extraLocals.put(saved, type);
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
            contributions(assign.value(), Atom.variable(incoming, type), output, reverse);
        } else if (activeTarget && reassigned) {
            reverse.add("// Grad of: $L\n", assign.text());
            reverse.addStatement("$N = $L", adjoints.get(target), type.zero());
            reverse.add(restore);
        } else {
            reverse.add(restore);
        }
        return new Sweep(forward.build(), reverse.build());
    }

    private CodeBlock pop(JType type) {
        CodeBlock pop = CodeBlock.of("$N.pop$L()", stack, type.stackKind());
        return switch (type.stackKind()) {
            case "Double" -> type.equals(JType.FLOAT) ? CodeBlock.of("(float) $L", pop) : pop;
            case "Int" -> type.equals(JType.INT) ? pop : CodeBlock.of("($T) $L", type.typeName(), pop);
            case "Object" -> CodeBlock.of("($T) $L", type.typeName(), pop);
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
            case Prim.DifferentiableCall call -> {
                List<CodeBlock> args = new ArrayList<>();
                if (call.receiver() != null) {
                    args.add(call.receiver().code());
                }
                call.args().forEach(arg -> args.add(arg.code()));
                args.add(g.code());
                args.add(CodeBlock.of("$N", variables));
                String gradients = names.fresh("d" + capitalize(call.methodName().replace("ValueAndGradients", "")));
                out.addStatement("var $N = $T.$N($L).gradients()", gradients, call.gradClass(), call.methodName(),
                        CodeBlock.join(args, ", "));
                for (int i = 0; i < call.args().size(); i++) {
                    String parameter = call.differentiable().get(i);
                    if (parameter != null) {
                        accumulate(call.args().get(i), CodeBlock.of("$N.$N()", gradients, parameter),
                                call.parameterTypes().get(i), false, out);
                    }
                }
            }
            case Prim.VariableRead read -> out.addStatement("$N.accumulate($L, $L)", variables, read.variable(), g.code());
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
            Rules.Rule rule = call.rules().forArgument(i).orElseThrow();
            accumulate(arg, ruleCall(rule, call, g, output), arg.type().isTensor() ? JType.TENSOR : JType.DOUBLE,
                    false, out);
        }
    }

    private static CodeBlock ruleCall(Rules.Rule rule, Prim.RuleCall call, Atom g, CodeBlock output) {
        Prim.Binding binding = call.bind(rule).orElseThrow();
        Rules.Form form = binding.form();
        List<CodeBlock> args = new ArrayList<>();
        if (form == Rules.Form.FIRST_ARGUMENT) {
            args.add(call.args().getFirst().code());
        } else {
            args.addAll(call.ruleArguments(binding.packed()));
        }
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
        JType adjointType = typeOf(a.variable());
        if (adjointType.isTensor()) {
            CodeBlock value = subtract ? CodeBlock.of("$L.neg()", contribution) : contribution;
            out.addStatement("$N = $T.add($N, $L)", adjoint, ADJOINTS, adjoint, value);
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
            extraLocals.put(choice, JType.BOOLEAN);
            forward.addStatement("$N = $L", choice, branch.condition());
            ifElse(forward, CodeBlock.of("$N", choice), then.forward(), otherwise.forward());
            ifElse(reverse, CodeBlock.of("$N", choice), then.reverse(), otherwise.reverse());
        } else {
            usesStack = true;
            ifElse(forward, branch.condition(),
                    then.forward().toBuilder().addStatement("$N.pushBoolean(true)", stack).build(),
                    otherwise.forward().toBuilder().addStatement("$N.pushBoolean(false)", stack).build());
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
        extraLocals.put(trips, JType.INT);
        forward.addStatement("$N = 0", trips);
        loopHeader(forward, loop, body.forward().toBuilder().addStatement("$N++", trips).build());
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
