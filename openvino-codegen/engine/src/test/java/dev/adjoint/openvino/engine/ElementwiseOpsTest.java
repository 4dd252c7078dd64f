package dev.adjoint.openvino.engine;

import static dev.adjoint.openvino.engine.OpHarness.f32;
import static dev.adjoint.openvino.engine.OpHarness.run1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.ElementType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Element-wise ops and activations against float64 loops, on odd lengths, edge values, broadcasting, size 0 and 1. */
class ElementwiseOpsTest {

    record Unary(String type, int version, Attributes attrs, DoubleUnaryOperator f, boolean specials, double tol) {
        @Override
        public String toString() {
            return type + "-" + version;
        }
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    static Stream<Arguments> unaryOps() {
        List<Unary> ops = new ArrayList<>();
        ops.add(new Unary("Abs", 0, Attributes.empty(), Math::abs, true, 0));
        ops.add(new Unary("Negative", 0, Attributes.empty(), x -> -x, true, 0));
        ops.add(new Unary("Exp", 0, Attributes.empty(), Math::exp, true, 2e-6));
        ops.add(new Unary("Log", 0, Attributes.empty(), Math::log, true, 2e-6));
        ops.add(new Unary("Sqrt", 0, Attributes.empty(), Math::sqrt, true, 1e-6));
        ops.add(new Unary("Sin", 0, Attributes.empty(), Math::sin, false, 2e-6));
        ops.add(new Unary("Cos", 0, Attributes.empty(), Math::cos, false, 2e-6));
        ops.add(new Unary("Tanh", 0, Attributes.empty(), Math::tanh, true, 2e-6));
        ops.add(new Unary("Sigmoid", 0, Attributes.empty(), ElementwiseOpsTest::sigmoid, true, 2e-6));
        ops.add(new Unary("Relu", 0, Attributes.empty(), x -> Math.max(x, 0), false, 0));
        ops.add(new Unary("Floor", 0, Attributes.empty(), Math::floor, true, 0));
        ops.add(new Unary("Ceiling", 0, Attributes.empty(), Math::ceil, true, 0));
        ops.add(new Unary("Sign", 0, Attributes.empty(), Math::signum, false, 0));
        ops.add(new Unary("Erf", 0, Attributes.empty(), Ref::erf, false, 3e-7));
        ops.add(new Unary("Elu", 0, Attributes.of("alpha", 0.7), x -> x > 0 ? x : 0.7 * (Math.exp(x) - 1), false,
                2e-6));
        ops.add(new Unary("HSigmoid", 5, Attributes.empty(), x -> Math.min(Math.max(x + 3, 0), 6) / 6, false, 1e-6));
        ops.add(new Unary("HSwish", 4, Attributes.empty(), x -> x * Math.min(Math.max(x + 3, 0), 6) / 6, false, 1e-6));
        ops.add(new Unary("Mish", 4, Attributes.empty(), x -> x * Math.tanh(Math.log1p(Math.exp(x))), false, 3e-6));
        ops.add(new Unary("Swish", 4, Attributes.empty(), x -> x * sigmoid(x), false, 3e-6));
        ops.add(new Unary("Gelu", 2, Attributes.empty(), x -> 0.5 * x * (1 + Ref.erf(x / Math.sqrt(2))), false, 1e-6));
        ops.add(new Unary("Gelu", 7, Attributes.of("approximation_mode", "TANH"),
                x -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))), false, 3e-6));
        ops.add(new Unary("Clamp", 0, Attributes.of("min", -0.5, "max", 2.25), x -> Math.min(Math.max(x, -0.5), 2.25),
                true, 0));
        return ops.stream().map(Arguments::of);
    }

    /** 37 values (an odd length, past SIMD widths): a sweep over [-6, 6) plus zeros and halves. */
    private static double[] sweep() {
        double[] x = OpHarness.uniform(1, 37, -6, 6);
        x[0] = 0;
        x[1] = -0.0;
        x[2] = 0.5;
        x[3] = -2.5;
        x[4] = 1;
        return x;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unaryOps")
    void unaryMatchesFloat64(Unary op) {
        double[] x = sweep();
        if (op.type().equals("Log") || op.type().equals("Sqrt")) {
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.abs(x[i]);
            }
        }
        double[] want = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            want[i] = op.f().applyAsDouble(x[i]);
        }
        OvTensor y = run1(op.type(), op.version(), op.attrs(), f32(x, 37));
        Ref.assertClose(want, y.toFloatArray(), op.tol(), op.toString());
        // Shapes of size 1 and 0 go through too.
        assertArrayEquals(new int[] {1, 1}, run1(op.type(), op.version(), op.attrs(), f32(new double[] {1.5}, 1, 1))
                .dims());
        assertArrayEquals(new int[] {0, 3}, run1(op.type(), op.version(), op.attrs(), f32(new double[0], 0, 3)).dims());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unaryOps")
    void specialValuesAsFloat64Gives(Unary op) {
        if (!op.specials()) {
            return;
        }
        double[] x = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, 3.0};
        if (op.type().equals("Log") || op.type().equals("Sqrt")) {
            x[2] = 0.25;
        }
        double[] want = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            want[i] = op.f().applyAsDouble(x[i]);
        }
        Ref.assertClose(want, run1(op.type(), op.version(), op.attrs(), f32(x, 5)).toFloatArray(), op.tol(),
                op.toString());
    }

    @Test
    void float64ComputesInFloat64() {
        double[] x = {1e-10, 0.1, 1.0 / 3, 700};
        OvTensor y = run1("Exp", 0, Attributes.empty(), OpHarness.f64(x, 4));
        assertEquals(ElementType.F64, y.elementType());
        double[] got = y.toDoubleArray();
        for (int i = 0; i < x.length; i++) {
            assertEquals(Math.exp(x[i]), got[i], 1e-13 * Math.exp(x[i]));
        }
    }

    record Binary(String type, int version, Attributes attrs, DoubleBinaryOperator f, boolean positive) {
        @Override
        public String toString() {
            return type + "-" + version;
        }
    }

    static Stream<Arguments> binaryOps() {
        Attributes numpy = Attributes.of("auto_broadcast", "numpy");
        return Stream.of(
                new Binary("Add", 1, numpy, Double::sum, false),
                new Binary("Subtract", 1, numpy, (a, b) -> a - b, false),
                new Binary("Multiply", 1, numpy, (a, b) -> a * b, false),
                new Binary("Divide", 1, numpy, (a, b) -> a / b, false),
                new Binary("Maximum", 1, numpy, Math::max, false),
                new Binary("Minimum", 1, numpy, Math::min, false),
                new Binary("Power", 1, numpy, Math::pow, true),
                new Binary("SquaredDifference", 0, Attributes.empty(), (a, b) -> (a - b) * (a - b), false),
                new Binary("FloorMod", 1, numpy, (a, b) -> a - Math.floor(a / b) * b, false),
                new Binary("Mod", 1, numpy, (a, b) -> a % b, false))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaryOps")
    void binaryBroadcastsAsNumpy(Binary op) {
        int[] as = {2, 1, 3};
        int[] bs = {4, 3};
        int[] os = {2, 4, 3};
        double[] a = OpHarness.uniform(2, 6, op.positive() ? 0.1 : -4, 4);
        double[] b = OpHarness.uniform(3, 12, op.positive() ? -2 : -3, 3);
        for (int i = 0; i < b.length; i++) {
            if (Math.abs(b[i]) < 0.25) {
                b[i] = 0.75;
            }
        }
        double[] want = new double[24];
        for (int i = 0; i < 24; i++) {
            int[] c = Ref.coords(i, os);
            want[i] = op.f().applyAsDouble(Ref.broadcastGet(a, as, c), Ref.broadcastGet(b, bs, c));
        }
        OvTensor y = run1(op.type(), op.version(), op.attrs(), f32(a, as), f32(b, bs));
        Ref.assertShape(os, y);
        Ref.assertClose(want, y.toFloatArray(), 2e-6, op.toString());
    }

    @Test
    void comparisonsAndLogicGiveBooleans() {
        double[] a = {1, 2, 3, Double.NaN, -1};
        double[] b = {1, 3, 2, Double.NaN, -1};
        String[] names = {"Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual"};
        DoubleBinaryOperator[] fs = {(x, y) -> x == y ? 1 : 0, (x, y) -> x != y ? 1 : 0, (x, y) -> x < y ? 1 : 0,
            (x, y) -> x <= y ? 1 : 0, (x, y) -> x > y ? 1 : 0, (x, y) -> x >= y ? 1 : 0};
        for (int k = 0; k < names.length; k++) {
            OvTensor y = run1(names[k], 1, Attributes.empty(), f32(a, 5), f32(b, 5));
            assertEquals(ElementType.BOOLEAN, y.elementType());
            boolean[] got = y.toBooleanArray();
            for (int i = 0; i < 5; i++) {
                assertEquals(fs[k].applyAsDouble(a[i], b[i]) == 1, got[i], names[k] + " at " + i);
            }
        }
        OvTensor p = OvTensor.of(Tensor.of(new boolean[] {true, true, false, false}, Shape.of(4)));
        OvTensor q = OvTensor.of(Tensor.of(new boolean[] {true, false, true, false}, Shape.of(4)));
        assertArrayEquals(new boolean[] {true, false, false, false},
                run1("LogicalAnd", 1, Attributes.empty(), p, q).toBooleanArray());
        assertArrayEquals(new boolean[] {true, true, true, false},
                run1("LogicalOr", 1, Attributes.empty(), p, q).toBooleanArray());
        assertArrayEquals(new boolean[] {false, true, true, false},
                run1("LogicalXor", 1, Attributes.empty(), p, q).toBooleanArray());
        assertArrayEquals(new boolean[] {false, false, true, true},
                run1("LogicalNot", 1, Attributes.empty(), p).toBooleanArray());
        // Select broadcasts the condition over the rows.
        OvTensor cond = OvTensor.of(Tensor.of(new boolean[] {true, false, true}, Shape.of(3)));
        OvTensor then = f32(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        OvTensor other = f32(new double[] {-1}, 1);
        assertArrayEquals(new float[] {1, -1, 3, 4, -1, 6},
                run1("Select", 1, Attributes.empty(), cond, then, other).toFloatArray());
    }

    @Test
    void integerDivisionFollowsPythonOrC() {
        int[] a = {7, -7, 7, -7, 0, 9};
        int[] b = {2, 2, -2, -2, 3, 3};
        OvTensor ta = OvTensor.of(Tensor.of(a, Shape.of(6)));
        OvTensor tb = OvTensor.of(Tensor.of(b, Shape.of(6)));
        assertArrayEquals(new int[] {3, -4, -4, 3, 0, 3},
                run1("Divide", 1, Attributes.of("m_pythondiv", true), ta, tb).toIntArray());
        assertArrayEquals(new int[] {3, -3, -3, 3, 0, 3},
                run1("Divide", 1, Attributes.of("m_pythondiv", false), ta, tb).toIntArray());
        assertArrayEquals(new int[] {1, 1, -1, -1, 0, 0}, run1("FloorMod", 1, Attributes.empty(), ta, tb).toIntArray());
        assertArrayEquals(new int[] {1, -1, 1, -1, 0, 0}, run1("Mod", 1, Attributes.empty(), ta, tb).toIntArray());
        OvTensor zero = OvTensor.of(Tensor.of(new int[] {1, 0, 1, 1, 1, 1}, Shape.of(6)));
        EngineException e = assertThrows(EngineException.class,
                () -> run1("Divide", 1, Attributes.empty(), ta, zero));
        assertTrue(e.getMessage().contains("layer 'op' (Divide-1): integer division by zero"), e.getMessage());
    }

    @Test
    void narrowIntegersWrapAndClampRoundsItsBoundsInward() {
        OvTensor a = OvTensor.of(ElementType.U8, Tensor.of(new int[] {250, 3, 128}, Shape.of(3)));
        OvTensor b = OvTensor.of(ElementType.U8, Tensor.of(new int[] {10, 5, 128}, Shape.of(3)));
        assertArrayEquals(new int[] {4, 8, 0}, run1("Add", 1, Attributes.empty(), a, b).toIntArray());
        assertArrayEquals(new int[] {240, 254, 0}, run1("Subtract", 1, Attributes.empty(), a, b).toIntArray());
        OvTensor i = OvTensor.of(Tensor.of(new int[] {-5, -1, 0, 2, 3, 9}, Shape.of(6)));
        assertArrayEquals(new int[] {-1, -1, 0, 2, 2, 2},
                run1("Clamp", 0, Attributes.of("min", -1.5, "max", 2.5), i).toIntArray());
    }

    @Test
    void convertTruncatesWrapsAndRounds() {
        OvTensor x = f32(new double[] {2.7, -2.7, 300, -1, 0.1, 0}, 6);
        assertArrayEquals(new int[] {2, -2, 300, -1, 0, 0},
                run1("Convert", 0, Attributes.of("destination_type", ElementType.I32), x).toIntArray());
        OvTensor u8 = run1("Convert", 0, Attributes.of("destination_type", ElementType.U8), x);
        assertEquals(ElementType.U8, u8.elementType());
        assertArrayEquals(new int[] {2, 254, 44, 255, 0, 0}, u8.toIntArray());
        assertArrayEquals(new boolean[] {true, true, true, true, true, false},
                run1("Convert", 0, Attributes.of("destination_type", ElementType.BOOLEAN), x).toBooleanArray());
        OvTensor third = f32(new double[] {1.0 / 3, 1e6, 70000, 1e-8}, 4);
        float[] f16 = run1("Convert", 0, Attributes.of("destination_type", ElementType.F16), third).toFloatArray();
        assertEquals(Float.float16ToFloat(Float.floatToFloat16(1f / 3)), f16[0]);
        assertEquals(65504f, f16[1]);
        assertEquals(65504f, f16[2]);
        assertEquals(0f, f16[3]);
        OvTensor big = OvTensor.of(Tensor.of(new long[] {1L << 40, -3}, Shape.of(2)));
        assertArrayEquals(new float[] {(float) (1L << 40), -3},
                run1("Convert", 0, Attributes.of("destination_type", ElementType.F32), big).toFloatArray());
    }

    @Test
    void preluIsPerChannelForAChannelLongSlopeElseNumpy() {
        int[] xs = {2, 3, 4};
        double[] x = OpHarness.uniform(4, 24, -2, 2);
        double[] channel = {0.1, 0.2, 0.3};
        double[] want = new double[24];
        for (int i = 0; i < 24; i++) {
            int c = Ref.coords(i, xs)[1];
            want[i] = x[i] < 0 ? x[i] * channel[c] : x[i];
        }
        Ref.assertClose(want, run1("PRelu", 0, Attributes.empty(), f32(x, xs), f32(channel, 3)).toFloatArray(), 1e-7,
                "per channel");
        double[] last = {0.1, 0.2, 0.3, 0.4};
        for (int i = 0; i < 24; i++) {
            int k = Ref.coords(i, xs)[2];
            want[i] = x[i] < 0 ? x[i] * last[k] : x[i];
        }
        Ref.assertClose(want, run1("PRelu", 0, Attributes.empty(), f32(x, xs), f32(last, 4)).toFloatArray(), 1e-7,
                "trailing");
    }

    @Test
    void matmulWithTransposesAndBatchBroadcast() {
        int[] as = {2, 1, 4, 3};
        int[] bs = {3, 5, 4};
        double[] a = OpHarness.uniform(5, OpHarness.size(as), -1, 1);
        double[] b = OpHarness.uniform(6, OpHarness.size(bs), -1, 1);
        // transpose_a: A is [.., 3, 4] read as [.., 4, 3]^T -> [..., 3, 4]; transpose_b: B [3, 5, 4] -> [3, 4, 5].
        int[] os = {2, 3, 3, 5};
        double[] want = new double[OpHarness.size(os)];
        for (int i = 0; i < want.length; i++) {
            int[] c = Ref.coords(i, os);
            double acc = 0;
            for (int k = 0; k < 4; k++) {
                double av = a[Ref.flat(new int[] {c[0], 0, k, c[2]}, as)];
                double bv = b[Ref.flat(new int[] {c[1], c[3], k}, bs)];
                acc += av * bv;
            }
            want[i] = acc;
        }
        OvTensor y = run1("MatMul", 0, Attributes.of("transpose_a", true, "transpose_b", true), f32(a, as), f32(b, bs));
        Ref.assertShape(os, y);
        Ref.assertClose(want, y.toFloatArray(), 1e-6, "matmul");
        // A vector times a matrix drops the vector's axis.
        OvTensor v = run1("MatMul", 0, Attributes.empty(), f32(new double[] {1, 2}, 2),
                f32(new double[] {1, 2, 3, 4, 5, 6}, 2, 3));
        assertArrayEquals(new float[] {9, 12, 15}, v.toFloatArray());
    }
}
