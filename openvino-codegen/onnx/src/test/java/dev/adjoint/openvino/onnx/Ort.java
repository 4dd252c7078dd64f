package dev.adjoint.openvino.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.adjoint.openvino.ir.ElementType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** ONNX Runtime (the reference) on an ONNX file. */
final class Ort {
    private Ort() {
    }

    /** Runs {@code model} on ORT's CPU provider with the named inputs; returns its outputs in graph order. */
    static List<OnnxTensors.Value> run(Path model, Map<String, OnnxTensors.Value> inputs) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model.toString(), options)) {
                Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
                try {
                    for (Map.Entry<String, OnnxTensors.Value> e : inputs.entrySet()) {
                        OnnxTensors.Value v = e.getValue();
                        ByteBuffer data = ByteBuffer.allocateDirect(v.data().remaining()).order(ByteOrder.nativeOrder());
                        data.put(v.data().duplicate()).flip();
                        feeds.put(e.getKey(), OnnxTensor.createTensor(env, data, v.dims(), javaType(v.type())));
                    }
                    List<OnnxTensors.Value> out = new ArrayList<>();
                    try (OrtSession.Result result = session.run(feeds)) {
                        for (Map.Entry<String, OnnxValue> e : result) {
                            OnnxTensor t = (OnnxTensor) e.getValue();
                            TensorInfo info = t.getInfo();
                            ByteBuffer bytes = t.getByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                            out.add(new OnnxTensors.Value(e.getKey(), elementType(info.type), info.getShape(), bytes));
                        }
                    }
                    return out;
                } finally {
                    feeds.values().forEach(OnnxTensor::close);
                }
            }
        }
    }

    private static OnnxJavaType javaType(ElementType t) {
        return switch (t) {
            case F32 -> OnnxJavaType.FLOAT;
            case F64 -> OnnxJavaType.DOUBLE;
            case I64 -> OnnxJavaType.INT64;
            case I32 -> OnnxJavaType.INT32;
            case I16 -> OnnxJavaType.INT16;
            case I8 -> OnnxJavaType.INT8;
            case U8 -> OnnxJavaType.UINT8;
            case BOOLEAN -> OnnxJavaType.BOOL;
            case F16 -> OnnxJavaType.FLOAT16;
            default -> throw new IllegalArgumentException("no ORT type for " + t);
        };
    }

    private static ElementType elementType(OnnxJavaType t) {
        return switch (t) {
            case FLOAT -> ElementType.F32;
            case DOUBLE -> ElementType.F64;
            case INT64 -> ElementType.I64;
            case INT32 -> ElementType.I32;
            case INT16 -> ElementType.I16;
            case INT8 -> ElementType.I8;
            case UINT8 -> ElementType.U8;
            case BOOL -> ElementType.BOOLEAN;
            case FLOAT16 -> ElementType.F16;
            default -> throw new IllegalArgumentException("ORT output type " + t + " is not compared");
        };
    }
}
