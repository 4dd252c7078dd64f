package dev.adjoint.cpu;

import static dev.adjoint.cpu.KernelTestSupport.SIZES;
import static dev.adjoint.cpu.KernelTestSupport.assertClose;
import static dev.adjoint.cpu.KernelTestSupport.backend;
import static dev.adjoint.cpu.KernelTestSupport.broadcastIndex;
import static dev.adjoint.cpu.KernelTestSupport.randomValues;
import static dev.adjoint.cpu.KernelTestSupport.round;
import static dev.adjoint.cpu.KernelTestSupport.storage;
import static dev.adjoint.cpu.KernelTestSupport.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.op.BinaryOp;
import dev.adjoint.op.UnaryOp;
import dev.adjoint.spi.Storage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ElementwiseTest {
    /** Values that trip up transcendentals and NaN handling, mixed into floating inputs. */
    private static final double[] SPECIALS = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0,
            -0.0, 1e-30, -1e-30, 100, -100, 1, -1};

    /** Large layouts (the parallel paths) run for these types only, to keep the suite fast. */
    static final List<DType> LARGE_TYPES = List.of(DType.FLOAT32, DType.INT64, DType.BOOL);

    // ---- unary --------------------------------------------------------------------------------

    private static double unaryReference(UnaryOp op, double x) {
        return switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case SIGN -> x > 0 ? 1 : x < 0 ? -1 : x;
            case SQUARE -> x * x;
            case RELU -> Double.isNaN(x) ? x : x > 0 ? x : 0;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case LOG1P -> Math.log1p(x);
            case SQRT -> Math.sqrt(x);
            case RSQRT -> 1 / Math.sqrt(x);
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
            case SOFTPLUS -> x > 700 ? x : Math.log1p(Math.exp(x));
            // Java has no erf: the op's float64 definition, itself checked against the C library's in dsl-api.
            case ERF, GELU -> op.apply(x);
            case LOGICAL_NOT -> x == 0 ? 1 : 0;
        };
    }

    private static List<DType> unaryTypes(UnaryOp op) {
        if (op == UnaryOp.LOGICAL_NOT) {
            return List.of(DType.BOOL);
        }
        return op.floatingOnly() ? List.of(DType.FLOAT32, DType.FLOAT64)
                : List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64);
    }

    private static boolean exact(UnaryOp op) {
        return !op.floatingOnly() || op == UnaryOp.SQRT;
    }

    /** Random floating inputs with a special value every 13th element. */
    private static double[] unaryInput(DType dtype, int n, long seed) {
        double[] v = randomValues(dtype, n, seed);
        if (dtype.isFloating()) {
            for (int i = 0; i < n; i += 13) {
                v[i] = round(dtype, SPECIALS[(i / 13) % SPECIALS.length]);
            }
        }
        return v;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void unaryMatchesFloat64Reference(boolean vector) {
        CpuBackend backend = backend(vector);
        for (UnaryOp op : UnaryOp.values()) {
            for (DType dtype : unaryTypes(op)) {
                for (int n : SIZES) {
                    double[] x = unaryInput(dtype, n, n * 31L + op.ordinal());
                    Storage out = BackendCalls.unary(backend, op, storage(backend, dtype, x));
                    assertEquals(dtype, out.dtype());
                    double[] expected = new double[n];
                    for (int i = 0; i < n; i++) {
                        expected[i] = round(dtype, unaryReference(op, x[i]));
                    }
                    String context = op + " " + dtype + " n=" + n + (vector ? " vector" : " scalar");
                    double rel = exact(op) ? 0 : dtype == DType.FLOAT32 ? 2e-6 : 1e-13;
                    double abs = exact(op) ? 0 : dtype == DType.FLOAT32 ? 1e-6 : 1e-15;
                    assertClose(context, expected, values(backend, out), rel, abs);
                }
            }
        }
    }

    @Test
    void vectorUnaryAgreesWithScalarUnary() {
        for (UnaryOp op : UnaryOp.values()) {
            for (DType dtype : unaryTypes(op)) {
                double[] x = unaryInput(dtype, 4099, op.ordinal());
                double[] scalar = values(KernelTestSupport.SCALAR,
                        BackendCalls.unary(KernelTestSupport.SCALAR, op, storage(KernelTestSupport.SCALAR, dtype, x)));
                double[] vector = values(KernelTestSupport.VECTOR,
                        BackendCalls.unary(KernelTestSupport.VECTOR, op, storage(KernelTestSupport.VECTOR, dtype, x)));
                double rel = exact(op) ? 0 : dtype == DType.FLOAT32 ? 2e-6 : 1e-13;
                assertClose(op + " " + dtype + " vector vs scalar", scalar, vector, rel, rel);
            }
        }
    }

    @Test
    void unaryRejectsTypesOutsideItsDomain() {
        Storage ints = storage(KernelTestSupport.VECTOR, DType.INT32, new double[] {1, 2});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackendCalls.unary(KernelTestSupport.VECTOR, UnaryOp.EXP, ints));
        assertEquals("unary EXP is not defined on int32", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BackendCalls.unary(KernelTestSupport.VECTOR, UnaryOp.LOGICAL_NOT, ints));
    }

    // ---- binary -------------------------------------------------------------------------------

    /** Operand shape pairs covering every layout case: same shape, scalar, row, column, general. */
    private static List<Shape[]> layouts() {
        List<Shape[]> layouts = new ArrayList<>();
        for (int n : SIZES) {
            layouts.add(new Shape[] {Shape.of(n), Shape.of(n)});
        }
        layouts.add(new Shape[] {Shape.SCALAR, Shape.SCALAR});
        layouts.add(new Shape[] {Shape.SCALAR, Shape.of(1023)});
        layouts.add(new Shape[] {Shape.of(37), Shape.SCALAR});
        layouts.add(new Shape[] {Shape.of(1, 1), Shape.of(3, 35)});
        layouts.add(new Shape[] {Shape.of(4, 33), Shape.of(33)});
        layouts.add(new Shape[] {Shape.of(33), Shape.of(4, 33)});
        layouts.add(new Shape[] {Shape.of(5, 17), Shape.of(5, 1)});
        layouts.add(new Shape[] {Shape.of(5, 1), Shape.of(5, 17)});
        layouts.add(new Shape[] {Shape.of(2, 1, 3), Shape.of(4, 1)});
        layouts.add(new Shape[] {Shape.of(3, 1, 7), Shape.of(1, 5, 1)});
        layouts.add(new Shape[] {Shape.of(2, 3, 1, 4), Shape.of(3, 5, 1)});
        layouts.add(new Shape[] {Shape.of(0, 3), Shape.of(3)});
        layouts.add(new Shape[] {Shape.of(70, 1001), Shape.of(1001)});
        layouts.add(new Shape[] {Shape.of(1001, 1), Shape.of(1001, 70)});
        layouts.add(new Shape[] {Shape.of(1, 35_001), Shape.of(2, 1)});
        // Short rows in groups, split over threads: a tiled row on either side, an expanded column.
        layouts.add(new Shape[] {Shape.of(20_000, 10), Shape.of(10)});
        layouts.add(new Shape[] {Shape.of(10), Shape.of(9_001, 10)});
        layouts.add(new Shape[] {Shape.of(7_001, 1), Shape.of(7_001, 7)});
        return layouts;
    }

    private static List<DType> binaryTypes(BinaryOp op) {
        return switch (op.kind()) {
            case ARITHMETIC -> op == BinaryOp.DIV ? List.of(DType.FLOAT32, DType.FLOAT64)
                    : List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64);
            case COMPARISON -> List.of(DType.values());
            case LOGICAL -> List.of(DType.BOOL);
        };
    }

    private static double binaryReference(BinaryOp op, DType dtype, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            // C's pow, as NumPy: 1 to any power, and -1 to an infinite one, is 1 (Java's Math.pow says NaN).
            case POW -> a == 1 || a == -1 && Double.isInfinite(b) ? 1 : dtype.isFloating() || b >= 0 ? Math.pow(a, b)
                    : a == -1 ? (b % 2 == 0 ? 1 : -1) : 0;
            case MAXIMUM -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
            case MINIMUM -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b);
            case EQUAL -> a == b ? 1 : 0;
            case NOT_EQUAL -> a != b ? 1 : 0;
            case LESS -> a < b ? 1 : 0;
            case LESS_EQUAL -> a <= b ? 1 : 0;
            case GREATER -> a > b ? 1 : 0;
            case GREATER_EQUAL -> a >= b ? 1 : 0;
            case LOGICAL_AND -> a != 0 && b != 0 ? 1 : 0;
            case LOGICAL_OR -> a != 0 || b != 0 ? 1 : 0;
            case LOGICAL_XOR -> (a != 0) != (b != 0) ? 1 : 0;
        };
    }

    /** Operand values: POW gets small bases and exponents; floats get NaNs; some pairs tie. */
    private static double[][] binaryInputs(BinaryOp op, DType dtype, int aSize, int bSize, long seed) {
        double[] a = randomValues(dtype, aSize, seed);
        double[] b = randomValues(dtype, bSize, seed + 1);
        for (int i = 0; i < Math.min(aSize, bSize); i += 5) {
            b[i] = a[i];
        }
        if (op == BinaryOp.POW) {
            for (int i = 0; i < aSize; i++) a[i] = dtype.isFloating() ? Math.abs(a[i]) : a[i] % 4;
            for (int i = 0; i < bSize; i++) b[i] = dtype.isFloating() ? round(dtype, b[i]) : b[i] % 7;
        } else if (dtype.isFloating()) {
            for (int i = 3; i < aSize; i += 41) a[i] = Double.NaN;
            for (int i = 7; i < bSize; i += 43) b[i] = Double.NaN;
        }
        return new double[][] {a, b};
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void binaryMatchesFloat64ReferenceForEveryLayout(boolean vector) {
        CpuBackend backend = backend(vector);
        for (Shape[] layout : layouts()) {
            Shape aShape = layout[0];
            Shape bShape = layout[1];
            Shape outShape = Shape.broadcast("test", aShape, bShape);
            int[] aIndex = broadcastIndex(aShape, outShape);
            int[] bIndex = broadcastIndex(bShape, outShape);
            for (BinaryOp op : BinaryOp.values()) {
                for (DType dtype : binaryTypes(op)) {
                    if (outShape.size() > 10_000 && !LARGE_TYPES.contains(dtype)) {
                        continue;
                    }
                    double[][] in = binaryInputs(op, dtype, (int) aShape.size(), (int) bShape.size(),
                            outShape.size() + op.ordinal());
                    Storage out = BackendCalls.binary(backend, op, storage(backend, dtype, in[0]), aShape,
                            storage(backend, dtype, in[1]), bShape, outShape);
                    DType resultType = op.kind() == BinaryOp.Kind.ARITHMETIC ? dtype : DType.BOOL;
                    assertEquals(resultType, out.dtype());
                    double[] expected = new double[aIndex.length];
                    for (int i = 0; i < expected.length; i++) {
                        expected[i] = round(resultType,
                                binaryReference(op, dtype, in[0][aIndex[i]], in[1][bIndex[i]]));
                    }
                    double tolerance = op == BinaryOp.POW && dtype.isFloating()
                            ? (dtype == DType.FLOAT32 ? 2e-6 : 1e-13) : 0;
                    assertClose(op + " " + dtype + " " + aShape + " with " + bShape + (vector ? " vector" : " scalar"),
                            expected, values(backend, out), tolerance, tolerance);
                }
            }
        }
    }

    @Test
    void integerPowerWithNegativeExponentTruncates() {
        CpuBackend backend = KernelTestSupport.VECTOR;
        Storage base = storage(backend, DType.INT64, new double[] {2, 1, -1, -1, 0, 3});
        Storage exponent = storage(backend, DType.INT64, new double[] {-1, -5, -3, -4, -2, 0});
        Storage out = BackendCalls.binary(backend, BinaryOp.POW, base, Shape.of(6), exponent, Shape.of(6), Shape.of(6));
        assertClose("pow", new double[] {0, 1, -1, 1, 0, 1}, values(backend, out), 0, 0);
    }

    @Test
    void binaryRejectsMismatchedOperands() {
        CpuBackend backend = KernelTestSupport.VECTOR;
        Storage f = storage(backend, DType.FLOAT32, new double[] {1, 2});
        Storage d = storage(backend, DType.FLOAT64, new double[] {1, 2});
        Storage i = storage(backend, DType.INT32, new double[] {1, 2});
        Shape s = Shape.of(2);
        assertThrows(IllegalArgumentException.class, () -> BackendCalls.binary(backend, BinaryOp.ADD, f, s, d, s, s));
        assertThrows(IllegalArgumentException.class, () -> BackendCalls.binary(backend, BinaryOp.DIV, i, s, i, s, s));
        assertThrows(IllegalArgumentException.class, () -> BackendCalls.binary(backend, BinaryOp.LOGICAL_AND, f, s, f, s, s));
        assertThrows(IllegalArgumentException.class, () -> BackendCalls.binary(backend, BinaryOp.ADD, f, Shape.of(3), f, s, s));
    }

    // ---- where --------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void whereSelectsPerElementWithBroadcasting(boolean vector) {
        CpuBackend backend = backend(vector);
        Shape[][] cases = {
            {Shape.of(17), Shape.of(17), Shape.of(17)},
            {Shape.of(70_001), Shape.of(70_001), Shape.of(70_001)},
            {Shape.of(4, 1), Shape.of(1, 9), Shape.SCALAR},
            {Shape.of(3, 5), Shape.of(5), Shape.of(3, 1)},
            {Shape.SCALAR, Shape.of(2, 3), Shape.of(3)},
            {Shape.of(0, 2), Shape.of(2), Shape.of(2)},
            // Per-element conditions with one or both branches a single element (the vector path's cases).
            {Shape.of(1023), Shape.of(1023), Shape.SCALAR},
            {Shape.of(2, 1000), Shape.SCALAR, Shape.of(1000)},
            {Shape.of(33), Shape.SCALAR, Shape.SCALAR},
        };
        for (Shape[] shapes : cases) {
            Shape out = Shape.broadcast("t", Shape.broadcast("t", shapes[0], shapes[1]), shapes[2]);
            int[] ci = broadcastIndex(shapes[0], out);
            int[] ai = broadcastIndex(shapes[1], out);
            int[] bi = broadcastIndex(shapes[2], out);
            for (DType dtype : DType.values()) {
                double[] c = randomValues(DType.BOOL, (int) shapes[0].size(), 1);
                double[] a = randomValues(dtype, (int) shapes[1].size(), 2);
                double[] b = randomValues(dtype, (int) shapes[2].size(), 3);
                Storage result = BackendCalls.where(backend, storage(backend, DType.BOOL, c), shapes[0], storage(backend, dtype, a),
                        shapes[1], storage(backend, dtype, b), shapes[2], out);
                assertEquals(dtype, result.dtype());
                double[] expected = new double[ci.length];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = c[ci[i]] != 0 ? a[ai[i]] : b[bi[i]];
                }
                assertClose("where " + dtype + " " + out, expected, values(backend, result), 0, 0);
            }
        }
    }
}
