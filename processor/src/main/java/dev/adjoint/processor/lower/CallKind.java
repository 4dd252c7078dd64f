package dev.adjoint.processor.lower;

import dev.adjoint.annotation.Differentiable;
import dev.adjoint.processor.model.JType;
import java.util.Set;

/**
 * What a call means to differentiation. Every call in a differentiable body is one of these; only
 * an {@link #OPAQUE} call is refused when it receives a differentiated value.
 */
enum CallKind {
    /** {@code v.get()} or {@code v.value()} on a {@code Variable}: a source of implicit gradients. */
    VARIABLE_READ,
    /** A {@code @Differentiable} method: its gradient comes from its generated pullback. */
    DIFFERENTIABLE,
    /** A primitive with {@code @Derivative} rules: {@code Math.exp}, {@code Tensor.matmul}, user rules. */
    RULE,
    /** A piecewise-constant {@code Tensor} op ({@code gt}, {@code argmax}, {@code shape}, ...): no gradient flows back. */
    ZERO_GRADIENT,
    /**
     * A call that only looks at a value and gives nothing differentiable back to differentiable code:
     * printing, {@code toString}, {@code Double.isNaN}, {@code Math} functions used for an {@code int}.
     */
    OBSERVER,
    /** Anything else: fine on data, a compile error on a differentiated value. */
    OPAQUE;

    /** Tensor methods whose result carries no gradient. */
    static final Set<String> ZERO_GRADIENT_TENSOR_METHODS = Set.of("eq", "ne", "lt", "le", "gt", "ge",
            "logicalAnd", "logicalOr", "logicalXor", "logicalNot", "sign", "argmax", "argmin", "shape", "dtype",
            "rank", "size", "dim", "device", "zerosLike", "onesLike", "zeros", "ones", "oneHot",
            "toString", "equals", "hashCode", "isScalar");

    private static final Set<String> OBSERVING_OWNERS = Set.of("java.lang.Math", "java.lang.StrictMath",
            "java.io.PrintStream", "java.lang.String", "java.lang.StringBuilder", "java.lang.Double",
            "java.lang.Float", "java.lang.Integer", "java.lang.Long", "java.lang.Boolean");

    private static final Set<String> OBJECT_METHODS = Set.of("toString", "equals", "hashCode");

    static CallKind of(ResolvedCall call, Environment env) {
        String name = call.name();
        if (call.isOf(JType.VARIABLE.name()) && (name.equals("get") || name.equals("value"))
                && call.method().getParameters().isEmpty()) {
            return VARIABLE_READ;
        }
        if (call.isOf(JType.TENSOR.name()) && ZERO_GRADIENT_TENSOR_METHODS.contains(name)) {
            return ZERO_GRADIENT;
        }
        if (call.method().getAnnotation(Differentiable.class) != null) {
            return DIFFERENTIABLE;
        }
        if (Elementwise.of(call.method()) != null) {
            // Bound to the rules of unary/binary; comparisons were matched as zero-gradient above.
            return RULE;
        }
        if (env.derivatives().lookup(call.owner(), name).isPresent()) {
            return RULE;
        }
        if (OBSERVING_OWNERS.contains(call.owner().getQualifiedName().toString())
                || OBJECT_METHODS.contains(name) && call.method().getParameters().size() <= 1) {
            return OBSERVER;
        }
        return OPAQUE;
    }

    /** Whether evaluating the call again gives the same value: only pure {@code Math} functions. */
    static boolean isPure(ResolvedCall call) {
        return (call.isOf("java.lang.Math") || call.isOf("java.lang.StrictMath")) && !call.name().equals("random");
    }
}
