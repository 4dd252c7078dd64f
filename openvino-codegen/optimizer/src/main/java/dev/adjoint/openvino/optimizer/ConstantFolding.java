package dev.adjoint.openvino.optimizer;

import dev.adjoint.openvino.engine.ConstantFolder;
import dev.adjoint.openvino.engine.EngineException;
import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.NodeOutput;
import java.util.ArrayList;
import java.util.List;

/**
 * Replaces every op whose inputs are all constants by {@code Constant}s of its outputs, computed by the engine's own
 * kernel for that op ({@link ConstantFolder}, the code the engine's compiler folds with), so that a folded value
 * equals, bit for bit, what inference would have computed. Works in topological order, so whole constant subgraphs
 * collapse in one run. Counts the ops folded.
 *
 * <p>Left alone: ops the engine has no kernel for; the {@code Convert} of an f16-compressed weight (folding it
 * would store the weight in f32); ops whose kernel rejects the values (inference would report it, naming the layer);
 * and ops whose outputs would hold more than {@link #MAX_GROWTH_ELEMENTS} elements and more than their inputs
 * together (a {@code Broadcast} of a scalar to a large tensor costs less to compute than to store).
 */
public final class ConstantFolding implements Pass {
    /** Outputs beyond this many elements are folded only when they are no larger than the inputs. */
    public static final long MAX_GROWTH_ELEMENTS = 1L << 20;

    private final ConstantFolder folder;

    public ConstantFolding() {
        this(ConstantFolder.cpu());
    }

    public ConstantFolding(ConstantFolder folder) {
        this.folder = folder;
    }

    @Override
    public String name() {
        return "constant-folding";
    }

    @Override
    public Result apply(IrModel model) {
        return GraphRewriter.rewrite(model, (n, inputs, r) -> {
            if (!folder.canFold(n) || Constants.isDecompression(n)) {
                return null;
            }
            long inputElements = 0;
            List<OvTensor> values = new ArrayList<>(inputs.size());
            for (NodeOutput in : inputs) {
                if (!in.node().is("Constant")) {
                    return null;
                }
                inputElements += in.shape().elementCount().orElseThrow();
            }
            if (inputs.isEmpty()) {
                return null;
            }
            for (NodeOutput in : inputs) {
                values.add(ConstantFolder.value(in.node()));
            }
            List<OvTensor> out;
            try {
                out = folder.fold(n, values);
            } catch (EngineException | UnsupportedOperationException e) {
                return null;
            }
            long outputElements = 0;
            for (OvTensor t : out) {
                outputElements += t.size();
            }
            if (outputElements > MAX_GROWTH_ELEMENTS && outputElements > inputElements) {
                return null;
            }
            NodeOutput[] replaced = new NodeOutput[out.size()];
            for (int i = 0; i < out.size(); i++) {
                OvTensor t = out.get(i);
                long[] shape = java.util.Arrays.stream(t.dims()).asLongStream().toArray();
                String name = out.size() == 1 ? n.name() : n.name() + "." + i;
                replaced[i] = r.constant(name, t.elementType(), shape, t.toBytes()).output(0);
            }
            return GraphRewriter.Replacement.of(replaced);
        });
    }
}
