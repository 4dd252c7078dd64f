package dev.adjoint.cpu;

import static dev.adjoint.cpu.KernelTestSupport.SIZES;
import static dev.adjoint.cpu.KernelTestSupport.assertClose;
import static dev.adjoint.cpu.KernelTestSupport.backend;
import static dev.adjoint.cpu.KernelTestSupport.randomValues;
import static dev.adjoint.cpu.KernelTestSupport.round;
import static dev.adjoint.cpu.KernelTestSupport.storage;
import static dev.adjoint.cpu.KernelTestSupport.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.op.ReduceOp;
import dev.adjoint.spi.Storage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReductionsTest {
    private record Case(Shape shape, int... axes) {
    }

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (int n : SIZES) {
            cases.add(new Case(Shape.of(n), 0));
        }
        cases.add(new Case(Shape.of(4, 33), 1));
        cases.add(new Case(Shape.of(4, 33), 0));
        cases.add(new Case(Shape.of(4, 33), 0, 1));
        for (int[] axes : new int[][] {{0}, {1}, {2}, {0, 1}, {1, 2}, {0, 2}, {0, 1, 2}}) {
            cases.add(new Case(Shape.of(3, 5, 7), axes));
        }
        cases.add(new Case(Shape.of(2, 1, 3, 1, 5), 1));
        cases.add(new Case(Shape.of(2, 1, 3, 1, 5), 0, 3));
        cases.add(new Case(Shape.of(2, 1, 3, 1, 5), 1, 3));
        cases.add(new Case(Shape.of(5, 0, 3), 1));
        cases.add(new Case(Shape.of(5, 0, 3), 0));
        // A global average pool: many rows shorter than four vectors, longer than one.
        cases.add(new Case(Shape.of(2, 40, 7, 7), 2, 3));
        cases.add(new Case(Shape.of(3, 25_001), 1));
        cases.add(new Case(Shape.of(25_001, 3), 0));
        cases.add(new Case(Shape.of(2, 300, 1100), 1));
        return cases;
    }

    private static List<DType> types(ReduceOp op) {
        return op == ReduceOp.MEAN || op == ReduceOp.LOG_SUM_EXP ? List.of(DType.FLOAT32, DType.FLOAT64)
                : List.of(DType.values());
    }

    /** Inputs: products stay near 1 so they neither overflow nor round away. */
    private static double[] input(ReduceOp op, DType dtype, int n, long seed) {
        double[] x = randomValues(dtype, n, seed);
        if (op == ReduceOp.PROD) {
            for (int i = 0; i < n; i++) {
                x[i] = dtype.isFloating() ? round(dtype, 1 + x[i] / 30) : dtype == DType.BOOL ? x[i] : x[i] >= 0 ? 1 : -1;
            }
        }
        return x;
    }

    /**
     * The reference: groups every input element under its output position (in row-major order,
     * so a group lists the reduced axis in order) and reduces each group in float64.
     */
    static double[][] groups(double[] x, Shape shape, int[] axes) {
        int rank = shape.rank();
        boolean[] reduced = new boolean[rank];
        for (int a : axes) reduced[a] = true;
        int outSize = 1;
        int groupSize = 1;
        for (int d = 0; d < rank; d++) {
            if (reduced[d]) groupSize *= shape.dim(d);
            else outSize *= shape.dim(d);
        }
        double[][] groups = new double[outSize][groupSize];
        int[] filled = new int[outSize];
        for (int flat = 0; flat < x.length; flat++) {
            int rest = flat;
            int out = 0;
            int stride = 1;
            for (int d = rank - 1; d >= 0; d--) {
                int i = rest % shape.dim(d);
                rest /= shape.dim(d);
                if (!reduced[d]) {
                    out += i * stride;
                    stride *= shape.dim(d);
                }
            }
            groups[out][filled[out]++] = x[flat];
        }
        return groups;
    }

    static double reference(ReduceOp op, double[] g) {
        double sum = 0;
        double prod = 1;
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        int argMax = -1;
        int argMin = -1;
        for (int i = 0; i < g.length; i++) {
            sum += g[i];
            prod *= g[i];
            if (argMax < 0 || (!Double.isNaN(g[argMax]) && (Double.isNaN(g[i]) || g[i] > g[argMax]))) argMax = i;
            if (argMin < 0 || (!Double.isNaN(g[argMin]) && (Double.isNaN(g[i]) || g[i] < g[argMin]))) argMin = i;
            max = Double.isNaN(g[i]) || Double.isNaN(max) ? Double.NaN : Math.max(max, g[i]);
            min = Double.isNaN(g[i]) || Double.isNaN(min) ? Double.NaN : Math.min(min, g[i]);
        }
        return switch (op) {
            case SUM -> sum;
            case MEAN -> sum / g.length;
            case PROD -> prod;
            case MAX -> max;
            case MIN -> min;
            case ARGMAX -> argMax;
            case ARGMIN -> argMin;
            case LOG_SUM_EXP -> {
                if (!Double.isFinite(max)) yield max;
                double s = 0;
                for (double v : g) s += Math.exp(v - max);
                yield max + Math.log(s);
            }
        };
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void reduceMatchesFloat64Reference(boolean vector) {
        CpuBackend backend = backend(vector);
        for (Case c : cases()) {
            for (ReduceOp op : ReduceOp.values()) {
                if (op.isArg() && c.axes().length != 1) continue;
                double[][] sample = groups(new double[(int) c.shape().size()], c.shape(), c.axes());
                if (op.needsNonEmpty() && sample.length > 0 && sample[0].length == 0) continue;
                for (DType dtype : types(op)) {
                    if (c.shape().size() > 10_000 && dtype != DType.FLOAT32 && dtype != DType.INT32) {
                        continue;
                    }
                    double[] x = input(op, dtype, (int) c.shape().size(), c.shape().size() + op.ordinal());
                    Storage out = BackendCalls.reduce(backend, op, storage(backend, dtype, x), c.shape(), c.axes());
                    DType resultType = op.isArg() ? DType.INT64 : dtype;
                    assertEquals(resultType, out.dtype());
                    double[][] groups = groups(x, c.shape(), c.axes());
                    double[] expected = new double[groups.length];
                    double[] tolerance = new double[groups.length];
                    for (int i = 0; i < groups.length; i++) {
                        expected[i] = round(resultType, reference(op, groups[i]));
                        double magnitude = 0;
                        for (double v : groups[i]) magnitude += Math.abs(v);
                        double eps = dtype == DType.FLOAT32 ? 1.2e-7 : dtype == DType.FLOAT64 ? 2.3e-16 : 0;
                        tolerance[i] = switch (op) {
                            case SUM -> 4 * eps * magnitude;
                            case MEAN -> 4 * eps * magnitude / Math.max(1, groups[i].length);
                            case PROD -> 4 * eps * (groups[i].length + 2) * Math.abs(expected[i]);
                            case LOG_SUM_EXP -> 8 * eps * (Math.abs(expected[i]) + 1);
                            default -> 0;
                        };
                    }
                    double[] actual = values(backend, out);
                    String context = op + " " + dtype + " " + c.shape() + " axes " + java.util.Arrays.toString(c.axes())
                            + (vector ? " vector" : " scalar");
                    assertEquals(expected.length, actual.length, context);
                    for (int i = 0; i < expected.length; i++) {
                        assertClose(context + " at " + i, expected[i], actual[i], 0, tolerance[i]);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void nanAndInfinityFollowNumpy(boolean vector) {
        CpuBackend backend = backend(vector);
        double nan = Double.NaN;
        double inf = Double.POSITIVE_INFINITY;
        // Rows of 40 so the special values land in vector lanes and in tails.
        double[][] rows = new double[4][40];
        rows[0][5] = nan;
        rows[0][30] = nan;
        rows[1][38] = inf;
        rows[1][2] = -inf;
        java.util.Arrays.fill(rows[2], -inf);
        rows[3][10] = 7;
        rows[3][20] = 7;
        rows[3][39] = -7;
        double[] flat = new double[160];
        for (int r = 0; r < 4; r++) System.arraycopy(rows[r], 0, flat, r * 40, 40);
        Shape shape = Shape.of(4, 40);
        for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
            Storage x = storage(backend, dtype, flat);
            assertClose("max", new double[] {nan, inf, -inf, 7}, values(backend,
                    BackendCalls.reduce(backend, ReduceOp.MAX, x, shape, new int[] {1})), 0, 0);
            assertClose("min", new double[] {nan, -inf, -inf, -7}, values(backend,
                    BackendCalls.reduce(backend, ReduceOp.MIN, x, shape, new int[] {1})), 0, 0);
            assertClose("argmax", new double[] {5, 38, 0, 10}, values(backend,
                    BackendCalls.reduce(backend, ReduceOp.ARGMAX, x, shape, new int[] {1})), 0, 0);
            assertClose("argmin", new double[] {5, 2, 0, 39}, values(backend,
                    BackendCalls.reduce(backend, ReduceOp.ARGMIN, x, shape, new int[] {1})), 0, 0);
            double[] lse = values(backend, BackendCalls.reduce(backend, ReduceOp.LOG_SUM_EXP, x, shape, new int[] {1}));
            assertClose("logSumExp", new double[] {nan, inf, -inf, reference(ReduceOp.LOG_SUM_EXP, rows[3])}, lse,
                    1e-6, 0);
            // The same along the leading axis (the column kernels).
            Shape transposed = Shape.of(40, 4);
            double[] t = new double[160];
            for (int r = 0; r < 4; r++) for (int c = 0; c < 40; c++) t[c * 4 + r] = rows[r][c];
            Storage xt = storage(backend, dtype, t);
            assertClose("argmax cols", new double[] {5, 38, 0, 10}, values(backend,
                    BackendCalls.reduce(backend, ReduceOp.ARGMAX, xt, transposed, new int[] {0})), 0, 0);
            assertClose("max cols", new double[] {nan, inf, -inf, 7}, values(backend,
                    BackendCalls.reduce(backend, ReduceOp.MAX, xt, transposed, new int[] {0})), 0, 0);
            assertClose("logSumExp cols", lse, values(backend,
                    BackendCalls.reduce(backend, ReduceOp.LOG_SUM_EXP, xt, transposed, new int[] {0})), 1e-6, 0);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void float32SumsStayAccurateOverMillionsOfElements(boolean vector) {
        CpuBackend backend = backend(vector);
        int n = 1 << 22;
        float[] x = new float[n];
        SplittableRandom random = new SplittableRandom(7);
        double exact = 0;
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextDouble();
            exact += x[i];
        }
        Storage s = backend.fromArray(x, DType.FLOAT32);
        float total = ((float[]) backend.toArray(BackendCalls.reduce(backend, ReduceOp.SUM, s, Shape.of(n), new int[] {0})))[0];
        assertTrue(Math.abs(total - exact) <= 1e-6 * exact, "whole sum " + total + " vs " + exact);
        // Leading-axis sum: 2^19 rows of 8 columns.
        float[] columns = (float[]) backend.toArray(
                BackendCalls.reduce(backend, ReduceOp.SUM, s, Shape.of(n / 8, 8), new int[] {0}));
        for (int j = 0; j < 8; j++) {
            double expected = 0;
            for (int i = j; i < n; i += 8) expected += x[i];
            assertTrue(Math.abs(columns[j] - expected) <= 1e-6 * expected, "column " + j + ": " + columns[j]
                    + " vs " + expected);
        }
    }

    @Test
    void shortRowsSumToTheBitsOfTheRowKernel() {
        // sumShortRows adds a vector's worth of rows at once (a global average pool's planes); each sum must keep the
        // bits of the one-row kernel, signed zeros, infinities and NaN included, for any row count.
        assumeTrue(KernelMode.VECTOR, "the Vector API kernels are not in use");
        int v = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        SplittableRandom random = new SplittableRandom(31);
        float[] specials = {-0f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1e30f, -1e30f};
        int checked = 0;
        for (int len = v; len < 4 * v; len += 1 + random.nextInt(3)) {
            assertTrue(VectorReductionsF32.takesShortRows(len));
            for (int rows : new int[] {0, 1, v - 1, v, 2 * v + 3}) {
                float[] x = new float[3 + rows * len];
                for (int i = 0; i < x.length; i++) {
                    x[i] = random.nextInt(40) == 0 ? specials[random.nextInt(specials.length)]
                            : (float) (random.nextDouble(-1, 1) * Math.pow(10, random.nextInt(-3, 4)));
                }
                double[] sums = new double[rows];
                VectorReductionsF32.sumShortRows(x, 3, len, rows, sums);
                for (int r = 0; r < rows; r++) {
                    double expected = VectorReductionsF32.sum(x, 3 + r * len, len);
                    // Every NaN as one (its sign and payload depend on the instruction that made it), but -0 != +0.
                    assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(sums[r]),
                            "row " + r + " of " + rows + ", length " + len + ": " + expected + " vs " + sums[r]);
                    checked++;
                }
            }
        }
        assertTrue(checked > 100, "rows checked: " + checked);
        assertTrue(!VectorReductionsF32.takesShortRows(v - 1) && !VectorReductionsF32.takesShortRows(4 * v));
    }

    @Test
    void float64ShortRowsSumToTheBitsOfTheRowKernel() {
        // The float64 variant, generated from the same source: its own vector length, the same contract.
        assumeTrue(KernelMode.VECTOR, "the Vector API kernels are not in use");
        int v = jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED.length();
        SplittableRandom random = new SplittableRandom(32);
        double[] specials = {-0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 1e300};
        int checked = 0;
        for (int len = v; len < 4 * v; len++) {
            assertTrue(VectorReductionsF64.takesShortRows(len));
            for (int rows : new int[] {1, v, 2 * v + 3}) {
                double[] x = new double[1 + rows * len];
                for (int i = 0; i < x.length; i++) {
                    x[i] = random.nextInt(40) == 0 ? specials[random.nextInt(specials.length)]
                            : random.nextDouble(-1, 1) * Math.pow(10, random.nextInt(-3, 4));
                }
                double[] sums = new double[rows];
                VectorReductionsF64.sumShortRows(x, 1, len, rows, sums);
                for (int r = 0; r < rows; r++) {
                    double expected = VectorReductionsF64.sum(x, 1 + r * len, len);
                    assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(sums[r]),
                            "row " + r + " of " + rows + ", length " + len + ": " + expected + " vs " + sums[r]);
                    checked++;
                }
            }
        }
        assertTrue(checked > 50, "rows checked: " + checked);
    }

    @Test
    void reduceRejectsBadAxes() {
        CpuBackend backend = KernelTestSupport.VECTOR;
        Storage x = storage(backend, DType.FLOAT32, new double[6]);
        Shape shape = Shape.of(2, 3);
        assertThrows(IllegalArgumentException.class, () -> BackendCalls.reduce(backend, ReduceOp.SUM, x, shape, new int[] {}));
        assertThrows(IllegalArgumentException.class, () -> BackendCalls.reduce(backend, ReduceOp.SUM, x, shape, new int[] {1, 0}));
        assertThrows(IllegalArgumentException.class, () -> BackendCalls.reduce(backend, ReduceOp.SUM, x, shape, new int[] {2}));
        assertThrows(IllegalArgumentException.class, () -> BackendCalls.reduce(backend, ReduceOp.ARGMAX, x, shape, new int[] {0, 1}));
        Storage ints = storage(backend, DType.INT32, new double[6]);
        assertThrows(IllegalArgumentException.class, () -> BackendCalls.reduce(backend, ReduceOp.MEAN, ints, shape, new int[] {0}));
        Storage empty = storage(backend, DType.FLOAT32, new double[0]);
        assertThrows(IllegalArgumentException.class,
                () -> BackendCalls.reduce(backend, ReduceOp.MAX, empty, Shape.of(2, 0), new int[] {1}));
    }

    // ---- softmax ------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void softmaxMatchesStableFloat64Reference(boolean vector) {
        CpuBackend backend = backend(vector);
        List<Case> cases = new ArrayList<>();
        for (int n : SIZES) cases.add(new Case(Shape.of(n), 0));
        cases.add(new Case(Shape.of(4, 33), 1));
        cases.add(new Case(Shape.of(4, 33), 0));
        cases.add(new Case(Shape.of(3, 5, 7), 1));
        cases.add(new Case(Shape.of(2, 3000), 0));
        cases.add(new Case(Shape.of(3, 0, 2), 2));
        for (Case c : cases) {
            int axis = c.axes()[0];
            for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
                double[] x = randomValues(dtype, (int) c.shape().size(), axis + c.shape().size());
                // Large and -inf logits: a naive exp would overflow or divide 0 by 0.
                for (int i = 0; i < x.length; i += 11) x[i] = 500;
                for (int i = 4; i < x.length; i += 13) x[i] = Double.NEGATIVE_INFINITY;
                for (boolean log : new boolean[] {false, true}) {
                    Storage out = BackendCalls.softmax(backend, storage(backend, dtype, x), c.shape(), axis, log);
                    double[] expected = softmaxReference(x, c.shape(), axis, log);
                    double tol = dtype == DType.FLOAT32 ? 2e-6 : 1e-13;
                    assertClose((log ? "logSoftmax " : "softmax ") + dtype + " " + c.shape() + " axis " + axis
                            + (vector ? " vector" : " scalar"), expected, values(backend, out), tol, tol);
                }
            }
        }
    }

    private static double[] softmaxReference(double[] x, Shape shape, int axis, boolean log) {
        int outer = 1;
        int inner = 1;
        for (int d = 0; d < axis; d++) outer *= shape.dim(d);
        for (int d = axis + 1; d < shape.rank(); d++) inner *= shape.dim(d);
        int length = shape.dim(axis);
        double[] out = new double[x.length];
        for (int p = 0; p < outer; p++) {
            for (int j = 0; j < inner; j++) {
                int base = p * length * inner + j;
                double max = Double.NEGATIVE_INFINITY;
                for (int r = 0; r < length; r++) max = Math.max(max, x[base + r * inner]);
                double sum = 0;
                for (int r = 0; r < length; r++) sum += Math.exp(x[base + r * inner] - max);
                for (int r = 0; r < length; r++) {
                    double v = x[base + r * inner] - max;
                    out[base + r * inner] = log ? v - Math.log(sum) : Math.exp(v) / sum;
                }
            }
        }
        return out;
    }
}
