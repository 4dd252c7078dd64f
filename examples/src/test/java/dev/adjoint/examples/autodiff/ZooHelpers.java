package dev.adjoint.examples.autodiff;

import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import dev.adjoint.annotation.Differentiable;
import dev.adjoint.annotation.NonDifferentiable;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Function zoo: helpers — static and instance, in this class and in {@link ZooMath}, recursive,
 * called in loops and branches, called twice, with an unused result, a 20-deep chain — and helpers
 * with side effects (a counter, random draws, a data array changed between reads), whose value and
 * gradient must come from one and the same run.
 */
final class ZooHelpers implements ZooModel {

    static int ticks;
    static final Variable OFFSET = new Variable(0.3, "offset");
    static final Variable FROZEN = new Variable(1.7, "frozen", false);

    private final long seed;
    SplittableRandom random;
    final Variable gain = new Variable(0.8, "gain");
    final Variable rate = new Variable(0.6, "rate");

    ZooHelpers(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public List<Variable> variables() {
        return List.of(gain, rate);
    }

    @Override
    public void reset() {
        random = new SplittableRandom(seed);
        ticks = 0;
    }

    @Differentiable
    static double cube(double x) {
        return x * ZooMath.square(x);
    }

    @Differentiable
    static double helpersOfAnotherClass(double x, double y) {
        return ZooMath.softplus(x) * ZooMath.sigmoid(y) + ZooMath.square(x - y);
    }

    @Differentiable
    static double sameHelperTwice(double x) {
        return ZooMath.square(x) + ZooMath.square(Math.sin(x)) * ZooMath.square(ZooMath.square(x));
    }

    @Differentiable
    static double helperInLoop(double x, int n) {
        double y = x;
        for (int i = 0; i < n; i++) {
            y = ZooMath.sigmoid(y * x) + 0.5 * cube(y);
        }
        return y;
    }

    @Differentiable
    static double helpersInBranches(double x) {
        double y;
        if (x > 0) {
            y = cube(x);
        } else {
            y = ZooMath.softplus(x);
        }
        return y + (x > 0.3 ? ZooMath.square(y) : ZooMath.sigmoid(y));
    }

    /** A helper's result assigned and never read, and a helper called as a statement. */
    @Differentiable
    static double unusedHelperResult(double x) {
        double unused = cube(x) * 3;
        ZooMath.softplus(x);
        return x * ZooMath.sigmoid(x);
    }

    @Differentiable
    static double recursivePower(double x, int depth) {
        if (depth == 0) {
            return 1;
        }
        return x * recursivePower(x, depth - 1);
    }

    @Differentiable
    static double recursiveSmooth(double x, int depth) {
        if (depth == 0) {
            return x;
        }
        double inner = recursiveSmooth(Math.sin(x) + 0.5 * x, depth - 1);
        return Math.tanh(inner) + 0.1 * x * inner;
    }

    /** Returns from inside its loop. */
    @Differentiable
    static double firstAbove(double x, @NonDifferentiable double limit) {
        double y = x;
        for (int i = 0; i < 20; i++) {
            y = y * 1.3 + 0.1;
            if (y > limit) {
                return y;
            }
        }
        return -y;
    }

    /** A helper that returns from inside its loop, called in a loop. */
    @Differentiable
    static double earlyReturningHelperInLoop(double x) {
        double s = 0;
        for (int i = 0; i < 4; i++) {
            s += firstAbove(x * (i + 1), 2.0 + i) * 0.5;
        }
        return s;
    }

    /** Recursion that branches: two recursive calls per level. */
    @Differentiable
    static double branchingRecursion(double x, int depth) {
        if (depth == 0) {
            return Math.sin(x);
        }
        return branchingRecursion(x * 0.5, depth - 1) * branchingRecursion(x + 0.25, depth - 1) + x;
    }

    /** Mutual recursion between two methods. */
    @Differentiable
    static double even(double x, int n) {
        return n == 0 ? x : Math.cos(odd(x, n - 1)) + 0.5 * x;
    }

    @Differentiable
    static double odd(double x, int n) {
        return n == 0 ? x * x : even(x * 1.1, n - 1) * x;
    }

    /** A Variable and the model itself passed to differentiable helpers as data. */
    @Differentiable
    static double scaleBy(Variable v, double x) {
        return v.get() * x + Math.sin(v.get());
    }

    @Differentiable
    static double score(ZooHelpers model, double x) {
        return model.instanceHelper(x) * model.rate.get();
    }

    @Differentiable
    double variableAndModelAsArguments(double x) {
        return scaleBy(gain, x) + scaleBy(this.rate, x * x) + score(this, x);
    }

    /** Helpers with a data parameter, a wrt selection, a float result and a Tensor. */
    @Differentiable
    static double helperParameterKinds(double x, double y, Tensor t) {
        double a = ZooMath.power(x, 3) + ZooMath.weighted(y, 2.0);
        float h = ZooMath.halfSquare((float) x);
        return a * h + ZooMath.scaleShift(t, x, y).square().sum().item();
    }

    @Differentiable
    double instanceHelper(double x) {
        return x * gain.get() + Math.sin(rate.get() * x);
    }

    @Differentiable
    double instanceHelpersCalledBothWays(double x) {
        return this.instanceHelper(x) * instanceHelper(x * x) + cube(rate.get());
    }

    /** A helper in a loop condition, evaluated as data. */
    @Differentiable
    double helperInCondition(double x) {
        double y = x;
        while (ZooMath.square(y) < 4) {
            y = y * (1 + gain.get()) + 0.1 * x;
        }
        return y;
    }

    @Differentiable
    static double shifted(double x) {
        return ZooMath.softplus(x + OFFSET.get()) * FROZEN.get();
    }

    /** A trainable and a frozen static variable, read here and in a helper. */
    @Differentiable
    static double staticVariables(double x) {
        return shifted(x) * OFFSET.get() + FROZEN.get() * x;
    }

    @Differentiable
    static double chain20(double x) {
        return level01(x);
    }

    /** Counts its calls in a static field and scales by the count. */
    @Differentiable
    static double tick(double x) {
        ticks++;
        return ticks * x;
    }

    @Differentiable
    double counterInLoop(double x) {
        double y = 0;
        for (int i = 0; i < 3; i++) {
            y += tick(x) * gain.get();
        }
        return y + ticks * x * x;
    }

    /** Inverted dropout on a scalar. */
    @Differentiable
    double dropout(double x) {
        return random.nextDouble() < 0.3 ? 0.0 : x / 0.7;
    }

    @Differentiable
    double randomDraws(double x) {
        double noise = random.nextGaussian();
        double y = x * (1 + 0.1 * noise);
        for (int i = 0; i < 4; i++) {
            y = dropout(y) * rate.get() + dropout(x);
        }
        return y;
    }

    static void shift(double[] data) {
        data[0] += 1;
        data[1] = data[0] * 2;
    }

    @Differentiable
    static double dataChangedBetweenReads(double x, @NonDifferentiable double[] data) {
        double a = data[0] * x;
        shift(data);
        double b = data[0] * x * x;
        data[1] = data[1] + 1;
        return a + b + data[1] * Math.sin(x);
    }

    /** Data read in a loop by index while a helper changes it. */
    @Differentiable
    static double dataChangedInLoop(double x, @NonDifferentiable double[] data) {
        double s = 0;
        for (int i = 0; i < 3; i++) {
            s += data[0] * x + data[1];
            shift(data);
        }
        return s * x;
    }

    @Differentiable
    static double level01(double x) {
        return level02(x * 0.95 + 0.05) + 0.1 * Math.sin(x);
    }

    @Differentiable
    static double level02(double x) {
        return level03(x * 0.95 + 0.05) + 0.1 * Math.sin(x);
    }

    @Differentiable
    static double level03(double x) {
        return level04(x * 0.95 + 0.05) + 0.1 * Math.sin(x);
    }

    @Differentiable
    static double level04(double x) {
        return level05(x * 0.95 + 0.05) + 0.1 * Math.sin(x);
    }

    @Differentiable
    static double level05(double x) {
        return level06(x * 0.95 + 0.05) + 0.1 * Math.sin(x);
    }

    @Differentiable
    static double level06(double x) {
        return level07(x * 0.95 + 0.05) + 0.1 * Math.sin(x);
    }

    @Differentiable
    static double level07(double x) {
        return level08(x * 0.95 + 0.05) + 0.1 * Math.sin(x);
    }

    @Differentiable
    static double level08(double x) {
        return level09(x * 0.95 + 0.05) + 0.1 * Math.sin(x);
    }

    @Differentiable
    static double level09(double x) {
        return level10(x * 0.95 + 0.05) + 0.1 * Math.sin(x);
    }

    @Differentiable
    static double level10(double x) {
        return level11(x * 0.95 + 0.05) + 0.1 * Math.sin(x);
    }

    @Differentiable
    static double level11(double x) {
        return level12(x * 0.95 + 0.05) + 0.1 * Math.sin(x);
    }

    @Differentiable
    static double level12(double x) {
        return level13(x * 0.95 + 0.05) + 0.1 * Math.sin(x);
    }

    @Differentiable
    static double level13(double x) {
        return level14(x * 0.95 + 0.05) + 0.1 * Math.sin(x);
    }

    @Differentiable
    static double level14(double x) {
        return level15(x * 0.95 + 0.05) + 0.1 * Math.sin(x);
    }

    @Differentiable
    static double level15(double x) {
        return level16(x * 0.95 + 0.05) + 0.1 * Math.sin(x);
    }

    @Differentiable
    static double level16(double x) {
        return level17(x * 0.95 + 0.05) + 0.1 * Math.sin(x);
    }

    @Differentiable
    static double level17(double x) {
        return level18(x * 0.95 + 0.05) + 0.1 * Math.sin(x);
    }

    @Differentiable
    static double level18(double x) {
        return level19(x * 0.95 + 0.05) + 0.1 * Math.sin(x);
    }

    @Differentiable
    static double level19(double x) {
        return level20(x * 0.95 + 0.05) + 0.1 * Math.sin(x);
    }

    @Differentiable
    static double level20(double x) {
        return x * x;
    }
}
