package dev.adjoint;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Elementwise ops through the public API against float64 loops over the same (float32-rounded) inputs. */
class TensorElementwiseTest {
    private static final int[][] SHAPES = {{0}, {1}, {7}, {17}, {33}, {1023}, {3, 5}, {2, 3, 4}, {70_001}};

    record Unary(String name, Function<Tensor, Tensor> op, DoubleUnaryOperator ref, double lo, double hi) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Unary> unaryOps() {
        return Stream.of(
                new Unary("neg", Tensor::neg, x -> -x, -3, 3),
                new Unary("abs", Tensor::abs, Math::abs, -3, 3),
                new Unary("sign", Tensor::sign, Math::signum, -3, 3),
                new Unary("exp", Tensor::exp, Math::exp, -10, 10),
                new Unary("log", Tensor::log, Math::log, 0.01, 100),
                new Unary("log1p", Tensor::log1p, Math::log1p, -0.9, 10),
                new Unary("sqrt", Tensor::sqrt, Math::sqrt, 0, 100),
                new Unary("rsqrt", Tensor::rsqrt, x -> 1 / Math.sqrt(x), 0.01, 100),
                new Unary("square", Tensor::square, x -> x * x, -5, 5),
                new Unary("sin", Tensor::sin, Math::sin, -10, 10),
                new Unary("cos", Tensor::cos, Math::cos, -10, 10),
                new Unary("tanh", Tensor::tanh, Math::tanh, -8, 8),
                new Unary("sigmoid", Tensor::sigmoid, x -> 1 / (1 + Math.exp(-x)), -20, 20),
                new Unary("relu", Tensor::relu, x -> Math.max(x, 0), -3, 3),
                new Unary("softplus", Tensor::softplus, x -> Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0), -30, 30));
    }

    static Stream<Arguments> unaryCases() {
        return unaryOps().flatMap(op -> Stream.of(SHAPES).map(s -> Arguments.of(op, s)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("unaryCases")
    void unaryMatchesReferenceInBothFloatTypes(Unary op, int[] dims) {
        Random rng = new Random(dims.length * 31L + Ref.size(dims));
        Ref x = Ref.random(rng, dims).map(v -> op.lo() + (v + 2) / 4 * (op.hi() - op.lo()));
        Ref x32 = x.roundedToFloat();
        Tensor y32 = op.op().apply(x32.toFloat32());
        assertEquals(DType.FLOAT32, y32.dtype());
        x32.map(op.ref()).assertClose(y32, 2e-6, 1e-6);
        Tensor y64 = op.op().apply(x.toFloat64());
        assertEquals(DType.FLOAT64, y64.dtype());
        x.map(op.ref()).assertClose(y64, 1e-14, 1e-15);
    }

    @Test
    void transcendentalOpsPromoteIntegersToFloat32() {
        Tensor y = Tensor.of(new int[] {0, 1, 2}).exp();
        assertEquals(DType.FLOAT32, y.dtype());
        assertArrayEquals(new float[] {1, (float) Math.E, (float) Math.exp(2)}, y.toFloatArray(), 1e-6f);
        assertEquals(DType.INT64, Tensor.of(new long[] {-3}).abs().dtype());
        assertArrayEquals(new long[] {3}, Tensor.of(new long[] {-3}).abs().toLongArray());
    }

    record Binary(String name, java.util.function.BinaryOperator<Tensor> op, DoubleBinaryOperator ref) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Binary> binaryOps() {
        return Stream.of(
                new Binary("add", Tensor::add, Double::sum),
                new Binary("sub", Tensor::sub, (a, b) -> a - b),
                new Binary("mul", Tensor::mul, (a, b) -> a * b),
                new Binary("div", Tensor::div, (a, b) -> a / b),
                new Binary("pow", (a, b) -> a.abs().pow(b), (a, b) -> Math.pow(Math.abs(a), b)),
                new Binary("maximum", Tensor::maximum, Math::max),
                new Binary("minimum", Tensor::minimum, Math::min));
    }

    static final int[][][] BROADCAST_PAIRS = {
        {{5}, {5}}, {{0}, {1}}, {{1}, {1}}, {{33}, {}}, {{}, {17}}, {{4, 7}, {7}}, {{4, 7}, {4, 1}},
        {{3, 1, 5}, {1, 4, 1}}, {{2, 3, 4}, {3, 1}}, {{1023}, {1023}}, {{300, 300}, {300}}, {{2, 0, 3}, {1, 3}},
        {{70_001}, {70_001}}, {{250, 401}, {250, 1}}};

    static Stream<Arguments> binaryCases() {
        return binaryOps().flatMap(op -> Stream.of(BROADCAST_PAIRS).map(p -> Arguments.of(op, p[0], p[1])));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("binaryCases")
    void binaryBroadcastsLikeNumPy(Binary op, int[] aDims, int[] bDims) {
        Random rng = new Random(Ref.size(aDims) * 7L + Ref.size(bDims));
        Ref a = Ref.random(rng, aDims).roundedToFloat();
        Ref b = Ref.random(rng, bDims).map(v -> v == 0 ? 0.5 : v).roundedToFloat();
        Ref want = a.zip(b, op.ref());
        want.assertClose(op.op().apply(a.toFloat32(), b.toFloat32()), 2e-6, 1e-6);
        want.assertClose(op.op().apply(a.toFloat64(), b.toFloat64()), 1e-14, 1e-15);
    }

    @Test
    void comparisonsAndLogicalOpsGiveBool() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, Float.NaN});
        Tensor b = Tensor.of(new float[] {3, 2, 1, Float.NaN});
        assertArrayEquals(new boolean[] {false, true, false, false}, a.eq(b).toBooleanArray());
        assertArrayEquals(new boolean[] {true, false, true, true}, a.ne(b).toBooleanArray());
        assertArrayEquals(new boolean[] {true, false, false, false}, a.lt(b).toBooleanArray());
        assertArrayEquals(new boolean[] {true, true, false, false}, a.le(b).toBooleanArray());
        assertArrayEquals(new boolean[] {false, false, true, false}, a.gt(b).toBooleanArray());
        assertArrayEquals(new boolean[] {false, true, true, false}, a.ge(b).toBooleanArray());
        assertEquals(DType.BOOL, a.lt(2).dtype());
        Tensor p = Tensor.of(new boolean[] {true, true, false, false});
        Tensor q = Tensor.of(new boolean[] {true, false, true, false});
        assertArrayEquals(new boolean[] {true, false, false, false}, p.logicalAnd(q).toBooleanArray());
        assertArrayEquals(new boolean[] {true, true, true, false}, p.logicalOr(q).toBooleanArray());
        assertArrayEquals(new boolean[] {false, true, true, false}, p.logicalXor(q).toBooleanArray());
        assertArrayEquals(new boolean[] {false, false, true, true}, p.logicalNot().toBooleanArray());
    }

    @Test
    void whereBroadcastsAllThreeOperands() {
        Tensor x = Tensor.of(new float[][] {{1, 20}, {30, 4}});
        Tensor y = Tensor.where(x.lt(10), x, x.mul(x));
        assertArrayEquals(new float[] {1, 400, 900, 4}, y.toFloatArray());
        Tensor z = Tensor.where(Tensor.of(new boolean[] {true, false}), Tensor.of(1f), Tensor.zeros(3, 1));
        assertEquals(Shape.of(3, 2), z.shape());
        assertArrayEquals(new float[] {1, 0, 1, 0, 1, 0}, z.toFloatArray());
    }

    @Test
    void promotionFollowsTheDocumentedLattice() {
        Tensor i32 = Tensor.of(new int[] {1, 2});
        Tensor i64 = Tensor.of(new long[] {1, 2});
        Tensor f32 = Tensor.of(new float[] {1, 2});
        Tensor f64 = Tensor.of(new double[] {1, 2});
        Tensor b = Tensor.of(new boolean[] {true, false});
        assertEquals(DType.INT64, i32.add(i64).dtype());
        assertEquals(DType.FLOAT32, i64.add(f32).dtype());
        assertEquals(DType.FLOAT64, f32.add(f64).dtype());
        assertEquals(DType.INT32, b.add(b).dtype());
        assertEquals(DType.FLOAT32, i32.div(i32).dtype());
        assertArrayEquals(new float[] {1, 1}, i32.div(i32).toFloatArray());
        // Java scalars are weak, typed by their Java type: an int keeps int32, a double makes it float32.
        assertEquals(DType.FLOAT32, f32.add(2.0).dtype());
        assertEquals(DType.INT32, i32.mul(3).dtype());
        assertEquals(DType.FLOAT32, i32.mul(3.0).dtype());
        assertEquals(DType.FLOAT32, i32.mul(0.5).dtype());
        assertArrayEquals(new float[] {0.5f, 1}, i32.mul(0.5).toFloatArray());
        assertArrayEquals(new int[] {1, 8}, i32.pow(3).toIntArray());
    }

    @Test
    void clipAndCast() {
        Tensor x = Tensor.of(new float[] {-2.7f, -0.5f, 0.5f, 2.7f});
        assertArrayEquals(new float[] {-1, -0.5f, 0.5f, 1}, x.clip(-1, 1).toFloatArray());
        assertArrayEquals(new int[] {-2, 0, 0, 2}, x.cast(DType.INT32).toIntArray());
        assertArrayEquals(new boolean[] {true, true, true, true}, x.cast(DType.BOOL).toBooleanArray());
        assertArrayEquals(new double[] {1, 0}, Tensor.of(new boolean[] {true, false}).cast(DType.FLOAT64).toDoubleArray());
    }
}
