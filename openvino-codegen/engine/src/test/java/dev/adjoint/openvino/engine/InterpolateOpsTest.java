package dev.adjoint.openvino.engine;

import static dev.adjoint.openvino.engine.OpHarness.f32;
import static dev.adjoint.openvino.engine.OpHarness.i64;
import static dev.adjoint.openvino.engine.OpHarness.run1;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.openvino.ir.Attributes;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Interpolate against the worked examples of the ONNX Resize operator (whose modes Interpolate-4 implements) and a
 * per-element float64 reference of OpenVINO's nearest rules.
 */
class InterpolateOpsTest {
    private static final OvTensor TWO_BY_TWO = f32(new double[] {1, 2, 3, 4}, 1, 1, 2, 2);

    private static Attributes v4(String mode, String coordinates, String nearest, String calc) {
        return Attributes.of("mode", mode, "shape_calculation_mode", calc, "coordinate_transformation_mode",
                coordinates, "nearest_mode", nearest);
    }

    private static OvTensor scales(double... s) {
        return f32(s, s.length);
    }

    @Test
    void nearestUpsampleScalesAsOnnx() {
        OvTensor y = run1("Interpolate", 4, v4("nearest", "half_pixel", "round_prefer_floor", "scales"), TWO_BY_TWO,
                i64(4, 6), OpHarness.constant(scales(2, 3)), i64(2, 3));
        Ref.assertShape(new int[] {1, 1, 4, 6}, y);
        Ref.assertClose(new double[] {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4},
                y.toFloatArray(), 0, "nearest");
    }

    @Test
    void linearUpsampleHalfPixelAndAlignCornersAsOnnx() {
        OvTensor y = run1("Interpolate", 11, v4("linear_onnx", "half_pixel", "round_prefer_floor", "scales"),
                TWO_BY_TWO, OpHarness.constant(scales(2, 2)), i64(2, 3));
        Ref.assertClose(new double[] {1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4},
                y.toFloatArray(), 1e-6, "linear half_pixel");
        OvTensor a = run1("Interpolate", 4, v4("linear", "align_corners", "round_prefer_floor", "sizes"), TWO_BY_TWO,
                i64(4, 4), OpHarness.constant(scales(2, 2)), i64(2, 3));
        double t = 1.0 / 3;
        Ref.assertClose(new double[] {1, 1 + t, 1 + 2 * t, 2, 1 + 2 * t, 2, 2 + t, 2 + 2 * t, 2 + t, 2 + 2 * t, 3,
            3 + t, 3, 3 + t, 3 + 2 * t, 4}, a.toFloatArray(), 1e-6, "linear align_corners");
    }

    @Test
    void cubicUpsampleAsOnnx() {
        double[] x = new double[16];
        for (int i = 0; i < 16; i++) {
            x[i] = i + 1;
        }
        OvTensor y = run1("Interpolate", 4, v4("cubic", "half_pixel", "round_prefer_floor", "scales"),
                f32(x, 1, 1, 4, 4), i64(8, 8), OpHarness.constant(scales(2, 2)), i64(2, 3));
        Ref.assertShape(new int[] {1, 1, 8, 8}, y);
        float[] got = y.toFloatArray();
        double[] firstRow = {0.47265625, 0.76953125, 1.24609375, 1.875, 2.28125, 2.91015625, 3.38671875, 3.68359375};
        Ref.assertClose(firstRow, java.util.Arrays.copyOf(got, 8), 1e-6, "cubic first row");
    }

    /** The nearest index OpenVINO picks, written out per mode. */
    private static int nearestIndex(int o, int in, int out, String coordinates, String mode) {
        double scale = (double) out / in;
        double c = switch (coordinates) {
            case "asymmetric" -> o / scale;
            case "align_corners" -> out == 1 ? 0 : o * (in - 1.0) / (out - 1);
            case "tf_half_pixel_for_nn" -> (o + 0.5) / scale;
            case "pytorch_half_pixel" -> out > 1 ? (o + 0.5) / scale - 0.5 : 0;
            default -> (o + 0.5) / scale - 0.5;
        };
        long i = switch (mode) {
            case "floor" -> (long) Math.floor(c);
            case "ceil" -> (long) Math.ceil(c);
            case "simple" -> scale < 1 ? (long) Math.ceil(c) : (long) c;
            case "round_prefer_ceil" -> (long) Math.floor(c + 0.5);
            default -> c - Math.floor(c) == 0.5 ? (long) Math.floor(c) : Math.round(c);
        };
        return (int) Math.max(0, Math.min(in - 1, i));
    }

    @Test
    void nearestModesPerElement() {
        int[] xs = {1, 2, 5, 7};
        double[] x = OpHarness.uniform(50, 70, -1, 1);
        int[] out = {8, 3};
        for (String coords : List.of("half_pixel", "asymmetric", "align_corners", "tf_half_pixel_for_nn",
                "pytorch_half_pixel")) {
            for (String mode : List.of("round_prefer_floor", "round_prefer_ceil", "floor", "ceil", "simple")) {
                OvTensor y = run1("Interpolate", 4, v4("nearest", coords, mode, "sizes"), f32(x, xs), i64(out[0],
                        out[1]), OpHarness.constant(scales(1, 1)), i64(2, 3));
                int[] os = {1, 2, 8, 3};
                double[] want = new double[48];
                for (int i = 0; i < 48; i++) {
                    int[] c = Ref.coords(i, os);
                    int r = nearestIndex(c[2], 5, 8, coords, mode);
                    int k = nearestIndex(c[3], 7, 3, coords, mode);
                    want[i] = x[Ref.flat(new int[] {0, c[1], r, k}, xs)];
                }
                Ref.assertClose(want, y.toFloatArray(), 0, coords + "/" + mode);
            }
        }
    }

    @Test
    void interpolate0NearestUsesSimpleAsymmetricIndices() {
        OvTensor y = run1("Interpolate", 0, Attributes.of("axes", List.of(2L, 3L), "mode", "nearest"), TWO_BY_TWO,
                i64(3, 4));
        // rows: asymmetric o / 1.5 -> 0, 0.67, 1.33 truncated -> 0, 0, 1; columns o / 2 -> 0, 0, 1, 1
        Ref.assertClose(new double[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4}, y.toFloatArray(), 0, "interpolate-0");
    }

    @Test
    void unsupportedModeNamesTheLayer() {
        EngineException e = org.junit.jupiter.api.Assertions.assertThrows(EngineException.class, () -> run1(
                "Interpolate", 11, Attributes.of("mode", "bilinear_pillow", "shape_calculation_mode", "sizes"),
                TWO_BY_TWO, i64(4, 4), i64(2, 3)));
        assertTrue(e.getMessage().contains("layer 'op' (Interpolate-11)") && e.getMessage().contains("bilinear_pillow"),
                e.getMessage());
    }
}
