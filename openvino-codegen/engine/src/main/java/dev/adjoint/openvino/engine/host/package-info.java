/**
 * Host-side reference kernels for the ops the Tensor API cannot express reasonably: PriorBox and PriorBoxClustered
 * (box grids generated from attributes) and DetectionOutput (box decoding, per-class non-maximum suppression,
 * top-k). They work on plain Java arrays in float32, following OpenVINO's reference implementations; the engine
 * copies their inputs to the host and the results back to the device. They move into the op table when it lands.
 */
package dev.adjoint.openvino.engine.host;
