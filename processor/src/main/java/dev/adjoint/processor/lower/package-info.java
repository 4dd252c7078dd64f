/**
 * Phase 1: read a method body through {@code com.sun.source}, reject what cannot be differentiated
 * at the exact tree, and normalise the rest ({@link dev.adjoint.processor.lower.Lowering}); find
 * derivative rules ({@link dev.adjoint.processor.lower.DerivativeRegistry}).
 */
package dev.adjoint.processor.lower;
