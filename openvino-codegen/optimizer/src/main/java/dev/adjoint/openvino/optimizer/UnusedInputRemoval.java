package dev.adjoint.openvino.optimizer;

import dev.adjoint.openvino.ir.IrModel;

/**
 * Removes model inputs ({@code Parameter}s) that nothing reads — typically those whose only reader was a
 * {@code ShapeOf} the folding passes replaced, or inputs an exporter declared but the graph never used. The model's
 * input list shrinks: callers feed the remaining inputs, by name or in their original relative order. Runs last,
 * after every pass that can take readers away. Counts the inputs removed.
 */
public final class UnusedInputRemoval implements Pass {
    @Override
    public String name() {
        return "unused-input-removal";
    }

    @Override
    public Result apply(IrModel model) {
        if (model.parameters().size() == 0) {
            return new Result(model, 0);
        }
        return GraphRewriter.rewrite(model, (n, inputs, r) -> n.is("Parameter") && r.readers(n, 0) == 0
                ? GraphRewriter.Replacement.removed() : null);
    }
}
