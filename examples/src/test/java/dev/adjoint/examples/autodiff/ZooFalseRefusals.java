package dev.adjoint.examples.autodiff;

import dev.adjoint.Variable;
import dev.adjoint.annotation.Differentiable;
import java.util.List;

/**
 * Function zoo, round 2: legitimate code with a clear gradient that the processor refuses — an
 * override calling {@code super}, instanceof patterns in forms other than a plain
 * {@code if (o instanceof T t)}, a plain getter of a class that holds no variable, a record's
 * accessors called in its own differentiable method, a type parameter with an intersection bound.
 */
final class ZooFalseRefusals implements ZooModel {

    static class Cell {
        final Variable a;

        Cell(double a, String name) {
            this.a = new Variable(a, name);
        }

        @Differentiable
        double apply(double x) {
            return Math.tanh(a.get() * x) + x;
        }
    }

    /** An override that scales what its parent computes, through {@code super}. */
    static final class BoostedCell extends Cell {
        BoostedCell(double a, String name) {
            super(a, name);
        }

        @Override
        @Differentiable
        double apply(double x) {
            return 0.5 * super.apply(x) + x * x;
        }
    }

    /** A record of two gains, for record patterns. */
    record Gains(Variable slope, Variable intercept) {
    }

    /** Normalises data: a differentiable method, and no variable anywhere. */
    static final class Normalizer {
        final double mean;
        final double std;

        Normalizer(double mean, double std) {
            this.mean = mean;
            this.std = std;
        }

        @Differentiable
        double apply(double x) {
            return (x - mean) / std;
        }

        double std() {
            return std;
        }
    }

    /** A line whose differentiable method reads its components through their accessors. */
    record Line(double slope, double intercept) {
        @Differentiable
        double at(double x) {
            return slope() * x + intercept();
        }
    }

    final Cell boosted = new BoostedCell(1.2, "boosted");
    final Cell plain = new Cell(0.7, "plain");
    final List<Object> parts = List.of(new Cell(0.9, "c0"), "a label", new Gains(new Variable(0.4, "slope"),
            new Variable(-0.3, "intercept")), new Cell(-0.6, "c1"));
    final Normalizer normalizer = new Normalizer(0.25, 1.5);

    @Override
    public List<Variable> variables() {
        Gains gains = (Gains) parts.get(2);
        return List.of(boosted.a, plain.a, ((Cell) parts.get(0)).a, gains.slope(), gains.intercept(),
                ((Cell) parts.get(3)).a);
    }

    @Differentiable
    double superCall(double x) {
        return boosted.apply(x) + plain.apply(x);
    }

    /** The negated pattern with flow scoping: {@code cell} is in scope after the if. */
    @Differentiable
    double negatedPattern(double x) {
        double h = x;
        for (Object part : parts) {
            if (!(part instanceof Cell cell)) {
                continue;
            }
            h = cell.apply(h);
        }
        return h;
    }

    @Differentiable
    double patternAndCondition(double x) {
        double h = x;
        for (Object part : parts) {
            if (part instanceof Cell cell && cell.a.get() > 0) {
                h = cell.apply(h);
            }
        }
        return h;
    }

    @Differentiable
    double patternInTernary(double x) {
        double total = 0;
        for (Object part : parts) {
            total += part instanceof Cell cell ? cell.apply(x) : 0.1 * x;
        }
        return total;
    }

    @Differentiable
    double recordPattern(double x) {
        double total = x;
        for (Object part : parts) {
            if (part instanceof Gains(Variable slope, Variable intercept)) {
                total = slope.get() * total + intercept.get();
            }
        }
        return total;
    }

    /** The normaliser holds no variable; its getter returns a constant. */
    @Differentiable
    double getterOfAClassWithoutVariables(double x) {
        return normalizer.apply(x) * normalizer.std() + plain.apply(x);
    }
}
