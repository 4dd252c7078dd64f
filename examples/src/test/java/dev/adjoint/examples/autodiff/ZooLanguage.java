package dev.adjoint.examples.autodiff;

import static java.lang.Math.exp;
import static java.lang.Math.sin;
import static java.lang.Math.sqrt;

import dev.adjoint.core.DType;
import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import dev.adjoint.annotation.Differentiable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Function zoo: Java language features in differentiable code — static imports, a nested class
 * using its outer class's helper and constant, a record and an enum with differentiable methods,
 * a generic model class, layers dispatched by instanceof patterns, a local of a record type,
 * varargs, an enum constant as an argument, guard clauses that throw or assert. (A protected
 * field of another package, a private type and a parameter named {@code values} are refused: see
 * RefusalZooTest.)
 */
final class ZooLanguage {

    static final double LEAK = 0.1;

    /** Settings held in a (package-private) record, read through a local. */
    record Schedule(double decay, int steps) {
    }

    static final Schedule SCHEDULE = new Schedule(0.5, 3);

    private ZooLanguage() {
    }

    @Differentiable
    static double staticImports(double x) {
        return exp(-x * x) * sin(x) + sqrt(1 + x * x);
    }

    @Differentiable
    static double privateTypeLocal(double x) {
        Schedule schedule = SCHEDULE;
        double y = x;
        for (int i = 0; i < schedule.steps(); i++) {
            y = y * schedule.decay() + Math.sin(x);
        }
        return y;
    }

    @Differentiable
    static double squash(double x) {
        return x / (1 + Math.abs(x));
    }

    /** A nested layer calling its outer class's static helper and reading its constant. */
    static final class Scaled implements ZooModel {
        final Variable gain;

        Scaled(double gain) {
            this.gain = new Variable(gain, "gain");
        }

        @Override
        public List<Variable> variables() {
            return List.of(gain);
        }

        @Differentiable
        double apply(double x) {
            return squash(gain.get() * x) + LEAK * x;
        }
    }

    /** A layer written as a record. */
    record Affine(Variable slope, Variable intercept) implements ZooModel {
        @Override
        public List<Variable> variables() {
            return List.of(slope, intercept);
        }

        @Differentiable
        double apply(double x) {
            return slope.get() * x + intercept.get();
        }
    }

    /** Activations as an enum. */
    enum Activation {
        TANH, SOFTSIGN;

        @Differentiable
        double apply(double x) {
            return this == TANH ? Math.tanh(x) : x / (1 + Math.abs(x));
        }
    }

    /** A generic model over its layer type. */
    static final class Chain<L extends Scaled> implements ZooModel {
        final List<L> layers;

        Chain(List<L> layers) {
            this.layers = layers;
        }

        @Override
        public List<Variable> variables() {
            return layers.stream().map(layer -> layer.gain).toList();
        }

        @Differentiable
        double apply(double x) {
            double h = x;
            for (L layer : layers) {
                h = layer.apply(h);
            }
            return h;
        }
    }

    /** A layer that squares its input after a gain. */
    static final class Shifted implements ZooModel {
        final Variable gain;
        final double shift = 0.25;

        Shifted(double gain) {
            this.gain = new Variable(gain, "gain");
        }

        @Override
        public List<Variable> variables() {
            return List.of(gain);
        }

        @Differentiable
        double apply(double x) {
            return Math.tanh(gain.get() * x) + shift;
        }
    }

    /** Layers dispatched by an instanceof pattern. */
    static final class Mixed implements ZooModel {
        final List<Object> layers = List.of(new Scaled(0.7), new Shifted(1.2), new Scaled(1.1));

        @Override
        public List<Variable> variables() {
            List<Variable> all = new ArrayList<>();
            for (Object layer : layers) {
                all.addAll(((ZooModel) layer).variables());
            }
            return all;
        }

        @Differentiable
        double apply(double x) {
            double h = x;
            for (Object layer : layers) {
                if (layer instanceof Scaled scaled) {
                    h = scaled.apply(h);
                } else if (layer instanceof Shifted shifted) {
                    h = shifted.apply(h);
                }
            }
            return h;
        }
    }

    static Chain<Scaled> chain(SplittableRandom random) {
        return new Chain<>(List.of(new Scaled(random.nextDouble(0.5, 1.5)), new Scaled(random.nextDouble(0.5, 1.5))));
    }

    @Differentiable
    static Tensor castToFloat64(Tensor x) {
        return x.mul(2.0).cast(DType.FLOAT64).square().sum();
    }

    @Differentiable
    static Tensor meanSquare(Tensor samples) {
        return samples.square().mean();
    }

    @Differentiable
    static double weightedTotal(double x, double... weights) {
        double s = 0;
        for (double w : weights) {
            s += w * x * x;
        }
        return s;
    }

    @Differentiable
    static double callsVarargs(double x) {
        return weightedTotal(x, 0.5, 2.0) + weightedTotal(Math.sin(x));
    }

    /** Argument checks as users write them. */
    @Differentiable
    static double guardClauses(double x) {
        if (x < 0) {
            throw new IllegalArgumentException("x must not be negative: " + x);
        }
        assert !Double.isNaN(x) : "x is NaN";
        return Math.sqrt(x) * x;
    }
}
