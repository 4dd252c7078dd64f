package dev.adjoint.cpu;

import dev.adjoint.core.Shape;

/**
 * Operands broadcast NumPy-style to one output shape, reduced to the fewest dimensions that
 * describe the same element walk. Size-1 output dimensions are dropped and neighbouring
 * dimensions merged wherever every operand is either contiguous across both or broadcast along
 * both. What is left is a set of rows: {@code (n, m) + (m,)} becomes n rows where the second
 * operand restarts at 0, {@code (n, m) + (n, 1)} n rows where it is one repeated element, and any
 * other broadcast an odometer over the outer dimensions. Within a row every operand's stride is
 * 0 or 1, so the row kernels only know three cases: both contiguous, or one of them a scalar.
 */
final class Broadcast {
    /** The work for one output row: {@code length} elements starting at {@code out}. */
    @FunctionalInterface
    interface RowBody {
        /** {@code offsets[k]} is where operand k's row starts; the array is reused between calls. */
        void run(int out, int length, int[] offsets);
    }

    private final int[] dims;
    /** {@code strides[k][d]}: how far operand k moves per step along coalesced dimension d. */
    private final int[][] strides;

    private Broadcast(int[] dims, int[][] strides) {
        this.dims = dims;
        this.strides = strides;
    }

    /** Plans the walk of {@code operands}, each broadcastable to {@code out}. */
    static Broadcast of(Shape out, Shape... operands) {
        int rank = out.rank();
        int[] outDims = out.dims();
        int[][] full = new int[operands.length][rank];
        for (int k = 0; k < operands.length; k++) {
            int[] d = operands[k].dims();
            if (d.length > rank) {
                throw new IllegalArgumentException("operand shape " + operands[k] + " has more axes than output " + out);
            }
            int stride = 1;
            for (int i = d.length - 1; i >= 0; i--) {
                int o = i + rank - d.length;
                if (d[i] != 1 && d[i] != outDims[o]) {
                    throw new IllegalArgumentException("operand shape " + operands[k] + " does not broadcast to " + out);
                }
                full[k][o] = d[i] == 1 ? 0 : stride;
                stride *= d[i];
            }
        }
        int[] dims = new int[Math.max(1, rank)];
        int[][] strides = new int[operands.length][dims.length];
        int kept = 0;
        for (int i = 0; i < rank; i++) {
            if (outDims[i] == 1) {
                continue;
            }
            if (kept > 0 && mergeable(full, strides, kept - 1, i, outDims[i])) {
                dims[kept - 1] *= outDims[i];
                for (int k = 0; k < full.length; k++) {
                    strides[k][kept - 1] = full[k][i];
                }
                continue;
            }
            dims[kept] = outDims[i];
            for (int k = 0; k < full.length; k++) {
                strides[k][kept] = full[k][i];
            }
            kept++;
        }
        if (kept == 0) {
            dims[0] = 1;
            kept = 1;
        }
        int[] finalDims = java.util.Arrays.copyOf(dims, kept);
        int[][] finalStrides = new int[full.length][];
        for (int k = 0; k < full.length; k++) {
            finalStrides[k] = java.util.Arrays.copyOf(strides[k], kept);
        }
        return new Broadcast(finalDims, finalStrides);
    }

    /** True when output dim {@code i} continues coalesced dim {@code prev} for every operand. */
    private static boolean mergeable(int[][] full, int[][] strides, int prev, int i, int size) {
        for (int k = 0; k < full.length; k++) {
            if (strides[k][prev] != (long) full[k][i] * size) {
                return false;
            }
        }
        return true;
    }

    /** Length of the innermost (coalesced) dimension. */
    int rowLength() {
        return dims[dims.length - 1];
    }

    /** Number of rows: the product of every coalesced dimension but the innermost. */
    int rows() {
        int rows = 1;
        for (int i = 0; i < dims.length - 1; i++) {
            rows *= dims[i];
        }
        return rows;
    }

    /** Number of coalesced dimensions: 1 for a single run, 2 for plain rows, more for an odometer walk. */
    int rank() {
        return dims.length;
    }

    /** Operand k's stride along the coalesced dimension just outside the rows (needs {@code rank() >= 2}). */
    int outerStride(int k) {
        return strides[k][dims.length - 2];
    }

    /** Operand k's stride within a row: 1 when it is contiguous there, 0 when it is broadcast. */
    int innerStride(int k) {
        return strides[k][dims.length - 1];
    }

    /**
     * Runs {@code body} over the whole output, in parallel when it holds at least {@code grain}
     * elements: over rows when there are several, over pieces of the one row otherwise.
     */
    void run(int grain, RowBody body) {
        int rowLength = rowLength();
        int rows = rows();
        if (rows == 1) {
            Parallel.forRange(rowLength, grain, (from, to) -> {
                int[] offsets = new int[strides.length];
                for (int k = 0; k < offsets.length; k++) {
                    offsets[k] = from * innerStride(k);
                }
                body.run(from, to - from, offsets);
            });
        } else {
            Parallel.forRange(rows, Math.max(1, grain / rowLength), (from, to) -> runRows(from, to, body));
        }
    }

    /** Walks rows {@code [from, to)} with an odometer over the outer dimensions. */
    private void runRows(int from, int to, RowBody body) {
        int outer = dims.length - 1;
        int[] index = new int[outer];
        int[] offsets = new int[strides.length];
        int rest = from;
        for (int d = outer - 1; d >= 0; d--) {
            index[d] = rest % dims[d];
            rest /= dims[d];
            for (int k = 0; k < offsets.length; k++) {
                offsets[k] += index[d] * strides[k][d];
            }
        }
        int rowLength = rowLength();
        int[] rowOffsets = new int[offsets.length];
        for (int row = from; row < to; row++) {
            System.arraycopy(offsets, 0, rowOffsets, 0, offsets.length);
            body.run(row * rowLength, rowLength, rowOffsets);
            for (int d = outer - 1; d >= 0; d--) {
                for (int k = 0; k < offsets.length; k++) {
                    offsets[k] += strides[k][d];
                }
                if (++index[d] < dims[d]) {
                    break;
                }
                for (int k = 0; k < offsets.length; k++) {
                    offsets[k] -= dims[d] * strides[k][d];
                }
                index[d] = 0;
            }
        }
    }
}
