package dev.adjoint.openvino.engine;

import dev.adjoint.core.Shape;
import dev.adjoint.core.Slice;
import dev.adjoint.Tensor;
import dev.adjoint.openvino.ir.ShapeRules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Kernels that move data or compute shapes: reshape rules, squeeze, tile, broadcast, pad, slices, gather, splits. */
final class ShapeKernels {
    private ShapeKernels() {
    }


    /** Reshape-1's target: {@code -1} is inferred, and with {@code specialZero} a 0 copies the input's length. */
    static int[] reshapeTarget(int[] in, long[] target, boolean specialZero) {
        long inCount = Shape.of(in).size();
        int[] out = new int[target.length];
        int inferred = -1;
        long product = 1;
        for (int i = 0; i < target.length; i++) {
            long t = target[i];
            if (t == -1) {
                if (inferred >= 0) {
                    throw new IllegalArgumentException("target shape " + Arrays.toString(target)
                            + " has more than one -1");
                }
                inferred = i;
                continue;
            }
            if (t == 0 && specialZero) {
                if (i >= in.length) {
                    throw new IllegalArgumentException("target shape " + Arrays.toString(target) + " copies axis " + i
                            + " (special_zero) but the input " + Arrays.toString(in) + " has no such axis");
                }
                t = in[i];
            }
            if (t < 0 || t > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("target shape " + Arrays.toString(target) + " has an invalid value "
                        + target[i]);
            }
            out[i] = (int) t;
            product = Math.multiplyExact(product, t);
        }
        if (inferred >= 0) {
            if (product == 0 || inCount % product != 0) {
                throw new IllegalArgumentException("cannot reshape " + Arrays.toString(in) + " to "
                        + Arrays.toString(target) + ": " + inCount + " elements do not divide into " + product);
            }
            out[inferred] = Math.toIntExact(inCount / product);
        } else if (product != inCount) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(in) + " (" + inCount
                    + " elements) to " + Arrays.toString(target) + " (" + product + " elements)");
        }
        return out;
    }

    /** Removes the listed axes (or every axis of length 1 when {@code axes} is null). */
    static Tensor squeeze(Tensor x, long[] axes, boolean allowAxisSkip) {
        int[] dims = x.shape().dims();
        boolean[] drop = new boolean[dims.length];
        if (axes == null) {
            for (int i = 0; i < dims.length; i++) {
                drop[i] = dims[i] == 1;
            }
        } else {
            for (long a : axes) {
                int axis = ShapeRules.normalizeAxis(a, dims.length, "axis");
                if (dims[axis] == 1) {
                    drop[axis] = true;
                } else if (!allowAxisSkip) {
                    throw new IllegalArgumentException("cannot squeeze axis " + a + " of " + Arrays.toString(dims)
                            + ": its length is not 1");
                }
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < dims.length; i++) {
            if (!drop[i]) {
                out.add(dims[i]);
            }
        }
        return x.reshape(intArray(out));
    }

    static Tensor unsqueeze(Tensor x, long[] axes) {
        int outRank = x.rank() + axes.length;
        boolean[] inserted = new boolean[outRank];
        for (long a : axes) {
            int axis = ShapeRules.normalizeAxis(a, outRank, "axis");
            if (inserted[axis]) {
                throw new IllegalArgumentException("axes " + Arrays.toString(axes) + " repeat axis " + axis);
            }
            inserted[axis] = true;
        }
        int[] dims = new int[outRank];
        int next = 0;
        for (int i = 0; i < outRank; i++) {
            dims[i] = inserted[i] ? 1 : x.dim(next++);
        }
        return x.reshape(dims);
    }

    /** A list of dimensions as an array (a loop, not a stream: see {@link OpTable#axes}). */
    private static int[] intArray(List<Integer> values) {
        int[] out = new int[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    static Tensor shapeOf(Tensor x) {
        int[] shape = x.shape().dims();
        long[] dims = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[i];
        }
        return Tensor.of(dims, Shape.of(dims.length)).to(x.device());
    }

    /** Numpy's tile: each axis {@code i} repeated {@code repeats[i]} times (aligned at the trailing axes). */
    static Tensor tile(Tensor x, long[] repeats) {
        int rank = Math.max(x.rank(), repeats.length);
        int[] dims = new int[rank];
        long[] reps = new long[rank];
        for (int i = 0; i < rank; i++) {
            int id = i - (rank - x.rank());
            int ir = i - (rank - repeats.length);
            dims[i] = id < 0 ? 1 : x.dim(id);
            reps[i] = ir < 0 ? 1 : repeats[ir];
            if (reps[i] < 0) {
                throw new IllegalArgumentException("repeats " + Arrays.toString(repeats) + " has a negative value");
            }
        }
        // [d0, d1, ...] -> [1, d0, 1, d1, ...] -> broadcast to [r0, d0, r1, d1, ...] -> [r0*d0, r1*d1, ...]
        int[] spread = new int[2 * rank];
        int[] target = new int[2 * rank];
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            spread[2 * i] = 1;
            spread[2 * i + 1] = dims[i];
            target[2 * i] = Math.toIntExact(reps[i]);
            target[2 * i + 1] = dims[i];
            out[i] = Math.toIntExact(reps[i] * dims[i]);
        }
        return x.reshape(spread).broadcastTo(target).reshape(out);
    }

    /** Broadcast-1/3: numpy (to exactly the target), bidirectional (numpy both ways), explicit (axes_mapping). */
    static Tensor broadcast(Tensor x, long[] targetShape, String mode, long[] axesMapping) {
        int[] target = OpTable.ints(targetShape);
        switch (mode) {
            case "bidirectional" -> {
                return x.broadcastTo(Shape.broadcast("Broadcast", x.shape(), Shape.of(target)).dims());
            }
            case "explicit" -> {
                if (axesMapping == null || axesMapping.length != x.rank()) {
                    throw new IllegalArgumentException("axes_mapping " + Arrays.toString(axesMapping)
                            + " must have one axis per input axis (" + x.rank() + ")");
                }
                int[] dims = new int[target.length];
                Arrays.fill(dims, 1);
                for (int i = 0; i < axesMapping.length; i++) {
                    int a = Math.toIntExact(axesMapping[i]);
                    if (a < 0 || a >= target.length) {
                        throw new IllegalArgumentException("axes_mapping " + Arrays.toString(axesMapping)
                                + " names an axis outside the target rank " + target.length);
                    }
                    dims[a] = x.dim(i);
                }
                return x.reshape(dims).broadcastTo(target);
            }
            default -> {
                if (x.rank() > target.length) {
                    throw new IllegalArgumentException("input " + x.shape() + " has a higher rank than the target "
                            + Arrays.toString(target));
                }
                return x.broadcastTo(target);
            }
        }
    }

    /** Pad-1/12: constant, edge, reflect or symmetric; Pad-12's negative pads crop. */
    static Tensor pad(Layer l, List<OvTensor> in) {
        Tensor x = OpTable.t(in, 0);
        long[] begin = OpTable.longs(in, 1);
        long[] end = OpTable.longs(in, 2);
        int rank = x.rank();
        if (begin.length != rank || end.length != rank) {
            throw new IllegalArgumentException("pads_begin " + Arrays.toString(begin) + " and pads_end "
                    + Arrays.toString(end) + " must have one value per axis of " + x.shape());
        }
        // Negative pads crop first.
        Slice[] crop = OpTable.all(rank);
        boolean cropping = false;
        for (int i = 0; i < rank; i++) {
            if (begin[i] < 0 || end[i] < 0) {
                int n = x.dim(i);
                int from = (int) Math.min(n, Math.max(0, -begin[i]));
                int to = (int) Math.max(from, n - Math.max(0, -end[i]));
                crop[i] = Slice.range(from, to);
                cropping = true;
            }
        }
        if (cropping) {
            x = x.index(crop);
        }
        String mode = l.getString("pad_mode");
        if (mode.equals("constant")) {
            double value = in.size() > 3 ? OpTable.t(in, 3).item() : 0.0;
            int[][] pads = new int[rank][2];
            for (int i = 0; i < rank; i++) {
                pads[i][0] = (int) Math.max(0, begin[i]);
                pads[i][1] = (int) Math.max(0, end[i]);
            }
            return x.pad(pads, value);
        }
        for (int axis = 0; axis < rank; axis++) {
            long b = Math.max(0, begin[axis]);
            long e = Math.max(0, end[axis]);
            if (b == 0 && e == 0) {
                continue;
            }
            int n = x.dim(axis);
            long limit = switch (mode) {
                case "reflect" -> n - 1;
                case "symmetric" -> n;
                default -> Long.MAX_VALUE;
            };
            if (n == 0 || b > limit || e > limit) {
                throw new IllegalArgumentException("pad_mode " + mode + " cannot pad axis " + axis + " of length " + n
                        + " by " + b + " and " + e + " (at most " + (mode.equals("edge") ? "any, if not empty"
                        : limit) + ")");
            }
            long[] idx = new long[Math.toIntExact(b + n + e)];
            for (int j = 0; j < idx.length; j++) {
                long p = j - b;
                idx[j] = switch (mode) {
                    case "edge" -> Math.max(0, Math.min(n - 1, p));
                    case "reflect" -> p < 0 ? -p : p >= n ? 2L * (n - 1) - p : p;
                    default -> p < 0 ? -p - 1 : p >= n ? 2L * n - 1 - p : p;
                };
            }
            x = x.gather(Tensor.of(idx, Shape.of(idx.length)).to(x.device()), axis);
        }
        return x;
    }

    /** Slice-8: Python slicing {@code start:stop:step} on the listed axes (all axes in order by default). */
    static Tensor slice(Tensor x, long[] start, long[] stop, long[] step, long[] axes) {
        int n = start.length;
        if (stop.length != n || step.length != n || (axes != null && axes.length != n)) {
            throw new IllegalArgumentException("start " + Arrays.toString(start) + ", stop " + Arrays.toString(stop)
                    + ", step " + Arrays.toString(step) + " and axes must have the same length");
        }
        Slice[] s = OpTable.all(x.rank());
        boolean[] seen = new boolean[x.rank()];
        for (int i = 0; i < n; i++) {
            int axis = ShapeRules.normalizeAxis(axes == null ? i : axes[i], x.rank(), "axis");
            if (seen[axis]) {
                throw new IllegalArgumentException("axes repeat axis " + axis);
            }
            seen[axis] = true;
            if (step[i] == 0) {
                throw new IllegalArgumentException("step must not be 0");
            }
            int len = x.dim(axis);
            s[axis] = Slice.range(bound(start[i], len), bound(stop[i], len), clampStep(step[i]));
        }
        return x.index(s);
    }

    private static int clampStep(long step) {
        return (int) Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, step));
    }

    /** A slice bound clamped to what means the same for an axis of {@code len} (INT64_MAX means "to the end"). */
    private static int bound(long v, int len) {
        return (int) Math.max(-(long) len - 1, Math.min((long) len + 1, v));
    }

    /**
     * StridedSlice-1 as TensorFlow defines it: masks are per index of {@code begin} (1 = set), the ellipsis expands
     * to the axes not named, new axes insert length-1 axes, shrunk axes are dropped.
     */
    static Tensor stridedSlice(Tensor x, long[] begin, long[] end, long[] strides, List<Long> beginMask,
            List<Long> endMask, List<Long> newAxisMask, List<Long> shrinkMask, List<Long> ellipsisMask) {
        int n = begin.length;
        if (end.length != n || (strides != null && strides.length != n)) {
            throw new IllegalArgumentException("begin " + Arrays.toString(begin) + ", end " + Arrays.toString(end)
                    + " and stride must have the same length");
        }
        int ellipsisAt = -1;
        int namedAxes = 0;
        for (int i = 0; i < n; i++) {
            if (bit(ellipsisMask, i)) {
                if (ellipsisAt >= 0) {
                    throw new IllegalArgumentException("ellipsis_mask has more than one bit set");
                }
                ellipsisAt = i;
            } else if (!bit(newAxisMask, i)) {
                namedAxes++;
            }
        }
        if (namedAxes > x.rank()) {
            throw new IllegalArgumentException("slicing " + namedAxes + " axes of a tensor of rank " + x.rank());
        }
        // Walk the slice spec, producing one Slice per input axis and the output's axis list.
        List<Slice> slices = new ArrayList<>();
        List<Integer> outDims = new ArrayList<>();
        List<Boolean> keep = new ArrayList<>();
        int axis = 0;
        for (int i = 0; i < n; i++) {
            if (i == ellipsisAt) {
                int span = x.rank() - namedAxes;
                for (int k = 0; k < span; k++) {
                    slices.add(Slice.all());
                    keep.add(true);
                    axis++;
                }
                continue;
            }
            if (bit(newAxisMask, i)) {
                keep.add(null);
                continue;
            }
            int len = x.dim(axis);
            long stride = strides == null ? 1 : strides[i];
            if (stride == 0) {
                throw new IllegalArgumentException("stride must not be 0");
            }
            if (bit(shrinkMask, i)) {
                long b = begin[i] < 0 ? begin[i] + len : begin[i];
                if (b < 0 || b >= len) {
                    throw new IllegalArgumentException("index " + begin[i] + " is out of bounds for axis " + axis
                            + " of length " + len);
                }
                slices.add(Slice.range((int) b, (int) b + 1));
                keep.add(false);
            } else {
                Integer from = bit(beginMask, i) ? null : bound(begin[i], len);
                Integer to = bit(endMask, i) ? null : bound(end[i], len);
                slices.add(new Slice.Range(from, to, clampStep(stride)));
                keep.add(true);
            }
            axis++;
        }
        while (axis < x.rank()) {
            slices.add(Slice.all());
            keep.add(true);
            axis++;
        }
        Tensor sliced = x.index(slices.toArray(Slice[]::new));
        int next = 0;
        for (Boolean k : keep) {
            if (k == null) {
                outDims.add(1);
            } else {
                if (k) {
                    outDims.add(sliced.dim(next));
                }
                next++;
            }
        }
        return sliced.reshape(intArray(outDims));
    }

    private static boolean bit(List<Long> mask, int i) {
        return i < mask.size() && mask.get(i) != 0;
    }

    /** Gather-1/7/8: negative indices count from the end; {@code batchDims} leading axes are matched, not gathered. */
    static Tensor gather(Tensor data, Tensor indices, long[] axisValue, long batchDims) {
        int axis = ShapeRules.normalizeAxis(OpTable.singleValue(axisValue, "axis"), data.rank(), "axis");
        int b = (int) (batchDims < 0 ? batchDims + indices.rank() : batchDims);
        if (b < 0 || b > indices.rank() || b > axis) {
            throw new IllegalArgumentException("batch_dims " + batchDims + " must lie in 0.." + Math.min(axis,
                    indices.rank()) + " for indices " + indices.shape() + " and axis " + axis);
        }
        if (b == 0) {
            return data.gather(indices, axis);
        }
        int[] dd = data.shape().dims();
        int[] id = indices.shape().dims();
        int batch = 1;
        for (int i = 0; i < b; i++) {
            if (dd[i] != id[i]) {
                throw new IllegalArgumentException("batch dimension " + i + " differs: data " + data.shape()
                        + ", indices " + indices.shape());
            }
            batch *= dd[i];
        }
        Tensor d = data.reshape(concat(new int[] {batch}, Arrays.copyOfRange(dd, b, dd.length)));
        Tensor ix = indices.reshape(concat(new int[] {batch}, Arrays.copyOfRange(id, b, id.length)));
        int[] out = new int[dd.length - 1 + id.length - b];
        int k = 0;
        for (int i = 0; i < axis; i++) {
            out[k++] = dd[i];
        }
        for (int i = b; i < id.length; i++) {
            out[k++] = id[i];
        }
        for (int i = axis + 1; i < dd.length; i++) {
            out[k++] = dd[i];
        }
        if (batch == 0) {
            return Tensor.zeros(data.dtype(), out).to(data.device());
        }
        Tensor[] parts = new Tensor[batch];
        for (int i = 0; i < batch; i++) {
            parts[i] = d.get(i).gather(ix.get(i), axis - b).expandDims(0);
        }
        return Tensor.concat(0, parts).reshape(out);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static List<Tensor> variadicSplit(Tensor x, long axisValue, long[] lengths) {
        int axis = ShapeRules.normalizeAxis(axisValue, x.rank(), "axis");
        int n = x.dim(axis);
        long known = 0;
        int inferred = -1;
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] == -1) {
                if (inferred >= 0) {
                    throw new IllegalArgumentException("split_lengths " + Arrays.toString(lengths)
                            + " has more than one -1");
                }
                inferred = i;
            } else if (lengths[i] < 0) {
                throw new IllegalArgumentException("split_lengths " + Arrays.toString(lengths) + " has a negative value");
            } else {
                known += lengths[i];
            }
        }
        long[] l = lengths.clone();
        if (inferred >= 0) {
            l[inferred] = n - known;
        }
        if ((inferred >= 0 && known > n) || (inferred < 0 && known != n)) {
            throw new IllegalArgumentException("split_lengths " + Arrays.toString(lengths) + " do not add up to axis "
                    + axis + " of " + x.shape());
        }
        int[] cuts = new int[l.length - 1];
        long at = 0;
        for (int i = 0; i < cuts.length; i++) {
            at += l[i];
            cuts[i] = (int) at;
        }
        return x.split(cuts, axis);
    }
}
