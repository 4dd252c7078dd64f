package dev.adjoint.processor;

import com.google.auto.service.AutoService;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * The Adjoint annotation processor: a thin shell, as in Dagger, that hands each round to
 * {@link DifferentiableStep}. It links nothing from {@code com.sun.source} itself, so that under a
 * compiler without javac's tree API (Eclipse's, or a build tool that wraps the environment) it can
 * still load and report one clear error instead of crashing.
 */
@AutoService(Processor.class)
@SupportedAnnotationTypes({"dev.adjoint.annotation.Differentiable", "dev.adjoint.annotation.Derivative",
        "dev.adjoint.annotation.Export"})
public final class AdjointProcessor extends AbstractProcessor {

    private DifferentiableStep step;
    private String unavailable;
    private boolean reported;

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public synchronized void init(ProcessingEnvironment processingEnv) {
        super.init(processingEnv);
        try {
            step = DifferentiableStep.create(processingEnv);
        } catch (LinkageError | IllegalArgumentException e) {
            // Trees.instance rejects environments it does not recognise; without com.sun.source it cannot link.
            unavailable = e.toString();
        }
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        if (annotations.isEmpty()) {
            return false;
        }
        if (step == null) {
            if (!reported) {
                processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
                        Messages.TREES_UNAVAILABLE.format(unavailable));
                reported = true;
            }
            return false;
        }
        step.process(round);
        // These annotations are Adjoint's own: claim them.
        return true;
    }
}
