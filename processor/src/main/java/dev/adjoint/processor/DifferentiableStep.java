package dev.adjoint.processor;

import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import dev.adjoint.annotation.Derivative;
import dev.adjoint.annotation.Differentiable;
import dev.adjoint.annotation.Export;
import dev.adjoint.processor.lower.DerivativeRegistry;
import dev.adjoint.processor.lower.Environment;
import dev.adjoint.processor.lower.Lowering;
import dev.adjoint.processor.model.JType;
import dev.adjoint.processor.model.LoweredMethod;
import dev.adjoint.processor.model.Rules;
import dev.adjoint.processor.reverse.Activity;
import dev.adjoint.processor.write.DeploymentStubGenerator;
import dev.adjoint.processor.write.ExportGenerator;
import dev.adjoint.processor.write.Generator;
import dev.adjoint.processor.write.GradientGenerator;
import dev.adjoint.processor.write.LoweredClass;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.tools.Diagnostic;

/**
 * The processing step for {@link Differentiable} (and {@link Derivative}): per class, validate
 * every annotated method and lower it once into a {@link LoweredClass}, then hand that to each
 * {@link Generator} (today the gradient writer, {@code CGrad}). A class with any error gets no
 * generated code, only its validation reports.
 */
final class DifferentiableStep {

    private final ProcessingEnvironment processingEnv;
    private final Environment env;
    private final Messager messager;
    /** Names a record component cannot take in the generated {@code FGradients implements Gradients}. */
    private static final Set<String> RESERVED_COMPONENT_NAMES = Set.of("names", "values", "hashCode", "toString",
            "equals", "getClass", "notify", "notifyAll", "wait", "clone", "finalize");

    /** What is generated from each lowered class's {@code @Differentiable} methods, in order. */
    private final List<Generator> generators;
    /** What is generated from a class with {@code @Export} methods: the IR emitter, then the deployment stub. */
    private final List<Generator> exportGenerators;
    private final Map<ExecutableElement, Boolean> readsVariables = new HashMap<>();

    private DifferentiableStep(ProcessingEnvironment processingEnv, Trees trees) {
        this.processingEnv = processingEnv;
        this.messager = processingEnv.getMessager();
        this.env = new Environment(trees, processingEnv.getElementUtils(), processingEnv.getTypeUtils(),
                new DerivativeRegistry(processingEnv.getElementUtils(),
                        mirror -> Environment.typeOf(processingEnv.getTypeUtils(), mirror)),
                this::readsVariables);
        this.generators = List.of(new GradientGenerator(env, messager));
        this.exportGenerators = List.of(new ExportGenerator(env, messager), new DeploymentStubGenerator(env, messager));
    }

    /**
     * Whether {@code method} may read a {@code Variable}, directly or through the differentiable
     * methods it calls. A method in this compilation is lowered (quietly: its own class reports its
     * errors) to find out; a compiled one, or one on a call cycle, is assumed to.
     */
    private boolean readsVariables(ExecutableElement method) {
        Boolean known = readsVariables.get(method);
        if (known != null) {
            return known;
        }
        readsVariables.put(method, true);
        MethodTree tree = env.trees().getTree(method);
        TreePath path = env.trees().getPath(method);
        boolean reads = true;
        // An override may read variables the declaring body does not.
        if (tree != null && path != null && tree.getBody() != null && !Environment.isOverridable(method)) {
            Diagnostics quiet = new Diagnostics(env.trees(), messager, path.getCompilationUnit());
            reads = Activity.readsVariables(lower(method, tree, path.getCompilationUnit(), quiet));
        }
        readsVariables.put(method, reads);
        return reads;
    }

    private LoweredMethod lower(ExecutableElement method, MethodTree tree, CompilationUnitTree unit,
            Diagnostics diagnostics) {
        Optional<Rules> supplied = env.derivatives().lookup((TypeElement) method.getEnclosingElement(),
                method.getSimpleName().toString());
        return supplied.isPresent()
                ? Lowering.lowerWithRules(env, method, tree, supplied.get())
                : Lowering.lower(env, diagnostics, method, tree, unit);
    }

    /**
     * Creates the step.
     *
     * @throws IllegalArgumentException if the environment does not expose javac's trees
     */
    static DifferentiableStep create(ProcessingEnvironment processingEnv) {
        return new DifferentiableStep(processingEnv, Trees.instance(processingEnv));
    }

    void process(RoundEnvironment round) {
        for (Element root : round.getRootElements()) {
            reportHiddenMethods(root);
        }
        for (Element rule : round.getElementsAnnotatedWith(Derivative.class)) {
            validateDerivative((ExecutableElement) rule);
            env.derivatives().scan((TypeElement) rule.getEnclosingElement());
        }
        Map<TypeElement, List<ExecutableElement>> byClass = new LinkedHashMap<>();
        for (Element element : round.getElementsAnnotatedWith(Differentiable.class)) {
            byClass.computeIfAbsent((TypeElement) element.getEnclosingElement(), k -> new ArrayList<>())
                    .add((ExecutableElement) element);
        }
        // @Export alone lowers a method too: a predict is exported, seldom differentiated.
        for (Element element : round.getElementsAnnotatedWith(Export.class)) {
            List<ExecutableElement> methods = byClass.computeIfAbsent((TypeElement) element.getEnclosingElement(),
                    k -> new ArrayList<>());
            if (!methods.contains(element)) {
                methods.add((ExecutableElement) element);
            }
        }
        for (Map.Entry<TypeElement, List<ExecutableElement>> entry : byClass.entrySet()) {
            processClass(entry.getKey(), entry.getValue());
        }
    }

    /**
     * Annotation processing does not see the methods of anonymous and local classes (enum
     * constants' bodies included), and the generated code could not name them: a
     * {@code @Differentiable} there would be silently ignored, so it is an error.
     */
    private void reportHiddenMethods(Element root) {
        TreePath path = env.trees().getPath(root);
        if (path == null) {
            return;
        }
        CompilationUnitTree unit = path.getCompilationUnit();
        new TreeScanner<Void, Boolean>() {
            @Override
            public Void visitNewClass(NewClassTree node, Boolean hidden) {
                scan(node.getArguments(), hidden);
                scan(node.getClassBody(), true);
                return null;
            }

            @Override
            public Void visitBlock(BlockTree node, Boolean hidden) {
                return super.visitBlock(node, true);
            }

            @Override
            public Void visitMethod(MethodTree node, Boolean hidden) {
                if (hidden && node.getModifiers().getAnnotations().stream().anyMatch(annotation ->
                        annotation.getAnnotationType().toString().endsWith("Differentiable"))) {
                    env.trees().printMessage(Diagnostic.Kind.ERROR, Messages.BAD_METHOD.format(node.getName(),
                            "it belongs to an anonymous or local class (or an enum constant's body), whose methods "
                                    + "annotation processing does not see and generated code cannot call: "
                                    + "declare the class as a static nested or top-level class"), node, unit);
                }
                return super.visitMethod(node, hidden);
            }
        }.scan(path.getLeaf(), false);
    }

    /**
     * Validates and lowers every method of {@code owner} once, then hands the lowered class to
     * each generator. A class with any error gets no generated code, only its reports.
     */
    private void processClass(TypeElement owner, List<ExecutableElement> methods) {
        List<LoweredClass.Method> lowered = new ArrayList<>();
        boolean failed = false;
        for (ExecutableElement method : methods) {
            LoweredClass.Method one = lowerChecked(owner, method, methods);
            failed |= one == null;
            if (one != null) {
                lowered.add(one);
            }
        }
        if (!failed) {
            List<LoweredClass.Method> differentiable = lowered.stream()
                    .filter(method -> method.element().getAnnotation(Differentiable.class) != null).toList();
            if (!differentiable.isEmpty()) {
                LoweredClass loweredClass = new LoweredClass(owner, differentiable);
                for (Generator generator : generators) {
                    generator.generate(loweredClass, processingEnv.getFiler());
                }
            }
            if (lowered.stream().anyMatch(method -> method.element().getAnnotation(Export.class) != null)) {
                LoweredClass all = new LoweredClass(owner, List.copyOf(lowered));
                for (Generator generator : exportGenerators) {
                    generator.generate(all, processingEnv.getFiler());
                }
            }
        }
        lowered.forEach(method -> method.diagnostics().print());
    }

    /** Validates and lowers one method; null if it had errors (then already reported). */
    private LoweredClass.Method lowerChecked(TypeElement owner, ExecutableElement method,
            List<ExecutableElement> siblings) {
        TreePath path = env.trees().getPath(method);
        CompilationUnitTree unit = path == null ? null : path.getCompilationUnit();
        Diagnostics diagnostics = new Diagnostics(env.trees(), messager, unit);
        if (!validateShape(owner, method, siblings, diagnostics) || unit == null) {
            diagnostics.print();
            return null;
        }
        MethodTree tree = env.trees().getTree(method);
        LoweredMethod lowered = lower(method, tree, unit, diagnostics);
        if (diagnostics.hasErrors()) {
            diagnostics.print();
            return null;
        }
        return new LoweredClass.Method(method, tree, lowered, diagnostics);
    }

    private boolean validateShape(TypeElement owner, ExecutableElement method, List<ExecutableElement> siblings,
            Diagnostics diagnostics) {
        String name = method.getSimpleName().toString();
        if (method.getKind() != ElementKind.METHOD) {
            diagnostics.error(method, Messages.BAD_METHOD, name, "only methods can be differentiable");
            return false;
        }
        if (method.getModifiers().contains(Modifier.NATIVE)) {
            diagnostics.error(method, Messages.BAD_METHOD, name, "it has no body to differentiate");
        }
        if (method.getModifiers().contains(Modifier.ABSTRACT) && method.getModifiers().contains(Modifier.STATIC)) {
            diagnostics.error(method, Messages.BAD_METHOD, name, "it has no body to differentiate");
        }
        if (method.getModifiers().contains(Modifier.PRIVATE)) {
            diagnostics.error(method, Messages.INACCESSIBLE, "method " + name, "private", "make it package-private");
        }
        if (owner.getModifiers().contains(Modifier.PRIVATE) || owner.getNestingKind().isNested()
                && !owner.getModifiers().contains(Modifier.STATIC) && owner.getKind() == ElementKind.CLASS) {
            diagnostics.error(method, Messages.BAD_METHOD, name,
                    "its class must be top-level or a non-private static nested class");
        }
        if (!method.getTypeParameters().isEmpty()) {
            diagnostics.error(method, Messages.BAD_METHOD, name, "generic methods are not supported");
        }
        JType result = env.typeOf(method.getReturnType());
        if (!result.isDifferentiable()) {
            if (method.getAnnotation(Differentiable.class) == null) {
                diagnostics.error(method, Messages.EXPORT_BAD_METHOD, name,
                        "it returns " + result + "; an exported method returns Tensor, double or float");
            } else {
                diagnostics.error(method, Messages.BAD_METHOD, name,
                        "it returns " + result + "; a differentiable method returns double, float or Tensor");
            }
        }
        for (ExecutableElement sibling : siblings) {
            if (sibling != method && sibling.getSimpleName().contentEquals(name)) {
                diagnostics.error(method, Messages.BAD_METHOD, name,
                        "another @Differentiable method has the same name; generated names would clash, rename one");
                break;
            }
        }
        List<String> parameterNames = new ArrayList<>();
        for (VariableElement parameter : method.getParameters()) {
            parameterNames.add(parameter.getSimpleName().toString());
        }
        for (String selected : env.selectedParameters(method)) {
            if (RESERVED_COMPONENT_NAMES.contains(selected)) {
                diagnostics.error(method, Messages.BAD_METHOD, name, "its differentiated parameter '" + selected
                        + "' would name a component of the generated gradients record, which clashes with "
                        + "Object's or Gradients' method " + selected + "(): rename the parameter");
            }
        }
        Differentiable annotation = method.getAnnotation(Differentiable.class);
        for (String wrt : annotation == null ? List.<String>of() : Arrays.asList(annotation.wrt())) {
            int index = parameterNames.indexOf(wrt);
            if (index < 0) {
                diagnostics.error(method, Messages.UNKNOWN_PARAMETER, wrt, name, parameterNames);
                continue;
            }
            VariableElement parameter = method.getParameters().get(index);
            JType type = env.typeOf(parameter.asType());
            if (!type.isDifferentiable()) {
                diagnostics.error(parameter, Messages.NOT_DIFFERENTIABLE_PARAMETER, wrt, name, type);
            }
        }
        checkOverridden(owner, method, diagnostics);
        return !diagnostics.hasErrors();
    }

    /**
     * A call through the type of a method this one overrides reaches this one's gradient (dynamic
     * dispatch), and expects the parameters that method differentiates: this one must
     * differentiate them too.
     */
    private void checkOverridden(TypeElement owner, ExecutableElement method, Diagnostics diagnostics) {
        List<Integer> mine = positions(method);
        for (TypeMirror supertype : env.types().directSupertypes(owner.asType())) {
            checkOverridden(owner, method, mine, (TypeElement) env.types().asElement(supertype), diagnostics);
        }
    }

    private void checkOverridden(TypeElement owner, ExecutableElement method, List<Integer> mine, TypeElement type,
            Diagnostics diagnostics) {
        if (type == null) {
            return;
        }
        for (Element member : type.getEnclosedElements()) {
            if (member instanceof ExecutableElement base && base.getAnnotation(Differentiable.class) != null
                    && env.elements().overrides(method, base, owner) && !mine.containsAll(positions(base))) {
                diagnostics.error(method, Messages.BAD_METHOD, method.getSimpleName(), "it overrides "
                        + type.getSimpleName() + "." + base.getSimpleName() + ", which differentiates parameters "
                        + positions(base) + ", but differentiates only " + mine + ": calls through "
                        + type.getSimpleName() + " expect their gradients");
            }
        }
        for (TypeMirror supertype : env.types().directSupertypes(type.asType())) {
            checkOverridden(owner, method, mine, (TypeElement) env.types().asElement(supertype), diagnostics);
        }
    }

    /** The positions of the parameters {@code method} differentiates. */
    private List<Integer> positions(ExecutableElement method) {
        List<String> selected = env.selectedParameters(method);
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < method.getParameters().size(); i++) {
            if (selected.contains(method.getParameters().get(i).getSimpleName().toString())) {
                positions.add(i);
            }
        }
        return positions;
    }

    private void validateDerivative(ExecutableElement rule) {
        Diagnostics diagnostics = new Diagnostics(env.trees(), messager, null);
        String name = rule.getEnclosingElement().getSimpleName() + "." + rule.getSimpleName();
        if (!rule.getModifiers().contains(Modifier.STATIC)) {
            diagnostics.error(rule, Messages.BAD_DERIVATIVE, name, "it must be static");
        }
        if (rule.getModifiers().contains(Modifier.PRIVATE)) {
            diagnostics.error(rule, Messages.BAD_DERIVATIVE, name, "it must not be private");
        }
        TypeKind returned = rule.getReturnType().getKind();
        boolean tensor = env.typeOf(rule.getReturnType()).isTensor();
        if (returned != TypeKind.DOUBLE && returned != TypeKind.FLOAT && returned != TypeKind.ARRAY && !tensor) {
            diagnostics.error(rule, Messages.BAD_DERIVATIVE, name,
                    "it must return the adjoint (double, float or Tensor) or one per argument (an array of them)");
        }
        Derivative annotation = rule.getAnnotation(Derivative.class);
        TypeElement target = (TypeElement) rule.getEnclosingElement();
        boolean found = false;
        for (Element member : env.members(target)) {
            found |= member.getKind() == ElementKind.METHOD && member.getSimpleName().contentEquals(annotation.of());
        }
        boolean explicitTarget = false;
        try {
            explicitTarget = annotation.target() != void.class;
        } catch (javax.lang.model.type.MirroredTypeException e) {
            explicitTarget = e.getTypeMirror().getKind() != TypeKind.VOID;
        }
        if (!found && !explicitTarget) {
            diagnostics.error(rule, Messages.BAD_DERIVATIVE, name,
                    "there is no method '" + annotation.of() + "' in " + target.getSimpleName());
        }
        diagnostics.print();
    }
}
