package dev.adjoint.cpu;

import static dev.adjoint.cpu.KernelTestSupport.assertClose;
import static dev.adjoint.cpu.KernelTestSupport.backend;
import static dev.adjoint.cpu.KernelTestSupport.round;
import static dev.adjoint.cpu.KernelTestSupport.storage;
import static dev.adjoint.cpu.KernelTestSupport.values;
import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.op.BinaryOp;
import dev.adjoint.op.UnaryOp;
import dev.adjoint.spi.Storage;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * NaN and infinities through every elementwise op, the reductions, softmax, pooling and fused
 * chains, in both kernel flavours and both float types, against tables of what NumPy 2.4 prints
 * for the same inputs in float64 ({@code np.maximum}, {@code np.power}, {@code np.sum}, ...). The
 * inputs repeat the special values over more elements than four 512-bit vectors hold, so each one
 * lands in vector lanes at several positions and in a scalar tail. Signed zeros are not compared.
 */
class NanInfSemanticsTest {
    private static final double NAN = Double.NaN;
    private static final double INF = Double.POSITIVE_INFINITY;
    private static final List<DType> FLOATS = List.of(DType.FLOAT32, DType.FLOAT64);
    /** Tiled inputs are this long: 4 vectors of 16 floats, then a tail of 3. */
    private static final int TILED = 67;

    private static double tolerance(DType dtype) {
        return dtype == DType.FLOAT32 ? 2e-6 : 1e-15;
    }

    /** Java has no erf: float64 erf and gelu are series and continued fractions good to a few ulps, not one. */
    private static double tolerance(UnaryOp op, DType dtype) {
        return dtype == DType.FLOAT64 && (op == UnaryOp.ERF || op == UnaryOp.GELU) ? 4e-15 : tolerance(dtype);
    }

    /** {@code n} elements repeating {@code pattern}. */
    private static double[] tile(double[] pattern, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = pattern[i % pattern.length];
        }
        return out;
    }

    private static Tensor tensor(CpuBackend backend, DType dtype, double[] values, int... dims) {
        return Tensor.fromStorage(storage(backend, dtype, values), Shape.of(dims));
    }

    // ---- unary --------------------------------------------------------------------------------

    private static final double[] UNARY_INPUT = {NAN, INF, -INF, 0.0, 1.5, -2.0};

    /** NumPy: {@code np.negative(x)}, ..., {@code np.maximum(x, 0.0)} for relu, {@code 1 / np.sqrt(x)} for rsqrt, {@code 1 / (1 + np.exp(-x))} for sigmoid, {@code np.logaddexp(0.0, x)} for softplus, {@code scipy.special.erf} and {@code x * scipy.special.ndtr(x)} for erf and gelu. */
    private static final Map<UnaryOp, double[]> UNARY_NUMPY = Map.ofEntries(
            entry(UnaryOp.NEG, new double[] {NAN, -INF, INF, -0.0, -1.5, 2.0}),
            entry(UnaryOp.ABS, new double[] {NAN, INF, INF, 0.0, 1.5, 2.0}),
            entry(UnaryOp.SIGN, new double[] {NAN, 1.0, -1.0, 0.0, 1.0, -1.0}),
            entry(UnaryOp.SQUARE, new double[] {NAN, INF, INF, 0.0, 2.25, 4.0}),
            entry(UnaryOp.RELU, new double[] {NAN, INF, 0.0, 0.0, 1.5, 0.0}),
            entry(UnaryOp.EXP, new double[] {NAN, INF, 0.0, 1.0, 4.4816890703380645, 0.1353352832366127}),
            entry(UnaryOp.LOG, new double[] {NAN, INF, NAN, -INF, 0.4054651081081644, NAN}),
            entry(UnaryOp.LOG1P, new double[] {NAN, INF, NAN, 0.0, 0.9162907318741551, NAN}),
            entry(UnaryOp.SQRT, new double[] {NAN, INF, NAN, 0.0, 1.224744871391589, NAN}),
            entry(UnaryOp.RSQRT, new double[] {NAN, 0.0, NAN, INF, 0.8164965809277261, NAN}),
            entry(UnaryOp.SIN, new double[] {NAN, NAN, NAN, 0.0, 0.9974949866040544, -0.9092974268256817}),
            entry(UnaryOp.COS, new double[] {NAN, NAN, NAN, 1.0, 0.0707372016677029, -0.4161468365471424}),
            entry(UnaryOp.TANH, new double[] {NAN, 1.0, -1.0, 0.0, 0.9051482536448665, -0.9640275800758169}),
            entry(UnaryOp.SIGMOID, new double[] {NAN, 1.0, 0.0, 0.5, 0.8175744761936437, 0.11920292202211755}),
            entry(UnaryOp.SOFTPLUS, new double[] {NAN, INF, 0.0, 0.6931471805599453, 1.7014132779827524,
                    0.1269280110429725}),
            entry(UnaryOp.ERF, new double[] {NAN, 1.0, -1.0, 0.0, 0.9661051464753108, -0.9953222650189527}),
            // At -inf the limit -0, where scipy's x * ndtr(x) and PyTorch's formula give NaN.
            entry(UnaryOp.GELU, new double[] {NAN, INF, -0.0, 0.0, 1.399789198096713, -0.04550026389635844}));

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void unaryOpsGiveNumpysValues(boolean vector) {
        CpuBackend backend = backend(vector);
        for (UnaryOp op : UnaryOp.values()) {
            if (op == UnaryOp.LOGICAL_NOT) {
                continue;
            }
            assertTrue(UNARY_NUMPY.containsKey(op), "no NumPy row for " + op);
            for (DType dtype : FLOATS) {
                double[] x = tile(UNARY_INPUT, TILED);
                double[] expected = tile(UNARY_NUMPY.get(op), TILED);
                for (int i = 0; i < TILED; i++) {
                    expected[i] = round(dtype, expected[i]);
                }
                String context = op + " " + dtype + (vector ? " vector" : " scalar");
                Storage out = BackendCalls.unary(backend, op, storage(backend, dtype, x));
                assertClose(context, expected, values(backend, out), tolerance(op, dtype), 0);
                // A fused chain runs the same step in place inside its blocks; the extra step keeps it fused.
                Tensor fused = tensor(backend, dtype, x, TILED).chain().apply(op).mul(1.0).evaluate();
                assertClose(context + " fused", expected, fused.toDoubleArray(), tolerance(op, dtype), 0);
            }
        }
    }

    // ---- binary -------------------------------------------------------------------------------

    private static final double[] BINARY_VALUES = {NAN, INF, -INF, 0, 1, -1, 2};

    /** NumPy: {@code op(A[:, None], B[None, :])} with {@code A = B = [nan, inf, -inf, 0, 1, -1, 2]}; comparisons as 1/0. */
    private static final Map<BinaryOp, double[][]> BINARY_NUMPY = Map.ofEntries(
            entry(BinaryOp.ADD, new double[][] {
                {NAN, NAN, NAN, NAN, NAN, NAN, NAN},
                {NAN, INF, NAN, INF, INF, INF, INF},
                {NAN, NAN, -INF, -INF, -INF, -INF, -INF},
                {NAN, INF, -INF, 0, 1, -1, 2},
                {NAN, INF, -INF, 1, 2, 0, 3},
                {NAN, INF, -INF, -1, 0, -2, 1},
                {NAN, INF, -INF, 2, 3, 1, 4}}),
            entry(BinaryOp.SUB, new double[][] {
                {NAN, NAN, NAN, NAN, NAN, NAN, NAN},
                {NAN, NAN, INF, INF, INF, INF, INF},
                {NAN, -INF, NAN, -INF, -INF, -INF, -INF},
                {NAN, -INF, INF, 0, -1, 1, -2},
                {NAN, -INF, INF, 1, 0, 2, -1},
                {NAN, -INF, INF, -1, -2, 0, -3},
                {NAN, -INF, INF, 2, 1, 3, 0}}),
            entry(BinaryOp.MUL, new double[][] {
                {NAN, NAN, NAN, NAN, NAN, NAN, NAN},
                {NAN, INF, -INF, NAN, INF, -INF, INF},
                {NAN, -INF, INF, NAN, -INF, INF, -INF},
                {NAN, NAN, NAN, 0, 0, -0.0, 0},
                {NAN, INF, -INF, 0, 1, -1, 2},
                {NAN, -INF, INF, -0.0, -1, 1, -2},
                {NAN, INF, -INF, 0, 2, -2, 4}}),
            entry(BinaryOp.DIV, new double[][] {
                {NAN, NAN, NAN, NAN, NAN, NAN, NAN},
                {NAN, NAN, NAN, INF, INF, -INF, INF},
                {NAN, NAN, NAN, -INF, -INF, INF, -INF},
                {NAN, 0, -0.0, NAN, 0, -0.0, 0},
                {NAN, 0, -0.0, INF, 1, -1, 0.5},
                {NAN, -0.0, 0, -INF, -1, 1, -0.5},
                {NAN, 0, -0.0, INF, 2, -2, 1}}),
            // C99's pow, not Java's: 1 ** nan, 1 ** inf and (-1) ** inf are 1.
            entry(BinaryOp.POW, new double[][] {
                {NAN, NAN, NAN, 1, NAN, NAN, NAN},
                {NAN, INF, 0, 1, INF, 0, INF},
                {NAN, INF, 0, 1, -INF, -0.0, INF},
                {NAN, 0, INF, 1, 0, INF, 0},
                {1, 1, 1, 1, 1, 1, 1},
                {NAN, 1, 1, 1, -1, -1, 1},
                {NAN, INF, 0, 1, 2, 0.5, 4}}),
            entry(BinaryOp.MAXIMUM, new double[][] {
                {NAN, NAN, NAN, NAN, NAN, NAN, NAN},
                {NAN, INF, INF, INF, INF, INF, INF},
                {NAN, INF, -INF, 0, 1, -1, 2},
                {NAN, INF, 0, 0, 1, 0, 2},
                {NAN, INF, 1, 1, 1, 1, 2},
                {NAN, INF, -1, 0, 1, -1, 2},
                {NAN, INF, 2, 2, 2, 2, 2}}),
            entry(BinaryOp.MINIMUM, new double[][] {
                {NAN, NAN, NAN, NAN, NAN, NAN, NAN},
                {NAN, INF, -INF, 0, 1, -1, 2},
                {NAN, -INF, -INF, -INF, -INF, -INF, -INF},
                {NAN, 0, -INF, 0, 0, -1, 0},
                {NAN, 1, -INF, 0, 1, -1, 1},
                {NAN, -1, -INF, -1, -1, -1, -1},
                {NAN, 2, -INF, 0, 1, -1, 2}}),
            entry(BinaryOp.EQUAL, new double[][] {
                {0, 0, 0, 0, 0, 0, 0},
                {0, 1, 0, 0, 0, 0, 0},
                {0, 0, 1, 0, 0, 0, 0},
                {0, 0, 0, 1, 0, 0, 0},
                {0, 0, 0, 0, 1, 0, 0},
                {0, 0, 0, 0, 0, 1, 0},
                {0, 0, 0, 0, 0, 0, 1}}),
            entry(BinaryOp.NOT_EQUAL, new double[][] {
                {1, 1, 1, 1, 1, 1, 1},
                {1, 0, 1, 1, 1, 1, 1},
                {1, 1, 0, 1, 1, 1, 1},
                {1, 1, 1, 0, 1, 1, 1},
                {1, 1, 1, 1, 0, 1, 1},
                {1, 1, 1, 1, 1, 0, 1},
                {1, 1, 1, 1, 1, 1, 0}}),
            entry(BinaryOp.LESS, new double[][] {
                {0, 0, 0, 0, 0, 0, 0},
                {0, 0, 0, 0, 0, 0, 0},
                {0, 1, 0, 1, 1, 1, 1},
                {0, 1, 0, 0, 1, 0, 1},
                {0, 1, 0, 0, 0, 0, 1},
                {0, 1, 0, 1, 1, 0, 1},
                {0, 1, 0, 0, 0, 0, 0}}),
            entry(BinaryOp.LESS_EQUAL, new double[][] {
                {0, 0, 0, 0, 0, 0, 0},
                {0, 1, 0, 0, 0, 0, 0},
                {0, 1, 1, 1, 1, 1, 1},
                {0, 1, 0, 1, 1, 0, 1},
                {0, 1, 0, 0, 1, 0, 1},
                {0, 1, 0, 1, 1, 1, 1},
                {0, 1, 0, 0, 0, 0, 1}}),
            entry(BinaryOp.GREATER, new double[][] {
                {0, 0, 0, 0, 0, 0, 0},
                {0, 0, 1, 1, 1, 1, 1},
                {0, 0, 0, 0, 0, 0, 0},
                {0, 0, 1, 0, 0, 1, 0},
                {0, 0, 1, 1, 0, 1, 0},
                {0, 0, 1, 0, 0, 0, 0},
                {0, 0, 1, 1, 1, 1, 0}}),
            entry(BinaryOp.GREATER_EQUAL, new double[][] {
                {0, 0, 0, 0, 0, 0, 0},
                {0, 1, 1, 1, 1, 1, 1},
                {0, 0, 1, 0, 0, 0, 0},
                {0, 0, 1, 1, 0, 1, 0},
                {0, 0, 1, 1, 1, 1, 0},
                {0, 0, 1, 0, 0, 1, 0},
                {0, 0, 1, 1, 1, 1, 1}}));

    /**
     * Every (a, b) pair in the three layouts the kernels tell apart: both operands full-length
     * (each pair three times, at different lane positions), {@code b} a single element, and
     * {@code a} a single element.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void binaryOpsGiveNumpysValues(boolean vector) {
        CpuBackend backend = backend(vector);
        int k = BINARY_VALUES.length;
        for (BinaryOp op : BinaryOp.values()) {
            if (op.kind() == BinaryOp.Kind.LOGICAL) {
                continue;
            }
            assertTrue(BINARY_NUMPY.containsKey(op), "no NumPy table for " + op);
            double[][] table = BINARY_NUMPY.get(op);
            for (DType dtype : FLOATS) {
                DType resultType = op.resultType(dtype);
                String context = op + " " + dtype + (vector ? " vector" : " scalar");
                int n = 3 * k * k + 4;
                double[] a = new double[n];
                double[] b = new double[n];
                double[] expected = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = BINARY_VALUES[(i / k) % k];
                    b[i] = BINARY_VALUES[i % k];
                    expected[i] = round(resultType, table[(i / k) % k][i % k]);
                }
                Shape shape = Shape.of(n);
                Storage both = BackendCalls.binary(backend, op, storage(backend, dtype, a), shape, storage(backend, dtype, b), shape,
                        shape);
                assertClose(context + " both full-length", expected, values(backend, both), tolerance(dtype), 0);

                double[] column = tile(BINARY_VALUES, TILED);
                for (int j = 0; j < k; j++) {
                    Storage one = storage(backend, dtype, new double[] {BINARY_VALUES[j]});
                    double[] rowwise = new double[TILED];
                    double[] columnwise = new double[TILED];
                    for (int i = 0; i < TILED; i++) {
                        rowwise[i] = round(resultType, table[i % k][j]);
                        columnwise[i] = round(resultType, table[j][i % k]);
                    }
                    Storage vs = BackendCalls.binary(backend, op, storage(backend, dtype, column), Shape.of(TILED), one, Shape.SCALAR,
                            Shape.of(TILED));
                    assertClose(context + " with b = " + BINARY_VALUES[j], rowwise, values(backend, vs),
                            tolerance(dtype), 0);
                    Storage sv = BackendCalls.binary(backend, op, one, Shape.SCALAR, storage(backend, dtype, column), Shape.of(TILED),
                            Shape.of(TILED));
                    assertClose(context + " with a = " + BINARY_VALUES[j], columnwise, values(backend, sv),
                            tolerance(dtype), 0);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void clipAndWherePassNanThrough(boolean vector) {
        CpuBackend backend = backend(vector);
        for (DType dtype : FLOATS) {
            Tensor x = tensor(backend, dtype, tile(UNARY_INPUT, TILED), TILED);
            // NumPy: np.clip([nan, inf, -inf, 0, 1.5, -2], -1, 1)
            double[] clipped = tile(new double[] {NAN, 1, -1, 0, 1, -1}, TILED);
            assertClose("clip " + dtype, clipped, x.clip(-1.0, 1.0).toDoubleArray(), 0, 0);
            assertClose("fused clip " + dtype, clipped, x.chain().clip(-1.0, 1.0).evaluate().toDoubleArray(), 0, 0);
            // NumPy: np.where(x > 0, x, 0.0); NaN > 0 is false
            double[] positive = tile(new double[] {0, INF, 0, 0, 1.5, 0}, TILED);
            assertClose("where " + dtype, positive, Tensor.where(x.gt(0.0), x, Tensor.zerosLike(x)).toDoubleArray(), 0, 0);
            // NumPy: np.where(x != x, 0.0, x) (replace NaN)
            double[] noNan = tile(new double[] {0, INF, -INF, 0, 1.5, -2}, TILED);
            assertClose("where ne " + dtype, noNan, Tensor.where(x.ne(x), Tensor.zerosLike(x), x).toDoubleArray(), 0, 0);
        }
    }

    // ---- reductions ---------------------------------------------------------------------------

    /** A row of 70 ones with special values at given positions, and what NumPy gives for it. */
    private record Row(String name, double[] specials, double sum, double mean, double max, double min, double prod,
            double logSumExp, long argmax, long argmin, Function<Integer, Double> softmax,
            Function<Integer, Double> logSoftmax) {

        static final int LENGTH = 70;

        double[] values() {
            double[] row = new double[LENGTH];
            Arrays.fill(row, 1.0);
            for (int i = 0; i < specials.length; i += 2) {
                row[(int) specials[i]] = specials[i + 1];
            }
            return row;
        }
    }

    private static final Function<Integer, Double> ALL_NAN = i -> NAN;

    /**
     * NumPy: {@code np.sum(x)}, {@code np.mean}, {@code np.max}, {@code np.min}, {@code np.prod},
     * {@code np.log(np.sum(np.exp(x)))}, {@code np.argmax}, {@code np.argmin}. NumPy has no softmax:
     * the expected values are the stable formula {@code e = np.exp(x - x.max()); e / e.sum()} and
     * {@code x - x.max() - np.log(np.sum(np.exp(x - x.max())))}, which is also what
     * {@code scipy.special.softmax} and JAX's {@code softmax}/{@code log_softmax} give: NaN for the
     * whole row once it holds a NaN or +inf, or is all -inf.
     */
    private static final List<Row> ROWS = List.of(
            new Row("nan at 40", new double[] {40, NAN}, NAN, NAN, NAN, NAN, NAN, NAN, 40, 40, ALL_NAN, ALL_NAN),
            new Row("inf at 3 and 50", new double[] {3, INF, 50, INF}, INF, INF, INF, 1, INF, INF, 3, 0, ALL_NAN,
                    ALL_NAN),
            new Row("-inf at 65", new double[] {65, -INF}, -INF, -INF, 1, -INF, -INF, 5.23410650459726, 0, 65,
                    i -> i == 65 ? 0 : 0.014492753623188406, i -> i == 65 ? -INF : -4.23410650459726),
            new Row("inf at 10, -inf at 20", new double[] {10, INF, 20, -INF}, NAN, NAN, INF, -INF, -INF, INF, 10, 20,
                    ALL_NAN, ALL_NAN),
            new Row("inf at 2, nan at 5 and 60", new double[] {2, INF, 5, NAN, 60, NAN}, NAN, NAN, NAN, NAN, NAN, NAN,
                    5, 5, ALL_NAN, ALL_NAN),
            new Row("0 at 7, inf at 30", new double[] {7, 0, 30, INF}, INF, INF, INF, 0, NAN, INF, 30, 7, ALL_NAN,
                    ALL_NAN),
            new Row("all -inf", allNegativeInfinity(), -INF, -INF, -INF, -INF, INF, -INF, 0, 0, ALL_NAN, ALL_NAN));

    private static double[] allNegativeInfinity() {
        double[] specials = new double[2 * Row.LENGTH];
        for (int i = 0; i < Row.LENGTH; i++) {
            specials[2 * i] = i;
            specials[2 * i + 1] = -INF;
        }
        return specials;
    }

    private static void checkRow(String context, Row row, Tensor x, int axis, DType dtype) {
        double tol = tolerance(dtype);
        assertClose(context + " sum", row.sum(), x.sum(axis).item(), tol, 0);
        assertClose(context + " mean", row.mean(), x.mean(axis).item(), tol, 0);
        assertClose(context + " max", row.max(), x.max(axis).item(), 0, 0);
        assertClose(context + " min", row.min(), x.min(axis).item(), 0, 0);
        assertClose(context + " prod", row.prod(), x.prod(axis).item(), 0, 0);
        assertClose(context + " logSumExp", row.logSumExp(), x.logSumExp(axis).item(), tol, 0);
        assertEquals(row.argmax(), (long) x.argmax(axis).item(), context + " argmax");
        assertEquals(row.argmin(), (long) x.argmin(axis).item(), context + " argmin");
        double[] softmax = x.softmax(axis).toDoubleArray();
        double[] logSoftmax = x.logSoftmax(axis).toDoubleArray();
        for (int i = 0; i < Row.LENGTH; i++) {
            assertClose(context + " softmax at " + i, row.softmax().apply(i), softmax[i], tol, 0);
            assertClose(context + " logSoftmax at " + i, row.logSoftmax().apply(i), logSoftmax[i], tol, 0);
        }
    }

    /** Each row as a row (the contiguous kernels) and as a column (the column kernels). */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void reductionsAndSoftmaxGiveNumpysValues(boolean vector) {
        CpuBackend backend = backend(vector);
        for (DType dtype : FLOATS) {
            for (Row row : ROWS) {
                String context = row.name() + " " + dtype + (vector ? " vector" : " scalar");
                double[] values = row.values();
                checkRow(context, row, tensor(backend, dtype, values, 1, Row.LENGTH), 1, dtype);
                checkRow(context + " column", row, tensor(backend, dtype, values, Row.LENGTH, 1), 0, dtype);
                // Columns side by side: one row per column position, so the column kernels see vectors of them.
                int width = 19;
                double[] wide = new double[Row.LENGTH * width];
                for (int r = 0; r < Row.LENGTH; r++) {
                    Arrays.fill(wide, r * width, (r + 1) * width, values[r]);
                }
                Tensor columns = tensor(backend, dtype, wide, Row.LENGTH, width);
                assertClose(context + " columns max", tile(new double[] {row.max()}, width),
                        columns.max(0).toDoubleArray(), 0, 0);
                assertClose(context + " columns sum", tile(new double[] {row.sum()}, width),
                        columns.sum(0).toDoubleArray(), tolerance(dtype), 0);
                assertClose(context + " columns argmax", tile(new double[] {row.argmax()}, width),
                        columns.argmax(0).toDoubleArray(), 0, 0);
            }
        }
    }

    /** Rows long enough to be reduced in parallel chunks, with the special value in the last chunk. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void parallelWholeRowReductionsKeepNan(boolean vector) {
        CpuBackend backend = backend(vector);
        int n = 70_001;
        for (DType dtype : FLOATS) {
            double[] x = new double[n];
            Arrays.fill(x, 0.5);
            x[69_000] = NAN;
            Tensor withNan = tensor(backend, dtype, x, n);
            // NumPy: all NaN, and argmax/argmin at the NaN
            for (Tensor r : List.of(withNan.sum(), withNan.mean(), withNan.max(), withNan.min(), withNan.prod(),
                    withNan.logSumExp())) {
                assertTrue(Double.isNaN(r.item()), dtype + " " + r);
            }
            assertEquals(69_000L, (long) withNan.argmax().item());
            x[69_000] = INF;
            x[100] = -INF;
            Tensor withBoth = tensor(backend, dtype, x, n);
            // NumPy: sum nan, max inf, min -inf, logsumexp inf
            assertTrue(Double.isNaN(withBoth.sum().item()));
            assertEquals(INF, withBoth.max().item());
            assertEquals(-INF, withBoth.min().item());
            assertEquals(INF, withBoth.logSumExp().item());
        }
    }

    // ---- pooling ------------------------------------------------------------------------------

    /**
     * Max pooling propagates NaN as {@code np.max} over each window does (PyTorch's
     * {@code max_pool2d} too), and average pooling is {@code np.mean} over each window. Width 40
     * gives enough output columns for the vector pooling path at stride 1 and 2.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void poolingPropagatesNanAndInfinity(boolean vector) {
        CpuBackend backend = backend(vector);
        int h = 4;
        int w = 40;
        for (DType dtype : FLOATS) {
            double[] x = new double[h * w];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i * 7 % 11) - 5;
            }
            x[5] = NAN;                       // row 0, column 5
            x[w + 12] = INF;                  // row 1, column 12
            x[2 * w + 20] = -INF;             // rows 2-3, columns 20-21: a window of -inf
            x[2 * w + 21] = -INF;
            x[3 * w + 20] = -INF;
            x[3 * w + 21] = -INF;
            x[3 * w + 30] = INF;              // row 3, columns 30-31: inf next to -inf
            x[3 * w + 31] = -INF;
            Tensor t = tensor(backend, dtype, x, 1, 1, h, w);
            for (int stride : new int[] {1, 2}) {
                String context = dtype + " stride " + stride + (vector ? " vector" : " scalar");
                int oh = (h - 2) / stride + 1;
                int ow = (w - 2) / stride + 1;
                double[] max = t.maxPool2d(2, stride, 0).toDoubleArray();
                double[] avg = t.avgPool2d(2, stride, 0).toDoubleArray();
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double best = -INF;
                        double sum = 0;
                        boolean nan = false;
                        for (int dy = 0; dy < 2; dy++) {
                            for (int dx = 0; dx < 2; dx++) {
                                double v = x[(oy * stride + dy) * w + ox * stride + dx];
                                nan |= Double.isNaN(v);
                                best = v > best ? v : best;
                                sum += v;
                            }
                        }
                        String at = context + " at (" + oy + ", " + ox + ")";
                        assertClose(at + " max", nan ? NAN : best, max[oy * ow + ox], 0, 0);
                        assertClose(at + " avg", sum / 4, avg[oy * ow + ox], tolerance(dtype), 0);
                    }
                }
            }
            // The windows that matter, spelled out (stride 2): NaN, inf, all -inf, inf beside -inf.
            double[] max = t.maxPool2d(2).toDoubleArray();
            double[] avg = t.avgPool2d(2).toDoubleArray();
            assertClose(dtype + " NaN window", NAN, max[2], 0, 0);
            assertClose(dtype + " inf window", INF, max[6], 0, 0);
            assertClose(dtype + " -inf window", -INF, max[20 + 10], 0, 0);
            assertClose(dtype + " -inf window mean", -INF, avg[20 + 10], 0, 0);
            assertClose(dtype + " inf and -inf window mean", NAN, avg[20 + 15], 0, 0);
        }
    }
}
