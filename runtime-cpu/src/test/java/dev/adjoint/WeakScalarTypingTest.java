package dev.adjoint;

import dev.adjoint.core.DType;
import dev.adjoint.core.TensorException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Java scalars are weakly typed by their Java type, never their value (JAX's rule; see
 * {@link dev.adjoint.op.WeakScalar}): the result dtype of every op taking a scalar, for every
 * tensor dtype and every Java scalar type, against a table written out here.
 */
class WeakScalarTypingTest {
    private static final DType BOOL = DType.BOOL;
    private static final DType I32 = DType.INT32;
    private static final DType I64 = DType.INT64;
    private static final DType F32 = DType.FLOAT32;
    private static final DType F64 = DType.FLOAT64;
    private static final List<DType> TENSOR_TYPES = List.of(BOOL, I32, I64, F32, F64);

    /** Result dtype per tensor dtype (in TENSOR_TYPES order) for an integer and for a floating scalar. */
    private record Expected(DType[] withInteger, DType[] withFloating) {
    }

    /** add, sub, mul, pow, maximum, minimum, clip and where. JAX: {@code jnp.asarray(x, dtype) + 2} and {@code + 2.0}. */
    private static final Expected ARITHMETIC = new Expected(
            new DType[] {I32, I32, I64, F32, F64},
            new DType[] {F32, F32, F32, F32, F64});
    /** True division computes integers in float32 whatever the scalar. */
    private static final Expected DIVISION = new Expected(
            new DType[] {F32, F32, F32, F32, F64},
            new DType[] {F32, F32, F32, F32, F64});
    private static final Expected COMPARISON = new Expected(
            new DType[] {BOOL, BOOL, BOOL, BOOL, BOOL},
            new DType[] {BOOL, BOOL, BOOL, BOOL, BOOL});

    /**
     * One op with a scalar of each Java type. The lambdas pass literals of that type, so javac's
     * overload resolution is part of what is tested: an {@code int} argument picks the
     * {@code long} overload, a {@code float} the {@code double} one.
     */
    private record Op(String name, Expected expected, Function<Tensor, Tensor> withInt, Function<Tensor, Tensor> withLong,
            Function<Tensor, Tensor> withFloat, Function<Tensor, Tensor> withDouble) {
    }

    private static final List<Op> OPS = List.of(
            new Op("add", ARITHMETIC, x -> x.add(2), x -> x.add(2L), x -> x.add(2f), x -> x.add(2.0)),
            new Op("sub", ARITHMETIC, x -> x.sub(2), x -> x.sub(2L), x -> x.sub(2f), x -> x.sub(2.0)),
            new Op("mul", ARITHMETIC, x -> x.mul(2), x -> x.mul(2L), x -> x.mul(2f), x -> x.mul(2.0)),
            new Op("div", DIVISION, x -> x.div(2), x -> x.div(2L), x -> x.div(2f), x -> x.div(2.0)),
            new Op("pow", ARITHMETIC, x -> x.pow(2), x -> x.pow(2L), x -> x.pow(2f), x -> x.pow(2.0)),
            new Op("maximum", ARITHMETIC, x -> x.maximum(1), x -> x.maximum(1L), x -> x.maximum(1f),
                    x -> x.maximum(1.0)),
            new Op("minimum", ARITHMETIC, x -> x.minimum(1), x -> x.minimum(1L), x -> x.minimum(1f),
                    x -> x.minimum(1.0)),
            new Op("clip", ARITHMETIC, x -> x.clip(0, 1), x -> x.clip(0L, 1L), x -> x.clip(0f, 1f),
                    x -> x.clip(0.0, 1.0)),
            new Op("where(c, x, s)", ARITHMETIC, x -> Tensor.where(x.ne(0), x, 7), x -> Tensor.where(x.ne(0), x, 7L),
                    x -> Tensor.where(x.ne(0), x, 7f), x -> Tensor.where(x.ne(0), x, 7.0)),
            new Op("where(c, s, x)", ARITHMETIC, x -> Tensor.where(x.ne(0), 7, x), x -> Tensor.where(x.ne(0), 7L, x),
                    x -> Tensor.where(x.ne(0), 7f, x), x -> Tensor.where(x.ne(0), 7.0, x)),
            new Op("eq", COMPARISON, x -> x.eq(1), x -> x.eq(1L), x -> x.eq(1f), x -> x.eq(1.0)),
            new Op("ne", COMPARISON, x -> x.ne(1), x -> x.ne(1L), x -> x.ne(1f), x -> x.ne(1.0)),
            new Op("lt", COMPARISON, x -> x.lt(1), x -> x.lt(1L), x -> x.lt(1f), x -> x.lt(1.0)),
            new Op("le", COMPARISON, x -> x.le(1), x -> x.le(1L), x -> x.le(1f), x -> x.le(1.0)),
            new Op("gt", COMPARISON, x -> x.gt(1), x -> x.gt(1L), x -> x.gt(1f), x -> x.gt(1.0)),
            new Op("ge", COMPARISON, x -> x.ge(1), x -> x.ge(1L), x -> x.ge(1f), x -> x.ge(1.0)));

    /** The same ops through a fused chain, which must type every step as the eager op does. */
    private static final List<Op> CHAIN_OPS = List.of(
            new Op("chain add", ARITHMETIC, x -> x.chain().add(2).evaluate(), x -> x.chain().add(2L).evaluate(),
                    x -> x.chain().add(2f).evaluate(), x -> x.chain().add(2.0).evaluate()),
            new Op("chain div", DIVISION, x -> x.chain().div(2).evaluate(), x -> x.chain().div(2L).evaluate(),
                    x -> x.chain().div(2f).evaluate(), x -> x.chain().div(2.0).evaluate()),
            new Op("chain pow", ARITHMETIC, x -> x.chain().pow(2).evaluate(), x -> x.chain().pow(2L).evaluate(),
                    x -> x.chain().pow(2f).evaluate(), x -> x.chain().pow(2.0).evaluate()),
            new Op("chain clip", ARITHMETIC, x -> x.chain().clip(0, 1).evaluate(),
                    x -> x.chain().clip(0L, 1L).evaluate(), x -> x.chain().clip(0f, 1f).evaluate(),
                    x -> x.chain().clip(0.0, 1.0).evaluate()),
            new Op("chain lt", COMPARISON, x -> x.chain().lt(1).evaluate(), x -> x.chain().lt(1L).evaluate(),
                    x -> x.chain().lt(1f).evaluate(), x -> x.chain().lt(1.0).evaluate()));

    private static Tensor ofType(DType dtype) {
        return Tensor.of(new int[] {0, 1, 2, 3}).cast(dtype);
    }

    @Test
    void resultDtypeFollowsTheTensorDtypeAndTheScalarsJavaType() {
        for (List<Op> ops : List.of(OPS, CHAIN_OPS)) {
            for (Op op : ops) {
                for (int t = 0; t < TENSOR_TYPES.size(); t++) {
                    DType tensorType = TENSOR_TYPES.get(t);
                    Tensor x = ofType(tensorType);
                    String context = op.name() + " on " + tensorType;
                    assertEquals(op.expected().withInteger()[t], op.withInt().apply(x).dtype(), context + " with int");
                    assertEquals(op.expected().withInteger()[t], op.withLong().apply(x).dtype(), context + " with long");
                    assertEquals(op.expected().withFloating()[t], op.withFloat().apply(x).dtype(),
                            context + " with float");
                    assertEquals(op.expected().withFloating()[t], op.withDouble().apply(x).dtype(),
                            context + " with double");
                }
            }
        }
    }

    @Test
    void aScalarsValueNeverChangesTheDtype() {
        Tensor ints = Tensor.of(new int[] {1, 2});
        Tensor bools = Tensor.of(new boolean[] {true, false});
        // Before, a whole-valued double kept int32 and a fractional one gave float32.
        assertEquals(F32, ints.add(2.0).dtype());
        assertEquals(F32, ints.add(2.5).dtype());
        assertEquals(F32, bools.mul(2.0).dtype());
        assertEquals(F32, bools.mul(2.5).dtype());
        assertEquals(I32, bools.mul(2).dtype());
        assertEquals(F32, ints.maximum(0.0).dtype());
        assertEquals(I32, ints.maximum(0).dtype());
        // And the values: JAX gives [3., 4.] float32 and [3, 4] int32.
        assertArrayEquals(new float[] {3, 4}, (float[]) ints.add(2.0).toArray());
        assertArrayEquals(new int[] {3, 4}, (int[]) ints.add(2).toArray());
        assertArrayEquals(new int[] {2, 0}, (int[]) bools.mul(2).toArray());
        assertArrayEquals(new float[] {2.5f, 0}, (float[]) bools.mul(2.5).toArray());
        assertArrayEquals(new float[] {0.5f, 1}, (float[]) ints.div(2).toArray());
        assertArrayEquals(new int[] {1, 4}, (int[]) ints.pow(2).toArray());
        assertArrayEquals(new float[] {1, 1}, (float[]) ints.clip(0.0, 1.0).toArray());
        assertArrayEquals(new int[] {1, 1}, (int[]) ints.clip(0, 1).toArray());
        assertArrayEquals(new int[] {1, 7}, (int[]) Tensor.where(ints.lt(2), ints, 7).toArray());
        assertArrayEquals(new float[] {1, 7.5f}, (float[]) Tensor.where(ints.lt(2), ints, 7.5).toArray());
        // A float tensor keeps its dtype with either kind of scalar.
        Tensor doubles = Tensor.of(new double[] {0.5});
        assertEquals(F64, doubles.add(1).dtype());
        assertEquals(F64, doubles.add(1f).dtype());
    }

    @Test
    void int64ScalarsAreExact() {
        long big = (1L << 60) + 1;  // not a double
        Tensor x = Tensor.of(new long[] {1L << 60});
        assertArrayEquals(new long[] {(1L << 61) + 1}, (long[]) x.add(big).toArray());
        assertArrayEquals(new long[] {-1}, (long[]) x.sub(big).toArray());
        assertArrayEquals(new boolean[] {true}, (boolean[]) x.lt(big).toArray());
        assertArrayEquals(new long[] {(1L << 61) + 1}, (long[]) x.chain().add(big).evaluate().toArray());
        assertArrayEquals(new long[] {big, big}, (long[]) Tensor.full(I64, big, 2).toArray());
        assertArrayEquals(new long[] {Long.MIN_VALUE}, (long[]) Tensor.full(I64, Long.MIN_VALUE, 1).toArray());
        assertArrayEquals(new long[] {big}, (long[]) Tensor.fullLike(x, big).toArray());
        assertArrayEquals(new long[] {1L << 60, big}, (long[]) Tensor.where(Tensor.of(new boolean[] {true, false}), x,
                big).toArray());
    }

    @Test
    void fullConvertsAsCastDoesAndKeepsItsDtype() {
        assertEquals(F32, Tensor.full(3, 2).dtype());
        assertEquals(F32, Tensor.full(2.5, 2).dtype());
        assertArrayEquals(new int[] {2, 2}, (int[]) Tensor.full(I32, 2.7, 2).toArray());
        assertArrayEquals(new int[] {-2}, (int[]) Tensor.full(I32, -2.7, 1).toArray());
        assertArrayEquals(new boolean[] {true}, (boolean[]) Tensor.full(BOOL, 0.5, 1).toArray());
        assertArrayEquals(new int[] {Integer.MAX_VALUE}, (int[]) Tensor.full(I32, 2147483647.9, 1).toArray());
        assertArrayEquals(new double[] {3}, (double[]) Tensor.fullLike(Tensor.of(new double[] {0}), 3).toArray());
        assertArrayEquals(new int[] {3}, (int[]) Tensor.fullLike(Tensor.of(new int[] {0}), 3.9).toArray());
        assertArrayEquals(new float[] {Float.POSITIVE_INFINITY}, (float[]) Tensor.full(F32, 1e300, 1).toArray());
    }

    private static void fails(String message, Executable call) {
        TensorException e = assertThrows(TensorException.class, call);
        assertEquals(message, e.getMessage());
    }

    private static final String INT32_RANGE = " does not fit int32 (-2147483648 to 2147483647); cast the tensor to a"
            + " wider dtype first";
    private static final String INT64_RANGE = " does not fit int64 (-9223372036854775808 to 9223372036854775807); cast"
            + " the tensor to a wider dtype first";

    @Test
    void integerScalarsThatDoNotFitAreErrorsNamingOpScalarAndDtype() {
        Tensor ints = Tensor.of(new int[] {1, 2});
        Tensor bools = Tensor.of(new boolean[] {true});
        fails("add: scalar 3000000000" + INT32_RANGE, () -> ints.add(3_000_000_000L));
        fails("sub: scalar -2147483649" + INT32_RANGE, () -> ints.sub(-2_147_483_649L));
        fails("mul: scalar 3000000000" + INT32_RANGE, () -> bools.mul(3_000_000_000L));
        fails("lt: scalar 3000000000" + INT32_RANGE, () -> ints.lt(3_000_000_000L));
        fails("pow: scalar 3000000000" + INT32_RANGE, () -> ints.pow(3_000_000_000L));
        fails("clip: scalar 3000000000" + INT32_RANGE, () -> ints.clip(0, 3_000_000_000L));
        fails("where: scalar 3000000000" + INT32_RANGE, () -> Tensor.where(ints.gt(1), ints, 3_000_000_000L));
        fails("where: scalar 3000000000" + INT32_RANGE, () -> Tensor.where(ints.gt(1), 3_000_000_000L, ints));
        fails("add: scalar 3000000000" + INT32_RANGE, () -> ints.chain().mul(2).add(3_000_000_000L));
        fails("clip: scalar -3000000000" + INT32_RANGE, () -> ints.chain().clip(-3_000_000_000L, 0));
        fails("full: scalar 3.0E9" + INT32_RANGE, () -> Tensor.full(I32, 3e9, 2));
        fails("full: scalar NaN" + INT32_RANGE, () -> Tensor.full(I32, Double.NaN, 2));
        fails("full: scalar 3000000000" + INT32_RANGE, () -> Tensor.full(I32, 3_000_000_000L, 2));
        fails("full: scalar Infinity" + INT64_RANGE, () -> Tensor.full(I64, Double.POSITIVE_INFINITY, 2));
        fails("full: scalar 9.223372036854776E18" + INT64_RANGE, () -> Tensor.full(I64, 0x1p63, 2));
        fails("fullLike: scalar 3000000000" + INT32_RANGE, () -> Tensor.fullLike(ints, 3_000_000_000L));
        // Where the op computes in a wider type, the scalar fits: int32 / 3e9 is float32, int64 holds it.
        assertEquals(F32, ints.div(3_000_000_000L).dtype());
        assertEquals(F32, ints.add(3e9).dtype());
        assertArrayEquals(new long[] {3_000_000_001L}, (long[]) ints.cast(I64).get(0).add(3_000_000_000L).flatten()
                .toArray());
        assertArrayEquals(new float[] {3e9f, 3e9f}, (float[]) ints.cast(F32).mul(0).add(3_000_000_000L).toArray());
    }

    @Test
    void chainsTypeLikeTheEagerOps() {
        BiFunction<Tensor, Function<ElementwiseChain, ElementwiseChain>, Tensor> run = (x, f) -> f.apply(x.chain())
                .evaluate();
        Tensor ints = Tensor.of(new int[] {1, 2, 3});
        assertEquals(ints.mul(2).add(0.5).dtype(), run.apply(ints, c -> c.mul(2).add(0.5)).dtype());
        assertEquals(I32, run.apply(ints, c -> c.mul(2).add(1)).dtype());
        assertArrayEquals(new int[] {3, 5, 7}, (int[]) run.apply(ints, c -> c.mul(2).add(1)).toArray());
        assertArrayEquals(new float[] {2.5f, 4.5f, 6.5f}, (float[]) run.apply(ints, c -> c.mul(2).add(0.5)).toArray());
    }
}
