package dev.adjoint.grad;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
        Method base = declaredMethod(declaring, name, parameterTypes);
        Method implementation = base == null ? null : implementation(type, declaring, base);
        if (implementation == null || implementation.getDeclaringClass() == declaring
                || Modifier.isAbstract(implementation.getModifiers())) {
            return Optional.empty();
        }
        return Optional.of(generatedForward(implementation.getDeclaringClass(), declaring, name,
                implementation.getParameterTypes()));
    }

    /**
     * The method the JVM runs for {@code base} on an object of {@code type}: the most derived class
     * declaring it (a package-private method is overridden only in its own package), else the most
     * specific interface default.
     */
    private static Method implementation(Class<?> type, Class<?> declaring, Method base) {
        int access = base.getModifiers();
        boolean packagePrivate = !Modifier.isPublic(access) && !Modifier.isProtected(access) && !Modifier.isPrivate(access);
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            Method method = c == declaring ? base : declaredMethod(c, base.getName(), base.getParameterTypes());
            if (method == null || packagePrivate && c != declaring && !c.getPackageName().equals(declaring.getPackageName())) {
                continue;
            }
            return method;
        }
        Method best = null;
        for (Class<?> candidate : interfaces(type)) {
            if (!declaring.isAssignableFrom(candidate)) {
                continue;
            }
            Method method = candidate == declaring ? base : declaredMethod(candidate, base.getName(), base.getParameterTypes());
            if (method != null && (method.isDefault() || candidate == declaring)
                    && (best == null || best.getDeclaringClass().isAssignableFrom(candidate))) {
                best = method;
            }
        }
        return best;
    }

    /**
     * The method {@code type} declares with this name for arguments of {@code parameterTypes}: the
     * exact one, or, where a generic supertype's signature erased differently, the one its bridge
     * method calls ({@code apply(double, Integer)} for the bridge {@code apply(double, Object)}).
     */
    private static Method declaredMethod(Class<?> type, String name, Class<?>[] parameterTypes) {
        Method bridged = null;
        for (Method method : type.getDeclaredMethods()) {
            if (!method.getName().equals(name) || method.getParameterCount() != parameterTypes.length) {
                continue;
            }
            if (!method.isBridge() && Arrays.equals(method.getParameterTypes(), parameterTypes)) {
                return method;
            }
            if (!method.isBridge() && assignable(method.getParameterTypes(), parameterTypes)) {
                bridged = method;
            }
        }
        return bridged;
    }

    private static boolean assignable(Class<?>[] specific, Class<?>[] general) {
        for (int i = 0; i < specific.length; i++) {
            if (!general[i].isAssignableFrom(specific[i])) {
                return false;
            }
        }
        return true;
    }

    /** Every interface {@code type} implements, directly or through its superclasses and superinterfaces. */
    private static Set<Class<?>> interfaces(Class<?> type) {
        Set<Class<?>> all = new LinkedHashSet<>();
        Deque<Class<?>> pending = new ArrayDeque<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            pending.addAll(List.of(c.getInterfaces()));
        }
        if (type.isInterface()) {
            pending.add(type);
        }
        while (!pending.isEmpty()) {
            Class<?> next = pending.poll();
            if (all.add(next)) {
                pending.addAll(List.of(next.getInterfaces()));
            }
        }
        return all;
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
            // Fixed arity: a varargs parameter is handed over as the array it already is.
            return MethodHandles.publicLookup().unreflect(forward).asFixedArity()
                    .asType(MethodType.methodType(Pullback.class, forwardTypes));
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            throw new IllegalStateException(overriding.getName() + " overrides " + declaring.getSimpleName() + "."
                    + name + ", which is @Differentiable, but its override is not: annotate "
                    + overriding.getSimpleName() + "." + name + " @Differentiable so its gradient is generated", e);
        }
    }
}
