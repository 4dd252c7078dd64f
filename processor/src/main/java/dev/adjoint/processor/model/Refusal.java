package dev.adjoint.processor.model;

import com.sun.source.tree.Tree;
import java.util.Set;

/**
 * A construct that is fine on data but must be a compile error when it receives a differentiated
 * value, because no gradient could flow through it: a call without a derivative, a field or array
 * write, an array built from values. Lowering records one for each such construct; the activity
 * pass reports those that do receive an active value, at {@code site}.
 *
 * @param site the expression to report
 * @param message the complete message, tag included
 * @param reads the locals whose activity makes this an error
 * @param always whether it is an error whatever the locals: the construct itself reads a
 *     {@code Variable} or calls a method that does
 */
public record Refusal(Tree site, String message, Set<String> reads, boolean always) {

    public Refusal {
        reads = Set.copyOf(reads);
    }

    /** Whether this construct receives a differentiated value. */
    public boolean applies(Set<String> active) {
        return always || reads.stream().anyMatch(active::contains);
    }
}
