package dev.adjoint.processor.model;

import com.palantir.javapoet.ClassName;
import java.util.List;
import java.util.Optional;

/**
 * The derivative rules registered for one primitive through {@code @Derivative}: either one rule
 * for all arguments or one per argument.
 */
public record Rules(List<Rule> rules) {

    /**
     * One VJP method.
     *
     * @param argument the argument it differentiates, or -1 for all
     * @param parameterCount how many parameters the rule takes: the primal's arguments, then
     *     optionally its output, then {@code dy}
     * @param returnsArray whether it returns one adjoint per argument
     */
    public record Rule(ClassName owner, String method, int argument, int parameterCount, boolean returnsArray) {

        /** Whether, for a primal of {@code arity} arguments, the rule takes the primal's output. */
        public boolean takesOutput(int arity) {
            return parameterCount == arity + 2;
        }
    }

    /** The rule that yields the adjoint of argument {@code index}, if any. */
    public Optional<Rule> forArgument(int index) {
        for (Rule rule : rules) {
            if (rule.argument() == index || rule.argument() == -1) {
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
