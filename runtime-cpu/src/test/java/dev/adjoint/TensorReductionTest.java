package dev.adjoint;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.core.TensorException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Reductions over random axes against float64 loops. */
class TensorReductionTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(new int[] {0}, new int[] {0}),
                Arguments.of(new int[] {1}, new int[] {0}),
                Arguments.of(new int[] {17}, new int[] {0}),
                Arguments.of(new int[] {100_003}, new int[] {0}),
                Arguments.of(new int[] {5, 33}, new int[] {1}),
                Arguments.of(new int[] {5, 33}, new int[] {0}),
                Arguments.of(new int[] {5, 33}, new int[] {0, 1}),
                Arguments.of(new int[] {4, 0, 3}, new int[] {2}),
                Arguments.of(new int[] {3, 4, 5}, new int[] {0, 2}),
                Arguments.of(new int[] {3, 4, 5}, new int[] {1}),
                Arguments.of(new int[] {2, 3, 4, 5}, new int[] {1, 2}),
                Arguments.of(new int[] {512, 300}, new int[] {1}),
                Arguments.of(new int[] {300, 512}, new int[] {0}));
    }

    @ParameterizedTest(name = "{0} axes {1}")
    @MethodSource("cases")
    void valueReductionsMatchLoops(int[] dims, int[] axes) {
        Random rng = new Random(Arrays.hashCode(dims) + Arrays.hashCode(axes));
        Ref x = Ref.random(rng, dims).roundedToFloat();
        Tensor t = x.toFloat32();
        check(x.reduce(axes, g -> Arrays.stream(g).sum()), t.sum(axes, true), t.sum(axes, false), 1e-5, 1e-4);
        check(x.reduce(axes, g -> g.length == 0 ? Double.NaN : Arrays.stream(g).sum() / g.length),
                t.mean(axes, true), t.mean(axes, false), 1e-5, 1e-5);
        check(x.reduce(axes, g -> Arrays.stream(g).map(v -> v / 2 + 1).reduce(1, (p, q) -> p * q)),
                t.div(2).add(1).prod(axes, true), t.div(2).add(1).prod(axes, false), 1e-4, 1e-30);
        check(x.reduce(axes, TensorReductionTest::logSumExp), t.logSumExp(axes, true), t.logSumExp(axes, false),
                1e-5, 1e-5);
        boolean empty = Arrays.stream(axes).anyMatch(a -> dims[a] == 0);
        if (!empty) {
            check(x.reduce(axes, g -> Arrays.stream(g).max().orElseThrow()), t.max(axes, true), t.max(axes, false), 0, 0);
            check(x.reduce(axes, g -> Arrays.stream(g).min().orElseThrow()), t.min(axes, true), t.min(axes, false), 0, 0);
        } else {
            assertThrows(TensorException.class, () -> t.max(axes, false));
        }
        Ref x64 = Ref.random(rng, dims);
        check(x64.reduce(axes, g -> Arrays.stream(g).sum()), x64.toFloat64().sum(axes, true),
                x64.toFloat64().sum(axes, false), 1e-12, 1e-12);
    }

    private static double logSumExp(double[] g) {
        double m = Arrays.stream(g).max().orElse(Double.NEGATIVE_INFINITY);
        if (Double.isInfinite(m)) {
            return m;
        }
        return m + Math.log(Arrays.stream(g).map(v -> Math.exp(v - m)).sum());
    }

    private static void check(Ref want, Tensor keep, Tensor drop, double rtol, double atol) {
        want.assertClose(keep, rtol, atol);
        int[] dropped = Arrays.stream(keep.shape().dims()).toArray();
        assertEquals(want.data().length, drop.size());
        want.assertClose(drop.reshape(dropped), rtol, atol);
    }

    @Test
    void argmaxAndArgminTakeTheFirstOfTies() {
        Tensor x = Tensor.of(new float[][] {{1, 5, 5}, {7, 0, 0}});
        assertArrayEquals(new long[] {1, 0}, x.argmax(1).toLongArray());
        assertArrayEquals(new long[] {0, 1}, x.argmin(1).toLongArray());
        assertArrayEquals(new long[] {1, 0, 0}, x.argmax(0).toLongArray());
        assertEquals(3, x.argmax().item());
        assertEquals(DType.INT64, x.argmax().dtype());
        assertEquals(Shape.of(2, 1), x.argmax(1, true).shape());
    }

    @Test
    void argmaxOverRandomAxesMatchesALoop() {
        Random rng = new Random(5);
        Ref x = Ref.random(rng, 37, 129).roundedToFloat();
        Tensor t = x.toFloat32();
        long[] got = t.argmax(1).toLongArray();
        for (int i = 0; i < 37; i++) {
            int best = 0;
            for (int j = 1; j < 129; j++) {
                if (x.data()[i * 129 + j] > x.data()[i * 129 + best]) {
                    best = j;
                }
            }
            assertEquals(best, got[i], "row " + i);
        }
    }

    @Test
    void integerAndBoolSumsAreInt64AndNaNPropagates() {
        assertEquals(DType.INT64, Tensor.of(new int[] {1, 2}).sum().dtype());
        assertEquals(2, Tensor.of(new boolean[] {true, false, true}).sum().item());
        assertEquals(Integer.MAX_VALUE * 2L, (long) Tensor.of(new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE}).sum().item());
        assertEquals(Double.NaN, Tensor.of(new float[] {1, Float.NaN, 3}).max().item());
        assertEquals(Double.NaN, Tensor.zeros(0).mean().item());
        assertEquals(0, Tensor.zeros(0).sum().item());
        assertEquals(1, Tensor.zeros(0).prod().item());
        assertEquals(7, Tensor.of(7f).sum().item());
    }
}
