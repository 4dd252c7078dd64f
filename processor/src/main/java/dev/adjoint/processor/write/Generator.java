package dev.adjoint.processor.write;

import javax.annotation.processing.Filer;

/**
 * One kind of generated code, made from the lowered model of a class. The processing step lowers
 * each class once and hands it to every generator in turn; a generator reports what it cannot
 * generate through each method's {@link LoweredClass.Method#diagnostics()} and then writes
 * nothing for that class. The gradient writer is one; an IR emitter or a deployment stub is
 * another generator beside it, without touching lowering.
 */
public interface Generator {

    /** Checks {@code lowered} for what this generator needs and writes its files, or reports why not. */
    void generate(LoweredClass lowered, Filer filer);
}
