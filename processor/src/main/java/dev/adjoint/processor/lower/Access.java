package dev.adjoint.processor.lower;

import dev.adjoint.processor.Diagnostics;
import dev.adjoint.processor.Messages;
import dev.adjoint.processor.model.JType;
import com.sun.source.tree.Tree;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;

/**
 * What the generated class, which lives in the package of the class it differentiates, can name:
 * not a private member or type, not a protected member of a class in another package.
 */
final class Access {

    private final Environment env;
    private final TypeElement owner;
    private final Diagnostics diagnostics;

    Access(Environment env, TypeElement owner, Diagnostics diagnostics) {
        this.env = env;
        this.owner = owner;
        this.diagnostics = diagnostics;
    }

    /** Reports {@code member} (a field or method) at {@code site} if generated code cannot use it. */
    void checkMember(Tree site, Element member, String what) {
        if (member.getModifiers().contains(Modifier.PRIVATE)) {
            diagnostics.error(site, Messages.INACCESSIBLE, what, "private", "make it package-private");
        } else if (member.getModifiers().contains(Modifier.PROTECTED) && !samePackage(member)) {
            diagnostics.error(site, Messages.INACCESSIBLE, what,
                    "protected in " + member.getEnclosingElement().getSimpleName() + ", another package",
                    "read it through a package-private method of your class");
        }
    }

    /** Reports {@code type} (the type of a local the generated code declares) if it cannot be named there. */
    void checkType(Tree site, JType type, String local) {
        if (type == null || type.isPrimitive()) {
            return;
        }
        if (type.isArray() || type.isWildcard()) {
            checkType(site, type.isArray() ? type.component() : type.upperBound(), local);
            return;
        }
        type.arguments().forEach(argument -> checkType(site, argument, local));
        TypeElement element = env.elements().getTypeElement(type.name());
        for (Element scope = element; scope instanceof TypeElement nested; scope = scope.getEnclosingElement()) {
            if (nested.getModifiers().contains(Modifier.PRIVATE)) {
                diagnostics.error(site, Messages.INACCESSIBLE, "type " + nested.getSimpleName() + " (of '" + local + "')",
                        "private", "make the type package-private");
                return;
            }
        }
    }

    private boolean samePackage(Element member) {
        PackageElement mine = env.elements().getPackageOf(owner);
        return mine.equals(env.elements().getPackageOf(member));
    }
}
