package dev.adjoint.io;

import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import dev.adjoint.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Saves and restores a model's {@link Variable}s, and an optimizer's state, as a NumPy {@code .npz} archive.
 *
 * <p>Why {@code .npz}: NumPy reads it with nothing installed ({@code np.load("ckpt.npz")["w1"]}), PyTorch users
 * get tensors with {@code torch.from_numpy}, it holds float64 and int64 (the optimizer's step counts) exactly,
 * and it needs no library on our side; safetensors would need a JSON parser and is not readable by NumPy alone.
 *
 * <p>Layout: each variable under its name (a scalar variable as a 0-d float64 array); the optimizer's state as
 * {@code optimizer/KIND/VARIABLE/SLOT} (e.g. {@code optimizer/adam/w1/m}, {@code .../v}, {@code .../step}).
 * Restoring is strict, as PyTorch's {@code load_state_dict}: every variable must be in the file with its shape
 * and dtype, every array of the file must belong to a variable, and the optimizer must be of the kind saved;
 * otherwise nothing is changed and the error names what differs. A resumed run continues exactly as an
 * uninterrupted one (the state is saved bit for bit).
 */
public final class Checkpoint {

    private static final String OPTIMIZER = "optimizer/";

    private Checkpoint() {
    }

    /** Saves {@code variables} to {@code file}. */
    public static void save(Path file, Collection<Variable> variables) throws IOException {
        save(file, variables, null);
    }

    /**
     * Saves {@code variables}, and what {@code optimizer} keeps for each of them, to {@code file}, replacing it
     * only once the whole archive is written.
     *
     * @throws IllegalArgumentException if two variables share a name (give each its own)
     */
    public static void save(Path file, Collection<Variable> variables, Optimizer optimizer) throws IOException {
        requireUniqueNames(variables);
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        for (Variable variable : variables) {
            arrays.put(variable.name(), Npy.of(variable.isTensor() ? variable.value() : Tensor.of(variable.get())));
        }
        if (optimizer != null) {
            for (Variable variable : variables) {
                for (Map.Entry<String, Tensor> slot : optimizer.state(variable).entrySet()) {
                    arrays.put(slotKey(optimizer, variable, slot.getKey()), Npy.of(slot.getValue()));
                }
            }
        }
        Npz.write(file, arrays);
    }

    /** Restores {@code variables} from {@code file}; see {@link #restore(Path, Collection, Optimizer)}. */
    public static void restore(Path file, Collection<Variable> variables) throws IOException {
        restore(file, variables, null);
    }

    /**
     * Restores {@code variables}, and {@code optimizer}'s state for them, from {@code file}. Everything is
     * checked before anything is assigned, so a mismatch leaves the model as it was.
     *
     * @throws IOException naming the file and what differs: a missing variable, an array no variable takes, a
     *     shape or dtype, the optimizer's kind
     */
    public static void restore(Path file, Collection<Variable> variables, Optimizer optimizer) throws IOException {
        requireUniqueNames(variables);
        Map<String, NpyArray> arrays = Npz.read(file);
        Map<Variable, Tensor> values = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Variable variable : variables) {
            NpyArray array = arrays.get(variable.name());
            if (array == null) {
                problems.add("variable '" + variable.name() + "' is missing");
                continue;
            }
            Tensor value = Npy.toTensor(array, file + "!" + variable.name());
            Tensor like = variable.isTensor() ? variable.value() : Tensor.of(0.0);
            if (!value.shape().equals(like.shape()) || value.dtype() != like.dtype()) {
                problems.add("variable '" + variable.name() + "' is " + like.dtype() + like.shape()
                        + " in the model but " + value.dtype() + value.shape() + " in the checkpoint");
            }
            values.put(variable, value);
        }
        Set<String> taken = new HashSet<>();
        variables.forEach(variable -> taken.add(variable.name()));
        Map<Variable, Map<String, Tensor>> states = new LinkedHashMap<>();
        for (String name : arrays.keySet()) {
            if (!name.startsWith(OPTIMIZER)) {
                if (!taken.contains(name)) {
                    problems.add("array '" + name + "' belongs to no variable of the model");
                }
                continue;
            }
            if (optimizer == null) {
                continue; // restoring weights only, as for inference, ignores the training state
            }
            String prefix = OPTIMIZER + optimizer.kind() + "/";
            if (!name.startsWith(prefix)) {
                String saved = name.substring(OPTIMIZER.length(), Math.max(OPTIMIZER.length(), name.indexOf('/',
                        OPTIMIZER.length())));
                problems.add("optimizer state '" + name + "' was saved by " + saved + ", not by " + optimizer.kind());
                continue;
            }
            Variable owner = null;
            for (Variable variable : variables) {
                if (name.startsWith(prefix + variable.name() + "/")
                        && name.indexOf('/', prefix.length() + variable.name().length() + 1) < 0) {
                    owner = variable;
                }
            }
            if (owner == null) {
                problems.add("optimizer state '" + name + "' belongs to no variable of the model");
                continue;
            }
            String slot = name.substring(prefix.length() + owner.name().length() + 1);
            states.computeIfAbsent(owner, v -> new LinkedHashMap<>()).put(slot, Npy.toTensor(arrays.get(name), name));
        }
        if (!problems.isEmpty()) {
            throw new IOException(file + ": does not fit the model: " + String.join("; ", problems));
        }
        if (optimizer != null) {
            restoreOptimizer(file, variables, optimizer, states);
        }
        for (Map.Entry<Variable, Tensor> value : values.entrySet()) {
            Variable variable = value.getKey();
            if (variable.isTensor()) {
                variable.assign(value.getValue()); // takes a copy
            } else {
                variable.assign(value.getValue().item());
            }
            value.getValue().release();
        }
    }

    /** Restores every variable's slots, or, if one does not fit, puts back what the optimizer held before. */
    private static void restoreOptimizer(Path file, Collection<Variable> variables, Optimizer optimizer,
            Map<Variable, Map<String, Tensor>> states) throws IOException {
        Map<Variable, Map<String, Tensor>> before = new LinkedHashMap<>();
        for (Variable variable : variables) {
            before.put(variable, optimizer.state(variable));
        }
        try {
            for (Variable variable : variables) {
                optimizer.restoreState(variable, states.getOrDefault(variable, Map.of()));
            }
        } catch (IllegalArgumentException e) {
            before.forEach(optimizer::restoreState);
            throw new IOException(file + ": does not fit the model: " + e.getMessage(), e);
        }
    }

    /** The names of the arrays in {@code file}, sorted: what {@code np.load(file).files} lists. */
    public static Set<String> names(Path file) throws IOException {
        return new TreeSet<>(Npz.read(file).keySet());
    }

    private static String slotKey(Optimizer optimizer, Variable variable, String slot) {
        return OPTIMIZER + optimizer.kind() + "/" + variable.name() + "/" + slot;
    }

    private static void requireUniqueNames(Collection<Variable> variables) {
        Set<String> seen = new HashSet<>();
        Set<String> repeated = new TreeSet<>();
        for (Variable variable : variables) {
            if (!seen.add(variable.name())) {
                repeated.add(variable.name());
            }
        }
        if (!repeated.isEmpty()) {
            throw new IllegalArgumentException("a checkpoint names each variable by its name, and these are used"
                    + " more than once: " + repeated + " (give each Variable its own name)");
        }
    }
}
