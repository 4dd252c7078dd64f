package dev.adjoint.grad;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Dynamic dispatch for generated gradients. Adjoint differentiates a method from the body it reads
 * at compile time; when the object's class overrides that method (or the method is abstract), the
 * gradient must come from the override's own generated code. Generated {@code fForward} methods
 * call {@link #forward} for any receiver whose class is not the declaring class.
 */
public final class Overrides {

    /** Per receiver class: for each overridden method, the override's generated forward, if any. */
    private static final ClassValue<Map<String, Optional<MethodHandle>>> FORWARDS = new ClassValue<>() {
        @Override
        protected Map<String, Optional<MethodHandle>> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    private Overrides() {
    }

    /**
     * Runs the forward pass of the override of {@code declaring.name(parameterTypes)} that
     * {@code receiver}'s class runs, through that override's generated code.
     *
     * @return the override's pullback, or null when {@code receiver}'s class runs the declaring body
     * @throws IllegalStateException if the override is not {@code @Differentiable}
     */
    public static Pullback forward(Object receiver, Class<?> declaring, String name, Class<?>[] parameterTypes,
            Object... arguments) {
        Class<?> type = receiver.getClass();
        String key = declaring.getName() + "#" + name;
        Optional<MethodHandle> forward = FORWARDS.get(type).computeIfAbsent(key,
                k -> find(type, declaring, name, parameterTypes));
        if (forward.isEmpty()) {
            return null;
        }
        Object[] all = new Object[arguments.length + 1];
        all[0] = receiver;
        System.arraycopy(arguments, 0, all, 1, arguments.length);
        try {
            return (Pullback) forward.get().invokeWithArguments(all);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The gradient an override computed for parameter {@code position}.
     *
     * @throws IllegalStateException if the override does not differentiate that parameter
     */
    public static Object gradient(Object[] gradients, int position, Class<?> declaring, String name,
            String parameter) {
        if (position >= gradients.length || gradients[position] == null) {
            throw new IllegalStateException("the override of " + declaring.getSimpleName() + "." + name
                    + " does not differentiate parameter '" + parameter + "', which " + declaring.getSimpleName()
                    + "." + name + " does: differentiate the same parameters in both");
        }
        return gradients[position];
    }

    private static Optional<MethodHandle> find(Class<?> type, Class<?> declaring, String name,
            Class<?>[] parameterTypes) {
        for (Class<?> c = type; c != null && c != declaring; c = c.getSuperclass()) {
            Method method;
            try {
                method = c.getDeclaredMethod(name, parameterTypes);
            } catch (NoSuchMethodException e) {
                continue;
            }
            if (Modifier.isAbstract(method.getModifiers())) {
                return Optional.empty();
            }
            return Optional.of(generatedForward(c, declaring, name, parameterTypes));
        }
        return Optional.empty();
    }

    private static MethodHandle generatedForward(Class<?> overriding, Class<?> declaring, String name,
            Class<?>[] parameterTypes) {
        String binary = overriding.getName();
        int dot = binary.lastIndexOf('.');
        String gradName = binary.substring(0, dot + 1) + binary.substring(dot + 1).replace('$', '_') + "Grad";
        Class<?>[] forwardTypes = new Class<?>[parameterTypes.length + 1];
        forwardTypes[0] = overriding;
        System.arraycopy(parameterTypes, 0, forwardTypes, 1, parameterTypes.length);
        try {
            Class<?> grad = Class.forName(gradName, true, overriding.getClassLoader());
            Method forward = grad.getMethod(name + "Forward", forwardTypes);
            return MethodHandles.publicLookup().unreflect(forward)
                    .asType(MethodType.methodType(Pullback.class, forwardTypes));
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            throw new IllegalStateException(overriding.getName() + " overrides " + declaring.getSimpleName() + "."
                    + name + ", which is @Differentiable, but its override is not: annotate "
                    + overriding.getSimpleName() + "." + name + " @Differentiable so its gradient is generated", e);
        }
    }
}
