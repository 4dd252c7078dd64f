package dev.adjoint.processor.model;

import com.palantir.javapoet.CodeBlock;
import java.util.Set;

/**
 * An operand of a normalised statement: a local variable, or a stable expression kept inline — one
 * whose value cannot change between the forward and the reverse pass, such as a literal, a
 * constant, a {@code final} field, or arithmetic over locals. Anything else (a call, an array
 * element, a mutable field) is first copied into a local, so the reverse pass reads exactly what
 * the forward pass read.
 *
 * @param code the Java code that reads it
 * @param text how the statement comment shows it
 * @param type its type
 * @param variable the hoisted local it reads, or {@code null} for an inline expression
 * @param reads every hoisted local the code reads
 */
public record Atom(CodeBlock code, String text, JType type, String variable, Set<String> reads) {

    public Atom {
        reads = Set.copyOf(reads);
    }

    /** An atom reading the hoisted local {@code name}. */
    public static Atom variable(String name, JType type) {
        return new Atom(CodeBlock.of("$N", name), name, type, name, Set.of(name));
    }

    /** A literal. */
    public static Atom literal(String text, JType type) {
        return new Atom(CodeBlock.of("$L", text), text, type, null, Set.of());
    }

    public boolean isVariable() {
        return variable != null;
    }
}
