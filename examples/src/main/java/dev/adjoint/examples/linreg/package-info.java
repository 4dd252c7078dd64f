/**
 * The lecture's eager linear regression with compile-time gradients; run
 * {@link dev.adjoint.examples.linreg.LinearRegression}.
 */
package dev.adjoint.examples.linreg;
