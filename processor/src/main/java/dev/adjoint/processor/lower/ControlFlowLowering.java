package dev.adjoint.processor.lower;

import com.palantir.javapoet.CodeBlock;
import com.sun.source.tree.AssertTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BindingPatternTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.DeconstructionPatternTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.InstanceOfTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreeScanner;
import dev.adjoint.processor.Diagnostics;
import dev.adjoint.processor.Messages;
import dev.adjoint.processor.model.Atom;
import dev.adjoint.processor.model.JType;
import dev.adjoint.processor.model.Prim;
import dev.adjoint.processor.model.Refusal;
import dev.adjoint.processor.model.Rules;
import dev.adjoint.processor.model.Stmt;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.TypeElement;

/**
 * Lowers statements to structured control flow: {@code for} and enhanced {@code for} loops become
 * {@code while} loops, and {@code return}, {@code break} and {@code continue} become boolean flags
 * that guard the rest of their block, so the reverse transform sees only assignments, {@code if}
 * and {@code while}.
 */
final class ControlFlowLowering {

    /** Flags of the innermost loop, allocated when a {@code break} or {@code continue} first needs them. */
    private static final class LoopFrame {
        String breakFlag;
        String continueFlag;
    }

    private final Environment env;
    private final TypeResolver resolver;
    private final SourcePrinter printer;
    private final ExpressionLowering expressions;
    private final Locals locals;
    private final Diagnostics diagnostics;
    private final List<Refusal> refusals;
    private final String result;
    private final JType resultType;
    private final Deque<LoopFrame> loops = new ArrayDeque<>();
    private String returnedFlag;

    ControlFlowLowering(Environment env, TypeResolver resolver, SourcePrinter printer, ExpressionLowering expressions,
            Locals locals, Diagnostics diagnostics, List<Refusal> refusals, String result, JType resultType) {
        this.env = env;
        this.resolver = resolver;
        this.printer = printer;
        this.expressions = expressions;
        this.locals = locals;
        this.diagnostics = diagnostics;
        this.refusals = refusals;
        this.result = result;
        this.resultType = resultType;
    }

    void block(List<? extends StatementTree> statements, boolean tail, List<Stmt> out) {
        locals.push();
        List<Stmt> target = out;
        for (int i = 0; i < statements.size(); i++) {
            StatementTree statement = statements.get(i);
            boolean last = i == statements.size() - 1;
            statement(statement, tail && last, target);
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
        locals.pop();
    }

    private static Stmt.If guard(List<String> flags, List<Stmt> then) {
        String condition = flags.stream().map(flag -> "!" + flag).collect(Collectors.joining(" && "));
        return new Stmt.If(CodeBlock.of(condition), Set.copyOf(flags), true, then, List.of());
    }

    private void statement(StatementTree statement, boolean tail, List<Stmt> out) {
        hoistPatterns(statement, out);
        switch (statement.getKind()) {
            case BLOCK -> block(((BlockTree) statement).getStatements(), tail, out);
            case EMPTY_STATEMENT -> { }
            case VARIABLE -> declare((VariableTree) statement, out);
            case EXPRESSION_STATEMENT -> expressionStatement(((ExpressionStatementTree) statement).getExpression(), out);
            case IF -> {
                IfTree tree = (IfTree) statement;
                SourcePrinter.Printed condition = printer.print(ExpressionLowering.strip(tree.getCondition()));
                List<Stmt> then = new ArrayList<>();
                List<Stmt> otherwise = new ArrayList<>();
                scoped(tree.getThenStatement(), tail, then);
                if (tree.getElseStatement() != null) {
                    scoped(tree.getElseStatement(), tail, otherwise);
                }
                out.add(new Stmt.If(condition.code(), condition.reads(), condition.stable(), then, otherwise, tree));
            }
            case WHILE_LOOP -> {
                WhileLoopTree tree = (WhileLoopTree) statement;
                loop(tree, false, printer.print(ExpressionLowering.strip(tree.getCondition())).code(), List.of(),
                        tree.getStatement(), List.of(), List.of(), out);
            }
            case DO_WHILE_LOOP -> {
                DoWhileLoopTree tree = (DoWhileLoopTree) statement;
                loop(tree, true, printer.print(ExpressionLowering.strip(tree.getCondition())).code(), List.of(),
                        tree.getStatement(), List.of(), List.of(), out);
            }
            case FOR_LOOP -> {
                ForLoopTree tree = (ForLoopTree) statement;
                locals.push();
                for (StatementTree init : tree.getInitializer()) {
                    statement(init, false, out);
                }
                CodeBlock condition = tree.getCondition() == null ? CodeBlock.of("true")
                        : printer.print(tree.getCondition()).code();
                loop(tree, false, condition, List.of(), tree.getStatement(), tree.getUpdate(), List.of(), out);
                locals.pop();
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
                    frame.breakFlag = locals.fresh("broke", JType.BOOLEAN);
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
                    frame.continueFlag = locals.fresh("continued", JType.BOOLEAN);
                }
                out.add(setFlag(frame.continueFlag, true));
            }
            case RETURN -> {
                ReturnTree tree = (ReturnTree) statement;
                out.add(new Stmt.Assign(result, resultType, expressions.lowerPrim(tree.getExpression(), out)));
                if (!tail || !loops.isEmpty()) {
                    if (returnedFlag == null) {
                        returnedFlag = locals.fresh("returned", JType.BOOLEAN);
                    }
                    out.add(setFlag(returnedFlag, true));
                }
            }
            case THROW -> {
                SourcePrinter.Printed thrown = printer.print(((ThrowTree) statement).getExpression());
                out.add(new Stmt.Effect(CodeBlock.of("throw $L", thrown.code()), true));
            }
            case ASSERT -> {
                AssertTree tree = (AssertTree) statement;
                CodeBlock condition = printer.print(tree.getCondition()).code();
                out.add(new Stmt.Effect(tree.getDetail() == null ? CodeBlock.of("assert $L", condition)
                        : CodeBlock.of("assert $L : $L", condition, printer.print(tree.getDetail()).code())));
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

    /**
     * Evaluates the {@code instanceof} patterns of a statement's own expressions first: the test
     * into a boolean local the printed condition reads, each binding into a local declared in the
     * enclosing scope (Java's flow scoping, widened: javac has already checked every use). The
     * subject must be stable, since it is read twice; a loop condition's patterns would have to be
     * evaluated every iteration, and are refused.
     */
    private void hoistPatterns(StatementTree statement, List<Stmt> out) {
        List<Tree> own = switch (statement) {
            case IfTree tree -> List.of(tree.getCondition());
            case VariableTree tree -> tree.getInitializer() == null ? List.of() : List.of(tree.getInitializer());
            case ExpressionStatementTree tree -> List.of(tree.getExpression());
            case ReturnTree tree -> tree.getExpression() == null ? List.of() : List.of(tree.getExpression());
            case WhileLoopTree tree -> List.of(tree.getCondition());
            case DoWhileLoopTree tree -> List.of(tree.getCondition());
            case ForLoopTree tree -> tree.getCondition() == null ? List.of() : List.of(tree.getCondition());
            default -> List.of();
        };
        boolean loop = statement instanceof WhileLoopTree || statement instanceof DoWhileLoopTree
                || statement instanceof ForLoopTree;
        for (Tree expression : own) {
            new TreeScanner<Void, Void>() {
                @Override
                public Void visitInstanceOf(InstanceOfTree node, Void unused) {
                    super.visitInstanceOf(node, unused);
                    if (node.getPattern() != null) {
                        if (loop) {
                            diagnostics.error(node, Messages.UNSUPPORTED_EXPRESSION,
                                    "an instanceof pattern in a loop condition",
                                    "test it in an if inside the loop");
                        } else {
                            hoistPattern(node, out);
                        }
                    }
                    return null;
                }

                @Override
                public Void visitLambdaExpression(com.sun.source.tree.LambdaExpressionTree node, Void unused) {
                    return null;
                }
            }.scan(expression, null);
        }
    }

    private void hoistPattern(InstanceOfTree test, List<Stmt> out) {
        JType subjectType = expressions.requireType(test.getExpression());
        SourcePrinter.Printed subject = printer.print(test.getExpression());
        if (!subject.stable()) {
            diagnostics.error(test.getExpression(), Messages.UNSUPPORTED_EXPRESSION,
                    "an instanceof pattern on '" + subject.text() + "', which the generated code would evaluate twice",
                    "assign it to a local variable first");
            return;
        }
        if (subjectType == null) {
            return;
        }
        Tree pattern = test.getPattern();
        JType tested = resolver.typeOfTypeTree(pattern instanceof BindingPatternTree binding
                ? binding.getVariable().getType() : ((DeconstructionPatternTree) pattern).getDeconstructor());
        CodeBlock cast = CodeBlock.of("(($T) $L)", tested.typeName(), subject.code());
        String match = locals.fresh("matches", JType.BOOLEAN);
        out.add(passiveAssign(match, JType.BOOLEAN, CodeBlock.of("$L instanceof $T", subject.code(),
                tested.erasure().typeName()), subject.text() + " instanceof " + tested, subject.reads(), false));
        locals.patternMatch(test, match);
        Set<String> reads = new HashSet<>(subject.reads());
        reads.add(match);
        if (pattern instanceof BindingPatternTree binding) {
            bind(binding.getVariable(), tested, CodeBlock.of("$N ? $L : null", match, cast), reads, out);
            return;
        }
        // A record pattern: each component through its accessor.
        DeconstructionPatternTree record = (DeconstructionPatternTree) pattern;
        TypeElement recordType = env.elements().getTypeElement(tested.name());
        for (int i = 0; i < record.getNestedPatterns().size(); i++) {
            if (!(record.getNestedPatterns().get(i) instanceof BindingPatternTree component)
                    || recordType == null || i >= recordType.getRecordComponents().size()) {
                diagnostics.error(record.getNestedPatterns().get(i), Messages.UNSUPPORTED_EXPRESSION,
                        "a nested record pattern", "match the inner record in an if of its own");
                continue;
            }
            String accessor = recordType.getRecordComponents().get(i).getSimpleName().toString();
            JType type = env.typeOf(recordType.getRecordComponents().get(i).asType());
            bind(component.getVariable(), type, CodeBlock.of("$N ? $L.$N() : $L", match, cast, accessor, type.zero()),
                    reads, out);
        }
    }

    private void bind(VariableTree variable, JType type, CodeBlock value, Set<String> reads, List<Stmt> out) {
        String name = locals.declare(variable.getName().toString(), type);
        out.add(passiveAssign(name, type, value, variable.getName().toString(), reads, true));
    }

    private void scoped(StatementTree statement, boolean tail, List<Stmt> out) {
        locals.push();
        statement(statement, tail, out);
        locals.pop();
    }

    private static Stmt setFlag(String flag, boolean value) {
        String text = Boolean.toString(value);
        return new Stmt.Assign(flag, JType.BOOLEAN, new Prim.Passive(CodeBlock.of(text), text, Set.of()));
    }

    private static Stmt.Assign passiveAssign(String target, JType type, CodeBlock code, String text, Set<String> reads,
            boolean declares) {
        return new Stmt.Assign(target, type, new Prim.Passive(code, text, reads), declares);
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
     * continue flag is reset each iteration, {@code prefix} starts each iteration (an enhanced
     * {@code for}'s element), and the {@code for} update and {@code suffix} (its index step) run
     * unless the loop is exiting.
     */
    private void loop(Tree tree, boolean doWhile, CodeBlock condition, List<Stmt> prefix, StatementTree body,
            List<? extends ExpressionStatementTree> updates, List<Stmt> suffix, List<Stmt> out) {
        LoopFrame frame = new LoopFrame();
        loops.push(frame);
        List<Stmt> lowered = new ArrayList<>(prefix);
        scoped(body, false, lowered);
        List<Stmt> update = new ArrayList<>();
        for (ExpressionStatementTree statement : updates) {
            expressionStatement(statement.getExpression(), update);
        }
        update.addAll(suffix);
        if (!lowered.isEmpty() && lowered.getLast() instanceof Stmt.Effect effect && effect.terminates()) {
            // The body always throws: nothing may follow it.
            update.clear();
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
        CodeBlock code = condition;
        if (!exits.isEmpty()) {
            String guards = exits.stream().map(flag -> "!" + flag).collect(Collectors.joining(" && "));
            code = CodeBlock.of("$L && ($L)", guards, code);
        }
        out.add(new Stmt.Loop(doWhile, code, iteration, tree));
    }

    private void enhancedFor(EnhancedForLoopTree tree, List<Stmt> out) {
        JType iterable = resolver.typeOf(tree.getExpression());
        if (iterable != null && iterable.isTensor()) {
            tensorRows(tree, out);
        } else if (iterable != null && iterable.isArray()) {
            arrayElements(tree, iterable, out);
        } else if (iterable != null && env.iterableElement(iterable) != null) {
            iterableElements(tree, iterable, env.iterableElement(iterable), out);
        } else {
            diagnostics.error(tree.getExpression(), Messages.UNSUPPORTED_EXPRESSION,
                    "iterating over " + (iterable == null ? "this expression" : iterable.toString()),
                    "differentiable code can loop over arrays, Iterables and a Tensor's rows");
        }
    }

    private JType elementType(VariableTree variable, JType inferred) {
        return isVar(variable) ? inferred : resolver.typeOfTypeTree(variable.getType());
    }

    /** {@code for (T x : array)}: an indexed loop reading each element (data) into {@code x}. */
    private void arrayElements(EnhancedForLoopTree tree, JType iterable, List<Stmt> out) {
        SourcePrinter.Printed array = expressions.printed(tree.getExpression(), iterable);
        String arrayName = locals.fresh("array", iterable);
        out.add(passiveAssign(arrayName, iterable, array.code(), array.text(), array.reads(), false));
        String index = locals.fresh("index", JType.INT);
        out.add(passiveAssign(index, JType.INT, CodeBlock.of("0"), "0", Set.of(), true));

        locals.push();
        VariableTree variable = tree.getVariable();
        JType elementType = elementType(variable, iterable.component());
        String element = locals.declare(variable.getName().toString(), elementType);
        List<Stmt> prefix = List.of(passiveAssign(element, elementType, CodeBlock.of("$N[$N]", arrayName, index),
                arrayName + "[" + index + "]", Set.of(arrayName, index), false));
        CodeBlock condition = CodeBlock.of("$N < $N.length", index, arrayName);
        loop(tree, false, condition, prefix, tree.getStatement(), List.of(), List.of(increment(index)), out);
        locals.pop();
    }

    /**
     * {@code for (T x : iterable)} over a {@code List} or other {@code Iterable}: its iterator's
     * elements (data, such as the {@code Variable}s or layers of a model) go into {@code x}.
     */
    private void iterableElements(EnhancedForLoopTree tree, JType iterable, JType inferred, List<Stmt> out) {
        Atom source = expressions.passiveAtom(tree.getExpression(), iterable, out);
        JType elementType = elementType(tree.getVariable(), inferred);
        // Iterator<? extends E> accepts the iterator of a List<E> and of a List<? extends E> alike.
        JType iteratorType = new JType("java.util.Iterator",
                List.of(JType.wildcard(inferred.equals(JType.OBJECT) ? null : inferred)));
        String iterator = locals.fresh("iterator", iteratorType);
        out.add(passiveAssign(iterator, iteratorType, CodeBlock.of("$L.iterator()", source.code()),
                source.text() + ".iterator()", source.reads(), false));

        locals.push();
        String element = locals.declare(tree.getVariable().getName().toString(), elementType);
        CodeBlock next = elementType.equals(inferred) ? CodeBlock.of("$N.next()", iterator)
                : CodeBlock.of("($T) $N.next()", elementType.typeName(), iterator);
        List<Stmt> prefix = List.of(passiveAssign(element, elementType, next, iterator + ".next()", Set.of(iterator), false));
        loop(tree, false, CodeBlock.of("$N.hasNext()", iterator), prefix, tree.getStatement(), List.of(), List.of(), out);
        locals.pop();
    }

    /** {@code for (Tensor row : x)}: an indexed loop whose element is {@code x.get(index)}, a differentiable primitive. */
    private void tensorRows(EnhancedForLoopTree tree, List<Stmt> out) {
        // Java iterates the tensor the expression had when the loop started, whatever the body assigns.
        Atom iterated = expressions.lower(tree.getExpression(), out);
        String rows = locals.fresh("rows", JType.TENSOR);
        out.add(new Stmt.Assign(rows, JType.TENSOR, new Prim.Copy(iterated)));
        Atom tensor = Atom.variable(rows, JType.TENSOR);
        TypeElement tensorType = env.elements().getTypeElement(JType.TENSOR.name());
        Rules rules = env.derivatives().lookup(tensorType, "get").orElseThrow();
        String index = locals.fresh("index", JType.INT);
        out.add(passiveAssign(index, JType.INT, CodeBlock.of("0"), "0", Set.of(), true));

        locals.push();
        String element = locals.declare(tree.getVariable().getName().toString(), JType.TENSOR);
        // x.get(index): the varargs primal get(int...), its index packed for the rule get(Tensor, int[], Tensor).
        JType indices = new JType("int[]");
        Prim row = new Prim.RuleCall(CodeBlock.of("get"), "get", List.of(tensor, Atom.variable(index, JType.INT)),
                List.of(JType.TENSOR, indices), rules, List.of(tree.getExpression(), tree.getExpression()), true,
                JType.TENSOR, 1, indices, null);
        List<Stmt> prefix = List.of(new Stmt.Assign(element, JType.TENSOR, row));
        CodeBlock condition = CodeBlock.of("$N < $L.dim(0)", index, tensor.code());
        loop(tree, false, condition, prefix, tree.getStatement(), List.of(), List.of(increment(index)), out);
        locals.pop();
    }

    private static Stmt increment(String index) {
        return passiveAssign(index, JType.INT, CodeBlock.of("$N + 1", index), index + " + 1", Set.of(index), false);
    }

    private static boolean isVar(VariableTree variable) {
        Tree type = variable.getType();
        return type == null || (type instanceof IdentifierTree identifier && identifier.getName().contentEquals("var"));
    }

    private void declare(VariableTree variable, List<Stmt> out) {
        JType type;
        if (isVar(variable)) {
            type = variable.getInitializer() == null ? null : resolver.typeOf(variable.getInitializer());
            if (type == null) {
                diagnostics.error(variable, Messages.UNRESOLVED, "the type of '" + variable.getName() + "'",
                        "declare it with an explicit type");
                type = JType.DOUBLE;
            }
        } else {
            type = resolver.typeOfTypeTree(variable.getType());
        }
        Prim value = null;
        if (variable.getInitializer() != null) {
            value = type.isDifferentiable()
                    ? expressions.lowerPrim(variable.getInitializer(), out)
                    : expressions.passiveInto(variable.getInitializer(), type);
        }
        // Declared after its initialiser is lowered: `double x = x0 * x` may not read the new local.
        String name = locals.declare(variable.getName().toString(), type);
        if (value != null) {
            out.add(new Stmt.Assign(name, type, value, true));
        }
    }

    private void expressionStatement(ExpressionTree expression, List<Stmt> out) {
        switch (expression.getKind()) {
            case ASSIGNMENT -> {
                AssignmentTree tree = (AssignmentTree) expression;
                String target = local(tree.getVariable());
                if (target == null) {
                    write(tree, tree.getVariable(), "=", tree.getExpression(), out);
                    return;
                }
                JType type = locals.typeOf(target);
                out.add(new Stmt.Assign(target, type, type.isDifferentiable()
                        ? expressions.lowerPrim(tree.getExpression(), out)
                        : expressions.passiveInto(tree.getExpression(), type)));
            }
            case PLUS_ASSIGNMENT, MINUS_ASSIGNMENT, MULTIPLY_ASSIGNMENT, DIVIDE_ASSIGNMENT, REMAINDER_ASSIGNMENT,
                    AND_ASSIGNMENT, OR_ASSIGNMENT, XOR_ASSIGNMENT, LEFT_SHIFT_ASSIGNMENT, RIGHT_SHIFT_ASSIGNMENT,
                    UNSIGNED_RIGHT_SHIFT_ASSIGNMENT -> {
                CompoundAssignmentTree tree = (CompoundAssignmentTree) expression;
                String op = SourcePrinter.OPERATORS.get(tree.getKind());
                String target = local(tree.getVariable());
                if (target == null) {
                    write(tree, tree.getVariable(), op + "=", tree.getExpression(), out);
                    return;
                }
                expressions.update(tree, target, op, tree.getExpression(), out);
            }
            case PREFIX_INCREMENT, POSTFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_DECREMENT -> {
                UnaryTree tree = (UnaryTree) expression;
                boolean increment = tree.getKind() == Tree.Kind.PREFIX_INCREMENT
                        || tree.getKind() == Tree.Kind.POSTFIX_INCREMENT;
                String target = local(tree.getExpression());
                if (target == null) {
                    write(tree, tree.getExpression(), increment ? "++" : "--", null, out);
                    return;
                }
                expressions.update(tree, target, increment ? "+" : "-", null, out);
            }
            case METHOD_INVOCATION -> {
                // Evaluated once, in the forward pass; its value (if any) is not used.
                out.add(new Stmt.Effect(printer.print(expression).code()));
            }
            default -> diagnostics.error(expression, Messages.UNSUPPORTED_EXPRESSION,
                    "this expression statement", "write an assignment or a method call");
        }
    }

    /** The hoisted local an assignment writes, or null when it writes a field or an array element. */
    private String local(ExpressionTree target) {
        return ExpressionLowering.strip(target) instanceof IdentifierTree identifier
                ? locals.lookup(identifier.getName().toString()) : null;
    }

    /**
     * A write to a field or an array element, run once in the forward pass. Storing a
     * differentiated value there would lose its gradient, so that is refused.
     */
    private void write(Tree tree, ExpressionTree target, String op, ExpressionTree value, List<Stmt> out) {
        SourcePrinter.Printed written = printer.print(target);
        if (!(ExpressionLowering.strip(target) instanceof com.sun.source.tree.ArrayAccessTree)
                && resolver.fieldOf(ExpressionLowering.strip(target)) == null) {
            diagnostics.error(target, Messages.UNRESOLVED, "'" + printer.text(target) + "'", "declare it before use");
            return;
        }
        if (value == null) {
            out.add(new Stmt.Effect(CodeBlock.of("$L$L", written.code(), op)));
            return;
        }
        SourcePrinter.Printed printed = printer.print(value);
        Set<String> reads = new HashSet<>(printed.reads());
        if (!op.equals("=")) {
            reads.addAll(written.reads());
        }
        refusals.add(new Refusal(tree, Messages.FIELD_ASSIGNMENT.format(printer.text(target)), reads,
                printed.touchesVariables()));
        out.add(new Stmt.Effect(CodeBlock.of("$L $L $L", written.code(), op, printed.code())));
    }
}
