/**
 * Sample applications after OpenVINO's {@code hello_classification} and object-detection samples, on Adjoint's
 * engine: {@link dev.adjoint.examples.openvino.HelloClassification} prints an image's top-5 classes,
 * {@link dev.adjoint.examples.openvino.ObjectDetection} draws a detector's boxes into a PNG.
 */
package dev.adjoint.examples.openvino;
