package dev.adjoint.openvino.engine;

import java.time.Duration;

/**
 * How long one layer took in a request's last inference, as OpenVINO's {@code ov::ProfilingInfo} reports it: turn it
 * on with {@link EngineProperties#PERF_COUNT}{@code =YES}, read it with {@link InferRequest#getProfilingInfo()}.
 *
 * <p>Layers the compiler fused into one kernel are one entry, under the name and type of the layer whose step runs
 * them (a convolution for its bias and activation, the last layer of an element-wise chain); {@code execType} lists
 * the fused layers' types, e.g. {@code Convolution+Add+Relu}. Layers folded into constants at compile time do not
 * run and are not listed. There is no CPU-time column: a layer's kernels run on several threads, and the wall time
 * the request waited is what this measures.
 *
 * @param nodeName the layer's friendly name
 * @param nodeType its IR type, e.g. {@code Convolution}
 * @param execType what ran: the types of the layers one kernel computed, joined by {@code +}
 * @param realTime wall time from the kernel's start to its result
 */
public record ProfilingInfo(String nodeName, String nodeType, String execType, Duration realTime) {
}
