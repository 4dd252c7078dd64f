package dev.adjoint.openvino.ir;

/**
 * An op and its version, as OpenVINO names them: {@code Add-1}, {@code MaxPool-8}, {@code Constant-0}. The name is
 * OpenVINO's class name ({@code Relu}, {@code Softmax}, {@code Constant}), not the IR spelling ({@code ReLU},
 * {@code SoftMax}, {@code Const}).
 */
public record OpType(String name, int version) {
    @Override
    public String toString() {
        return name + "-" + version;
    }
}
