package dev.adjoint.processor.lower;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.ArrayTypeTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.ParameterizedTypeTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.PrimitiveTypeTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreeScanner;
import dev.adjoint.annotation.Differentiable;
import dev.adjoint.processor.Diagnostics;
import dev.adjoint.processor.Messages;
import dev.adjoint.processor.model.Atom;
import dev.adjoint.processor.model.JType;
import dev.adjoint.processor.model.LoweredMethod;
import dev.adjoint.processor.model.Names;
import dev.adjoint.processor.model.Prim;
import dev.adjoint.processor.model.Rules;
import dev.adjoint.processor.model.Stmt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/**
 * Reads one {@code @Differentiable} method body through {@code com.sun.source} and normalises it:
 * every local hoisted under a unique name, one primitive per assignment, {@code for} loops as
 * {@code while} loops, and {@code return}/{@code break}/{@code continue} as boolean flags that
 * guard the rest of their block. What it cannot differentiate is reported at the exact tree.
 *
 * <p>Types are inferred from declarations and method signatures, because javac has not attributed
 * the body yet when processors run.
 */
public final class Lowering {

    private static final Map<Tree.Kind, String> OPERATORS = Map.ofEntries(
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
            Map.entry(Tree.Kind.REMAINDER_ASSIGNMENT, "%"));

    /** Tensor methods whose result carries no gradient. */
    private static final Set<String> ZERO_GRADIENT_TENSOR_METHODS = Set.of("eq", "ne", "lt", "le", "gt", "ge",
            "logicalAnd", "logicalOr", "logicalXor", "logicalNot", "sign", "argmax", "argmin", "shape", "dtype",
            "rank", "size", "dim", "zerosLike", "onesLike", "fullLike", "zeros", "ones", "full", "oneHot");

    private static final Set<Tree.Kind> COMPARISONS = Set.of(Tree.Kind.LESS_THAN, Tree.Kind.LESS_THAN_EQUAL,
            Tree.Kind.GREATER_THAN, Tree.Kind.GREATER_THAN_EQUAL, Tree.Kind.EQUAL_TO, Tree.Kind.NOT_EQUAL_TO,
            Tree.Kind.CONDITIONAL_AND, Tree.Kind.CONDITIONAL_OR, Tree.Kind.INSTANCE_OF);

    /** An expression printed for the forward pass, with what the reverse pass needs to know about it. */
    private record Printed(CodeBlock code, String text, Set<String> reads, boolean hasCall) {
    }

    /** A resolved method call. */
    private record Call(TypeElement owner, ExecutableElement method, CodeBlock callee, String calleeText,
            Atom receiver) {
    }

    /** Flags of the innermost loop, allocated when a {@code break} or {@code continue} first needs them. */
    private static final class LoopFrame {
        String breakFlag;
        String continueFlag;
    }

    private final Environment env;
    private final Diagnostics diagnostics;
    private final ExecutableElement method;
    private final MethodTree methodTree;
    private final CompilationUnitTree unit;
    private final TypeElement owner;
    private final CharSequence source;
    private final Names names;
    private final String self;
    private final Map<String, JType> parameters = new LinkedHashMap<>();
    private final Map<String, JType> locals = new LinkedHashMap<>();
    private final Deque<Map<String, String>> scopes = new ArrayDeque<>();
    private final Deque<LoopFrame> loops = new ArrayDeque<>();
    private String returnedFlag;
    private String result;
    private JType resultType;

    public Lowering(Environment env, Diagnostics diagnostics, ExecutableElement method, MethodTree methodTree,
            CompilationUnitTree unit) {
        this.env = env;
        this.diagnostics = diagnostics;
        this.method = method;
        this.methodTree = methodTree;
        this.unit = unit;
        this.owner = (TypeElement) method.getEnclosingElement();
        try {
            this.source = unit.getSourceFile().getCharContent(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> identifiers = new HashSet<>();
        new TreeScanner<Void, Void>() {
            @Override
            public Void visitIdentifier(IdentifierTree node, Void unused) {
                identifiers.add(node.getName().toString());
                return null;
            }

            @Override
            public Void visitVariable(VariableTree node, Void unused) {
                identifiers.add(node.getName().toString());
                return super.visitVariable(node, unused);
            }
        }.scan(methodTree, null);
        // User names stay as written; only generated names must dodge them.
        this.names = new Names(identifiers);
        method.getParameters().forEach(parameter -> names.reserve(parameter.getSimpleName().toString()));
        this.self = method.getModifiers().contains(Modifier.STATIC) ? null : names.fresh("self");
    }

    /** Normalises the body. Check {@link Diagnostics#hasErrors()} before using the result. */
    public LoweredMethod lower() {
        resultType = env.typeOf(method.getReturnType());
        for (VariableElement parameter : method.getParameters()) {
            parameters.put(parameter.getSimpleName().toString(), env.typeOf(parameter.asType()));
        }
        result = names.fresh("result");
        locals.put(result, resultType);
        List<Stmt> body = new ArrayList<>();
        if (methodTree.getBody() != null) {
            lowerBlock(methodTree.getBody().getStatements(), true, body);
        }
        return new LoweredMethod(method.getSimpleName().toString(), parameters, env.selectedParameters(method),
                locals, body, result, resultType, self, names);
    }

    /**
     * Lowers a method whose derivative the user supplied: the body is not read, the value comes from
     * calling the method and the gradient from its rules.
     */
    public LoweredMethod lowerWithRules(Rules rules) {
        resultType = env.typeOf(method.getReturnType());
        List<Atom> args = new ArrayList<>();
        for (VariableElement parameter : method.getParameters()) {
            String name = parameter.getSimpleName().toString();
            parameters.put(name, env.typeOf(parameter.asType()));
            args.add(Atom.variable(name, env.typeOf(parameter.asType())));
        }
        result = names.fresh("result");
        locals.put(result, resultType);
        String name = method.getSimpleName().toString();
        CodeBlock callee = self == null ? CodeBlock.of("$T.$N", ClassName.get(owner), name) : CodeBlock.of("$N.$N", self, name);
        List<Stmt> body = List.of(new Stmt.Assign(result, resultType,
                new Prim.RuleCall(callee, name, args, rules, List.of(), false, resultType)));
        return new LoweredMethod(name, parameters, env.selectedParameters(method), locals, body, result, resultType,
                self, names);
    }

    // ---------------------------------------------------------------- statements

    private void lowerBlock(List<? extends StatementTree> statements, boolean tail, List<Stmt> out) {
        scopes.push(new HashMap<>());
        List<Stmt> target = out;
        for (int i = 0; i < statements.size(); i++) {
            StatementTree statement = statements.get(i);
            boolean last = i == statements.size() - 1;
            lowerStatement(statement, tail && last, target);
            if (!last) {
                List<String> flags = exitFlags(statement);
                if (!flags.isEmpty()) {
                    // The statement may have returned, broken or continued: the rest runs only if it did not.
                    List<Stmt> rest = new ArrayList<>();
                    target.add(guard(flags, rest));
                    target = rest;
                }
            }
        }
        scopes.pop();
    }

    private Stmt.If guard(List<String> flags, List<Stmt> then) {
        String condition = flags.stream().map(flag -> "!" + flag).collect(Collectors.joining(" && "));
        return new Stmt.If(CodeBlock.of(condition), Set.copyOf(flags), true, then, List.of());
    }

    private void lowerStatement(StatementTree statement, boolean tail, List<Stmt> out) {
        switch (statement.getKind()) {
            case BLOCK -> lowerBlock(((BlockTree) statement).getStatements(), tail, out);
            case EMPTY_STATEMENT -> { }
            case VARIABLE -> declare((VariableTree) statement, out);
            case EXPRESSION_STATEMENT -> expressionStatement(((ExpressionStatementTree) statement).getExpression(), out);
            case IF -> {
                IfTree tree = (IfTree) statement;
                Printed condition = print(strip(tree.getCondition()));
                List<Stmt> then = new ArrayList<>();
                List<Stmt> otherwise = new ArrayList<>();
                lowerScoped(tree.getThenStatement(), tail, then);
                if (tree.getElseStatement() != null) {
                    lowerScoped(tree.getElseStatement(), tail, otherwise);
                }
                out.add(new Stmt.If(condition.code(), condition.reads(), !condition.hasCall(), then, otherwise));
            }
            case WHILE_LOOP -> {
                WhileLoopTree tree = (WhileLoopTree) statement;
                loop(tree, false, print(strip(tree.getCondition())), null, tree.getStatement(), List.of(), out);
            }
            case DO_WHILE_LOOP -> {
                DoWhileLoopTree tree = (DoWhileLoopTree) statement;
                loop(tree, true, print(strip(tree.getCondition())), null, tree.getStatement(), List.of(), out);
            }
            case FOR_LOOP -> {
                ForLoopTree tree = (ForLoopTree) statement;
                scopes.push(new HashMap<>());
                for (StatementTree init : tree.getInitializer()) {
                    lowerStatement(init, false, out);
                }
                Printed condition = tree.getCondition() == null
                        ? new Printed(CodeBlock.of("true"), "true", Set.of(), false)
                        : print(tree.getCondition());
                loop(tree, false, condition, null, tree.getStatement(), tree.getUpdate(), out);
                scopes.pop();
            }
            case ENHANCED_FOR_LOOP -> enhancedFor((EnhancedForLoopTree) statement, out);
            case BREAK -> {
                BreakTree tree = (BreakTree) statement;
                if (tree.getLabel() != null || loops.isEmpty()) {
                    diagnostics.error(tree, Messages.LABELED_JUMP, "break");
                    return;
                }
                LoopFrame frame = loops.peek();
                if (frame.breakFlag == null) {
                    frame.breakFlag = flag("broke");
                }
                out.add(setFlag(frame.breakFlag, true));
            }
            case CONTINUE -> {
                ContinueTree tree = (ContinueTree) statement;
                if (tree.getLabel() != null || loops.isEmpty()) {
                    diagnostics.error(tree, Messages.LABELED_JUMP, "continue");
                    return;
                }
                LoopFrame frame = loops.peek();
                if (frame.continueFlag == null) {
                    frame.continueFlag = flag("continued");
                }
                out.add(setFlag(frame.continueFlag, true));
            }
            case RETURN -> {
                ReturnTree tree = (ReturnTree) statement;
                out.add(new Stmt.Assign(result, resultType, lowerPrim(tree.getExpression(), out)));
                if (!tail || !loops.isEmpty()) {
                    if (returnedFlag == null) {
                        returnedFlag = flag("returned");
                    }
                    out.add(setFlag(returnedFlag, true));
                }
            }
            case LABELED_STATEMENT -> diagnostics.error(statement, Messages.LABELED_JUMP, "statement");
            case SWITCH -> diagnostics.error(statement, Messages.UNSUPPORTED_STATEMENT, "switch", "use if/else");
            case TRY -> diagnostics.error(statement, Messages.UNSUPPORTED_STATEMENT, "try",
                    "move the code that can fail into a non-differentiable helper called outside");
            default -> diagnostics.error(statement, Messages.UNSUPPORTED_STATEMENT,
                    statement.getKind().toString().toLowerCase().replace('_', ' '),
                    "differentiable methods accept locals, assignments, if, loops, break, continue and return");
        }
    }

    private void lowerScoped(StatementTree statement, boolean tail, List<Stmt> out) {
        scopes.push(new HashMap<>());
        lowerStatement(statement, tail, out);
        scopes.pop();
    }

    private String flag(String base) {
        String name = names.fresh(base);
        locals.put(name, JType.BOOLEAN);
        return name;
    }

    private static Stmt setFlag(String flag, boolean value) {
        String text = Boolean.toString(value);
        return new Stmt.Assign(flag, JType.BOOLEAN, new Prim.Passive(CodeBlock.of(text), text, Set.of(), null, null));
    }

    /** The flags a non-final statement may set that must stop the rest of its block. */
    private List<String> exitFlags(StatementTree statement) {
        boolean[] found = new boolean[3];
        new TreeScanner<Void, Integer>() {
            @Override
            public Void visitReturn(ReturnTree node, Integer depth) {
                found[0] = true;
                return null;
            }

            @Override
            public Void visitBreak(BreakTree node, Integer depth) {
                found[1] |= depth == 0;
                return null;
            }

            @Override
            public Void visitContinue(ContinueTree node, Integer depth) {
                found[2] |= depth == 0;
                return null;
            }

            @Override
            public Void visitWhileLoop(WhileLoopTree node, Integer depth) {
                return super.visitWhileLoop(node, depth + 1);
            }

            @Override
            public Void visitDoWhileLoop(DoWhileLoopTree node, Integer depth) {
                return super.visitDoWhileLoop(node, depth + 1);
            }

            @Override
            public Void visitForLoop(ForLoopTree node, Integer depth) {
                return super.visitForLoop(node, depth + 1);
            }

            @Override
            public Void visitEnhancedForLoop(EnhancedForLoopTree node, Integer depth) {
                return super.visitEnhancedForLoop(node, depth + 1);
            }
        }.scan(statement, 0);
        List<String> flags = new ArrayList<>();
        if (found[0] && returnedFlag != null) {
            flags.add(returnedFlag);
        }
        LoopFrame frame = loops.peek();
        if (frame != null && found[1] && frame.breakFlag != null) {
            flags.add(frame.breakFlag);
        }
        if (frame != null && found[2] && frame.continueFlag != null) {
            flags.add(frame.continueFlag);
        }
        return flags;
    }

    private static boolean containsReturn(Tree tree) {
        Boolean found = new TreeScanner<Boolean, Void>() {
            @Override
            public Boolean visitReturn(ReturnTree node, Void unused) {
                return true;
            }

            @Override
            public Boolean reduce(Boolean a, Boolean b) {
                return Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b);
            }
        }.scan(tree, null);
        return Boolean.TRUE.equals(found);
    }

    /**
     * Lowers a loop to {@code while}/{@code do}: break and return flags join the condition, the
     * continue flag is reset each iteration, and a {@code for} update runs unless the loop is exiting.
     */
    private void loop(Tree tree, boolean doWhile, Printed condition, List<Stmt> prefix, StatementTree body,
            List<? extends ExpressionStatementTree> updates, List<Stmt> out) {
        LoopFrame frame = new LoopFrame();
        loops.push(frame);
        List<Stmt> lowered = new ArrayList<>();
        if (prefix != null) {
            lowered.addAll(prefix);
        }
        lowerScoped(body, false, lowered);
        List<Stmt> update = new ArrayList<>();
        for (ExpressionStatementTree statement : updates) {
            expressionStatement(statement.getExpression(), update);
        }
        loops.pop();

        List<String> exits = new ArrayList<>();
        if (returnedFlag != null && containsReturn(tree)) {
            exits.add(returnedFlag);
        }
        if (frame.breakFlag != null) {
            exits.add(frame.breakFlag);
            out.add(setFlag(frame.breakFlag, false));
        }
        List<Stmt> iteration = new ArrayList<>();
        if (frame.continueFlag != null) {
            iteration.add(setFlag(frame.continueFlag, false));
        }
        iteration.addAll(lowered);
        if (!update.isEmpty()) {
            if (exits.isEmpty()) {
                iteration.addAll(update);
            } else {
                iteration.add(guard(exits, update));
            }
        }
        CodeBlock code = condition.code();
        if (!exits.isEmpty()) {
            String guards = exits.stream().map(flag -> "!" + flag).collect(Collectors.joining(" && "));
            code = CodeBlock.of("$L && ($L)", guards, code);
        }
        out.add(new Stmt.Loop(doWhile, code, iteration));
    }

    private void enhancedFor(EnhancedForLoopTree tree, List<Stmt> out) {
        JType iterable = typeOf(tree.getExpression());
        if (iterable != null && iterable.isTensor()) {
            tensorRows(tree, out);
            return;
        }
        if (iterable == null || !iterable.isArray()) {
            diagnostics.error(tree.getExpression(), Messages.UNSUPPORTED_EXPRESSION,
                    "iterating over " + (iterable == null ? "this expression" : iterable.name()),
                    "differentiable code can loop over arrays; use an indexed loop otherwise");
            return;
        }
        Printed array = print(tree.getExpression());
        String arrayName = names.fresh("array");
        locals.put(arrayName, iterable);
        out.add(new Stmt.Assign(arrayName, iterable,
                new Prim.Passive(array.code(), array.text(), array.reads(), tree.getExpression(), null)));
        String index = names.fresh("index");
        locals.put(index, JType.INT);
        out.add(new Stmt.Assign(index, JType.INT, new Prim.Passive(CodeBlock.of("0"), "0", Set.of(), null, null), true));

        scopes.push(new HashMap<>());
        VariableTree variable = tree.getVariable();
        JType elementType = isVar(variable) ? iterable.component() : typeOfTypeTree(variable.getType());
        String element = names.local(variable.getName().toString());
        locals.put(element, elementType);
        scopes.peek().put(variable.getName().toString(), element);
        String read = arrayName + "[" + index + "]";
        List<Stmt> prefix = List.of(new Stmt.Assign(element, elementType, new Prim.Copy(new Atom(
                CodeBlock.of("$N[$N]", arrayName, index), read, elementType, null, Set.of(arrayName, index)))));
        Printed condition = new Printed(CodeBlock.of("$N < $N.length", index, arrayName),
                index + " < " + arrayName + ".length", Set.of(index, arrayName), false);
        List<Stmt> body = new ArrayList<>();
        loop(tree, false, condition, prefix, tree.getStatement(), List.of(), body);
        Stmt.Loop loop = (Stmt.Loop) body.getLast();
        String increment = index + " + 1";
        loop.body().add(new Stmt.Assign(index, JType.INT, new Prim.Passive(CodeBlock.of("$N + 1", index), increment,
                Set.of(index), null, null)));
        out.addAll(body);
        scopes.pop();
    }

    /** {@code for (Tensor row : x)}: an indexed loop whose element is {@code x.get(index)}, a differentiable primitive. */
    private void tensorRows(EnhancedForLoopTree tree, List<Stmt> out) {
        Atom tensor = lower(tree.getExpression(), out);
        TypeElement tensorType = env.elements().getTypeElement(JType.TENSOR.name());
        Rules rules = env.derivatives().lookup(tensorType, "get").orElseThrow();
        String index = names.fresh("index");
        locals.put(index, JType.INT);
        out.add(new Stmt.Assign(index, JType.INT, new Prim.Passive(CodeBlock.of("0"), "0", Set.of(), null, null), true));

        scopes.push(new HashMap<>());
        VariableTree variable = tree.getVariable();
        String element = names.local(variable.getName().toString());
        locals.put(element, JType.TENSOR);
        scopes.peek().put(variable.getName().toString(), element);
        Prim row = new Prim.RuleCall(CodeBlock.of("get"), "get", List.of(tensor, Atom.variable(index, JType.INT)), rules,
                List.of(tree.getExpression(), tree.getExpression()), true, JType.TENSOR);
        List<Stmt> prefix = List.of(new Stmt.Assign(element, JType.TENSOR, row));
        Set<String> reads = new HashSet<>(tensor.reads());
        reads.add(index);
        Printed condition = new Printed(CodeBlock.of("$N < $L.dim(0)", index, tensor.code()),
                index + " < " + tensor.text() + ".dim(0)", reads, false);
        List<Stmt> body = new ArrayList<>();
        loop(tree, false, condition, prefix, tree.getStatement(), List.of(), body);
        Stmt.Loop loop = (Stmt.Loop) body.getLast();
        loop.body().add(new Stmt.Assign(index, JType.INT, new Prim.Passive(CodeBlock.of("$N + 1", index),
                index + " + 1", Set.of(index), null, null)));
        out.addAll(body);
        scopes.pop();
    }

    private static boolean isVar(VariableTree variable) {
        Tree type = variable.getType();
        return type == null || (type instanceof IdentifierTree identifier && identifier.getName().contentEquals("var"));
    }

    private void declare(VariableTree variable, List<Stmt> out) {
        JType type;
        if (isVar(variable)) {
            type = variable.getInitializer() == null ? null : typeOf(variable.getInitializer());
            if (type == null) {
                diagnostics.error(variable, Messages.UNRESOLVED, "the type of '" + variable.getName() + "'",
                        "declare it with an explicit type");
                type = JType.DOUBLE;
            }
        } else {
            type = typeOfTypeTree(variable.getType());
        }
        String name = names.local(variable.getName().toString());
        if (variable.getInitializer() != null) {
            Prim value = type.isDifferentiable()
                    ? lowerPrim(variable.getInitializer(), out)
                    : passive(variable.getInitializer());
            out.add(new Stmt.Assign(name, type, value, true));
        }
        locals.put(name, type);
        scopes.peek().put(variable.getName().toString(), name);
    }

    private void expressionStatement(ExpressionTree expression, List<Stmt> out) {
        switch (expression.getKind()) {
            case ASSIGNMENT -> {
                AssignmentTree tree = (AssignmentTree) expression;
                String target = assignable(tree.getVariable());
                if (target == null) {
                    return;
                }
                JType type = localType(target);
                out.add(new Stmt.Assign(target, type,
                        type.isDifferentiable() ? lowerPrim(tree.getExpression(), out) : passive(tree.getExpression())));
            }
            case PLUS_ASSIGNMENT, MINUS_ASSIGNMENT, MULTIPLY_ASSIGNMENT, DIVIDE_ASSIGNMENT, REMAINDER_ASSIGNMENT -> {
                CompoundAssignmentTree tree = (CompoundAssignmentTree) expression;
                String target = assignable(tree.getVariable());
                if (target == null) {
                    return;
                }
                String op = OPERATORS.get(tree.getKind());
                update(tree, target, op, tree.getExpression(), out);
            }
            case PREFIX_INCREMENT, POSTFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_DECREMENT -> {
                UnaryTree tree = (UnaryTree) expression;
                String target = assignable(tree.getExpression());
                if (target == null) {
                    return;
                }
                boolean increment = tree.getKind() == Tree.Kind.PREFIX_INCREMENT
                        || tree.getKind() == Tree.Kind.POSTFIX_INCREMENT;
                update(tree, target, increment ? "+" : "-", null, out);
            }
            case METHOD_INVOCATION -> {
                Printed call = print(expression);
                out.add(new Stmt.Effect(call.code()));
            }
            default -> diagnostics.error(expression, Messages.UNSUPPORTED_EXPRESSION,
                    "this expression statement", "write an assignment or a method call");
        }
    }

    /** {@code target op= operand} (operand {@code null} means the literal 1 of {@code ++}/{@code --}). */
    private void update(Tree tree, String target, String op, ExpressionTree operand, List<Stmt> out) {
        JType type = localType(target);
        if (type.isFloating()) {
            if (op.equals("%")) {
                diagnostics.error(tree, Messages.FLOATING_REMAINDER);
                return;
            }
            Atom right = operand == null
                    ? new Atom(CodeBlock.of("1"), "1", JType.INT, null, Set.of())
                    : lower(operand, out);
            out.add(new Stmt.Assign(target, type, new Prim.Arithmetic(op.charAt(0), Atom.variable(target, type), right)));
        } else {
            Printed right = operand == null
                    ? new Printed(CodeBlock.of("1"), "1", Set.of(), false)
                    : print(operand);
            Set<String> reads = new HashSet<>(right.reads());
            reads.add(target);
            JType operandType = operand == null ? JType.INT : typeOf(operand);
            CodeBlock code = CodeBlock.of("$N $L $L", target, op, right.code());
            if (type.isNumeric() && (operandType == null || !JType.promote(type, operandType).equals(type))) {
                // Compound assignment narrows implicitly; the plain assignment it becomes must say so.
                code = CodeBlock.of("($T) ($L)", type.typeName(), code);
            }
            out.add(new Stmt.Assign(target, type, new Prim.Passive(code, target + " " + op + " " + right.text(),
                    reads, tree, null)));
        }
    }

    /** The hoisted local an assignment writes, or null after reporting why it cannot. */
    private String assignable(ExpressionTree target) {
        if (target instanceof IdentifierTree identifier) {
            String local = local(identifier.getName().toString());
            if (local != null) {
                return local;
            }
        }
        diagnostics.error(target, Messages.FIELD_ASSIGNMENT, sourceText(target));
        return null;
    }

    private String local(String name) {
        for (Map<String, String> scope : scopes) {
            String hoisted = scope.get(name);
            if (hoisted != null) {
                return hoisted;
            }
        }
        return parameters.containsKey(name) ? name : null;
    }

    private JType localType(String hoisted) {
        JType type = locals.get(hoisted);
        return type != null ? type : parameters.get(hoisted);
    }

    // ---------------------------------------------------------------- expressions

    private static ExpressionTree strip(ExpressionTree expression) {
        while (expression instanceof ParenthesizedTree parenthesized) {
            expression = parenthesized.getExpression();
        }
        return expression;
    }

    /** Lowers {@code expression} to an atom, adding statements for its parts to {@code out}. */
    private Atom lower(ExpressionTree expression, List<Stmt> out) {
        JType type = typeOf(expression);
        if (type == null || !type.isDifferentiable()) {
            Printed printed = print(expression);
            JType atomType = type == null ? JType.INT : type;
            if (!printed.hasCall()) {
                return new Atom(printed.code(), printed.text(), atomType, null, printed.reads());
            }
            // A call is evaluated once, in the forward pass; the reverse pass reads the temporary.
            String temporary = temporary(atomType);
            out.add(new Stmt.Assign(temporary, atomType, new Prim.Passive(printed.code(), printed.text(),
                    printed.reads(), expression, null)));
            return Atom.variable(temporary, atomType);
        }
        Prim prim = lowerPrim(expression, out);
        if (prim instanceof Prim.Copy(Atom atom)) {
            return atom;
        }
        String temporary = temporary(type);
        out.add(new Stmt.Assign(temporary, type, prim));
        return Atom.variable(temporary, type);
    }

    private String temporary(JType type) {
        String name = names.temporary();
        locals.put(name, type);
        return name;
    }

    private Prim passive(ExpressionTree expression) {
        Printed printed = print(expression);
        return new Prim.Passive(printed.code(), printed.text(), printed.reads(), expression, null);
    }

    /** Lowers {@code expression} to one primitive over atoms. */
    private Prim lowerPrim(ExpressionTree expression, List<Stmt> out) {
        JType type = typeOf(expression);
        if (type == null) {
            diagnostics.error(expression, Messages.UNRESOLVED, "the type of '" + sourceText(expression) + "'",
                    "assign it to a local variable with an explicit type");
            return passive(expression);
        }
        if (!type.isDifferentiable()) {
            return passive(expression);
        }
        return switch (expression.getKind()) {
            case PARENTHESIZED -> lowerPrim(((ParenthesizedTree) expression).getExpression(), out);
            case IDENTIFIER, MEMBER_SELECT, ARRAY_ACCESS, INT_LITERAL, LONG_LITERAL, FLOAT_LITERAL, DOUBLE_LITERAL,
                    CHAR_LITERAL -> new Prim.Copy(leaf(expression, type));
            case UNARY_MINUS -> new Prim.Negate(lower(((UnaryTree) expression).getExpression(), out));
            case UNARY_PLUS -> lowerPrim(((UnaryTree) expression).getExpression(), out);
            case PLUS, MINUS, MULTIPLY, DIVIDE -> {
                BinaryTree tree = (BinaryTree) expression;
                Atom left = lower(tree.getLeftOperand(), out);
                Atom right = lower(tree.getRightOperand(), out);
                yield new Prim.Arithmetic(OPERATORS.get(tree.getKind()).charAt(0), left, right);
            }
            case REMAINDER -> {
                diagnostics.error(expression, Messages.FLOATING_REMAINDER);
                yield passive(expression);
            }
            case CONDITIONAL_EXPRESSION -> {
                ConditionalExpressionTree tree = (ConditionalExpressionTree) expression;
                Printed condition = print(strip(tree.getCondition()));
                String temporary = temporary(type);
                List<Stmt> then = new ArrayList<>();
                then.add(new Stmt.Assign(temporary, type, lowerPrim(tree.getTrueExpression(), then)));
                List<Stmt> otherwise = new ArrayList<>();
                otherwise.add(new Stmt.Assign(temporary, type, lowerPrim(tree.getFalseExpression(), otherwise)));
                out.add(new Stmt.If(condition.code(), condition.reads(), !condition.hasCall(), then, otherwise));
                yield new Prim.Copy(Atom.variable(temporary, type));
            }
            case TYPE_CAST -> {
                TypeCastTree tree = (TypeCastTree) expression;
                JType from = typeOf(tree.getExpression());
                if (from != null && from.isDifferentiable() && !from.equals(type)) {
                    yield new Prim.Cast(type, lower(tree.getExpression(), out));
                }
                if (type.equals(from)) {
                    yield lowerPrim(tree.getExpression(), out);
                }
                yield new Prim.Copy(leaf(expression, type));
            }
            case METHOD_INVOCATION -> lowerCall((MethodInvocationTree) expression, out);
            case ASSIGNMENT, PLUS_ASSIGNMENT, MINUS_ASSIGNMENT, MULTIPLY_ASSIGNMENT, DIVIDE_ASSIGNMENT,
                    PREFIX_INCREMENT, POSTFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_DECREMENT -> {
                diagnostics.error(expression, Messages.SIDE_EFFECT_IN_EXPRESSION, "an assignment or increment");
                yield passive(expression);
            }
            default -> {
                diagnostics.error(expression, Messages.UNSUPPORTED_EXPRESSION, "'" + sourceText(expression) + "'",
                        "compute it outside the differentiable method and pass it in");
                yield passive(expression);
            }
        };
    }

    /** A leaf operand: a local reads as a variable atom, anything else is printed inline. */
    private Atom leaf(ExpressionTree expression, JType type) {
        if (expression instanceof IdentifierTree identifier) {
            String local = local(identifier.getName().toString());
            if (local != null) {
                return Atom.variable(local, localType(local));
            }
        }
        Printed printed = print(expression);
        return new Atom(printed.code(), printed.text(), type, null, printed.reads());
    }

    private Prim lowerCall(MethodInvocationTree tree, List<Stmt> out) {
        Call call = resolveCall(tree);
        if (call == null) {
            diagnostics.error(tree, Messages.UNRESOLVED, "method '" + sourceText(tree.getMethodSelect()) + "'",
                    "differentiable code can call Math, @Differentiable methods and methods of declared types");
            return passive(tree);
        }
        ExecutableElement callee = call.method();
        String name = callee.getSimpleName().toString();
        if (call.owner().getQualifiedName().contentEquals(JType.VARIABLE.name())
                && (name.equals("get") || name.equals("value"))) {
            return new Prim.VariableRead(call.receiver().code(), call.receiver().text(), name);
        }
        if (callee.getModifiers().contains(Modifier.PRIVATE)) {
            diagnostics.error(tree, Messages.INACCESSIBLE, "method " + name);
            return passive(tree);
        }
        boolean tensorMethod = call.owner().getQualifiedName().contentEquals(JType.TENSOR.name());
        if (tensorMethod && ZERO_GRADIENT_TENSOR_METHODS.contains(name)) {
            // Comparisons, argmax and friends are piecewise constant: nothing flows back through them.
            Printed printed = print(tree);
            return new Prim.Passive(printed.code(), printed.text(), printed.reads(), null, null);
        }
        boolean differentiable = callee.getAnnotation(Differentiable.class) != null;
        Optional<Rules> rules = differentiable ? Optional.empty() : env.derivatives().lookup(call.owner(), name);
        if (!differentiable && rules.isEmpty()) {
            Printed printed = print(tree);
            return new Prim.Passive(printed.code(), printed.text(), printed.reads(), tree, describe(call));
        }
        List<Atom> args = new ArrayList<>();
        List<ExpressionTree> argTrees = new ArrayList<>();
        boolean instance = rules.isPresent() && !callee.getModifiers().contains(Modifier.STATIC)
                && tree.getMethodSelect() instanceof MemberSelectTree;
        if (instance) {
            // The receiver is the primitive's argument 0, and may itself need lowering.
            ExpressionTree receiver = ((MemberSelectTree) tree.getMethodSelect()).getExpression();
            args.add(lower(receiver, out));
            argTrees.add(receiver);
        }
        for (ExpressionTree argument : tree.getArguments()) {
            args.add(lower(argument, out));
            argTrees.add(argument);
        }
        if (rules.isPresent()) {
            CodeBlock calleeCode = instance ? CodeBlock.of("$N", name) : call.callee();
            int spreadFrom = -1;
            JType varargsType = null;
            if (callee.isVarArgs()) {
                // Arguments written one by one (x.permute(1, 0)) rather than as one array go to a rule packed.
                int fixed = callee.getParameters().size() - 1;
                varargsType = env.typeOf(callee.getParameters().get(fixed).asType());
                int count = tree.getArguments().size();
                boolean passesArray = count == fixed + 1 && varargsType.equals(typeOf(tree.getArguments().get(fixed)));
                spreadFrom = passesArray ? -1 : fixed + (instance ? 1 : 0);
            }
            return new Prim.RuleCall(calleeCode, instance ? name : call.calleeText(), args, rules.get(), argTrees,
                    instance, env.typeOf(callee.getReturnType()), spreadFrom, varargsType);
        }
        List<String> selected = env.selectedParameters(callee);
        List<String> differentiated = new ArrayList<>();
        List<JType> parameterTypes = new ArrayList<>();
        for (VariableElement parameter : callee.getParameters()) {
            String parameterName = parameter.getSimpleName().toString();
            differentiated.add(selected.contains(parameterName) ? parameterName : null);
            parameterTypes.add(env.typeOf(parameter.asType()));
        }
        TypeElement calleeOwner = (TypeElement) callee.getEnclosingElement();
        return new Prim.DifferentiableCall(call.callee(), call.calleeText(), call.receiver(), args,
                env.gradClassOf(calleeOwner), Environment.valueAndGradientsName(callee), differentiated,
                parameterTypes, tree.getArguments());
    }

    private static String describe(Call call) {
        String parameters = call.method().getParameters().stream()
                .map(parameter -> parameter.asType().toString())
                .collect(Collectors.joining(", "));
        return call.owner().getSimpleName() + "." + call.method().getSimpleName() + "(" + parameters + ")";
    }

    /** Resolves the method a call invokes from declarations alone, or returns null. */
    private Call resolveCall(MethodInvocationTree tree) {
        ExpressionTree select = tree.getMethodSelect();
        int arity = tree.getArguments().size();
        if (select instanceof IdentifierTree identifier) {
            ExecutableElement method = choose(env.methods(owner, identifier.getName().toString(), arity), tree);
            if (method == null) {
                return null;
            }
            return ownCall(method);
        }
        if (!(select instanceof MemberSelectTree member)) {
            return null;
        }
        String name = member.getIdentifier().toString();
        ExpressionTree receiver = member.getExpression();
        if (receiver instanceof IdentifierTree identifier && identifier.getName().contentEquals("this")) {
            ExecutableElement method = choose(env.methods(owner, name, arity), tree);
            return method == null ? null : ownCall(method);
        }
        JType receiverType = valueType(receiver);
        if (receiverType != null) {
            TypeElement type = env.elements().getTypeElement(receiverType.name());
            if (type == null) {
                return null;
            }
            ExecutableElement method = choose(env.methods(type, name, arity), tree);
            if (method == null) {
                return null;
            }
            Printed printed = print(receiver);
            Atom atom = new Atom(printed.code(), printed.text(), receiverType, null, printed.reads());
            return new Call(type, method, CodeBlock.of("$L.$N", printed.code(), name), printed.text() + "." + name, atom);
        }
        TypeElement type = resolveType(sourceText(receiver));
        if (type == null) {
            return null;
        }
        ExecutableElement method = choose(env.methods(type, name, arity), tree);
        if (method == null) {
            return null;
        }
        return new Call(type, method, CodeBlock.of("$T.$N", ClassName.get(type), name),
                type.getSimpleName() + "." + name, null);
    }

    private Call ownCall(ExecutableElement method) {
        String name = method.getSimpleName().toString();
        TypeElement declaring = (TypeElement) method.getEnclosingElement();
        if (method.getModifiers().contains(Modifier.STATIC) || self == null) {
            return new Call(declaring, method, CodeBlock.of("$T.$N", ClassName.get(declaring), name), name, null);
        }
        return new Call(declaring, method, CodeBlock.of("$N.$N", self, name), name,
                new Atom(CodeBlock.of("$N", self), "this", new JType(owner.getQualifiedName().toString()), null, Set.of()));
    }

    /** Picks the overload whose parameters accept the argument types with the least widening. */
    private ExecutableElement choose(List<ExecutableElement> candidates, MethodInvocationTree tree) {
        if (candidates.size() <= 1) {
            return candidates.isEmpty() ? null : candidates.getFirst();
        }
        List<JType> argumentTypes = new ArrayList<>();
        for (ExpressionTree argument : tree.getArguments()) {
            argumentTypes.add(typeOf(argument));
        }
        ExecutableElement best = null;
        int bestCost = Integer.MAX_VALUE;
        for (ExecutableElement candidate : candidates) {
            int cost = 0;
            int fixed = candidate.getParameters().size();
            for (int i = 0; i < argumentTypes.size() && cost < Integer.MAX_VALUE; i++) {
                JType argument = argumentTypes.get(i);
                JType parameter = env.typeOf(candidate.getParameters().get(Math.min(i, fixed - 1)).asType());
                if (candidate.isVarArgs() && i >= fixed - 1 && !(argument != null && argument.equals(parameter))) {
                    // Arguments spread into a varargs array match its element type.
                    parameter = parameter.component();
                }
                if (argument == null || parameter.equals(argument)) {
                    continue;
                }
                cost = parameter.acceptsByWidening(argument) ? cost + 1 : Integer.MAX_VALUE;
            }
            if (cost < bestCost) {
                best = candidate;
                bestCost = cost;
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- types

    /** The type of a value expression (a local, parameter or field), or null if it names a type. */
    private JType valueType(ExpressionTree expression) {
        if (expression instanceof IdentifierTree identifier) {
            String name = identifier.getName().toString();
            if (name.equals("this")) {
                return new JType(owner.getQualifiedName().toString());
            }
            String local = local(name);
            if (local != null) {
                return localType(local);
            }
            VariableElement field = env.field(owner, name);
            return field == null ? null : env.typeOf(field.asType());
        }
        if (expression instanceof MemberSelectTree && resolveType(sourceText(expression)) != null) {
            return null;
        }
        return typeOf(expression);
    }

    /** The inferred type of {@code expression}, or null when the processor cannot tell. */
    private JType typeOf(ExpressionTree expression) {
        return switch (expression.getKind()) {
            case INT_LITERAL -> JType.INT;
            case LONG_LITERAL -> JType.LONG;
            case FLOAT_LITERAL -> JType.FLOAT;
            case DOUBLE_LITERAL -> JType.DOUBLE;
            case BOOLEAN_LITERAL -> JType.BOOLEAN;
            case CHAR_LITERAL -> JType.CHAR;
            case STRING_LITERAL -> JType.STRING;
            case PARENTHESIZED -> typeOf(((ParenthesizedTree) expression).getExpression());
            case IDENTIFIER -> valueType(expression);
            case MEMBER_SELECT -> {
                MemberSelectTree member = (MemberSelectTree) expression;
                String name = member.getIdentifier().toString();
                JType receiver = valueType(member.getExpression());
                if (receiver != null && receiver.isArray() && name.equals("length")) {
                    yield JType.INT;
                }
                TypeElement type = receiver != null
                        ? env.elements().getTypeElement(receiver.name())
                        : resolveType(sourceText(member.getExpression()));
                VariableElement field = type == null ? null : env.field(type, name);
                yield field == null ? null : env.typeOf(field.asType());
            }
            case ARRAY_ACCESS -> {
                JType array = typeOf(((ArrayAccessTree) expression).getExpression());
                yield array != null && array.isArray() ? array.component() : null;
            }
            case UNARY_MINUS, UNARY_PLUS, BITWISE_COMPLEMENT -> {
                JType operand = typeOf(((UnaryTree) expression).getExpression());
                yield operand == null || operand.isTensor() ? operand : JType.promote(operand, JType.INT);
            }
            case PREFIX_INCREMENT, POSTFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_DECREMENT ->
                    typeOf(((UnaryTree) expression).getExpression());
            case LOGICAL_COMPLEMENT -> JType.BOOLEAN;
            case CONDITIONAL_EXPRESSION -> {
                ConditionalExpressionTree tree = (ConditionalExpressionTree) expression;
                JType a = typeOf(tree.getTrueExpression());
                JType b = typeOf(tree.getFalseExpression());
                if (a == null || b == null) {
                    yield null;
                }
                yield a.isNumeric() && b.isNumeric() ? JType.promote(a, b) : a;
            }
            case TYPE_CAST -> typeOfTypeTree(((TypeCastTree) expression).getType());
            case NEW_ARRAY -> {
                NewArrayTree array = (NewArrayTree) expression;
                yield array.getType() == null ? null : new JType(typeOfTypeTree(array.getType()).name() + "[]");
            }
            case METHOD_INVOCATION -> {
                Call call = resolveCall((MethodInvocationTree) expression);
                yield call == null ? null : env.typeOf(call.method().getReturnType());
            }
            default -> {
                if (COMPARISONS.contains(expression.getKind())) {
                    yield JType.BOOLEAN;
                }
                if (expression instanceof BinaryTree binary) {
                    JType a = typeOf(binary.getLeftOperand());
                    JType b = typeOf(binary.getRightOperand());
                    if (a == null || b == null) {
                        yield null;
                    }
                    if (a.equals(JType.STRING) || b.equals(JType.STRING)) {
                        yield JType.STRING;
                    }
                    if (a.equals(JType.BOOLEAN)) {
                        yield JType.BOOLEAN;
                    }
                    yield JType.promote(a, b);
                }
                yield null;
            }
        };
    }

    private JType typeOfTypeTree(Tree type) {
        if (type instanceof PrimitiveTypeTree primitive) {
            return new JType(primitive.getPrimitiveTypeKind().name().toLowerCase());
        }
        if (type instanceof ArrayTypeTree array) {
            return new JType(typeOfTypeTree(array.getType()).name() + "[]");
        }
        if (type instanceof ParameterizedTypeTree parameterized) {
            return typeOfTypeTree(parameterized.getType());
        }
        TypeElement element = resolveType(sourceText(type));
        if (element == null) {
            diagnostics.error(type, Messages.UNRESOLVED, "type '" + sourceText(type) + "'", "import it");
            return JType.DOUBLE;
        }
        return new JType(element.getQualifiedName().toString());
    }

    /** Resolves a (possibly dotted) type name as written in this compilation unit. */
    private TypeElement resolveType(String name) {
        if (name.contains(".")) {
            TypeElement qualified = env.elements().getTypeElement(name);
            if (qualified != null) {
                return qualified;
            }
            int dot = name.indexOf('.');
            TypeElement outer = resolveType(name.substring(0, dot));
            return outer == null ? null : env.elements().getTypeElement(
                    outer.getQualifiedName() + name.substring(dot));
        }
        if (local(name) != null || env.field(owner, name) != null) {
            return null;
        }
        for (TypeElement type = owner; type != null; type = enclosingType(type)) {
            if (type.getSimpleName().contentEquals(name)) {
                return type;
            }
            for (Element member : type.getEnclosedElements()) {
                if (member.getKind().isClass() || member.getKind().isInterface()) {
                    if (member.getSimpleName().contentEquals(name)) {
                        return (TypeElement) member;
                    }
                }
            }
        }
        for (ImportTree importTree : unit.getImports()) {
            if (importTree.isStatic()) {
                continue;
            }
            String imported = importTree.getQualifiedIdentifier().toString();
            if (imported.endsWith("." + name)) {
                return env.elements().getTypeElement(imported);
            }
            if (imported.endsWith(".*")) {
                TypeElement onDemand = env.elements().getTypeElement(imported.substring(0, imported.length() - 1) + name);
                if (onDemand != null) {
                    return onDemand;
                }
            }
        }
        String packageName = unit.getPackageName() == null ? "" : unit.getPackageName().toString() + ".";
        TypeElement samePackage = env.elements().getTypeElement(packageName + name);
        return samePackage != null ? samePackage : env.elements().getTypeElement("java.lang." + name);
    }

    private static TypeElement enclosingType(TypeElement type) {
        Element enclosing = type.getEnclosingElement();
        return enclosing instanceof TypeElement outer ? outer : null;
    }

    // ---------------------------------------------------------------- printing

    private String sourceText(Tree tree) {
        long start = env.trees().getSourcePositions().getStartPosition(unit, tree);
        long end = env.trees().getSourcePositions().getEndPosition(unit, tree);
        if (start < 0 || end < start) {
            return tree.toString();
        }
        return source.subSequence((int) start, (int) end).toString();
    }

    /**
     * Prints an expression for generated code without splitting it: locals get their hoisted names,
     * fields and types are qualified. Rejects anything with a side effect.
     */
    private Printed print(ExpressionTree expression) {
        Set<String> reads = new HashSet<>();
        boolean[] hasCall = new boolean[1];
        CodeBlock code = printInto(expression, reads, hasCall);
        return new Printed(code, sourceText(expression), reads, hasCall[0]);
    }

    private CodeBlock printInto(ExpressionTree expression, Set<String> reads, boolean[] hasCall) {
        switch (expression.getKind()) {
            case INT_LITERAL, LONG_LITERAL, FLOAT_LITERAL, DOUBLE_LITERAL, BOOLEAN_LITERAL, CHAR_LITERAL,
                    STRING_LITERAL, NULL_LITERAL -> {
                return CodeBlock.of("$L", sourceText(expression));
            }
            case PARENTHESIZED -> {
                return CodeBlock.of("($L)", printInto(((ParenthesizedTree) expression).getExpression(), reads, hasCall));
            }
            case IDENTIFIER -> {
                String name = ((IdentifierTree) expression).getName().toString();
                if (name.equals("this") && self != null) {
                    return CodeBlock.of("$N", self);
                }
                String local = local(name);
                if (local != null) {
                    reads.add(local);
                    return CodeBlock.of("$N", local);
                }
                VariableElement field = env.field(owner, name);
                if (field != null) {
                    return fieldAccess(expression, field);
                }
                TypeElement type = resolveType(name);
                if (type != null) {
                    return CodeBlock.of("$T", ClassName.get(type));
                }
                diagnostics.error(expression, Messages.UNRESOLVED, "'" + name + "'", "declare it before use");
                return CodeBlock.of("$L", name);
            }
            case MEMBER_SELECT -> {
                MemberSelectTree member = (MemberSelectTree) expression;
                TypeElement type = valueType(member.getExpression()) == null ? resolveType(sourceText(expression)) : null;
                if (type != null) {
                    return CodeBlock.of("$T", ClassName.get(type));
                }
                CodeBlock receiver = printInto(member.getExpression(), reads, hasCall);
                return CodeBlock.of("$L.$L", receiver, member.getIdentifier());
            }
            case ARRAY_ACCESS -> {
                ArrayAccessTree access = (ArrayAccessTree) expression;
                return CodeBlock.of("$L[$L]", printInto(access.getExpression(), reads, hasCall),
                        printInto(access.getIndex(), reads, hasCall));
            }
            case METHOD_INVOCATION -> {
                MethodInvocationTree call = (MethodInvocationTree) expression;
                List<CodeBlock> args = new ArrayList<>();
                for (ExpressionTree argument : call.getArguments()) {
                    args.add(printInto(argument, reads, hasCall));
                }
                Call resolved = resolveCall(call);
                CodeBlock callee;
                if (resolved != null) {
                    callee = resolved.callee();
                    if (resolved.receiver() != null) {
                        reads.addAll(resolved.receiver().reads());
                    }
                    // Math is pure: evaluating it again in the reverse pass is safe.
                    hasCall[0] |= !resolved.owner().getQualifiedName().contentEquals("java.lang.Math");
                } else if (call.getMethodSelect() instanceof MemberSelectTree member) {
                    callee = CodeBlock.of("$L.$L", printInto(member.getExpression(), reads, hasCall),
                            member.getIdentifier());
                    hasCall[0] = true;
                } else {
                    diagnostics.error(expression, Messages.UNRESOLVED, "method '" + sourceText(call.getMethodSelect()) + "'",
                            "call a method of this class, Math, or a declared type");
                    callee = CodeBlock.of("$L", sourceText(call.getMethodSelect()));
                }
                return CodeBlock.of("$L($L)", callee, CodeBlock.join(args, ", "));
            }
            case CONDITIONAL_EXPRESSION -> {
                ConditionalExpressionTree tree = (ConditionalExpressionTree) expression;
                return CodeBlock.of("$L ? $L : $L", printInto(tree.getCondition(), reads, hasCall),
                        printInto(tree.getTrueExpression(), reads, hasCall),
                        printInto(tree.getFalseExpression(), reads, hasCall));
            }
            case NEW_ARRAY -> {
                // Arrays of constants, such as the axes of a reduction.
                NewArrayTree array = (NewArrayTree) expression;
                if (array.getType() == null) {
                    break;
                }
                TypeName element = typeOfTypeTree(array.getType()).typeName();
                List<CodeBlock> parts = new ArrayList<>();
                if (array.getInitializers() != null) {
                    for (ExpressionTree initializer : array.getInitializers()) {
                        parts.add(printInto(initializer, reads, hasCall));
                    }
                    return CodeBlock.of("new $T[] {$L}", element, CodeBlock.join(parts, ", "));
                }
                for (ExpressionTree dimension : array.getDimensions()) {
                    parts.add(CodeBlock.of("[$L]", printInto(dimension, reads, hasCall)));
                }
                return CodeBlock.of("new $T$L", element, CodeBlock.join(parts, ""));
            }
            case TYPE_CAST -> {
                TypeCastTree cast = (TypeCastTree) expression;
                return CodeBlock.of("($T) $L", typeOfTypeTree(cast.getType()).typeName(),
                        printInto(cast.getExpression(), reads, hasCall));
            }
            case UNARY_MINUS, UNARY_PLUS, LOGICAL_COMPLEMENT, BITWISE_COMPLEMENT -> {
                UnaryTree unary = (UnaryTree) expression;
                return CodeBlock.of("$L$L", OPERATORS.get(expression.getKind()),
                        printInto(unary.getExpression(), reads, hasCall));
            }
            case ASSIGNMENT, PLUS_ASSIGNMENT, MINUS_ASSIGNMENT, MULTIPLY_ASSIGNMENT, DIVIDE_ASSIGNMENT,
                    REMAINDER_ASSIGNMENT, PREFIX_INCREMENT, POSTFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_DECREMENT -> {
                diagnostics.error(expression, Messages.SIDE_EFFECT_IN_EXPRESSION, "an assignment or increment");
                return CodeBlock.of("$L", sourceText(expression));
            }
            default -> {
                if (expression instanceof BinaryTree binary && OPERATORS.containsKey(expression.getKind())) {
                    return CodeBlock.of("$L $L $L", printInto(binary.getLeftOperand(), reads, hasCall),
                            OPERATORS.get(expression.getKind()), printInto(binary.getRightOperand(), reads, hasCall));
                }
            }
        }
        diagnostics.error(expression, Messages.UNSUPPORTED_EXPRESSION, "'" + sourceText(expression) + "'",
                "compute it outside the differentiable method and pass it in");
        return CodeBlock.of("$L", sourceText(expression));
    }

    private CodeBlock fieldAccess(Tree site, VariableElement field) {
        if (field.getModifiers().contains(Modifier.PRIVATE)) {
            diagnostics.error(site, Messages.INACCESSIBLE, "field " + field.getSimpleName());
        }
        if (field.getModifiers().contains(Modifier.STATIC) || self == null) {
            return CodeBlock.of("$T.$N", ClassName.get((TypeElement) field.getEnclosingElement()), field.getSimpleName().toString());
        }
        return CodeBlock.of("$N.$N", self, field.getSimpleName().toString());
    }
}
