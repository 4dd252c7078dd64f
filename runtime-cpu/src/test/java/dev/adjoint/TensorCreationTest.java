package dev.adjoint;

import dev.adjoint.core.DType;
import dev.adjoint.core.Device;
import dev.adjoint.core.Shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Factories, conversions back to Java, and value semantics. */
class TensorCreationTest {

    @Test
    void nestedArraysKeepTheirShapeAndJavaType() {
        Tensor t = Tensor.of(new double[][][] {{{1, 2}}, {{3, 4}}});
        assertEquals(Shape.of(2, 1, 2), t.shape());
        assertEquals(DType.FLOAT64, t.dtype());
        assertArrayEquals(new double[][][] {{{1, 2}}, {{3, 4}}}, (double[][][]) t.toArray());
        assertEquals(DType.INT64, Tensor.of(new long[] {1}).dtype());
        assertEquals(DType.BOOL, Tensor.of(new boolean[][] {{true}}).dtype());
        assertEquals(Shape.of(0, 0), Tensor.of(new float[0][]).shape());
        assertEquals(Shape.of(2, 0), Tensor.of(new int[2][0]).shape());
        assertEquals(2.5f, Tensor.of(2.5f).toArray());
        assertEquals(DType.FLOAT32, Tensor.of(2.5f).dtype());
        assertEquals(DType.FLOAT64, Tensor.of(2.5).dtype());
    }

    @Test
    void filledFactories() {
        assertArrayEquals(new float[] {0, 0}, Tensor.zeros(2).toFloatArray());
        assertArrayEquals(new int[] {1, 1}, Tensor.ones(DType.INT32, 2).toIntArray());
        assertArrayEquals(new float[] {7, 7, 7}, Tensor.full(7, 3).toFloatArray());
        assertArrayEquals(new float[] {1, 0, 0, 1}, Tensor.eye(2).toFloatArray());
        assertArrayEquals(new int[] {2, 5, 8}, Tensor.arange(2, 10, 3).toIntArray());
        assertArrayEquals(new int[] {}, Tensor.arange(5, 0, 1).toIntArray());
        assertArrayEquals(new float[] {0, 0.25f, 0.5f}, Tensor.arange(0.0, 0.6, 0.25).toFloatArray());
        assertArrayEquals(new float[] {1, 1.5f, 2, 2.5f, 3}, Tensor.linspace(1, 3, 5).toFloatArray());
        Tensor like = Tensor.of(new long[][] {{1, 2}});
        assertEquals(Tensor.of(new long[][] {{0, 0}}), Tensor.zerosLike(like));
        assertEquals(Tensor.of(new long[][] {{1, 1}}), Tensor.onesLike(like));
        assertEquals(Tensor.of(new long[][] {{9, 9}}), Tensor.fullLike(like, 9));
    }

    @Test
    void seededRandomTensorsAreReproducibleAndHaveTheRightMoments() {
        Tensor u = Tensor.randomUniform(new SplittableRandom(42), -1, 3, 100_000);
        assertEquals(u, Tensor.randomUniform(new SplittableRandom(42), -1, 3, 100_000));
        assertNotEquals(u, Tensor.randomUniform(new SplittableRandom(43), -1, 3, 100_000));
        assertTrue(u.min().item() >= -1 && u.max().item() < 3);
        assertEquals(1.0, u.mean().item(), 0.02);
        Tensor g = Tensor.randomNormal(new SplittableRandom(7), 2, 0.5, 100_000);
        assertEquals(2.0, g.mean().item(), 0.01);
        double var = g.sub(g.mean()).square().mean().item();
        assertEquals(0.25, var, 0.01);
    }

    @Test
    void conversionsAndAllClose() {
        Tensor t = Tensor.of(new float[] {1.5f, -2.5f});
        assertArrayEquals(new double[] {1.5, -2.5}, t.toDoubleArray());
        assertArrayEquals(new long[] {1, -2}, t.toLongArray());
        assertEquals(4.0, Tensor.of(new int[][] {{4}}).item());
        assertTrue(Tensor.allClose(t, t.add(1e-7), 1e-5, 1e-8));
        assertFalse(Tensor.allClose(t, t.add(1e-3), 1e-5, 1e-8));
        assertTrue(Tensor.allClose(Tensor.of(new float[][] {{1, 1}}), Tensor.of(1f), 0, 0));
        assertFalse(Tensor.of(Float.NaN).allClose(Tensor.of(Float.NaN)));
        assertEquals(Tensor.of(new float[] {1, 2}).hashCode(), Tensor.of(new float[] {1, 2}).hashCode());
        assertNotEquals(Tensor.of(new float[] {1, 2}), Tensor.of(new double[] {1, 2}));
        assertEquals(Device.CPU, t.device());
        assertEquals(t, t.to(Device.CPU));
    }
}
