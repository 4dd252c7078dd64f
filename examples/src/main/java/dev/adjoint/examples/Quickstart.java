package dev.adjoint.examples;

import dev.adjoint.core.Slice;
import dev.adjoint.Tensor;
import dev.adjoint.core.TensorException;
import java.util.SplittableRandom;

/**
 * A tour of eager tensors: every line computes at once and prints a value, as in NumPy or
 * TensorFlow's eager mode. Run it with the README's first command.
 */
public final class Quickstart {
    private Quickstart() {
    }

    public static void main(String[] args) {
        // The seed's first example: no graph, no session, the product is there at once.
        Tensor x = Tensor.of(new float[][] {{2}});
        System.out.println("x @ x = " + x.matmul(x));

        // NumPy-style broadcasting and elementwise math.
        Tensor a = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
        Tensor bias = Tensor.of(new float[] {10, 20, 30});
        System.out.println("a + bias = " + a.add(bias));
        System.out.println("softmax(a) = " + a.softmax(1));
        System.out.println("sum over rows = " + a.sum(0) + ", mean = " + a.mean().item());

        // Tensors are iterable over their first axis and come back as plain Java values.
        for (Tensor row : a) {
            System.out.println("row " + java.util.Arrays.toString(row.toFloatArray()));
        }
        System.out.println("a[:, ::2] = " + a.index(Slice.all(), Slice.every(2)));

        // Seeded random tensors and a small dense layer.
        SplittableRandom rng = new SplittableRandom(42);
        Tensor w = Tensor.randomNormal(rng, 0, 0.1, 3, 4);
        System.out.println("relu(a @ w) = " + a.matmul(w).relu());

        // Shape errors surface at the call that caused them, naming the op and both shapes.
        try {
            a.matmul(a);
        } catch (TensorException e) {
            System.out.println("error: " + e.getMessage());
        }
    }
}
