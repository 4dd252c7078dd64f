package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Printing follows TensorFlow eager, which prints NumPy's {@code str} of the array. */
class TensorPrintingTest {

    @Test
    void matmulOfTheSeedPrintsLikeTensorFlow() {
        Tensor x = Tensor.of(new float[][] {{2}});
        assertEquals("Tensor([[4.]], shape=(1, 1), dtype=float32)", x.matmul(x).toString());
    }

    @Test
    void floatsAlignOnTheDecimalPoint() {
        assertEquals("Tensor([1.  2.5 3. ], shape=(3,), dtype=float32)",
                Tensor.of(new float[] {1, 2.5f, 3}).toString());
        assertEquals("Tensor([-1.     0.125 10.   ], shape=(3,), dtype=float64)",
                Tensor.of(new double[] {-1, 0.125, 10}).toString());
    }

    @Test
    void float32PrintsItsShortestDecimal() {
        assertEquals("Tensor([0.1 0.2], shape=(2,), dtype=float32)", Tensor.of(new float[] {0.1f, 0.2f}).toString());
    }

    @Test
    void matricesBreakRowsLikeNumPy() {
        assertEquals("""
                Tensor(
                [[1. 2.]
                 [3. 4.]], shape=(2, 2), dtype=float32)""", Tensor.of(new float[][] {{1, 2}, {3, 4}}).toString());
    }

    @Test
    void threeDimensionalTensorsSeparateBlocksWithABlankLine() {
        Tensor t = Tensor.arange(8).reshape(2, 2, 2);
        assertEquals("""
                Tensor(
                [[[0 1]
                  [2 3]]

                 [[4 5]
                  [6 7]]], shape=(2, 2, 2), dtype=int32)""", t.toString());
    }

    @Test
    void scalarsIntsAndBools() {
        assertEquals("Tensor(3.5, shape=(), dtype=float32)", Tensor.of(3.5f).toString());
        assertEquals("Tensor([  1 -20 300], shape=(3,), dtype=int32)", Tensor.of(new int[] {1, -20, 300}).toString());
        assertEquals("Tensor([ True False], shape=(2,), dtype=bool)", Tensor.of(new boolean[] {true, false}).toString());
        assertEquals("Tensor([], shape=(0,), dtype=float32)", Tensor.zeros(0).toString());
    }

    @Test
    void extremeMagnitudesUseScientificNotation() {
        assertEquals("Tensor([1.e-05 1.e+00], shape=(2,), dtype=float64)",
                Tensor.of(new double[] {1e-5, 1}).toString());
        assertEquals("Tensor([1.0e+09 1.5e+00], shape=(2,), dtype=float64)",
                Tensor.of(new double[] {1e9, 1.5}).toString());
        assertEquals("Tensor([nan inf], shape=(2,), dtype=float64)",
                Tensor.of(new double[] {Double.NaN, Double.POSITIVE_INFINITY}).toString());
    }

    @Test
    void bigTensorsAreSummarised() {
        assertEquals("Tensor([   0    1    2 ... 1997 1998 1999], shape=(2000,), dtype=int32)",
                Tensor.arange(2000).toString());
        String matrix = Tensor.arange(2000).reshape(100, 20).toString();
        assertEquals("""
                Tensor(
                [[   0    1    2 ...   17   18   19]
                 [  20   21   22 ...   37   38   39]
                 [  40   41   42 ...   57   58   59]
                 ...
                 [1940 1941 1942 ... 1957 1958 1959]
                 [1960 1961 1962 ... 1977 1978 1979]
                 [1980 1981 1982 ... 1997 1998 1999]], shape=(100, 20), dtype=int32)""", matrix);
    }
}
