/**
 * The processor's intermediate form of a differentiable body: {@link dev.adjoint.processor.model.Stmt}
 * statements with one {@link dev.adjoint.processor.model.Prim} primitive per assignment over
 * {@link dev.adjoint.processor.model.Atom} operands, typed by {@link dev.adjoint.processor.model.JType}.
 */
package dev.adjoint.processor.model;
