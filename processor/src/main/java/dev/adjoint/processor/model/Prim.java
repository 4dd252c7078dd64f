package dev.adjoint.processor.model;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.sun.source.tree.Tree;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The right-hand side of a normalised statement: exactly one primitive over atoms. */
public sealed interface Prim {

    /** The atoms a gradient can flow into. */
    List<Atom> operands();

    /** Java code computing the value in the forward pass. */
    CodeBlock forward();

    /** The same, as the {@code // Grad of:} comment shows it. */
    String text();

    /** Locals whose values the reverse rule reads (beyond the incoming adjoint). */
    default Set<String> readsInReverse() {
        Set<String> reads = new HashSet<>();
        operands().forEach(atom -> reads.addAll(atom.reads()));
        return reads;
    }

    /** {@code y = a}. */
    record Copy(Atom a) implements Prim {
        public List<Atom> operands() {
            return List.of(a);
        }

        public CodeBlock forward() {
            return a.code();
        }

        public String text() {
            return a.text();
        }

        public Set<String> readsInReverse() {
            return Set.of();
        }
    }

    /** {@code y = -a}. */
    record Negate(Atom a) implements Prim {
        public List<Atom> operands() {
            return List.of(a);
        }

        public CodeBlock forward() {
            return CodeBlock.of("-$L", a.code());
        }

        public String text() {
            return "-" + a.text();
        }

        public Set<String> readsInReverse() {
            return Set.of();
        }
    }

    /** {@code y = a op b} for {@code + - * /}. */
    record Arithmetic(char op, Atom a, Atom b) implements Prim {
        public List<Atom> operands() {
            return List.of(a, b);
        }

        public CodeBlock forward() {
            return CodeBlock.of("$L $L $L", a.code(), op, b.code());
        }

        public String text() {
            return a.text() + " " + op + " " + b.text();
        }

        public Set<String> readsInReverse() {
            return op == '+' || op == '-' ? Set.of() : Prim.super.readsInReverse();
        }
    }

    /** {@code y = (float) a} or {@code y = (double) a}. */
    record Cast(JType to, Atom a) implements Prim {
        public List<Atom> operands() {
            return List.of(a);
        }

        public CodeBlock forward() {
            return CodeBlock.of("($T) $L", to.typeName(), a.code());
        }

        public String text() {
            return "(" + to + ") " + a.text();
        }

        public Set<String> readsInReverse() {
            return Set.of();
        }
    }

    /**
     * A call to a primitive with derivative rules, such as {@code Math.exp(a)}, {@code x.mul(y)} or
     * a method with a user-supplied {@code @Derivative}.
     *
     * @param callee the static method, or for an instance method ({@code instance}) its name, the
     *     receiver being argument 0
     * @param resultType the primitive's result type, which is also its adjoint's
     * @param spreadFrom where the arguments spread into the primal's varargs array begin, or -1
     * @param varargsType that array's type, or null
     */
    record RuleCall(CodeBlock callee, String calleeText, List<Atom> args, Rules rules, List<? extends Tree> argTrees,
            boolean instance, JType resultType, int spreadFrom, JType varargsType) implements Prim {

        /** A call without spread varargs. */
        public RuleCall(CodeBlock callee, String calleeText, List<Atom> args, Rules rules, List<? extends Tree> argTrees,
                boolean instance, JType resultType) {
            this(callee, calleeText, args, rules, argTrees, instance, resultType, -1, null);
        }

        public List<Atom> operands() {
            return args;
        }

        public CodeBlock forward() {
            if (instance) {
                return CodeBlock.of("$L.$L($L)", args.getFirst().code(), callee, joinCode(args.subList(1, args.size())));
            }
            return CodeBlock.of("$L($L)", callee, joinCode(args));
        }

        public String text() {
            if (instance) {
                return args.getFirst().text() + "." + calleeText + "(" + joinText(args.subList(1, args.size())) + ")";
            }
            return calleeText + "(" + joinText(args) + ")";
        }

        /** The argument types as the call spreads them, for choosing a rule overload. */
        public List<JType> argumentTypes() {
            return args.stream().map(Atom::type).toList();
        }

        /**
         * How {@code rule} takes this call: with the arguments as written, or (for a call spreading
         * varargs, such as {@code x.permute(1, 0)}) with the spread ones packed into one array, so
         * one rule {@code permute(Tensor x, int[] axes, Tensor g)} serves every arity.
         */
        public Optional<Binding> bind(Rules.Rule rule) {
            Optional<Rules.Form> spread = rule.formFor(argumentTypes(), resultType);
            if (spread.isPresent() || spreadFrom < 0) {
                return spread.map(form -> new Binding(form, false));
            }
            List<JType> packed = new ArrayList<>(argumentTypes().subList(0, spreadFrom));
            packed.add(varargsType);
            return rule.formFor(packed, resultType).map(form -> new Binding(form, true));
        }

        /** The arguments to pass a rule bound by {@link #bind}: spread ones packed into an array if asked. */
        public List<CodeBlock> ruleArguments(boolean packed) {
            List<CodeBlock> codes = new ArrayList<>();
            for (int i = 0; i < (packed ? spreadFrom : args.size()); i++) {
                codes.add(args.get(i).code());
            }
            if (packed) {
                codes.add(CodeBlock.of("new $T {$L}", varargsType.typeName(), joinCode(args.subList(spreadFrom, args.size()))));
            }
            return codes;
        }
    }

    /** How a rule takes a call's arguments: its form, and whether spread varargs go in packed. */
    record Binding(Rules.Form form, boolean packed) {
    }

    /**
     * A call to another {@code @Differentiable} method; its gradient comes from that method's
     * generated {@code ValueAndGradients} function.
     *
     * @param receiver the instance for an instance method, or {@code null}
     * @param gradClass the generated class holding the callee's gradient
     * @param differentiable for each argument, the callee's parameter name when it is differentiated, else {@code null}
     * @param parameterTypes the callee's parameter types, which are its gradients' types
     */
    record DifferentiableCall(CodeBlock callee, String calleeText, Atom receiver, List<Atom> args, ClassName gradClass,
            String methodName, List<String> differentiable, List<JType> parameterTypes, List<? extends Tree> argTrees)
            implements Prim {
        public List<Atom> operands() {
            return args;
        }

        public CodeBlock forward() {
            return CodeBlock.of("$L($L)", callee, joinCode(args));
        }

        public String text() {
            return calleeText + "(" + joinText(args) + ")";
        }

        public Set<String> readsInReverse() {
            Set<String> reads = new HashSet<>(Prim.super.readsInReverse());
            if (receiver != null) {
                reads.addAll(receiver.reads());
            }
            return reads;
        }
    }

    /**
     * {@code y = variable.get()} (scalar) or {@code y = variable.value()} (tensor): a read of a
     * {@code Variable}, for implicit gradients.
     */
    record VariableRead(CodeBlock variable, String variableText, String method) implements Prim {
        public List<Atom> operands() {
            return List.of();
        }

        public CodeBlock forward() {
            return CodeBlock.of("$L.$N()", variable, method);
        }

        public String text() {
            return variableText + "." + method + "()";
        }
    }

    /**
     * A value no gradient flows through: an {@code int} or {@code boolean} computation, a constant,
     * or a call that is not differentiable. If it reads a value that carries a gradient the
     * activity pass reports {@code site} as the expression to fix.
     */
    record Passive(CodeBlock code, String text, Set<String> reads, Tree site, String description) implements Prim {
        public List<Atom> operands() {
            return List.of();
        }

        public CodeBlock forward() {
            return code;
        }

        public Set<String> readsInReverse() {
            return Set.of();
        }
    }

    private static CodeBlock joinCode(List<Atom> atoms) {
        List<CodeBlock> codes = new ArrayList<>();
        atoms.forEach(atom -> codes.add(atom.code()));
        return CodeBlock.join(codes, ", ");
    }

    private static String joinText(List<Atom> atoms) {
        return atoms.stream().map(Atom::text).collect(Collectors.joining(", "));
    }
}
