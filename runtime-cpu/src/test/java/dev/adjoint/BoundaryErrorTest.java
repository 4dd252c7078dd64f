package dev.adjoint;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.core.Slice;
import dev.adjoint.core.TensorException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.grad.GradientAndVariable;
import dev.adjoint.op.Conv2dSpec;
import dev.adjoint.op.Pool2dSpec;
import dev.adjoint.optim.SGD;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad input at the API's boundary: variables assigned the wrong shape or dtype, results too large
 * for a tensor, and null arguments. Each is a {@link TensorException} at the call, with the exact
 * message checked here.
 */
class BoundaryErrorTest {

    private static void fails(String message, Executable call) {
        TensorException e = assertThrows(TensorException.class, call);
        assertEquals(message, e.getMessage());
    }

    // ---- Variable -----------------------------------------------------------------------------

    @Test
    void assignRejectsAnotherShapeOrDtypeNamingTheVariable() {
        Variable w = new Variable(Tensor.zeros(2, 3), "w");
        fails("assign: Variable 'w' holds float32 of shape (2, 3) and cannot be assigned float64 of shape (2, 3)"
                + " (cast or reshape the value first)", () -> w.assign(Tensor.zeros(DType.FLOAT64, 2, 3)));
        fails("assign: Variable 'w' holds float32 of shape (2, 3) and cannot be assigned float32 of shape (3, 2)"
                + " (cast or reshape the value first)", () -> w.assign(Tensor.zeros(3, 2)));
        fails("assign: Variable 'w' holds float32 of shape (2, 3) and cannot be assigned int32 of shape (6,)"
                + " (cast or reshape the value first)", () -> w.assign(Tensor.zeros(DType.INT32, 6)));
        fails("assign: Variable 'w' cannot be assigned null", () -> w.assign(null));
        assertEquals(DType.FLOAT32, w.value().dtype(), "a rejected assignment leaves the variable alone");
        Tensor ones = Tensor.ones(2, 3);
        w.assign(ones);
        assertEquals(ones, w.value());
    }

    @Test
    void assignSubUpdatesInPlaceKeepingShapeAndDtype() {
        Variable w = new Variable(Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}}), "w");
        // A float64 delta (a gradient computed against float64 data) updates a float32 variable in float32.
        w.assignSub(Tensor.of(new double[][] {{0.5, 0.5, 0.5}, {1, 1, 1}}));
        assertEquals(DType.FLOAT32, w.value().dtype());
        assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f, 3, 4, 5}, w.value().toFloatArray());
        // A row broadcasts over the variable, and an integer delta is fine for a float variable.
        w.assignSub(Tensor.of(new int[] {1, 0, -1}));
        assertArrayEquals(new float[] {-0.5f, 1.5f, 3.5f, 2, 4, 6}, w.value().toFloatArray());
        assertEquals(DType.FLOAT32, w.value().dtype());
        fails("assignSub: Variable 'w' holds float32 of shape (2, 3); a delta of float32 of shape (2, 1, 3) does not"
                + " broadcast to its shape", () -> w.assignSub(Tensor.zeros(2, 1, 3)));
        fails("assignSub: Variable 'w' holds float32 of shape (2, 3); a delta of float32 of shape (2,) does not"
                + " broadcast to its shape", () -> w.assignSub(Tensor.zeros(2)));
        fails("assignSub: Variable 'w' cannot subtract null", () -> w.assignSub((Tensor) null));

        Variable n = new Variable(Tensor.of(new int[] {5, 7}), "n");
        fails("assignSub: Variable 'n' holds int32 of shape (2,); subtracting float32 of shape (2,) gives float32,"
                + " which it cannot hold", () -> n.assignSub(Tensor.ones(2)));
        n.assignSub(Tensor.of(new long[] {1, 2}));
        assertEquals(DType.INT32, n.value().dtype());
        assertArrayEquals(new int[] {4, 5}, n.value().toIntArray());
    }

    @Test
    void sgdKeepsAFloat32VariableFloat32UnderAFloat64Gradient() {
        Variable w = new Variable(Tensor.of(new float[] {1, 2}), "w");
        new SGD(0.5).applyGradients(List.of(new GradientAndVariable(Tensor.of(new double[] {2, -2}), w)));
        assertEquals(DType.FLOAT32, w.value().dtype());
        assertArrayEquals(new float[] {0, 3}, w.value().toFloatArray());
    }

    /** The one policy for both kinds of variable: NaN and infinities are stored, as TensorFlow and PyTorch do. */
    @Test
    void scalarAndTensorVariablesBothAcceptNanAndInfinity() {
        Variable s = new Variable(Double.NaN, "s");
        assertTrue(Double.isNaN(s.get()));
        s.assign(Double.POSITIVE_INFINITY);
        assertEquals(Double.POSITIVE_INFINITY, s.get());
        Variable t = new Variable(Tensor.of(new float[] {Float.NaN, 1}), "t");
        t.assign(Tensor.of(new float[] {Float.POSITIVE_INFINITY, Float.NaN}));
        assertEquals(Float.POSITIVE_INFINITY, t.value().toFloatArray()[0]);
        // A NaN gradient makes both NaN through the same optimizer step.
        Variable a = new Variable(1.0, "a");
        Variable b = new Variable(Tensor.of(new float[] {1}), "b");
        new SGD(0.1).applyGradients(List.of(new GradientAndVariable(Double.NaN, a),
                new GradientAndVariable(Tensor.of(new float[] {Float.NaN}), b)));
        assertTrue(Double.isNaN(a.get()));
        assertTrue(Float.isNaN(b.value().toFloatArray()[0]));
    }

    // ---- sizes --------------------------------------------------------------------------------

    private static final String CPU_LIMIT = " elements, more than the 2147483639 one tensor can hold on cpu";

    @Test
    void resultsLargerThanABackendHoldsAreErrorsNamingTheOpAndShape() {
        fails("zeros: shape (1048576, 1048576) has 1099511627776" + CPU_LIMIT, () -> Tensor.zeros(1 << 20, 1 << 20));
        fails("ones: shape (1048576, 1048576) has 1099511627776" + CPU_LIMIT,
                () -> Tensor.ones(DType.INT64, 1 << 20, 1 << 20));
        fails("full: shape (65536, 32768) has 2147483648" + CPU_LIMIT, () -> Tensor.full(1.5, 1 << 16, 1 << 15));
        fails("eye: shape (50000, 50000) has 2500000000" + CPU_LIMIT, () -> Tensor.eye(50_000));
        fails("randomUniform: shape (1048576, 1048576) has 1099511627776" + CPU_LIMIT,
                () -> Tensor.randomUniform(new SplittableRandom(1), 0, 1, 1 << 20, 1 << 20));
        fails("randomNormal: shape (1048576, 1048576) has 1099511627776" + CPU_LIMIT,
                () -> Tensor.randomNormal(new SplittableRandom(1), 0, 1, 1 << 20, 1 << 20));
        fails("linspace: shape (2147483647,) has 2147483647" + CPU_LIMIT, () -> Tensor.linspace(0, 1, Integer.MAX_VALUE));

        Tensor column = Tensor.zeros(1 << 16, 1);
        Tensor row = Tensor.zeros(1 << 16);
        fails("add: shape (65536, 65536) has 4294967296" + CPU_LIMIT, () -> column.add(row));
        fails("gt: shape (65536, 65536) has 4294967296" + CPU_LIMIT, () -> column.gt(row));
        fails("add: shape (65536, 65536) has 4294967296" + CPU_LIMIT, () -> column.chain().mul(2).add(row));
        fails("where: shape (65536, 65536) has 4294967296" + CPU_LIMIT,
                () -> Tensor.where(column.gt(0), column, row));
        fails("matmul: shape (65536, 65536) has 4294967296" + CPU_LIMIT, () -> column.matmul(row.reshape(1, -1)));
        fails("outer: shape (65536, 65536) has 4294967296" + CPU_LIMIT, () -> row.outer(row));
        fails("broadcastTo: shape (65536, 65536) has 4294967296" + CPU_LIMIT, () -> row.broadcastTo(1 << 16, 1 << 16));
        fails("gather: shape (65536, 65536) has 4294967296" + CPU_LIMIT,
                () -> column.gather(Tensor.zeros(DType.INT32, 1 << 16), 1));
        fails("oneHot: shape (65536, 65536) has 4294967296" + CPU_LIMIT,
                () -> Tensor.zeros(DType.INT32, 1 << 16).oneHot(1 << 16));
        fails("pad: shape (65536, 65536) has 4294967296" + CPU_LIMIT,
                () -> column.pad(new int[][] {{0, 0}, {0, (1 << 16) - 1}}, 0));
        fails("conv2d: shape (1, 65536, 65536, 1) has 4294967296" + CPU_LIMIT,
                () -> Tensor.zeros(1, 1, 1 << 16, 1).conv2d(Tensor.zeros(1 << 16, 1, 1, 1), 1, 0));
    }

    @Test
    void shapesBeyondALongAndDimensionsBeyondAnIntAreErrorsToo() {
        String tooMany = " has 1237940039285380274899124224 elements, more than a long can count";
        fails("shape: shape (1073741824, 1073741824, 1073741824)" + tooMany,
                () -> Shape.of(1 << 30, 1 << 30, 1 << 30));
        fails("zeros: shape (1073741824, 1073741824, 1073741824)" + tooMany,
                () -> Tensor.zeros(1 << 30, 1 << 30, 1 << 30));
        fails("broadcastTo: shape (1073741824, 1073741824, 1073741824)" + tooMany,
                () -> Tensor.zeros(1).broadcastTo(1 << 30, 1 << 30, 1 << 30));
        // Three operands of 2^21 elements each broadcast to 2^63: one more than a long counts.
        Tensor a = Tensor.zeros(DType.BOOL, 1 << 21, 1, 1);
        Tensor b = Tensor.zeros(DType.BOOL, 1 << 21, 1);
        Tensor c = Tensor.zeros(DType.BOOL, 1 << 21);
        fails("where: shape (2097152, 2097152, 2097152) has 9223372036854775808 elements, more than a long can count",
                () -> Tensor.where(a, b, c));
        fails("reshape: cannot reshape (4,) (4 elements) into [1073741824, 1073741824, 1073741824] (more elements than"
                + " a long can count)", () -> Tensor.zeros(4).reshape(1 << 30, 1 << 30, 1 << 30));
        // Zero-size tensors cost nothing, but their dimensions still add up.
        Tensor empty = Tensor.zeros(0, 1 << 30);
        fails("concat: axis 1 would have size 3221225472, more than a dimension can hold (2147483647)",
                () -> Tensor.concat(1, empty, empty, empty));
        fails("pad: axis 0 would have size 2147483650, more than a dimension can hold (2147483647)",
                () -> Tensor.zeros(2).pad(new int[][] {{Integer.MAX_VALUE, 1}}, 0));
    }

    // ---- null arguments -----------------------------------------------------------------------

    @Test
    void nullArgumentsAreNamedByTheOpAndTheParameter() {
        Tensor x = Tensor.zeros(2, 2);
        Tensor image = Tensor.zeros(1, 1, 4, 4);
        Tensor kernel = Tensor.zeros(1, 1, 3, 3);
        Conv2dSpec spec = Conv2dSpec.of(1, 0);
        List<String> binaries = List.of("add", "sub", "mul", "div", "maximum", "minimum", "eq", "ne", "lt", "le", "gt",
                "ge", "logicalAnd", "logicalOr", "logicalXor");
        List<Executable> calls = List.of(() -> x.add(null), () -> x.sub(null), () -> x.mul(null), () -> x.div(null),
                () -> x.maximum(null), () -> x.minimum(null), () -> x.eq(null), () -> x.ne(null), () -> x.lt(null),
                () -> x.le(null), () -> x.gt(null), () -> x.ge(null), () -> x.logicalAnd(null),
                () -> x.logicalOr(null), () -> x.logicalXor(null));
        for (int i = 0; i < binaries.size(); i++) {
            fails(binaries.get(i) + ": argument 'other' is null", calls.get(i));
        }
        fails("pow: argument 'exponent' is null", () -> x.pow(null));
        fails("add: argument 'other' is null", () -> x.chain().add(null));
        fails("pow: argument 'exponent' is null", () -> x.chain().exp().pow(null));

        fails("where: argument 'condition' is null", () -> Tensor.where(null, x, x));
        fails("where: argument 'a' is null", () -> Tensor.where(x.gt(0), null, x));
        fails("where: argument 'b' is null", () -> Tensor.where(x.gt(0), x, null));
        fails("where: argument 'a' is null", () -> Tensor.where(x.gt(0), null, 0.0));
        fails("where: argument 'b' is null", () -> Tensor.where(x.gt(0), 0, null));
        fails("matmul: argument 'other' is null", () -> x.matmul(null));
        fails("dot: argument 'other' is null", () -> x.dot(null));
        fails("outer: argument 'other' is null", () -> x.outer(null));
        fails("concat: argument 'tensors' is null", () -> Tensor.concat(0, (Tensor[]) null));
        fails("concat: argument 'tensors[1]' is null", () -> Tensor.concat(0, x, null));
        fails("stack: argument 'tensors[0]' is null", () -> Tensor.stack(0, null, x));
        fails("gather: argument 'indices' is null", () -> x.gather(null, 0));
        fails("indexAdd: argument 'indices' is null", () -> x.indexAdd(null, x, 0));
        fails("indexAdd: argument 'updates' is null", () -> x.indexAdd(Tensor.of(new int[] {0, 1}), null, 0));
        fails("conv2d: argument 'weight' is null", () -> image.conv2d(null, 1, 0));
        fails("conv2d: argument 'spec' is null", () -> image.conv2d(kernel, (Conv2dSpec) null));
        fails("pool2d: argument 'spec' is null", () -> image.pool2d(null));
        fails("conv2dBackwardInput: argument 'dy' is null",
                () -> Tensor.conv2dBackwardInput(null, kernel, spec, image.shape()));
        fails("conv2dBackwardWeight: argument 'input' is null",
                () -> Tensor.conv2dBackwardWeight(null, Tensor.zeros(1, 1, 2, 2), spec, kernel.shape()));
        fails("maxPool2dBackward: argument 'dy' is null",
                () -> image.pool2dBackward(null, new Pool2dSpec(Pool2dSpec.Kind.MAX, 2, 2, 2, 2, 0, 0)));
        fails("zerosLike: argument 'like' is null", () -> Tensor.zerosLike(null));
        fails("fullLike: argument 'like' is null", () -> Tensor.fullLike(null, 2.0));
        fails("allClose: argument 'other' is null", () -> x.allClose(null));
        fails("allClose: argument 'b' is null", () -> Tensor.allClose(x, null, 0, 0));

        // Other object arguments, through the same check.
        fails("cast: argument 'dtype' is null", () -> x.cast(null));
        fails("zeros: argument 'dtype' is null", () -> Tensor.zeros((DType) null, 2));
        fails("zeros: argument 'dims' is null", () -> Tensor.zeros((int[]) null));
        fails("sum: argument 'axes' is null", () -> x.sum(null, false));
        fails("max: argument 'axes' is null", () -> x.max(null, true));
        fails("reshape: argument 'dims' is null", () -> x.reshape((int[]) null));
        fails("permute: argument 'axes' is null", () -> x.permute((int[]) null));
        fails("broadcastTo: argument 'dims' is null", () -> x.broadcastTo((int[]) null));
        fails("get: argument 'indices' is null", () -> x.get((int[]) null));
        fails("index: argument 'slices' is null", () -> x.index((Slice[]) null));
        fails("index: argument 'slices[1]' is null", () -> x.index(Slice.all(), null));
        fails("split: argument 'indices' is null", () -> x.split(null, 0));
        fails("pad: argument 'padding' is null", () -> x.pad(null, 0));
        fails("pad: argument 'padding[1]' is null", () -> x.pad(new int[][] {{0, 0}, null}, 0));
        fails("to: argument 'device' is null", () -> x.to(null));
        fails("of: argument 'data' is null", () -> Tensor.of((float[]) null, Shape.of(2)));
        fails("of: argument 'shape' is null", () -> Tensor.of(new float[2], null));
        fails("randomNormal: argument 'rng' is null", () -> Tensor.randomNormal(null, 0, 1, 2));
    }

    @Test
    void padValuesMustFitAnIntegerTensor() {
        fails("pad: scalar 3.0E9 does not fit int32 (-2147483648 to 2147483647); cast the tensor to a wider dtype"
                + " first", () -> Tensor.zeros(DType.INT32, 2).pad(new int[][] {{1, 1}}, 3e9));
        assertArrayEquals(new int[] {7, 0, 0, 7}, Tensor.zeros(DType.INT32, 2).pad(new int[][] {{1, 1}}, 7).toIntArray());
    }
}
