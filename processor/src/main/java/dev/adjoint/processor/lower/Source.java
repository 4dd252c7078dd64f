package dev.adjoint.processor.lower;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.SourcePositions;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The text of one compilation unit, for showing expressions as the user wrote them. */
final class Source {

    private final CompilationUnitTree unit;
    private final SourcePositions positions;
    private final CharSequence content;

    Source(CompilationUnitTree unit, SourcePositions positions) {
        this.unit = unit;
        this.positions = positions;
        try {
            this.content = unit.getSourceFile().getCharContent(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    CompilationUnitTree unit() {
        return unit;
    }

    /** {@code tree} exactly as written. */
    String text(Tree tree) {
        long start = positions.getStartPosition(unit, tree);
        long end = positions.getEndPosition(unit, tree);
        if (start < 0 || end < start) {
            return tree.toString();
        }
        return content.subSequence((int) start, (int) end).toString();
    }
}
