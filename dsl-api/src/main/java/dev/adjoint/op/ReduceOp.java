package dev.adjoint.op;

/**
 * Reductions over a set of axes. {@code ARGMAX}/{@code ARGMIN} reduce one axis (or the flattened
 * tensor) and return {@code int64} indices, the first one on ties as in NumPy.
 */
public enum ReduceOp {
    SUM("sum"),
    MEAN("mean"),
    MAX("max"),
    MIN("min"),
    PROD("prod"),
    /** {@code log(sum(exp(x)))}, computed stably by subtracting the maximum first. */
    LOG_SUM_EXP("logSumExp"),
    ARGMAX("argmax"),
    ARGMIN("argmin");

    private final String opName;

    ReduceOp(String opName) {
        this.opName = opName;
    }

    public String opName() {
        return opName;
    }

    /** True for ops that return positions rather than values. */
    public boolean isArg() {
        return this == ARGMAX || this == ARGMIN;
    }

    /** True for ops with no identity value, which therefore reject empty reductions. */
    public boolean needsNonEmpty() {
        return this == MAX || this == MIN || this == ARGMAX || this == ARGMIN;
    }
}
