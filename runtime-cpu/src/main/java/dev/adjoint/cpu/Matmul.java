package dev.adjoint.cpu;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.core.TensorException;
import dev.adjoint.spi.Storage;

/**
 * Batched matrix product: works out where each matrix of a (broadcast) batch lives, how its
 * transposes turn into strides, and hands each product to a GEMM kernel: {@link GemmF32Vector} /
 * {@link GemmF64Vector} on the Vector API path, {@link GemmScalarF32} and its variants otherwise and
 * for integers (which wrap on overflow like Java arithmetic). The float64 and integer kernels are
 * generated at build time from the float32 ones.
 */
final class Matmul {
    /** Products up to this many multiply-adds skip packing: the scalar loop finishes before packing would. */
    static final long SMALL_WORK = 4096;
    /** Per-matrix work below which a batch is split over cores by whole matrices instead of inside each. */
    private static final long SPLIT_BATCH_BELOW = 1L << 21;
    private static final long MIN_TASK_WORK = 1L << 17;

    private Matmul() {
    }

    /**
     * {@code c[r][j] = min(max(c[r][j] + bias[j], low), high)} over the rows of {@code n} columns of a product just
     * computed, in place: {@code Op.MatMulBias}'s bias and activation, while the product (a dense layer's output,
     * a few KiB) is still in cache, with the results of {@code add(bias).clip(low, high)}. The vector pass
     * ({@link GemmF32Vector#addColumnBias}) clamps by compare and blend, which equals Math's max and min for the
     * bounds {@link GemmF32Vector.Epilogue#blendsExactly} accepts; other bounds take the scalar loop.
     */
    static void addColumnBias(CpuStorage c, CpuStorage bias, int n, double low, double high, boolean vector) {
        int size = Math.toIntExact(c.size());
        int rows = size / Math.max(1, n);
        switch (c.dtype()) {
            case FLOAT32 -> {
                float[] x = c.floats(), b = bias.floats();
                float lo = (float) low, hi = (float) high;
                if (vector && GemmF32Vector.Epilogue.blendsExactly(lo, hi)) {
                    GemmF32Vector.addColumnBias(x, rows, n, b, lo, hi);
                    return;
                }
                for (int i = 0; i < size; i++) {
                    x[i] = Math.min(Math.max(x[i] + b[i % n], lo), hi);
                }
            }
            case FLOAT64 -> {
                double[] x = c.doubles(), b = bias.doubles();
                if (vector && GemmF64Vector.Epilogue.blendsExactly(low, high)) {
                    GemmF64Vector.addColumnBias(x, rows, n, b, low, high);
                    return;
                }
                for (int i = 0; i < size; i++) {
                    x[i] = Math.min(Math.max(x[i] + b[i % n], low), high);
                }
            }
            default -> throw new TensorException("matmulBias", "takes floating tensors, got " + c.dtype());
        }
    }

    /** One matrix product of the batch, at the given element offsets into A, B and C. */
    @FunctionalInterface
    private interface Product {
        void run(int aOff, int bOff, int cOff, boolean mayFork);
    }

    static Storage matmul(CpuBackend backend, CpuStorage a, Shape aShape, boolean transposeA, CpuStorage b,
            Shape bShape, boolean transposeB, Shape outShape, boolean vector) {
        int rank = outShape.rank();
        int m = outShape.dim(rank - 2);
        int n = outShape.dim(rank - 1);
        int k = transposeA ? aShape.dim(-2) : aShape.dim(-1);
        int size = checkedSize(outShape);
        // A is stored (m, k), or (k, m) when transposed; likewise B (k, n) or (n, k).
        int rsA = transposeA ? 1 : k;
        int csA = transposeA ? m : 1;
        int rsB = transposeB ? 1 : n;
        int csB = transposeB ? k : 1;
        DType dtype = a.dtype();
        boolean packed = vector && (long) m * n * k > SMALL_WORK;
        // Zeroed (a recycled array is cleared): the GEMM kernels accumulate into C.
        CpuStorage result = dtype == DType.BOOL ? null : Memory.allocate(backend, dtype, size);
        Product product;
        switch (dtype) {
            case FLOAT32 -> {
                float[] x = a.floats(), y = b.floats(), c = result.floats();
                // An operand that is one matrix (a weight, typically) may come packed from the cache; a
                // matrix-vector product reads its matrix once, straight, and never packs.
                boolean cache = packed && m > 1 && n > 1;
                GemmF32Vector.Packed pa = cache && aShape.rank() == 2 ? PackedOperands.floats(a, true, m, k, 0, rsA, csA) : null;
                GemmF32Vector.Packed pb = cache && bShape.rank() == 2 ? PackedOperands.floats(b, false, n, k, 0, rsB, csB) : null;
                product = packed
                        ? (ao, bo, co, fork) -> GemmF32Vector.gemm(m, n, k, x, ao, rsA, csA, pa, y, bo, rsB, csB, pb, c, co, n, fork)
                        : (ao, bo, co, fork) -> GemmScalarF32.gemm(m, n, k, x, ao, rsA, csA, y, bo, rsB, csB, c, co, n, fork);
            }
            case FLOAT64 -> {
                double[] x = a.doubles(), y = b.doubles(), c = result.doubles();
                product = packed
                        ? (ao, bo, co, fork) -> GemmF64Vector.gemm(m, n, k, x, ao, rsA, csA, y, bo, rsB, csB, c, co, n, fork)
                        : (ao, bo, co, fork) -> GemmScalarF64.gemm(m, n, k, x, ao, rsA, csA, y, bo, rsB, csB, c, co, n, fork);
            }
            case INT32 -> {
                int[] x = a.ints(), y = b.ints(), c = result.ints();
                product = (ao, bo, co, fork) -> GemmScalarI32.gemm(m, n, k, x, ao, rsA, csA, y, bo, rsB, csB, c, co, n, fork);
            }
            case INT64 -> {
                long[] x = a.longs(), y = b.longs(), c = result.longs();
                product = (ao, bo, co, fork) -> GemmScalarI64.gemm(m, n, k, x, ao, rsA, csA, y, bo, rsB, csB, c, co, n, fork);
            }
            default -> throw new TensorException("matmul", "unsupported dtype " + dtype);
        }
        if (size > 0) {
            runBatch(aShape, bShape, outShape, (long) m * n * k, product);
        }
        return result;
    }

    /**
     * Runs {@code product} for every matrix of the output batch. Big matrices are parallel inside;
     * many small ones are spread over cores whole.
     */
    private static void runBatch(Shape aShape, Shape bShape, Shape outShape, long work, Product product) {
        int[] aOffsets = batchOffsets(aShape, outShape);
        int[] bOffsets = batchOffsets(bShape, outShape);
        int batch = aOffsets.length;
        int cStride = outShape.dim(-2) * outShape.dim(-1);
        if (batch == 1 || work >= SPLIT_BATCH_BELOW) {
            for (int t = 0; t < batch; t++) {
                product.run(aOffsets[t], bOffsets[t], t * cStride, true);
            }
            return;
        }
        int minChunk = (int) Math.min(batch, Math.max(1L, MIN_TASK_WORK / Math.max(1L, work)));
        Parallel.forRange(batch, minChunk, (from, to) -> {
            for (int t = from; t < to; t++) {
                product.run(aOffsets[t], bOffsets[t], t * cStride, false);
            }
        });
    }

    /**
     * The element offset of each matrix of {@code operand} for each matrix of the output batch, in
     * row-major batch order: the operand's batch dims are right-aligned with the output's, and a
     * dim of 1 (or a missing one) repeats the same matrix.
     */
    private static int[] batchOffsets(Shape operand, Shape outShape) {
        int outBatchRank = outShape.rank() - 2;
        int opBatchRank = operand.rank() - 2;
        int batch = 1;
        for (int d = 0; d < outBatchRank; d++) {
            batch *= outShape.dim(d);
        }
        int[] offsets = new int[batch];
        int matrixSize = operand.dim(-2) * operand.dim(-1);
        // Stride, in elements, of each output batch dim within the operand (0 where it broadcasts).
        int[] strides = new int[outBatchRank];
        int stride = matrixSize;
        for (int d = outBatchRank - 1, od = opBatchRank - 1; d >= 0; d--, od--) {
            int dim = od >= 0 ? operand.dim(od) : 1;
            strides[d] = dim == 1 ? 0 : stride;
            stride *= dim;
        }
        int[] index = new int[outBatchRank];
        int offset = 0;
        for (int t = 0; t < batch; t++) {
            offsets[t] = offset;
            // Odometer step over the output batch index, updating the offset incrementally.
            for (int d = outBatchRank - 1; d >= 0; d--) {
                offset += strides[d];
                if (++index[d] < outShape.dim(d)) {
                    break;
                }
                offset -= strides[d] * index[d];
                index[d] = 0;
            }
        }
        return offsets;
    }

    private static int checkedSize(Shape shape) {
        if (shape.size() > Integer.MAX_VALUE) {
            throw new TensorException("matmul", "result " + shape + " has " + shape.size()
                    + " elements, more than a CPU tensor can hold (" + Integer.MAX_VALUE + ")");
        }
        return (int) shape.size();
    }
}
