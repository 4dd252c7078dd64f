package dev.adjoint.cpu;


import dev.adjoint.op.UnaryOp;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The float32 kernels built on our own exp, or rational like tanh — sigmoid, softplus, erf, gelu, tanh, softmax and
 * log-softmax — give the same bits interpreted ({@code -Xint}) as compiled: what a training run resumed from a
 * checkpoint relies on (docs/design.md, "Determinism"). The element-wise ones also give the same bits with 256-bit
 * vectors ({@code -XX:UseAVX=2}); softmax does not, as its sums add 8 lanes at a time there instead of 16. exp, log
 * and sin have their own tests with accuracy checks (VectorExpTest, VectorLogTest, VectorTrigTest).
 */
class VectorDeterminismTest {
    private static final UnaryOp[] OPS = {UnaryOp.SIGMOID, UnaryOp.SOFTPLUS, UnaryOp.ERF, UnaryOp.GELU, UnaryOp.TANH};
    private static final int ROW = 1000;

    /** 40,000 values from -20 to 20, then the specials. */
    private static float[] arguments() {
        float[] x = new float[40_000 + 16];
        for (int i = 0; i < 40_000; i++) {
            x[i] = (float) (-20 + 40.0 * i / 39_999);
        }
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE, 1e30f,
            -1e30f, 88.7f, -88.7f, 104f, -104f, 9.5f, -9.5f, 1f, -1f};
        System.arraycopy(special, 0, x, 40_000, special.length);
        return x;
    }

    private static float[] results() {
        float[] x = arguments();
        List<float[]> parts = new ArrayList<>();
        for (UnaryOp op : OPS) {
            parts.add(UlpAssertions.apply(op, x));
        }
        for (boolean log : new boolean[] {false, true}) {
            float[] out = new float[40_000];
            for (int row = 0; row < 40_000; row += ROW) {
                VectorReductionsF32.softmaxRow(x, row, ROW, out, log);
            }
            parts.add(out);
        }
        return ChildJvm.concat(parts);
    }

    /** Run in the child JVM: the results as raw bits on standard output. */
    public static void main(String[] args) throws IOException {
        ChildJvm.write(results());
    }

    @Test
    void interpretedAndCompiledGiveTheSameBits() throws IOException, InterruptedException {
        ChildJvm.assertInterpretedEqualsCompiled(VectorDeterminismTest.class, VectorDeterminismTest::results);
    }

    @Test
    void elementwiseOpsGiveTheSameBitsWithAvx2() throws IOException, InterruptedException {
        ChildJvm.assertAvx2Equals(VectorDeterminismTest.class, results(), OPS.length * arguments().length);
    }
}
