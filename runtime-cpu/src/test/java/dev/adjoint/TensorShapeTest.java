package dev.adjoint;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.core.Slice;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Shape ops and indexing, checked element by element against index arithmetic in the test. */
class TensorShapeTest {
    private final Tensor x = Tensor.arange(24).reshape(2, 3, 4);

    private static int at(int i, int j, int k) {
        return i * 12 + j * 4 + k;
    }

    @Test
    void reshapeInfersOneDimensionAndSharesStorage() {
        Tensor r = x.reshape(4, -1);
        assertEquals(Shape.of(4, 6), r.shape());
        assertSame(x.storage(), r.storage());
        assertEquals(Shape.of(24), x.flatten().shape());
        assertEquals(Shape.of(1), Tensor.of(3f).flatten().shape());
        assertEquals(Shape.of(3), Tensor.zeros(1, 3, 1).squeeze().shape());
        assertEquals(Shape.of(1, 3), Tensor.zeros(1, 3, 1).squeeze(-1).shape());
        assertEquals(Shape.of(2, 1, 3, 4), x.expandDims(1).shape());
        assertEquals(Shape.of(2, 3, 4, 1), x.expandDims(-1).shape());
    }

    @Test
    void permuteAndTransposeMoveElements() {
        Tensor p = x.permute(2, 0, 1);
        assertEquals(Shape.of(4, 2, 3), p.shape());
        int[] got = p.toIntArray();
        for (int k = 0; k < 4; k++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    assertEquals(at(i, j, k), got[k * 6 + i * 3 + j]);
                }
            }
        }
        assertEquals(Shape.of(4, 3, 2), x.transpose().shape());
        assertArrayEquals(x.permute(0, 2, 1).toIntArray(), x.transpose(1, 2).toIntArray());
        Tensor m = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, m.transpose().toFloatArray());
    }

    @Test
    void slicingFollowsPythonRules() {
        Tensor s = x.index(Slice.at(1), Slice.range(0, 3, 2), Slice.every(-1));
        assertEquals(Shape.of(2, 4), s.shape());
        int[] got = s.toIntArray();
        int n = 0;
        for (int j = 0; j < 3; j += 2) {
            for (int k = 3; k >= 0; k--) {
                assertEquals(at(1, j, k), got[n++]);
            }
        }
        assertEquals(Shape.of(2, 0, 4), x.index(Slice.all(), Slice.range(2, 1)).shape());
        assertArrayEquals(new int[] {at(0, 2, 1), at(1, 2, 1)},
                x.index(Slice.all(), Slice.at(-1), Slice.at(1)).toIntArray());
        assertArrayEquals(new int[] {1, 2}, Tensor.arange(5).index(Slice.range(1, -2)).toIntArray());
        assertArrayEquals(new int[] {4, 2}, Tensor.arange(5).index(Slice.range(-1, 0, -2)).toIntArray());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, Tensor.arange(5).index(Slice.range(-100, 100)).toIntArray());
        assertEquals(at(1, 2, 3), x.get(1, 2, 3).item());
        assertEquals(Shape.of(3, 4), x.get(0).shape());
    }

    @Test
    void iterationWalksTheFirstAxis() {
        int i = 0;
        for (Tensor row : x) {
            assertArrayEquals(x.get(i++).toIntArray(), row.toIntArray());
        }
        assertEquals(2, i);
    }

    @Test
    void broadcastToRepeatsSizeOneAxes() {
        Tensor b = Tensor.of(new float[] {1, 2, 3}).reshape(3, 1).broadcastTo(2, 3, 4);
        assertEquals(Shape.of(2, 3, 4), b.shape());
        float[] got = b.toFloatArray();
        for (int i = 0; i < 24; i++) {
            assertEquals((i / 4) % 3 + 1, got[i]);
        }
    }

    @Test
    void concatStackAndSplitRoundTrip() {
        Random rng = new Random(3);
        Tensor a = Tensor.randomNormal(rng, 0, 1, 2, 3, 4);
        Tensor b = Tensor.randomNormal(rng, 0, 1, 2, 5, 4);
        Tensor c = Tensor.concat(1, a, b);
        assertEquals(Shape.of(2, 8, 4), c.shape());
        List<Tensor> parts = c.split(new int[] {3}, 1);
        assertEquals(a, parts.get(0));
        assertEquals(b, parts.get(1));
        Tensor s = Tensor.stack(0, a, a.neg());
        assertEquals(Shape.of(2, 2, 3, 4), s.shape());
        assertEquals(a.neg(), s.get(1));
        List<Tensor> thirds = Tensor.arange(12).split(3, 0);
        assertArrayEquals(new int[] {4, 5, 6, 7}, thirds.get(1).toIntArray());
        assertEquals(DType.FLOAT32, Tensor.concat(0, Tensor.of(new int[] {1}), Tensor.of(new float[] {2})).dtype());
        assertArrayEquals(new float[] {1, 2, 3}, Tensor.concat(0, Tensor.of(new float[] {1}), Tensor.zeros(0),
                Tensor.of(new float[] {2, 3})).toFloatArray());
    }

    @Test
    void gatherTakesSlicesAlongAnAxis() {
        Tensor idx = Tensor.of(new long[][] {{2, 0}, {-1, 1}});
        Tensor g = x.gather(idx, 1);
        assertEquals(Shape.of(2, 2, 2, 4), g.shape());
        int[] got = g.toIntArray();
        long[] flatIdx = {2, 0, 2, 1};
        int n = 0;
        for (int i = 0; i < 2; i++) {
            for (long j : flatIdx) {
                for (int k = 0; k < 4; k++) {
                    assertEquals(at(i, (int) j, k), got[n++]);
                }
            }
        }
    }

    @Test
    void oneHotAndPad() {
        Tensor h = Tensor.of(new int[] {2, 0}).oneHot(3);
        assertEquals(Shape.of(2, 3), h.shape());
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0}, h.toFloatArray());
        Tensor p = Tensor.of(new float[][] {{1, 2}}).pad(new int[][] {{1, 0}, {0, 2}}, -1);
        assertArrayEquals(new float[] {-1, -1, -1, -1, 1, 2, -1, -1}, p.toFloatArray());
        assertEquals(Shape.of(2, 4), p.shape());
    }
}
