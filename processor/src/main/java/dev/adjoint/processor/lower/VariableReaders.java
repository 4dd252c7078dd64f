package dev.adjoint.processor.lower;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import dev.adjoint.processor.Diagnostics;
import dev.adjoint.processor.model.JType;
import dev.adjoint.processor.model.Names;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/**
 * Whether plain code — a method that is not {@code @Differentiable}, or a field's initialiser —
 * may read a {@code Variable}: its source mentions something that can hold one (a field, parameter
 * or local of such a type), or calls a method of its class that does. A syntactic, conservative
 * question: compiled library code cannot be read, and is data.
 */
final class VariableReaders {

    /** How far calls are followed into plain code. */
    private static final int DEPTH = 4;

    private final Environment env;
    private final VariableHolders holders;
    private final Map<Element, Boolean> known = new HashMap<>();

    VariableReaders(Environment env, VariableHolders holders) {
        this.env = env;
        this.holders = holders;
    }

    /** Whether the plain method {@code method} may read a variable. */
    boolean mayRead(ExecutableElement method) {
        return mayRead(method, 0);
    }

    /** Whether the initialiser of field {@code field} (a lambda or method reference, say) mentions a variable. */
    boolean initializerMentions(VariableElement field) {
        Boolean answer = known.get(field);
        if (answer != null) {
            return answer;
        }
        known.put(field, false);
        TreePath path = env.trees().getPath(field);
        boolean mentions = path != null && path.getLeaf() instanceof VariableTree tree && tree.getInitializer() != null
                && mentions(path, tree.getInitializer(), (TypeElement) field.getEnclosingElement(), 0);
        known.put(field, mentions);
        return mentions;
    }

    private boolean mayRead(ExecutableElement method, int depth) {
        Boolean answer = known.get(method);
        if (answer != null) {
            return answer;
        }
        if (depth > DEPTH) {
            return false;
        }
        known.put(method, false);
        TreePath path = env.trees().getPath(method);
        boolean reads = path != null && path.getLeaf() instanceof MethodTree tree && tree.getBody() != null
                && mentions(path, tree, (TypeElement) method.getEnclosingElement(), depth);
        known.put(method, reads);
        return reads;
    }

    private boolean mentions(TreePath path, Tree code, TypeElement owner, int depth) {
        Locals locals = new Locals(new Names(Set.of()), null, null);
        Diagnostics quiet = new Diagnostics(env.trees(), null, path.getCompilationUnit());
        TypeResolver resolver = new TypeResolver(env, owner, new Source(path.getCompilationUnit(),
                env.trees().getSourcePositions()), locals, quiet);
        boolean[] found = new boolean[1];
        new TreeScanner<Void, Void>() {
            @Override
            public Void visitVariable(VariableTree node, Void unused) {
                if (node.getType() != null && !(node.getType() instanceof IdentifierTree var
                        && var.getName().contentEquals("var"))) {
                    found[0] |= holders.holdsVariables(resolver.typeOfTypeTree(node.getType()));
                }
                return super.visitVariable(node, unused);
            }

            @Override
            public Void visitIdentifier(IdentifierTree node, Void unused) {
                VariableElement field = resolver.ownField(node.getName().toString());
                found[0] |= field != null && holders.holdsVariables(env.typeOf(field.asType()));
                return null;
            }

            @Override
            public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
                ExpressionTree select = node.getMethodSelect();
                String name = select instanceof MemberSelectTree member ? member.getIdentifier().toString()
                        : select instanceof IdentifierTree identifier ? identifier.getName().toString() : null;
                TypeElement target = select instanceof IdentifierTree ? owner
                        : select instanceof MemberSelectTree member ? resolver.resolveType(
                                member.getExpression().toString()) : null;
                if (name != null && target != null && !found[0]) {
                    for (ExecutableElement callee : env.methods(target, name, node.getArguments().size())) {
                        found[0] |= callee.getKind() == ElementKind.METHOD && mayRead(callee, depth + 1);
                    }
                }
                return super.visitMethodInvocation(node, unused);
            }
        }.scan(code, null);
        return found[0];
    }
}
