package dev.adjoint.openvino.optimizer;

import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.PartialShape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Replaces {@code ShapeOf} of a value whose shape is static by a {@code Constant} of that shape (in the op's
 * {@code output_type}). Exporters compute reshape targets as {@code Shape → Gather → Concat → Reshape}; once the
 * ShapeOf is a constant, {@link ConstantFolding} (which runs next) folds the rest of that subgraph, and the
 * producer of the measured value may lose its last reader. Counts the ShapeOfs replaced.
 */
public final class ShapeOfFolding implements Pass {
    @Override
    public String name() {
        return "shapeof-folding";
    }

    @Override
    public Result apply(dev.adjoint.openvino.ir.IrModel model) {
        return GraphRewriter.rewrite(model, (n, inputs, r) -> {
            if (!n.is("ShapeOf")) {
                return null;
            }
            PartialShape shape = inputs.get(0).shape();
            if (!shape.isStatic()) {
                return null;
            }
            ElementType type = n.outputs().get(0).type();
            long[] dims = shape.lengths();
            ByteBuffer b = ByteBuffer.allocate(dims.length * (type == ElementType.I32 ? 4 : 8))
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (long d : dims) {
                if (type == ElementType.I32) {
                    b.putInt(Math.toIntExact(d));
                } else {
                    b.putLong(d);
                }
            }
            Node c = r.builder().constant(n.name(), type, new long[] {dims.length}, b.flip());
            return GraphRewriter.Replacement.of(c.output(0));
        });
    }
}
