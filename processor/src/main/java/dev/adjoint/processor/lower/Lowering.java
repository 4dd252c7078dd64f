package dev.adjoint.processor.lower;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreeScanner;
import dev.adjoint.processor.Diagnostics;
import dev.adjoint.processor.model.Atom;
import dev.adjoint.processor.model.JType;
import dev.adjoint.processor.model.LoweredMethod;
import dev.adjoint.processor.model.Names;
import dev.adjoint.processor.model.Prim;
import dev.adjoint.processor.model.Refusal;
import dev.adjoint.processor.model.Rules;
import dev.adjoint.processor.model.Stmt;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/**
 * Normalises one {@code @Differentiable} method body, read through {@code com.sun.source}: every
 * local hoisted under a unique name, one primitive per assignment, structured control flow with
 * flags. What it cannot differentiate is reported at the exact tree. The phases are
 * {@link TypeResolver} (what names and calls mean), {@link SourcePrinter} (passive code),
 * {@link ExpressionLowering} and {@link ControlFlowLowering}; the result, a {@link LoweredMethod},
 * is what every generator reads.
 */
public final class Lowering {

    private Lowering() {
    }

    /** Normalises the body of {@code method}. Check {@link Diagnostics#hasErrors()} before using the result. */
    public static LoweredMethod lower(Environment env, Diagnostics diagnostics, ExecutableElement method,
            MethodTree tree, CompilationUnitTree unit) {
        Locals locals = locals(method, tree);
        JType resultType = env.typeOf(method.getReturnType());
        for (VariableElement parameter : method.getParameters()) {
            locals.parameter(parameter.getSimpleName().toString(), env.typeOf(parameter.asType()));
        }
        String result = locals.fresh("result", resultType);
        List<Refusal> refusals = new ArrayList<>();
        Source source = new Source(unit, env.trees().getSourcePositions());
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        TypeResolver resolver = new TypeResolver(env, owner, source, locals, diagnostics);
        SourcePrinter printer = new SourcePrinter(env, resolver, locals, source, diagnostics, refusals);
        ExpressionLowering expressions = new ExpressionLowering(env, resolver, printer, locals, diagnostics, refusals);
        ControlFlowLowering statements = new ControlFlowLowering(env, resolver, printer, expressions, locals,
                diagnostics, refusals, result, resultType);
        List<Stmt> body = new ArrayList<>();
        if (tree.getBody() != null) {
            statements.block(tree.getBody().getStatements(), true, body);
        }
        // Every local becomes a field of the generated pullback, which must be able to name its type.
        Access access = new Access(env, owner, diagnostics);
        locals.hoisted().forEach((local, type) -> access.checkType(tree, type, local));
        return new LoweredMethod(method.getSimpleName().toString(), locals.parameters(), env.selectedParameters(method),
                locals.hoisted(), body, result, resultType, locals.self(), locals.selfType(), refusals, locals.names());
    }

    /**
     * Lowers a method whose derivative the user supplied: the body is not read, the value comes from
     * calling the method and the gradient from its rules.
     */
    public static LoweredMethod lowerWithRules(Environment env, ExecutableElement method, MethodTree tree, Rules rules) {
        Locals locals = locals(method, tree);
        JType resultType = env.typeOf(method.getReturnType());
        List<Atom> args = new ArrayList<>();
        for (VariableElement parameter : method.getParameters()) {
            String name = parameter.getSimpleName().toString();
            JType type = env.typeOf(parameter.asType());
            locals.parameter(name, type);
            args.add(Atom.variable(name, type));
        }
        String result = locals.fresh("result", resultType);
        String name = method.getSimpleName().toString();
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        CodeBlock callee = locals.self() == null
                ? CodeBlock.of("$T.$N", ClassName.get(owner), name) : CodeBlock.of("$N.$N", locals.self(), name);
        List<Stmt> body = List.of(new Stmt.Assign(result, resultType,
                new Prim.RuleCall(callee, name, args, args.stream().map(arg -> arg.type().erasure()).toList(), rules,
                        List.of(), false, resultType)));
        return new LoweredMethod(name, locals.parameters(), env.selectedParameters(method), locals.hoisted(), body,
                result, resultType, locals.self(), locals.selfType(), List.of(), locals.names());
    }

    /** The names of {@code method}: generated names dodge every identifier the user wrote. */
    private static Locals locals(ExecutableElement method, MethodTree tree) {
        Set<String> identifiers = new HashSet<>();
        if (tree != null) {
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
            }.scan(tree, null);
        }
        method.getParameters().forEach(parameter -> identifiers.add(parameter.getSimpleName().toString()));
        Names names = new Names(identifiers);
        method.getParameters().forEach(parameter -> names.reserve(parameter.getSimpleName().toString()));
        boolean isStatic = method.getModifiers().contains(Modifier.STATIC);
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        // A generic class is seen as Owner<?, ...>: generated code must not use raw types.
        List<JType> wildcards = owner.getTypeParameters().stream().map(parameter -> JType.wildcard(null)).toList();
        return new Locals(names, isStatic ? null : names.fresh("self"),
                isStatic ? null : new JType(owner.getQualifiedName().toString(), wildcards));
    }
}
