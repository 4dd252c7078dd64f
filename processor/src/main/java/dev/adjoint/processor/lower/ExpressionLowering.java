package dev.adjoint.processor.lower;

import com.palantir.javapoet.CodeBlock;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import dev.adjoint.processor.Diagnostics;
import dev.adjoint.processor.Messages;
import dev.adjoint.processor.model.Atom;
import dev.adjoint.processor.model.JType;
import dev.adjoint.processor.model.Prim;
import dev.adjoint.processor.model.Refusal;
import dev.adjoint.processor.model.Rules;
import dev.adjoint.processor.model.Stmt;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/**
 * Flattens expressions to one primitive per statement: {@code y = a * b + c} becomes
 * {@code t0 = a * b; y = t0 + c}. Differentiable subexpressions become primitives over atoms; the
 * rest is printed whole ({@link SourcePrinter}) and, unless it is stable, copied into a temporary
 * so that the reverse pass reads the value the forward pass saw.
 */
final class ExpressionLowering {

    private final Environment env;
    private final TypeResolver resolver;
    private final SourcePrinter printer;
    private final Locals locals;
    private final Diagnostics diagnostics;
    private final List<Refusal> refusals;

    ExpressionLowering(Environment env, TypeResolver resolver, SourcePrinter printer, Locals locals,
            Diagnostics diagnostics, List<Refusal> refusals) {
        this.env = env;
        this.resolver = resolver;
        this.printer = printer;
        this.locals = locals;
        this.diagnostics = diagnostics;
        this.refusals = refusals;
    }

    static ExpressionTree strip(ExpressionTree expression) {
        while (expression instanceof ParenthesizedTree parenthesized) {
            expression = parenthesized.getExpression();
        }
        return expression;
    }

    /** The type of {@code expression}, reporting it when it cannot be inferred. */
    JType requireType(ExpressionTree expression) {
        JType type = resolver.typeOf(expression);
        if (type == null) {
            diagnostics.error(expression, Messages.UNRESOLVED, "the type of '" + printer.text(expression) + "'",
                    "assign it to a local variable with an explicit type");
        }
        return type;
    }

    /** Lowers {@code expression} to an atom, adding statements for its parts to {@code out}. */
    Atom lower(ExpressionTree expression, List<Stmt> out) {
        JType type = requireType(expression);
        if (type == null || !type.isDifferentiable()) {
            return passiveAtom(expression, type == null ? JType.INT : type, out);
        }
        Prim prim = lowerPrim(expression, out);
        if (prim instanceof Prim.Copy(Atom atom)) {
            return atom;
        }
        String temporary = locals.temporary(type);
        out.add(new Stmt.Assign(temporary, type, prim));
        return Atom.variable(temporary, type);
    }

    /** A value no gradient flows into: inline when stable, else read once into a temporary. */
    Atom passiveAtom(ExpressionTree expression, JType type, List<Stmt> out) {
        if (strip(expression) instanceof IdentifierTree identifier) {
            String local = locals.lookup(identifier.getName().toString());
            if (local != null) {
                return Atom.variable(local, locals.typeOf(local));
            }
        }
        SourcePrinter.Printed printed = printed(expression, type);
        if (printed.stable()) {
            // Inline atoms become operands (y * (n + 1), (float) (n + 1)): keep the expression whole.
            return new Atom(parenthesized(expression, printed.code()), printed.text(), type, null, printed.reads());
        }
        String temporary = locals.temporary(type);
        out.add(new Stmt.Assign(temporary, type, new Prim.Passive(printed.code(), printed.text(), printed.reads(),
                expression)));
        return Atom.variable(temporary, type);
    }

    /**
     * The value of a local whose type carries no gradient ({@code int}, {@code Double},
     * {@code Object}, ...). A differentiated {@code double} or {@code Tensor} stored there would lose
     * its gradient, so that is refused.
     */
    Prim passiveInto(ExpressionTree expression, JType target) {
        SourcePrinter.Printed printed = printed(expression, target);
        JType type = resolver.typeOf(expression);
        if (type != null && type.isDifferentiable()) {
            refusals.add(new Refusal(expression, Messages.UNSUPPORTED_EXPRESSION.format(
                    "storing the differentiated " + type + " '" + printed.text() + "' as a " + target,
                    "keep it in a double, float or Tensor local"), printed.reads(), printed.touchesVariables()));
        }
        return new Prim.Passive(printed.code(), printed.text(), printed.reads(), expression);
    }

    /** {@code code} in parentheses unless {@code expression} is a primary (a name, literal, call, ...). */
    static CodeBlock parenthesized(ExpressionTree expression, CodeBlock code) {
        return switch (expression.getKind()) {
            case IDENTIFIER, MEMBER_SELECT, METHOD_INVOCATION, ARRAY_ACCESS, PARENTHESIZED, NEW_CLASS, INT_LITERAL,
                    LONG_LITERAL, FLOAT_LITERAL, DOUBLE_LITERAL, BOOLEAN_LITERAL, CHAR_LITERAL, STRING_LITERAL,
                    NULL_LITERAL -> code;
            default -> CodeBlock.of("($L)", code);
        };
    }

    /** {@code expression} as a passive primitive. */
    Prim passive(ExpressionTree expression, JType type) {
        SourcePrinter.Printed printed = printed(expression, type);
        return new Prim.Passive(printed.code(), printed.text(), printed.reads(), expression);
    }

    /** Prints {@code expression}; an array it builds must not hold differentiated values. */
    SourcePrinter.Printed printed(ExpressionTree expression, JType type) {
        SourcePrinter.Printed printed = printer.print(expression);
        if (type != null && holdsDifferentiable(type)) {
            refusals.add(new Refusal(expression, Messages.UNSUPPORTED_EXPRESSION.format(
                    "'" + printed.text() + "', an array holding a differentiated value,",
                    "arrays are data; pass the values one by one, e.g. Tensor.concat(0, a, b)"),
                    printed.reads(), printed.touchesVariables()));
        }
        return printed;
    }

    private static boolean holdsDifferentiable(JType type) {
        return type.isArray() && (type.component().isDifferentiable() || holdsDifferentiable(type.component()));
    }

    /** Lowers a differentiable-typed {@code expression} to one primitive over atoms. */
    Prim lowerPrim(ExpressionTree expression, List<Stmt> out) {
        JType type = requireType(expression);
        if (type == null || !type.isDifferentiable()) {
            return passive(expression, type);
        }
        return switch (expression.getKind()) {
            case PARENTHESIZED -> lowerPrim(((ParenthesizedTree) expression).getExpression(), out);
            case IDENTIFIER, MEMBER_SELECT, ARRAY_ACCESS, INT_LITERAL, LONG_LITERAL, FLOAT_LITERAL, DOUBLE_LITERAL,
                    CHAR_LITERAL -> new Prim.Copy(passiveAtom(expression, type, out));
            case UNARY_MINUS -> new Prim.Negate(lower(((UnaryTree) expression).getExpression(), out));
            case UNARY_PLUS -> lowerPrim(((UnaryTree) expression).getExpression(), out);
            case PLUS, MINUS, MULTIPLY, DIVIDE -> {
                BinaryTree tree = (BinaryTree) expression;
                Atom left = lower(tree.getLeftOperand(), out);
                Atom right = lower(tree.getRightOperand(), out);
                yield new Prim.Arithmetic(SourcePrinter.OPERATORS.get(tree.getKind()).charAt(0), left, right);
            }
            case REMAINDER -> {
                diagnostics.error(expression, Messages.FLOATING_REMAINDER);
                yield passive(expression, type);
            }
            case CONDITIONAL_EXPRESSION -> {
                ConditionalExpressionTree tree = (ConditionalExpressionTree) expression;
                SourcePrinter.Printed condition = printer.print(strip(tree.getCondition()));
                String temporary = locals.temporary(type);
                List<Stmt> then = new ArrayList<>();
                then.add(new Stmt.Assign(temporary, type, lowerPrim(tree.getTrueExpression(), then)));
                List<Stmt> otherwise = new ArrayList<>();
                otherwise.add(new Stmt.Assign(temporary, type, lowerPrim(tree.getFalseExpression(), otherwise)));
                out.add(new Stmt.If(condition.code(), condition.reads(), condition.stable(), then, otherwise, tree));
                yield new Prim.Copy(Atom.variable(temporary, type));
            }
            case TYPE_CAST -> {
                TypeCastTree tree = (TypeCastTree) expression;
                JType from = resolver.typeOf(tree.getExpression());
                if (from != null && from.isDifferentiable() && !from.equals(type)) {
                    yield new Prim.Cast(type, lower(tree.getExpression(), out));
                }
                if (type.equals(from)) {
                    yield lowerPrim(tree.getExpression(), out);
                }
                // (double) of an int: a passive value.
                yield new Prim.Copy(passiveAtom(expression, type, out));
            }
            case METHOD_INVOCATION -> lowerCall((MethodInvocationTree) expression, type, out);
            case ASSIGNMENT, PLUS_ASSIGNMENT, MINUS_ASSIGNMENT, MULTIPLY_ASSIGNMENT, DIVIDE_ASSIGNMENT,
                    PREFIX_INCREMENT, POSTFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_DECREMENT -> {
                diagnostics.error(expression, Messages.SIDE_EFFECT_IN_EXPRESSION, "an assignment or increment");
                yield passive(expression, type);
            }
            default -> {
                diagnostics.error(expression, Messages.UNSUPPORTED_EXPRESSION, "'" + printer.text(expression) + "'",
                        "compute it outside the differentiable method and pass it in");
                yield passive(expression, type);
            }
        };
    }

    /** Lowers a call whose result is {@code double}, {@code float} or {@code Tensor}. */
    private Prim lowerCall(MethodInvocationTree tree, JType type, List<Stmt> out) {
        ResolvedCall call = resolver.resolveCall(tree);
        if (call == null) {
            diagnostics.error(tree, Messages.UNRESOLVED, "method '" + printer.text(tree.getMethodSelect()) + "'",
                    "differentiable code can call Math, @Differentiable methods and methods of declared types");
            return passive(tree, type);
        }
        if (call.onSuper() && CallKind.of(call, env) != CallKind.DIFFERENTIABLE) {
            diagnostics.error(tree, Messages.UNSUPPORTED_EXPRESSION, "'" + printer.text(tree) + "'",
                    "a super call in differentiable code must reach a @Differentiable method");
            return passive(tree, type);
        }
        return switch (CallKind.of(call, env)) {
            case VARIABLE_READ -> new Prim.VariableRead(receiver(call, out), call.name());
            case DIFFERENTIABLE -> differentiableCall(call, out);
            case RULE -> ruleCall(call, out);
            case ZERO_GRADIENT -> passive(tree, type);
            case OBSERVER, OPAQUE -> {
                // A value without a derivative: an error if it is computed from a differentiated one.
                SourcePrinter.Printed printed = printer.print(tree);
                refusals.add(new Refusal(tree, Messages.NOT_DIFFERENTIABLE_CALL.format(call.describe()),
                        printed.reads(), printed.touchesVariables() || printer.readsVariablesOf(call)));
                yield new Prim.Passive(printed.code(), printed.text(), printed.reads(), tree);
            }
        };
    }

    /** The receiver of {@code call} as an atom: {@code this}, or a value read once. */
    private Atom receiver(ResolvedCall call, List<Stmt> out) {
        if (call.receiver() == null) {
            return new Atom(CodeBlock.of("$N", locals.self()), "this", locals.selfType(), null, Set.of());
        }
        return passiveAtom(call.receiver(), call.receiverType(), out);
    }

    /**
     * {@code CGrad.fForward(...)} into a pullback local, then its value: the callee's forward pass
     * runs once, and its reverse pass later reads what that run saved.
     */
    private Prim differentiableCall(ResolvedCall call, List<Stmt> out) {
        ExecutableElement callee = call.method();
        Atom receiver = call.isStatic() ? null : receiver(call, out);
        List<Atom> args = new ArrayList<>();
        for (ExpressionTree argument : call.tree().getArguments()) {
            args.add(lower(argument, out));
        }
        List<String> selected = env.selectedParameters(callee);
        List<String> differentiated = new ArrayList<>();
        List<JType> parameterTypes = new ArrayList<>();
        List<? extends VariableElement> parameters = callee.getParameters();
        for (int i = 0; i < args.size(); i++) {
            // Arguments spread into a varargs array all meet its (array, so data) parameter.
            VariableElement parameter = parameters.get(Math.min(i, parameters.size() - 1));
            String name = parameter.getSimpleName().toString();
            JType parameterType = env.typeOf(parameter.asType());
            differentiated.add(selected.contains(name) && parameterType.isDifferentiable() ? name : null);
            parameterTypes.add(parameterType);
        }
        JType pullbackType = new JType(env.pullbackClassOf(callee).canonicalName());
        // super.f(x) runs the superclass's own body: its forward without dispatch to this very override.
        Prim.Callee info = new Prim.Callee(env.gradClassOf((TypeElement) callee.getEnclosingElement()),
                call.onSuper() ? Environment.bodyForwardName(callee) : Environment.forwardName(callee), pullbackType,
                differentiated, parameterTypes,
                env.readsVariables().test(callee));
        String calleeText = call.onSuper() ? "super." + call.name()
                : call.receiver() == null ? call.name() : printer.text(call.receiver()) + "." + call.name();
        Prim.CallForward forward = new Prim.CallForward(info, calleeText, receiver, args, call.tree().getArguments());
        String pullback = locals.fresh(call.name() + "Call", pullbackType);
        out.add(new Stmt.Assign(pullback, pullbackType, forward));
        return new Prim.CallValue(Atom.variable(pullback, pullbackType), forward);
    }

    /** A call to a primitive with {@code @Derivative} rules, bound by its exact signature. */
    private Prim ruleCall(ResolvedCall call, List<Stmt> out) {
        ExecutableElement callee = call.method();
        MethodInvocationTree tree = call.tree();
        List<Atom> args = new ArrayList<>();
        List<ExpressionTree> argTrees = new ArrayList<>();
        List<JType> primalTypes = new ArrayList<>();
        boolean instance = !call.isStatic() && tree.getMethodSelect() instanceof MemberSelectTree;
        if (instance) {
            // The receiver is the primitive's argument 0, and may itself need lowering.
            ExpressionTree receiver = ((MemberSelectTree) tree.getMethodSelect()).getExpression();
            args.add(lower(receiver, out));
            argTrees.add(receiver);
            primalTypes.add(env.typeOf(call.owner().asType()).erasure());
        }
        Elementwise elementwise = Elementwise.of(callee);
        if (elementwise != null && instance) {
            // x.exp() is x.unary(UnaryOp.EXP): the op constant is the rules' argument after the receiver.
            args.add(new Atom(elementwise.constant(), elementwise.text(), elementwise.type(), null, Set.of()));
            argTrees.add(tree);
            primalTypes.add(elementwise.type());
        }
        for (ExpressionTree argument : tree.getArguments()) {
            args.add(lower(argument, out));
            argTrees.add(argument);
        }
        for (VariableElement parameter : callee.getParameters()) {
            primalTypes.add(env.typeOf(parameter.asType()).erasure());
        }
        String calleeText = instance ? call.name() : printer.text(tree.getMethodSelect());
        int spreadFrom = -1;
        JType varargsType = null;
        if (callee.isVarArgs()) {
            // Arguments written one by one (x.permute(1, 0)) rather than as one array go to a rule packed.
            int fixed = callee.getParameters().size() - 1;
            varargsType = env.typeOf(callee.getParameters().get(fixed).asType());
            int count = tree.getArguments().size();
            boolean passesArray = count == fixed + 1 && varargsType.equals(resolver.typeOf(tree.getArguments().get(fixed)));
            spreadFrom = passesArray ? -1 : fixed + (instance ? 1 : 0);
        }
        if (elementwise != null && instance) {
            Rules rules = env.derivatives().lookup(call.owner(), elementwise.primal()).orElseThrow();
            CodeBlock forward = CodeBlock.of("$L.$N($L)", args.getFirst().code(), call.name(),
                    CodeBlock.join(args.subList(2, args.size()).stream().map(Atom::code).toList(), ", "));
            return new Prim.RuleCall(CodeBlock.of("$N", elementwise.primal()), call.name(), args, primalTypes, rules,
                    argTrees, true, call.returnType(), -1, null, forward);
        }
        Rules rules = env.derivatives().lookup(call.owner(), call.name()).orElseThrow();
        CodeBlock calleeCode = instance ? CodeBlock.of("$N", call.name()) : printer.callee(call);
        return new Prim.RuleCall(calleeCode, calleeText, args, primalTypes, rules, argTrees, instance,
                call.returnType(), spreadFrom, varargsType, null);
    }

    /**
     * {@code target op= operand} on a local ({@code operand} null: the 1 of {@code ++}/{@code --}).
     * Java narrows a compound assignment implicitly ({@code float acc; acc += x} with a double
     * {@code x} is {@code acc = (float) (acc + x)}); the lowered form says so with a cast.
     */
    void update(Tree tree, String target, String op, ExpressionTree operand, List<Stmt> out) {
        JType type = locals.typeOf(target);
        JType operandType = operand == null ? JType.INT : resolver.typeOf(operand);
        if (type.isFloating()) {
            if (op.equals("%")) {
                diagnostics.error(tree, Messages.FLOATING_REMAINDER);
                return;
            }
            Atom right = operand == null ? Atom.literal("1", JType.INT) : lower(operand, out);
            Prim value = new Prim.Arithmetic(op.charAt(0), Atom.variable(target, type), right);
            JType wide = operandType == null ? type : JType.promote(type, operandType);
            if (wide.equals(type)) {
                out.add(new Stmt.Assign(target, type, value));
            } else {
                String temporary = locals.temporary(wide);
                out.add(new Stmt.Assign(temporary, wide, value));
                out.add(new Stmt.Assign(target, type, new Prim.Cast(type, Atom.variable(temporary, wide))));
            }
            return;
        }
        SourcePrinter.Printed right = operand == null
                ? new SourcePrinter.Printed(CodeBlock.of("1"), "1", Set.of(), true, false)
                : printer.print(operand);
        Set<String> reads = new java.util.HashSet<>(right.reads());
        reads.add(target);
        CodeBlock code = CodeBlock.of("$N $L $L", target, op,
                operand == null ? right.code() : parenthesized(operand, right.code()));
        if (type.isNumeric() && (operandType == null || !JType.promote(type, operandType).equals(type))) {
            // Compound assignment narrows implicitly; the plain assignment it becomes must say so.
            code = CodeBlock.of("($T) ($L)", type.typeName(), code);
        }
        if (type.isDifferentiable()) {
            // A Tensor with an operator would not compile; anything else here has no derivative.
            refusals.add(new Refusal(tree, Messages.UNSUPPORTED_EXPRESSION.format("'" + printer.text(tree) + "'",
                    "rewrite it with + - * /, Math functions or @Differentiable methods"), reads, right.touchesVariables()));
        }
        out.add(new Stmt.Assign(target, type, new Prim.Passive(code, target + " " + op + " " + right.text(), reads,
                tree)));
    }
}
