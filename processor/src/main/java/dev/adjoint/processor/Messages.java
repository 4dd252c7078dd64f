package dev.adjoint.processor;

/**
 * Every message the processor shows users, each with a stable tag ({@code [Adjoint/Tag]}) that
 * tests and documentation can rely on. Templates use {@link String#formatted}.
 */
public enum Messages {
    UNSUPPORTED_STATEMENT("UnsupportedStatement",
            "%s statements are not supported in a differentiable method: %s"),
    UNSUPPORTED_EXPRESSION("UnsupportedExpression",
            "%s is not supported in a differentiable method: %s"),
    NOT_DIFFERENTIABLE_CALL("NotDifferentiableCall",
            "call to %s is not differentiable: annotate it @Differentiable or supply its derivative with @Derivative"),
    SIDE_EFFECT_IN_EXPRESSION("SideEffectInExpression",
            "%s inside an expression is not supported: move it into a statement of its own"),
    FIELD_ASSIGNMENT("FieldAssignment",
            "assignment to %s stores a differentiated value there, where its gradient would be lost: keep the value in a local variable"),
    UNRESOLVED("Unresolved",
            "cannot resolve %s: %s"),
    NON_DIFFERENTIABLE_ARGUMENT("NonDifferentiableArgument",
            "argument %d of %s depends on a differentiated value, but that parameter is not differentiated: "
                    + "select it in @Differentiable(wrt = ...) or remove @NonDifferentiable"),
    NO_DERIVATIVE_FOR_ARGUMENT("NoDerivativeForArgument",
            "%s has no derivative rule for argument %d: add a @Derivative(of = \"%s\", argument = %d) method"),
    RESULT_INDEPENDENT("ResultIndependent",
            "the result of %s does not depend on parameter '%s': its gradient is always zero"),
    TREES_UNAVAILABLE("TreesUnavailable",
            "the Adjoint processor needs javac's com.sun.source.util.Trees to read method bodies, and this "
                    + "compiler or build tool does not provide it (%s): compile with javac, or disable incremental "
                    + "annotation processing"),
    UNKNOWN_PARAMETER("UnknownParameter",
            "@Differentiable(wrt) names '%s', which is not a parameter of %s: use one of %s"),
    NOT_DIFFERENTIABLE_PARAMETER("NotDifferentiableParameter",
            "parameter '%s' of %s has type %s: only double, float and Tensor parameters can be differentiated"),
    INACCESSIBLE("Inaccessible",
            "%s is %s, so the generated gradient class cannot use it: %s"),
    BAD_METHOD("BadMethod",
            "%s cannot be differentiable: %s"),
    BAD_DERIVATIVE("BadDerivative",
            "@Derivative method %s is malformed: %s"),
    LABELED_JUMP("LabeledJump",
            "labelled %s is not supported in a differentiable method: restructure the loop or use a boolean flag"),
    FLOATING_REMAINDER("FloatingRemainder",
            "the remainder operator %% on a differentiated value has no useful derivative: "
                    + "compute it with int values or Math.floor"),
    EXPORT_MODULE_MISSING("ExportModuleMissing",
            "%s is @Export, but the IR emitter's support (dev.adjoint.openvino.export.IrTensor) is not on the "
                    + "class path: add the dependency dev.adjoint:adjoint-openvino-export to this project (the "
                    + "application that runs the deployed model needs only adjoint-openvino-engine)"),
    EXPORT_BAD_METHOD("ExportBadMethod",
            "%s cannot be exported: %s"),
    EXPORT_DATA_DEPENDENT_BRANCH("ExportDataDependentBranch",
            "the branch on '%s' depends on %s, a value known only when the model runs, and an exported graph has "
                    + "no branches: compute both values and choose per element with Tensor.where(condition, a, b) "
                    + "(OpenVINO Select)"),
    EXPORT_DATA_DEPENDENT_LOOP("ExportDataDependentLoop",
            "the loop condition '%s' depends on %s, a value known only when the model runs, so the loop cannot be "
                    + "unrolled at export time: bound it by an int or a static dimension (x.dim(1)) and select "
                    + "results with Tensor.where"),
    EXPORT_VALUE_READ("ExportValueRead",
            "'%s' reads the value of %s, which is known only when the model runs: keep the computation in "
                    + "Tensor ops (x.gt(0.0) and Tensor.where instead of x.item() > 0)"),
    EXPORT_UNSUPPORTED_CALL("ExportUnsupportedCall",
            "%s in exported code has no IR mapping: %s");

    private final String tag;
    private final String template;

    Messages(String tag, String template) {
        this.tag = tag;
        this.template = template;
    }

    /** The stable tag, e.g. {@code Adjoint/NotDifferentiableCall}. */
    public String tag() {
        return "Adjoint/" + tag;
    }

    /** The full message: the tag in brackets, then the filled template. */
    public String format(Object... args) {
        return "[" + tag() + "] " + template.formatted(args);
    }
}
