package dev.adjoint.openvino.engine;

import dev.adjoint.Tensor;
import dev.adjoint.core.Device;
import dev.adjoint.core.Shape;
import dev.adjoint.openvino.ir.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates one layer whose inputs are all known, with the kernel the engine runs it with — the same code the
 * compiler uses to fold constant subgraphs, offered to tools (the model optimizer's constant folding) so that a
 * folded value is bit for bit the value inference would have computed.
 *
 * <pre>{@code
 * ConstantFolder folder = ConstantFolder.cpu();
 * if (folder.canFold(node)) {
 *     List<OvTensor> out = folder.fold(node, List.of(ConstantFolder.value(a), ConstantFolder.value(b)));
 * }
 * }</pre>
 */
public final class ConstantFolder {
    private final OpTable table;
    private final Device device;

    private ConstantFolder(OpTable table, Device device) {
        this.table = table;
        this.device = device;
    }

    /** A folder that evaluates on the CPU backend (which must be on the class path). */
    public static ConstantFolder cpu() {
        return new ConstantFolder(OpTable.standard(), Device.CPU);
    }

    /**
     * Whether the engine has a kernel for this node's op version. Parameter, Constant, Result, ReadValue and Assign
     * are never foldable.
     */
    public boolean canFold(Node n) {
        return !Core.isInfrastructure(n) && table.kernel(n.type()) != null;
    }

    /**
     * The node's outputs computed from {@code inputs} (one per node input, in order), converted to the declared
     * output types and checked against the declared shapes. An output nothing reads may come back null (MaxPool's
     * indices, say) only when the kernel skips it; here every output is asked for.
     *
     * @throws EngineException naming the layer when the kernel rejects the inputs or the op has no kernel
     */
    public List<OvTensor> fold(Node n, List<OvTensor> inputs) {
        Kernel kernel = table.kernel(n.type());
        if (kernel == null || Core.isInfrastructure(n)) {
            throw new EngineException(Layer.describe(n) + " cannot be folded: no kernel for " + n.type());
        }
        return run(new Layer(n), kernel, inputs, device);
    }

    /** The value of a {@code Constant} node, decoded from its bytes. */
    public static OvTensor value(Node constant) {
        if (!constant.is("Constant")) {
            throw new IllegalArgumentException(constant + " is not a Constant");
        }
        return OvTensor.fromBytes(constant.outputs().get(0).type(),
                OpTable.ints(constant.outputs().get(0).shape().lengths()), constant.data().orElseThrow());
    }

    /** Runs a layer on known inputs; ShapeOf needs only its input's static shape. Shared with {@link Compiler}. */
    static List<OvTensor> run(Layer layer, Kernel kernel, List<OvTensor> inputs, Device device) {
        Node n = layer.node();
        try {
            List<Tensor> out;
            if (n.is("ShapeOf")) {
                long[] dims = n.input(0).shape().lengths();
                out = List.of(Tensor.of(dims, Shape.of(dims.length)).to(device));
            } else {
                List<OvTensor> on = new ArrayList<>(inputs.size());
                for (OvTensor t : inputs) {
                    on.add(OvTensor.trusted(t.elementType(), t.tensor().to(device)));
                }
                out = kernel.run(layer, on);
            }
            return Execution.conform(layer, out);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new EngineException(layer.describe() + ": " + e.getMessage(), e);
        }
    }
}
