package dev.adjoint.examples.autodiff;

import dev.adjoint.core.DType;
import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import dev.adjoint.annotation.Differentiable;
import dev.adjoint.annotation.NonDifferentiable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Function zoo: loops over Variables, and early exits from loops and branches. */
final class ZooLoops implements ZooModel {

    final Variable[] coefficients;
    final List<Variable> gains;
    final Variable[] weights;
    final Variable bias;
    final List<List<Variable>> groups;
    final Variable[][] grid;
    final Variable recurrent;
    final Variable input;

    ZooLoops(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        coefficients = new Variable[4];
        for (int i = 0; i < coefficients.length; i++) {
            coefficients[i] = new Variable(random.nextDouble(0.2, 0.9), "c" + i);
        }
        gains = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            gains.add(new Variable(random.nextDouble(0.5, 1.2), "g" + i));
        }
        weights = new Variable[] {matrix(random, "w0"), matrix(random, "w1")};
        bias = new Variable(Tensor.randomNormal(random, 0, 0.5, 2).cast(DType.FLOAT64), "bias");
        groups = List.of(List.of(coefficients[0], gains.get(0)), List.of(), List.of(coefficients[3]));
        grid = new Variable[][] {{coefficients[1], coefficients[2]}, {gains.get(2)}};
        recurrent = matrix(random, "recurrent");
        input = new Variable(Tensor.randomNormal(random, 0, 0.7, 3, 2).cast(DType.FLOAT64), "input");
    }

    private static Variable matrix(SplittableRandom random, String name) {
        return new Variable(Tensor.randomNormal(random, 0, 0.7, 2, 2).cast(DType.FLOAT64), name);
    }

    @Override
    public List<Variable> variables() {
        List<Variable> all = new ArrayList<>(List.of(coefficients));
        all.addAll(gains);
        all.addAll(List.of(weights));
        all.addAll(List.of(bias, recurrent, input));
        return all;
    }

    /** Horner's rule over an array of scalar variables, indexed from the end. */
    @Differentiable
    double polynomial(double x) {
        double acc = 0;
        for (int i = coefficients.length - 1; i >= 0; i--) {
            acc = acc * x + coefficients[i].get();
        }
        return acc;
    }

    @Differentiable
    double sumOfSquares(double x) {
        double s = 0;
        for (Variable c : coefficients) {
            s += c.get() * c.get() * x;
        }
        return s;
    }

    @Differentiable
    double gainsByIndexInWhile(double x) {
        double y = x;
        int i = 0;
        while (i < gains.size()) {
            y = Math.tanh(gains.get(i).get() * y) + 0.1 * y;
            i++;
        }
        return y;
    }

    @Differentiable
    double gainsForEach(double x) {
        double y = x;
        for (Variable g : gains) {
            y = y * g.get() + Math.sin(y);
        }
        return y;
    }

    @Differentiable
    double nestedPairs(double x) {
        double s = 0;
        for (int i = 0; i < coefficients.length; i++) {
            for (int j = i; j < coefficients.length; j++) {
                s += coefficients[i].get() * coefficients[j].get() * Math.cos(x * (j - i));
            }
        }
        return s;
    }

    /** One Variable local reassigned in two sibling loops that both call their index i. */
    @Differentiable
    double loopVariableReused(double x) {
        Variable v = coefficients[0];
        double y = v.get() * x;
        for (int i = 1; i < coefficients.length; i++) {
            v = coefficients[i];
            y = y * v.get() + x;
        }
        for (int i = 0; i < 2; i++) {
            v = gains.get(i);
            y = y + v.get() * Math.sin(y);
        }
        return y + v.get();
    }

    @Differentiable
    Tensor matrixChain(Tensor x) {
        Tensor h = x;
        for (int i = 0; i < weights.length; i++) {
            h = h.matmul(weights[i].value()).add(bias.value()).tanh();
        }
        return h.sum();
    }

    /** Returns from two depths of nested ifs inside a loop. */
    @Differentiable
    double earlyReturnInNestedIfs(double x) {
        double y = x;
        for (Variable c : coefficients) {
            y = y * c.get() + 0.5;
            if (y > 1.2) {
                if (x > 1) {
                    return y * x;
                }
                return -y * c.get();
            }
        }
        return y;
    }

    /** The inner loop breaks; the outer one goes on. */
    @Differentiable
    double breakInInnerLoop(double x) {
        double s = 0;
        for (int i = 0; i < 3; i++) {
            double y = x;
            for (Variable g : gains) {
                y = y * g.get();
                if (y > 1.5) {
                    break;
                }
                y = y + 0.25;
            }
            s += y * (i + 1);
        }
        return s;
    }

    @Differentiable
    double continueInWhile(double x) {
        double s = 0;
        int i = 0;
        while (i < coefficients.length) {
            i++;
            if (i % 2 == 0) {
                continue;
            }
            s = s + coefficients[i - 1].get() * x;
            s = s * 1.1;
        }
        return s;
    }

    @Differentiable
    double doWhileWithVariable(double x) {
        double y = x;
        int k = 0;
        do {
            y = Math.sin(y * gains.get(k).get()) + x;
            k++;
        } while (k < gains.size() && y < 5);
        return y;
    }

    @Differentiable
    double returnFromForEachOverList(double x) {
        double y = 0;
        for (Variable g : gains) {
            y = y + g.get() * x;
            if (y > 1.0) {
                return y * y;
            }
        }
        return y;
    }

    @Differentiable
    double infiniteLoopWithBreak(double x) {
        double y = x;
        int steps = 0;
        for (;;) {
            y = y * coefficients[steps % coefficients.length].get() + 0.3;
            steps++;
            if (steps >= 6) {
                break;
            }
        }
        return y;
    }

    /** Two indices walking towards each other. */
    @Differentiable
    double twoIndexFor(double x) {
        double s = 0;
        for (int i = 0, j = coefficients.length - 1; i < j; i++, j--) {
            s += coefficients[i].get() * coefficients[j].get() * x * x;
        }
        return s;
    }

    /** The rows of a tensor variable, read in an enhanced for. */
    @Differentiable
    Tensor rowsOfVariable(Tensor v) {
        Tensor s = v.mul(0.0);
        for (Tensor row : weights[0].value()) {
            s = s.add(row.mul(v).tanh());
        }
        return s.sum();
    }

    /** The trip count depends on the differentiated value. */
    @Differentiable
    double whileOnValue(double x) {
        double y = x;
        double g = gains.get(0).get();
        while (y < 10) {
            y = y * (1 + g * g) + x;
        }
        return y;
    }

    /** Four scalar and two tensor variables in one loop: more than the accumulator keeps in fields. */
    @Differentiable
    Tensor manyVariables(@NonDifferentiable Tensor x) {
        Tensor h = x;
        for (int i = 0; i < coefficients.length; i++) {
            Variable w = weights[i % 2];
            h = h.matmul(w.value()).mul(coefficients[i].get()).tanh();
        }
        return h.sum();
    }

    /** A List of Lists of Variables, one of them empty. */
    @Differentiable
    double nestedLists(double x) {
        double y = x;
        for (List<Variable> group : groups) {
            for (Variable v : group) {
                y = y * v.get() + Math.cos(y);
            }
        }
        return y;
    }

    @Differentiable
    double gridOfVariables(double x) {
        double s = 0;
        for (Variable[] row : grid) {
            for (int j = 0; j < row.length; j++) {
                s += row[j].get() * Math.pow(x, j + 1);
            }
        }
        return s;
    }

    /** A recurrent cell over the time steps of a data sequence [steps, 3]. */
    @Differentiable
    Tensor recurrentCell(@NonDifferentiable Tensor sequence, Tensor h0) {
        Tensor h = h0;
        for (Tensor step : sequence) {
            h = step.matmul(input.value()).add(h.matmul(recurrent.value())).add(bias.value()).tanh();
        }
        return h.square().sum();
    }

    /** The loop variable itself is differentiated, updated by the for statement. */
    @Differentiable
    double differentiatedLoopVariable(double x) {
        double s = 0;
        for (double t = x; t < 5; t = t * 1.5 + x * gains.get(1).get()) {
            s += t * t;
        }
        return s;
    }
}
