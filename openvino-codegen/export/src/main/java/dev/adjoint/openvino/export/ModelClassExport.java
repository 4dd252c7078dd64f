package dev.adjoint.openvino.export;

import dev.adjoint.Variable;
import dev.adjoint.io.Checkpoint;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Exports a compiled model class with a checkpoint, without the training program: what {@code adjoint-ov convert
 * CLASS --checkpoint FILE} does. The class's generated emitter ({@code <Class>Ir}) builds the graph of one
 * {@code @Export} method from a model made with the class's no-argument constructor, whose {@link Variable}s (in its
 * fields, arrays, lists and the objects they hold: layers) are then restored from the checkpoint.
 */
public final class ModelClassExport {

    private ModelClassExport() {
    }

    /**
     * Builds the IR of {@code className}'s exported {@code method} (or its only one when {@code method} is null)
     * with the weights of {@code checkpoint}.
     *
     * @param loader where the model's classes are (its compiled classes and the generated {@code <Class>Ir})
     * @param inputs one spec per {@code Tensor} (or scalar) parameter, in the method's parameter order
     * @throws IllegalArgumentException naming what is missing: the class, its emitter, the method, a no-argument
     *     constructor, an input spec, or a parameter that only Java can give (an export-time constant)
     * @throws IOException if the checkpoint cannot be read or does not fit the model's variables
     */
    public static ExportedModel export(ClassLoader loader, String className, String method, Path checkpoint,
            List<InputSpec> inputs) throws IOException {
        Class<?> modelClass = load(loader, className, "class " + className + " is not on the class path");
        Class<?> emitter = load(loader, className + "Ir", className + " has no generated emitter " + className
                + "Ir: mark a method @Export and compile the class with the Adjoint processor");
        Method entry = entryPoint(emitter, modelClass, method);
        Object model = instantiate(modelClass);
        List<Variable> variables = variables(model);
        Checkpoint.restore(checkpoint, variables);

        Class<?>[] types = entry.getParameterTypes();
        Object[] arguments = new Object[types.length];
        int first = 0;
        if (types.length > 0 && types[0] == modelClass) {
            arguments[0] = model;
            first = 1;
        }
        int specs = 0;
        for (int i = first; i < types.length; i++) {
            if (types[i] != InputSpec.class) {
                throw new IllegalArgumentException(className + "." + entry.getName() + ": parameter " + (i - first + 1)
                        + " (" + types[i].getSimpleName() + ") is an export-time constant that only Java code can"
                        + " give: call " + emitter.getSimpleName() + "." + entry.getName() + "(...) from a program");
            }
            specs++;
        }
        if (inputs.size() != specs) {
            throw new IllegalArgumentException(className + "." + entry.getName() + " has " + specs + " model input"
                    + (specs == 1 ? "" : "s") + ", but " + inputs.size() + " input shape" + (inputs.size() == 1 ? " was"
                    : "s were") + " given (--input \"x[-1,64]\" gives one)");
        }
        for (int i = first, s = 0; i < types.length; i++, s++) {
            arguments[i] = inputs.get(s);
        }
        try {
            return (ExportedModel) entry.invoke(null, arguments);
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException(emitter.getName() + "." + entry.getName() + " is not accessible", e);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static Class<?> load(ClassLoader loader, String name, String message) {
        try {
            return Class.forName(name, true, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(message, e);
        }
    }

    /** The emitter's entry point for {@code method}: static, returning {@link ExportedModel}. */
    private static Method entryPoint(Class<?> emitter, Class<?> modelClass, String method) {
        List<Method> entries = new ArrayList<>();
        for (Method m : emitter.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) && m.getReturnType() == ExportedModel.class) {
                entries.add(m);
            }
        }
        entries.sort((a, b) -> a.getName().compareTo(b.getName()));
        List<String> names = entries.stream().map(Method::getName).distinct().toList();
        List<Method> chosen = method == null ? entries
                : entries.stream().filter(m -> m.getName().equals(method)).toList();
        if (chosen.size() != 1) {
            throw new IllegalArgumentException(method == null
                    ? modelClass.getName() + " exports " + names + ": choose one with --method"
                    : modelClass.getName() + " exports no method '" + method + "' (it exports " + names + ")");
        }
        return chosen.getFirst();
    }

    private static Object instantiate(Class<?> modelClass) {
        try {
            Constructor<?> constructor = modelClass.getDeclaredConstructor();
            constructor.setAccessible(true);
            return constructor.newInstance();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(modelClass.getName() + " needs a no-argument constructor to be"
                    + " exported with a checkpoint (its variables are then restored from the checkpoint)", e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("could not construct " + modelClass.getName() + ": " + e, e);
        }
    }

    /**
     * The variables {@code model} holds, in field order: its {@link Variable} fields, arrays and lists of them, and
     * those of the objects (layers) it holds the same ways. Each variable once.
     */
    public static List<Variable> variables(Object model) {
        List<Variable> found = new ArrayList<>();
        collect(model, found, Collections.newSetFromMap(new IdentityHashMap<>()));
        return found;
    }

    private static void collect(Object value, List<Variable> found, Set<Object> seen) {
        if (value == null || !seen.add(value)) {
            return;
        }
        if (value instanceof Variable variable) {
            found.add(variable);
        } else if (value instanceof dev.adjoint.Tensor) {
            return; // data, not a holder of variables
        } else if (value instanceof Object[] array) {
            for (Object element : array) {
                collect(element, found, seen);
            }
        } else if (value instanceof Iterable<?> iterable) {
            for (Object element : iterable) {
                collect(element, found, seen);
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Object element : map.values()) {
                collect(element, found, seen);
            }
        } else if (!value.getClass().getName().startsWith("java.") && !value.getClass().isArray()) {
            for (Class<?> type = value.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
                for (Field field : type.getDeclaredFields()) {
                    if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
                        continue;
                    }
                    try {
                        field.setAccessible(true);
                        collect(field.get(value), found, seen);
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        // A field the module system hides holds no model variables of ours.
                    }
                }
            }
        }
    }
}
