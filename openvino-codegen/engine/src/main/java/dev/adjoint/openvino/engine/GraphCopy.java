package dev.adjoint.openvino.engine;

import dev.adjoint.openvino.ir.GraphBuilder;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.MetaValue;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.NodeOutput;
import dev.adjoint.openvino.ir.PartialShape;
import dev.adjoint.openvino.ir.RtAttribute;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Rebuilds a graph node by node through {@link GraphBuilder}, so that every shape is inferred again. */
final class GraphCopy {
    private GraphCopy() {
    }

    /** A copy of {@code g} whose listed parameters have new shapes. */
    static IrModel withParameterShapes(IrModel g, Map<Node, PartialShape> shapes) {
        GraphBuilder b = new GraphBuilder(g.name());
        Map<Node, Node> copies = new IdentityHashMap<>();
        for (Node n : g.nodes()) {
            Node copy;
            if (n.is("Parameter")) {
                PartialShape shape = shapes.getOrDefault(n, n.outputs().get(0).shape());
                copy = b.parameter(n.name(), n.outputs().get(0).type(), shape);
            } else if (n.is("Constant")) {
                copy = b.constant(n.name(), n.outputs().get(0).type(), n.outputs().get(0).shape().lengths(),
                        n.data().orElseThrow());
            } else {
                List<NodeOutput> inputs = new ArrayList<>();
                for (NodeOutput in : n.inputs()) {
                    inputs.add(copies.get(in.node()).output(in.index()));
                }
                copy = b.op(n.type().name(), n.type().version(), n.name(), n.attributes(),
                        inputs.toArray(NodeOutput[]::new));
            }
            for (int i = 0; i < n.outputs().size(); i++) {
                b.setTensorNames(copy.output(i), n.outputs().get(i).names());
                for (Map.Entry<String, RtAttribute> e : n.outputs().get(i).rtInfo().entrySet()) {
                    b.putOutputRtInfo(copy.output(i), e.getKey(), e.getValue());
                }
            }
            for (Map.Entry<String, RtAttribute> e : n.rtInfo().entrySet()) {
                b.putRtInfo(copy, e.getKey(), e.getValue());
            }
            for (int i = 0; i < n.inputs().size(); i++) {
                for (Map.Entry<String, RtAttribute> e : n.inputRtInfo(i).entrySet()) {
                    b.putInputRtInfo(copy, i, e.getKey(), e.getValue());
                }
            }
            copies.put(n, copy);
        }
        for (Map.Entry<String, MetaValue> e : g.rtInfo().entrySet()) {
            b.putModelRtInfo(e.getKey(), e.getValue());
        }
        return b.build();
    }
}
