package dev.adjoint.op;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The float64 definitions of {@link UnaryOp#ERF} and {@link UnaryOp#GELU}, which the kernels are
 * tested against, checked in turn against Python's {@code math.erf} and
 * {@code 0.5 * x * math.erfc(-x / math.sqrt(2))} (the C library's, correctly rounded to within an
 * ulp), printed with {@code repr}.
 */
class ErfGeluDefinitionTest {

    private static final double[][] ERF = {
            {0.0, 0.0},
            {1e-300, 1.1283791670955126e-300},
            {1e-10, 1.1283791670955126e-10},
            {0.001, 0.0011283787909692365},
            {0.1, 0.1124629160182849},
            {0.25, 0.2763263901682369},
            {0.5, 0.5204998778130465},
            {0.75, 0.7111556336535151},
            {0.999, 0.8422852702064969},
            {1.0, 0.8427007929497149},
            {1.25, 0.9229001282564582},
            {1.5, 0.9661051464753108},
            {2.0, 0.9953222650189527},
            {2.5, 0.999593047982555},
            {2.999, 0.9999777698314002},
            {3.0, 0.9999779095030014},
            {3.5, 0.9999992569016276},
            {4.0, 0.9999999845827421},
            {4.5, 0.9999999998033839},
            {5.0, 0.9999999999984626},
            {5.9, 0.9999999999999999},
            {6.5, 1.0},
            {-0.3, -0.3286267594591274},
            {-1.7, -0.9837904585907745},
            {-2.2, -0.9981371537020182},
            {-3.3, -0.9999969422902035},
            {-4.8, -0.9999999999886479},
            {-7.0, -1.0},
    };

    private static final double[][] GELU = {
            {0.0, 0.0},
            {1e-10, 5.000000000398942e-11},
            {0.1, 0.053982783727702904},
            {0.5, 0.34573123063700656},
            {1.0, 0.8413447460685429},
            {1.5, 1.399789198096713},
            {2.0, 1.9544997361036416},
            {3.0, 2.99595030590511},
            {5.0, 4.99999856674214},
            {10.0, 10.0},
            {-1e-10, -4.9999999996010574e-11},
            {-0.1, -0.0460172162722971},
            {-0.5, -0.15426876936299344},
            {-1.0, -0.15865525393145707},
            {-1.5, -0.10021080190328713},
            {-2.0, -0.04550026389635844},
            {-3.0, -0.004049694094890287},
            {-5.0, -1.4332578593959731e-06},
            {-8.0, -4.9767684594174555e-15},
            {-12.0, -2.1317785344932424e-32},
            {-20.0, -5.507248237212663e-88},
            {-37.0, -2.1184613523343014e-298},
    };

    @Test
    void erfMatchesTheCLibrary() {
        for (double[] row : ERF) {
            assertEquals(row[1], UnaryOp.ERF.apply(row[0]), 1e-15 * Math.abs(row[1]), "erf(" + row[0] + ")");
        }
    }

    @Test
    void geluMatchesTheCLibraryEvenWhereItIsTiny() {
        for (double[] row : GELU) {
            // Relative precision throughout: the negative side goes through erfc, not 1 + erf. Both
            // sides round x/sqrt 2, which erfc's tail amplifies by about x^2; 1 - erf loses a digit near -2.
            double conditioning = Math.max(1, row[0] * row[0]);
            assertEquals(row[1], UnaryOp.GELU.apply(row[0]), 1e-14 * conditioning * Math.abs(row[1]),
                    "gelu(" + row[0] + ")");
        }
    }

    @Test
    void specialValues() {
        assertEquals(Double.NaN, UnaryOp.ERF.apply(Double.NaN));
        assertEquals(1.0, UnaryOp.ERF.apply(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, UnaryOp.ERF.apply(Double.NEGATIVE_INFINITY));
        assertEquals(-0.0, UnaryOp.ERF.apply(-0.0));
        assertEquals(Double.NaN, UnaryOp.GELU.apply(Double.NaN));
        assertEquals(Double.POSITIVE_INFINITY, UnaryOp.GELU.apply(Double.POSITIVE_INFINITY));
        // The limit, where x/2 (1 + erf(x/sqrt 2)) would give -inf * 0 = NaN.
        assertEquals(-0.0, UnaryOp.GELU.apply(Double.NEGATIVE_INFINITY));
    }

    @Test
    void derivativesAreTheClosedForms() {
        for (double x = -6; x <= 6; x += 0.37) {
            double erfSlope = 2 / Math.sqrt(Math.PI) * Math.exp(-x * x);
            assertEquals(erfSlope, UnaryOp.ERF.derivative().evaluate(new double[] {x}, UnaryOp.ERF.apply(x)),
                    1e-15, "erf'(" + x + ")");
            // Central differences of the definition, in float64.
            double h = 1e-5;
            double difference = (UnaryOp.GELU.apply(x + h) - UnaryOp.GELU.apply(x - h)) / (2 * h);
            assertEquals(difference, UnaryOp.GELU.derivative().evaluate(new double[] {x}, UnaryOp.GELU.apply(x)),
                    1e-9, "gelu'(" + x + ")");
        }
    }
}
