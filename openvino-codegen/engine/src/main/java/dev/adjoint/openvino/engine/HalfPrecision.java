package dev.adjoint.openvino.engine;

import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.openvino.ir.ElementType;

/**
 * Rounding float32 values to f16 or bf16 precision. The Tensor API has no half types, so this is a host-side
 * kernel (the values go to the host and back); it runs only where a model converts to f16 or bf16 at run time,
 * since constants are converted once when a model is compiled.
 */
final class HalfPrecision {
    private static final float F16_MAX = 65504f;

    private HalfPrecision() {
    }

    /** Rounds to the nearest representable value, ties to even; f16 saturates at ±65504 as OpenVINO's Convert does. */
    static Tensor round(Tensor t, ElementType type) {
        float[] v = t.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = type == ElementType.F16 ? toF16(v[i]) : Float.intBitsToFloat(toBfloat16Bits(v[i]) << 16);
        }
        Shape shape = t.shape();
        return Tensor.of(v, shape).to(t.device());
    }

    private static float toF16(float v) {
        if (Float.isNaN(v)) {
            return v;
        }
        float clamped = Math.max(-F16_MAX, Math.min(F16_MAX, v));
        return Float.float16ToFloat(Float.floatToFloat16(clamped));
    }

    /** The bf16 bits of {@code v}: its upper 16 bits after rounding to nearest, ties to even; NaN stays NaN. */
    static short toBfloat16Bits(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
