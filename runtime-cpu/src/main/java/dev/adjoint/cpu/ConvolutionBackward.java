package dev.adjoint.cpu;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.core.TensorException;
import dev.adjoint.op.Conv2dSpec;
import dev.adjoint.op.Pool2dSpec;
import dev.adjoint.spi.Storage;

/**
 * Gradients of 2-D convolution and pooling over NCHW tensors, for float32 and float64.
 *
 * <p>Per image and channel group, with {@code W} the group's weights as an {@code O/g x patch}
 * matrix and {@code dY} the group's output gradient as {@code O/g x positions}:
 * <ul>
 *   <li>input: {@code cols = W^T dY}, one GEMM, then {@link ConvBackwardCol2im} adds the unfolded
 *       patches back onto the pixels they came from;</li>
 *   <li>weights: {@code dW += dY cols(x)^T}, one GEMM on the {@link Im2col} unfold of the input.</li>
 * </ul>
 * Both transposes are free: the GEMMs take row and column strides. Problems below
 * {@link #DIRECT_WORK} multiply-adds skip the buffers and run {@link ConvBackwardDirect}'s loops.
 * Pooling gradients live in {@link PoolBackward}.
 */
final class ConvolutionBackward {
    /** Total multiply-adds below which the direct loops beat unfolding and calling the GEMM. */
    static final long DIRECT_WORK = 1L << 13;
    /** Total multiply-adds below which a gradient stays on the calling thread. */
    private static final long PARALLEL_WORK = 1L << 18;

    private ConvolutionBackward() {
    }

    /** A GEMM {@code C = A * B} with A and B addressed through row and column strides, C row-major. */
    @FunctionalInterface
    private interface StridedGemm {
        void run(int m, int n, int k, Object a, int aOff, int rsA, int csA, Object b, int bOff, int rsB, int csB,
                Object c, int cOff, int ldc, boolean mayFork);
    }

    static Storage conv2dInput(CpuBackend backend, CpuStorage dy, Shape dyShape, CpuStorage w, Shape wShape,
            Conv2dSpec spec, Shape xShape, boolean vector) {
        String op = "conv2dBackwardInput";
        DType dtype = floatingType(op, dy, w);
        ConvBackwardGeometry g = ConvBackwardGeometry.of(xShape, wShape, dyShape, spec);
        int size = checkedSize(op, xShape.size());
        if (g.imageWork() * g.batch() < DIRECT_WORK) {
            double[] dx = new double[size];
            ConvBackwardDirect.input(g, widened(dy), widened(w), dx);
            return narrowed(backend, dtype, dx);
        }
        Object dx = newArray(dtype, size);
        StridedGemm gemm = gemmFor(dtype, vector);
        int groupIn = g.groupIn(), groupOut = g.groupOut(), patch = g.patch(), positions = g.positions();
        int plane = g.h() * g.w();
        Object dys = dy.array(), ws = w.array();
        boolean pointwise = g.pointwise();
        Parallel.RangeBody images = (from, to) -> {
            boolean gemmMayFork = to - from == g.batch();
            Object col = pointwise ? null : newArray(dtype, checkedSize(op, (long) patch * positions));
            for (int n = from; n < to; n++) {
                for (int group = 0; group < g.groups(); group++) {
                    int dyOff = (n * g.outChannels() + group * groupOut) * positions;
                    int wOff = group * groupOut * patch;
                    int dxOff = (n * g.channels() + group * groupIn) * plane;
                    // W^T is read through swapped strides: element (i, p) is w[wOff + p * patch + i].
                    if (pointwise) {
                        gemm.run(patch, positions, groupOut, ws, wOff, 1, patch, dys, dyOff, positions, 1, dx, dxOff,
                                positions, gemmMayFork);
                    } else {
                        gemm.run(patch, positions, groupOut, ws, wOff, 1, patch, dys, dyOff, positions, 1, col, 0,
                                positions, gemmMayFork);
                        ConvBackwardCol2im.fold(col, dx, dxOff, groupIn, g.h(), g.w(), g.kh(), g.kw(), spec, g.oh(),
                                g.ow());
                    }
                }
            }
        };
        forImages(g, images);
        return new CpuStorage(backend, dtype, dx, size);
    }

    static Storage conv2dWeight(CpuBackend backend, CpuStorage x, Shape xShape, CpuStorage dy, Shape dyShape,
            Conv2dSpec spec, Shape wShape, boolean vector) {
        String op = "conv2dBackwardWeight";
        DType dtype = floatingType(op, x, dy);
        ConvBackwardGeometry g = ConvBackwardGeometry.of(xShape, wShape, dyShape, spec);
        int size = checkedSize(op, wShape.size());
        if (g.imageWork() * g.batch() < DIRECT_WORK) {
            double[] dw = new double[size];
            ConvBackwardDirect.weight(g, widened(x), widened(dy), dw);
            return narrowed(backend, dtype, dw);
        }
        StridedGemm gemm = gemmFor(dtype, vector);
        int groupIn = g.groupIn(), groupOut = g.groupOut(), patch = g.patch(), positions = g.positions();
        int plane = g.h() * g.w();
        Object xs = x.array(), dys = dy.array();
        boolean pointwise = g.pointwise();
        // Each chunk of images sums into its own accumulator, stored at the chunk's first image.
        Object[] partials = new Object[g.batch()];
        Parallel.RangeBody images = (from, to) -> {
            boolean gemmMayFork = to - from == g.batch();
            Object sum = newArray(dtype, size);
            Object product = to - from > 1 ? newArray(dtype, groupOut * patch) : null;
            Object col = pointwise ? null : newArray(dtype, checkedSize(op, (long) patch * positions));
            for (int n = from; n < to; n++) {
                for (int group = 0; group < g.groups(); group++) {
                    int dyOff = (n * g.outChannels() + group * groupOut) * positions;
                    int xOff = (n * g.channels() + group * groupIn) * plane;
                    // The first image's product is written straight into the sum; later ones are added.
                    Object c = n == from ? sum : product;
                    int cOff = n == from ? group * groupOut * patch : 0;
                    // cols^T is read through swapped strides: element (p, j) is cols[j * positions + p].
                    if (pointwise) {
                        gemm.run(groupOut, patch, positions, dys, dyOff, positions, 1, xs, xOff, 1, positions, c,
                                cOff, patch, gemmMayFork);
                    } else {
                        Im2col.unfold(xs, xOff, groupIn, g.h(), g.w(), g.kh(), g.kw(), spec, g.oh(), g.ow(), col);
                        gemm.run(groupOut, patch, positions, dys, dyOff, positions, 1, col, 0, 1, positions, c, cOff,
                                patch, gemmMayFork);
                    }
                    if (n != from) {
                        addInto(product, sum, group * groupOut * patch, groupOut * patch);
                    }
                }
            }
            partials[from] = sum;
        };
        forImages(g, images);
        Object dw = null;
        for (Object partial : partials) {
            if (partial == null) {
                continue;
            }
            if (dw == null) {
                dw = partial;
            } else {
                addInto(partial, dw, 0, size);
            }
        }
        // An empty batch leaves no partial sums: the gradient is zero.
        return new CpuStorage(backend, dtype, dw != null ? dw : newArray(dtype, size), size);
    }

    static Storage pool2d(CpuBackend backend, CpuStorage x, Shape xShape, CpuStorage dy, Shape dyShape,
            Pool2dSpec spec) {
        String op = spec.kind() == Pool2dSpec.Kind.MAX ? "maxPool2dBackward" : "avgPool2dBackward";
        DType dtype = floatingType(op, x, dy);
        int planes = xShape.dim(0) * xShape.dim(1);
        int h = xShape.dim(2), w = xShape.dim(3);
        int oh = dyShape.dim(2), ow = dyShape.dim(3);
        int size = checkedSize(op, xShape.size());
        Object dx = newArray(dtype, size);
        if (size == 0 || dyShape.size() == 0) {
            return new CpuStorage(backend, dtype, dx, size);
        }
        int[] rows = Pool2d.clippedWindows(oh, spec.strideH(), spec.padH(), spec.kernelH(), h);
        int[] cols = Pool2d.clippedWindows(ow, spec.strideW(), spec.padW(), spec.kernelW(), w);
        boolean max = spec.kind() == Pool2dSpec.Kind.MAX;
        long planeWork = (long) oh * ow * spec.kernelH() * spec.kernelW();
        // Planes own disjoint parts of dx, so they split over cores without synchronisation.
        Parallel.forRange(planes, (int) Math.max(1, Pool2d.PARALLEL_WORK / Math.max(1, planeWork)),
                (from, to) -> PoolBackward.backward(x.array(), dy.array(), dx, from, to, h, w, rows, cols, oh, ow,
                        max));
        return new CpuStorage(backend, dtype, dx, size);
    }

    /** Runs {@code images} over the batch, whole images per core once the work pays for forking. */
    private static void forImages(ConvBackwardGeometry g, Parallel.RangeBody images) {
        long imageWork = Math.max(1, g.imageWork());
        if (g.batch() > 1 && imageWork * g.batch() >= PARALLEL_WORK) {
            Parallel.forRange(g.batch(), (int) Math.max(1, PARALLEL_WORK / imageWork), images);
        } else {
            images.run(0, g.batch());
        }
    }

    private static StridedGemm gemmFor(DType dtype, boolean vector) {
        return switch (dtype) {
            case FLOAT32 -> (m, n, k, a, ao, rsA, csA, b, bo, rsB, csB, c, co, ldc, fork) -> {
                if (vector && (long) m * n * k > Matmul.SMALL_WORK) {
                    GemmF32Vector.gemm(m, n, k, (float[]) a, ao, rsA, csA, (float[]) b, bo, rsB, csB, (float[]) c, co,
                            ldc, fork);
                } else {
                    GemmScalarF32.gemm(m, n, k, (float[]) a, ao, rsA, csA, (float[]) b, bo, rsB, csB, (float[]) c, co,
                            ldc, fork);
                }
            };
            case FLOAT64 -> (m, n, k, a, ao, rsA, csA, b, bo, rsB, csB, c, co, ldc, fork) -> {
                if (vector && (long) m * n * k > Matmul.SMALL_WORK) {
                    GemmF64Vector.gemm(m, n, k, (double[]) a, ao, rsA, csA, (double[]) b, bo, rsB, csB, (double[]) c,
                            co, ldc, fork);
                } else {
                    GemmScalarF64.gemm(m, n, k, (double[]) a, ao, rsA, csA, (double[]) b, bo, rsB, csB, (double[]) c,
                            co, ldc, fork);
                }
            };
            default -> throw new IllegalStateException("checked by floatingType: " + dtype);
        };
    }

    /** The operands' common type, which must be float32 or float64. */
    private static DType floatingType(String op, CpuStorage a, CpuStorage b) {
        if (a.dtype() != b.dtype() || !a.dtype().isFloating()) {
            throw new TensorException(op, "needs operands of one floating type, got " + a.dtype() + " and "
                    + b.dtype());
        }
        return a.dtype();
    }

    /** Adds {@code length} elements of {@code src} (from 0) into {@code dst} from {@code dstOff}. */
    private static void addInto(Object src, Object dst, int dstOff, int length) {
        if (src instanceof float[] s) {
            float[] d = (float[]) dst;
            for (int i = 0; i < length; i++) {
                d[dstOff + i] += s[i];
            }
        } else {
            double[] s = (double[]) src, d = (double[]) dst;
            for (int i = 0; i < length; i++) {
                d[dstOff + i] += s[i];
            }
        }
    }

    private static double[] widened(CpuStorage s) {
        if (s.dtype() == DType.FLOAT64) {
            return s.doubles();
        }
        float[] f = s.floats();
        double[] d = new double[(int) s.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static CpuStorage narrowed(CpuBackend backend, DType dtype, double[] values) {
        if (dtype == DType.FLOAT64) {
            return new CpuStorage(backend, dtype, values, values.length);
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return new CpuStorage(backend, dtype, f, f.length);
    }

    private static Object newArray(DType dtype, int size) {
        return dtype == DType.FLOAT32 ? new float[size] : new double[size];
    }

    private static int checkedSize(String op, long size) {
        if (size > Integer.MAX_VALUE) {
            throw new TensorException(op, "needs " + size + " elements in one array, more than a CPU tensor can hold ("
                    + Integer.MAX_VALUE + ")");
        }
        return (int) size;
    }
}
