/**
 * The Adjoint annotation processor. {@link dev.adjoint.processor.AdjointProcessor} is a thin shell;
 * {@code DifferentiableStep} runs the phases, each in its own package: {@code lower} (validate and
 * normalise a body through {@code com.sun.source}), {@code reverse} (activity analysis and the
 * reverse-mode transform), {@code write} (JavaPoet). {@link dev.adjoint.processor.Messages} holds
 * every user-facing message with its stable tag.
 */
package dev.adjoint.processor;
