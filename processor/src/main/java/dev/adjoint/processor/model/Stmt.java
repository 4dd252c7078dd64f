package dev.adjoint.processor.model;

import com.palantir.javapoet.CodeBlock;
import com.sun.source.tree.Tree;
import java.util.List;
import java.util.Set;

/**
 * A statement of a normalised body: one primitive per assignment, structured control flow only
 * ({@code return}, {@code break} and {@code continue} have become flags), every local hoisted.
 */
public sealed interface Stmt {

    /**
     * {@code target = value;}.
     *
     * @param declares whether this is the initialiser of the local's declaration, which outside a
     *     loop nothing before it can read
     */
    record Assign(String target, JType type, Prim value, boolean declares) implements Stmt {

        /** An assignment that is not a declaration. */
        public Assign(String target, JType type, Prim value) {
            this(target, type, value, false);
        }

        public String text() {
            return target + " = " + value.text() + ";";
        }
    }

    /**
     * A statement run for its effect only, such as a {@code println}, a field write, an
     * {@code assert} or a {@code throw} ({@code terminates}: nothing may follow it); forward pass only.
     */
    record Effect(CodeBlock code, boolean terminates) implements Stmt {

        /** An effect after which the block goes on. */
        public Effect(CodeBlock code) {
            this(code, false);
        }
    }

    /**
     * {@code if (condition) then else otherwise}.
     *
     * @param reads the hoisted locals the condition reads
     * @param site the source {@code if} or conditional expression, for generators' errors; null for a guard
     * @param stable whether evaluating the condition again gives the same answer when its locals
     *     hold the same values (no calls, no array elements, no mutable fields)
     */
    record If(CodeBlock condition, Set<String> reads, boolean stable, List<Stmt> then, List<Stmt> otherwise,
            Tree site) implements Stmt {

        /** A branch the processor made (a guard after a return), with no source statement. */
        public If(CodeBlock condition, Set<String> reads, boolean stable, List<Stmt> then, List<Stmt> otherwise) {
            this(condition, reads, stable, then, otherwise, null);
        }
    }

    /**
     * {@code while (condition) body} or, when {@code doWhile}, {@code do body while (condition)}; {@code site}
     * is the source loop (for generators' errors) or null.
     */
    record Loop(boolean doWhile, CodeBlock condition, List<Stmt> body, Tree site) implements Stmt {

        /** A loop without a source statement to report at. */
        public Loop(boolean doWhile, CodeBlock condition, List<Stmt> body) {
            this(doWhile, condition, body, null);
        }
    }
}
