package dev.adjoint.processor.lower;

import dev.adjoint.processor.model.JType;
import dev.adjoint.processor.model.Names;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The names of one method being lowered: its parameters, every hoisted local with its type, and
 * the block scopes that map a user's name to its hoisted name (two loops may both declare
 * {@code i}; they become {@code i} and {@code i2}).
 */
final class Locals {

    private final Names names;
    private final Map<String, JType> parameters = new LinkedHashMap<>();
    private final Map<String, JType> hoisted = new LinkedHashMap<>();
    private final Deque<Map<String, String>> scopes = new ArrayDeque<>();
    private final Map<com.sun.source.tree.Tree, String> patternMatches = new java.util.IdentityHashMap<>();
    private final String self;
    private final JType selfType;

    Locals(Names names, String self, JType selfType) {
        this.names = names;
        this.self = self;
        this.selfType = selfType;
        scopes.push(new HashMap<>());
    }

    Names names() {
        return names;
    }

    /** The receiver's name in generated code, or null in a static method. */
    String self() {
        return self;
    }

    JType selfType() {
        return selfType;
    }

    Map<String, JType> parameters() {
        return parameters;
    }

    /** Every hoisted local, in declaration order. */
    Map<String, JType> hoisted() {
        return hoisted;
    }

    void parameter(String name, JType type) {
        parameters.put(name, type);
        names.reserve(name);
    }

    void push() {
        scopes.push(new HashMap<>());
    }

    void pop() {
        scopes.pop();
    }

    /** Declares the user's local {@code name} in the innermost scope; returns its hoisted name. */
    String declare(String name, JType type) {
        String local = names.local(name);
        hoisted.put(local, type);
        scopes.peek().put(name, local);
        return local;
    }

    /** A new temporary {@code t0}, {@code t1}, ... */
    String temporary(JType type) {
        String name = names.temporary();
        hoisted.put(name, type);
        return name;
    }

    /** A new generated local named after {@code base}. */
    String fresh(String base, JType type) {
        String name = names.fresh(base);
        hoisted.put(name, type);
        return name;
    }

    /** The hoisted name the user's {@code name} refers to here, or null if it is not a local or parameter. */
    String lookup(String name) {
        for (Map<String, String> scope : scopes) {
            String local = scope.get(name);
            if (local != null) {
                return local;
            }
        }
        return parameters.containsKey(name) ? name : null;
    }

    /** Records that the {@code instanceof} pattern {@code test} was evaluated into the boolean local {@code match}. */
    void patternMatch(com.sun.source.tree.Tree test, String match) {
        patternMatches.put(test, match);
    }

    /** The boolean local an {@code instanceof} pattern was evaluated into, or null. */
    String patternMatch(com.sun.source.tree.Tree test) {
        return patternMatches.get(test);
    }

    /** The type of a hoisted local or parameter. */
    JType typeOf(String local) {
        JType type = hoisted.get(local);
        return type != null ? type : parameters.get(local);
    }
}
