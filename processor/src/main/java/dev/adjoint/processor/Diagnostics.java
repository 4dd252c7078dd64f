package dev.adjoint.processor;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.Trees;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.processing.Messager;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * The validation report of one method: diagnostics are collected while its body is read and
 * printed together, before anything is generated (Dagger's {@code ValidationReport}). Each one
 * points at the exact tree that caused it.
 */
public final class Diagnostics {

    private record Entry(Diagnostic.Kind kind, String message, Tree tree, Element element) {
    }

    private final Trees trees;
    private final Messager messager;
    private final CompilationUnitTree unit;
    private final List<Entry> entries = new ArrayList<>();

    public Diagnostics(Trees trees, Messager messager, CompilationUnitTree unit) {
        this.trees = trees;
        this.messager = messager;
        this.unit = unit;
    }

    /** Records an error at {@code tree}. */
    public void error(Tree tree, Messages message, Object... args) {
        entries.add(new Entry(Diagnostic.Kind.ERROR, message.format(args), tree, null));
    }

    /** Records an error on a declaration. */
    public void error(Element element, Messages message, Object... args) {
        entries.add(new Entry(Diagnostic.Kind.ERROR, message.format(args), null, element));
    }

    /** Records an error whose message is already formatted. */
    public void error(Tree tree, String message) {
        entries.add(new Entry(Diagnostic.Kind.ERROR, message, tree, null));
    }

    /** Records a warning at {@code tree}. */
    public void warning(Tree tree, Messages message, Object... args) {
        entries.add(new Entry(Diagnostic.Kind.WARNING, message.format(args), tree, null));
    }

    public boolean hasErrors() {
        return entries.stream().anyMatch(entry -> entry.kind == Diagnostic.Kind.ERROR);
    }

    /** Prints everything collected, each message at its tree or element. */
    public void print() {
        for (Entry entry : entries) {
            if (entry.tree != null && unit != null) {
                trees.printMessage(entry.kind, entry.message, entry.tree, unit);
            } else {
                messager.printMessage(entry.kind, entry.message, entry.element);
            }
        }
        entries.clear();
    }
}
