package dev.adjoint.processor;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;

/** Compiles test sources with the Adjoint processor. */
final class Sources {

    private Sources() {
    }

    /** A source file {@code test/<name>.java} made from lines. */
    static JavaFileObject source(String name, String... lines) {
        return JavaFileObjects.forSourceLines("test." + name, lines);
    }

    /** A class {@code test.M} whose body is {@code lines}, with the usual imports. */
    static JavaFileObject methods(String... lines) {
        String[] all = new String[lines.length + 8];
        all[0] = "package test;";
        all[1] = "import dev.adjoint.Variable;";
        all[2] = "import dev.adjoint.annotation.Derivative;";
        all[3] = "import dev.adjoint.annotation.Differentiable;";
        all[4] = "import dev.adjoint.annotation.NonDifferentiable;";
        all[5] = "class M {";
        all[6] = "  static int counter;";
        System.arraycopy(lines, 0, all, 7, lines.length);
        all[all.length - 1] = "}";
        return JavaFileObjects.forSourceLines("test.M", all);
    }

    static Compilation compile(JavaFileObject... files) {
        return Compiler.javac().withProcessors(new AdjointProcessor()).withOptions("-Xlint:all,-processing")
                .compile(files);
    }
}
