package dev.adjoint.annotation;

import dev.adjoint.op.BinaryOp;
import dev.adjoint.op.UnaryOp;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code Tensor} method as one elementwise op of the op table: {@code x.exp()} is
 * {@code x.unary(UnaryOp.EXP)}, {@code x.add(y)} is {@code x.binary(BinaryOp.ADD, y)}. The
 * processor binds the call by this identity to the op's derivative formula (through the rules of
 * {@code unary} and {@code binary}), so an elementwise op needs no rule of its own. Exactly one of
 * {@link #unary} and {@link #binary} is set.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Elementwise {

    /** The one-operand op this method is; {@link UnaryOp#LOGICAL_NOT} marks "not this kind". */
    UnaryOp[] unary() default {};

    /** The two-operand op this method is. */
    BinaryOp[] binary() default {};
}
