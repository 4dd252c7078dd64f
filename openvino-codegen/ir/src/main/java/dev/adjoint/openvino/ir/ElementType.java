package dev.adjoint.openvino.ir;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An OpenVINO element type, with the two spellings IR uses: the lowercase name of {@code <data>}
 * attributes ({@code element_type="f32"}) and the legacy precision name of {@code <port precision="FP32">}.
 */
public enum ElementType {
    BOOLEAN("boolean", "BOOL", 8, Kind.BOOLEAN),
    BF16("bf16", "BF16", 16, Kind.REAL),
    F16("f16", "FP16", 16, Kind.REAL),
    F32("f32", "FP32", 32, Kind.REAL),
    F64("f64", "FP64", 64, Kind.REAL),
    I4("i4", "I4", 4, Kind.SIGNED),
    I8("i8", "I8", 8, Kind.SIGNED),
    I16("i16", "I16", 16, Kind.SIGNED),
    I32("i32", "I32", 32, Kind.SIGNED),
    I64("i64", "I64", 64, Kind.SIGNED),
    U1("u1", "BIN", 1, Kind.UNSIGNED),
    U4("u4", "U4", 4, Kind.UNSIGNED),
    U8("u8", "U8", 8, Kind.UNSIGNED),
    U16("u16", "U16", 16, Kind.UNSIGNED),
    U32("u32", "U32", 32, Kind.UNSIGNED),
    U64("u64", "U64", 64, Kind.UNSIGNED);

    private enum Kind { BOOLEAN, REAL, SIGNED, UNSIGNED }

    private static final Map<String, ElementType> BY_SPELLING = new HashMap<>();

    static {
        for (ElementType t : values()) {
            BY_SPELLING.put(t.irName, t);
            BY_SPELLING.put(t.precisionName.toLowerCase(Locale.ROOT), t);
        }
        // Older writers' spellings accepted by OpenVINO's precision parser.
        BY_SPELLING.put("bool", BOOLEAN);
        BY_SPELLING.put("fp32", F32);
        BY_SPELLING.put("fp16", F16);
        BY_SPELLING.put("fp64", F64);
    }

    private final String irName;
    private final String precisionName;
    private final int bitWidth;
    private final Kind kind;

    ElementType(String irName, String precisionName, int bitWidth, Kind kind) {
        this.irName = irName;
        this.precisionName = precisionName;
        this.bitWidth = bitWidth;
        this.kind = kind;
    }

    /** The lowercase name used in {@code <data>} attributes, e.g. {@code f32}. */
    public String irName() {
        return irName;
    }

    /** The legacy uppercase name written on ports, e.g. {@code FP32} ({@code BIN} for u1). */
    public String precisionName() {
        return precisionName;
    }

    public int bitWidth() {
        return bitWidth;
    }

    public boolean isReal() {
        return kind == Kind.REAL;
    }

    public boolean isInteger() {
        return kind == Kind.SIGNED || kind == Kind.UNSIGNED;
    }

    public boolean isSigned() {
        return kind == Kind.SIGNED || kind == Kind.REAL;
    }

    /**
     * Bytes needed for {@code count} elements, packed as OpenVINO packs sub-byte types
     * ({@code ceil(count * bits / 8)}), or empty when that overflows a long.
     */
    public Optional<Long> byteSize(long count) {
        if (count < 0) {
            return Optional.empty();
        }
        long bits;
        try {
            bits = Math.multiplyExact(count, (long) bitWidth);
        } catch (ArithmeticException e) {
            return Optional.empty();
        }
        return Optional.of(bits / 8 + (bits % 8 == 0 ? 0 : 1));
    }

    /**
     * Parses either spelling, case-insensitively ({@code f32}, {@code FP32}, {@code BOOL}...), as OpenVINO's
     * reader does.
     */
    public static Optional<ElementType> parse(String spelling) {
        if (spelling == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(BY_SPELLING.get(spelling.strip().toLowerCase(Locale.ROOT)));
    }

    @Override
    public String toString() {
        return irName;
    }
}
