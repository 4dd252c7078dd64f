/**
 * Annotations read by the Adjoint processor: {@link dev.adjoint.annotation.Differentiable},
 * {@link dev.adjoint.annotation.NonDifferentiable} and {@link dev.adjoint.annotation.Derivative}.
 */
package dev.adjoint.annotation;
