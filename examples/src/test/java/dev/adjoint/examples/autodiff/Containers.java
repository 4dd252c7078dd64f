package dev.adjoint.examples.autodiff;

import dev.adjoint.core.DType;
import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import dev.adjoint.annotation.Differentiable;
import dev.adjoint.annotation.NonDifferentiable;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Variables reached through loops and containers — arrays and Lists of Variables and of layers —
 * read in loops and by index, as users write models (issue 6, items 1 and 2).
 */
final class Containers {

    final Variable[] weights;
    final List<Variable> weightList;
    final Dense[] layers;
    final List<Dense> layerList;
    final Dense l1;
    final Dense l2;

    Containers(SplittableRandom random) {
        weights = new Variable[] {matrix(random, "w0"), matrix(random, "w1")};
        weightList = List.of(weights[0], weights[1]);
        layers = new Dense[] {new Dense(2, 3, random, "a"), new Dense(3, 2, random, "b")};
        layerList = List.of(layers[0], layers[1]);
        l1 = new Dense(2, 4, random, "l1");
        l2 = new Dense(4, 1, random, "l2");
    }

    private static Variable matrix(SplittableRandom random, String name) {
        return new Variable(Tensor.randomNormal(random, 0, 0.8, 2, 2).cast(DType.FLOAT64), name);
    }

    @Differentiable
    Tensor forEachVariable(@NonDifferentiable Tensor x) {
        Tensor h = x;
        for (Variable v : weights) {
            h = h.matmul(v.value()).tanh();
        }
        return h.sum();
    }

    @Differentiable
    Tensor indexedVariables(@NonDifferentiable Tensor x) {
        Tensor h = x;
        for (int i = 0; i < weights.length; i++) {
            h = h.matmul(weights[i].value()).tanh();
        }
        return h.sum();
    }

    @Differentiable
    Tensor listByIndex(@NonDifferentiable Tensor x) {
        Tensor h = x;
        for (int i = 0; i < weightList.size(); i++) {
            h = h.matmul(weightList.get(i).value()).tanh();
        }
        return h.sum();
    }

    @Differentiable
    Tensor listForEach(@NonDifferentiable Tensor x) {
        Tensor h = x;
        for (Variable v : weightList) {
            h = h.matmul(v.value()).tanh();
        }
        return h.sum();
    }

    /** The same variable read twice in one loop, and a variable read outside it. */
    @Differentiable
    Tensor repeatedReads(@NonDifferentiable Tensor x) {
        Tensor h = x;
        for (int i = 0; i < 3; i++) {
            Variable v = weights[i % 2];
            h = h.matmul(v.value()).tanh().add(h.mul(0.5));
        }
        return h.mul(weights[0].value().sum()).sum();
    }

    @Differentiable
    Tensor layerArray(@NonDifferentiable Tensor x) {
        Tensor h = x;
        for (Dense layer : layers) {
            h = layer.apply(h).tanh();
        }
        return h.sum();
    }

    @Differentiable
    Tensor layerListByIndex(@NonDifferentiable Tensor x) {
        Tensor h = x;
        for (int i = 0; i < layerList.size(); i++) {
            h = layerList.get(i).apply(h).tanh();
        }
        return h.sum();
    }

    /** Issue 6, item 2: layers on a data parameter. */
    @Differentiable
    Tensor twoLayers(@NonDifferentiable Tensor x) {
        return l2.apply(l1.apply(x).relu()).sum();
    }

    /** The same without the annotation: x is differentiated too. */
    @Differentiable
    Tensor twoLayersOnInput(Tensor x) {
        return l2.apply(l1.apply(x).relu()).sum();
    }

    /** A layer read through a local and a field of it read directly. */
    @Differentiable
    Tensor fieldsOfLayers(@NonDifferentiable Tensor x) {
        Dense first = layers[0];
        Tensor h = x.matmul(first.w.value()).add(first.b.value()).tanh();
        return layers[1].apply(h).mul(layerList.get(1).b.value()).sum();
    }
}
