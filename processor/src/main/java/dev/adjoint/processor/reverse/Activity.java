package dev.adjoint.processor.reverse;

import com.sun.source.tree.Tree;
import dev.adjoint.processor.Diagnostics;
import dev.adjoint.processor.Messages;
import dev.adjoint.processor.model.Atom;
import dev.adjoint.processor.model.LoweredMethod;
import dev.adjoint.processor.model.Prim;
import dev.adjoint.processor.model.Refusal;
import dev.adjoint.processor.model.Rules;
import dev.adjoint.processor.model.Stmt;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Activity analysis: which locals carry a gradient. A local is active when some assignment gives it
 * a value computed from an active local, from a {@code Variable} read, or from a differentiable
 * call that may read one — whatever the annotations on the parameters the value passed through.
 * It is flow-insensitive (a fixed point over all assignments), which is exact for the question the
 * transform asks: does this local ever need an adjoint.
 */
public final class Activity {

    private Activity() {
    }

    /** The locals active when gradients flow from the selected parameters and from every {@code Variable} read. */
    public static Set<String> of(LoweredMethod method) {
        return of(method, method.selected(), true);
    }

    /**
     * The locals active when gradients flow from {@code seeds}, and, if {@code variables}, from
     * every {@code Variable} read.
     */
    public static Set<String> of(LoweredMethod method, Collection<String> seeds, boolean variables) {
        Set<String> active = new HashSet<>(seeds);
        boolean changed = true;
        while (changed) {
            boolean[] grew = new boolean[1];
            forEachAssign(method.body(), assign -> {
                if (assign.type().isDifferentiable() && !active.contains(assign.target())
                        && isActive(assign.value(), active, variables)) {
                    active.add(assign.target());
                    grew[0] = true;
                }
            });
            changed = grew[0];
        }
        return active;
    }

    /** Whether {@code prim} produces a value that carries a gradient, given the active locals. */
    public static boolean isActive(Prim prim, Set<String> active) {
        return isActive(prim, active, true);
    }

    private static boolean isActive(Prim prim, Set<String> active, boolean variables) {
        if (prim instanceof Prim.VariableRead) {
            return variables;
        }
        if (variables && prim instanceof Prim.CallValue call && call.call().callee().readsVariables()) {
            return true;
        }
        for (Atom operand : prim.operands()) {
            if (operand.isVariable() && active.contains(operand.variable())) {
                return true;
            }
        }
        return false;
    }

    /** Whether the method may read a {@code Variable}, directly or through a differentiable call. */
    public static boolean readsVariables(LoweredMethod method) {
        boolean[] reads = new boolean[1];
        forEachAssign(method.body(), assign -> reads[0] |= assign.value() instanceof Prim.VariableRead
                || assign.value() instanceof Prim.CallValue call && call.call().callee().readsVariables());
        return reads[0];
    }

    /**
     * Reports every place a gradient would silently stop: a refused construct (a call without a
     * derivative, a field or array write, an array) that receives an active value, an active
     * argument to a parameter the callee does not differentiate, a primitive without a rule for an
     * active argument. Warns about selected parameters the result ignores.
     */
    public static void check(LoweredMethod method, Set<String> active, Tree methodTree, Diagnostics diagnostics,
            boolean warnIndependent) {
        Set<Tree> reported = new HashSet<>();
        for (Refusal refusal : method.refusals()) {
            // The same expression can be printed twice (a call's receiver, say); report it once.
            if (refusal.applies(active) && reported.add(refusal.site())) {
                diagnostics.error(refusal.site(), refusal.message());
            }
        }
        forEachAssign(method.body(), assign -> {
            switch (assign.value()) {
                case Prim.CallValue value -> {
                    Prim.CallForward call = value.call();
                    for (int i = 0; i < call.args().size(); i++) {
                        Atom arg = call.args().get(i);
                        if (arg.isVariable() && active.contains(arg.variable())
                                && call.callee().differentiable().get(i) == null) {
                            diagnostics.error(call.argTrees().get(i), Messages.NON_DIFFERENTIABLE_ARGUMENT, i + 1,
                                    call.calleeText());
                        }
                    }
                }
                case Prim.RuleCall call -> checkRules(call, active, diagnostics);
                default -> { }
            }
        });
        if (diagnostics.hasErrors() || !warnIndependent) {
            // A warning about the result means little next to errors in the body.
            return;
        }
        for (String parameter : method.selected()) {
            if (!of(method, List.of(parameter), false).contains(method.result())) {
                diagnostics.warning(methodTree, Messages.RESULT_INDEPENDENT, method.name(), parameter);
            }
        }
    }

    private static void checkRules(Prim.RuleCall call, Set<String> active, Diagnostics diagnostics) {
        int arity = call.args().size();
        for (int i = 0; i < arity; i++) {
            Atom arg = call.args().get(i);
            if (!arg.isVariable() || !active.contains(arg.variable())) {
                continue;
            }
            Tree site = call.argTrees().isEmpty() ? null : call.argTrees().get(i);
            Rules.Rule rule = call.rules().forArgument(call.ruleArgument(i)).orElse(null);
            if (rule == null) {
                if (site != null) {
                    String name = call.calleeText().substring(call.calleeText().lastIndexOf('.') + 1);
                    diagnostics.error(site, Messages.NO_DERIVATIVE_FOR_ARGUMENT, call.calleeText(), i, name, i);
                }
            } else if (call.bind(rule).isEmpty() && site != null) {
                diagnostics.error(site, Messages.BAD_DERIVATIVE, rule.owner().simpleName() + "." + rule.method(),
                        "no overload declares " + call.primalTypes() + ": a rule for " + call.calleeText()
                                + " takes exactly its parameters (receiver first), optionally the output, then dy");
            }
        }
    }

    /** Visits every assignment, in nested blocks too. */
    public static void forEachAssign(List<Stmt> statements, Consumer<Stmt.Assign> visitor) {
        for (Stmt statement : statements) {
            switch (statement) {
                case Stmt.Assign assign -> visitor.accept(assign);
                case Stmt.If branch -> {
                    forEachAssign(branch.then(), visitor);
                    forEachAssign(branch.otherwise(), visitor);
                }
                case Stmt.Loop loop -> forEachAssign(loop.body(), visitor);
                case Stmt.Effect effect -> { }
            }
        }
    }

    /** Every local assigned anywhere in {@code statements}. */
    public static Set<String> assigned(List<Stmt> statements) {
        Set<String> targets = new HashSet<>();
        forEachAssign(statements, assign -> targets.add(assign.target()));
        return targets;
    }
}
