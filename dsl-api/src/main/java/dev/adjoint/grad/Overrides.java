package dev.adjoint.grad;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A guard in generated code for instance methods a subclass could override. Adjoint differentiates
 * a method from the body it reads at compile time, so calling the generated gradient of
 * {@code Base.apply} on an object whose class overrides {@code apply} would differentiate the wrong
 * body; this turns that into an error instead.
 */
public final class Overrides {

    private static final ClassValue<Map<String, Boolean>> OVERRIDDEN = new ClassValue<>() {
        @Override
        protected Map<String, Boolean> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    private Overrides() {
    }

    /**
     * Checks that {@code receiver}'s class does not override {@code declaring.name(parameters)}.
     *
     * @throws IllegalStateException if it does
     */
    public static void check(Object receiver, Class<?> declaring, String name, Class<?>... parameters) {
        Class<?> type = receiver.getClass();
        if (type == declaring) {
            return;
        }
        String key = declaring.getName() + "#" + name;
        if (OVERRIDDEN.get(type).computeIfAbsent(key, k -> overrides(type, declaring, name, parameters))) {
            throw new IllegalStateException(type.getName() + " overrides " + declaring.getSimpleName() + "." + name
                    + ", whose gradient was generated from " + declaring.getSimpleName() + "'s body: call the "
                    + "override's own generated gradient (through a " + type.getSimpleName()
                    + " reference, with the override @Differentiable), or make " + declaring.getSimpleName() + "."
                    + name + " final");
        }
    }

    private static boolean overrides(Class<?> type, Class<?> declaring, String name, Class<?>... parameters) {
        for (Class<?> c = type; c != null && c != declaring; c = c.getSuperclass()) {
            try {
                c.getDeclaredMethod(name, parameters);
                return true;
            } catch (NoSuchMethodException e) {
                // Not declared here: look further up.
            }
        }
        return false;
    }
}
