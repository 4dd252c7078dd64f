package dev.adjoint.openvino.optimizer;

import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.Node;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Makes identical {@code Constant}s (same element type, shape and bytes) one node, read by all their readers. The
 * writer already stores identical blobs once in the {@code .bin}; this pass removes the duplicate layers themselves
 * (exporters repeat the same axes, shapes and scalars in every block), which shortens the graph and lets the engine
 * upload each value once. Counts the constants removed.
 */
public final class ConstantDeduplication implements Pass {
    @Override
    public String name() {
        return "constant-deduplication";
    }

    private record Key(ElementType type, String shape, ByteBuffer bytes) {
    }

    @Override
    public Result apply(IrModel model) {
        Map<Key, Node> seen = new HashMap<>();
        return GraphRewriter.rewrite(model, (n, inputs, r) -> {
            if (!n.is("Constant")) {
                return null;
            }
            Key key = new Key(n.outputs().get(0).type(), Arrays.toString(n.outputs().get(0).shape().lengths()),
                    n.data().orElseThrow());
            Node first = seen.get(key);
            if (first == null) {
                seen.put(key, r.copy(n, inputs));
                return null;
            }
            return GraphRewriter.Replacement.of(first.output(0));
        });
    }
}
