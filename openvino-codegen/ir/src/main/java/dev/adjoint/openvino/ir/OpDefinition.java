package dev.adjoint.openvino.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One op version: the opsets that contain it, its inputs and {@code <data>} attributes, and its shape and type
 * inference rule ({@code validate_and_infer_types}). Definitions live in {@link OpRegistry}; the inference rules
 * are small functions over {@link PartialShape}s, most of them in {@link ShapeRules}, so that another op table
 * can call the same rule.
 */
public final class OpDefinition {

    /** Computes the output types from the context, or throws via {@link InferenceContext#fail}. */
    @FunctionalInterface
    public interface Rule {
        List<PortType> infer(InferenceContext ctx);
    }

    private final OpType type;
    private final int firstOpset;
    private final int lastOpset;
    private final int minInputs;
    private final int maxInputs;
    private final List<AttributeSpec> attributes;
    private final Rule rule;

    private OpDefinition(Builder b) {
        this.type = b.type;
        this.firstOpset = b.firstOpset;
        this.lastOpset = b.lastOpset;
        this.minInputs = b.minInputs;
        this.maxInputs = b.maxInputs;
        this.attributes = List.copyOf(b.attributes);
        this.rule = Objects.requireNonNull(b.rule, "rule");
    }

    public static Builder define(String name, int version) {
        return new Builder(new OpType(name, version));
    }

    public OpType type() {
        return type;
    }

    /** The opset that introduced this version; the writer emits {@code version="opset<first>"}. */
    public int firstOpset() {
        return firstOpset;
    }

    public int lastOpset() {
        return lastOpset;
    }

    public int minInputs() {
        return minInputs;
    }

    public int maxInputs() {
        return maxInputs;
    }

    public List<AttributeSpec> attributes() {
        return attributes;
    }

    public AttributeSpec attribute(String name) {
        for (AttributeSpec a : attributes) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        return null;
    }

    public Rule rule() {
        return rule;
    }

    public String inputCountText() {
        if (minInputs == maxInputs) {
            return minInputs + (minInputs == 1 ? " input" : " inputs");
        }
        return maxInputs == Integer.MAX_VALUE ? "at least " + minInputs + " inputs"
                : minInputs + " to " + maxInputs + " inputs";
    }

    public static final class Builder {
        private final OpType type;
        private int firstOpset = 1;
        private int lastOpset = OpRegistry.MAX_OPSET;
        private int minInputs;
        private int maxInputs;
        private final List<AttributeSpec> attributes = new ArrayList<>();
        private Rule rule;

        private Builder(OpType type) {
            this.type = type;
        }

        /** The opsets {@code first..last} (inclusive) that contain this version. */
        public Builder opsets(int first, int last) {
            this.firstOpset = first;
            this.lastOpset = last;
            return this;
        }

        public Builder inputs(int count) {
            return inputs(count, count);
        }

        public Builder inputs(int min, int max) {
            this.minInputs = min;
            this.maxInputs = max;
            return this;
        }

        public Builder attr(AttributeSpec spec) {
            attributes.add(spec);
            return this;
        }

        public Builder rule(Rule rule) {
            this.rule = rule;
            return this;
        }

        /** A rule with one output. */
        public Builder single(java.util.function.Function<InferenceContext, PortType> rule) {
            this.rule = ctx -> List.of(rule.apply(ctx));
            return this;
        }

        public OpDefinition build() {
            return new OpDefinition(this);
        }
    }
}
