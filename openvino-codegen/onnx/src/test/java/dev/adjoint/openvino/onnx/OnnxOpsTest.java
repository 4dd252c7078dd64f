package dev.adjoint.openvino.onnx;

import static dev.adjoint.openvino.onnx.OnnxGraph.BOOL;
import static dev.adjoint.openvino.onnx.OnnxGraph.INT64;
import static dev.adjoint.openvino.onnx.OnnxGraph.f;
import static dev.adjoint.openvino.onnx.OnnxGraph.floats;
import static dev.adjoint.openvino.onnx.OnnxGraph.i;
import static dev.adjoint.openvino.onnx.OnnxGraph.ints;
import static dev.adjoint.openvino.onnx.OnnxGraph.s;

import dev.adjoint.openvino.ir.ElementType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One small ONNX graph per op and attribute variant that the conformance cases do not cover (newer opsets,
 * auto_pad, ceil_mode, dynamic batch, Resize modes...), converted and run on our engine and compared with ONNX
 * Runtime on seeded random inputs (rtol 1e-3, atol 1e-5). A symbolic batch dimension runs with batch 2.
 */
class OnnxOpsTest {
    private static final long N = -1;

    private static Arguments c(String name, Supplier<OnnxGraph> graph) {
        return Arguments.of(name, graph);
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String op : new String[] {"Relu", "Sigmoid", "Tanh", "Exp", "Abs", "Neg", "Erf", "Softsign", "Softplus",
            "Elu", "Selu", "HardSwish", "Sign", "Floor", "Ceil", "Identity", "Reciprocal"}) {
            out.add(c(op, () -> new OnnxGraph(17).input("x", 2, 3, 5).node(op, "x", "y").output("y")));
        }
        for (String op : new String[] {"Sqrt", "Log"}) {
            out.add(c(op, () -> new OnnxGraph(17).positiveInput("x", 2, 3, 5).node(op, "x", "y").output("y")));
        }
        out.add(c("LeakyRelu alpha", () -> new OnnxGraph(16).input("x", 4, 6).node("LeakyRelu", "x", "y",
                f("alpha", 0.3)).output("y")));
        out.add(c("HardSigmoid", () -> new OnnxGraph(17).input("x", 4, 6).node("HardSigmoid", "x", "y",
                f("alpha", 0.3), f("beta", 0.4)).output("y")));
        out.add(c("Gelu-20 tanh", () -> new OnnxGraph(20).input("x", 4, 6).node("Gelu", "x", "y",
                s("approximate", "tanh")).output("y")));
        out.add(c("Gelu-20", () -> new OnnxGraph(20).input("x", 4, 6).node("Gelu", "x", "y").output("y")));
        out.add(c("Mish-18", () -> new OnnxGraph(18).input("x", 4, 6).node("Mish", "x", "y").output("y")));
        out.add(c("PRelu-16 slope [C,1,1]", () -> new OnnxGraph(16).input("x", N, 3, 4, 5)
                .randomF32("s", 1, 3, 1, 1).node("PRelu", "x s", "y").output("y")));
        out.add(c("PRelu-16 slope [W]", () -> new OnnxGraph(16).input("x", 2, 3, 4, 5)
                .randomF32("s", 2, 5).node("PRelu", "x s", "y").output("y")));
        // element-wise with broadcasting
        out.add(c("Add broadcast", () -> new OnnxGraph(14).input("a", 2, 3, 4).input("b", 4)
                .node("Add", "a b", "y").output("y")));
        out.add(c("Sub broadcast both", () -> new OnnxGraph(14).input("a", 2, 1, 4).input("b", 3, 1)
                .node("Sub", "a b", "y").output("y")));
        out.add(c("Mul", () -> new OnnxGraph(14).input("a", 2, 3).input("b", 2, 3).node("Mul", "a b", "y")
                .output("y")));
        out.add(c("Div", () -> new OnnxGraph(14).input("a", 2, 3).positiveInput("b", 3).node("Div", "a b", "y")
                .output("y")));
        out.add(c("Pow", () -> new OnnxGraph(15).positiveInput("a", 2, 3).input("b", 2, 3).node("Pow", "a b", "y")
                .output("y")));
        out.add(c("Max/Min/Sum/Mean variadic", () -> new OnnxGraph(13).input("a", 2, 3).input("b", 3)
                .input("c", 1, 3).node("Max", "a b c", "m").node("Min", "a b c", "n").node("Sum", "m n c", "s")
                .node("Mean", "s a b", "y").output("y")));
        out.add(c("Where Greater", () -> new OnnxGraph(16).input("a", 2, 3).input("b", 3).node("Greater", "a b", "g")
                .node("Where", "g a b", "y").output("y")));
        for (String op : new String[] {"Equal", "Less", "LessOrEqual", "GreaterOrEqual"}) {
            out.add(c(op, () -> new OnnxGraph(16).input("a", 2, 3).input("b", 3).node("Floor", "a", "fa")
                    .node("Floor", "b", "fb").node(op, "fa fb", "y").output("y", BOOL)));
        }
        out.add(c("Not And Or Xor", () -> new OnnxGraph(16).input("a", 2, 3).input("b", 3)
                .node("Greater", "a b", "g").node("Less", "a b", "l").node("Not", "g", "ng")
                .node("And", "ng l", "x1").node("Or", "x1 g", "x2").node("Xor", "x2 l", "y").output("y", BOOL)));
        out.add(c("Mod fmod=1", () -> new OnnxGraph(13).input("a", 2, 3).positiveInput("b", 3)
                .node("Mod", "a b", "y", i("fmod", 1)).output("y")));
        out.add(c("Mod integer (floor)", () -> new OnnxGraph(13).input("a", 2, 3).initF32("ten", new long[0], 10f)
                .initI64("b", new long[] {3}, 3, -4, 5).node("Mul", "a ten", "a10").node("Cast", "a10", "ai",
                        i("to", INT64)).node("Mod", "ai b", "m").node("Cast", "m", "y", i("to", 1)).output("y")));
        out.add(c("Size CastLike", () -> new OnnxGraph(15).input("x", 2, 3, 4).node("Size", "x", "n")
                .node("CastLike", "n x", "y").output("y")));
        out.add(c("Cast to int64 and back", () -> new OnnxGraph(13).input("x", 2, 3).node("Cast", "x", "c",
                i("to", INT64)).node("Cast", "c", "y", i("to", 1)).output("y")));
        out.add(c("Clip-13 min max inputs", () -> new OnnxGraph(13).input("x", 2, 5).initF32("lo", new long[0], -0.5f)
                .initF32("hi", new long[0], 0.7f).node("Clip", "x lo hi", "y").output("y")));
        out.add(c("Clip-13 max only", () -> new OnnxGraph(13).input("x", 2, 5).initF32("hi", new long[0], 0.2f)
                .node("Clip", "x - hi", "y").output("y")));
        out.add(c("Clip-13 input bounds", () -> new OnnxGraph(13).input("x", 2, 5).input("lo", 1)
                .node("Clip", "x lo", "y").output("y")));
        // linear algebra
        out.add(c("Gemm transA transB alpha beta", () -> new OnnxGraph(13).input("a", 4, 3).randomF32("b", 3, 5, 4)
                .randomF32("c", 4, 5).node("Gemm", "a b c", "y", i("transA", 1), i("transB", 1), f("alpha", 0.5),
                        f("beta", 2)).output("y")));
        out.add(c("MatMul batched", () -> new OnnxGraph(13).input("a", N, 3, 4).randomF32("b", 5, 4, 6)
                .node("MatMul", "a b", "y").output("y")));
        out.add(c("MatMul vector", () -> new OnnxGraph(13).input("a", 4).input("b", 2, 4, 3)
                .node("MatMul", "a b", "y").output("y")));
        // convolution and pooling
        out.add(c("Conv SAME_UPPER stride 2 bias", () -> new OnnxGraph(11).input("x", N, 3, 9, 8)
                .randomF32("w", 6, 4, 3, 3, 3).randomF32("b", 7, 4)
                .node("Conv", "x w b", "y", s("auto_pad", "SAME_UPPER"), ints("strides", 2, 2)).output("y")));
        // (ONNX Runtime refuses dilations with SAME_*: those are covered by the engine's own tests.)
        out.add(c("Conv SAME_LOWER stride 2", () -> new OnnxGraph(11).input("x", 1, 2, 7, 8)
                .randomF32("w", 8, 2, 2, 3, 4).node("Conv", "x w", "y", s("auto_pad", "SAME_LOWER"),
                        ints("strides", 2, 2)).output("y")));
        out.add(c("Conv dilated explicit pads", () -> new OnnxGraph(11).input("x", 1, 2, 7, 7)
                .randomF32("w", 8, 2, 2, 3, 3).node("Conv", "x w", "y", ints("pads", 2, 1, 0, 2),
                        ints("dilations", 2, 2)).output("y")));
        out.add(c("Conv groups asymmetric pads", () -> new OnnxGraph(11).input("x", 1, 4, 6, 7)
                .randomF32("w", 9, 6, 2, 3, 2).node("Conv", "x w", "y", i("group", 2), ints("pads", 1, 0, 0, 1),
                        ints("kernel_shape", 3, 2)).output("y")));
        out.add(c("Conv 1-D VALID", () -> new OnnxGraph(11).input("x", 2, 3, 10).randomF32("w", 10, 4, 3, 3)
                .node("Conv", "x w", "y", s("auto_pad", "VALID"), ints("strides", 3)).output("y")));
        out.add(c("ConvTranspose stride 2 output_padding", () -> new OnnxGraph(11).input("x", 1, 3, 4, 5)
                .randomF32("w", 11, 3, 2, 3, 3).randomF32("b", 12, 2).node("ConvTranspose", "x w b", "y",
                        ints("strides", 2, 2), ints("pads", 1, 1, 1, 1), ints("output_padding", 1, 0)).output("y")));
        out.add(c("ConvTranspose group 2 dilated", () -> new OnnxGraph(11).input("x", 1, 4, 3, 4)
                .randomF32("w", 15, 4, 3, 2, 3).randomF32("b", 16, 6).node("ConvTranspose", "x w b", "y",
                        i("group", 2), ints("strides", 2, 1), ints("dilations", 1, 2), ints("pads", 0, 1, 1, 0))
                .output("y")));
        out.add(c("ConvTranspose 1-D depthwise", () -> new OnnxGraph(11).input("x", 2, 3, 5)
                .randomF32("w", 17, 3, 1, 3).node("ConvTranspose", "x w", "y", i("group", 3), ints("strides", 2))
                .output("y")));
        out.add(c("ConvTranspose output_shape", () -> new OnnxGraph(11).input("x", 1, 2, 3, 3)
                .randomF32("w", 13, 2, 3, 3, 3).node("ConvTranspose", "x w", "y", ints("strides", 2, 2),
                        ints("output_shape", 6, 6)).output("y")));
        out.add(c("ConvTranspose SAME_UPPER", () -> new OnnxGraph(11).input("x", 1, 2, 3, 4)
                .randomF32("w", 14, 2, 2, 2, 2).node("ConvTranspose", "x w", "y", ints("strides", 2, 2),
                        s("auto_pad", "SAME_UPPER")).output("y")));
        out.add(c("MaxPool ceil_mode pads", () -> new OnnxGraph(12).input("x", N, 2, 7, 8).node("MaxPool", "x", "y",
                ints("kernel_shape", 3, 3), ints("strides", 2, 2), ints("pads", 1, 1, 1, 1), i("ceil_mode", 1))
                .output("y")));
        out.add(c("MaxPool SAME_UPPER stride 2", () -> new OnnxGraph(12).input("x", 1, 2, 7, 8)
                .node("MaxPool", "x", "y", ints("kernel_shape", 3, 2), ints("strides", 2, 2),
                        s("auto_pad", "SAME_UPPER")).output("y")));
        out.add(c("MaxPool dilations ceil_mode", () -> new OnnxGraph(12).input("x", 1, 2, 9, 8)
                .node("MaxPool", "x", "y", ints("kernel_shape", 2, 3), ints("dilations", 2, 2),
                        ints("strides", 2, 1), i("ceil_mode", 1)).output("y")));
        out.add(c("MaxPool indices", () -> new OnnxGraph(12).input("x", 2, 2, 5, 6).node("MaxPool", "x", "y idx",
                ints("kernel_shape", 2, 2), ints("strides", 2, 2), ints("pads", 0, 0, 1, 0)).output("y")
                .output("idx", INT64)));
        out.add(c("AveragePool ceil_mode count_include_pad", () -> new OnnxGraph(19).input("x", 1, 2, 7, 7)
                .node("AveragePool", "x", "y", ints("kernel_shape", 3, 3), ints("strides", 2, 2),
                        ints("pads", 1, 1, 1, 1), i("ceil_mode", 1), i("count_include_pad", 1)).output("y")));
        out.add(c("AveragePool SAME_UPPER exclude pad", () -> new OnnxGraph(11).input("x", 1, 2, 6, 5)
                .node("AveragePool", "x", "y", ints("kernel_shape", 3, 3), s("auto_pad", "SAME_UPPER")).output("y")));
        out.add(c("GlobalAveragePool GlobalMaxPool", () -> new OnnxGraph(13).input("x", N, 3, 4, 5)
                .node("GlobalAveragePool", "x", "a").node("GlobalMaxPool", "x", "m").node("Add", "a m", "y")
                .output("y")));
        // normalization
        out.add(c("BatchNormalization-15", () -> new OnnxGraph(15).input("x", N, 3, 4, 4).randomF32("g", 20, 3)
                .randomF32("b", 21, 3).randomF32("m", 22, 3).initF32("v", new long[] {3}, 0.5f, 1.5f, 2f)
                .node("BatchNormalization", "x g b m v", "y", f("epsilon", 1e-3)).output("y")));
        out.add(c("InstanceNormalization", () -> new OnnxGraph(13).input("x", 2, 3, 4, 5).randomF32("g", 23, 3)
                .randomF32("b", 24, 3).node("InstanceNormalization", "x g b", "y").output("y")));
        out.add(c("LayerNormalization-17", () -> new OnnxGraph(17).input("x", N, 4, 6).randomF32("g", 25, 6)
                .randomF32("b", 26, 6).node("LayerNormalization", "x g b", "y").output("y")));
        for (long size : new long[] {3, 5}) {
            out.add(c("LRN size " + size, () -> new OnnxGraph(13).input("x", 1, 7, 3, 3).node("LRN", "x", "y",
                    i("size", size), f("alpha", 0.01), f("beta", 0.6), f("bias", 2)).output("y")));
        }
        out.add(c("Softmax-11 axis 1 (coerced to 2-D)", () -> new OnnxGraph(11).input("x", 2, 3, 4)
                .node("Softmax", "x", "y", i("axis", 1)).output("y")));
        out.add(c("LogSoftmax-11 default axis", () -> new OnnxGraph(11).input("x", N, 3, 4)
                .node("LogSoftmax", "x", "y").output("y")));
        out.add(c("Softmax-13 axis 1", () -> new OnnxGraph(13).input("x", 2, 3, 4)
                .node("Softmax", "x", "y", i("axis", 1)).output("y")));
        // reductions
        out.add(c("ReduceMean-13 axes attr keepdims 0", () -> new OnnxGraph(13).input("x", 2, 3, 4)
                .node("ReduceMean", "x", "y", ints("axes", -1, 0), i("keepdims", 0)).output("y")));
        out.add(c("ReduceSum-13 axes input", () -> new OnnxGraph(13).input("x", 2, 3, 4).initI64("ax", new long[] {1}, 1)
                .node("ReduceSum", "x ax", "y").output("y")));
        out.add(c("ReduceMax-18 all axes", () -> new OnnxGraph(18).input("x", 2, 3, 4).node("ReduceMax", "x", "y")
                .output("y")));
        out.add(c("ReduceL2 ReduceL1 ReduceProd ReduceSumSquare ReduceMin", () -> new OnnxGraph(13)
                .input("x", 2, 3, 4).node("ReduceL2", "x", "a", ints("axes", 2)).node("ReduceL1", "x", "b",
                        ints("axes", 2)).node("ReduceProd", "x", "p", ints("axes", 2))
                .node("ReduceSumSquare", "x", "q", ints("axes", 2)).node("ReduceMin", "x", "r", ints("axes", 2))
                .node("Sum", "a b p q r", "y").output("y")));
        // shapes and data movement
        out.add(c("Flatten axis 2, dynamic batch", () -> new OnnxGraph(13).input("x", N, 3, 4, 5)
                .node("Flatten", "x", "y", i("axis", 2)).output("y")));
        out.add(c("Flatten axis 0", () -> new OnnxGraph(13).input("x", 2, 3, 4).node("Flatten", "x", "y",
                i("axis", 0)).output("y")));
        out.add(c("Reshape 0 and -1", () -> new OnnxGraph(14).input("x", N, 3, 4).initI64("s", new long[] {3}, 0, -1, 2)
                .node("Reshape", "x s", "y").output("y")));
        out.add(c("Shape Gather Concat Reshape (dynamic batch)", () -> new OnnxGraph(13).input("x", N, 3, 4)
                .initI64("zero", new long[] {1}, 0).initI64("rest", new long[] {1}, 12).node("Shape", "x", "sh")
                .node("Gather", "sh zero", "n", i("axis", 0)).node("Concat", "n rest", "s", i("axis", 0))
                .node("Reshape", "x s", "y").output("y")));
        out.add(c("Shape-15 start end", () -> new OnnxGraph(15).input("x", 2, 3, 4).node("Shape", "x", "sh",
                i("start", 1), i("end", -1)).node("ConstantOfShape", "sh", "y", OnnxGraph.tensorAttr("value",
                OnnxGraph.tensor("v", 1, new long[] {1}, floatBytes(2.5f))))
                .output("y")));
        out.add(c("Transpose perm and default", () -> new OnnxGraph(13).input("x", 2, 3, 4)
                .node("Transpose", "x", "t", ints("perm", 1, 2, 0)).node("Transpose", "t", "y").output("y")));
        out.add(c("Squeeze Unsqueeze-13", () -> new OnnxGraph(13).input("x", 2, 1, 4).initI64("a", new long[] {1}, 1)
                .initI64("b", new long[] {2}, 0, -1).node("Squeeze", "x a", "s").node("Unsqueeze", "s b", "y")
                .output("y")));
        out.add(c("Squeeze-11 attr, Unsqueeze-11 attr", () -> new OnnxGraph(11).input("x", 2, 1, 4)
                .node("Squeeze", "x", "s", ints("axes", 1)).node("Unsqueeze", "s", "y", ints("axes", 0, 3))
                .output("y")));
        out.add(c("Split-13 lengths input", () -> new OnnxGraph(13).input("x", 2, 7).initI64("l", new long[] {3}, 2, 4, 1)
                .node("Split", "x l", "a b c", i("axis", 1)).node("Concat", "c a b", "y", i("axis", 1))
                .output("y")));
        out.add(c("Split-18 num_outputs uneven", () -> new OnnxGraph(18).input("x", 7, 2)
                .node("Split", "x", "a b c", i("num_outputs", 3)).node("Concat", "c b a", "y", i("axis", 0))
                .output("y")));
        out.add(c("Split-11 equal", () -> new OnnxGraph(11).input("x", 2, 6).node("Split", "x", "a b", i("axis", -1))
                .node("Sub", "a b", "y").output("y")));
        out.add(c("Gather negative indices axis 1", () -> new OnnxGraph(13).input("x", 3, 5, 2)
                .initI64("i", new long[] {2, 2}, -1, 0, 3, -5).node("Gather", "x i", "y", i("axis", 1))
                .output("y")));
        out.add(c("Slice-13 negative step, axes", () -> new OnnxGraph(13).input("x", 4, 6, 5)
                .initI64("s", new long[] {2}, -1, 1).initI64("e", new long[] {2}, 0, 100)
                .initI64("a", new long[] {2}, 1, 2).initI64("t", new long[] {2}, -2, 2)
                .node("Slice", "x s e a t", "y").output("y")));
        out.add(c("Slice-13 no axes no steps", () -> new OnnxGraph(13).input("x", 4, 6)
                .initI64("s", new long[] {2}, 1, -4).initI64("e", new long[] {2}, 3, Long.MAX_VALUE)
                .node("Slice", "x s e", "y").output("y")));
        for (String mode : new String[] {"constant", "reflect", "edge"}) {
            out.add(c("Pad-13 " + mode, () -> new OnnxGraph(13).input("x", 1, 2, 4, 5)
                    .initI64("p", new long[] {8}, 0, 0, 1, 2, 0, 0, 2, 1).initF32("v", new long[0], 0.5f)
                    .node("Pad", mode.equals("constant") ? "x p v" : "x p", "y", s("mode", mode)).output("y")));
        }
        out.add(c("Pad-18 axes", () -> new OnnxGraph(18).input("x", 2, 4, 5)
                .initI64("p", new long[] {4}, 1, 0, 2, 3).initI64("a", new long[] {2}, -1, 1)
                .node("Pad", "x p - a", "y").output("y")));
        out.add(c("Pad-13 crop (negative pads)", () -> new OnnxGraph(13).input("x", 3, 6)
                .initI64("p", new long[] {4}, -1, 2, 0, -3).node("Pad", "x p", "y").output("y")));
        out.add(c("Expand", () -> new OnnxGraph(13).input("x", 3, 1).initI64("s", new long[] {3}, 2, 1, 4)
                .node("Expand", "x s", "y").output("y")));
        out.add(c("Tile", () -> new OnnxGraph(13).input("x", 2, 3).initI64("r", new long[] {2}, 2, 3)
                .node("Tile", "x r", "y").output("y")));
        out.add(c("Constant value_floats, Dropout-13", () -> new OnnxGraph(13).input("x", 2, 3)
                .node("Constant", "", "k", floats("value_floats", 1f, 2f, 3f)).node("Mul", "x k", "m")
                .node("Dropout", "m", "y").output("y")));
        // A MobileNet-v3 block as PyTorch exports it: HardSwish, depthwise Conv, squeeze-excite, residual Add.
        out.add(c("MobileNet-v3 block, dynamic batch", () -> new OnnxGraph(14).input("x", N, 8, 10, 10)
                .randomF32("w1", 30, 16, 8, 1, 1).randomF32("b1", 31, 16).randomF32("dw", 32, 16, 1, 3, 3)
                .randomF32("se1", 33, 4, 16, 1, 1).randomF32("se2", 34, 16, 4, 1, 1).randomF32("w2", 35, 8, 16, 1, 1)
                .node("Conv", "x w1 b1", "c1").node("HardSwish", "c1", "h1")
                .node("Conv", "h1 dw", "c2", i("group", 16), ints("pads", 1, 1, 1, 1)).node("HardSwish", "c2", "h2")
                .node("GlobalAveragePool", "h2", "g").node("Conv", "g se1", "s1").node("Relu", "s1", "r")
                .node("Conv", "r se2", "s2").node("HardSigmoid", "s2", "gate", f("alpha", 1.0 / 6))
                .node("Mul", "h2 gate", "m").node("Conv", "m w2", "c3").node("Add", "c3 x", "y").output("y")));
        // Resize and Upsample
        out.add(c("Resize-13 nearest asymmetric floor scales", () -> new OnnxGraph(13).input("x", 1, 2, 3, 4)
                .initF32("sc", new long[] {4}, 1, 1, 2, 3).node("Resize", "x - sc", "y", s("mode", "nearest"),
                        s("coordinate_transformation_mode", "asymmetric"), s("nearest_mode", "floor")).output("y")));
        out.add(c("Resize-13 linear half_pixel sizes", () -> new OnnxGraph(13).input("x", 1, 2, 4, 4)
                .initI64("sz", new long[] {4}, 1, 2, 7, 3).node("Resize", "x - - sz", "y", s("mode", "linear"))
                .output("y")));
        out.add(c("Resize-13 linear align_corners scales", () -> new OnnxGraph(13).input("x", 1, 1, 3, 4)
                .initF32("sc", new long[] {4}, 1, 1, 2, 2).node("Resize", "x - sc", "y", s("mode", "linear"),
                        s("coordinate_transformation_mode", "align_corners")).output("y")));
        out.add(c("Resize-13 cubic pytorch_half_pixel", () -> new OnnxGraph(13).input("x", 1, 1, 4, 5)
                .initF32("sc", new long[] {4}, 1, 1, 2, 1.5f).node("Resize", "x - sc", "y", s("mode", "cubic"),
                        s("coordinate_transformation_mode", "pytorch_half_pixel")).output("y")));
        out.add(c("Resize-11 nearest round_prefer_ceil downscale", () -> new OnnxGraph(11).input("x", 1, 1, 6, 6)
                .initF32("roi", new long[] {0}).initF32("sc", new long[] {4}, 1, 1, 0.5f, 0.5f)
                .node("Resize", "x roi sc", "y", s("nearest_mode", "round_prefer_ceil")).output("y")));
        out.add(c("Upsample-9 nearest", () -> new OnnxGraph(9).input("x", 1, 2, 2, 3)
                .initF32("sc", new long[] {4}, 1, 1, 2, 2).node("Upsample", "x sc", "y").output("y")));
        return out.stream();
    }

    private static ByteBuffer floatBytes(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.flip();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesOnnxRuntime(String name, Supplier<OnnxGraph> build, @TempDir Path tmp) throws Exception {
        OnnxGraph g = build.get();
        Path model = g.write(tmp);
        SplittableRandom random = new SplittableRandom(name.hashCode());
        List<String> names = new ArrayList<>();
        List<OnnxTensors.Value> inputs = new ArrayList<>();
        for (OnnxGraph.Input in : g.inputs()) {
            long[] dims = in.dims().clone();
            for (int k = 0; k < dims.length; k++) {
                dims[k] = dims[k] < 0 ? 2 : dims[k];
            }
            OnnxTensors.Value v = OrtCrossCheckTest.randomF32(in.name(), dims, random);
            if (in.positive()) {
                ByteBuffer b = v.data();
                for (int k = 0; k < b.limit(); k += 4) {
                    b.putFloat(k, Math.abs(b.getFloat(k)) + 0.1f);
                }
            }
            names.add(in.name());
            inputs.add(new OnnxTensors.Value(in.name(), ElementType.F32, dims, v.data()));
        }
        OrtCrossCheckTest.crossCheck(name, model, names, inputs, tmp, Conformance.Tolerance.FP32, false);
    }
}
