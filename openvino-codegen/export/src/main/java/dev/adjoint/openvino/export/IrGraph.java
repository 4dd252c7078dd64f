package dev.adjoint.openvino.export;

import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.op.Op;
import dev.adjoint.op.TensorType;
import dev.adjoint.op.WeakScalar;
import dev.adjoint.openvino.engine.ElementTypes;
import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.Dimension;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.GraphBuilder;
import dev.adjoint.openvino.ir.NodeOutput;
import dev.adjoint.openvino.ir.PartialShape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The IR graph a generated emitter builds: Parameters for the exported method's inputs, Constants for the
 * {@code Variable}s it reads, and one node (or a few) per op the method runs, added through
 * {@link #apply(Op, IrTensor...)} — the same op records {@code Tensor} builds, validated and typed by the op
 * table's {@code infer}, then mapped to IR by {@link IrMapping}.
 *
 * <p>A dynamic dimension (an input's batch) has no length at export time. The op table's inference, which works
 * on lengths, sees it as {@link #PROBE}; the IR's own inference ({@link GraphBuilder}) keeps it dynamic, and each
 * static dimension the two infer must agree.
 */
public final class IrGraph {
    /** The length the op table's inference sees for a dynamic dimension. */
    static final int PROBE = 2;

    private final GraphBuilder builder;
    private final Map<String, Integer> names = new HashMap<>();
    private final List<String> parameters = new ArrayList<>();

    /** A graph for the model {@code name} (e.g. {@code "Mlp.predict"}). */
    public IrGraph(String name) {
        this.builder = new GraphBuilder(name);
    }

    GraphBuilder builder() {
        return builder;
    }

    /** A fresh friendly name for a node of {@code op}: {@code matmul}, {@code matmul_1}, ... */
    String name(String op) {
        int n = names.merge(op, 1, Integer::sum);
        return n == 1 ? op : op + "_" + (n - 1);
    }

    /** A {@code Tensor} parameter named {@code name}, typed by {@code spec}. */
    public IrTensor parameter(String name, InputSpec spec) {
        int[] dims = spec.dims();
        List<Dimension> ir = new ArrayList<>();
        int[] probe = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            ir.add(dims[i] < 0 ? Dimension.dynamic() : Dimension.of(dims[i]));
            probe[i] = dims[i] < 0 ? PROBE : dims[i];
        }
        return parameter(name, spec.dtype(), PartialShape.of(ir), Shape.of(probe));
    }

    /** A {@code double} or {@code float} parameter: an f32 Parameter of shape {@code []}. */
    public IrTensor scalarParameter(String name) {
        return parameter(name, DType.FLOAT32, PartialShape.scalar(), Shape.SCALAR);
    }

    private IrTensor parameter(String name, DType dtype, PartialShape shape, Shape probe) {
        if (parameters.contains(name)) {
            throw new IllegalArgumentException("two parameters named '" + name + "'");
        }
        parameters.add(name);
        names.merge(name, 1, Integer::sum);
        NodeOutput out = builder.parameter(name, ElementTypes.of(dtype), shape).output(0);
        builder.setTensorNames(out, List.of(name));
        return new IrTensor(this, out, new TensorType(dtype, probe));
    }

    /** A Constant holding the current value of a {@code Variable} (tensor or scalar), named after it. */
    public IrTensor variable(Variable variable) {
        String name = name(variable.name() == null || variable.name().isEmpty() ? "variable" : variable.name());
        if (variable.isTensor()) {
            return constant(variable.value(), name);
        }
        return scalar(variable.get(), name);
    }

    /** A Constant holding {@code value}'s current elements. */
    public IrTensor constant(Tensor value) {
        return constant(value, name("const"));
    }

    private IrTensor constant(Tensor value, String name) {
        ElementType type = ElementTypes.of(value.dtype());
        long[] shape = java.util.Arrays.stream(value.shape().dims()).asLongStream().toArray();
        ByteBuffer data = ByteBuffer.wrap(ElementTypes.encode(value, type)).order(ByteOrder.LITTLE_ENDIAN);
        NodeOutput out = builder.constant(name, type, shape, data).output(0);
        return new IrTensor(this, out, new TensorType(value.dtype(), value.shape()));
    }

    /**
     * A Java {@code double} as IR: an f32 Constant of shape {@code []}. Exported {@code double} code computes in
     * float32 (OpenVINO's CPU plugin has no f64 kernels worth the name); values beyond f32's precision round.
     */
    public IrTensor scalar(double value) {
        return scalar(value, name("scalar"));
    }

    private IrTensor scalar(double value, String name) {
        NodeOutput out = builder.constant(name, new long[0], (float) value).output(0);
        return new IrTensor(this, out, new TensorType(DType.FLOAT32, Shape.SCALAR));
    }

    /** A Java scalar beside a tensor of {@code tensorType}, typed as {@code Tensor.where} types it. */
    IrTensor scalarLike(double value, DType tensorType) {
        WeakScalar scalar = WeakScalar.of(value);
        DType dtype = scalar.typeBeside(tensorType);
        return new IrTensor(this, weakScalar(scalar, dtype), new TensorType(dtype, Shape.SCALAR));
    }

    /** A rank-0 Constant of {@code dtype} holding a Java scalar converted as a cast does. */
    NodeOutput weakScalar(WeakScalar scalar, DType dtype) {
        return constantOf(dtype, new long[0], scalar.toArray(dtype));
    }

    /** A Constant of {@code dtype} and {@code shape} from a Java array ({@code float[]}, {@code long[]}, ...). */
    NodeOutput constantOf(DType dtype, long[] shape, Object array) {
        Tensor values = switch (array) {
            case float[] f -> Tensor.of(f, Shape.of(f.length));
            case double[] d -> Tensor.of(d, Shape.of(d.length));
            case int[] i -> Tensor.of(i, Shape.of(i.length));
            case long[] l -> Tensor.of(l, Shape.of(l.length));
            case boolean[] b -> Tensor.of(new int[] {b[0] ? 1 : 0}, Shape.of(1)).cast(DType.BOOL);
            default -> throw new IllegalArgumentException("not a scalar array: " + array);
        };
        ElementType type = ElementTypes.of(dtype);
        ByteBuffer data = ByteBuffer.wrap(ElementTypes.encode(values, type)).order(ByteOrder.LITTLE_ENDIAN);
        return builder.constant(name("const"), type, shape, data).output(0);
    }

    /** A 1-D i64 Constant (axes, shapes, pads, orders). */
    NodeOutput i64(long... values) {
        return builder.constantI64(name("const"), new long[] {values.length}, values).output(0);
    }

    /** A 1-D i64 Constant of ints. */
    NodeOutput i64(int[] values) {
        return i64(java.util.Arrays.stream(values).asLongStream().toArray());
    }

    /** A rank-0 i64 Constant. */
    NodeOutput i64Scalar(long value) {
        return builder.constantI64(name("const"), new long[0], value).output(0);
    }

    /** Adds one IR op named after {@code opName}. */
    NodeOutput node(String type, int version, String opName, Attributes attributes, NodeOutput... inputs) {
        try {
            return builder.op(type, version, name(opName), attributes, inputs).output(0);
        } catch (IllegalArgumentException e) {
            throw new ExportException(opName + ": the IR op " + type + "-" + version + " rejects its inputs ("
                    + describe(inputs) + "): " + e.getMessage());
        }
    }

    private static String describe(NodeOutput... inputs) {
        List<String> out = new ArrayList<>();
        for (NodeOutput in : inputs) {
            out.add(in.portType().toString());
        }
        return String.join(", ", out);
    }

    /**
     * Runs {@code op} symbolically, as {@code Tensor.run} runs it eagerly: the op table validates and infers the
     * result ({@code TensorException} with the eager message otherwise), the inputs are converted to the op's
     * operand types, the op is mapped to IR, and the result is converted to the inferred dtype if the IR op
     * computed another.
     */
    public IrTensor apply(Op op, IrTensor... inputs) {
        List<TensorType> types = new ArrayList<>();
        for (IrTensor input : inputs) {
            if (input.graph() != this) {
                throw new IllegalArgumentException(op.name() + ": an input belongs to another graph");
            }
            types.add(input.type());
        }
        TensorType out = op.infer(types);
        List<DType> operandTypes = op.operandTypes(types);
        List<NodeOutput> operands = new ArrayList<>();
        List<TensorType> operandTensorTypes = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            operands.add(convert(inputs[i].output(), operandTypes.get(i)));
            operandTensorTypes.add(new TensorType(operandTypes.get(i), types.get(i).shape()));
        }
        NodeOutput result = IrMapping.emit(this, op, operands, operandTensorTypes, out);
        result = convert(result, out.dtype());
        check(op, result, out);
        return new IrTensor(this, result, out);
    }

    /** {@code value} as {@code dtype}: itself, or a Convert. */
    NodeOutput convert(NodeOutput value, DType dtype) {
        ElementType type = ElementTypes.of(dtype);
        if (value.type() == type) {
            return value;
        }
        return node("Convert", 0, "cast", Attributes.of("destination_type", type), value);
    }

    /** The IR's inference and the op table's must agree on every static dimension: a mapping bug otherwise. */
    private static void check(Op op, NodeOutput result, TensorType expected) {
        PartialShape shape = result.shape();
        boolean ok = shape.isRankStatic() && shape.rank() == expected.rank();
        for (int i = 0; ok && i < shape.rank(); i++) {
            Dimension d = shape.get(i);
            ok = !d.isStatic() || d.length() == expected.shape().dim(i);
        }
        if (!ok) {
            throw new IllegalStateException(op + ": the IR mapping gives shape " + shape + " where the op table "
                    + "infers " + expected.shape() + " (" + IrGraph.PROBE + " stands for a dynamic dimension)");
        }
    }

    /**
     * Ends the graph with one Result for {@code value}, its tensor named {@code name}, and returns the model.
     */
    public ExportedModel result(String name, IrTensor value) {
        builder.setTensorNames(value.output(), List.of(name));
        builder.result(name + "/result", value.output());
        return new ExportedModel(builder.build());
    }
}
