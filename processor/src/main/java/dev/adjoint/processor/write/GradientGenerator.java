package dev.adjoint.processor.write;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import dev.adjoint.processor.Messages;
import dev.adjoint.processor.lower.Environment;
import dev.adjoint.processor.reverse.Activity;
import dev.adjoint.processor.reverse.ReverseEmitter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.Filer;
import javax.annotation.processing.Messager;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;
import javax.tools.Diagnostic;

/**
 * The gradient generator: checks that every result depends on what it differentiates (activity),
 * transforms each method to reverse mode and writes the class {@code <Class>Grad}.
 */
public final class GradientGenerator implements Generator {

    private final Environment env;
    private final Messager messager;
    /** Each generated class written, with the class it belongs to. */
    private final Map<String, String> written = new HashMap<>();

    public GradientGenerator(Environment env, Messager messager) {
        this.env = env;
        this.messager = messager;
    }

    @Override
    public void generate(LoweredClass lowered, Filer filer) {
        ClassName name = env.gradClassOf(lowered.owner());
        String owner = lowered.owner().getQualifiedName().toString();
        String previous = written.putIfAbsent(name.canonicalName(), owner);
        if (previous != null) {
            if (!previous.equals(owner)) {
                messager.printMessage(Diagnostic.Kind.ERROR, Messages.BAD_METHOD.format(lowered.owner().getSimpleName(),
                        "its generated class " + name + " would also be " + previous + "'s: rename one of the two"),
                        lowered.owner());
            }
            return;
        }
        List<Set<String>> activity = new ArrayList<>();
        boolean failed = false;
        for (LoweredClass.Method method : lowered.methods()) {
            Set<String> active = Activity.of(method.lowered());
            if (!method.element().getModifiers().contains(Modifier.ABSTRACT)) {
                // An abstract method has no body: its overrides are differentiated, and checked, on their own.
                Activity.check(method.lowered(), active, method.tree(), method.diagnostics(),
                        !suppressed(method.element(), "ResultIndependent"));
            }
            failed |= method.diagnostics().hasErrors();
            activity.add(active);
        }
        if (failed) {
            return;
        }
        List<GradClassWriter.Method> ready = new ArrayList<>();
        for (int i = 0; i < lowered.methods().size(); i++) {
            LoweredClass.Method method = lowered.methods().get(i);
            ready.add(new GradClassWriter.Method(method.element(), method.lowered(),
                    new ReverseEmitter(method.lowered(), activity.get(i))));
        }
        JavaFile file = JavaFile.builder(name.packageName(), GradClassWriter.write(lowered.owner(), name, ready))
                .skipJavaLangImports(true)
                .indent("    ")
                .build();
        try {
            file.writeTo(filer);
        } catch (IOException e) {
            messager.printMessage(Diagnostic.Kind.ERROR, "could not write " + name + ": " + e.getMessage(),
                    lowered.owner());
        }
    }

    /**
     * Whether {@code @SuppressWarnings("ResultIndependent")} (or {@code "adjoint"}) is on
     * {@code element} or around it: an override that keeps a parameter only for its signature.
     */
    private static boolean suppressed(Element element, String warning) {
        for (Element scope = element; scope != null; scope = scope.getEnclosingElement()) {
            SuppressWarnings annotation = scope.getAnnotation(SuppressWarnings.class);
            if (annotation != null && (Arrays.asList(annotation.value()).contains(warning)
                    || Arrays.asList(annotation.value()).contains("adjoint"))) {
                return true;
            }
        }
        return false;
    }
}
