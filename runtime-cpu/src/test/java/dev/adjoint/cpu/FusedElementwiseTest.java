package dev.adjoint.cpu;

import static dev.adjoint.cpu.KernelTestSupport.SIZES;
import static dev.adjoint.cpu.KernelTestSupport.assertClose;
import static dev.adjoint.cpu.KernelTestSupport.backend;
import static dev.adjoint.cpu.KernelTestSupport.randomValues;
import static dev.adjoint.cpu.KernelTestSupport.storage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.core.TensorException;
import dev.adjoint.ElementwiseChain;
import dev.adjoint.op.ElementwiseChainSpec;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FusedElementwiseTest {

    /** The tensors a recipe may use: the input, a same-shape operand, a row and a column operand. */
    record Operands(Tensor x, Tensor same, Tensor row, Tensor column) {
    }

    /** One chain written twice: with eager ops, and as a fused chain. */
    record Recipe(String name, Function<Operands, Tensor> eager, Function<Operands, ElementwiseChain> fused) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Recipe> RECIPES = List.of(
            new Recipe("tanh(2x + same)",
                    o -> o.x().mul(2).add(o.same()).tanh(),
                    o -> o.x().chain().mul(2).add(o.same()).tanh()),
            new Recipe("sigmoid((x - 0.5) * same) / 3",
                    o -> o.x().sub(0.5).mul(o.same()).sigmoid().div(3),
                    o -> o.x().chain().sub(0.5).mul(o.same()).sigmoid().div(3)),
            new Recipe("log1p(exp(x)) + row, clipped",
                    o -> o.x().exp().log1p().add(o.row()).clip(-1, 2),
                    o -> o.x().chain().exp().log1p().add(o.row()).clip(-1, 2)),
            new Recipe("relu(x * column - same) ^ 2 + sqrt|x|",
                    o -> o.x().mul(o.column()).sub(o.same()).relu().pow(2).add(1).sqrt(),
                    o -> o.x().chain().mul(o.column()).sub(o.same()).relu().pow(2).add(1).sqrt()),
            new Recipe("maximum/minimum/neg/abs/square/sign/sin/cos/softplus/rsqrt",
                    o -> o.x().maximum(o.row()).minimum(o.same()).neg().abs().square().add(o.x()).sign().add(o.x())
                            .sin().cos().softplus().rsqrt(),
                    o -> o.x().chain().maximum(o.row()).minimum(o.same()).neg().abs().square().add(o.x()).sign()
                            .add(o.x()).sin().cos().softplus().rsqrt()),
            // A comparison's mask feeding a select never leaves the block (relu's gradient).
            new Recipe("where(x > 0, same, 0) * 2",
                    o -> Tensor.where(o.x().gt(0), o.same(), 0.0).mul(2),
                    o -> o.x().chain().gt(0).where(o.same(), 0.0).mul(2)),
            new Recipe("where(2x < row, column, same) + x",
                    o -> Tensor.where(o.x().mul(2).lt(o.row()), o.column(), o.same()).add(o.x()),
                    o -> o.x().chain().mul(2).lt(o.row()).where(o.column(), o.same()).add(o.x())),
            new Recipe("where(x >= 0.25, 1.5, exp(x))",
                    o -> Tensor.where(o.x().ge(0.25), 1.5, o.x().exp()),
                    o -> o.x().chain().ge(0.25).where(1.5, o.x().exp())));

    private static Tensor tensor(CpuBackend backend, DType dtype, Shape shape, long seed) {
        double[] v = randomValues(dtype, (int) shape.size(), seed);
        return Tensor.fromStorage(storage(backend, dtype, v), shape);
    }

    private static Operands operands(CpuBackend backend, DType dtype, int rows, int cols, long seed) {
        Shape shape = Shape.of(rows, cols);
        return new Operands(tensor(backend, dtype, shape, seed), tensor(backend, dtype, shape, seed + 1),
                tensor(backend, dtype, Shape.of(cols), seed + 2), tensor(backend, dtype, Shape.of(rows, 1), seed + 3));
    }

    /** Same dtype and shape as the eager result, and values equal up to float rounding. */
    private static void assertSameResult(String context, Tensor expected, Tensor actual) {
        assertEquals(expected.dtype(), actual.dtype(), context + ": dtype");
        assertEquals(expected.shape(), actual.shape(), context + ": shape");
        double rel = expected.dtype() == DType.FLOAT32 ? 1e-5 : expected.dtype() == DType.FLOAT64 ? 1e-12 : 0;
        assertClose(context, expected.toDoubleArray(), actual.toDoubleArray(), rel, rel);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void fusedChainsEqualEagerChainsOverSizes(boolean vector) {
        CpuBackend backend = backend(vector);
        for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
            for (int n : SIZES) {
                // A single row of n: 'same' is full-size, 'row' matches it, 'column' is one element.
                Operands o = operands(backend, dtype, 1, n, 17L * n + dtype.ordinal());
                for (Recipe recipe : RECIPES) {
                    String context = recipe + " " + dtype + " n=" + n + (vector ? " vector" : " scalar");
                    ElementwiseChain chain = recipe.fused().apply(o);
                    assertTrue(FusedElementwise.supports(chain.spec()), context + " should fuse");
                    assertSameResult(context, recipe.eager().apply(o), chain.evaluate());
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void fusedChainsBroadcastRowsAndColumns(boolean vector) {
        CpuBackend backend = backend(vector);
        int[][] shapes = {{0, 3}, {3, 0}, {1, 1}, {7, 1}, {5, 17}, {33, 31}, {3, 2049}, {300, 257}};
        for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
            for (int[] s : shapes) {
                Operands o = operands(backend, dtype, s[0], s[1], 31L * s[0] + s[1]);
                for (Recipe recipe : RECIPES) {
                    String context = recipe + " " + dtype + " shape " + Shape.of(s) + (vector ? " vector" : " scalar");
                    assertSameResult(context, recipe.eager().apply(o), recipe.fused().apply(o).evaluate());
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void operandsMayWidenTheResult(boolean vector) {
        CpuBackend backend = backend(vector);
        // A column (n, 1) meeting a row (m,) and a row input meeting a full matrix: both broadcast.
        Tensor column = tensor(backend, DType.FLOAT32, Shape.of(300, 1), 1);
        Tensor row = tensor(backend, DType.FLOAT32, Shape.of(257), 2);
        Tensor full = tensor(backend, DType.FLOAT32, Shape.of(300, 257), 3);
        assertSameResult("column * row", column.mul(row).add(1).exp(),
                column.chain().mul(row).add(1).exp().evaluate());
        assertSameResult("row - full", row.sub(full).tanh().mul(column),
                row.chain().sub(full).tanh().mul(column).evaluate());
        Tensor scalar = tensor(backend, DType.FLOAT32, Shape.SCALAR, 4);
        assertSameResult("0-d input", scalar.mul(full).add(scalar), scalar.chain().mul(full).add(scalar).evaluate());
        assertSameResult("0-d only", scalar.exp().mul(2), scalar.chain().exp().mul(2).evaluate());
    }

    @Test
    void fusedValuesMatchAFloat64Loop() {
        for (boolean vector : new boolean[] {false, true}) {
            CpuBackend backend = backend(vector);
            int n = 70_001;
            double[] x = randomValues(DType.FLOAT32, n, 5);
            double[] b = randomValues(DType.FLOAT32, n, 6);
            Tensor tx = Tensor.fromStorage(storage(backend, DType.FLOAT32, x), Shape.of(n));
            Tensor tb = Tensor.fromStorage(storage(backend, DType.FLOAT32, b), Shape.of(n));
            float[] fused = tx.chain().mul(2).add(tb).tanh().mul(0.5).add(0.5).evaluate().toFloatArray();
            for (int i = 0; i < n; i++) {
                double expected = Math.tanh(2 * x[i] + b[i]) * 0.5 + 0.5;
                assertClose("tanh(2x + b) / 2 + 1/2 at " + i, expected, fused[i], 1e-6, 1e-6);
            }
        }
    }

    @Test
    void vectorAndScalarFlavoursAgree() {
        int n = 70_001;
        double[] x = randomValues(DType.FLOAT64, n, 8);
        Tensor vx = Tensor.fromStorage(storage(KernelTestSupport.VECTOR, DType.FLOAT64, x), Shape.of(n));
        Tensor sx = Tensor.fromStorage(storage(KernelTestSupport.SCALAR, DType.FLOAT64, x), Shape.of(n));
        assertClose("float64 chain", sx.chain().square().add(1).log().sqrt().evaluate().toDoubleArray(),
                vx.chain().square().add(1).log().sqrt().evaluate().toDoubleArray(), 1e-13, 1e-15);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void dtypesFollowTheEagerOps(boolean vector) {
        CpuBackend backend = backend(vector);
        Shape shape = Shape.of(1023);
        Tensor ints = tensor(backend, DType.INT32, shape, 9);
        Tensor longs = tensor(backend, DType.INT64, shape, 10);
        Tensor floats = tensor(backend, DType.FLOAT32, shape, 11);
        Tensor doubles = tensor(backend, DType.FLOAT64, shape, 12);
        Tensor bools = tensor(backend, DType.BOOL, shape, 13);

        // Fused in one integer type, and with the input converted before the first step.
        assertSameResult("int32 arithmetic", ints.mul(3).add(ints).abs().sub(7),
                ints.chain().mul(3).add(ints).abs().sub(7).evaluate());
        assertSameResult("int32 * int64", ints.mul(longs).neg(), ints.chain().mul(longs).neg().evaluate());
        assertSameResult("int32 exp", ints.exp().mul(floats), ints.chain().exp().mul(floats).evaluate());
        assertSameResult("int32 / 2", ints.div(2).add(1), ints.chain().div(2).add(1).evaluate());
        assertSameResult("bool + bool", bools.add(bools).mul(2), bools.chain().add(bools).mul(2).evaluate());

        // Type changes midway and bool results run step by step, with the same types as eager.
        assertSameResult("int32 + 0.5 (weak scalar)", ints.mul(2).add(0.5), ints.chain().mul(2).add(0.5).evaluate());
        assertSameResult("float32 then float64", floats.exp().add(doubles).tanh(),
                floats.chain().exp().add(doubles).tanh().evaluate());
        assertSameResult("compare at the end", floats.mul(2).gt(floats), floats.chain().mul(2).gt(floats).evaluate());
        assertSameResult("logic", floats.gt(0).logicalAnd(bools).logicalNot().mul(3),
                floats.chain().gt(0).logicalAnd(bools).logicalNot().mul(3).evaluate());
        assertSameResult("compare then arithmetic", doubles.ge(0.5).add(doubles),
                doubles.chain().ge(0.5).add(doubles).evaluate());
        assertFalse(FusedElementwise.supports(floats.chain().mul(2).gt(0).spec()));
        assertFalse(FusedElementwise.supports(floats.chain().exp().add(doubles).spec()));
        assertTrue(FusedElementwise.supports(floats.chain().add(doubles).exp().spec()), "only the input converts");
    }

    @Test
    void anEmptyChainIsItsInput() {
        Tensor x = tensor(KernelTestSupport.VECTOR, DType.FLOAT32, Shape.of(3), 14);
        assertSame(x, x.chain().evaluate());
        ElementwiseChain prefix = x.chain().mul(2);
        ElementwiseChain longer = prefix.exp();
        assertEquals(1, prefix.spec().steps().size(), "chains are immutable values");
        assertEquals(2, longer.spec().steps().size());
    }

    @Test
    void validationMatchesTheEagerOps() {
        CpuBackend backend = KernelTestSupport.VECTOR;
        Tensor x = tensor(backend, DType.FLOAT32, Shape.of(2, 3), 15);
        Tensor wrong = tensor(backend, DType.FLOAT32, Shape.of(4), 16);
        Tensor bools = tensor(backend, DType.BOOL, Shape.of(2, 3), 17);
        assertSameError(() -> x.add(wrong), () -> x.chain().mul(2).add(wrong));
        assertSameError(() -> bools.exp(), () -> bools.chain().exp());
        assertSameError(() -> x.clip(2, 1), () -> x.chain().clip(2, 1));
        Tensor elsewhere = tensor(KernelTestSupport.SCALAR, DType.FLOAT32, Shape.of(2, 3), 18);
        assertSameError(() -> x.mul(elsewhere), () -> x.chain().mul(elsewhere));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void selectsTheKernelCannotFuseRunStepByStep(boolean vector) {
        CpuBackend backend = backend(vector);
        Tensor x = tensor(backend, DType.FLOAT32, Shape.of(5, 17), 21);
        Tensor row = tensor(backend, DType.FLOAT64, Shape.of(17), 22);
        Tensor bools = x.gt(0.5);
        // A bool input selected directly, a logical op between comparison and select, mixed branch types.
        ElementwiseChain direct = bools.chain().where(x, 0.0);
        ElementwiseChain logical = x.chain().gt(0).logicalNot().where(x, row);
        assertFalse(FusedElementwise.supports(direct.spec()));
        assertFalse(FusedElementwise.supports(logical.spec()));
        assertSameResult("where(bools, x, 0)", Tensor.where(bools, x, 0.0), direct.evaluate());
        assertSameResult("where(!(x > 0), x, row)", Tensor.where(x.gt(0).logicalNot(), x, row), logical.evaluate());
        Tensor minusOne = Tensor.fromStorage(storage(backend, DType.INT32, new double[] {-1}), Shape.SCALAR);
        assertSameResult("where(x > 0, 1, -1) as int", Tensor.where(x.gt(0), 1L, minusOne),
                x.chain().gt(0).where(1L, minusOne).evaluate());
    }

    @Test
    void selectValidationMatchesTheEagerWhere() {
        Tensor x = tensor(KernelTestSupport.VECTOR, DType.FLOAT32, Shape.of(2, 3), 23);
        Tensor wrong = tensor(KernelTestSupport.VECTOR, DType.FLOAT32, Shape.of(4), 24);
        assertSameError(() -> Tensor.where(x, x, 0.0), () -> x.chain().where(x, 0.0));
        assertSameError(() -> Tensor.where(x.gt(0), wrong, 0.0), () -> x.chain().gt(0).where(wrong, 0.0));
        assertSameError(() -> Tensor.where(x.gt(0), null, 0.0), () -> x.chain().gt(0).where(null, 0.0));
        assertSameError(() -> Tensor.where(x.gt(0), 0.0, null), () -> x.chain().gt(0).where(0.0, null));
    }

    private static void assertSameError(Executable eager, Executable fused) {
        TensorException expected = assertThrows(TensorException.class, eager);
        TensorException actual = assertThrows(TensorException.class, fused);
        assertEquals(expected.getMessage(), actual.getMessage());
    }

    @Test
    void theKernelRejectsStoragesThatDoNotMatchTheSpec() {
        CpuBackend backend = KernelTestSupport.VECTOR;
        ElementwiseChainSpec spec = ElementwiseChainSpec.of(DType.FLOAT32, Shape.of(3))
                .thenOperand(dev.adjoint.op.BinaryOp.ADD, DType.FLOAT32, Shape.of(3));
        var input = storage(backend, DType.FLOAT32, new double[] {1, 2, 3});
        var shortOperand = storage(backend, DType.FLOAT32, new double[] {1, 2});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackendCalls.elementwiseChain(backend, spec, input, List.of(shortOperand)));
        assertTrue(e.getMessage().contains("operand 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BackendCalls.elementwiseChain(backend, spec, input, List.of()));
    }
}
