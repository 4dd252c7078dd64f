package dev.adjoint.processor;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/** Hands a delegate a wrapped processing environment, as incremental build tools do. */
final class WrappingProcessor extends AbstractProcessor {

    private final Processor delegate;

    WrappingProcessor(Processor delegate) {
        this.delegate = delegate;
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return delegate.getSupportedAnnotationTypes();
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return delegate.getSupportedSourceVersion();
    }

    @Override
    public synchronized void init(ProcessingEnvironment env) {
        super.init(env);
        delegate.init(new ProcessingEnvironment() {
            public Map<String, String> getOptions() {
                return env.getOptions();
            }

            public Messager getMessager() {
                return env.getMessager();
            }

            public Filer getFiler() {
                return env.getFiler();
            }

            public Elements getElementUtils() {
                return env.getElementUtils();
            }

            public Types getTypeUtils() {
                return env.getTypeUtils();
            }

            public SourceVersion getSourceVersion() {
                return env.getSourceVersion();
            }

            public Locale getLocale() {
                return env.getLocale();
            }
        });
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        return delegate.process(annotations, round);
    }
}
