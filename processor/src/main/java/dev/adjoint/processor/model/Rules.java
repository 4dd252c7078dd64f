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
        ARGUMENTS_AND_OUTPUT,
        /** {@code (args[0], dy)}: a shape-only rule for every overload of the primal. */
        FIRST_ARGUMENT
    }

    /**
     * One VJP method and the parameter types of each of its overloads.
     *
     * @param argument the argument it differentiates, or -1 for all
     * @param returnType what it returns: one adjoint, or an array of one per argument
     */
    public record Rule(ClassName owner, String method, int argument, List<List<JType>> signatures, JType returnType) {

        public boolean returnsArray() {
            return returnType.isArray();
        }

        /** How to call this rule for arguments of {@code argumentTypes} and an output of {@code outputType}. */
        public Optional<Form> formFor(List<JType> argumentTypes, JType outputType) {
            if (matchesAny(argumentTypes, outputType, false)) {
                return Optional.of(Form.ARGUMENTS);
            }
            if (matchesAny(argumentTypes, outputType, true)) {
                return Optional.of(Form.ARGUMENTS_AND_OUTPUT);
            }
            if (matchesAny(argumentTypes.subList(0, Math.min(1, argumentTypes.size())), outputType, false)) {
                return Optional.of(Form.FIRST_ARGUMENT);
            }
            return Optional.empty();
        }

        private boolean matchesAny(List<JType> arguments, JType output, boolean withOutput) {
            for (List<JType> parameters : signatures) {
                int expected = arguments.size() + (withOutput ? 2 : 1);
                if (parameters.size() != expected) {
                    continue;
                }
                boolean matches = accepts(parameters.getLast(), output);
                for (int i = 0; i < arguments.size() && matches; i++) {
                    matches = accepts(parameters.get(i), arguments.get(i));
                }
                if (withOutput) {
                    matches &= accepts(parameters.get(arguments.size()), output);
                }
                if (matches) {
                    return true;
                }
            }
            return false;
        }

        private static boolean accepts(JType parameter, JType argument) {
            return parameter.equals(argument) || parameter.acceptsByWidening(argument)
                    || parameter.isArray() && argument.isArray() && parameter.equals(argument);
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
