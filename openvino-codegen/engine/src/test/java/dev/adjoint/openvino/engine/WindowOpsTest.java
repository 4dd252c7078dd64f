package dev.adjoint.openvino.engine;

import static dev.adjoint.openvino.engine.OpHarness.f32;
import static dev.adjoint.openvino.engine.OpHarness.run;
import static dev.adjoint.openvino.engine.OpHarness.run1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.ElementType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Convolutions and pooling against N-d float64 loops written from the op specs. */
class WindowOpsTest {

    private static List<Long> l(long... v) {
        return java.util.Arrays.stream(v).boxed().toList();
    }

    /** Direct N-d grouped convolution; pads may differ per side. */
    static double[] conv(double[] x, int[] xs, double[] w, int[] ws, int groups, int[] s, int[] d, int[] pb, int[] os) {
        int spatial = xs.length - 2;
        int cin = xs[1] / groups;
        int coutPerGroup = ws[0] / groups;
        double[] out = new double[OpHarness.size(os)];
        int[] kshape = java.util.Arrays.copyOfRange(ws, 2, ws.length);
        int kcount = OpHarness.size(kshape);
        for (int i = 0; i < out.length; i++) {
            int[] o = Ref.coords(i, os);
            int g = o[1] / coutPerGroup;
            double acc = 0;
            for (int ci = 0; ci < cin; ci++) {
                for (int k = 0; k < kcount; k++) {
                    int[] kc = Ref.coords(k, kshape);
                    int[] xc = new int[xs.length];
                    xc[0] = o[0];
                    xc[1] = g * cin + ci;
                    boolean inside = true;
                    for (int a = 0; a < spatial; a++) {
                        xc[2 + a] = o[2 + a] * s[a] - pb[a] + kc[a] * d[a];
                        inside &= xc[2 + a] >= 0 && xc[2 + a] < xs[2 + a];
                    }
                    if (!inside) {
                        continue;
                    }
                    int[] wc = new int[ws.length];
                    wc[0] = o[1];
                    wc[1] = ci;
                    System.arraycopy(kc, 0, wc, 2, spatial);
                    acc += x[Ref.flat(xc, xs)] * w[Ref.flat(wc, ws)];
                }
            }
            out[i] = acc;
        }
        return out;
    }

    @Test
    void convolution2dAsymmetricPadsStridesDilations() {
        int[] xs = {2, 3, 9, 8};
        int[] ws = {4, 3, 3, 2};
        double[] x = OpHarness.uniform(10, OpHarness.size(xs), -1, 1);
        double[] w = OpHarness.uniform(11, OpHarness.size(ws), -1, 1);
        // H: (9 + 1 + 2 - 2*2 - 1) / 2 + 1 = 4; W: (8 + 0 + 1 - 1*1 - 1) / 1 + 1 = 8
        int[] os = {2, 4, 4, 8};
        Attributes a = Attributes.of("strides", l(2, 1), "dilations", l(2, 1), "pads_begin", l(1, 0), "pads_end",
                l(2, 1), "auto_pad", "explicit");
        OvTensor y = run1("Convolution", 1, a, f32(x, xs), f32(w, ws));
        Ref.assertShape(os, y);
        Ref.assertClose(conv(x, xs, w, ws, 1, new int[] {2, 1}, new int[] {2, 1}, new int[] {1, 0}, os),
                y.toFloatArray(), 1e-5, "conv2d");
    }

    @Test
    void convolutionAutoPadSameUpperAndLowerAndValid() {
        int[] xs = {1, 2, 6, 5};
        int[] ws = {3, 2, 2, 3};
        double[] x = OpHarness.uniform(12, OpHarness.size(xs), -1, 1);
        double[] w = OpHarness.uniform(13, OpHarness.size(ws), -1, 1);
        // Stride 2: out = ceil(in / 2) = (3, 3); total pads: H (3-1)*2+2-6 = 0, W (3-1)*2+3-5 = 2.
        int[] os = {1, 3, 3, 3};
        for (String mode : new String[] {"same_upper", "same_lower"}) {
            Attributes a = Attributes.of("strides", l(2, 2), "auto_pad", mode, "pads_begin", l(0, 0), "pads_end",
                    l(0, 0));
            OvTensor y = run1("Convolution", 1, a, f32(x, xs), f32(w, ws));
            int[] pb = {0, 1};
            Ref.assertClose(conv(x, xs, w, ws, 1, new int[] {2, 2}, new int[] {1, 1}, pb, os), y.toFloatArray(), 1e-5,
                    mode);
        }
        int[] valid = {1, 3, 3, 2};
        OvTensor v = run1("Convolution", 1, Attributes.of("strides", l(2, 2), "auto_pad", "valid", "pads_begin",
                l(0, 0), "pads_end", l(0, 0)), f32(x, xs), f32(w, ws));
        Ref.assertShape(valid, v);
        Ref.assertClose(conv(x, xs, w, ws, 1, new int[] {2, 2}, new int[] {1, 1}, new int[] {0, 0}, valid),
                v.toFloatArray(), 1e-5, "valid");
    }

    @Test
    void convolution1dAnd3d() {
        int[] xs = {2, 3, 11};
        int[] ws = {2, 3, 4};
        double[] x = OpHarness.uniform(14, OpHarness.size(xs), -1, 1);
        double[] w = OpHarness.uniform(15, OpHarness.size(ws), -1, 1);
        int[] os = {2, 2, 5};
        OvTensor y = run1("Convolution", 1, Attributes.of("strides", l(2), "dilations", l(1), "pads_begin", l(1),
                "pads_end", l(0)), f32(x, xs), f32(w, ws));
        Ref.assertShape(os, y);
        Ref.assertClose(conv(x, xs, w, ws, 1, new int[] {2}, new int[] {1}, new int[] {1}, os), y.toFloatArray(), 1e-5,
                "conv1d");
        int[] xs3 = {1, 2, 5, 4, 4};
        int[] ws3 = {3, 2, 2, 3, 2};
        double[] x3 = OpHarness.uniform(16, OpHarness.size(xs3), -1, 1);
        double[] w3 = OpHarness.uniform(17, OpHarness.size(ws3), -1, 1);
        // D: (5 + 1 + 0 - 2) / 2 + 1 = 3; H: (4 + 1 + 1 - 3) + 1 = 4; W: (4 - 2) + 1 = 3
        int[] os3 = {1, 3, 3, 4, 3};
        OvTensor y3 = run1("Convolution", 1, Attributes.of("strides", l(2, 1, 1), "dilations", l(1, 1, 1),
                "pads_begin", l(1, 1, 0), "pads_end", l(0, 1, 0)), f32(x3, xs3), f32(w3, ws3));
        Ref.assertShape(os3, y3);
        Ref.assertClose(conv(x3, xs3, w3, ws3, 1, new int[] {2, 1, 1}, new int[] {1, 1, 1}, new int[] {1, 1, 0}, os3),
                y3.toFloatArray(), 1e-5, "conv3d");
    }

    @Test
    void paddingWiderThanTheInput() {
        // Length-1 input, kernel 5, pads 2 each side: four taps see only padding (the CPU im2col once copied from
        // offset -1 there; ONNX conformance case Conv1d_pad2size1).
        int[] xs = {2, 3, 1};
        int[] ws = {4, 3, 5};
        double[] x = OpHarness.uniform(18, OpHarness.size(xs), -1, 1);
        double[] w = OpHarness.uniform(19, OpHarness.size(ws), -1, 1);
        int[] os = {2, 4, 1};
        OvTensor y = run1("Convolution", 1, Attributes.of("strides", l(1), "dilations", l(1), "pads_begin", l(2),
                "pads_end", l(2)), f32(x, xs), f32(w, ws));
        Ref.assertShape(os, y);
        Ref.assertClose(conv(x, xs, w, ws, 1, new int[] {1}, new int[] {1}, new int[] {2}, os), y.toFloatArray(), 1e-5,
                "conv1d wide pads");
    }

    @Test
    void groupConvolutionDepthwise() {
        int[] xs = {1, 4, 7, 7};
        int[] gs = {4, 2, 1, 3, 3};
        int[] ws = {8, 1, 3, 3};
        double[] x = OpHarness.uniform(18, OpHarness.size(xs), -1, 1);
        double[] w = OpHarness.uniform(19, OpHarness.size(gs), -1, 1);
        int[] os = {1, 8, 4, 4};
        OvTensor y = run1("GroupConvolution", 1, Attributes.of("strides", l(2, 2), "pads_begin", l(1, 1), "pads_end",
                l(1, 1), "dilations", l(1, 1)), f32(x, xs), f32(w, gs));
        Ref.assertShape(os, y);
        Ref.assertClose(conv(x, xs, w, ws, 4, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, os),
                y.toFloatArray(), 1e-5, "depthwise");
    }

    /** Transposed convolution as its definition: every input value scatters its kernel into the output. */
    @Test
    void convolutionBackpropDataScattersTheKernel() {
        int[] xs = {1, 3, 4, 5};
        int[] ws = {3, 2, 3, 3};
        double[] x = OpHarness.uniform(20, OpHarness.size(xs), -1, 1);
        double[] w = OpHarness.uniform(21, OpHarness.size(ws), -1, 1);
        int s = 2;
        int pb = 1;
        int op = 1;
        // (4 - 1) * 2 + 3 - 2 + 1 = 8; (5 - 1) * 2 + 3 - 2 + 1 = 10
        int[] os = {1, 2, 8, 10};
        double[] want = new double[OpHarness.size(os)];
        for (int ci = 0; ci < 3; ci++) {
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 5; j++) {
                    double v = x[Ref.flat(new int[] {0, ci, i, j}, xs)];
                    for (int co = 0; co < 2; co++) {
                        for (int ki = 0; ki < 3; ki++) {
                            for (int kj = 0; kj < 3; kj++) {
                                int oi = i * s - pb + ki;
                                int oj = j * s - pb + kj;
                                if (oi >= 0 && oi < 8 && oj >= 0 && oj < 10) {
                                    want[Ref.flat(new int[] {0, co, oi, oj}, os)] +=
                                            v * w[Ref.flat(new int[] {ci, co, ki, kj}, ws)];
                                }
                            }
                        }
                    }
                }
            }
        }
        OvTensor y = run1("ConvolutionBackpropData", 1, Attributes.of("strides", l(s, s), "pads_begin", l(pb, pb),
                "pads_end", l(pb, pb), "output_padding", l(op, op)), f32(x, xs), f32(w, ws));
        Ref.assertShape(os, y);
        Ref.assertClose(want, y.toFloatArray(), 1e-5, "backprop data");
        // An explicit output_shape picks the padding.
        OvTensor z = run1("ConvolutionBackpropData", 1, Attributes.of("strides", l(s, s)), f32(x, xs), f32(w, ws),
                OpHarness.i64(8, 10));
        Ref.assertShape(os, z);
    }

    /** Pooling as OpenVINO's reference: windows over the padded input, trimmed at its end. */
    static double[] pool(double[] x, int[] xs, int[] k, int[] s, int[] d, int[] pb, int[] pe, int[] os, boolean max,
            boolean excludePad, int[] argmax) {
        int spatial = xs.length - 2;
        boolean padded = false;
        for (int a = 0; a < spatial; a++) {
            padded |= pb[a] != 0 || pe[a] != 0;
        }
        double[] out = new double[OpHarness.size(os)];
        int kcount = OpHarness.size(k);
        for (int i = 0; i < out.length; i++) {
            int[] o = Ref.coords(i, os);
            double acc = max ? Double.NEGATIVE_INFINITY : 0;
            int best = -1;
            int count = 0;
            for (int kk = 0; kk < kcount; kk++) {
                int[] kc = Ref.coords(kk, k);
                int[] xc = o.clone();
                boolean inside = true;
                boolean inPadded = true;
                for (int a = 0; a < spatial; a++) {
                    int p = o[2 + a] * s[a] + kc[a] * d[a];
                    inPadded &= p < xs[2 + a] + pb[a] + pe[a];
                    xc[2 + a] = p - pb[a];
                    inside &= xc[2 + a] >= 0 && xc[2 + a] < xs[2 + a];
                }
                if (!inPadded) {
                    continue;
                }
                if (inside) {
                    double v = x[Ref.flat(xc, xs)];
                    if (max) {
                        if (v > acc) {
                            acc = v;
                            best = Ref.flat(xc, xs);
                        }
                    } else {
                        acc += v;
                    }
                    count++;
                } else if (!max && !excludePad) {
                    count++;
                }
            }
            if (!max) {
                int divisor = !excludePad && padded ? kcount : count;
                acc = divisor == 0 ? 0 : acc / divisor;
            }
            out[i] = acc;
            if (argmax != null) {
                argmax[i] = best;
            }
        }
        return out;
    }

    @Test
    void maxPoolCeilDilationAndIndices() {
        int[] xs = {2, 3, 7, 7};
        double[] x = OpHarness.uniform(22, OpHarness.size(xs), -1, 1);
        int[] k = {3, 2};
        // H: ceil((7 + 1 + 0 - (2*2+1)) / 2) + 1 = 3; W: ceil((7 - 2) / 2) + 1 = 4 (the last window is partial)
        int[] os = {2, 3, 3, 4};
        Attributes a = Attributes.of("kernel", l(3, 2), "strides", l(2, 2), "dilations", l(2, 1), "pads_begin",
                l(1, 0), "pads_end", l(0, 1), "rounding_type", "ceil", "axis", 0L);
        List<OvTensor> out = run("MaxPool", 8, a, f32(x, xs));
        int[] argmax = new int[OpHarness.size(os)];
        double[] want = pool(x, xs, k, new int[] {2, 2}, new int[] {2, 1}, new int[] {1, 0}, new int[] {0, 0}, os,
                true, false, argmax);
        Ref.assertShape(os, out.get(0));
        Ref.assertClose(want, out.get(0).toFloatArray(), 0, "values");
        assertEquals(ElementType.I64, out.get(1).elementType());
        long[] idx = out.get(1).toLongArray();
        for (int i = 0; i < argmax.length; i++) {
            assertEquals(argmax[i], idx[i], "index " + i);
        }
        // axis 1: indices count from the start of each image.
        long[] perImage = run("MaxPool", 8, Attributes.of("kernel", l(3, 2), "strides", l(2, 2), "dilations", l(2, 1),
                "pads_begin", l(1, 0), "pads_end", l(0, 0), "rounding_type", "ceil", "axis", 1L), f32(x, xs)).get(1)
                .toLongArray();
        int image = 3 * 7 * 7;
        for (int i = 0; i < argmax.length; i++) {
            assertEquals(argmax[i] % image, perImage[i], "per-image index " + i);
        }
    }

    @Test
    void maxPoolWithUnreadIndicesSkipsThem() {
        int[] xs = {1, 2, 6, 6};
        double[] x = OpHarness.uniform(27, OpHarness.size(xs), -1, 1);
        dev.adjoint.openvino.ir.GraphBuilder g = new dev.adjoint.openvino.ir.GraphBuilder("pool");
        dev.adjoint.openvino.ir.Node p = g.parameter("x", ElementType.F32, dev.adjoint.openvino.ir.PartialShape.of(1,
                2, 6, 6));
        dev.adjoint.openvino.ir.Node pool = g.op("MaxPool", 8, "pool", Attributes.of("kernel", l(2, 2), "strides",
                l(2, 2)), p.output(0));
        g.result("values", pool.output(0));
        InferRequest r = new Core().compileModel(Model.of(g.build()), "CPU").createInferRequest();
        r.setInputTensor(f32(x, xs));
        r.infer();
        int[] os = {1, 2, 3, 3};
        Ref.assertClose(pool(x, xs, new int[] {2, 2}, new int[] {2, 2}, new int[] {1, 1}, new int[2], new int[2], os,
                true, false, null), r.getOutputTensor().toFloatArray(), 0, "values only");
    }

    @Test
    void maxPoolPropagatesNaNOnBothPaths() {
        double[] x = {1, Double.NaN, 3, 4, 5, 6, 7, 8, 9};
        OvTensor in = f32(x, 1, 1, 3, 3);
        // pool2d: windows of 2 with stride 1; the composed path: the same with ceil rounding and indices.
        float[] plain = run1("MaxPool", 1, Attributes.of("kernel", l(2, 2), "strides", l(1, 1)), in).toFloatArray();
        float[] composed = run("MaxPool", 8, Attributes.of("kernel", l(2, 2), "strides", l(1, 1), "rounding_type",
                "ceil"), in).get(0).toFloatArray();
        for (float[] got : new float[][] {plain, composed}) {
            assertTrue(Float.isNaN(got[0]) && Float.isNaN(got[1]), java.util.Arrays.toString(got));
            assertEquals(8f, got[2]);
            assertEquals(9f, got[3]);
        }
    }

    @Test
    void maxPoolPlainUsesTheSameValuesAsTheReference() {
        int[] xs = {1, 2, 8, 8};
        double[] x = OpHarness.uniform(23, OpHarness.size(xs), -1, 1);
        int[] os = {1, 2, 4, 4};
        OvTensor y = run1("MaxPool", 1, Attributes.of("kernel", l(3, 3), "strides", l(2, 2), "pads_begin", l(1, 1),
                "pads_end", l(1, 1)), f32(x, xs));
        Ref.assertClose(pool(x, xs, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {1, 1}, os, true, false, null), y.toFloatArray(), 0, "maxpool");
    }

    @Test
    void ceilRoundingWithSymmetricPadsDoesNotTakeThePool2dPath() {
        // 7x8 input, kernel 3, stride 2, pads 1 on both sides: H ceil((7+2-3)/2)+1 = 4, W ceil((8+2-3)/2)+1 = 5,
        // where floor rounding (pool2d's) gives W 4. Found by the ONNX MaxPool ceil_mode cross-check.
        int[] xs = {1, 2, 7, 8};
        double[] x = OpHarness.uniform(25, OpHarness.size(xs), -1, 1);
        int[] os = {1, 2, 4, 5};
        int[] k = {3, 3};
        Attributes a = Attributes.of("kernel", l(3, 3), "strides", l(2, 2), "pads_begin", l(1, 1), "pads_end",
                l(1, 1), "rounding_type", "ceil");
        OvTensor max = run1("MaxPool", 1, a, f32(x, xs));
        Ref.assertShape(os, max);
        Ref.assertClose(pool(x, xs, k, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, os,
                true, false, null), max.toFloatArray(), 0, "maxpool ceil");
        OvTensor avg = run1("AvgPool", 1, Attributes.of("kernel", l(3, 3), "strides", l(2, 2), "pads_begin", l(1, 1),
                "pads_end", l(1, 1), "rounding_type", "ceil", "exclude-pad", true), f32(x, xs));
        Ref.assertShape(os, avg);
        Ref.assertClose(pool(x, xs, k, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, os,
                false, true, null), avg.toFloatArray(), 1e-6, "avgpool ceil");
    }

    @Test
    void avgPoolExcludeAndIncludePadWithCeil() {
        int[] xs = {1, 2, 6, 7};
        double[] x = OpHarness.uniform(24, OpHarness.size(xs), -1, 1);
        int[] k = {3, 3};
        for (boolean exclude : new boolean[] {true, false}) {
            // H: ceil((6 + 2 - 3) / 2) + 1 = 4; W: ceil((7 + 1 + 0 - 3) / 2) + 1 = 4
            int[] os = {1, 2, 4, 4};
            OvTensor y = run1("AvgPool", 1, Attributes.of("kernel", l(3, 3), "strides", l(2, 2), "pads_begin", l(1, 1),
                    "pads_end", l(1, 0), "rounding_type", "ceil", "exclude-pad", exclude), f32(x, xs));
            Ref.assertShape(os, y);
            Ref.assertClose(pool(x, xs, k, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 0}, os,
                    false, exclude, null), y.toFloatArray(), 1e-6, "exclude-pad=" + exclude);
        }
        // Symmetric padding that pool2d handles directly.
        int[] os = {1, 2, 6, 7};
        OvTensor y = run1("AvgPool", 1, Attributes.of("kernel", l(3, 3), "strides", l(1, 1), "pads_begin", l(1, 1),
                "pads_end", l(1, 1), "exclude-pad", true), f32(x, xs));
        Ref.assertClose(pool(x, xs, k, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, os,
                false, true, null), y.toFloatArray(), 1e-6, "symmetric");
    }

    @Test
    void pooling1dAnd3d() {
        int[] xs = {1, 2, 9};
        double[] x = OpHarness.uniform(25, 18, -1, 1);
        int[] os = {1, 2, 4};
        OvTensor y = run1("AvgPool", 1, Attributes.of("kernel", l(3), "strides", l(2), "pads_begin", l(0), "pads_end",
                l(0), "exclude-pad", false), f32(x, xs));
        Ref.assertClose(pool(x, xs, new int[] {3}, new int[] {2}, new int[] {1}, new int[] {0}, new int[] {0}, os, false,
                false, null), y.toFloatArray(), 1e-6, "avgpool1d");
        int[] xs3 = {1, 1, 4, 4, 4};
        double[] x3 = OpHarness.uniform(26, 64, -1, 1);
        int[] os3 = {1, 1, 2, 2, 2};
        OvTensor y3 = run1("MaxPool", 1, Attributes.of("kernel", l(2, 2, 2), "strides", l(2, 2, 2), "pads_begin",
                l(0, 0, 0), "pads_end", l(0, 0, 0)), f32(x3, xs3));
        Ref.assertClose(pool(x3, xs3, new int[] {2, 2, 2}, new int[] {2, 2, 2}, new int[] {1, 1, 1}, new int[3],
                new int[3], os3, true, false, null), y3.toFloatArray(), 0, "maxpool3d");
    }

    @Test
    void badGeometryNamesTheLayer() {
        EngineException e = assertThrows(EngineException.class, () -> run1("ConvolutionBackpropData", 1,
                Attributes.of("strides", l(1, 1, 1)), f32(new double[8], 1, 1, 2, 2, 2), f32(new double[8],
                        1, 1, 2, 2, 2)));
        assertTrue(e.getMessage().contains("layer 'op' (ConvolutionBackpropData-1)")
                && e.getMessage().contains("3 spatial axes"), e.getMessage());
    }
}
