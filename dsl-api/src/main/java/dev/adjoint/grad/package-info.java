/**
 * Gradient result types and the small run-time support generated gradient code calls
 * ({@link dev.adjoint.grad.AdjointStack}, {@link dev.adjoint.grad.VariableGradients}), plus
 * {@link dev.adjoint.grad.GradCheck} for checking derivatives against finite differences.
 */
package dev.adjoint.grad;
