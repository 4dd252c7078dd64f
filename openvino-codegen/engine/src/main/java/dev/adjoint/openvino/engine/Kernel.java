package dev.adjoint.openvino.engine;

import dev.adjoint.Tensor;
import java.util.List;

/**
 * How one IR op version runs: a function of its layer and input values that returns one tensor per output. The
 * engine converts each result to the element type the model declares for that output ({@link ElementTypes#conform}),
 * so a kernel may return, say, the float32 result of a float computation on integers.
 */
@FunctionalInterface
interface Kernel {
    List<Tensor> run(Layer layer, List<OvTensor> inputs);
}
