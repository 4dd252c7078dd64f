package dev.adjoint.openvino.optimizer;

import dev.adjoint.openvino.ir.IrModel;

/**
 * One step of the model optimizer: a rewrite of an {@link IrModel} that preserves what the model computes (up to the
 * rounding a pass documents). Models are immutable, so a pass returns a new model with the number of changes it
 * made, for the summary.
 */
public interface Pass {

    /** A short stable name, e.g. {@code "constant-folding"}: shown in the summary and used to switch a pass off. */
    String name();

    /**
     * Rewrites {@code model}.
     *
     * @throws OptimizerException when the model cannot be rewritten as asked (for a user-given reshape, say)
     */
    Result apply(IrModel model);

    /**
     * What a pass did.
     *
     * @param model the rewritten model
     * @param changes how many rewrites it made (nodes folded, fused, removed...; each pass says what it counts)
     */
    record Result(IrModel model, int changes) {
    }
}
