package dev.adjoint.examples.autodiff;

import dev.adjoint.core.DType;
import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import dev.adjoint.annotation.Differentiable;
import dev.adjoint.annotation.NonDifferentiable;
import dev.adjoint.examples.autodiff.zooother.Damped;
import dev.adjoint.examples.autodiff.zooother.Shadowing;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Function zoo, round 2: dynamic dispatch — a deep hierarchy whose leaf overrides a helper, an
 * interface's default method overridden by a sub-interface, a
 * generic interface, default methods calling abstract ones, an expression tree evaluated through an abstract method, a strategy field,
 * overrides in another package, a base body that reads no variable overridden by one that does,
 * float results through an override, records implementing a layer interface.
 */
final class ZooDispatch implements ZooModel {

    /** A recurrent-style cell: {@code act(a x) + x}. */
    static class Cell {
        final Variable a;

        Cell(double a, String name) {
            this.a = new Variable(a, name + ".a");
        }

        List<Variable> variables() {
            return List.of(a);
        }

        @Differentiable
        double act(double x) {
            return Math.tanh(x);
        }

        @Differentiable
        double apply(double x) {
            return act(a.get() * x) + x;
        }
    }

    /** Overrides {@code apply} with a gate; still calls {@code act}, which a subclass may override. */
    static class GatedCell extends Cell {
        final Variable gate;

        GatedCell(double a, double gate, String name) {
            super(a, name);
            this.gate = new Variable(gate, name + ".gate");
        }

        @Override
        List<Variable> variables() {
            return List.of(a, gate);
        }

        @Override
        @Differentiable
        double apply(double x) {
            double s = 1 / (1 + Math.exp(-gate.get() * x));
            return s * act(a.get() * x) + (1 - s) * x;
        }
    }

    /** Three levels down: overrides only the helper its parents call. */
    static final class SoftGatedCell extends GatedCell {
        SoftGatedCell(double a, double gate, String name) {
            super(a, gate, name);
        }

        @Override
        @Differentiable
        double act(double x) {
            return x / (1 + Math.abs(x));
        }
    }

    /** An activation whose default body is overridden by a sub-interface's default. */
    interface Activation {
        @Differentiable
        default double activate(double x) {
            return x;
        }
    }

    interface Smooth extends Activation {
        @Override
        @Differentiable
        default double activate(double x) {
            return Math.log1p(Math.exp(x));
        }
    }

    static final class Softplus implements Smooth {
    }

    static final class Linear implements Activation {
    }

    /** An abstract method implemented by a sub-interface's default. */
    interface Transform {
        @Differentiable
        double map(double x);
    }

    interface SoftsignTransform extends Transform {
        @Override
        @Differentiable
        default double map(double x) {
            return x / (1 + Math.abs(x));
        }
    }

    static final class Softsign implements SoftsignTransform {
    }

    /** A layer interface whose default method calls its abstract one twice. */
    interface Layer {
        @Differentiable
        double apply(double x);

        @Differentiable
        default double twice(double x) {
            return apply(apply(x));
        }
    }

    /** Implements {@link Layer#apply} through a method inherited from a class that does not implement Layer. */
    static class ScaleBody {
        final Variable scale = new Variable(0.9, "scale");

        @Differentiable
        public double apply(double x) {
            return scale.get() * Math.sin(x);
        }
    }

    static final class Scale extends ScaleBody implements Layer {
    }

    /** A record implementing the layer interface. */
    record Shift(Variable shift) implements Layer {
        @Override
        @Differentiable
        public double apply(double x) {
            return x + shift.get() * x * x;
        }
    }

    /** A generic operation: the configuration type is a type argument. */
    interface Op<C> {
        @Differentiable
        double apply(double x, @NonDifferentiable C config);
    }

    static final class Power implements Op<Integer> {
        @Override
        @Differentiable
        public double apply(double x, @NonDifferentiable Integer config) {
            double y = 1;
            for (int i = 0; i < config; i++) {
                y = y * x;
            }
            return y;
        }
    }

    /** An expression tree evaluated through an abstract method: recursion through overrides. */
    abstract static class Expr {
        @Differentiable
        abstract double eval(double x);
    }

    static final class X extends Expr {
        @Override
        @Differentiable
        double eval(double x) {
            return x;
        }
    }

    /** A leaf that keeps x only to match Expr.eval's signature. */
    static final class Param extends Expr {
        final Variable value;

        Param(double value, String name) {
            this.value = new Variable(value, name);
        }

        @Override
        @Differentiable
        @SuppressWarnings("ResultIndependent")
        double eval(double x) {
            return value.get();
        }
    }

    static final class Add extends Expr {
        final Expr left;
        final Expr right;

        Add(Expr left, Expr right) {
            this.left = left;
            this.right = right;
        }

        @Override
        @Differentiable
        double eval(double x) {
            return left.eval(x) + right.eval(x);
        }
    }

    static final class Mul extends Expr {
        final Expr left;
        final Expr right;

        Mul(Expr left, Expr right) {
            this.left = left;
            this.right = right;
        }

        @Override
        @Differentiable
        double eval(double x) {
            return left.eval(x) * right.eval(x);
        }
    }

    static final class Sin extends Expr {
        final Expr inner;

        Sin(Expr inner) {
            this.inner = inner;
        }

        @Override
        @Differentiable
        double eval(double x) {
            return Math.sin(inner.eval(x));
        }
    }

    /** A loss strategy, chosen by a field: no lambdas. */
    interface Loss {
        @Differentiable
        double of(double prediction, @NonDifferentiable double target);
    }

    static final class SquaredError implements Loss {
        @Override
        @Differentiable
        public double of(double prediction, @NonDifferentiable double target) {
            double d = prediction - target;
            return d * d;
        }
    }

    static final class Huber implements Loss {
        final double delta;

        Huber(double delta) {
            this.delta = delta;
        }

        @Override
        @Differentiable
        public double of(double prediction, @NonDifferentiable double target) {
            double d = Math.abs(prediction - target);
            if (d <= delta) {
                return 0.5 * d * d;
            }
            return delta * (d - 0.5 * delta);
        }
    }

    static final class LogCosh implements Loss {
        @Override
        @Differentiable
        public double of(double prediction, @NonDifferentiable double target) {
            return Math.log(Math.cosh(prediction - target));
        }
    }

    /** An identity layer as a base class; subclasses add weights. Its own body reads no variable. */
    static class Identity {
        @Differentiable
        Tensor apply(Tensor x) {
            return x;
        }
    }

    static final class Dense extends Identity {
        final Variable w;

        Dense(SplittableRandom random) {
            w = new Variable(Tensor.randomNormal(random, 0, 0.7, 2, 2).cast(DType.FLOAT64), "dense.w");
        }

        @Override
        @Differentiable
        Tensor apply(Tensor x) {
            return x.matmul(w.value()).tanh();
        }
    }

    /** A float-valued unit whose override keeps the float result. */
    static class FloatUnit {
        final Variable k = new Variable(0.6, "k");

        @Differentiable
        float apply(float x) {
            return x * (float) k.get();
        }
    }

    static final class FloatSquare extends FloatUnit {
        @Override
        @Differentiable
        float apply(float x) {
            float y = x * (float) k.get();
            return y * y + x;
        }
    }

    /** A chain of cells linked by a field: each link calls the next, and subclasses override the step. */
    static class Link {
        final Link next;
        final Variable weight;

        Link(Link next, double weight, String name) {
            this.next = next;
            this.weight = new Variable(weight, name);
        }

        @Differentiable
        double step(double x) {
            return weight.get() * x;
        }

        @Differentiable
        double apply(double x) {
            double h = step(x);
            if (next == null) {
                return h;
            }
            return next.apply(h);
        }
    }

    static final class SineLink extends Link {
        SineLink(Link next, double weight, String name) {
            super(next, weight, name);
        }

        @Override
        @Differentiable
        double step(double x) {
            return Math.sin(weight.get() * x) + x;
        }
    }

    /** Merges any number of data inputs. */
    static class Merge {
        final Variable mix;

        Merge(SplittableRandom random, String name) {
            mix = new Variable(Tensor.randomNormal(random, 0, 0.7, 2).cast(DType.FLOAT64), name);
        }

        @Differentiable
        Tensor apply(@NonDifferentiable Tensor... inputs) {
            Tensor total = inputs[0].mul(mix.value());
            for (int i = 1; i < inputs.length; i++) {
                total = total.add(inputs[i].mul(mix.value()).tanh());
            }
            return total;
        }
    }

    static final class GatedMerge extends Merge {
        GatedMerge(SplittableRandom random, String name) {
            super(random, name);
        }

        @Override
        @Differentiable
        Tensor apply(@NonDifferentiable Tensor... inputs) {
            Tensor gate = inputs[0].mul(mix.value()).sigmoid();
            return gate.mul(inputs[inputs.length - 1]);
        }
    }

    final Cell[] cells;
    final List<Activation> activations;
    final Transform transform = new Softsign();
    final List<Layer> layers;
    final Op<Integer> power;
    final Expr formula;
    final List<Variable> formulaParameters;
    final Variable slope;
    final Variable intercept;
    final Loss squared;
    final Loss huber;
    final Loss logCosh;
    final Identity[] denseLayers;
    final Variable readout;
    final FloatUnit floatUnit;
    final Link chain;
    final Merge merge;
    final Merge gatedMerge;
    final Damped damped;
    final Shadowing shadowing;

    ZooDispatch(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        cells = new Cell[] {new Cell(0.8, "c0"), new GatedCell(1.1, 0.7, "c1"), new SoftGatedCell(0.9, -0.4, "c2")};
        activations = List.of(new Softplus(), new Linear(), new Softplus());
        layers = List.of(new Scale(), new Shift(new Variable(0.3, "shift")), new Scale());
        power = new Power();
        Param p0 = new Param(0.7, "p0");
        Param p1 = new Param(-0.3, "p1");
        Param p2 = new Param(1.2, "p2");
        // sin(p0 x + p1) * (x + p2) + p0 * p0
        formula = new Add(new Mul(new Sin(new Add(new Mul(p0, new X()), p1)), new Add(new X(), p2)), new Mul(p0, p0));
        formulaParameters = List.of(p0.value, p1.value, p2.value);
        slope = new Variable(random.nextDouble(0.5, 1.5), "slope");
        intercept = new Variable(random.nextDouble(-0.5, 0.5), "intercept");
        squared = new SquaredError();
        huber = new Huber(0.4);
        logCosh = new LogCosh();
        denseLayers = new Identity[] {new Dense(random), new Identity(), new Dense(random)};
        readout = new Variable(Tensor.randomNormal(random, 0, 0.7, 2).cast(DType.FLOAT64), "readout");
        floatUnit = new FloatSquare();
        chain = new Link(new SineLink(new Link(null, 0.8, "l2"), 1.3, "l1"), 0.9, "l0");
        damped = new Damped(0.7);
        merge = new Merge(random, "merge.mix");
        gatedMerge = new GatedMerge(random, "gated.mix");
        shadowing = new Shadowing();
    }

    @Override
    public List<Variable> variables() {
        List<Variable> all = new ArrayList<>();
        for (Cell cell : cells) {
            all.addAll(cell.variables());
        }
        all.add(((Scale) layers.get(0)).scale);
        all.add(((Shift) layers.get(1)).shift());
        all.add(((Scale) layers.get(2)).scale);
        all.addAll(formulaParameters);
        all.addAll(List.of(slope, intercept));
        all.add(((Dense) denseLayers[0]).w);
        all.add(((Dense) denseLayers[2]).w);
        all.add(readout);
        all.add(floatUnit.k);
        for (Link link = chain; link != null; link = link.next) {
            all.add(link.weight);
        }
        all.add(damped.gain());
        all.addAll(List.of(merge.mix, gatedMerge.mix));
        all.add(shadowing.gain());
        return all;
    }

    /** Cells of three classes in one array; the leaf class overrides only the helper. */
    @Differentiable
    double deepHierarchy(double x) {
        double h = x;
        for (Cell cell : cells) {
            h = cell.apply(h);
        }
        return h;
    }

    @Differentiable
    double subInterfaceDefault(double x) {
        double total = 0;
        for (Activation activation : activations) {
            total += activation.activate(x);
        }
        return total;
    }

    @Differentiable
    double defaultImplementsAbstract(double x) {
        return transform.map(x) * x;
    }

    @Differentiable
    double defaultCallsAbstract(double x) {
        double h = x;
        for (Layer layer : layers) {
            h = layer.twice(h);
        }
        return h;
    }

    @Differentiable
    double genericInterface(double x) {
        return power.apply(x, 3) + x;
    }

    @Differentiable
    double expressionTree(double x) {
        return formula.eval(x);
    }

    @Differentiable
    double strategy(double x, @NonDifferentiable double y) {
        double prediction = slope.get() * x + intercept.get();
        return squared.of(prediction, y) + huber.of(prediction, y) + logCosh.of(prediction, y);
    }

    /** The first input is data; only the overrides read variables. */
    @Differentiable
    double identityBaseOverridden(@NonDifferentiable Tensor x) {
        Tensor h = x;
        for (Identity layer : denseLayers) {
            h = layer.apply(h);
        }
        return h.mul(readout.value()).sum().item();
    }

    @Differentiable
    float floatOverride(float x) {
        return floatUnit.apply(x) * 2;
    }

    @Differentiable
    double linkedChain(double x) {
        return chain.apply(x);
    }

    /** Data inputs through a varargs parameter, one layer overriding the method. */
    @Differentiable
    double varargsThroughAnOverride(@NonDifferentiable Tensor a, @NonDifferentiable Tensor b) {
        return merge.apply(a, b).add(gatedMerge.apply(b, a, b)).sum().item();
    }

    /** A subclass in another package overriding a public method. */
    @Differentiable
    double overrideInAnotherPackage(double x) {
        return damped.apply(x) * x;
    }

    /**
     * A subclass in another package declaring a package-private method of the same signature, which
     * does not override this package's method: Java runs {@code PackageUnit.raw}.
     */
    @Differentiable
    double packagePrivateNotOverridden(double x) {
        return shadowing.applyRaw(x);
    }
}
