package dev.adjoint.processor.lower;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import dev.adjoint.processor.model.JType;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;

/**
 * A method call resolved from declarations alone.
 *
 * @param tree the call
 * @param owner the type the method was looked up in
 * @param method the method
 * @param receiver the receiver expression of {@code value.m()}, or null for a static call or an
 *     unqualified call of the enclosing class's method
 * @param receiverType the receiver's type when {@code receiver} is a value, else null
 * @param returnType the call's type, type arguments substituted from the receiver's type
 * @param onSuper whether the call is {@code super.name(...)}: the superclass's own body, no dispatch
 */
record ResolvedCall(MethodInvocationTree tree, TypeElement owner, ExecutableElement method, ExpressionTree receiver,
        JType receiverType, JType returnType, boolean onSuper) {

    ResolvedCall(MethodInvocationTree tree, TypeElement owner, ExecutableElement method, ExpressionTree receiver,
            JType receiverType, JType returnType) {
        this(tree, owner, method, receiver, receiverType, returnType, false);
    }

    boolean isStatic() {
        return method.getModifiers().contains(Modifier.STATIC);
    }

    /** An instance method of the enclosing class called without a receiver ({@code f(x)} or {@code this.f(x)}). */
    boolean onSelf() {
        return !isStatic() && receiverType == null;
    }

    boolean isOf(String qualifiedOwner) {
        return owner.getQualifiedName().contentEquals(qualifiedOwner);
    }

    String name() {
        return method.getSimpleName().toString();
    }

    /** {@code Owner.name(ParamTypes)}, for messages. */
    String describe() {
        StringBuilder text = new StringBuilder(owner.getSimpleName()).append('.').append(name()).append('(');
        for (int i = 0; i < method.getParameters().size(); i++) {
            text.append(i == 0 ? "" : ", ").append(method.getParameters().get(i).asType());
        }
        return text.append(')').toString();
    }
}
