package dev.adjoint.processor.lower;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.InstanceOfTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParameterizedTypeTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import dev.adjoint.processor.Diagnostics;
import dev.adjoint.processor.Messages;
import dev.adjoint.processor.model.JType;
import dev.adjoint.processor.model.Refusal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/**
 * Prints an expression that no gradient flows through — a condition, an index, a call on data —
 * as generated code, whole: locals get their hoisted names, fields and types are qualified. It
 * records what the reverse pass needs to know about it ({@link Printed}) and, for every opaque call
 * inside it, a {@link Refusal} that becomes an error if that call receives a differentiated value.
 */
final class SourcePrinter {

    static final Map<Tree.Kind, String> OPERATORS = Map.ofEntries(
            Map.entry(Tree.Kind.PLUS, "+"), Map.entry(Tree.Kind.MINUS, "-"), Map.entry(Tree.Kind.MULTIPLY, "*"),
            Map.entry(Tree.Kind.DIVIDE, "/"), Map.entry(Tree.Kind.REMAINDER, "%"),
            Map.entry(Tree.Kind.LESS_THAN, "<"), Map.entry(Tree.Kind.LESS_THAN_EQUAL, "<="),
            Map.entry(Tree.Kind.GREATER_THAN, ">"), Map.entry(Tree.Kind.GREATER_THAN_EQUAL, ">="),
            Map.entry(Tree.Kind.EQUAL_TO, "=="), Map.entry(Tree.Kind.NOT_EQUAL_TO, "!="),
            Map.entry(Tree.Kind.CONDITIONAL_AND, "&&"), Map.entry(Tree.Kind.CONDITIONAL_OR, "||"),
            Map.entry(Tree.Kind.AND, "&"), Map.entry(Tree.Kind.OR, "|"), Map.entry(Tree.Kind.XOR, "^"),
            Map.entry(Tree.Kind.LEFT_SHIFT, "<<"), Map.entry(Tree.Kind.RIGHT_SHIFT, ">>"),
            Map.entry(Tree.Kind.UNSIGNED_RIGHT_SHIFT, ">>>"),
            Map.entry(Tree.Kind.UNARY_MINUS, "-"), Map.entry(Tree.Kind.UNARY_PLUS, "+"),
            Map.entry(Tree.Kind.LOGICAL_COMPLEMENT, "!"), Map.entry(Tree.Kind.BITWISE_COMPLEMENT, "~"),
            Map.entry(Tree.Kind.PLUS_ASSIGNMENT, "+"), Map.entry(Tree.Kind.MINUS_ASSIGNMENT, "-"),
            Map.entry(Tree.Kind.MULTIPLY_ASSIGNMENT, "*"), Map.entry(Tree.Kind.DIVIDE_ASSIGNMENT, "/"),
            Map.entry(Tree.Kind.REMAINDER_ASSIGNMENT, "%"), Map.entry(Tree.Kind.AND_ASSIGNMENT, "&"),
            Map.entry(Tree.Kind.OR_ASSIGNMENT, "|"), Map.entry(Tree.Kind.XOR_ASSIGNMENT, "^"),
            Map.entry(Tree.Kind.LEFT_SHIFT_ASSIGNMENT, "<<"), Map.entry(Tree.Kind.RIGHT_SHIFT_ASSIGNMENT, ">>"),
            Map.entry(Tree.Kind.UNSIGNED_RIGHT_SHIFT_ASSIGNMENT, ">>>"));

    /**
     * A printed expression.
     *
     * @param reads every hoisted local it reads
     * @param stable whether it gives the same value when evaluated again with the same locals: no
     *     call (but pure {@code Math}), no array element, no mutable field
     * @param touchesVariables whether it reads a {@code Variable} or calls a method that may
     */
    record Printed(CodeBlock code, String text, Set<String> reads, boolean stable, boolean touchesVariables) {
    }

    /** What printing gathers about an expression. */
    private static final class Facts {
        final Set<String> reads = new HashSet<>();
        boolean stable = true;
        boolean touchesVariables;

        void add(Facts inner) {
            reads.addAll(inner.reads);
            stable &= inner.stable;
            touchesVariables |= inner.touchesVariables;
        }
    }

    private final Environment env;
    private final TypeResolver resolver;
    private final Locals locals;
    private final Source source;
    private final Diagnostics diagnostics;
    private final List<Refusal> refusals;
    private final VariableHolders holders;
    private final VariableReaders readers;
    private final Access access;

    SourcePrinter(Environment env, TypeResolver resolver, Locals locals, Source source, Diagnostics diagnostics,
            List<Refusal> refusals) {
        this.env = env;
        this.resolver = resolver;
        this.locals = locals;
        this.source = source;
        this.diagnostics = diagnostics;
        this.refusals = refusals;
        this.holders = new VariableHolders(env);
        this.readers = new VariableReaders(env, holders);
        this.access = new Access(env, resolver.owner(), diagnostics);
    }

    /** {@code tree} as the user wrote it. */
    String text(Tree tree) {
        return source.text(tree);
    }

    /** Prints {@code expression}; rejects anything with a side effect other than a call. */
    Printed print(ExpressionTree expression) {
        Facts facts = new Facts();
        CodeBlock code = print(expression, facts);
        return new Printed(code, source.text(expression), facts.reads, facts.stable, facts.touchesVariables);
    }

    private CodeBlock print(ExpressionTree expression, Facts facts) {
        switch (expression.getKind()) {
            case INT_LITERAL, LONG_LITERAL, FLOAT_LITERAL, DOUBLE_LITERAL, BOOLEAN_LITERAL, CHAR_LITERAL,
                    STRING_LITERAL, NULL_LITERAL -> {
                return CodeBlock.of("$L", source.text(expression));
            }
            case PARENTHESIZED -> {
                return CodeBlock.of("($L)", print(((ParenthesizedTree) expression).getExpression(), facts));
            }
            case IDENTIFIER -> {
                return identifier((IdentifierTree) expression, facts);
            }
            case MEMBER_SELECT -> {
                MemberSelectTree member = (MemberSelectTree) expression;
                if (resolver.namesType(member)) {
                    return CodeBlock.of("$T", ClassName.get(resolver.resolveType(source.text(member))));
                }
                String name = member.getIdentifier().toString();
                VariableElement field = resolver.fieldOf(member);
                if (field != null && field.getModifiers().contains(Modifier.STATIC)) {
                    return fieldAccess(expression, field, facts);
                }
                CodeBlock receiver = print(member.getExpression(), facts);
                JType receiverType = resolver.valueType(member.getExpression());
                boolean arrayLength = receiverType != null && receiverType.isArray() && name.equals("length");
                if (field == null && !arrayLength) {
                    facts.stable = false;
                } else if (field != null && isRecordComponent(field)) {
                    return CodeBlock.of("$L.$N()", receiver, name);
                } else if (field != null) {
                    checkAccessible(expression, field);
                    facts.stable &= field.getModifiers().contains(Modifier.FINAL);
                }
                return CodeBlock.of("$L.$L", receiver, name);
            }
            case ARRAY_ACCESS -> {
                ArrayAccessTree access = (ArrayAccessTree) expression;
                // Elements can be written between the forward and the reverse pass.
                facts.stable = false;
                return CodeBlock.of("$L[$L]", print(access.getExpression(), facts), print(access.getIndex(), facts));
            }
            case METHOD_INVOCATION -> {
                return call((MethodInvocationTree) expression, facts);
            }
            case NEW_CLASS -> {
                NewClassTree creation = (NewClassTree) expression;
                if (creation.getClassBody() != null || creation.getEnclosingExpression() != null) {
                    break;
                }
                Facts inner = new Facts();
                Facts received = new Facts();
                List<CodeBlock> args = new ArrayList<>();
                for (ExpressionTree argument : creation.getArguments()) {
                    Facts one = new Facts();
                    args.add(print(argument, one));
                    inner.add(one);
                    if (canCarryGradient(resolver.typeOf(argument))) {
                        received.add(one);
                    }
                }
                refusals.add(new Refusal(expression, Messages.NOT_DIFFERENTIABLE_CALL.format(
                        "the constructor of " + source.text(creation.getIdentifier())), received.reads,
                        received.touchesVariables || readsVariablesOf(creation)));
                facts.add(inner);
                facts.stable = false;
                JType created = resolver.typeOfTypeTree(creation.getIdentifier());
                if (creation.getIdentifier() instanceof ParameterizedTypeTree generic && generic.getTypeArguments().isEmpty()) {
                    return CodeBlock.of("new $T<>($L)", created.erasure().typeName(), CodeBlock.join(args, ", "));
                }
                return CodeBlock.of("new $T($L)", created.typeName(), CodeBlock.join(args, ", "));
            }
            case CONDITIONAL_EXPRESSION -> {
                ConditionalExpressionTree tree = (ConditionalExpressionTree) expression;
                return CodeBlock.of("$L ? $L : $L", print(tree.getCondition(), facts),
                        print(tree.getTrueExpression(), facts), print(tree.getFalseExpression(), facts));
            }
            case NEW_ARRAY -> {
                NewArrayTree array = (NewArrayTree) expression;
                if (array.getType() == null) {
                    break;
                }
                TypeName element = resolver.typeOfTypeTree(array.getType()).typeName();
                List<CodeBlock> parts = new ArrayList<>();
                if (array.getInitializers() != null) {
                    for (ExpressionTree initializer : array.getInitializers()) {
                        parts.add(print(initializer, facts));
                    }
                    return CodeBlock.of("new $T[] {$L}", element, CodeBlock.join(parts, ", "));
                }
                for (ExpressionTree dimension : array.getDimensions()) {
                    parts.add(CodeBlock.of("[$L]", print(dimension, facts)));
                }
                return CodeBlock.of("new $T$L", element, CodeBlock.join(parts, ""));
            }
            case TYPE_CAST -> {
                TypeCastTree cast = (TypeCastTree) expression;
                return CodeBlock.of("($T) $L", resolver.typeOfTypeTree(cast.getType()).typeName(),
                        print(cast.getExpression(), facts));
            }
            case INSTANCE_OF -> {
                InstanceOfTree test = (InstanceOfTree) expression;
                if (test.getPattern() != null) {
                    // Evaluated before the statement, its bindings declared (ControlFlowLowering).
                    String match = locals.patternMatch(test);
                    if (match == null) {
                        diagnostics.error(expression, Messages.UNSUPPORTED_EXPRESSION,
                                "an instanceof pattern here", "test it in an if, a return or an assignment");
                        return CodeBlock.of("false");
                    }
                    facts.reads.add(match);
                    return CodeBlock.of("$N", match);
                }
                return CodeBlock.of("$L instanceof $T", print(test.getExpression(), facts),
                        resolver.typeOfTypeTree(test.getType()).erasure().typeName());
            }
            case UNARY_MINUS, UNARY_PLUS, LOGICAL_COMPLEMENT, BITWISE_COMPLEMENT -> {
                UnaryTree unary = (UnaryTree) expression;
                return CodeBlock.of("$L$L", OPERATORS.get(expression.getKind()), print(unary.getExpression(), facts));
            }
            case ASSIGNMENT, PLUS_ASSIGNMENT, MINUS_ASSIGNMENT, MULTIPLY_ASSIGNMENT, DIVIDE_ASSIGNMENT,
                    REMAINDER_ASSIGNMENT, PREFIX_INCREMENT, POSTFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_DECREMENT,
                    AND_ASSIGNMENT, OR_ASSIGNMENT, XOR_ASSIGNMENT, LEFT_SHIFT_ASSIGNMENT, RIGHT_SHIFT_ASSIGNMENT,
                    UNSIGNED_RIGHT_SHIFT_ASSIGNMENT -> {
                diagnostics.error(expression, Messages.SIDE_EFFECT_IN_EXPRESSION, "an assignment or increment");
                return CodeBlock.of("$L", source.text(expression));
            }
            default -> {
                if (expression instanceof BinaryTree binary && OPERATORS.containsKey(expression.getKind())) {
                    return CodeBlock.of("$L $L $L", print(binary.getLeftOperand(), facts),
                            OPERATORS.get(expression.getKind()), print(binary.getRightOperand(), facts));
                }
            }
        }
        diagnostics.error(expression, Messages.UNSUPPORTED_EXPRESSION, "'" + source.text(expression) + "'",
                "compute it outside the differentiable method and pass it in");
        return CodeBlock.of("$L", source.text(expression));
    }

    private CodeBlock identifier(IdentifierTree identifier, Facts facts) {
        String name = identifier.getName().toString();
        if (name.equals("this") && locals.self() != null) {
            return CodeBlock.of("$N", locals.self());
        }
        String local = locals.lookup(name);
        if (local != null) {
            facts.reads.add(local);
            return CodeBlock.of("$N", local);
        }
        VariableElement field = resolver.ownField(name);
        if (field != null) {
            return fieldAccess(identifier, field, facts);
        }
        TypeElement type = resolver.resolveType(name);
        if (type != null) {
            return CodeBlock.of("$T", ClassName.get(type));
        }
        diagnostics.error(identifier, Messages.UNRESOLVED, "'" + name + "'", "declare it before use");
        return CodeBlock.of("$L", name);
    }

    /** A field read by its simple name (or a static field): qualified with its class or the receiver. */
    CodeBlock fieldAccess(Tree site, VariableElement field, Facts facts) {
        String name = field.getSimpleName().toString();
        if (isRecordComponent(field)) {
            // A record's fields are private; its accessors are not, and return the same final value.
            return CodeBlock.of("$N.$N()", locals.self(), name);
        }
        checkAccessible(site, field);
        facts.stable &= field.getModifiers().contains(Modifier.FINAL);
        if (field.getModifiers().contains(Modifier.STATIC) || locals.self() == null) {
            return CodeBlock.of("$T.$N", ClassName.get((TypeElement) field.getEnclosingElement()), name);
        }
        return CodeBlock.of("$N.$N", locals.self(), name);
    }

    /** A record component's private field, read through its accessor. */
    private static boolean isRecordComponent(VariableElement field) {
        return !field.getModifiers().contains(Modifier.STATIC)
                && field.getEnclosingElement() instanceof TypeElement record
                && record.getKind() == javax.lang.model.element.ElementKind.RECORD
                && record.getRecordComponents().stream().anyMatch(c -> c.getSimpleName().equals(field.getSimpleName()));
    }

    /** A field read by its simple name, for callers outside printing. */
    CodeBlock fieldAccess(Tree site, VariableElement field) {
        return fieldAccess(site, field, new Facts());
    }

    private void checkAccessible(Tree site, VariableElement field) {
        access.checkMember(site, field, "field " + field.getSimpleName());
    }

    private CodeBlock call(MethodInvocationTree tree, Facts facts) {
        Facts inner = new Facts();
        // What the call is handed in values that can carry a gradient: an int, boolean or String
        // computed from a differentiated value carries none (it is piecewise constant).
        Facts received = new Facts();
        List<CodeBlock> args = new ArrayList<>();
        for (ExpressionTree argument : tree.getArguments()) {
            Facts one = new Facts();
            args.add(print(argument, one));
            inner.add(one);
            if (canCarryGradient(resolver.typeOf(argument))) {
                received.add(one);
            }
        }
        ResolvedCall call = resolver.resolveCall(tree);
        if (call == null) {
            diagnostics.error(tree, Messages.UNRESOLVED, "method '" + source.text(tree.getMethodSelect()) + "'",
                    "call a method of this class, Math, or a declared type");
            facts.add(inner);
            return CodeBlock.of("$L($L)", source.text(tree.getMethodSelect()), CodeBlock.join(args, ", "));
        }
        access.checkMember(tree, call.method(), "method " + call.name());
        if (call.onSuper()) {
            diagnostics.error(tree, Messages.UNSUPPORTED_EXPRESSION, "'" + source.text(tree) + "' here",
                    "assign the super call's value to a double, float or Tensor local first");
        }
        Facts receiver = new Facts();
        CodeBlock callee = callee(call, receiver);
        inner.add(receiver);
        if (call.receiver() != null && canCarryGradient(call.receiverType())) {
            received.add(receiver);
        }
        switch (CallKind.of(call, env)) {
            case VARIABLE_READ -> inner.touchesVariables = true;
            case DIFFERENTIABLE -> inner.touchesVariables |= env.readsVariables().test(call.method());
            case OPAQUE -> refusals.add(new Refusal(tree, Messages.NOT_DIFFERENTIABLE_CALL.format(call.describe()),
                    received.reads, received.touchesVariables || readsVariablesOf(call)));
            default -> { }
        }
        inner.stable &= CallKind.isPure(call);
        facts.add(inner);
        return CodeBlock.of("$L($L)", callee, CodeBlock.join(args, ", "));
    }

    /**
     * Whether a plain call may read a {@code Variable}'s value into something no gradient follows:
     * it is handed an object that can hold variables (a variable, a layer, a list of them, an
     * {@code Object}) or its source reads one ({@link VariableReaders}), and it returns a value
     * that can carry numbers, or nothing (it may store what it read). JDK code other than its
     * functional interfaces cannot read a variable; a {@code Variable}'s own methods are its
     * accessors and mutators; a call handing back variables or layers ({@code pick(layers, i)})
     * hands back references.
     */
    boolean readsVariablesOf(ResolvedCall call) {
        String owner = call.owner().getQualifiedName().toString();
        JType result = call.returnType();
        if (VariableHolders.isJdk(owner) || call.isOf(JType.VARIABLE.name()) || holders.holdsVariables(result)
                || !result.equals(JType.VOID) && !carriesValues(result)) {
            return false;
        }
        if (call.receiver() != null && (holders.holdsVariables(call.receiverType()) || mentionsVariables(call.receiver()))
                || call.onSelf() && holders.holdsVariables(locals.selfType())) {
            return true;
        }
        for (ExpressionTree argument : call.tree().getArguments()) {
            if (holders.holdsVariables(resolver.typeOf(argument)) || mentionsVariables(argument)) {
                return true;
            }
        }
        return readers.mayRead(call.method());
    }

    /** Whether {@code expression} is a field whose initialiser captures a variable ({@code w::get}). */
    private boolean mentionsVariables(ExpressionTree expression) {
        VariableElement field = resolver.fieldOf(ExpressionLowering.strip(expression));
        return field != null && readers.initializerMentions(field);
    }

    /** Whether a constructor handed these arguments could copy a variable's value. */
    boolean readsVariablesOf(NewClassTree creation) {
        for (ExpressionTree argument : creation.getArguments()) {
            if (holders.holdsVariables(resolver.typeOf(argument)) || mentionsVariables(argument)) {
                return !holders.holdsVariables(resolver.typeOf(creation));
            }
        }
        return false;
    }

    /**
     * Whether a result of {@code type} can carry numbers read from a variable: anything but an
     * integer, a boolean, a string or an enum constant (which carry no gradient anyway).
     */
    private boolean carriesValues(JType type) {
        JType unboxed = type.unboxed();
        if (unboxed.isPrimitive()) {
            return unboxed.isFloating();
        }
        if (type.equals(JType.STRING)) {
            return false;
        }
        TypeElement element = env.elements().getTypeElement(type.name());
        return element == null || element.getKind() != javax.lang.model.element.ElementKind.ENUM;
    }

    /** Whether a value of {@code type} can carry a gradient: anything but a non-floating primitive or a String. */
    private static boolean canCarryGradient(JType type) {
        if (type == null) {
            return true;
        }
        JType unboxed = type.unboxed();
        return !(unboxed.isPrimitive() && !unboxed.isFloating() || type.equals(JType.STRING));
    }

    /** The code naming the method a call invokes, with its receiver printed. */
    CodeBlock callee(ResolvedCall call) {
        return callee(call, new Facts());
    }

    private CodeBlock callee(ResolvedCall call, Facts facts) {
        String name = call.name();
        if (call.receiver() != null) {
            return CodeBlock.of("$L.$N", print(call.receiver(), facts), name);
        }
        if (call.onSelf() && locals.self() != null) {
            return CodeBlock.of("$N.$N", locals.self(), name);
        }
        return CodeBlock.of("$T.$N", ClassName.get(call.owner()), name);
    }
}
