package dev.adjoint.openvino.export;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.core.Slice;
import dev.adjoint.core.TensorException;
import dev.adjoint.op.BinaryOp;
import dev.adjoint.op.Conv2dSpec;
import dev.adjoint.op.Op;
import dev.adjoint.op.Pool2dSpec;
import dev.adjoint.op.ReduceOp;
import dev.adjoint.op.TensorType;
import dev.adjoint.op.UnaryOp;
import dev.adjoint.op.WeakScalar;
import dev.adjoint.openvino.ir.Dimension;
import dev.adjoint.openvino.ir.NodeOutput;
import dev.adjoint.openvino.ir.PartialShape;
import java.util.Arrays;

/**
 * A symbolic tensor: a value of an IR graph being built, with {@code Tensor}'s method names and signatures, so
 * that a generated emitter reads like the method it was generated from ({@code x.matmul(w1).add(b1).relu()}).
 * Each method builds the same {@code dev.adjoint.op} record the eager method builds and hands it to
 * {@link IrGraph#apply}: the same validation and messages as eager code, then the op's IR mapping.
 *
 * <p>Methods that read values ({@code item()}, {@code toArray()}) do not exist: a value is not known until the
 * model runs, and the processor refuses such code at compile time.
 */
public final class IrTensor {
    private final IrGraph graph;
    private final NodeOutput output;
    private final TensorType type;

    IrTensor(IrGraph graph, NodeOutput output, TensorType type) {
        this.graph = graph;
        this.output = output;
        this.type = type;
    }

    /** The graph this value belongs to. */
    public IrGraph graph() {
        return graph;
    }

    /** The IR value. */
    public NodeOutput output() {
        return output;
    }

    /** The dtype and shape the op table inferred ({@link IrGraph#PROBE} in place of a dynamic dimension). */
    TensorType type() {
        return type;
    }

    public DType dtype() {
        return type.dtype();
    }

    public int rank() {
        return type.rank();
    }

    /** The IR shape, dynamic dimensions included. */
    public PartialShape partialShape() {
        return output.shape();
    }

    /**
     * The length of {@code axis}, known at export time unless the dimension is dynamic.
     *
     * @throws ExportException for a dynamic dimension
     */
    public int dim(int axis) {
        int a = type.shape().normalizeAxis("dim", axis);
        Dimension d = output.shape().get(a);
        if (!d.isStatic()) {
            throw new ExportException("dimension " + a + " of " + output.node().name() + " (shape "
                    + output.shape() + ") is dynamic, so its length is not known at export time: export with a "
                    + "static shape, or write the code without it (reshape(-1, n) instead of reshape(x.dim(0), n))");
        }
        return (int) d.length();
    }

    /** The shape; every dimension must be static (see {@link #dim}). */
    public Shape shape() {
        int[] dims = new int[rank()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = dim(i);
        }
        return Shape.of(dims);
    }

    /** The number of elements; every dimension must be static. */
    public long size() {
        return shape().size();
    }

    @Override
    public String toString() {
        return "IrTensor[" + output + ": " + output.portType() + "]";
    }

    // ---- elementwise ----

    public IrTensor unary(UnaryOp op) {
        return graph.apply(new Op.Unary(op), this);
    }

    public IrTensor neg() {
        return unary(UnaryOp.NEG);
    }

    public IrTensor abs() {
        return unary(UnaryOp.ABS);
    }

    public IrTensor sign() {
        return unary(UnaryOp.SIGN);
    }

    public IrTensor exp() {
        return unary(UnaryOp.EXP);
    }

    public IrTensor log() {
        return unary(UnaryOp.LOG);
    }

    public IrTensor log1p() {
        return unary(UnaryOp.LOG1P);
    }

    public IrTensor sqrt() {
        return unary(UnaryOp.SQRT);
    }

    public IrTensor rsqrt() {
        return unary(UnaryOp.RSQRT);
    }

    public IrTensor square() {
        return unary(UnaryOp.SQUARE);
    }

    public IrTensor sin() {
        return unary(UnaryOp.SIN);
    }

    public IrTensor cos() {
        return unary(UnaryOp.COS);
    }

    public IrTensor tanh() {
        return unary(UnaryOp.TANH);
    }

    public IrTensor sigmoid() {
        return unary(UnaryOp.SIGMOID);
    }

    public IrTensor relu() {
        return unary(UnaryOp.RELU);
    }

    public IrTensor softplus() {
        return unary(UnaryOp.SOFTPLUS);
    }

    public IrTensor erf() {
        return unary(UnaryOp.ERF);
    }

    public IrTensor gelu() {
        return unary(UnaryOp.GELU);
    }

    public IrTensor logicalNot() {
        return unary(UnaryOp.LOGICAL_NOT);
    }

    public IrTensor cast(DType dtype) {
        if (dtype == dtype()) {
            return this;
        }
        return graph.apply(new Op.Cast(dtype), this);
    }

    public IrTensor binary(BinaryOp op, IrTensor other) {
        return graph.apply(new Op.Binary(op), this, other);
    }

    public IrTensor binary(BinaryOp op, double value) {
        return binary(op, WeakScalar.of(value));
    }

    public IrTensor binary(BinaryOp op, long value) {
        return binary(op, WeakScalar.of(value));
    }

    /** A Java scalar operand, typed as {@code Tensor} types it ({@link WeakScalar#computeType}). */
    private IrTensor binary(BinaryOp op, WeakScalar scalar) {
        DType compute = scalar.computeType(op, dtype());
        IrTensor value = new IrTensor(graph, graph.weakScalar(scalar, compute), new TensorType(compute, Shape.SCALAR));
        return graph.apply(new Op.Binary(op), cast(compute), value);
    }

    public IrTensor add(IrTensor other) {
        return binary(BinaryOp.ADD, other);
    }

    public IrTensor add(double value) {
        return binary(BinaryOp.ADD, value);
    }

    public IrTensor add(long value) {
        return binary(BinaryOp.ADD, value);
    }

    public IrTensor sub(IrTensor other) {
        return binary(BinaryOp.SUB, other);
    }

    public IrTensor sub(double value) {
        return binary(BinaryOp.SUB, value);
    }

    public IrTensor sub(long value) {
        return binary(BinaryOp.SUB, value);
    }

    public IrTensor mul(IrTensor other) {
        return binary(BinaryOp.MUL, other);
    }

    public IrTensor mul(double value) {
        return binary(BinaryOp.MUL, value);
    }

    public IrTensor mul(long value) {
        return binary(BinaryOp.MUL, value);
    }

    public IrTensor div(IrTensor other) {
        return binary(BinaryOp.DIV, other);
    }

    public IrTensor div(double value) {
        return binary(BinaryOp.DIV, value);
    }

    public IrTensor div(long value) {
        return binary(BinaryOp.DIV, value);
    }

    public IrTensor pow(IrTensor exponent) {
        return binary(BinaryOp.POW, exponent);
    }

    public IrTensor pow(double exponent) {
        return binary(BinaryOp.POW, exponent);
    }

    public IrTensor pow(long exponent) {
        return binary(BinaryOp.POW, exponent);
    }

    public IrTensor maximum(IrTensor other) {
        return binary(BinaryOp.MAXIMUM, other);
    }

    public IrTensor maximum(double value) {
        return binary(BinaryOp.MAXIMUM, value);
    }

    public IrTensor maximum(long value) {
        return binary(BinaryOp.MAXIMUM, value);
    }

    public IrTensor minimum(IrTensor other) {
        return binary(BinaryOp.MINIMUM, other);
    }

    public IrTensor minimum(double value) {
        return binary(BinaryOp.MINIMUM, value);
    }

    public IrTensor minimum(long value) {
        return binary(BinaryOp.MINIMUM, value);
    }

    /** {@code maximum(low)} then {@code minimum(high)}, as {@code Tensor.clip}. */
    public IrTensor clip(double low, double high) {
        if (low > high) {
            throw new TensorException("clip", "low " + low + " is greater than high " + high);
        }
        return maximum(low).minimum(high);
    }

    public IrTensor eq(IrTensor other) {
        return binary(BinaryOp.EQUAL, other);
    }

    public IrTensor eq(double value) {
        return binary(BinaryOp.EQUAL, value);
    }

    public IrTensor ne(IrTensor other) {
        return binary(BinaryOp.NOT_EQUAL, other);
    }

    public IrTensor ne(double value) {
        return binary(BinaryOp.NOT_EQUAL, value);
    }

    public IrTensor lt(IrTensor other) {
        return binary(BinaryOp.LESS, other);
    }

    public IrTensor lt(double value) {
        return binary(BinaryOp.LESS, value);
    }

    public IrTensor le(IrTensor other) {
        return binary(BinaryOp.LESS_EQUAL, other);
    }

    public IrTensor le(double value) {
        return binary(BinaryOp.LESS_EQUAL, value);
    }

    public IrTensor gt(IrTensor other) {
        return binary(BinaryOp.GREATER, other);
    }

    public IrTensor gt(double value) {
        return binary(BinaryOp.GREATER, value);
    }

    public IrTensor ge(IrTensor other) {
        return binary(BinaryOp.GREATER_EQUAL, other);
    }

    public IrTensor ge(double value) {
        return binary(BinaryOp.GREATER_EQUAL, value);
    }

    public IrTensor logicalAnd(IrTensor other) {
        return binary(BinaryOp.LOGICAL_AND, other);
    }

    public IrTensor logicalOr(IrTensor other) {
        return binary(BinaryOp.LOGICAL_OR, other);
    }

    public IrTensor logicalXor(IrTensor other) {
        return binary(BinaryOp.LOGICAL_XOR, other);
    }

    /** {@code condition ? a : b} per element: OpenVINO's Select. */
    public static IrTensor where(IrTensor condition, IrTensor a, IrTensor b) {
        return condition.graph.apply(new Op.Where(), condition, a, b);
    }

    /**
     * What a generated emitter merges the two arms of a branch on a model value with: {@link #where}, where an arm
     * that did not assign the local ({@code null}) takes the other's value.
     */
    public static IrTensor select(IrTensor condition, IrTensor a, IrTensor b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return where(condition, a, b);
    }

    public static IrTensor where(IrTensor condition, IrTensor a, double b) {
        return where(condition, a, a.graph.scalarLike(b, a.dtype()));
    }

    public static IrTensor where(IrTensor condition, double a, IrTensor b) {
        return where(condition, b.graph.scalarLike(a, b.dtype()), b);
    }

    // ---- reductions ----

    private IrTensor reduce(ReduceOp kind, int[] axes, boolean keepDims) {
        return graph.apply(Op.Reduce.of(kind, axes, keepDims, type.shape()), this);
    }

    public IrTensor sum() {
        return reduce(ReduceOp.SUM, null, false);
    }

    public IrTensor sum(int axis) {
        return reduce(ReduceOp.SUM, new int[] {axis}, false);
    }

    public IrTensor sum(int[] axes, boolean keepDims) {
        return reduce(ReduceOp.SUM, axes, keepDims);
    }

    public IrTensor mean() {
        return reduce(ReduceOp.MEAN, null, false);
    }

    public IrTensor mean(int axis) {
        return reduce(ReduceOp.MEAN, new int[] {axis}, false);
    }

    public IrTensor mean(int[] axes, boolean keepDims) {
        return reduce(ReduceOp.MEAN, axes, keepDims);
    }

    public IrTensor max() {
        return reduce(ReduceOp.MAX, null, false);
    }

    public IrTensor max(int axis) {
        return reduce(ReduceOp.MAX, new int[] {axis}, false);
    }

    public IrTensor max(int[] axes, boolean keepDims) {
        return reduce(ReduceOp.MAX, axes, keepDims);
    }

    public IrTensor min() {
        return reduce(ReduceOp.MIN, null, false);
    }

    public IrTensor min(int axis) {
        return reduce(ReduceOp.MIN, new int[] {axis}, false);
    }

    public IrTensor min(int[] axes, boolean keepDims) {
        return reduce(ReduceOp.MIN, axes, keepDims);
    }

    public IrTensor prod() {
        return reduce(ReduceOp.PROD, null, false);
    }

    public IrTensor prod(int axis) {
        return reduce(ReduceOp.PROD, new int[] {axis}, false);
    }

    public IrTensor logSumExp() {
        return reduce(ReduceOp.LOG_SUM_EXP, null, false);
    }

    public IrTensor logSumExp(int axis) {
        return reduce(ReduceOp.LOG_SUM_EXP, new int[] {axis}, false);
    }

    public IrTensor argmax() {
        return reduce(ReduceOp.ARGMAX, null, false);
    }

    public IrTensor argmax(int axis) {
        return reduce(ReduceOp.ARGMAX, new int[] {axis}, false);
    }

    public IrTensor argmax(int axis, boolean keepDims) {
        return reduce(ReduceOp.ARGMAX, new int[] {axis}, keepDims);
    }

    public IrTensor argmin() {
        return reduce(ReduceOp.ARGMIN, null, false);
    }

    public IrTensor argmin(int axis) {
        return reduce(ReduceOp.ARGMIN, new int[] {axis}, false);
    }

    public IrTensor argmin(int axis, boolean keepDims) {
        return reduce(ReduceOp.ARGMIN, new int[] {axis}, keepDims);
    }

    public IrTensor prod(int[] axes, boolean keepDims) {
        return reduce(ReduceOp.PROD, axes, keepDims);
    }

    public IrTensor logSumExp(int[] axes, boolean keepDims) {
        return reduce(ReduceOp.LOG_SUM_EXP, axes, keepDims);
    }

    // ---- linear algebra, layout ----

    public IrTensor matmul(IrTensor other) {
        return graph.apply(Op.MatMul.PLAIN, this, other);
    }

    public static IrTensor matmul(IrTensor a, boolean transposeA, IrTensor b, boolean transposeB) {
        return a.graph.apply(new Op.MatMul(transposeA, transposeB), a, b);
    }

    /** {@code Tensor.dot}: a product for a 0-d operand, else matmul; operands of rank at most 2. */
    public IrTensor dot(IrTensor other) {
        if (rank() > 2 || other.rank() > 2) {
            throw new TensorException("dot", "supports operands of rank <= 2, got shapes " + type.shape() + " and "
                    + other.type.shape() + " (use matmul for stacks of matrices)");
        }
        if (rank() == 0 || other.rank() == 0) {
            return mul(other);
        }
        return matmul(other);
    }

    /** {@code Tensor.outer}: the flattened operands as a column times a row. */
    public IrTensor outer(IrTensor other) {
        return flatten().reshape(-1, 1).mul(other.flatten().reshape(1, -1));
    }

    /**
     * {@code Tensor.oneHot}: float32 rows with a one at each index. The eager method refuses an index outside
     * {@code [0, depth)}; in the graph, whose indices are known only when it runs, such a row is all zeros.
     */
    public IrTensor oneHot(int depth) {
        if (!dtype().isInteger()) {
            throw new TensorException("oneHot", "indices must be int32 or int64, got " + dtype());
        }
        if (depth < 0) {
            throw new TensorException("oneHot", "depth must be >= 0, got " + depth);
        }
        long[] classes = new long[depth];
        for (int i = 0; i < depth; i++) {
            classes[i] = i;
        }
        IrTensor range = new IrTensor(graph, graph.constantOf(DType.INT64, new long[] {depth}, classes),
                new TensorType(DType.INT64, Shape.of(depth)));
        return expandDims(-1).eq(range).cast(DType.FLOAT32);
    }

    public IrTensor transpose() {
        int[] perm = new int[rank()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = perm.length - 1 - i;
        }
        return permute(perm);
    }

    public IrTensor transpose(int axis1, int axis2) {
        int a = type.shape().normalizeAxis("transpose", axis1);
        int b = type.shape().normalizeAxis("transpose", axis2);
        int[] perm = new int[rank()];
        Arrays.setAll(perm, i -> i);
        perm[a] = b;
        perm[b] = a;
        return permute(perm);
    }

    public IrTensor permute(int... axes) {
        return graph.apply(new Op.Permute(axes.clone()), this);
    }

    public IrTensor reshape(int... dims) {
        return graph.apply(new Op.Reshape(dims.clone()), this);
    }

    public IrTensor flatten() {
        return reshape(-1);
    }

    /** Removes the size-1 axes; a dynamic dimension is kept (it is taken not to be 1). */
    public IrTensor squeeze() {
        int[] dims = new int[rank()];
        int n = 0;
        for (int i = 0; i < rank(); i++) {
            Dimension d = output.shape().get(i);
            if (!(d.isStatic() && d.length() == 1)) {
                dims[n++] = type.shape().dim(i);
            }
        }
        return reshape(Arrays.copyOf(dims, n));
    }

    public IrTensor squeeze(int axis) {
        int a = type.shape().normalizeAxis("squeeze", axis);
        if (type.shape().dim(a) != 1) {
            throw new TensorException("squeeze", "cannot squeeze axis " + a + " of size " + type.shape().dim(a)
                    + " in shape " + type.shape());
        }
        return reshape(type.shape().remove(a).dims());
    }

    public IrTensor expandDims(int axis) {
        int a = Shape.normalizeAxis("expandDims", axis, rank() + 1);
        return reshape(type.shape().insert(a, 1).dims());
    }

    public IrTensor broadcastTo(int... dims) {
        return graph.apply(new Op.BroadcastTo(Shape.of("broadcastTo", dims)), this);
    }

    public static IrTensor concat(int axis, IrTensor... tensors) {
        if (tensors.length == 0) {
            throw new TensorException("concat", "needs at least one tensor");
        }
        return tensors[0].graph.apply(new Op.Concat(axis), tensors);
    }

    public static IrTensor stack(int axis, IrTensor... tensors) {
        if (tensors.length == 0) {
            throw new TensorException("stack", "needs at least one tensor");
        }
        int a = Shape.normalizeAxis("stack", axis, tensors[0].rank() + 1);
        IrTensor[] expanded = new IrTensor[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            expanded[i] = tensors[i].expandDims(a);
        }
        return concat(a, expanded);
    }

    public IrTensor get(int... indices) {
        Slice[] slices = new Slice[indices.length];
        for (int i = 0; i < indices.length; i++) {
            slices[i] = Slice.at(indices[i]);
        }
        return index(slices);
    }

    public IrTensor index(Slice... slices) {
        return graph.apply(new Op.Index(slices.clone()), this);
    }

    public IrTensor gather(IrTensor indices, int axis) {
        return graph.apply(new Op.Gather(axis), this, indices);
    }

    public IrTensor pad(int[][] padding, double value) {
        return graph.apply(Op.Pad.of(padding, value, type.shape()), this);
    }

    // ---- neural-network ops ----

    public IrTensor softmax() {
        return softmax(-1);
    }

    public IrTensor softmax(int axis) {
        return graph.apply(new Op.Softmax(axis, false), this);
    }

    public IrTensor logSoftmax() {
        return logSoftmax(-1);
    }

    public IrTensor logSoftmax(int axis) {
        return graph.apply(new Op.Softmax(axis, true), this);
    }

    public IrTensor layerNorm(int axes, double eps) {
        return graph.apply(new Op.LayerNorm(axes, eps), this);
    }

    public IrTensor layerNorm(int axes, double eps, IrTensor scale, IrTensor bias) {
        return graph.apply(new Op.LayerNorm(axes, eps), this, scale, bias);
    }

    public IrTensor conv2d(IrTensor weight, int stride, int padding) {
        return conv2d(weight, Conv2dSpec.of(stride, padding));
    }

    public IrTensor conv2d(IrTensor weight, Conv2dSpec spec) {
        return graph.apply(new Op.Conv2d(spec), this, weight);
    }

    public IrTensor maxPool2d(int kernel) {
        return maxPool2d(kernel, kernel, 0);
    }

    public IrTensor maxPool2d(int kernel, int stride, int padding) {
        return pool2d(new Pool2dSpec(Pool2dSpec.Kind.MAX, kernel, kernel, stride, stride, padding, padding));
    }

    public IrTensor avgPool2d(int kernel) {
        return avgPool2d(kernel, kernel, 0);
    }

    public IrTensor avgPool2d(int kernel, int stride, int padding) {
        return pool2d(new Pool2dSpec(Pool2dSpec.Kind.AVG, kernel, kernel, stride, stride, padding, padding));
    }

    public IrTensor pool2d(Pool2dSpec spec) {
        return graph.apply(new Op.Pool2d(spec), this);
    }
}
