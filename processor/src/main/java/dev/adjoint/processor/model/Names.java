package dev.adjoint.processor.model;

import java.util.HashSet;
import java.util.Set;

/**
 * Hands out the names generated code declares. Names are deterministic (same source, same
 * output): user locals keep their own names where they can, and generated names never collide
 * with an identifier of the user's method.
 */
public final class Names {

    private final Set<String> userIdentifiers;
    private final Set<String> taken = new HashSet<>();
    private int temporaries;

    public Names(Set<String> userIdentifiers) {
        this.userIdentifiers = Set.copyOf(userIdentifiers);
    }

    /** The hoisted name of a user local: its own name the first time, else {@code name2}, ... */
    public String local(String name) {
        if (taken.add(name)) {
            return name;
        }
        return fresh(name);
    }

    /** A generated name: {@code base} itself if free, else {@code base2}, {@code base3}, ... */
    public String fresh(String base) {
        if (!userIdentifiers.contains(base) && taken.add(base)) {
            return base;
        }
        for (int i = 2; ; i++) {
            String candidate = base + i;
            if (!userIdentifiers.contains(candidate) && taken.add(candidate)) {
                return candidate;
            }
        }
    }

    /** The next temporary: {@code t0}, {@code t1}, ... skipping taken names. */
    public String temporary() {
        while (true) {
            String name = "t" + temporaries++;
            if (!userIdentifiers.contains(name) && taken.add(name)) {
                return name;
            }
        }
    }

    /** The adjoint of {@code variable}: {@code bx} for {@code x}, as in google/tangent. */
    public String adjoint(String variable) {
        return fresh("b" + variable);
    }

    /** Marks {@code name} as used, e.g. a parameter kept under its own name. */
    public void reserve(String name) {
        taken.add(name);
    }
}
