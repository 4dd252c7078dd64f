package dev.adjoint.op;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.core.Slice;
import dev.adjoint.core.TensorException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The op table: every primitive a {@code Tensor} method builds, as a value carrying its attributes
 * (a reduction its axes, a convolution its spec). Each op, in one place, holds its validation with
 * the errors users see, and the dtype and shape of its result computed from its inputs' types
 * alone ({@link #infer}: shape inference without running anything, which the IR engine calls too),
 * and names its NumPy and OpenVINO equivalents. Derivatives: elementwise ops carry theirs as
 * pointwise formulas on {@link UnaryOp} and {@link BinaryOp}; the others' rules are in
 * {@code dev.adjoint.rules.TensorRules}, next to nothing but rules.
 *
 * <p>{@code Tensor} methods are thin: build the op, {@link #infer} the result, convert the inputs to
 * {@link #operandTypes}, and hand the op to the backend ({@code Backend.execute}), which switches
 * over the sealed {@link ComputeOp} hierarchy without a default branch — a backend that forgets an
 * op does not compile. {@link Reshape} is the one op that computes nothing: it re-reads the same
 * storage.
 */
public sealed interface Op permits ComputeOp, Op.Reshape {

    /** The name errors and documentation use, e.g. {@code "matmul"}. */
    String name();

    /**
     * The dtype and shape of the result for inputs of these types: shape inference. Validates the
     * inputs and the op's attributes first.
     *
     * @throws TensorException naming the op, the shapes and the rule broken
     */
    TensorType infer(List<TensorType> inputs);

    /** {@link #infer(List)} for inputs given one by one. */
    default TensorType infer(TensorType... inputs) {
        return infer(List.of(inputs));
    }

    /**
     * The dtypes the inputs are converted to before the op runs (their promotion, a floating type
     * for a mean, ...); {@link #infer} must have accepted {@code inputs}. By default unchanged.
     */
    default List<DType> operandTypes(List<TensorType> inputs) {
        return inputs.stream().map(TensorType::dtype).toList();
    }

    /** Checks that {@code op} got {@code count} inputs: a programming error otherwise, not a user's. */
    private static void arity(Op op, List<TensorType> inputs, int count) {
        if (inputs.size() != count) {
            throw new IllegalArgumentException(op.name() + " takes " + count + " input(s), got " + inputs.size());
        }
    }

    private static TensorException error(String op, String message) {
        return new TensorException(op, message);
    }

    /** Every input converted to their common dtype: a fused layer's operands, weights and bias alike. */
    private static List<DType> promotedTogether(List<TensorType> inputs) {
        DType dtype = inputs.getFirst().dtype();
        for (TensorType t : inputs) {
            dtype = DType.promote(dtype, t.dtype());
        }
        return java.util.Collections.nCopies(inputs.size(), dtype);
    }

    /** The inputs' common dtype ({@link #promotedTogether}), which a fused inference layer needs to be floating. */
    private static DType floatingTogether(String op, List<TensorType> inputs) {
        DType dtype = promotedTogether(inputs).getFirst();
        if (!dtype.isFloating()) {
            throw error(op, "takes floating tensors, got " + inputs.stream().map(t -> t.dtype().toString())
                    .collect(java.util.stream.Collectors.joining(", ")));
        }
        return dtype;
    }

    /** Checks a fused layer's clamp: {@code low <= high}, neither NaN. */
    private static void clampBounds(String op, double low, double high) {
        if (!(low <= high)) {
            throw error(op, "low " + low + " is greater than high " + high + " (or one is NaN)");
        }
    }

    private static void notBool(String op, TensorType... types) {
        for (TensorType type : types) {
            if (type.dtype() == DType.BOOL) {
                throw error(op, types.length == 1 ? "not defined for dtype bool" : "not defined for bool operands");
            }
        }
    }

    // ============================================================================================
    // Elementwise
    // ============================================================================================

    /** An elementwise op of one operand; see {@link UnaryOp} for each one's definition and derivative. */
    record Unary(UnaryOp kind) implements ComputeOp {
        @Override
        public String name() {
            return kind.opName();
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            arity(this, inputs, 1);
            return new TensorType(kind.computeType(inputs.getFirst().dtype()), inputs.getFirst().shape());
        }

        @Override
        public List<DType> operandTypes(List<TensorType> inputs) {
            return List.of(kind.computeType(inputs.getFirst().dtype()));
        }
    }

    /**
     * An elementwise op of two operands broadcast together (NumPy's rules); see {@link BinaryOp}.
     * OpenVINO: {@code Add}, {@code Subtract}, ... with {@code auto_broadcast="numpy"}.
     */
    record Binary(BinaryOp kind) implements ComputeOp {
        @Override
        public String name() {
            return kind.opName();
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            arity(this, inputs, 2);
            TensorType a = inputs.get(0);
            TensorType b = inputs.get(1);
            Shape out = Shape.broadcast(kind.opName(), a.shape(), b.shape());
            return new TensorType(kind.resultType(kind.computeType(a.dtype(), b.dtype())), out);
        }

        @Override
        public List<DType> operandTypes(List<TensorType> inputs) {
            DType compute = kind.computeType(inputs.get(0).dtype(), inputs.get(1).dtype());
            return List.of(compute, compute);
        }
    }

    /**
     * {@code condition ? a : b} per element, all three broadcast; {@code a} and {@code b} promoted.
     * NumPy: {@code np.where}. OpenVINO: {@code Select}.
     */
    record Where() implements ComputeOp {
        @Override
        public String name() {
            return "where";
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            arity(this, inputs, 3);
            TensorType condition = inputs.get(0);
            if (condition.dtype() != DType.BOOL) {
                throw error("where", "condition must be bool, got " + condition.dtype()
                        + " (compare first, e.g. x.gt(0))");
            }
            Shape out = Shape.broadcast("where", Shape.broadcast("where", condition.shape(), inputs.get(1).shape()),
                    inputs.get(2).shape());
            return new TensorType(DType.promote(inputs.get(1).dtype(), inputs.get(2).dtype()), out);
        }

        @Override
        public List<DType> operandTypes(List<TensorType> inputs) {
            DType values = DType.promote(inputs.get(1).dtype(), inputs.get(2).dtype());
            return List.of(DType.BOOL, values, values);
        }
    }

    /**
     * Converts each element to {@code to}: C-style truncation to integers, non-zero to true.
     * NumPy: {@code x.astype(to)}. OpenVINO: {@code Convert}.
     */
    record Cast(DType to) implements ComputeOp {
        @Override
        public String name() {
            return "cast";
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            arity(this, inputs, 1);
            return new TensorType(to, inputs.getFirst().shape());
        }
    }

    /** {@code dtype} elements of {@code shape}, each {@code value}. NumPy: {@code np.full}. OpenVINO: {@code Broadcast} of a {@code Constant}. */
    record Fill(DType dtype, Shape shape, double value) implements ComputeOp {
        @Override
        public String name() {
            return "full";
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            arity(this, inputs, 0);
            return new TensorType(dtype, shape);
        }
    }

    /**
     * A fused chain of elementwise steps ({@code x.chain().mul(2).add(b).tanh().evaluate()}): input
     * 0 is the chain's input, the rest its tensor operands, already in their steps' compute types.
     * The spec holds every step's validation, done as the chain was built. numexpr: {@code ne.evaluate}.
     */
    record Chain(ElementwiseChainSpec spec) implements ComputeOp {
        @Override
        public String name() {
            return "chain";
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            return new TensorType(spec.dtype(), spec.shape());
        }
    }

    // ============================================================================================
    // Reductions
    // ============================================================================================

    /**
     * A reduction over {@code axes} (normalized, sorted, distinct; none for a 0-d input), keeping
     * them as size-1 axes when {@code keepDims}. Sums and products of integers and bools are
     * {@code int64}; means and logSumExp are floating; arg ops give {@code int64} positions.
     * NumPy: {@code np.sum(x, axes, keepdims=...)}. OpenVINO: {@code ReduceSum} ... / {@code ArgMax} via {@code TopK}.
     */
    record Reduce(ReduceOp kind, int[] axes, boolean keepDims) implements ComputeOp {

        /** A reduction over the axes a user named (negative counts from the end); null means all. */
        public static Reduce of(ReduceOp kind, int[] axes, boolean keepDims, Shape shape) {
            String name = kind.opName();
            int[] normalized;
            if (axes == null) {
                normalized = new int[shape.rank()];
                Arrays.setAll(normalized, i -> i);
            } else {
                normalized = new int[axes.length];
                for (int i = 0; i < axes.length; i++) {
                    normalized[i] = shape.normalizeAxis(name, axes[i]);
                }
                Arrays.sort(normalized);
                for (int i = 1; i < normalized.length; i++) {
                    if (normalized[i] == normalized[i - 1]) {
                        throw error(name, "axis " + normalized[i] + " is repeated in " + Arrays.toString(axes));
                    }
                }
            }
            return new Reduce(kind, normalized, keepDims);
        }

        @Override
        public String name() {
            return kind.opName();
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            arity(this, inputs, 1);
            Shape shape = inputs.getFirst().shape();
            if (kind.needsNonEmpty()) {
                for (int axis : axes) {
                    if (shape.dim(axis) == 0) {
                        throw error(name(), "cannot reduce axis " + axis + " of size 0 in shape " + shape + ": "
                                + name() + " has no identity");
                    }
                }
            }
            Shape out = shape;
            for (int i = axes.length - 1; i >= 0; i--) {
                out = keepDims ? out.with(axes[i], 1) : out.remove(axes[i]);
            }
            DType input = inputs.getFirst().dtype();
            DType dtype = kind.isArg() ? DType.INT64 : switch (kind) {
                case SUM, PROD -> input == DType.BOOL || input == DType.INT32 ? DType.INT64 : input;
                case MEAN, LOG_SUM_EXP -> input.toFloating();
                default -> input;
            };
            return new TensorType(dtype, out);
        }

        /** Sums of int32 and bool compute in int64, means in floating, max of bool in int32. */
        @Override
        public List<DType> operandTypes(List<TensorType> inputs) {
            DType input = inputs.getFirst().dtype();
            return List.of(switch (kind) {
                case SUM, PROD -> input == DType.BOOL || input == DType.INT32 ? DType.INT64 : input;
                case MEAN, LOG_SUM_EXP -> input.toFloating();
                case MAX, MIN, ARGMAX, ARGMIN -> input == DType.BOOL ? DType.INT32 : input;
            });
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Reduce r && r.kind == kind && Arrays.equals(r.axes, axes) && r.keepDims == keepDims;
        }

        @Override
        public int hashCode() {
            return 31 * (31 * kind.hashCode() + Arrays.hashCode(axes)) + Boolean.hashCode(keepDims);
        }

        @Override
        public String toString() {
            return "Reduce[" + kind + ", axes=" + Arrays.toString(axes) + ", keepDims=" + keepDims + "]";
        }
    }

    /**
     * Softmax (or log-softmax) along {@code axis}, computed stably. SciPy:
     * {@code scipy.special.softmax}. OpenVINO: {@code SoftMax}-8 / {@code LogSoftmax}-5.
     */
    record Softmax(int axis, boolean log) implements ComputeOp {
        @Override
        public String name() {
            return log ? "logSoftmax" : "softmax";
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            arity(this, inputs, 1);
            TensorType x = inputs.getFirst();
            if (x.rank() == 0) {
                throw error(name(), "needs at least one axis, got a 0-d tensor");
            }
            x.shape().normalizeAxis(name(), axis);
            notBool(name(), x);
            return new TensorType(x.dtype().toFloating(), x.shape());
        }

        @Override
        public List<DType> operandTypes(List<TensorType> inputs) {
            return List.of(inputs.getFirst().dtype().toFloating());
        }
    }

    /**
     * Layer normalization over the last {@code axes} axes of input 0: {@code (x - mean) / sqrt(var + eps)}, with the
     * mean and the (biased) variance of each slice over those axes, then, when there are three inputs, times input 1
     * and plus input 2 (each of the normalized axes' shape, shared by every slice). Equal, element for element, to
     * the composition {@code c = x - x.mean(trailing, true); c / (c.square().mean(trailing, true) + eps).sqrt()}
     * (then {@code .mul(scale).add(bias)}), in one pass over each slice instead of seven ops. Floating tensors only.
     * Its derivative rules (for x, scale and bias) are in {@code TensorRules}. PyTorch:
     * {@code F.layer_norm(x, x.shape[-axes:], scale, bias, eps)}.
     * OpenVINO: {@code MVN} (normalize_variance, inside_sqrt) (+ {@code Multiply} + {@code Add}).
     */
    record LayerNorm(int axes, double eps) implements ComputeOp {
        public LayerNorm {
            if (axes < 1) {
                throw error("layerNorm", "normalizes at least one trailing axis, got " + axes);
            }
            if (!(eps >= 0) || Double.isInfinite(eps)) {
                throw error("layerNorm", "needs a finite eps >= 0, got " + eps);
            }
        }

        @Override
        public String name() {
            return "layerNorm";
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            if (inputs.size() != 1 && inputs.size() != 3) {
                throw new IllegalArgumentException(name() + " takes 1 or 3 inputs, got " + inputs.size());
            }
            Shape x = inputs.getFirst().shape();
            if (x.rank() < axes) {
                throw error(name(), "normalizes the last " + axes + " axes, but the input has shape " + x);
            }
            Shape normalized = Shape.of(java.util.Arrays.copyOfRange(x.dims(), x.rank() - axes, x.rank()));
            for (int i = 1; i < inputs.size(); i++) {
                if (!inputs.get(i).shape().equals(normalized)) {
                    throw error(name(), "needs a " + (i == 1 ? "scale" : "bias") + " of the normalized axes' shape "
                            + normalized + ", got shape " + inputs.get(i).shape());
                }
            }
            return new TensorType(floatingTogether(name(), inputs), x);
        }

        @Override
        public List<DType> operandTypes(List<TensorType> inputs) {
            return promotedTogether(inputs);
        }
    }

    // ============================================================================================
    // Linear algebra
    // ============================================================================================

    /**
     * Matrix product with NumPy's rules: 2-d times 2-d; a 1-d operand is a row (left) or column
     * (right) vector whose axis the result drops; higher ranks are stacks of matrices whose batch
     * dimensions broadcast. With {@code transposeA} the last two axes of {@code a} are read swapped
     * (the rules use it so that gradients need no transposed copies). NumPy: {@code np.matmul}.
     * OpenVINO: {@code MatMul} with {@code transpose_a}, {@code transpose_b}.
     */
    record MatMul(boolean transposeA, boolean transposeB) implements ComputeOp {

        public static final MatMul PLAIN = new MatMul(false, false);

        @Override
        public String name() {
            return "matmul";
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            arity(this, inputs, 2);
            Shape a = inputs.get(0).shape();
            Shape b = inputs.get(1).shape();
            if (a.rank() == 0 || b.rank() == 0) {
                throw error("matmul", "operands must be at least 1-d, got shapes " + a + " and " + b
                        + " (use mul for scalars)");
            }
            notBool("matmul", inputs.get(0), inputs.get(1));
            Shape left = matrix(a, true, transposeA);
            Shape right = matrix(b, false, transposeB);
            int k = left.dim(-1);
            int kOther = right.dim(-2);
            if (k != kOther) {
                int aDim = transposeA ? a.rank() - 2 : a.rank() - 1;
                int bDim = b.rank() == 1 ? 0 : transposeB ? b.rank() - 1 : b.rank() - 2;
                throw error("matmul", "shapes " + a + " and " + b + " not aligned: " + k + " (dim " + aDim + ") != "
                        + kOther + " (dim " + bDim + ")");
            }
            Shape batch;
            try {
                batch = Shape.broadcast("matmul", batch(left), batch(right));
            } catch (TensorException e) {
                throw error("matmul", "batch dimensions of shapes " + a + " and " + b + " cannot be broadcast: "
                        + batch(left) + " and " + batch(right));
            }
            Shape out = batch.insert(batch.rank(), left.dim(-2)).insert(batch.rank() + 1, right.dim(-1));
            if (b.rank() == 1) {
                out = out.remove(out.rank() - 1);
            }
            if (a.rank() == 1) {
                out = out.remove(out.rank() - (b.rank() == 1 ? 1 : 2));
            }
            return new TensorType(DType.promote(inputs.get(0).dtype(), inputs.get(1).dtype()), Shape.of("matmul",
                    out.dims()));
        }

        @Override
        public List<DType> operandTypes(List<TensorType> inputs) {
            DType dtype = DType.promote(inputs.get(0).dtype(), inputs.get(1).dtype());
            return List.of(dtype, dtype);
        }

        /**
         * An operand as the matrix (stack) it is multiplied as: a vector becomes a row (left) or a
         * column (right), and a transposed operand has its last two axes swapped.
         */
        public static Shape matrix(Shape operand, boolean left, boolean transposed) {
            if (operand.rank() == 1) {
                return left ? Shape.of(1, operand.dim(0)) : Shape.of(operand.dim(0), 1);
            }
            if (!transposed) {
                return operand;
            }
            int rank = operand.rank();
            return operand.with(rank - 2, operand.dim(rank - 1)).with(rank - 1, operand.dim(rank - 2));
        }

        /** The operand as stored, a vector given its matrix shape: what a backend multiplies. */
        public static Shape stored(Shape operand, boolean left) {
            return operand.rank() != 1 ? operand : left ? Shape.of(1, operand.dim(0)) : Shape.of(operand.dim(0), 1);
        }

        private static Shape batch(Shape matrix) {
            return Shape.of(Arrays.copyOf(matrix.dims(), matrix.rank() - 2));
        }
    }

    // ============================================================================================
    // Layout
    // ============================================================================================

    /**
     * The same elements in a new shape, one dimension possibly -1 (inferred): a view of the same
     * storage, nothing computed. NumPy: {@code np.reshape}. OpenVINO: {@code Reshape}.
     */
    record Reshape(int[] dims) implements Op {
        @Override
        public String name() {
            return "reshape";
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            arity(this, inputs, 1);
            Shape shape = inputs.getFirst().shape();
            long size = shape.size();
            int[] out = dims.clone();
            int inferred = -1;
            long known = 1;
            for (int i = 0; i < out.length; i++) {
                if (out[i] == -1) {
                    if (inferred >= 0) {
                        throw error("reshape", "can only infer one dimension, got " + Arrays.toString(dims));
                    }
                    inferred = i;
                } else if (out[i] < 0) {
                    throw error("reshape", "dimension " + i + " is negative in " + Arrays.toString(dims));
                } else {
                    // Saturating: a product past a long is more than any tensor holds, which is reported below.
                    known = known > Long.MAX_VALUE / Math.max(out[i], 1) ? Long.MAX_VALUE : known * out[i];
                }
            }
            if (inferred >= 0) {
                if (known == 0 || size % known != 0 || size / known > Integer.MAX_VALUE) {
                    throw error("reshape", "cannot reshape " + shape + " (" + size + " elements) into "
                            + Arrays.toString(dims));
                }
                out[inferred] = (int) (size / known);
                known *= out[inferred];
            }
            if (known != size) {
                throw error("reshape", "cannot reshape " + shape + " (" + size + " elements) into "
                        + (known == Long.MAX_VALUE ? Arrays.toString(dims) + " (more elements than a long can count)"
                                : Shape.of(out) + " (" + known + " elements)"));
            }
            return new TensorType(inputs.getFirst().dtype(), Shape.of(out));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Reshape r && Arrays.equals(r.dims, dims);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(dims);
        }

        @Override
        public String toString() {
            return "Reshape" + Arrays.toString(dims);
        }
    }

    /**
     * The result of a strided view: element {@code i} of the result is element
     * {@code offset + sum(i[k] * strides[k])} of the input. Permuting, slicing and broadcasting are
     * all one such gather, which a backend implements once.
     */
    record Layout(long offset, long[] strides, Shape shape) {
    }

    /** An op whose result is a strided view of its input (see {@link Layout}). */
    sealed interface Strided extends ComputeOp permits Permute, Index, BroadcastTo {

        /** Where the result's elements come from in an input of {@code input}'s shape. */
        Layout layout(Shape input);

        @Override
        default TensorType infer(List<TensorType> inputs) {
            if (inputs.size() != 1) {
                throw new IllegalArgumentException(name() + " takes 1 input, got " + inputs.size());
            }
            return new TensorType(inputs.getFirst().dtype(), layout(inputs.getFirst().shape()).shape());
        }
    }

    /**
     * Reorders the axes: result axis {@code i} is input axis {@code axes[i]}. NumPy:
     * {@code np.transpose(x, axes)}. OpenVINO: {@code Transpose}.
     */
    record Permute(int[] axes) implements Strided {
        @Override
        public String name() {
            return "permute";
        }

        /** The axes normalized and checked against an input of {@code shape}. */
        public int[] normalized(Shape shape) {
            if (axes.length != shape.rank()) {
                throw error("permute", "axes " + Arrays.toString(axes) + " do not match rank " + shape.rank()
                        + " of shape " + shape);
            }
            int[] perm = new int[axes.length];
            boolean[] seen = new boolean[axes.length];
            for (int i = 0; i < axes.length; i++) {
                perm[i] = shape.normalizeAxis("permute", axes[i]);
                if (seen[perm[i]]) {
                    throw error("permute", "axis " + perm[i] + " is repeated in " + Arrays.toString(axes));
                }
                seen[perm[i]] = true;
            }
            return perm;
        }

        @Override
        public Layout layout(Shape input) {
            int[] perm = normalized(input);
            long[] strides = input.strides();
            int[] dims = new int[perm.length];
            long[] outStrides = new long[perm.length];
            for (int i = 0; i < perm.length; i++) {
                dims[i] = input.dim(perm[i]);
                outStrides[i] = strides[perm[i]];
            }
            return new Layout(0, outStrides, Shape.of(dims));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Permute p && Arrays.equals(p.axes, axes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(axes);
        }

        @Override
        public String toString() {
            return "Permute" + Arrays.toString(axes);
        }
    }

    /**
     * NumPy basic indexing: one {@link Slice} per leading axis (an integer drops the axis), the rest
     * taken whole. NumPy: {@code x[1, ::2]}. OpenVINO: {@code StridedSlice}.
     */
    record Index(Slice[] slices) implements Strided {
        @Override
        public String name() {
            return "index";
        }

        @Override
        public Layout layout(Shape input) {
            if (slices.length > input.rank()) {
                throw error("index", "too many indices (" + slices.length + ") for shape " + input);
            }
            long[] strides = input.strides();
            long offset = 0;
            int[] outDims = new int[input.rank()];
            long[] outStrides = new long[input.rank()];
            int out = 0;
            for (int axis = 0; axis < input.rank(); axis++) {
                int n = input.dim(axis);
                Slice s = axis < slices.length ? slices[axis] : Slice.all();
                if (s == null) {
                    throw error("index", "argument 'slices[" + axis + "]' is null");
                }
                switch (s) {
                    case Slice.At at -> {
                        int i = at.index() < 0 ? at.index() + n : at.index();
                        if (i < 0 || i >= n) {
                            throw error("index", "index " + at.index() + " is out of bounds for axis " + axis
                                    + " with size " + n + " in shape " + input);
                        }
                        offset += i * strides[axis];
                    }
                    case Slice.Range r -> {
                        int step = r.step();
                        int start = clampBound(r.start(), n, step, true);
                        int stop = clampBound(r.stop(), n, step, false);
                        int len = step > 0 ? Math.max(0, Math.ceilDiv(stop - start, step))
                                : Math.max(0, Math.ceilDiv(start - stop, -step));
                        if (len > 0) {
                            offset += start * strides[axis];
                        }
                        outDims[out] = len;
                        outStrides[out++] = step * strides[axis];
                    }
                }
            }
            return new Layout(offset, Arrays.copyOf(outStrides, out), Shape.of(Arrays.copyOf(outDims, out)));
        }

        /** Python's slice-bound rules: negative counts from the end, out-of-range clamps. */
        private static int clampBound(Integer bound, int n, int step, boolean isStart) {
            if (bound == null) {
                return step > 0 ? (isStart ? 0 : n) : (isStart ? n - 1 : -1);
            }
            int b = bound < 0 ? bound + n : bound;
            return step > 0 ? Math.clamp(b, 0, n) : Math.clamp(b, -1, n - 1);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Index i && Arrays.equals(i.slices, slices);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(slices);
        }

        @Override
        public String toString() {
            return "Index" + Arrays.toString(slices);
        }
    }

    /**
     * Repeats size-1 (or missing leading) axes to reach {@code shape}. NumPy:
     * {@code np.broadcast_to}. OpenVINO: {@code Broadcast} (numpy mode).
     */
    record BroadcastTo(Shape shape) implements Strided {
        @Override
        public String name() {
            return "broadcastTo";
        }

        @Override
        public Layout layout(Shape input) {
            Shape joined = Shape.broadcast("broadcastTo", input, shape);
            if (!joined.equals(shape)) {
                throw error("broadcastTo", "cannot broadcast shape " + input + " to " + shape);
            }
            long[] strides = new long[shape.rank()];
            long[] own = input.strides();
            int lead = shape.rank() - input.rank();
            for (int i = lead; i < shape.rank(); i++) {
                strides[i] = input.dim(i - lead) == 1 ? 0 : own[i - lead];
            }
            return new Layout(0, strides, shape);
        }
    }

    /**
     * Joins tensors along existing axis {@code axis}; dtypes are promoted. NumPy:
     * {@code np.concatenate}. OpenVINO: {@code Concat}.
     */
    record Concat(int axis) implements ComputeOp {
        @Override
        public String name() {
            return "concat";
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            if (inputs.isEmpty()) {
                throw error("concat", "needs at least one tensor");
            }
            Shape first = inputs.getFirst().shape();
            if (first.rank() == 0) {
                throw error("concat", "cannot concatenate 0-d tensors (use stack)");
            }
            int a = first.normalizeAxis("concat", axis);
            DType dtype = inputs.getFirst().dtype();
            long total = 0;
            for (int i = 0; i < inputs.size(); i++) {
                Shape t = inputs.get(i).shape();
                dtype = DType.promote(dtype, inputs.get(i).dtype());
                boolean compatible = t.rank() == first.rank();
                for (int d = 0; compatible && d < first.rank(); d++) {
                    compatible = d == a || t.dim(d) == first.dim(d);
                }
                if (!compatible) {
                    throw error("concat", "tensor " + i + " has shape " + t + ", which does not match " + first
                            + " outside axis " + a);
                }
                total += t.dim(a);
            }
            if (total > Integer.MAX_VALUE) {
                throw error("concat", "axis " + a + " would have size " + total
                        + ", more than a dimension can hold (" + Integer.MAX_VALUE + ")");
            }
            return new TensorType(dtype, first.with(a, (int) total));
        }

        @Override
        public List<DType> operandTypes(List<TensorType> inputs) {
            DType dtype = inputs.getFirst().dtype();
            for (TensorType input : inputs) {
                dtype = DType.promote(dtype, input.dtype());
            }
            List<DType> types = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                types.add(dtype);
            }
            return types;
        }
    }

    /**
     * Pads each axis with {@code before[k]} and {@code after[k]} copies of {@code value}. NumPy:
     * {@code np.pad(x, padding, constant_values=value)}. OpenVINO: {@code Pad} (constant mode).
     */
    record Pad(int[] before, int[] after, double value) implements ComputeOp {

        /** A pad from NumPy's {@code {before, after}} pairs, checked against an input of {@code shape}. */
        public static Pad of(int[][] padding, double value, Shape shape) {
            if (padding.length != shape.rank()) {
                throw error("pad", "needs one {before, after} pair per axis: got " + padding.length + " for shape "
                        + shape);
            }
            int[] before = new int[shape.rank()];
            int[] after = new int[shape.rank()];
            for (int i = 0; i < shape.rank(); i++) {
                if (padding[i] == null) {
                    throw error("pad", "argument 'padding[" + i + "]' is null");
                }
                if (padding[i].length != 2 || padding[i][0] < 0 || padding[i][1] < 0) {
                    throw error("pad", "axis " + i + " needs a {before, after} pair of non-negative sizes, got "
                            + Arrays.toString(padding[i]));
                }
                before[i] = padding[i][0];
                after[i] = padding[i][1];
            }
            return new Pad(before, after, value);
        }

        @Override
        public String name() {
            return "pad";
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            arity(this, inputs, 1);
            int[] out = inputs.getFirst().shape().dims();
            for (int i = 0; i < out.length; i++) {
                long size = (long) out[i] + before[i] + after[i];
                if (size > Integer.MAX_VALUE) {
                    throw error("pad", "axis " + i + " would have size " + size
                            + ", more than a dimension can hold (" + Integer.MAX_VALUE + ")");
                }
                out[i] = (int) size;
            }
            return new TensorType(inputs.getFirst().dtype(), Shape.of("pad", out));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Pad p && Arrays.equals(p.before, before) && Arrays.equals(p.after, after)
                    && Double.compare(p.value, value) == 0;
        }

        @Override
        public int hashCode() {
            return 31 * (31 * Arrays.hashCode(before) + Arrays.hashCode(after)) + Double.hashCode(value);
        }

        @Override
        public String toString() {
            return "Pad[before=" + Arrays.toString(before) + ", after=" + Arrays.toString(after) + ", value=" + value
                    + "]";
        }
    }

    /**
     * Slices of input 0 along {@code axis} at the integer positions of input 1; the result's shape
     * is input 0's with {@code axis} replaced by the index shape. Index values are checked where
     * they are read. NumPy: {@code np.take(x, indices, axis)}. OpenVINO: {@code Gather}-8.
     */
    record Gather(int axis) implements ComputeOp {
        @Override
        public String name() {
            return "gather";
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            arity(this, inputs, 2);
            TensorType x = inputs.get(0);
            int a = x.shape().normalizeAxis("gather", axis);
            requireIntegerIndices("gather", inputs.get(1));
            return new TensorType(x.dtype(), gathered("gather", x.shape(), a, inputs.get(1).shape()));
        }

        @Override
        public List<DType> operandTypes(List<TensorType> inputs) {
            return List.of(inputs.get(0).dtype(), DType.INT64);
        }
    }

    /**
     * A copy of input 0 with each slice of input 2 (shaped like {@link Gather}'s result) added at
     * its position from input 1 along {@code axis}; repeated positions accumulate: gather's
     * adjoint. NumPy: {@code np.add.at(x.copy(), (slice(None),) * axis + (indices,), updates)}.
     * OpenVINO: {@code ScatterElementsUpdate} (sum).
     */
    record IndexAdd(int axis) implements ComputeOp {
        @Override
        public String name() {
            return "indexAdd";
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            arity(this, inputs, 3);
            TensorType x = inputs.get(0);
            TensorType indices = inputs.get(1);
            TensorType updates = inputs.get(2);
            int a = x.shape().normalizeAxis("indexAdd", axis);
            if (x.dtype() == DType.BOOL || updates.dtype() == DType.BOOL) {
                throw error("indexAdd", "not defined for bool tensors (" + x.dtype() + ", " + updates.dtype() + ")");
            }
            requireIntegerIndices("indexAdd", indices);
            Shape expected = gathered("indexAdd", x.shape(), a, indices.shape());
            if (!updates.shape().equals(expected)) {
                throw error("indexAdd", "updates have shape " + updates.shape() + " but indices of shape "
                        + indices.shape() + " into shape " + x.shape() + " along axis " + a + " need " + expected);
            }
            return new TensorType(DType.promote(x.dtype(), updates.dtype()), x.shape());
        }

        @Override
        public List<DType> operandTypes(List<TensorType> inputs) {
            DType dtype = DType.promote(inputs.get(0).dtype(), inputs.get(2).dtype());
            return List.of(dtype, DType.INT64, dtype);
        }
    }

    private static void requireIntegerIndices(String op, TensorType indices) {
        if (!indices.dtype().isInteger()) {
            throw error(op, "indices must be int32 or int64, got " + indices.dtype());
        }
    }

    /** {@code shape} with {@code axis} replaced by the index shape: what {@link Gather} returns. */
    private static Shape gathered(String op, Shape shape, int axis, Shape indexShape) {
        int[] dims = shape.dims();
        int[] index = indexShape.dims();
        int[] out = new int[dims.length - 1 + index.length];
        System.arraycopy(dims, 0, out, 0, axis);
        System.arraycopy(index, 0, out, axis, index.length);
        System.arraycopy(dims, axis + 1, out, axis + index.length, dims.length - axis - 1);
        return Shape.of(op, out);
    }

    // ============================================================================================
    // Neural-network ops
    // ============================================================================================

    /**
     * 2-D cross-correlation of NCHW input 0 with OIHW weights (input 1). PyTorch:
     * {@code F.conv2d}. OpenVINO: {@code Convolution} ({@code GroupConvolution} when grouped).
     */
    record Conv2d(Conv2dSpec spec) implements ComputeOp {
        @Override
        public String name() {
            return "conv2d";
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            arity(this, inputs, 2);
            Shape out = conv2dOutputShape("conv2d", inputs.get(0).shape(), inputs.get(1).shape(), spec);
            notBool("conv2d", inputs.get(0), inputs.get(1));
            return new TensorType(DType.promote(inputs.get(0).dtype(), inputs.get(1).dtype()), out);
        }

        @Override
        public List<DType> operandTypes(List<TensorType> inputs) {
            DType dtype = DType.promote(inputs.get(0).dtype(), inputs.get(1).dtype());
            return List.of(dtype, dtype);
        }
    }

    /**
     * {@link MatMul} of inputs 0 and 1 (input 1 at least 2-d, so that the product's last axis is its columns), plus
     * input 2, a 1-d bias of one value per column, each element then limited to {@code [low, high]} (maximum with
     * {@code low}, then minimum with {@code high}, as {@code clip}; infinite bounds for none): a dense layer with its
     * bias and ReLU in one step. Equal, element for element, to {@code matmul(a, b).add(bias).clip(low, high)}.
     * Floating tensors only. Inference only: it has no derivative rule. PyTorch: {@code F.linear(x, w, b)} (then
     * {@code clamp}). OpenVINO: {@code MatMul} + {@code Add} (+ {@code Clamp}).
     */
    record MatMulBias(boolean transposeA, boolean transposeB, double low, double high) implements ComputeOp {
        public MatMulBias {
            clampBounds("matmulBias", low, high);
        }

        @Override
        public String name() {
            return "matmulBias";
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            arity(this, inputs, 3);
            if (inputs.get(1).shape().rank() < 2) {
                throw error(name(), "needs a matrix (or a stack of them) as its second operand, got shape "
                        + inputs.get(1).shape());
            }
            Shape out = new MatMul(transposeA, transposeB).infer(inputs.subList(0, 2)).shape();
            Shape bias = inputs.get(2).shape();
            if (bias.rank() != 1 || bias.dim(0) != out.dim(-1)) {
                throw error(name(), "needs a 1-d bias of one value per column of the product (" + out.dim(-1)
                        + "), got shape " + bias);
            }
            return new TensorType(floatingTogether(name(), inputs), out);
        }

        @Override
        public List<DType> operandTypes(List<TensorType> inputs) {
            return promotedTogether(inputs);
        }
    }

    /**
     * {@link Conv2d} of input 0 with weights input 1, plus the per-output-channel bias input 2 (1-D, one value per
     * output channel), then, when there is a fourth input, that tensor of the output's shape (a residual block's
     * shortcut), each element then limited to {@code [low, high]} (maximum with {@code low}, then minimum with
     * {@code high}, as {@code clip}; infinite bounds for none): a convolution layer with its bias, residual and ReLU
     * or ReLU6 in one pass, which the kernels apply to each output tile while it is still in cache. The sums run in
     * that order, {@code (conv + bias) + residual}, as the separate layers would. Floating tensors only. Inference
     * only: it has no derivative rule. PyTorch: {@code (F.conv2d(x, w, b) + r).clamp(low, high)}. OpenVINO:
     * {@code Convolution} + {@code Add} (+ {@code Add}) + {@code Clamp}.
     */
    record Conv2dBias(Conv2dSpec spec, double low, double high) implements ComputeOp {
        public Conv2dBias {
            clampBounds("conv2dBias", low, high);
        }

        @Override
        public String name() {
            return "conv2dBias";
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            if (inputs.size() != 3 && inputs.size() != 4) {
                throw new IllegalArgumentException(name() + " takes 3 or 4 inputs, got " + inputs.size());
            }
            Shape weight = inputs.get(1).shape(), bias = inputs.get(2).shape();
            Shape out = conv2dOutputShape(name(), inputs.get(0).shape(), weight, spec);
            if (bias.rank() != 1 || bias.dim(0) != weight.dim(0)) {
                throw error(name(), "needs a 1-d bias of one value per output channel (" + weight.dim(0)
                        + "), got shape " + bias);
            }
            if (inputs.size() == 4 && !inputs.get(3).shape().equals(out)) {
                throw error(name(), "needs a residual of the output's shape " + out + ", got shape "
                        + inputs.get(3).shape());
            }
            return new TensorType(floatingTogether(name(), inputs), out);
        }

        @Override
        public List<DType> operandTypes(List<TensorType> inputs) {
            return promotedTogether(inputs);
        }
    }

    /**
     * {@link Conv2dBias} layers applied in turn: input 0 is the first layer's input, inputs {@code 2i + 1} and
     * {@code 2i + 2} layer i's weights and bias, and an input after them, when there is one, the last layer's residual.
     * Equal, element for element up to the order of a product's sums, to the layers run one by one; a backend may
     * compute them together (the CPU one runs MobileNet's expansion, depthwise and projection layers in bands of rows,
     * so that the wide tensors between them stay in cache). Floating tensors only; inference only, as
     * {@link Conv2dBias}. OpenVINO: the layers' {@code Convolution}s with their {@code Add}s and {@code Clamp}s.
     *
     * @param layers each layer's geometry and clamp, at least one
     */
    record Conv2dBlock(List<Layer> layers) implements ComputeOp {
        /** One layer of the block: its convolution's geometry and the clamp after its bias. */
        public record Layer(Conv2dSpec spec, double low, double high) {
            public Layer {
                Objects.requireNonNull(spec, "spec");
                clampBounds("conv2dBlock", low, high);
            }
        }

        public Conv2dBlock {
            layers = List.copyOf(layers);
            if (layers.isEmpty()) {
                throw error("conv2dBlock", "needs at least one layer");
            }
        }

        /** Whether {@code inputs} (as many as this op is given) include a residual for the last layer. */
        public boolean hasResidual(int inputs) {
            return inputs == 2 * layers.size() + 2;
        }

        @Override
        public String name() {
            return "conv2dBlock";
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            int plain = 2 * layers.size() + 1;
            if (inputs.size() != plain && inputs.size() != plain + 1) {
                throw new IllegalArgumentException(name() + " of " + layers.size() + " layers takes " + plain + " or "
                        + (plain + 1) + " inputs, got " + inputs.size());
            }
            Shape out = inputs.getFirst().shape();
            for (int i = 0; i < layers.size(); i++) {
                Shape weight = inputs.get(2 * i + 1).shape(), bias = inputs.get(2 * i + 2).shape();
                String layer = name() + " layer " + i;
                out = conv2dOutputShape(layer, out, weight, layers.get(i).spec());
                if (bias.rank() != 1 || bias.dim(0) != weight.dim(0)) {
                    throw error(layer, "needs a 1-d bias of one value per output channel (" + weight.dim(0)
                            + "), got shape " + bias);
                }
            }
            if (inputs.size() > plain && !inputs.getLast().shape().equals(out)) {
                throw error(name(), "needs a residual of the output's shape " + out + ", got shape "
                        + inputs.getLast().shape());
            }
            return new TensorType(floatingTogether(name(), inputs), out);
        }

        @Override
        public List<DType> operandTypes(List<TensorType> inputs) {
            return promotedTogether(inputs);
        }
    }

    /** Max or average pooling of NCHW input. PyTorch: {@code F.max_pool2d}/{@code avg_pool2d}. OpenVINO: {@code MaxPool}/{@code AvgPool}. */
    record Pool2d(Pool2dSpec spec) implements ComputeOp {
        @Override
        public String name() {
            return spec.kind() == Pool2dSpec.Kind.MAX ? "maxPool2d" : "avgPool2d";
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            arity(this, inputs, 1);
            Shape out = pool2dOutputShape(name(), inputs.getFirst().shape(), spec);
            notBool(name(), inputs.getFirst());
            return new TensorType(operandTypes(inputs).getFirst(), out);
        }

        /** Averages are floating; a max keeps the dtype. */
        @Override
        public List<DType> operandTypes(List<TensorType> inputs) {
            DType dtype = inputs.getFirst().dtype();
            return List.of(spec.kind() == Pool2dSpec.Kind.AVG ? dtype.toFloating() : dtype);
        }
    }

    /**
     * The gradient of {@link Conv2d} with respect to its input, of {@code inputShape}: input 0 (the
     * output gradient) correlated back through the weights (input 1). PyTorch:
     * {@code torch.nn.grad.conv2d_input}. OpenVINO: {@code ConvolutionBackpropData}.
     */
    record Conv2dBackwardInput(Conv2dSpec spec, Shape inputShape) implements ComputeOp {
        @Override
        public String name() {
            return "conv2dBackwardInput";
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            arity(this, inputs, 2);
            checkOutputGradient(name(), inputs.get(0).shape(),
                    conv2dOutputShape(name(), inputShape, inputs.get(1).shape(), spec));
            return new TensorType(gradientType(name(), inputs.get(0), inputs.get(1)), inputShape);
        }

        @Override
        public List<DType> operandTypes(List<TensorType> inputs) {
            DType dtype = gradientType(name(), inputs.get(0), inputs.get(1));
            return List.of(dtype, dtype);
        }
    }

    /**
     * The gradient of {@link Conv2d} with respect to its weights, of {@code weightShape}, summed over
     * the batch: from the input (input 0) and the output gradient (input 1). PyTorch:
     * {@code torch.nn.grad.conv2d_weight}.
     */
    record Conv2dBackwardWeight(Conv2dSpec spec, Shape weightShape) implements ComputeOp {
        @Override
        public String name() {
            return "conv2dBackwardWeight";
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            arity(this, inputs, 2);
            checkOutputGradient(name(), inputs.get(1).shape(),
                    conv2dOutputShape(name(), inputs.get(0).shape(), weightShape, spec));
            return new TensorType(gradientType(name(), inputs.get(0), inputs.get(1)), weightShape);
        }

        @Override
        public List<DType> operandTypes(List<TensorType> inputs) {
            DType dtype = gradientType(name(), inputs.get(0), inputs.get(1));
            return List.of(dtype, dtype);
        }
    }

    /**
     * The gradient of {@link Pool2d} with respect to its input (input 0), given the output gradient
     * (input 1). Max pooling sends each window's gradient to its first maximum (row-major), as
     * PyTorch; average pooling spreads it over the window's non-padded positions.
     */
    record Pool2dBackward(Pool2dSpec spec) implements ComputeOp {
        @Override
        public String name() {
            return spec.kind() == Pool2dSpec.Kind.MAX ? "maxPool2dBackward" : "avgPool2dBackward";
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            arity(this, inputs, 2);
            Shape x = inputs.get(0).shape();
            checkOutputGradient(name(), inputs.get(1).shape(), pool2dOutputShape(name(), x, spec));
            return new TensorType(gradientType(name(), inputs.get(0), inputs.get(1)), x);
        }

        @Override
        public List<DType> operandTypes(List<TensorType> inputs) {
            DType dtype = gradientType(name(), inputs.get(0), inputs.get(1));
            return List.of(dtype, dtype);
        }
    }

    /** Checks a convolution's operands and geometry and returns its output shape. */
    private static Shape conv2dOutputShape(String op, Shape input, Shape weight, Conv2dSpec spec) {
        if (input.rank() != 4 || weight.rank() != 4) {
            throw error(op, "needs NCHW input and OIHW weights (both 4-d), got shapes " + input + " and " + weight);
        }
        if (spec.strideH() < 1 || spec.strideW() < 1 || spec.dilationH() < 1 || spec.dilationW() < 1
                || spec.groups() < 1 || spec.padTop() < 0 || spec.padBottom() < 0 || spec.padLeft() < 0
                || spec.padRight() < 0) {
            throw error(op, "strides, dilations and groups must be >= 1 and padding >= 0, got " + spec);
        }
        int c = input.dim(1);
        int o = weight.dim(0);
        int groups = spec.groups();
        if (c % groups != 0 || o % groups != 0 || weight.dim(1) != c / groups) {
            throw error(op, "input " + input + " has " + c + " channels and weights " + weight + " expect "
                    + weight.dim(1) + " per group with " + groups
                    + " group(s); channels and output channels must divide by groups");
        }
        int oh = spec.outHeight(input.dim(2), weight.dim(2));
        int ow = spec.outWidth(input.dim(3), weight.dim(3));
        if (oh <= 0 || ow <= 0) {
            throw error(op, "kernel " + weight + " with dilation (" + spec.dilationH() + ", " + spec.dilationW()
                    + ") is larger than the padded input " + input);
        }
        return Shape.of(op, input.dim(0), o, oh, ow);
    }

    /** Checks a pooling's input and geometry and returns its output shape. */
    private static Shape pool2dOutputShape(String op, Shape input, Pool2dSpec spec) {
        if (input.rank() != 4) {
            throw error(op, "needs NCHW input (4-d), got shape " + input);
        }
        if (spec.kernelH() < 1 || spec.kernelW() < 1 || spec.strideH() < 1 || spec.strideW() < 1) {
            throw error(op, "kernel and stride must be >= 1, got " + spec);
        }
        if (spec.padH() < 0 || spec.padW() < 0 || spec.padH() > spec.kernelH() / 2 || spec.padW() > spec.kernelW() / 2) {
            throw error(op, "padding must be between 0 and half the kernel, got " + spec);
        }
        int oh = spec.outHeight(input.dim(2));
        int ow = spec.outWidth(input.dim(3));
        if (oh <= 0 || ow <= 0) {
            throw error(op, "kernel " + spec.kernelH() + "x" + spec.kernelW() + " is larger than the padded input "
                    + input);
        }
        return Shape.of(op, input.dim(0), input.dim(1), oh, ow);
    }

    private static void checkOutputGradient(String op, Shape dy, Shape output) {
        if (!dy.equals(output)) {
            throw error(op, "output gradient has shape " + dy + " but the forward output has " + output);
        }
    }

    /** The floating type a gradient of these operands is computed in. */
    private static DType gradientType(String op, TensorType a, TensorType b) {
        if (a.dtype() == DType.BOOL || b.dtype() == DType.BOOL) {
            throw error(op, "not defined for bool operands");
        }
        return DType.promote(a.dtype(), b.dtype()).toFloating();
    }
}
