package dev.adjoint.cpu;

import static dev.adjoint.cpu.KernelTestSupport.assertClose;
import static dev.adjoint.cpu.KernelTestSupport.randomValues;
import static dev.adjoint.cpu.KernelTestSupport.storage;
import static dev.adjoint.cpu.KernelTestSupport.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.spi.Storage;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryAndLayoutTest {
    private static final CpuBackend BACKEND = KernelTestSupport.VECTOR;

    // ---- memory -------------------------------------------------------------------------------

    @Test
    void fromArrayAndToArrayCopy() {
        float[] data = {1, 2, 3};
        Storage s = BACKEND.fromArray(data, DType.FLOAT32);
        data[0] = 99;
        float[] back = (float[]) BACKEND.toArray(s);
        assertArrayEquals(new float[] {1, 2, 3}, back);
        back[1] = 99;
        assertArrayEquals(new float[] {1, 2, 3}, (float[]) BACKEND.toArray(s));
        assertEquals(3, s.size());
        assertNotSame(back, BACKEND.toArray(s));
    }

    @Test
    void fromArrayRejectsAMismatchedArray() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BACKEND.fromArray(new int[2], DType.FLOAT32));
        assertEquals("fromArray: a int[] cannot hold dtype float32 (expected float[])", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BACKEND.fromArray(null, DType.FLOAT32));
    }

    @Test
    void fullConvertsTheValueAndChecksTheSize() {
        assertClose("float", new double[] {2.5, 2.5}, values(BACKEND, BackendCalls.full(BACKEND, DType.FLOAT32, 2, 2.5)), 0, 0);
        assertClose("int", new double[] {-2, -2, -2}, values(BACKEND, BackendCalls.full(BACKEND, DType.INT32, 3, -2.7)), 0, 0);
        assertClose("bool", new double[] {1}, values(BACKEND, BackendCalls.full(BACKEND, DType.BOOL, 1, 0.5)), 0, 0);
        assertEquals(0, BackendCalls.full(BACKEND, DType.INT64, 0, 1).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackendCalls.full(BACKEND, DType.FLOAT32, 1L << 31, 0));
        assertTrue(e.getMessage().contains("2147483648 elements exceeds the Java array limit"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BackendCalls.full(BACKEND, DType.FLOAT32, -1, 0));
    }

    @Test
    void castFollowsJavaConversions() {
        double[] v = {-2.7, -0.0, 0.0, 0.5, 3.9, Double.NaN, 1e20};
        for (DType from : List.of(DType.FLOAT32, DType.FLOAT64)) {
            Storage x = storage(BACKEND, from, v);
            assertClose("int32", new double[] {-2, 0, 0, 0, 3, 0, Integer.MAX_VALUE},
                    values(BACKEND, BackendCalls.cast(BACKEND, x, DType.INT32)), 0, 0);
            assertClose("int64", new double[] {-2, 0, 0, 0, 3, 0, 1e20 > Long.MAX_VALUE ? Long.MAX_VALUE : 1e20},
                    values(BACKEND, BackendCalls.cast(BACKEND, x, DType.INT64)), 0, 0);
            assertClose("bool", new double[] {1, 0, 0, 1, 1, 1, 1}, values(BACKEND, BackendCalls.cast(BACKEND, x, DType.BOOL)), 0, 0);
        }
        Storage big = BACKEND.fromArray(new long[] {1L << 40 | 5, -1}, DType.INT64);
        assertClose("wrap", new double[] {5, -1}, values(BACKEND, BackendCalls.cast(BACKEND, big, DType.INT32)), 0, 0);
        Storage bools = BACKEND.fromArray(new boolean[] {true, false}, DType.BOOL);
        for (DType to : DType.values()) {
            Storage c = BackendCalls.cast(BACKEND, bools, to);
            assertEquals(to, c.dtype());
            assertClose("bool to " + to, new double[] {1, 0}, values(BACKEND, c), 0, 0);
        }
        for (DType from : DType.values()) {
            for (DType to : DType.values()) {
                double[] r = randomValues(from, 33, 5);
                double[] got = values(BACKEND, BackendCalls.cast(BACKEND, storage(BACKEND, from, r), to));
                double[] expected = new double[33];
                for (int i = 0; i < 33; i++) {
                    expected[i] = to == DType.BOOL ? (r[i] != 0 ? 1 : 0)
                            : KernelTestSupport.round(to, to.isFloating() ? r[i] : (long) r[i]);
                }
                assertClose(from + " to " + to, expected, got, 0, 0);
            }
        }
    }

    // ---- layout -------------------------------------------------------------------------------

    /** The reference for strided: an odometer written independently of the kernel. */
    private static double[] stridedReference(double[] x, long offset, long[] strides, Shape out) {
        double[] r = new double[(int) out.size()];
        int[] dims = out.dims();
        for (int flat = 0; flat < r.length; flat++) {
            long source = offset;
            int rest = flat;
            for (int d = dims.length - 1; d >= 0; d--) {
                source += (rest % dims[d]) * strides[d];
                rest /= dims[d];
            }
            r[flat] = x[(int) source];
        }
        return r;
    }

    @Test
    void stridedCoversTransposeStepsReversalAndBroadcast() {
        for (DType dtype : DType.values()) {
            double[] x = randomValues(dtype, 60, 9);
            Storage s = storage(BACKEND, dtype, x);
            Object[][] cases = {
                {0L, new long[] {1, 5}, Shape.of(5, 12)},          // transpose of (12, 5)
                {3L, new long[] {10, 2}, Shape.of(5, 4)},           // slice with step
                {59L, new long[] {-1}, Shape.of(60)},               // reversed
                {7L, new long[] {0, 1}, Shape.of(3, 4)},            // broadcast a row
                {5L, new long[] {}, Shape.SCALAR},                  // one element
                {0L, new long[] {1, 0}, Shape.of(0, 3)},            // empty
                {2L, new long[] {20, 0, 3}, Shape.of(3, 2, 5)},     // mixed
            };
            for (Object[] c : cases) {
                long offset = (Long) c[0];
                long[] strides = (long[]) c[1];
                Shape out = (Shape) c[2];
                Storage r = BackendCalls.strided(BACKEND, s, offset, strides, out);
                assertEquals(dtype, r.dtype());
                assertClose("strided " + dtype + " " + out, stridedReference(x, offset, strides, out),
                        values(BACKEND, r), 0, 0);
            }
            assertThrows(IllegalArgumentException.class,
                    () -> BackendCalls.strided(BACKEND, s, 50, new long[] {1}, Shape.of(11)));
            assertThrows(IllegalArgumentException.class,
                    () -> BackendCalls.strided(BACKEND, s, 5, new long[] {-1}, Shape.of(7)));
        }
    }

    @Test
    void largeStridedCopiesSplitBetweenCoresGiveTheSameElements() {
        // Big enough to be shared out (more than Elementwise.PARALLEL_GRAIN elements): by rows that start
        // mid-way through the leading dimensions, and one long row split by columns.
        double[] x = randomValues(DType.FLOAT32, 3 * 257 * 331, 10);
        Storage s = storage(BACKEND, DType.FLOAT32, x);
        Object[][] cases = {
            {0L, new long[] {1, 3 * 257, 3}, Shape.of(3, 331, 257)},   // a permutation of (331, 257, 3)
            {(long) x.length - 1, new long[] {-1}, Shape.of(x.length)},  // one long reversed row
            {17L, new long[] {0}, Shape.of(200_003)},                  // one element broadcast
            {5L, new long[] {0, 1}, Shape.of(1001, 257)},               // a row broadcast
            {0L, new long[] {257 * 331, 0, 1}, Shape.of(3, 97, 331)},  // a middle broadcast axis
        };
        for (Object[] c : cases) {
            long offset = (Long) c[0];
            long[] strides = (long[]) c[1];
            Shape out = (Shape) c[2];
            assertClose("strided " + out + " " + java.util.Arrays.toString(strides),
                    stridedReference(x, offset, strides, out),
                    values(BACKEND, BackendCalls.strided(BACKEND, s, offset, strides, out)), 0, 0);
        }
    }

    @Test
    void concatJoinsAlongAnyAxis() {
        for (DType dtype : DType.values()) {
            double[] a = randomValues(dtype, 2 * 3 * 4, 1);
            double[] b = randomValues(dtype, 2 * 1 * 4, 2);
            double[] c = new double[0];
            Shape aShape = Shape.of(2, 3, 4);
            Shape bShape = Shape.of(2, 1, 4);
            Shape cShape = Shape.of(2, 0, 4);
            Storage r = BackendCalls.concat(BACKEND, List.of(storage(BACKEND, dtype, a), storage(BACKEND, dtype, c),
                    storage(BACKEND, dtype, b)), List.of(aShape, cShape, bShape), 1, Shape.of(2, 4, 4));
            double[] expected = new double[32];
            for (int i = 0; i < 2; i++) {
                System.arraycopy(a, i * 12, expected, i * 16, 12);
                System.arraycopy(b, i * 4, expected, i * 16 + 12, 4);
            }
            assertClose("concat " + dtype, expected, values(BACKEND, r), 0, 0);
            Storage first = BackendCalls.concat(BACKEND, List.of(storage(BACKEND, dtype, a), storage(BACKEND, dtype, a)),
                    List.of(aShape, aShape), 0, Shape.of(4, 3, 4));
            double[] twice = new double[48];
            System.arraycopy(a, 0, twice, 0, 24);
            System.arraycopy(a, 0, twice, 24, 24);
            assertClose("concat axis 0 " + dtype, twice, values(BACKEND, first), 0, 0);
        }
    }

    @Test
    void padSurroundsWithTheValue() {
        for (DType dtype : DType.values()) {
            double[] x = randomValues(dtype, 6, 3);
            Storage r = BackendCalls.pad(BACKEND, storage(BACKEND, dtype, x), Shape.of(2, 3), new int[] {1, 0}, new int[] {0, 2},
                    1, Shape.of(3, 5));
            double[] expected = {
                1, 1, 1, 1, 1,
                x[0], x[1], x[2], 1, 1,
                x[3], x[4], x[5], 1, 1,
            };
            assertClose("pad " + dtype, expected, values(BACKEND, r), 0, 0);
        }
        Storage scalar = BackendCalls.pad(BACKEND, storage(BACKEND, DType.FLOAT64, new double[] {4}), Shape.SCALAR, new int[0],
                new int[0], 0, Shape.SCALAR);
        assertClose("pad scalar", new double[] {4}, values(BACKEND, scalar), 0, 0);
    }

    @Test
    void gatherPicksSlicesAlongAnAxis() {
        for (DType dtype : DType.values()) {
            double[] x = randomValues(dtype, 3 * 4 * 2, 4);
            Storage xs = storage(BACKEND, dtype, x);
            Shape shape = Shape.of(3, 4, 2);
            Storage idx = BACKEND.fromArray(new long[] {3, 0, 3}, DType.INT64);
            // axis 1: out (3, 3, 2)
            Storage r = BackendCalls.gather(BACKEND, xs, shape, 1, idx, Shape.of(3), Shape.of(3, 3, 2));
            double[] expected = new double[18];
            long[] picks = {3, 0, 3};
            for (int o = 0; o < 3; o++) {
                for (int j = 0; j < 3; j++) {
                    for (int k = 0; k < 2; k++) {
                        expected[o * 6 + j * 2 + k] = x[o * 8 + (int) picks[j] * 2 + k];
                    }
                }
            }
            assertClose("gather axis 1 " + dtype, expected, values(BACKEND, r), 0, 0);
            // axis 2 (single elements) with a 2-D index: out (3, 4, 2, 2)
            Storage idx2 = BACKEND.fromArray(new long[] {1, 0, 0, 1}, DType.INT64);
            Storage r2 = BackendCalls.gather(BACKEND, xs, shape, 2, idx2, Shape.of(2, 2), Shape.of(3, 4, 2, 2));
            double[] expected2 = new double[48];
            for (int o = 0; o < 12; o++) {
                expected2[o * 4] = x[o * 2 + 1];
                expected2[o * 4 + 1] = x[o * 2];
                expected2[o * 4 + 2] = x[o * 2];
                expected2[o * 4 + 3] = x[o * 2 + 1];
            }
            assertClose("gather axis 2 " + dtype, expected2, values(BACKEND, r2), 0, 0);
        }
        Storage bad = BACKEND.fromArray(new long[] {4}, DType.INT64);
        Storage x = storage(BACKEND, DType.FLOAT32, new double[4]);
        assertThrows(IndexOutOfBoundsException.class,
                () -> BackendCalls.gather(BACKEND, x, Shape.of(4), 0, bad, Shape.of(1), Shape.of(1)));
    }
}
