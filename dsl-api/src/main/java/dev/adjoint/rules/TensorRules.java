package dev.adjoint.rules;

import dev.adjoint.ElementwiseChain;
import dev.adjoint.Tensor;
import dev.adjoint.annotation.Derivative;
import dev.adjoint.core.DType;
import dev.adjoint.core.Device;
import dev.adjoint.core.Shape;
import dev.adjoint.core.Slice;
import dev.adjoint.op.BinaryOp;
import dev.adjoint.op.Conv2dSpec;
import dev.adjoint.op.Pointwise;
import dev.adjoint.op.Pool2dSpec;
import dev.adjoint.op.UnaryOp;
import java.util.Arrays;

/**
 * Derivative rules (VJPs) of the {@link Tensor} primitives, found by the processor through
 * {@link Derivative} like every other rule. For an instance method the receiver is argument 0.
 * A rule takes the arguments, optionally the output, then the output adjoint {@code g}; a rule
 * taking just {@code (x, g)} serves every overload of a shape-only op.
 *
 * <p>Binary rules reduce their result to the operand's shape with {@link #unbroadcast}, as JAX's
 * {@code _unbroadcast}. Grouped as in JAX's {@code lax.py}: linear, bilinear, uses-output,
 * nonlinear, reductions, shape, layout.
 */
public final class TensorRules {

    private TensorRules() {
    }

    /** Sums {@code g} over the axes broadcasting added to reach it from {@code shape}. */
    public static Tensor unbroadcast(Tensor g, Shape shape) {
        if (g.shape().equals(shape)) {
            return g;
        }
        int lead = g.rank() - shape.rank();
        int[] axes = new int[g.rank()];
        int count = 0;
        for (int axis = 0; axis < g.rank(); axis++) {
            if (axis < lead || shape.dim(axis - lead) == 1 && g.dim(axis) != 1) {
                axes[count++] = axis;
            }
        }
        Tensor reduced = count == 0 ? g : g.sum(Arrays.copyOf(axes, count), true);
        return reduced.reshape(shape.dims());
    }

    /** {@code g} broadcast back over the axes a reduction removed. */
    private static Tensor expandReduced(Tensor g, Shape input, int[] axes, boolean keepDims) {
        Tensor expanded = g;
        if (!keepDims) {
            int[] sorted = new int[axes.length];
            for (int i = 0; i < axes.length; i++) {
                sorted[i] = input.normalizeAxis("sum", axes[i]);
            }
            Arrays.sort(sorted);
            for (int axis : sorted) {
                expanded = expanded.expandDims(axis);
            }
        }
        return expanded.broadcastTo(input.dims());
    }

    private static int[] allAxes(Tensor x) {
        int[] axes = new int[x.rank()];
        Arrays.setAll(axes, i -> i);
        return axes;
    }

    private static long count(Shape input, int[] axes) {
        long n = 1;
        for (int axis : axes) {
            n *= input.dim(axis);
        }
        return n;
    }

    // ---- elementwise: one rule for every op, which states its own derivative (UnaryOp, BinaryOp) ----

    /** {@code g} times the op's derivative formula ({@link UnaryOp#derivative()}). */
    @Derivative(target = Tensor.class, of = "unary")
    public static Tensor unary(Tensor x, UnaryOp op, Tensor out, Tensor g) {
        return times(op.derivative(), g, out, x);
    }

    @Derivative(target = Tensor.class, of = "binary", argument = 0)
    public static Tensor binaryLhs(Tensor a, BinaryOp op, Tensor b, Tensor out, Tensor g) {
        return unbroadcast(times(op.derivative(0), g, out, a, b), a.shape());
    }

    public static Tensor binaryLhs(Tensor a, BinaryOp op, double b, Tensor out, Tensor g) {
        return times(op.derivative(0), g, out, a, b);
    }

    public static Tensor binaryLhs(Tensor a, BinaryOp op, long b, Tensor out, Tensor g) {
        return times(op.derivative(0), g, out, a, (double) b);
    }

    @Derivative(target = Tensor.class, of = "binary", argument = 2)
    public static Tensor binaryRhs(Tensor a, BinaryOp op, Tensor b, Tensor out, Tensor g) {
        return unbroadcast(times(op.derivative(1), g, out, a, b), b.shape());
    }

    public static double binaryRhs(Tensor a, BinaryOp op, double b, Tensor out, Tensor g) {
        return times(op.derivative(1), g, out, a, b).sum().item();
    }

    /**
     * {@code g} times {@code derivative} evaluated on the op's {@code inputs} (tensors or
     * {@code Double}s) and {@code out}: a constant scales {@code g}, a {@link Pointwise.Select}
     * selects between adjoints (so nothing leaks through its zero side), anything else multiplies.
     */
    private static Tensor times(Pointwise derivative, Tensor g, Tensor out, Object... inputs) {
        return switch (derivative) {
            case Pointwise.Constant(double c) when c == 1 -> g;
            case Pointwise.Constant(double c) when c == -1 -> g.neg();
            case Pointwise.Constant(double c) when c == 0 -> Tensor.zerosLike(g);
            // A zero side is a scalar the kernel broadcasts, not a tensor of zeros written first (relu's
            // gradient: one pass less over the tensor).
            case Pointwise.Select(Pointwise condition, Pointwise whenTrue, Pointwise.Constant(double c))
                    when c == 0 -> mask(condition, out, inputs).where(times(whenTrue, g, out, inputs), 0.0).evaluate();
            case Pointwise.Select(Pointwise condition, Pointwise.Constant(double c), Pointwise whenFalse)
                    when c == 0 -> mask(condition, out, inputs).where(0.0, times(whenFalse, g, out, inputs)).evaluate();
            case Pointwise.Select(Pointwise condition, Pointwise whenTrue, Pointwise whenFalse) -> mask(condition, out,
                    inputs).where(times(whenTrue, g, out, inputs), times(whenFalse, g, out, inputs)).evaluate();
            case Pointwise.Binary(BinaryOp op, Pointwise.Constant(double c), Pointwise divisor)
                    when op == BinaryOp.DIV && c == 1 -> divide(g, evaluate(divisor, out, inputs));
            default -> multiply(g, evaluate(derivative, out, inputs));
        };
    }

    /**
     * A select's condition as an elementwise chain to end in {@code where}: fused with the select
     * (the mask never stored) when the condition is a chain over one tensor, such as relu's
     * {@code x > 0}; else the condition computed op by op, which the select then reads.
     */
    private static ElementwiseChain mask(Pointwise condition, Tensor out, Object... inputs) {
        ElementwiseChain fused = chain(condition, out, inputs);
        return fused != null ? fused : ((Tensor) evaluate(condition, out, inputs)).chain();
    }

    /** A formula over one tensor leaf and constants as an elementwise chain; null for any other formula. */
    private static ElementwiseChain chain(Pointwise formula, Tensor out, Object... inputs) {
        return switch (formula) {
            case Pointwise.Input(int index) -> inputs[index] instanceof Tensor t ? t.chain() : null;
            case Pointwise.Output() -> out.chain();
            case Pointwise.Unary(UnaryOp op, Pointwise x) -> {
                ElementwiseChain c = chain(x, out, inputs);
                yield c == null ? null : c.apply(op);
            }
            case Pointwise.Binary(BinaryOp op, Pointwise a, Pointwise.Constant(double c)) -> {
                ElementwiseChain chain = chain(a, out, inputs);
                yield chain == null ? null : chain.apply(op, c);
            }
            default -> null;
        };
    }

    /** A pointwise formula's value: a tensor, or a {@code Double} where only scalars went in. */
    private static Object evaluate(Pointwise formula, Tensor out, Object... inputs) {
        return switch (formula) {
            case Pointwise.Input(int index) -> inputs[index];
            case Pointwise.Output() -> out;
            case Pointwise.Constant(double c) -> c;
            case Pointwise.Unary(UnaryOp op, Pointwise x) -> evaluate(x, out, inputs) instanceof Tensor t
                    ? t.unary(op) : (Object) op.apply((Double) evaluate(x, out, inputs));
            case Pointwise.Binary(BinaryOp op, Pointwise a, Pointwise b) ->
                    binary(op, evaluate(a, out, inputs), evaluate(b, out, inputs));
            case Pointwise.Select(Pointwise condition, Pointwise whenTrue, Pointwise whenFalse) -> {
                Tensor mask = (Tensor) evaluate(condition, out, inputs);
                yield Tensor.where(mask, asTensor(evaluate(whenTrue, out, inputs), mask),
                        asTensor(evaluate(whenFalse, out, inputs), mask));
            }
        };
    }

    private static Object binary(BinaryOp op, Object a, Object b) {
        if (a instanceof Tensor ta) {
            return b instanceof Tensor tb ? ta.binary(op, tb) : ta.binary(op, (double) (Double) b);
        }
        if (b instanceof Tensor tb) {
            // A scalar on the left: the same tensor-valued op with the scalar broadcast to b.
            return Tensor.fullLike(tb, (double) (Double) a).binary(op, tb);
        }
        return op.apply((Double) a, (Double) b);
    }

    private static Tensor asTensor(Object value, Tensor like) {
        // A mask is bool: the constant takes the default float type, which later ops promote.
        return value instanceof Tensor t ? t : Tensor.fullLike(like.cast(DType.FLOAT32), (double) (Double) value);
    }

    private static Tensor multiply(Tensor g, Object factor) {
        return factor instanceof Tensor t ? g.mul(t) : g.mul((double) (Double) factor);
    }

    private static Tensor divide(Tensor g, Object divisor) {
        return divisor instanceof Tensor t ? g.div(t) : g.div((double) (Double) divisor);
    }

    // ---- linear ----

    @Derivative(target = Tensor.class, of = "sum")
    public static Tensor sum(Tensor x, Tensor g) {
        return g.broadcastTo(x.shape().dims());
    }

    public static Tensor sum(Tensor x, int axis, Tensor g) {
        return expandReduced(g, x.shape(), new int[] {axis}, false);
    }

    public static Tensor sum(Tensor x, int[] axes, boolean keepDims, Tensor g) {
        return expandReduced(g, x.shape(), axes, keepDims);
    }

    @Derivative(target = Tensor.class, of = "mean")
    public static Tensor mean(Tensor x, Tensor g) {
        return g.broadcastTo(x.shape().dims()).div((double) x.size());
    }

    public static Tensor mean(Tensor x, int axis, Tensor g) {
        return expandReduced(g, x.shape(), new int[] {axis}, false).div((double) x.shape().dim(axis));
    }

    public static Tensor mean(Tensor x, int[] axes, boolean keepDims, Tensor g) {
        return expandReduced(g, x.shape(), axes, keepDims).div((double) count(x.shape(), axes));
    }

    @Derivative(target = Tensor.class, of = "transpose")
    public static Tensor transpose(Tensor x, Tensor g) {
        return g.transpose();
    }

    /** Swapping two axes is its own inverse. */
    public static Tensor transpose(Tensor x, int axis1, int axis2, Tensor g) {
        return g.transpose(axis1, axis2);
    }

    @Derivative(target = Tensor.class, of = "item")
    public static Tensor item(Tensor x, double g) {
        return Tensor.fullLike(x, g);
    }

    // ---- bilinear ----

    /**
     * Matrix product with NumPy's rules: {@code dA = g B^T}, {@code dB = A^T g} on the last two axes,
     * summed over the batch axes broadcasting added; a vector operand is the row or column matrix
     * {@code matmul} made of it, and so is its adjoint.
     */
    @Derivative(target = Tensor.class, of = "matmul", argument = 0)
    public static Tensor matmulLhs(Tensor a, Tensor b, Tensor g) {
        Tensor product = matmulAdjoint(a, b, g).matmul(asMatrix(b, false).transpose(-1, -2));
        return unbroadcast(product, asMatrix(a, true).shape()).reshape(a.shape().dims());
    }

    @Derivative(target = Tensor.class, of = "matmul", argument = 1)
    public static Tensor matmulRhs(Tensor a, Tensor b, Tensor g) {
        Tensor product = asMatrix(a, true).transpose(-1, -2).matmul(matmulAdjoint(a, b, g));
        return unbroadcast(product, asMatrix(b, false).shape()).reshape(b.shape().dims());
    }

    /** A vector as {@code matmul} reads it: a row on the left, a column on the right. */
    private static Tensor asMatrix(Tensor x, boolean left) {
        if (x.rank() != 1) {
            return x;
        }
        return left ? x.reshape(1, -1) : x.reshape(-1, 1);
    }

    /** {@code g} with the axes {@code matmul} dropped for vector operands put back. */
    private static Tensor matmulAdjoint(Tensor a, Tensor b, Tensor g) {
        Tensor full = b.rank() == 1 ? g.expandDims(g.rank()) : g;
        return a.rank() == 1 ? full.expandDims(full.rank() - 1) : full;
    }

    /**
     * {@code dot} is {@code mul} when an operand is 0-d and {@code matmul} otherwise (both at most
     * 2-d), so its adjoints are theirs.
     */
    @Derivative(target = Tensor.class, of = "dot", argument = 0)
    public static Tensor dotLhs(Tensor a, Tensor b, Tensor g) {
        return a.rank() == 0 || b.rank() == 0 ? unbroadcast(g.mul(b), a.shape()) : matmulLhs(a, b, g);
    }

    @Derivative(target = Tensor.class, of = "dot", argument = 1)
    public static Tensor dotRhs(Tensor a, Tensor b, Tensor g) {
        return a.rank() == 0 || b.rank() == 0 ? unbroadcast(g.mul(a), b.shape()) : matmulRhs(a, b, g);
    }

    /**
     * {@code outer} multiplies the flattened operands, {@code g[i, j] = a[i] b[j]}: {@code da = g b},
     * {@code db = a g} on the flat operands, reshaped back to theirs.
     */
    @Derivative(target = Tensor.class, of = "outer", argument = 0)
    public static Tensor outerLhs(Tensor a, Tensor b, Tensor g) {
        return g.matmul(b.flatten()).reshape(a.shape().dims());
    }

    @Derivative(target = Tensor.class, of = "outer", argument = 1)
    public static Tensor outerRhs(Tensor a, Tensor b, Tensor g) {
        return a.flatten().matmul(g).reshape(b.shape().dims());
    }

    // ---- uses output ----

    @Derivative(target = Tensor.class, of = "logSumExp")
    public static Tensor logSumExp(Tensor x, Tensor y, Tensor g) {
        return g.mul(x.sub(y).exp());
    }

    public static Tensor logSumExp(Tensor x, int axis, Tensor y, Tensor g) {
        int a = x.shape().normalizeAxis("logSumExp", axis);
        return g.expandDims(a).mul(x.sub(y.expandDims(a)).exp());
    }

    public static Tensor logSumExp(Tensor x, int[] axes, boolean keepDims, Tensor y, Tensor g) {
        return expandReduced(g, x.shape(), axes, keepDims).mul(x.sub(expandReduced(y, x.shape(), axes, keepDims)).exp());
    }

    /** The maximum's gradient goes to the elements that attain it, split evenly between ties. */
    @Derivative(target = Tensor.class, of = "max")
    public static Tensor max(Tensor x, Tensor y, Tensor g) {
        return extremum(x, allAxes(x), false, y, g);
    }

    public static Tensor max(Tensor x, int axis, Tensor y, Tensor g) {
        return extremum(x, new int[] {axis}, false, y, g);
    }

    public static Tensor max(Tensor x, int[] axes, boolean keepDims, Tensor y, Tensor g) {
        return extremum(x, axes, keepDims, y, g);
    }

    @Derivative(target = Tensor.class, of = "min")
    public static Tensor min(Tensor x, Tensor y, Tensor g) {
        return extremum(x, allAxes(x), false, y, g);
    }

    public static Tensor min(Tensor x, int axis, Tensor y, Tensor g) {
        return extremum(x, new int[] {axis}, false, y, g);
    }

    public static Tensor min(Tensor x, int[] axes, boolean keepDims, Tensor y, Tensor g) {
        return extremum(x, axes, keepDims, y, g);
    }

    private static Tensor extremum(Tensor x, int[] axes, boolean keepDims, Tensor y, Tensor g) {
        if (axes.length == 0) {
            return g;
        }
        Tensor hits = x.eq(expandReduced(y, x.shape(), axes, keepDims)).cast(x.dtype());
        return expandReduced(g, x.shape(), axes, keepDims).mul(hits).div(hits.sum(axes, true));
    }

    /** {@code g y / x}: the product without the element, assuming no zeros. */
    @Derivative(target = Tensor.class, of = "prod")
    public static Tensor prod(Tensor x, Tensor y, Tensor g) {
        return g.mul(y).broadcastTo(x.shape().dims()).div(x);
    }

    public static Tensor prod(Tensor x, int axis, Tensor y, Tensor g) {
        return prod(x, new int[] {axis}, false, y, g);
    }

    public static Tensor prod(Tensor x, int[] axes, boolean keepDims, Tensor y, Tensor g) {
        return expandReduced(g.mul(y), x.shape(), axes, keepDims).div(x);
    }

    /** Softmax over the last axis. */
    public static Tensor softmax(Tensor x, Tensor y, Tensor g) {
        return softmax(x, -1, y, g);
    }

    /** Log-softmax over the last axis. */
    public static Tensor logSoftmax(Tensor x, Tensor y, Tensor g) {
        return logSoftmax(x, -1, y, g);
    }

    /** {@code y (g - sum(g y))} along the softmax axis. */
    @Derivative(target = Tensor.class, of = "softmax")
    public static Tensor softmax(Tensor x, int axis, Tensor y, Tensor g) {
        Tensor gy = g.mul(y);
        return gy.sub(y.mul(gy.sum(new int[] {axis}, true)));
    }

    /** {@code g - exp(y) sum(g)} along the axis. */
    @Derivative(target = Tensor.class, of = "logSoftmax")
    public static Tensor logSoftmax(Tensor x, int axis, Tensor y, Tensor g) {
        return g.sub(y.exp().mul(g.sum(new int[] {axis}, true)));
    }

    // ---- piecewise: the gradient follows the branch the value took ----

    // Ties: maximum, minimum, clip and the max/min reductions split the gradient evenly between the
    // operands that attain the result (as JAX, and PyTorch's maximum/minimum); so does Math.max/min
    // in ScalarRules. A NaN operand makes the comparisons false and both shares 0, as in JAX.

    /** 1 where {@code wins}, 1/2 where {@code ties}, 0 elsewhere, in {@code g}'s dtype. */
    private static Tensor share(Tensor wins, Tensor ties, Tensor g) {
        return wins.cast(g.dtype()).add(ties.cast(g.dtype()).mul(0.5));
    }

    /**
     * {@code clip(low, high)} is {@code maximum(low).minimum(high)} and takes that composition's
     * gradients: 1 inside the interval, 1/2 at a bound (the other half goes to the bound), 0 outside.
     * PyTorch's {@code clamp} gives 1 at the bounds instead; the even split keeps clip consistent
     * with maximum/minimum, and the three gradients still add up to {@code g} everywhere.
     */
    @Derivative(target = Tensor.class, of = "clip", argument = 0)
    public static Tensor clip(Tensor x, double low, double high, Tensor g) {
        Tensor raised = x.maximum(low);
        return g.mul(share(x.gt(low), x.eq(low), g)).mul(share(raised.lt(high), raised.eq(high), g));
    }

    @Derivative(target = Tensor.class, of = "clip", argument = 1)
    public static double clipLow(Tensor x, double low, double high, Tensor g) {
        Tensor raised = x.maximum(low);
        return g.mul(share(x.lt(low), x.eq(low), g)).mul(share(raised.lt(high), raised.eq(high), g)).sum().item();
    }

    @Derivative(target = Tensor.class, of = "clip", argument = 2)
    public static double clipHigh(Tensor x, double low, double high, Tensor g) {
        Tensor raised = x.maximum(low);
        return g.mul(share(raised.gt(high), raised.eq(high), g)).sum().item();
    }

    @Derivative(target = Tensor.class, of = "where", argument = 1)
    public static Tensor whereTrue(Tensor condition, Tensor a, Tensor b, Tensor g) {
        return unbroadcast(Tensor.where(condition, g, Tensor.zerosLike(g)), a.shape());
    }

    @Derivative(target = Tensor.class, of = "where", argument = 2)
    public static Tensor whereFalse(Tensor condition, Tensor a, Tensor b, Tensor g) {
        return unbroadcast(Tensor.where(condition, Tensor.zerosLike(g), g), b.shape());
    }

    // ---- shape: the adjoint takes the input's shape back ----

    @Derivative(target = Tensor.class, of = "reshape")
    public static Tensor reshape(Tensor x, int[] dims, Tensor g) {
        return g.reshape(x.shape().dims());
    }

    @Derivative(target = Tensor.class, of = "flatten")
    public static Tensor flatten(Tensor x, Tensor g) {
        return g.reshape(x.shape().dims());
    }

    @Derivative(target = Tensor.class, of = "squeeze")
    public static Tensor squeeze(Tensor x, Tensor g) {
        return g.reshape(x.shape().dims());
    }

    public static Tensor squeeze(Tensor x, int axis, Tensor g) {
        return g.reshape(x.shape().dims());
    }

    @Derivative(target = Tensor.class, of = "expandDims")
    public static Tensor expandDims(Tensor x, int axis, Tensor g) {
        return g.reshape(x.shape().dims());
    }

    /** Row {@code index} of {@code x}: the adjoint is {@code g} in that row and zeros elsewhere. */
    @Derivative(target = Tensor.class, of = "broadcastTo")
    public static Tensor broadcastTo(Tensor x, int[] dims, Tensor g) {
        return unbroadcast(g, x.shape());
    }

    @Derivative(target = Tensor.class, of = "cast")
    public static Tensor cast(Tensor x, DType dtype, Tensor g) {
        return g.cast(x.dtype());
    }

    // ---- neural-network ops: conv2d and pooling
    // The backward kernels sit behind public Tensor methods (Tensor.conv2dBackwardInput,
    // conv2dBackwardWeight, pool2dBackward), which check shapes like the forward ops do.

    /** Input gradient of a convolution: {@code g} correlated back through the weights. */
    @Derivative(target = Tensor.class, of = "conv2d", argument = 0)
    public static Tensor conv2dInput(Tensor x, Tensor w, Conv2dSpec spec, Tensor g) {
        return Tensor.conv2dBackwardInput(g, w, spec, x.shape());
    }

    public static Tensor conv2dInput(Tensor x, Tensor w, int stride, int padding, Tensor g) {
        return conv2dInput(x, w, Conv2dSpec.of(stride, padding), g);
    }

    /** Weight gradient of a convolution: {@code g} against the unfolded input, summed over the batch. */
    @Derivative(target = Tensor.class, of = "conv2d", argument = 1)
    public static Tensor conv2dWeight(Tensor x, Tensor w, Conv2dSpec spec, Tensor g) {
        return Tensor.conv2dBackwardWeight(x, g, spec, w.shape());
    }

    public static Tensor conv2dWeight(Tensor x, Tensor w, int stride, int padding, Tensor g) {
        return conv2dWeight(x, w, Conv2dSpec.of(stride, padding), g);
    }

    /** Each window's gradient goes to its first maximum, as in PyTorch. */
    @Derivative(target = Tensor.class, of = "maxPool2d")
    public static Tensor maxPool2d(Tensor x, int kernel, Tensor g) {
        return maxPool2d(x, kernel, kernel, 0, g);
    }

    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding, Tensor g) {
        return x.pool2dBackward(g, new Pool2dSpec(Pool2dSpec.Kind.MAX, kernel, kernel, stride, stride, padding, padding));
    }

    /** Each window's gradient is shared evenly by its non-padded positions. */
    @Derivative(target = Tensor.class, of = "avgPool2d")
    public static Tensor avgPool2d(Tensor x, int kernel, Tensor g) {
        return avgPool2d(x, kernel, kernel, 0, g);
    }

    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding, Tensor g) {
        return x.pool2dBackward(g, new Pool2dSpec(Pool2dSpec.Kind.AVG, kernel, kernel, stride, stride, padding, padding));
    }

    @Derivative(target = Tensor.class, of = "pool2d")
    public static Tensor pool2d(Tensor x, Pool2dSpec spec, Tensor g) {
        return x.pool2dBackward(g, spec);
    }

    // ---- normalization: layerNorm ----

    /**
     * Input gradient of a layer norm: {@code (h - mean(h) - n mean(h n)) / sigma} over the normalized axes, where
     * {@code n = layerNorm(x)}, {@code sigma = sqrt(var(x) + eps)} and {@code h = g} (times the scale, when there is
     * one), as PyTorch's {@code native_layer_norm_backward}.
     */
    @Derivative(target = Tensor.class, of = "layerNorm", argument = 0)
    public static Tensor layerNorm(Tensor x, int axes, double eps, Tensor g) {
        return layerNormInput(x, axes, eps, g);
    }

    public static Tensor layerNorm(Tensor x, int axes, double eps, Tensor scale, Tensor bias, Tensor g) {
        return layerNormInput(x, axes, eps, g.mul(scale));
    }

    /** Scale gradient of a layer norm: {@code g} times the normalized input, summed over the leading axes. */
    @Derivative(target = Tensor.class, of = "layerNorm", argument = 3)
    public static Tensor layerNormScale(Tensor x, int axes, double eps, Tensor scale, Tensor bias, Tensor g) {
        return unbroadcast(g.mul(x.layerNorm(axes, eps)), scale.shape());
    }

    /** Bias gradient of a layer norm: {@code g} summed over the leading axes. */
    @Derivative(target = Tensor.class, of = "layerNorm", argument = 4)
    public static Tensor layerNormBias(Tensor x, int axes, double eps, Tensor scale, Tensor bias, Tensor g) {
        return unbroadcast(g, bias.shape());
    }

    private static Tensor layerNormInput(Tensor x, int axes, double eps, Tensor h) {
        int[] normalized = new int[axes];
        for (int i = 0; i < axes; i++) {
            normalized[i] = x.rank() - axes + i;
        }
        Tensor centered = x.sub(x.mean(normalized, true));
        Tensor sigma = centered.square().mean(normalized, true).add(eps).sqrt();
        // The layer norm's output, bit for bit (Op.LayerNorm is this composition), from the sigma needed anyway.
        Tensor n = centered.div(sigma);
        return h.sub(h.mean(normalized, true)).sub(n.mul(h.mul(n).mean(normalized, true))).div(sigma);
    }

    // ---- layout ops: permute, concat, index, gather ----

    /** Result axis {@code i} is input axis {@code axes[i]}: the inverse permutation takes {@code g} back. */
    @Derivative(target = Tensor.class, of = "permute")
    public static Tensor permute(Tensor x, int[] axes, Tensor g) {
        int[] inverse = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            inverse[x.shape().normalizeAxis("permute", axes[i])] = i;
        }
        return g.permute(inverse);
    }

    /**
     * The adjoint splits {@code g} along {@code axis}, one part per input. Like every rule returning
     * an array it has one slot per argument of the call, varargs spread: slot 0 is the axis.
     */
    @Derivative(target = Tensor.class, of = "concat")
    public static Tensor[] concat(int axis, Tensor[] tensors, Tensor g) {
        Tensor[] adjoints = new Tensor[1 + tensors.length];
        int a = g.shape().normalizeAxis("concat", axis);
        int start = 0;
        for (int i = 0; i < tensors.length; i++) {
            int length = tensors[i].dim(a);
            adjoints[1 + i] = along(g, a, Slice.range(start, start + length)).cast(tensors[i].dtype());
            start += length;
        }
        return adjoints;
    }

    /** The adjoint of input {@code i} is {@code g}'s slice {@code i} along the new axis (slot 0 is the axis). */
    @Derivative(target = Tensor.class, of = "stack")
    public static Tensor[] stack(int axis, Tensor[] tensors, Tensor g) {
        Tensor[] adjoints = new Tensor[1 + tensors.length];
        int a = g.shape().normalizeAxis("stack", axis);
        for (int i = 0; i < tensors.length; i++) {
            adjoints[1 + i] = along(g, a, Slice.at(i)).cast(tensors[i].dtype());
        }
        return adjoints;
    }

    /** {@code g} indexed with {@code slice} on {@code axis} and whole on the axes before it. */
    private static Tensor along(Tensor g, int axis, Slice slice) {
        Slice[] slices = new Slice[axis + 1];
        Arrays.fill(slices, Slice.all());
        slices[axis] = slice;
        return g.index(slices);
    }

    /**
     * Basic indexing picks elements of {@code x}, with any steps; the adjoint adds {@code g} back at
     * the positions they came from, which indexing a tensor of positions the same way finds.
     */
    @Derivative(target = Tensor.class, of = "index")
    public static Tensor index(Tensor x, Slice[] slices, Tensor g) {
        return addAtPositions(x, positions(x).index(slices), g);
    }

    /**
     * {@code x.get(i, j, ...)}: {@code g} at the picked sub-tensor, zeros elsewhere. One index (a
     * tensor's row, as a loop over it reads) pads {@code g} into place instead of scattering.
     */
    @Derivative(target = Tensor.class, of = "get")
    public static Tensor get(Tensor x, int[] indices, Tensor g) {
        if (indices.length == 1) {
            int rows = x.dim(0);
            int row = indices[0] < 0 ? indices[0] + rows : indices[0];
            int[][] padding = new int[x.rank()][2];
            padding[0][0] = row;
            padding[0][1] = rows - row - 1;
            return g.expandDims(0).pad(padding, 0.0);
        }
        return addAtPositions(x, positions(x).get(indices), g);
    }

    /** The flat position of each element of {@code x}, shaped like {@code x}, on {@code x}'s device. */
    private static Tensor positions(Tensor x) {
        return Tensor.arange(Math.toIntExact(x.size()), x.device()).reshape(x.shape().dims());
    }

    /** Zeros like {@code x} (its dtype and device) with {@code g}'s elements added at the flat {@code positions}. */
    private static Tensor addAtPositions(Tensor x, Tensor positions, Tensor g) {
        Tensor flat = Tensor.zerosLike(x).flatten();
        return flat.indexAdd(positions.flatten(), g.cast(x.dtype()).flatten(), 0).reshape(x.shape().dims());
    }

    /** The adjoint of a gather is a scatter-add: picked slices' adjoints add up where indices repeat. */
    @Derivative(target = Tensor.class, of = "gather", argument = 0)
    public static Tensor gather(Tensor x, Tensor indices, int axis, Tensor g) {
        return Tensor.zerosLike(x).indexAdd(indices, g.cast(x.dtype()), axis);
    }

    /** {@code indexAdd} adds {@code updates} onto a copy of {@code x}: {@code x}'s adjoint is {@code g}. */
    @Derivative(target = Tensor.class, of = "indexAdd", argument = 0)
    public static Tensor indexAddInput(Tensor x, Tensor indices, Tensor updates, int axis, Tensor g) {
        return g.cast(x.dtype());
    }

    /** Each slice of {@code updates} landed at its index: its adjoint is {@code g} gathered there. */
    @Derivative(target = Tensor.class, of = "indexAdd", argument = 2)
    public static Tensor indexAddUpdates(Tensor x, Tensor indices, Tensor updates, int axis, Tensor g) {
        return g.gather(indices, axis).cast(updates.dtype());
    }

    /** Padding surrounds {@code x} with a constant: {@code x}'s adjoint is the middle of {@code g}. */
    @Derivative(target = Tensor.class, of = "pad", argument = 0)
    public static Tensor padInput(Tensor x, int[][] padding, double value, Tensor g) {
        return interior(x, padding, g).cast(x.dtype());
    }

    /** Every element of {@code full(value, dims...)} is {@code value}: its adjoint is the sum of {@code g}. */
    @Derivative(target = Tensor.class, of = "full", argument = 0)
    public static double fullValue(double value, int[] dims, Tensor g) {
        return g.sum().item();
    }

    @Derivative(target = Tensor.class, of = "full", argument = 1)
    public static double fullTypedValue(DType dtype, double value, int[] dims, Tensor g) {
        return g.sum().item();
    }

    /** {@code fullLike} reads only the shape, dtype and device of {@code like}: no gradient flows into it. */
    @Derivative(target = Tensor.class, of = "fullLike", argument = 0)
    public static Tensor fullLikeShape(Tensor like, double value, Tensor g) {
        return Tensor.zerosLike(like);
    }

    public static Tensor fullLikeShape(Tensor like, long value, Tensor g) {
        return Tensor.zerosLike(like);
    }

    @Derivative(target = Tensor.class, of = "fullLike", argument = 1)
    public static double fullLikeValue(Tensor like, double value, Tensor g) {
        return g.sum().item();
    }

    /** The constant fills every position outside {@code x}: its adjoint is the sum of {@code g} there. */
    @Derivative(target = Tensor.class, of = "pad", argument = 2)
    public static double padValue(Tensor x, int[][] padding, double value, Tensor g) {
        return g.sum().item() - interior(x, padding, g).sum().item();
    }

    /** The part of {@code g} where {@code x} sits inside the padding. */
    private static Tensor interior(Tensor x, int[][] padding, Tensor g) {
        Slice[] middle = new Slice[x.rank()];
        for (int axis = 0; axis < middle.length; axis++) {
            middle[axis] = Slice.range(padding[axis][0], padding[axis][0] + x.dim(axis));
        }
        return g.index(middle);
    }

    /** Moving a tensor between devices moves its adjoint back. */
    @Derivative(target = Tensor.class, of = "to")
    public static Tensor to(Tensor x, Device device, Tensor g) {
        return g.to(x.device());
    }
}
