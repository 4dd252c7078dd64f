/** Optimizers that apply (gradient, variable) pairs: {@link dev.adjoint.optim.SGD}, {@link dev.adjoint.optim.Momentum}, {@link dev.adjoint.optim.Adam}. */
package dev.adjoint.optim;
