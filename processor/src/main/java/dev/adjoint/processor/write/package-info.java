/** Phase 3: the generated {@code <Class>Grad} source, written with JavaPoet. */
package dev.adjoint.processor.write;
