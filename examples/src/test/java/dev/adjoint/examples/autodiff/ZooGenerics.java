package dev.adjoint.examples.autodiff;

import dev.adjoint.core.DType;
import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import dev.adjoint.annotation.Differentiable;
import dev.adjoint.annotation.NonDifferentiable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Function zoo, round 2: generic containers of variables and layers ({@code List<? extends Gain>},
 * {@code Map<String, List<Variable>>}, entries, a user {@code Iterable}, a {@code Deque}, a
 * {@code Set}, an {@code Optional}, an explicit {@code Iterator}), generic model classes, and
 * aliasing — two locals holding one tensor, one variable reached twice, layers swapped in a loop.
 */
final class ZooGenerics implements ZooModel {

    /** A scalar layer. */
    static class Gain {
        final Variable k;

        Gain(double k, String name) {
            this.k = new Variable(k, name);
        }

        @Differentiable
        double apply(double x) {
            return Math.tanh(k.get() * x) + 0.1 * x;
        }
    }

    static final class OffsetGain extends Gain {
        final double offset;

        OffsetGain(double k, double offset, String name) {
            super(k, name);
            this.offset = offset;
        }
    }

    /** The parameters of a model as users sometimes wrap them: an Iterable of their own. */
    static final class Parameters implements Iterable<Variable> {
        private final List<Variable> all = new ArrayList<>();

        Variable add(Variable variable) {
            all.add(variable);
            return variable;
        }

        @Override
        public Iterator<Variable> iterator() {
            return all.iterator();
        }
    }

    /** A generic pair of layers. */
    static final class Composed<A extends Gain, B extends Gain> {
        final A inner;
        final B outer;

        Composed(A inner, B outer) {
            this.inner = inner;
            this.outer = outer;
        }

        @Differentiable
        double apply(double x) {
            return outer.apply(inner.apply(x));
        }
    }

    final List<? extends Gain> gains;
    final Map<String, List<Variable>> groups;
    final Parameters parameters;
    final Deque<Gain> queue;
    final Set<Variable> unique;
    final Optional<Variable> temperature;
    final Optional<Variable> absent;
    final Variable shared;
    final List<Variable> repeated;
    final Gain first;
    final Gain second;
    final Composed<OffsetGain, Gain> composed;
    final Variable projection;
    final Map<String, Gain> named;

    ZooGenerics(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        gains = List.of(new Gain(random.nextDouble(0.5, 1.5), "g0"), new OffsetGain(random.nextDouble(0.5, 1.5), 0.2,
                "g1"));
        groups = new LinkedHashMap<>();
        groups.put("encoder", List.of(new Variable(random.nextDouble(-1, 1), "e0"),
                new Variable(random.nextDouble(-1, 1), "e1")));
        groups.put("decoder", List.of(new Variable(random.nextDouble(-1, 1), "d0"),
                new Variable(random.nextDouble(-1, 1), "d1"), new Variable(random.nextDouble(-1, 1), "d2")));
        groups.put("empty", List.of());
        parameters = new Parameters();
        parameters.add(new Variable(random.nextDouble(0.2, 0.8), "p0"));
        parameters.add(new Variable(random.nextDouble(0.2, 0.8), "p1"));
        queue = new ArrayDeque<>(List.of(new Gain(0.7, "q0"), new Gain(1.3, "q1")));
        unique = new LinkedHashSet<>(List.of(new Variable(0.4, "u0"), new Variable(-0.6, "u1")));
        temperature = Optional.of(new Variable(1.7, "temperature"));
        absent = Optional.empty();
        shared = new Variable(random.nextDouble(0.5, 1.0), "shared");
        Variable other = new Variable(random.nextDouble(-1, 1), "other");
        repeated = List.of(shared, other, shared);
        first = new Gain(0.9, "first");
        second = new Gain(-1.1, "second");
        composed = new Composed<>(new OffsetGain(0.8, 0.1, "inner"), new Gain(1.2, "outer"));
        projection = new Variable(Tensor.randomNormal(random, 0, 0.7, 3, 3).cast(DType.FLOAT64), "projection");
        named = new LinkedHashMap<>();
        named.put("a", new Gain(0.6, "na"));
        named.put("b", new Gain(1.4, "nb"));
    }

    @Override
    public List<Variable> variables() {
        List<Variable> all = new ArrayList<>();
        gains.forEach(gain -> all.add(gain.k));
        groups.values().forEach(all::addAll);
        parameters.forEach(all::add);
        queue.forEach(gain -> all.add(gain.k));
        all.addAll(unique);
        all.add(temperature.orElseThrow());
        all.addAll(List.of(shared, repeated.get(1), first.k, second.k, composed.inner.k, composed.outer.k, projection));
        named.values().forEach(gain -> all.add(gain.k));
        return all;
    }

    @Differentiable
    double wildcardList(double x) {
        double h = x;
        for (Gain gain : gains) {
            h = gain.apply(h);
        }
        return h;
    }

    @Differentiable
    double mapOfLists(double x) {
        double total = 0;
        for (Variable v : groups.get("encoder")) {
            total += v.get() * x;
        }
        return total * groups.get("decoder").get(1).get() + groups.get("empty").size();
    }

    @Differentiable
    double entriesOfMapOfLists(double x) {
        double total = 0;
        for (Map.Entry<String, List<Variable>> entry : groups.entrySet()) {
            double scale = entry.getKey().startsWith("enc") ? 2 : 1;
            List<Variable> group = entry.getValue();
            for (int i = 0; i < group.size(); i++) {
                total += scale * Math.sin(group.get(i).get() * x + i);
            }
        }
        return total;
    }

    @Differentiable
    double userIterable(double x) {
        double product = 1;
        for (Variable p : parameters) {
            product = product * (p.get() + x);
        }
        return product;
    }

    @Differentiable
    double dequeAndSet(double x) {
        double h = x;
        for (Gain gain : queue) {
            h = gain.apply(h);
        }
        for (Variable u : unique) {
            h = h + u.get() * h * h;
        }
        return h;
    }

    @Differentiable
    double optionalVariable(double x) {
        double scaled = temperature.isPresent() ? x / temperature.get().get() : x;
        double bias = absent.isPresent() ? absent.get().get() : 0.5;
        return Math.exp(scaled) + bias * x;
    }

    @Differentiable
    double explicitIterator(double x) {
        double s = 0;
        Iterator<Variable> it = groups.get("decoder").iterator();
        while (it.hasNext()) {
            s = s * x + it.next().get();
        }
        return s;
    }

    @Differentiable
    double genericComposition(double x) {
        return composed.apply(x) + composed.inner.offset * x;
    }

    @Differentiable
    double mapOfLayersWithVar(double x) {
        double total = 0;
        for (var gain : named.values()) {
            total += gain.apply(x);
        }
        return total;
    }

    /** One variable read through two locals and twice from a list. */
    @Differentiable
    double oneVariableManyReferences(double x) {
        Variable a = shared;
        Variable b = shared;
        double total = a.get() * b.get() * x;
        for (Variable v : repeated) {
            total += v.get() * x * x;
        }
        return total;
    }

    /** Two locals naming one tensor; one is reassigned, the other keeps the old value. */
    @Differentiable
    static Tensor aliasedTensors(Tensor x) {
        Tensor a = x;
        Tensor b = a;
        a = a.mul(a);
        b = b.add(a);
        Tensor c = b;
        b = b.exp();
        return c.mul(b).add(x).sum();
    }

    /** A parameter aliased, then reassigned. */
    @Differentiable
    static double aliasedParameter(double x) {
        double y = x;
        x = x * x;
        double z = y;
        y = y + x;
        return x * y * z;
    }

    /** Layers swapped through locals on every step. */
    @Differentiable
    double swappedLayers(double x) {
        Gain a = first;
        Gain b = second;
        double h = x;
        for (int i = 0; i < 3; i++) {
            h = a.apply(h);
            Gain t = a;
            a = b;
            b = t;
        }
        return h;
    }

    /** A tensor variable aliased by a local, reassigned in a loop. */
    @Differentiable
    Tensor aliasedVariableValue(Tensor x) {
        Tensor p = projection.value();
        Tensor h = x;
        for (int i = 0; i < 2; i++) {
            h = h.matmul(p).tanh();
            p = p.mul(0.5);
        }
        return h.sum();
    }

    /** Layer calls skipped by continue and cut short by break, in nested loops. */
    @Differentiable
    double layersUnderBreakAndContinue(double x) {
        double h = x;
        for (int i = 0; i < 4; i++) {
            if (i == 1) {
                continue;
            }
            for (Gain gain : gains) {
                if (h > 5) {
                    break;
                }
                h = gain.apply(h) + first.apply(0.5 * h);
                if (i == 2) {
                    continue;
                }
                h = second.apply(h);
            }
        }
        return h;
    }

    /** The last variable of a loop, read after it. */
    @Differentiable
    double lastVariableOfALoop(double x) {
        Variable last = null;
        double total = 0;
        for (Variable v : groups.get("decoder")) {
            total += v.get() * x;
            last = v;
        }
        return total * last.get();
    }

    /** A plain getter choosing a layer. */
    Gain layer(int index) {
        return index % 2 == 0 ? first : second;
    }

    @Differentiable
    double layerFromAPlainGetter(double x) {
        double h = x;
        for (int i = 0; i < 3; i++) {
            h = layer(i).apply(h) + this.layer(i + 1).apply(0.5 * h);
        }
        return h;
    }

    /** A list of data tensors, the batches, each through one variable. */
    @Differentiable
    Tensor batches(@NonDifferentiable List<Tensor> batches, Tensor scale) {
        Tensor total = Tensor.of(0.0);
        for (Tensor batch : batches) {
            total = total.add(batch.matmul(projection.value()).mul(scale).square().mean());
        }
        return total;
    }
}
