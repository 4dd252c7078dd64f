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
     * A call to a primitive with derivative rules, such as {@code Math.exp(a)}, {@code x.matmul(y)}
     * or a method with a user-supplied {@code @Derivative}. Its rules bind by the primal's exact
     * signature: a rule takes {@code primalTypes}, optionally the output, then the output adjoint.
     *
     * @param callee the static method, or for an instance method ({@code instance}) its name, the
     *     receiver being argument 0
     * @param args the primal's arguments in the order its rules take them (receiver first)
     * @param primalTypes the primal's parameter types, receiver first, as its rules declare them
     * @param resultType the primitive's result type, which is also its adjoint's
     * @param spreadFrom where the arguments spread into the primal's varargs array begin, or -1
     * @param varargsType that array's type, or null
     * @param forward the forward code when it is not {@code callee(args)}: an elementwise facade
     *     such as {@code x.exp()}, whose rules are those of {@code x.unary(UnaryOp.EXP)}; or null
     */
    record RuleCall(CodeBlock callee, String calleeText, List<Atom> args, List<JType> primalTypes, Rules rules,
            List<? extends Tree> argTrees, boolean instance, JType resultType, int spreadFrom, JType varargsType,
            CodeBlock forward) implements Prim {

        /** A call without spread varargs, whose forward code is {@code callee(args)}. */
        public RuleCall(CodeBlock callee, String calleeText, List<Atom> args, List<JType> primalTypes, Rules rules,
                List<? extends Tree> argTrees, boolean instance, JType resultType) {
            this(callee, calleeText, args, primalTypes, rules, argTrees, instance, resultType, -1, null, null);
        }

        public List<Atom> operands() {
            return args;
        }

        public CodeBlock forward() {
            if (forward != null) {
                return forward;
            }
            if (instance) {
                return CodeBlock.of("$L.$L($L)", args.getFirst().code(), callee, joinCode(args.subList(1, args.size())));
            }
            return CodeBlock.of("$L($L)", callee, joinCode(args));
        }

        public String text() {
            if (instance) {
                // An elementwise facade's op constant (argument 1) is the rules' business, not the user's call.
                List<Atom> shown = args.subList(forward != null ? 2 : 1, args.size());
                return args.getFirst().text() + "." + calleeText + "(" + joinText(shown) + ")";
            }
            return calleeText + "(" + joinText(args) + ")";
        }

        /** How {@code rule} takes this call, if one of its overloads declares exactly the primal's signature. */
        public Optional<Binding> bind(Rules.Rule rule) {
            return rule.formFor(primalTypes, resultType)
                    .map(match -> new Binding(match.form(), spreadFrom >= 0, match.returnType()));
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

        /** The index of a rule's argument that receives {@code args.get(i)}: spread ones share the array's. */
        public int ruleArgument(int i) {
            return spreadFrom >= 0 && i >= spreadFrom ? spreadFrom : i;
        }
    }

    /** How a rule takes a call's arguments: its form, whether spread varargs go in packed, the adjoint type it returns. */
    record Binding(Rules.Form form, boolean packed, JType returnType) {
    }

    /**
     * What the processor knows of a {@code @Differentiable} method called from differentiable code.
     *
     * @param gradClass the generated class holding its gradient
     * @param forwardMethod the generated static method that runs its forward pass once and returns its pullback
     * @param pullbackType the type of that pullback
     * @param differentiable for each argument, the callee's parameter name when it is differentiated, else {@code null}
     * @param parameterTypes for each argument, the type of the callee's parameter it meets (its gradient's type)
     * @param readsVariables whether it may read a {@code Variable}, so that its result carries a
     *     gradient even when no argument does
     */
    record Callee(ClassName gradClass, String forwardMethod, JType pullbackType, List<String> differentiable,
            List<JType> parameterTypes, boolean readsVariables) {
    }

    /**
     * {@code call = CGrad.fForward(receiver, args...)}: runs the callee's forward pass, once, and
     * keeps its pullback, which holds what the callee's reverse pass needs. The value is read from
     * it by a {@link CallValue}.
     */
    record CallForward(Callee callee, String calleeText, Atom receiver, List<Atom> args, List<? extends Tree> argTrees)
            implements Prim {
        public List<Atom> operands() {
            return List.of();
        }

        public CodeBlock forward() {
            List<CodeBlock> codes = new ArrayList<>();
            if (receiver != null) {
                codes.add(receiver.code());
            }
            args.forEach(arg -> codes.add(arg.code()));
            return CodeBlock.of("$T.$N($L)", callee.gradClass(), callee.forwardMethod(), CodeBlock.join(codes, ", "));
        }

        public String text() {
            return calleeText + "(" + joinText(args) + ")";
        }

        public Set<String> readsInReverse() {
            return Set.of();
        }
    }

    /**
     * {@code y = call.value()}: the result of a {@link CallForward}. Its adjoint flows back through
     * {@code call.backward(dy, variables)} into the call's arguments; the reverse pass reads the
     * pullback only, never the arguments again.
     */
    record CallValue(Atom pullback, CallForward call) implements Prim {
        public List<Atom> operands() {
            return call.args();
        }

        public CodeBlock forward() {
            return CodeBlock.of("$L.value()", pullback.code());
        }

        public String text() {
            return call.text();
        }

        public Set<String> readsInReverse() {
            return pullback.reads();
        }
    }

    /**
     * {@code y = variable.get()} (scalar) or {@code y = variable.value()} (tensor): a read of a
     * {@code Variable}, for implicit gradients. The reverse pass adds the adjoint to the same
     * {@code Variable} object, so {@code variable} is a local (or a constant) the reverse pass can
     * read again, never an expression such as {@code weights[i]}.
     */
    record VariableRead(Atom variable, String method) implements Prim {
        public List<Atom> operands() {
            return List.of();
        }

        public CodeBlock forward() {
            return CodeBlock.of("$L.$N()", variable.code(), method);
        }

        public String text() {
            return variable.text() + "." + method + "()";
        }

        public Set<String> readsInReverse() {
            return variable.reads();
        }
    }

    /**
     * A value no gradient flows through: an {@code int} or {@code boolean} computation, a constant,
     * a comparison, or a call that is not differentiable (which {@link Refusal}s guard).
     * {@code site} is the expression it was printed from, for errors of generators that cannot take
     * it (the IR emitter refuses a value read of a model input), or null.
     */
    record Passive(CodeBlock code, String text, Set<String> reads, Tree site) implements Prim {

        /** A passive value without a source expression to report at (flags, loop indices). */
        public Passive(CodeBlock code, String text, Set<String> reads) {
            this(code, text, reads, null);
        }

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
