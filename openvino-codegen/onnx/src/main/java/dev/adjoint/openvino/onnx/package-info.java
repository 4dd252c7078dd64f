/** ONNX frontend: reads an {@code onnx.ModelProto} into an IR model. */
package dev.adjoint.openvino.onnx;
