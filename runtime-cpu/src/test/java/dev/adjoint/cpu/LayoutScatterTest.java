package dev.adjoint.cpu;

import static dev.adjoint.cpu.KernelTestSupport.assertClose;
import static dev.adjoint.cpu.KernelTestSupport.randomValues;
import static dev.adjoint.cpu.KernelTestSupport.storage;
import static dev.adjoint.cpu.KernelTestSupport.values;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.spi.Storage;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code indexAdd}, gather's adjoint, against a plain float64 loop. */
class LayoutScatterTest {
    private static final CpuBackend BACKEND = KernelTestSupport.VECTOR;

    /** {@code out = x; out[o, idx[j], k] += updates[o, j, k]}, in float64. */
    private static double[] reference(double[] x, int outer, int axisLength, int inner, long[] idx, double[] updates) {
        double[] out = x.clone();
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < idx.length; j++) {
                for (int k = 0; k < inner; k++) {
                    out[(o * axisLength + (int) idx[j]) * inner + k] += updates[(o * idx.length + j) * inner + k];
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 17, 33, 1023})
    void addsSlicesAndAccumulatesRepeats(int picks) {
        SplittableRandom random = new SplittableRandom(picks);
        int[][] shapes = {{3, 5, 2}, {1, 4, 1}, {2, 3, 17}};
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64}) {
            for (int[] dims : shapes) {
                for (int axis = 0; axis < dims.length; axis++) {
                    Shape shape = Shape.of(dims);
                    int outer = 1;
                    for (int d = 0; d < axis; d++) {
                        outer *= dims[d];
                    }
                    int inner = 1;
                    for (int d = axis + 1; d < dims.length; d++) {
                        inner *= dims[d];
                    }
                    long[] idx = new long[picks];
                    for (int j = 0; j < picks; j++) {
                        idx[j] = random.nextInt(dims[axis]); // many repeats once picks > dims[axis]
                    }
                    double[] x = randomValues(dtype, (int) shape.size(), picks + axis);
                    double[] updates = randomValues(dtype, outer * picks * inner, 2L * picks + axis);
                    Storage out = BackendCalls.indexAdd(BACKEND, storage(BACKEND, dtype, x), shape, axis,
                            BACKEND.fromArray(idx, DType.INT64), Shape.of(picks), storage(BACKEND, dtype, updates));
                    double[] expected = reference(x, outer, dims[axis], inner, idx, updates);
                    // float32 rounds once per add, and one slot may take every repeat.
                    double tolerance = dtype == DType.FLOAT32 ? 1e-6 * (1 + picks) : 1e-12;
                    assertClose("indexAdd " + dtype + " " + shape + " axis " + axis, expected, values(BACKEND, out),
                            tolerance, tolerance);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void badArgumentsAreRejectedByName(DType dtype) {
        Storage x = storage(BACKEND, dtype, new double[4]);
        Storage one = storage(BACKEND, dtype, new double[1]);
        Storage outOfRange = BACKEND.fromArray(new long[] {4}, DType.INT64);
        assertThrows(IndexOutOfBoundsException.class,
                () -> BackendCalls.indexAdd(BACKEND, x, Shape.of(4), 0, outOfRange, Shape.of(1), one));
        Storage ok = BACKEND.fromArray(new long[] {1}, DType.INT64);
        Storage twoUpdates = storage(BACKEND, dtype, new double[2]);
        assertThrows(IllegalArgumentException.class, () -> BackendCalls.indexAdd(BACKEND, x, Shape.of(4), 0, ok, Shape.of(1), twoUpdates));
        Storage intIndex = BACKEND.fromArray(new int[] {1}, DType.INT32);
        assertThrows(IllegalArgumentException.class, () -> BackendCalls.indexAdd(BACKEND, x, Shape.of(4), 0, intIndex, Shape.of(1), one));
        assertThrows(IllegalArgumentException.class, () -> BackendCalls.indexAdd(BACKEND, x, Shape.of(4), 1, ok, Shape.of(1), one));
    }
}
