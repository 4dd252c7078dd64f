package dev.adjoint.openvino.optimizer;

import dev.adjoint.openvino.ir.Node;
import java.nio.ByteBuffer;

/** Reads f32 Constant values in tests. */
final class ConstantFoldingValues {
    private ConstantFoldingValues() {
    }

    static float[] floats(Node constant) {
        ByteBuffer b = constant.data().orElseThrow();
        float[] out = new float[b.remaining() / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getFloat(4 * i);
        }
        return out;
    }
}
