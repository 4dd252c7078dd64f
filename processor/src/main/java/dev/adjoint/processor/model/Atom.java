package dev.adjoint.processor.model;

import com.palantir.javapoet.CodeBlock;
import java.util.Set;

/**
 * An operand of a normalised statement: a local variable, or an expression that cannot carry a
 * gradient (a literal, a field, an {@code int} computation) kept inline.
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

    public boolean isVariable() {
        return variable != null;
    }
}
