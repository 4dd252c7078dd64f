package dev.adjoint.openvino.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Shape and type inference over partial shapes, one static method per rule, shared by the op definitions in
 * {@link Ops}. A rule that cannot hold throws {@link IllegalArgumentException} with the reason; the caller adds
 * the op's name. Dimension arithmetic is overflow-checked ({@link ArithmeticException}).
 */
public final class ShapeRules {
    private ShapeRules() {
    }

    /** NumPy broadcasting of two partial shapes (trailing dimensions aligned; 1 stretches). */
    public static PartialShape broadcastNumpy(PartialShape a, PartialShape b) {
        if (a.isRankDynamic() || b.isRankDynamic()) {
            return PartialShape.dynamicRank();
        }
        int rank = Math.max(a.rank(), b.rank());
        List<Dimension> out = new ArrayList<>(rank);
        for (int i = 0; i < rank; i++) {
            int ia = i - (rank - a.rank());
            int ib = i - (rank - b.rank());
            Dimension da = ia < 0 ? Dimension.of(1) : a.get(ia);
            Dimension db = ib < 0 ? Dimension.of(1) : b.get(ib);
            out.add(broadcastDim(da, db, a, b));
        }
        return PartialShape.of(out);
    }

    private static Dimension broadcastDim(Dimension a, Dimension b, PartialShape sa, PartialShape sb) {
        if (a.isStatic() && a.length() == 1) {
            return b;
        }
        if (b.isStatic() && b.length() == 1) {
            return a;
        }
        Dimension both = a.intersect(b);
        boolean aMayBeOne = a.contains(1);
        boolean bMayBeOne = b.contains(1);
        if (!aMayBeOne && !bMayBeOne) {
            if (both == null) {
                throw new IllegalArgumentException("shapes " + sa + " and " + sb + " do not broadcast");
            }
            return both;
        }
        if (a.isStatic() && !bMayBeOne || b.isStatic() && !aMayBeOne) {
            if (both == null) {
                throw new IllegalArgumentException("shapes " + sa + " and " + sb + " do not broadcast");
            }
            return both;
        }
        if (a.isStatic()) {
            return a;
        }
        if (b.isStatic()) {
            return b;
        }
        // Either may be 1, so the result may be either one's length.
        return a.union(b);
    }

    /** PaddlePaddle broadcasting with axis -1: {@code b} stretches onto the trailing dimensions of {@code a}. */
    public static PartialShape broadcastPdpd(PartialShape a, PartialShape b) {
        if (a.isRankDynamic() || b.isRankDynamic()) {
            return a;
        }
        if (b.rank() > a.rank()) {
            throw new IllegalArgumentException("shape " + b + " has a higher rank than " + a + " (pdpd broadcast)");
        }
        int offset = a.rank() - b.rank();
        List<Dimension> out = new ArrayList<>(a.dims());
        for (int i = 0; i < b.rank(); i++) {
            Dimension db = b.get(i);
            if (db.isStatic() && db.length() == 1) {
                continue;
            }
            Dimension m = a.get(offset + i).intersect(db);
            if (m == null) {
                throw new IllegalArgumentException("shape " + b + " does not broadcast onto " + a + " (pdpd)");
            }
            out.set(offset + i, m);
        }
        return PartialShape.of(out);
    }

    /** Element-wise shape under an {@code auto_broadcast} mode: {@code none}, {@code numpy} or {@code pdpd}. */
    public static PartialShape broadcast(String mode, PartialShape a, PartialShape b) {
        return switch (mode) {
            case "none" -> a.merge(b).orElseThrow(() -> new IllegalArgumentException(
                    "shapes " + a + " and " + b + " differ and auto_broadcast is none"));
            case "pdpd" -> broadcastPdpd(a, b);
            default -> broadcastNumpy(a, b);
        };
    }

    /** The common element type of the given inputs. */
    public static ElementType sameType(List<PortType> inputs, int... which) {
        ElementType t = inputs.get(which[0]).type();
        for (int i : which) {
            if (inputs.get(i).type() != t) {
                throw new IllegalArgumentException("input element types differ: " + t + " (input " + which[0]
                        + ") and " + inputs.get(i).type() + " (input " + i + ")");
            }
        }
        return t;
    }

    /** Normalises {@code axis} in {@code [-rank, rank)} to {@code [0, rank)}. */
    public static int normalizeAxis(long axis, int rank, String what) {
        if (axis < -rank || axis >= rank) {
            throw new IllegalArgumentException(what + " " + axis + " is out of range for rank " + rank
                    + " (allowed " + (-rank) + ".." + (rank - 1) + ")");
        }
        return (int) (axis < 0 ? axis + rank : axis);
    }

    /** MatMul's rule: NumPy matmul with optional transposes of the last two axes; 1-D operands are vectors. */
    public static PartialShape matmul(PartialShape a, PartialShape b, boolean transposeA, boolean transposeB) {
        if (a.isRankDynamic() || b.isRankDynamic()) {
            return PartialShape.dynamicRank();
        }
        if (a.rank() == 0 || b.rank() == 0) {
            throw new IllegalArgumentException("scalar operands are not allowed (shapes " + a + " and " + b + ")");
        }
        List<Dimension> da = new ArrayList<>(a.dims());
        List<Dimension> db = new ArrayList<>(b.dims());
        boolean vecA = da.size() == 1;
        boolean vecB = db.size() == 1;
        if (vecA) {
            da.add(0, Dimension.of(1));
        } else if (transposeA) {
            Collections.swap(da, da.size() - 1, da.size() - 2);
        }
        if (vecB) {
            db.add(Dimension.of(1));
        } else if (transposeB) {
            Collections.swap(db, db.size() - 1, db.size() - 2);
        }
        Dimension k = da.get(da.size() - 1).intersect(db.get(db.size() - 2));
        if (k == null) {
            throw new IllegalArgumentException("shapes " + a + " and " + b + " are not aligned for matmul"
                    + " (transpose_a=" + transposeA + ", transpose_b=" + transposeB + "): "
                    + da.get(da.size() - 1) + " != " + db.get(db.size() - 2));
        }
        PartialShape batchA = PartialShape.of(da.subList(0, da.size() - 2));
        PartialShape batchB = PartialShape.of(db.subList(0, db.size() - 2));
        List<Dimension> out = new ArrayList<>(broadcastNumpy(batchA, batchB).dims());
        if (!vecA) {
            out.add(da.get(da.size() - 2));
        }
        if (!vecB) {
            out.add(db.get(db.size() - 1));
        }
        return PartialShape.of(out);
    }

    /** How a window op pads: {@code explicit} (or {@code notset}), {@code valid}, {@code same_upper}, {@code same_lower}. */
    public enum AutoPad {
        EXPLICIT, VALID, SAME_UPPER, SAME_LOWER;

        public static AutoPad of(String name) {
            return switch (name) {
                case "valid" -> VALID;
                case "same_upper" -> SAME_UPPER;
                case "same_lower" -> SAME_LOWER;
                default -> EXPLICIT;
            };
        }
    }

    /** How a pooling window count rounds: {@code floor}, {@code ceil}, or {@code ceil_torch}. */
    public enum Rounding { FLOOR, CEIL, CEIL_TORCH }

    /**
     * The output length of one spatial axis of a convolution or pooling window.
     *
     * @param in the input length
     * @param window the window length before dilation (the kernel or filter size), positive
     * @param stride positive
     * @param dilation positive
     * @param padBegin padding before (used only for {@code EXPLICIT})
     * @param padEnd padding after (used only for {@code EXPLICIT})
     */
    public static Dimension windowOutput(Dimension in, Dimension window, long stride, long dilation, long padBegin,
            long padEnd, AutoPad autoPad, Rounding rounding) {
        if (autoPad == AutoPad.SAME_UPPER || autoPad == AutoPad.SAME_LOWER) {
            return in.map(n -> ceilDiv(n, stride));
        }
        if (!window.isStatic()) {
            return Dimension.dynamic();
        }
        long effective = Math.addExact(Math.multiplyExact(dilation, window.length() - 1), 1);
        long pads = autoPad == AutoPad.VALID ? 0 : Math.addExact(padBegin, padEnd);
        long beginPad = autoPad == AutoPad.VALID ? 0 : padBegin;
        if (in.isStatic()) {
            long padded = Math.addExact(in.length(), pads);
            if (padded < effective) {
                throw new IllegalArgumentException("window of size " + effective + " (after dilation) is larger than"
                        + " the padded input length " + padded);
            }
        }
        return in.map(n -> {
            long span = Math.addExact(n, pads) - effective;
            if (span < 0) {
                return 0;
            }
            long out = switch (rounding) {
                case FLOOR -> span / stride + 1;
                case CEIL, CEIL_TORCH -> ceilDiv(span, stride) + 1;
            };
            // PyTorch drops a last window that would start entirely in the end padding.
            if (rounding == Rounding.CEIL_TORCH && Math.multiplyExact(out - 1, stride) >= Math.addExact(n, beginPad)) {
                out--;
            }
            return out;
        });
    }

    static long ceilDiv(long a, long b) {
        return Math.ceilDiv(a, b);
    }

    /** Resolves a per-spatial-axis attribute list: empty means all {@code fill}; otherwise its length must match. */
    public static long[] spatialList(List<Long> values, int spatial, long fill, String name, long min) {
        long[] out = new long[spatial];
        if (values.isEmpty()) {
            java.util.Arrays.fill(out, fill);
            return out;
        }
        if (values.size() != spatial) {
            throw new IllegalArgumentException(name + " has " + values.size() + " values but the input has "
                    + spatial + " spatial axes");
        }
        for (int i = 0; i < spatial; i++) {
            long v = values.get(i);
            if (v < min) {
                throw new IllegalArgumentException(name + " must be >= " + min + ", got " + values);
            }
            out[i] = v;
        }
        return out;
    }
}
