package dev.adjoint.openvino.engine;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.openvino.ir.ShapeRules;
import java.util.Arrays;
import java.util.List;

/**
 * Interpolate-0/4/11, separably along each resized axis: the source positions of every output position (and their
 * weights) are worked out on the host, as OpenVINO's reference does, and applied with {@code gather} and weighted
 * sums. Modes: nearest (every nearest_mode), linear_onnx, linear (without antialias it equals linear_onnx), cubic.
 * Not supported: linear with antialias when downscaling, the pillow modes, and Interpolate-0's area mode.
 */
final class Interpolation {
    private Interpolation() {
    }

    enum Mode { NEAREST, LINEAR, CUBIC }

    /** The geometry shared by every axis of one Interpolate. */
    record Settings(Mode mode, String coordinateMode, String nearestMode, double cubeCoeff) {
    }

    static Tensor interpolate(Layer l, List<OvTensor> in, boolean v11) {
        Tensor x = OpTable.t(in, 0);
        String modeName = l.getString("mode");
        Mode mode = switch (modeName) {
            case "nearest" -> Mode.NEAREST;
            case "linear_onnx" -> Mode.LINEAR;
            case "linear" -> Mode.LINEAR;
            case "cubic" -> Mode.CUBIC;
            default -> throw new IllegalArgumentException("mode " + modeName + " is not supported (nearest, linear,"
                    + " linear_onnx and cubic are)");
        };
        boolean bySizes = l.getString("shape_calculation_mode").equals("sizes");
        int axesInput = v11 ? 2 : 3;
        Tensor padded = pad(x, l.getLongs("pads_begin"), l.getLongs("pads_end"));
        long[] axesValues = in.size() > axesInput ? OpTable.longs(in, axesInput) : null;
        int rank = x.rank();
        int[] axes = new int[axesValues == null ? rank : axesValues.length];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = axesValues == null ? i : ShapeRules.normalizeAxis(axesValues[i], rank, "axis");
        }
        long[] sizes = new long[axes.length];
        float[] scales = new float[axes.length];
        if (bySizes) {
            long[] given = OpTable.longs(in, 1);
            requireOnePerAxis(given.length, axes, "sizes");
            for (int i = 0; i < axes.length; i++) {
                sizes[i] = given[i];
                scales[i] = (float) given[i] / padded.dim(axes[i]);
            }
        } else {
            float[] given = OpTable.t(in, v11 ? 1 : 2).toFloatArray();
            requireOnePerAxis(given.length, axes, "scales");
            for (int i = 0; i < axes.length; i++) {
                scales[i] = given[i];
                // OpenVINO's shape inference: (int) (length * (scale + 1e-6)), in float.
                sizes[i] = (long) ((float) padded.dim(axes[i]) * (given[i] + 1.0e-6f));
            }
        }
        if (modeName.equals("linear") && l.getBool("antialias")) {
            for (float s : scales) {
                if (s < 1) {
                    throw new IllegalArgumentException("mode linear with antialias is not supported when downscaling");
                }
            }
        }
        Settings settings = new Settings(mode, l.getString("coordinate_transformation_mode"),
                l.getString("nearest_mode"), l.getDouble("cube_coeff"));
        return resize(padded, axes, sizes, scales, settings);
    }

    /** Interpolate-0, as OpenVINO converts it to Interpolate-4 (nearest: simple rounding, asymmetric coordinates). */
    static Tensor interpolate0(Layer l, List<OvTensor> in) {
        Tensor x = OpTable.t(in, 0);
        String modeName = l.getString("mode");
        Mode mode = switch (modeName) {
            case "nearest" -> Mode.NEAREST;
            case "linear" -> Mode.LINEAR;
            case "cubic" -> Mode.CUBIC;
            default -> throw new IllegalArgumentException("Interpolate-0 mode " + modeName + " is not supported");
        };
        List<Long> pb = l.getLongs("pads_begin");
        List<Long> pe = l.getLongs("pads_end");
        List<Long> axisList = l.getLongs("axes");
        int[] axes = new int[axisList.size()];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = ShapeRules.normalizeAxis(axisList.get(i), x.rank(), "axis");
        }
        boolean noPads = pb.stream().allMatch(v -> v == 0) && pe.stream().allMatch(v -> v == 0);
        boolean spatialOf4d = x.rank() == 4 && Arrays.equals(axes, new int[] {2, 3});
        String coordinates = l.getBool("align_corners") ? "align_corners"
                : mode == Mode.LINEAR && noPads && !spatialOf4d ? "half_pixel" : "asymmetric";
        Tensor padded = pad(x, pb, pe);
        long[] sizes = OpTable.longs(in, 1);
        requireOnePerAxis(sizes.length, axes, "the target spatial shape");
        float[] scales = new float[axes.length];
        for (int i = 0; i < axes.length; i++) {
            scales[i] = (float) sizes[i] / padded.dim(axes[i]);
        }
        return resize(padded, axes, sizes, scales, new Settings(mode, coordinates, "simple", -0.75));
    }

    private static void requireOnePerAxis(int count, int[] axes, String what) {
        if (count != axes.length) {
            throw new IllegalArgumentException(what + " has " + count + " values for " + axes.length + " axes "
                    + Arrays.toString(axes));
        }
    }

    private static Tensor pad(Tensor x, List<Long> begin, List<Long> end) {
        int[][] pads = new int[x.rank()][2];
        boolean any = false;
        for (int i = 0; i < x.rank(); i++) {
            pads[i][0] = i < begin.size() ? Math.toIntExact(begin.get(i)) : 0;
            pads[i][1] = i < end.size() ? Math.toIntExact(end.get(i)) : 0;
            any |= pads[i][0] != 0 || pads[i][1] != 0;
        }
        return any ? x.pad(pads, 0.0) : x;
    }

    static Tensor resize(Tensor x, int[] axes, long[] sizes, float[] scales, Settings s) {
        Tensor y = x.dtype().isFloating() || s.mode() == Mode.NEAREST ? x : x.cast(DType.FLOAT32);
        for (int i = 0; i < axes.length; i++) {
            int n = y.dim(axes[i]);
            int m = Math.toIntExact(sizes[i]);
            if (m == n && scales[i] == 1f) {
                continue;
            }
            y = resizeAxis(y, axes[i], n, m, scales[i], s);
        }
        return y;
    }

    private static Tensor resizeAxis(Tensor x, int axis, int n, int m, float scale, Settings s) {
        if (n == 0 && m > 0) {
            throw new IllegalArgumentException("cannot resize axis " + axis + " of length 0 to " + m);
        }
        switch (s.mode()) {
            case NEAREST -> {
                long[] idx = new long[m];
                for (int o = 0; o < m; o++) {
                    float c = originalCoordinate(o, n, m, scale, s.coordinateMode());
                    idx[o] = Math.max(0, Math.min(n - 1, nearest(c, s.nearestMode(), scale < 1)));
                }
                return x.gather(indices(idx, x), axis);
            }
            case LINEAR -> {
                long[] i0 = new long[m];
                long[] i1 = new long[m];
                double[] w0 = new double[m];
                double[] w1 = new double[m];
                for (int o = 0; o < m; o++) {
                    float c = originalCoordinate(o, n, m, scale, s.coordinateMode());
                    c = Math.max(0f, Math.min(c, n - 1));
                    long a = Math.min((long) c, n - 1);
                    long b = Math.min(a + 1, n - 1);
                    i0[o] = a;
                    i1[o] = b;
                    if (a == b) {
                        w0[o] = 0.5;
                        w1[o] = 0.5;
                    } else {
                        w0[o] = Math.abs(c - b);
                        w1[o] = Math.abs(c - a);
                    }
                }
                return x.gather(indices(i0, x), axis).mul(weights(w0, x, axis))
                        .add(x.gather(indices(i1, x), axis).mul(weights(w1, x, axis)));
            }
            case CUBIC -> {
                Tensor sum = null;
                long[][] idx = new long[4][m];
                double[][] w = new double[4][m];
                for (int o = 0; o < m; o++) {
                    float c = originalCoordinate(o, n, m, scale, s.coordinateMode());
                    long base = (long) Math.floor(c);
                    double t = Math.abs(c - base);
                    double[] k = cubicCoefficients(t, s.cubeCoeff());
                    for (int j = 0; j < 4; j++) {
                        idx[j][o] = Math.max(0, Math.min(n - 1, base - 1 + j));
                        w[j][o] = k[j];
                    }
                }
                for (int j = 0; j < 4; j++) {
                    Tensor term = x.gather(indices(idx[j], x), axis).mul(weights(w[j], x, axis));
                    sum = sum == null ? term : sum.add(term);
                }
                return sum;
            }
            default -> throw new IllegalStateException();
        }
    }

    /** Where output position {@code o} of {@code m} samples the input of length {@code n}, as OpenVINO computes it. */
    static float originalCoordinate(int o, int n, int m, float scale, String mode) {
        return switch (mode) {
            case "pytorch_half_pixel" -> m > 1 ? (o + 0.5f) / scale - 0.5f : 0f;
            case "asymmetric" -> o / scale;
            case "tf_half_pixel_for_nn" -> (o + 0.5f) / scale;
            case "align_corners" -> m == 1 ? 0f : o * (n - 1) / (float) (m - 1);
            default -> (o + 0.5f) / scale - 0.5f;
        };
    }

    /** OpenVINO's nearest_mode rounding of a source coordinate ({@code std::round} rounds halves away from zero). */
    static long nearest(float c, String mode, boolean downsample) {
        return switch (mode) {
            case "round_prefer_ceil" -> roundHalfAway(c);
            case "floor" -> (long) Math.floor(c);
            case "ceil" -> (long) Math.ceil(c);
            case "simple" -> downsample ? (long) Math.ceil(c) : (long) c;
            default -> c == (long) c + 0.5f ? (long) Math.floor(c) : roundHalfAway(c);
        };
    }

    private static long roundHalfAway(float c) {
        return (long) (Math.signum(c) * Math.floor(Math.abs(c) + 0.5));
    }

    /** Keys' cubic convolution weights of the 4 neighbours {@code -1, 0, 1, 2} at fraction {@code t}. */
    static double[] cubicCoefficients(double t, double a) {
        return new double[] {
            ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a,
            ((a + 2) * t - (a + 3)) * t * t + 1,
            ((a + 2) * (1 - t) - (a + 3)) * (1 - t) * (1 - t) + 1,
            ((a * (2 - t) - 5 * a) * (2 - t) + 8 * a) * (2 - t) - 4 * a,
        };
    }

    private static Tensor indices(long[] idx, Tensor like) {
        return Tensor.of(idx, Shape.of(idx.length)).to(like.device());
    }

    /** Per-position weights shaped to broadcast along {@code axis}. */
    private static Tensor weights(double[] w, Tensor like, int axis) {
        int[] dims = new int[like.rank()];
        Arrays.fill(dims, 1);
        dims[axis] = w.length;
        return Tensor.of(w, Shape.of(dims)).cast(like.dtype()).to(like.device());
    }
}
