package dev.adjoint;

import dev.adjoint.core.Shape;
import dev.adjoint.core.Slice;
import dev.adjoint.core.TensorException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every op rejects bad input at the call, with one exception type naming the op, shapes and rule. */
class TensorErrorTest {

    private static void fails(String message, Executable call) {
        TensorException e = assertThrows(TensorException.class, call);
        assertEquals(message, e.getMessage());
    }

    @Test
    void matmulNamesBothShapesAndTheMisalignedDims() {
        fails("matmul: shapes (2, 3) and (4, 5) not aligned: 3 (dim 1) != 4 (dim 0)",
                () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)));
        fails("matmul: shapes (3,) and (2,) not aligned: 3 (dim 0) != 2 (dim 0)",
                () -> Tensor.zeros(3).matmul(Tensor.zeros(2)));
        fails("matmul: batch dimensions of shapes (2, 2, 3) and (3, 3, 1) cannot be broadcast: (2,) and (3,)",
                () -> Tensor.zeros(2, 2, 3).matmul(Tensor.zeros(3, 3, 1)));
        fails("matmul: operands must be at least 1-d, got shapes () and (2,) (use mul for scalars)",
                () -> Tensor.of(1f).matmul(Tensor.zeros(2)));
    }

    @Test
    void broadcastingAndShapeErrors() {
        fails("add: shapes (2, 3) and (2,) cannot be broadcast: 3 != 2 at output dim 1",
                () -> Tensor.zeros(2, 3).add(Tensor.zeros(2)));
        fails("reshape: cannot reshape (2, 3) (6 elements) into (4,) (4 elements)", () -> Tensor.zeros(2, 3).reshape(4));
        fails("reshape: can only infer one dimension, got [-1, -1]", () -> Tensor.zeros(2, 3).reshape(-1, -1));
        fails("sum: axis 2 is out of range for rank 2 (valid: -2 to 1)", () -> Tensor.zeros(2, 3).sum(2));
        fails("sum: axis 1 is repeated in [1, -1]", () -> Tensor.zeros(2, 3).sum(new int[] {1, -1}, false));
        fails("max: cannot reduce axis 0 of size 0 in shape (0,): max has no identity", () -> Tensor.zeros(0).max());
        fails("squeeze: cannot squeeze axis 0 of size 2 in shape (2, 3)", () -> Tensor.zeros(2, 3).squeeze(0));
        fails("broadcastTo: cannot broadcast shape (2, 3) to (3,)", () -> Tensor.zeros(2, 3).broadcastTo(3));
        fails("concat: tensor 1 has shape (2, 4), which does not match (3, 4) outside axis 1",
                () -> Tensor.concat(1, Tensor.zeros(3, 4), Tensor.zeros(2, 4)));
        fails("split: axis 0 of size 5 in shape (5,) does not divide into 2 equal sections",
                () -> Tensor.zeros(5).split(2, 0));
        fails("permute: axis 0 is repeated in [0, 0]", () -> Tensor.zeros(2, 3).permute(0, 0));
    }

    @Test
    void indexingErrors() {
        fails("index: index 3 is out of bounds for axis 0 with size 3 in shape (3,)", () -> Tensor.zeros(3).get(3));
        fails("index: too many indices (2) for shape (3,)", () -> Tensor.zeros(3).get(0, 0));
        fails("index: slice step cannot be zero", () -> Slice.range(0, 3, 0));
        fails("gather: index 5 is out of bounds for axis 1 with size 3 in shape (2, 3)",
                () -> Tensor.zeros(2, 3).gather(Tensor.of(new int[] {0, 5}), 1));
        fails("gather: indices must be int32 or int64, got float32", () -> Tensor.zeros(3).gather(Tensor.zeros(1), 0));
        fails("oneHot: index 3 is out of range for depth 3", () -> Tensor.of(new int[] {3}).oneHot(3));
        fails("item: needs exactly one element, tensor of shape (2, 3) has 6", () -> Tensor.zeros(2, 3).item());
        fails("iterator: iteration over a 0-d tensor", () -> Tensor.of(1f).iterator());
    }

    @Test
    void creationAndDtypeErrors() {
        fails("of: ragged nested array: row at index [1] has length 1, expected 2",
                () -> Tensor.of(new float[][] {{1, 2}, {3}}));
        fails("of: unsupported array type String[]: expected nested float, double, int, long or boolean arrays",
                () -> Tensor.of(new String[] {"a"}));
        fails("of: data has 5 elements but shape (2, 3) needs 6", () -> Tensor.of(new float[5], Shape.of(2, 3)));
        fails("zeros: dimension 1 is negative in [2, -3]", () -> Tensor.zeros(2, -3));
        fails("shape: dimension 1 is negative in [2, -3]", () -> Shape.of(2, -3));
        fails("exp: not defined for dtype bool (cast it to a number first)", () -> Tensor.of(true).exp());
        fails("where: condition must be bool, got float32 (compare first, e.g. x.gt(0))",
                () -> Tensor.where(Tensor.zeros(2), Tensor.zeros(2), Tensor.zeros(2)));
        fails("arange: needs finite bounds and a non-zero step, got start=0.0 stop=5.0 step=0.0",
                () -> Tensor.arange(0, 5, 0));
    }

    @Test
    void convolutionAndPoolingErrors() {
        fails("conv2d: needs NCHW input and OIHW weights (both 4-d), got shapes (1, 28, 28) and (8, 1, 3, 3)",
                () -> Tensor.zeros(1, 28, 28).conv2d(Tensor.zeros(8, 1, 3, 3), 1, 0));
        fails("conv2d: input (1, 3, 8, 8) has 3 channels and weights (4, 2, 3, 3) expect 2 per group with 1 group(s);"
                + " channels and output channels must divide by groups",
                () -> Tensor.zeros(1, 3, 8, 8).conv2d(Tensor.zeros(4, 2, 3, 3), 1, 0));
        fails("conv2d: kernel (1, 1, 5, 5) with dilation (1, 1) is larger than the padded input (1, 1, 3, 3)",
                () -> Tensor.zeros(1, 1, 3, 3).conv2d(Tensor.zeros(1, 1, 5, 5), 1, 0));
        fails("maxPool2d: needs NCHW input (4-d), got shape (4, 4)", () -> Tensor.zeros(4, 4).maxPool2d(2));
    }
}
