package dev.adjoint.openvino.ir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * FP16 compression of weights, as {@code ovc}/{@code save_model(compress_to_fp16=True)} writes it: each f32
 * {@code Constant} {@code W} becomes a {@code Constant} {@code W_compressed} of f16 followed by a
 * {@code Convert} named {@code W} back to f32, which carries the runtime info {@code decompression} (and the
 * original's node runtime info and tensor names).
 *
 * <p>Values follow OpenVINO's {@code convert_from_f32_to_f16_with_clamp}: finite values beyond ±65504 and ±inf
 * saturate to ±65504, everything else rounds to the nearest f16, ties to even (subnormal f16 included); NaN stays
 * NaN (OpenVINO's scalar path; its AVX path happens to turn NaN into 65504). As in OpenVINO's
 * {@code CompressFloatConstants}, a constant is left in f32 when it is empty or when at least 75% of its values do
 * not fit f16 (beyond ±65504, or nonzero and below the smallest f16 subnormal 2^-24 in magnitude).
 */
public final class Fp16Compression {
    static final float F16_MAX = 65504f;
    static final float F16_MIN_SUBNORMAL = 0x1p-24f;

    private Fp16Compression() {
    }

    /** The f16 bits of {@code v} under OpenVINO's clamping conversion. */
    public static short toF16(float v) {
        if (v > F16_MAX) {
            v = F16_MAX;
        } else if (v < -F16_MAX) {
            v = -F16_MAX;
        }
        return Float.floatToFloat16(v); // IEEE round to nearest, ties to even
    }

    static boolean outOfRange(float v) {
        return (Math.abs(v) < F16_MIN_SUBNORMAL && v != 0f) || v > F16_MAX || v < -F16_MAX;
    }

    /** A copy of {@code model} with its eligible f32 constants compressed. */
    public static IrModel apply(IrModel model) {
        GraphBuilder g = new GraphBuilder(model.name());
        Map<Node, Node> copies = new IdentityHashMap<>();
        for (Node n : model.nodes()) {
            List<NodeOutput> inputs = new ArrayList<>(n.inputs().size());
            for (NodeOutput in : n.inputs()) {
                inputs.add(copies.get(in.node()).output(in.index()));
            }
            ByteBuffer compressed = n.is("Constant") ? compress(n) : null;
            Node copy;
            if (compressed != null) {
                Node half = g.add(n.definition(), n.name() + "_compressed",
                        Attributes.of("element_type", ElementType.F16, "shape", n.attributes().getLongs("shape")),
                        List.of(), compressed);
                copy = g.op("Convert", 0, n.name(), Attributes.of("destination_type", ElementType.F32),
                        half.output(0));
                copyRtInfo(g, n, copy);
                g.putRtInfo(copy, "decompression", RtAttribute.of("0"));
            } else {
                copy = g.add(n.definition(), n.name(), n.attributes(), inputs, n.data().orElse(null));
                copyRtInfo(g, n, copy);
                for (int i = 0; i < n.inputs().size(); i++) {
                    for (Map.Entry<String, RtAttribute> e : n.inputRtInfo(i).entrySet()) {
                        g.putInputRtInfo(copy, i, e.getKey(), e.getValue());
                    }
                }
            }
            for (int i = 0; i < n.outputs().size(); i++) {
                g.setTensorNames(copy.output(i), n.outputs().get(i).names());
                for (Map.Entry<String, RtAttribute> e : n.outputs().get(i).rtInfo().entrySet()) {
                    g.putOutputRtInfo(copy.output(i), e.getKey(), e.getValue());
                }
            }
            copies.put(n, copy);
        }
        for (Map.Entry<String, MetaValue> e : model.rtInfo().entrySet()) {
            g.putModelRtInfo(e.getKey(), e.getValue());
        }
        return g.build();
    }

    private static void copyRtInfo(GraphBuilder g, Node from, Node to) {
        for (Map.Entry<String, RtAttribute> e : from.rtInfo().entrySet()) {
            g.putRtInfo(to, e.getKey(), e.getValue());
        }
    }

    /** The f16 bytes of an eligible f32 constant, or null to keep it as it is. */
    private static ByteBuffer compress(Node constant) {
        if (constant.outputs().get(0).type() != ElementType.F32) {
            return null;
        }
        ByteBuffer src = constant.data().orElseThrow();
        int count = src.remaining() / 4;
        if (count == 0) {
            return null;
        }
        int outside = 0;
        for (int i = 0; i < count; i++) {
            if (outOfRange(src.getFloat(4 * i))) {
                outside++;
            }
        }
        if ((float) outside / count >= 0.75f) {
            return null;
        }
        ByteBuffer dst = ByteBuffer.allocate(2 * count).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            dst.putShort(toF16(src.getFloat(4 * i)));
        }
        return dst.flip().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }
}
