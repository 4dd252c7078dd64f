package dev.adjoint.processor.lower;

import com.palantir.javapoet.ClassName;
import dev.adjoint.annotation.Derivative;
import dev.adjoint.processor.model.JType;
import dev.adjoint.processor.model.Rules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;

/**
 * Finds the {@link Derivative} rules of primitives. Built-in rules ({@code dev.adjoint.rules.ScalarRules})
 * and user rules are read the same way: from {@code @Derivative} methods, keyed by the primal's
 * class and name. A class is scanned the first time one of its methods is called from
 * differentiable code, so rules in other compilation units and in libraries are found too.
 */
public final class DerivativeRegistry {

    /** Classes whose rules are always known, wherever they are declared. */
    private static final List<String> BUILT_IN_RULES = List.of("dev.adjoint.rules.ScalarRules", "dev.adjoint.rules.TensorRules");

    private final Elements elements;
    private final Function<TypeMirror, JType> types;
    private final Map<String, List<Rules.Rule>> rulesByPrimal = new HashMap<>();
    private final Set<String> scanned = new HashSet<>();

    public DerivativeRegistry(Elements elements, Function<TypeMirror, JType> types) {
        this.elements = elements;
        this.types = types;
        for (String name : BUILT_IN_RULES) {
            TypeElement type = elements.getTypeElement(name);
            if (type != null) {
                scan(type);
            }
        }
    }

    /** Registers the rules declared in {@code type}, once. */
    public void scan(TypeElement type) {
        if (!scanned.add(type.getQualifiedName().toString())) {
            return;
        }
        for (Element member : type.getEnclosedElements()) {
            if (member.getKind() != ElementKind.METHOD) {
                continue;
            }
            for (AnnotationMirror mirror : member.getAnnotationMirrors()) {
                if (((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName()
                        .contentEquals(Derivative.class.getCanonicalName())) {
                    register(type, (ExecutableElement) member, mirror);
                }
            }
        }
    }

    private void register(TypeElement declaring, ExecutableElement rule, AnnotationMirror mirror) {
        String of = "";
        TypeElement target = declaring;
        int argument = -1;
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry
                : elements.getElementValuesWithDefaults(mirror).entrySet()) {
            Object value = entry.getValue().getValue();
            switch (entry.getKey().getSimpleName().toString()) {
                case "of" -> of = (String) value;
                case "argument" -> argument = (Integer) value;
                case "target" -> {
                    TypeMirror type = (TypeMirror) value;
                    if (type.getKind() == TypeKind.DECLARED) {
                        target = (TypeElement) ((DeclaredType) type).asElement();
                    }
                }
                default -> { }
            }
        }
        // Overloads of the rule method serve the overloads of the primal; javac picks one per call.
        List<Rules.Signature> signatures = new ArrayList<>();
        for (Element member : declaring.getEnclosedElements()) {
            if (member.getKind() == ElementKind.METHOD && member.getSimpleName().equals(rule.getSimpleName())) {
                List<JType> parameters = new ArrayList<>();
                for (VariableElement parameter : ((ExecutableElement) member).getParameters()) {
                    parameters.add(types.apply(parameter.asType()));
                }
                signatures.add(new Rules.Signature(parameters,
                        types.apply(((ExecutableElement) member).getReturnType())));
            }
        }
        rulesByPrimal.computeIfAbsent(key(target, of), k -> new ArrayList<>()).add(new Rules.Rule(
                ClassName.get(declaring), rule.getSimpleName().toString(), argument, signatures,
                types.apply(rule.getReturnType())));
    }

    /** The rules of {@code owner.method}, scanning {@code owner} first if needed. */
    public Optional<Rules> lookup(TypeElement owner, String method) {
        scan(owner);
        List<Rules.Rule> rules = rulesByPrimal.get(key(owner, method));
        return rules == null ? Optional.empty() : Optional.of(new Rules(List.copyOf(rules)));
    }

    private static String key(TypeElement type, String method) {
        return type.getQualifiedName() + "#" + method;
    }
}
