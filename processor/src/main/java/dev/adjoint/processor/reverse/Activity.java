package dev.adjoint.processor.reverse;

import com.sun.source.tree.Tree;
import dev.adjoint.processor.Diagnostics;
import dev.adjoint.processor.Messages;
import dev.adjoint.processor.model.Atom;
import dev.adjoint.processor.model.JType;
import dev.adjoint.processor.model.LoweredMethod;
import dev.adjoint.processor.model.Prim;
import dev.adjoint.processor.model.Rules;
import dev.adjoint.processor.model.Stmt;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Activity analysis: which locals carry a gradient of the selected parameters. A local is active
 * when some assignment gives it a value computed from an active local or a {@code Variable} read.
 * It is flow-insensitive (a fixed point over all assignments), which is exact for the question the
 * transform asks: does this local ever need an adjoint.
 */
public final class Activity {

    private Activity() {
    }

    /** The locals active when gradients flow from {@code seeds}. */
    public static Set<String> of(LoweredMethod method, Collection<String> seeds) {
        Set<String> active = new HashSet<>(seeds);
        boolean changed = true;
        while (changed) {
            boolean[] grew = new boolean[1];
            forEachAssign(method.body(), assign -> {
                if (assign.type().isDifferentiable() && !active.contains(assign.target())
                        && isActive(assign.value(), active)) {
                    active.add(assign.target());
                    grew[0] = true;
                }
            });
            changed = grew[0];
        }
        return active;
    }

    /** Whether {@code prim} produces a value that depends on an active local. */
    public static boolean isActive(Prim prim, Set<String> active) {
        if (prim instanceof Prim.VariableRead) {
            return true;
        }
        for (Atom operand : prim.operands()) {
            if (operand.isVariable() && active.contains(operand.variable())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reports every place a gradient would silently stop: a non-differentiable call or expression
     * fed an active value, an active argument to a non-differentiated parameter, a primitive
     * without a rule for an active argument. Warns about selected parameters the result ignores.
     */
    public static void check(LoweredMethod method, Set<String> active, Tree methodTree, Diagnostics diagnostics) {
        forEachAssign(method.body(), assign -> {
            switch (assign.value()) {
                case Prim.Passive passive when assign.type().isDifferentiable() && passive.site() != null
                        && passive.reads().stream().anyMatch(active::contains) -> {
                    if (passive.description() != null) {
                        diagnostics.error(passive.site(), Messages.NOT_DIFFERENTIABLE_CALL, passive.description());
                    } else {
                        diagnostics.error(passive.site(), Messages.UNSUPPORTED_EXPRESSION,
                                "'" + passive.text() + "' on a differentiated value",
                                "rewrite it with + - * /, Math functions or @Differentiable methods");
                    }
                }
                case Prim.Passive passive when holdsDifferentiable(assign.type()) && passive.site() != null
                        && passive.reads().stream().anyMatch(active::contains) ->
                        reportArray(passive.site(), passive.text(), diagnostics);
                case Prim.DifferentiableCall call -> {
                    for (int i = 0; i < call.args().size(); i++) {
                        Atom arg = call.args().get(i);
                        if (arg.isVariable() && active.contains(arg.variable()) && call.differentiable().get(i) == null) {
                            diagnostics.error(call.argTrees().get(i), Messages.NON_DIFFERENTIABLE_ARGUMENT, i + 1,
                                    call.calleeText());
                        }
                    }
                }
                case Prim.RuleCall call -> checkRules(call, active, diagnostics);
                default -> { }
            }
        });
        for (String parameter : method.selected()) {
            if (!of(method, List.of(parameter)).contains(method.result())) {
                diagnostics.warning(methodTree, Messages.RESULT_INDEPENDENT, method.name(), parameter);
            }
        }
    }

    /** Arrays are data: a gradient cannot flow through an element, so storing a differentiated value in one is an error. */
    private static boolean holdsDifferentiable(JType type) {
        return type.isArray() && type.component().isDifferentiable();
    }

    private static void reportArray(Tree site, String text, Diagnostics diagnostics) {
        diagnostics.error(site, Messages.UNSUPPORTED_EXPRESSION, "'" + text + "', an array holding a differentiated value,",
                "arrays are data; pass the values one by one, e.g. Tensor.concat(0, a, b)");
    }

    private static void checkRules(Prim.RuleCall call, Set<String> active, Diagnostics diagnostics) {
        int arity = call.args().size();
        for (int i = 0; i < arity; i++) {
            Atom arg = call.args().get(i);
            if (!arg.isVariable() && holdsDifferentiable(arg.type()) && arg.reads().stream().anyMatch(active::contains)
                    && !call.argTrees().isEmpty()) {
                reportArray(call.argTrees().get(i), arg.text(), diagnostics);
            }
            if (!arg.isVariable() || !active.contains(arg.variable())) {
                continue;
            }
            Tree site = call.argTrees().isEmpty() ? null : call.argTrees().get(i);
            Rules.Rule rule = call.rules().forArgument(i).orElse(null);
            if (rule == null) {
                if (site != null) {
                    diagnostics.error(site, Messages.NO_DERIVATIVE_FOR_ARGUMENT, call.calleeText(), i,
                            call.calleeText(), i);
                }
            } else if (call.bind(rule).isEmpty() && site != null) {
                diagnostics.error(site, Messages.BAD_DERIVATIVE, rule.owner().simpleName() + "." + rule.method(),
                        "no overload fits " + call.argumentTypes() + ": a rule for " + call.calleeText()
                                + " takes its " + arity + " argument(s), optionally the output, then dy");
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
