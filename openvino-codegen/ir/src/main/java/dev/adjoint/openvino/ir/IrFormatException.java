package dev.adjoint.openvino.ir;

import java.io.IOException;
import java.io.Serial;

/**
 * An IR file breaks a rule of the format. The message names the file, the layer (id, name, type, version) when
 * one is at fault, and the rule; a reader throws exactly one of these per bad input.
 */
public final class IrFormatException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String layer;
    private final String rule;

    public IrFormatException(String source, String layer, String rule) {
        super(source + ": " + (layer == null ? "" : layer + ": ") + rule);
        this.source = source;
        this.layer = layer;
        this.rule = rule;
    }

    public IrFormatException(String source, String layer, String rule, Throwable cause) {
        this(source, layer, rule);
        initCause(cause);
    }

    /** The file (or source name) that was read. */
    public String source() {
        return source;
    }

    /** The layer at fault as {@code layer 3 (name="add", type=Add, version=opset1)}, or null for file-level rules. */
    public String layer() {
        return layer;
    }

    /** The rule that was broken, without file and layer. */
    public String rule() {
        return rule;
    }
}
