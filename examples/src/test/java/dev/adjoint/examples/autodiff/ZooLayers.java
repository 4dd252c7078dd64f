package dev.adjoint.examples.autodiff;

import dev.adjoint.core.DType;
import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import dev.adjoint.annotation.Differentiable;
import dev.adjoint.annotation.NonDifferentiable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Function zoo: layer objects as users write them — Variable fields, differentiable methods calling
 * each other, layers in arrays, Lists and fields, a layer calling another layer, a subclass that
 * overrides its layer's method, parameters in a Map.
 */
final class ZooLayers implements ZooModel {

    /** A dense layer; {@code applyActivated} calls {@code apply} through {@code this}. */
    static final class Linear {
        final Variable w;
        final Variable b;

        Linear(int in, int out, SplittableRandom random, String name) {
            w = new Variable(Tensor.randomNormal(random, 0, 0.8, in, out).cast(DType.FLOAT64), name + ".w");
            b = new Variable(Tensor.randomNormal(random, 0, 0.5, out).cast(DType.FLOAT64), name + ".b");
        }

        @Differentiable
        Tensor apply(Tensor x) {
            return x.matmul(w.value()).add(b.value());
        }

        @Differentiable
        Tensor applyActivated(Tensor x) {
            return this.apply(x).tanh();
        }

        /** A weight penalty: a differentiable method without parameters. */
        @Differentiable
        Tensor l2() {
            return this.w.value().square().sum();
        }
    }

    /** A dense layer, then a layer norm with its own scale and shift Variables (Tensor.layerNorm), then tanh. */
    static final class Normalized {
        final Linear dense;
        final Variable scale;
        final Variable shift;

        Normalized(int in, int out, SplittableRandom random, String name) {
            dense = new Linear(in, out, random, name + ".dense");
            scale = new Variable(Tensor.randomUniform(random, 0.5, 1.5, out).cast(DType.FLOAT64), name + ".scale");
            shift = new Variable(Tensor.randomNormal(random, 0, 0.5, out).cast(DType.FLOAT64), name + ".shift");
        }

        @Differentiable
        Tensor apply(Tensor x) {
            return dense.apply(x).layerNorm(1, 1e-5, scale.value(), shift.value()).tanh();
        }
    }

    /** A layer calling another layer: x + f(x). */
    static final class Residual {
        final Linear inner;

        Residual(Linear inner) {
            this.inner = inner;
        }

        @Differentiable
        Tensor apply(Tensor x) {
            return x.add(inner.applyActivated(x));
        }
    }

    /** A scalar unit with final and non-final fields. */
    static class Unit {
        final Variable gain;
        Variable shift;
        double slope = 0.3;

        Unit(SplittableRandom random, String name) {
            gain = new Variable(random.nextDouble(0.5, 1.5), name + ".gain");
            shift = new Variable(random.nextDouble(-0.5, 0.5), name + ".shift");
        }

        @Differentiable
        double apply(double x) {
            return Math.tanh(gain.get() * x + this.shift.get()) + slope * x;
        }
    }

    /** A node of a tree of layers, evaluated recursively; leaves have no children. */
    static final class Node {
        final Variable weight;
        final Node left;
        final Node right;

        Node(SplittableRandom random, int depth, String name) {
            weight = new Variable(random.nextDouble(0.3, 0.9), name);
            left = depth == 0 ? null : new Node(random, depth - 1, name + "l");
            right = depth == 0 ? null : new Node(random, depth - 1, name + "r");
        }

        void collect(List<Variable> into) {
            into.add(weight);
            if (left != null) {
                left.collect(into);
                right.collect(into);
            }
        }

        @Differentiable
        double evaluate(double x) {
            if (left == null) {
                return weight.get() * x;
            }
            return Math.tanh(weight.get() * left.evaluate(x) + right.evaluate(x * 0.5));
        }
    }

    /** A unit that overrides apply, held in a Unit[] beside plain units. */
    static final class SquaredUnit extends Unit {
        SquaredUnit(SplittableRandom random, String name) {
            super(random, name);
        }

        @Override
        @Differentiable
        double apply(double x) {
            return gain.get() * x * x + shift.get();
        }
    }

    final Linear[] stack;
    final List<Linear> list;
    final Linear first;
    final Linear second;
    final Residual residual;
    final Unit[] units;
    final Map<String, Variable> params;
    final Node tree;
    final List<Normalized> normalized;
    Variable temperature;
    double offset = 0.25;

    ZooLayers(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        stack = new Linear[] {new Linear(2, 3, random, "s0"), new Linear(3, 3, random, "s1"), new Linear(3, 2, random, "s2")};
        list = List.of(new Linear(2, 4, random, "l0"), new Linear(4, 2, random, "l1"));
        first = new Linear(2, 2, random, "first");
        second = new Linear(2, 3, random, "second");
        residual = new Residual(new Linear(2, 2, random, "inner"));
        units = new Unit[] {new Unit(random, "u0"), new SquaredUnit(random, "u1"), new Unit(random, "u2")};
        params = new LinkedHashMap<>();
        params.put("slope", new Variable(random.nextDouble(0.5, 1.5), "slope"));
        params.put("intercept", new Variable(random.nextDouble(-1, 1), "intercept"));
        temperature = new Variable(random.nextDouble(0.8, 1.5), "temperature");
        tree = new Node(random, 3, "node");
        normalized = List.of(new Normalized(2, 3, random, "n0"), new Normalized(3, 3, random, "n1"));
    }

    @Override
    public List<Variable> variables() {
        List<Variable> all = new ArrayList<>();
        for (Linear layer : stack) {
            all.addAll(List.of(layer.w, layer.b));
        }
        for (Linear layer : list) {
            all.addAll(List.of(layer.w, layer.b));
        }
        all.addAll(List.of(first.w, first.b, second.w, second.b, residual.inner.w, residual.inner.b));
        for (Unit unit : units) {
            all.addAll(List.of(unit.gain, unit.shift));
        }
        all.addAll(params.values());
        all.add(temperature);
        tree.collect(all);
        for (Normalized layer : normalized) {
            all.addAll(List.of(layer.dense.w, layer.dense.b, layer.scale, layer.shift));
        }
        return all;
    }

    /** Layer-normed layers from a List, for-each. */
    @Differentiable
    Tensor normalizedLayers(Tensor x) {
        Tensor h = x;
        for (Normalized layer : normalized) {
            h = layer.apply(h);
        }
        return h.square().sum();
    }

    @Differentiable
    Tensor arrayOfLayers(@NonDifferentiable Tensor x) {
        Tensor h = x;
        for (Linear layer : stack) {
            h = layer.applyActivated(h);
        }
        return h.sum();
    }

    @Differentiable
    Tensor listOfLayersByIndex(Tensor x) {
        Tensor h = x;
        for (int i = 0; i < list.size(); i++) {
            var layer = list.get(i);
            h = layer.apply(h).softplus();
        }
        return h.square().mean();
    }

    @Differentiable
    Tensor layersInFields(Tensor x) {
        return second.apply(first.apply(x).tanh()).sigmoid().sum();
    }

    @Differentiable
    Tensor residualBlock(Tensor x) {
        return residual.apply(residual.apply(x)).square().sum();
    }

    /** One layer applied twice: its variables get the sum of both uses. */
    @Differentiable
    Tensor sharedLayerTwice(Tensor x) {
        return first.applyActivated(first.applyActivated(x)).sum();
    }

    /** A loss plus a penalty summed over the layers, in a loop. */
    @Differentiable
    Tensor lossWithPenalty(@NonDifferentiable Tensor x, @NonDifferentiable Tensor target) {
        Tensor h = x;
        Tensor penalty = Tensor.zeros(DType.FLOAT64);
        for (Linear layer : stack) {
            h = layer.applyActivated(h);
            penalty = penalty.add(layer.l2());
        }
        return h.sub(target).square().mean().add(penalty.mul(0.01));
    }

    /** The layer is chosen by a ternary on data. */
    @Differentiable
    Tensor layerChosenByTernary(Tensor x, @NonDifferentiable boolean useFirst) {
        Linear layer = useFirst ? first : residual.inner;
        return layer.apply(x).exp().sum();
    }

    @Differentiable
    double mapByKey(double x) {
        return params.get("slope").get() * x + params.get("intercept").get();
    }

    @Differentiable
    double mapValues(double x) {
        double y = x;
        for (Variable p : params.values()) {
            y = Math.sin(y * p.get()) + p.get();
        }
        return y;
    }

    @Differentiable
    double mapEntries(double x) {
        double s = 0;
        for (Map.Entry<String, Variable> entry : params.entrySet()) {
            double weight = entry.getKey().equals("slope") ? 2.0 : 1.0;
            s += weight * entry.getValue().get() * x * x;
        }
        return s;
    }

    /** Units in an array, one of them a subclass overriding apply. */
    @Differentiable
    double unitsWithOverride(double x) {
        double h = x;
        for (Unit unit : units) {
            h = unit.apply(h);
        }
        return h;
    }

    /** {@code this.} explicitly, a non-final Variable field and a non-final double field. */
    @Differentiable
    double thisAndNonFinalFields(double x) {
        double t = this.temperature.get();
        double y = this.units[0].apply(x / t) + this.offset * x;
        return y * temperature.get() + offset;
    }

    /** A loss plus an L2 penalty over every variable the model lists, scalar or tensor. */
    @Differentiable
    double penaltyOverAllVariables(double x) {
        double penalty = 0;
        for (Variable v : variables()) {
            penalty += v.isTensor() ? v.value().square().sum().item() : v.get() * v.get();
        }
        return mapByKey(x) + 0.01 * penalty;
    }

    /** A tree of layers, recursively. */
    @Differentiable
    double treeOfLayers(double x) {
        return tree.evaluate(x) + tree.left.evaluate(x * x);
    }

    /** Locals with the names of fields: {@code this.} reaches the field. */
    @Differentiable
    double localsShadowingFields(double x) {
        double offset = this.offset * x;
        Variable temperature = units[1].gain;
        return offset * temperature.get() + this.temperature.get() * x;
    }

    /** A Tensor total that starts as null. */
    @Differentiable
    Tensor totalStartingAsNull(Tensor x) {
        Tensor total = null;
        for (Linear layer : list) {
            Tensor term = layer.w.value().sum().mul(x);
            total = total == null ? term : total.add(term.mul(total));
        }
        return total.sum();
    }

    /** Scalar layers and tensor layers in one loss. */
    @Differentiable
    Tensor scalarAndTensorLayers(Tensor x) {
        double scale = units[2].apply(temperature.get());
        return first.apply(x).mul(scale).tanh().sum();
    }
}
