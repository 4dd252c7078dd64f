package dev.adjoint.processor.model;

import com.palantir.javapoet.ClassName;
import java.util.List;
import java.util.Optional;

/**
 * The derivative rules registered for one primitive through {@code @Derivative}: either one rule
 * for all arguments or one per argument.
 */
public record Rules(List<Rule> rules) {

    /** How a rule's parameters line up with a call. */
    public enum Form {
        /** {@code (args..., dy)}. */
        ARGUMENTS,
        /** {@code (args..., output, dy)}. */
        ARGUMENTS_AND_OUTPUT
    }

    /** One overload of a VJP method: its parameter types and the adjoint type it returns. */
    public record Signature(List<JType> parameters, JType returnType) {
    }

    /** How a call binds a rule: the overload's form and the type of adjoint it returns. */
    public record Match(Form form, JType returnType) {
    }

    /**
     * One VJP method and each of its overloads.
     *
     * @param argument the argument it differentiates, or -1 for all
     * @param returnType what the annotated overload returns: one adjoint, or an array of one per argument
     */
    public record Rule(ClassName owner, String method, int argument, List<Signature> signatures, JType returnType) {

        public boolean returnsArray() {
            return returnType.isArray();
        }

        /**
         * How to call this rule for a primal declaring {@code primalTypes} (its receiver first) and
         * returning {@code outputType}: an overload must declare exactly those, optionally the output,
         * then the adjoint. No widening, and no overload serves another's signature.
         */
        public Optional<Match> formFor(List<JType> primalTypes, JType outputType) {
            JType output = outputType.erasure();
            int n = primalTypes.size();
            for (Signature signature : signatures) {
                List<JType> erased = signature.parameters().stream().map(JType::erasure).toList();
                if (erased.size() < n + 1 || !erased.subList(0, n).equals(primalTypes) || !erased.getLast().equals(output)) {
                    continue;
                }
                if (erased.size() == n + 1) {
                    return Optional.of(new Match(Form.ARGUMENTS, signature.returnType()));
                }
                if (erased.size() == n + 2 && erased.get(n).equals(output)) {
                    return Optional.of(new Match(Form.ARGUMENTS_AND_OUTPUT, signature.returnType()));
                }
            }
            return Optional.empty();
        }
    }

    /**
     * The rule that yields the adjoint of argument {@code index}, if any: one written for that
     * argument, or one written for all (no {@code argument}) that returns an adjoint per argument,
     * or — returning a single adjoint — for argument 0, the only one such a rule can mean.
     */
    public Optional<Rule> forArgument(int index) {
        for (Rule rule : rules) {
            if (rule.argument() == index || rule.argument() == -1 && (rule.returnsArray() || index == 0)) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }

    /** The rule covering all arguments at once, if that is how the rules were written. */
    public Optional<Rule> whole() {
        return rules.stream().filter(rule -> rule.argument() == -1).findFirst();
    }
}
