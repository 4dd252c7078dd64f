package dev.adjoint.processor.lower;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.ArrayTypeTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParameterizedTypeTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.PrimitiveTypeTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.WildcardTree;
import dev.adjoint.processor.Diagnostics;
import dev.adjoint.processor.Messages;
import dev.adjoint.processor.model.JType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;

/**
 * Name and type resolution for a method body that javac has not attributed yet (processors run
 * before attribution): the type of an expression, the method a call invokes, the type a name
 * denotes, from declarations, imports and the method's locals alone — with generic type arguments
 * substituted, so {@code list.get(i)} on a {@code List<Variable>} is a {@code Variable}. It
 * answers null where it cannot tell; callers report that.
 */
final class TypeResolver {

    private static final Set<Tree.Kind> BOOLEAN_OPERATORS = Set.of(Tree.Kind.LESS_THAN, Tree.Kind.LESS_THAN_EQUAL,
            Tree.Kind.GREATER_THAN, Tree.Kind.GREATER_THAN_EQUAL, Tree.Kind.EQUAL_TO, Tree.Kind.NOT_EQUAL_TO,
            Tree.Kind.CONDITIONAL_AND, Tree.Kind.CONDITIONAL_OR, Tree.Kind.INSTANCE_OF);

    private final Environment env;
    private final TypeElement owner;
    private final Source source;
    private final Locals locals;
    private final Diagnostics diagnostics;

    TypeResolver(Environment env, TypeElement owner, Source source, Locals locals, Diagnostics diagnostics) {
        this.env = env;
        this.owner = owner;
        this.source = source;
        this.locals = locals;
        this.diagnostics = diagnostics;
    }

    TypeElement owner() {
        return owner;
    }

    /** The inferred type of {@code expression}, or null when the processor cannot tell. */
    JType typeOf(ExpressionTree expression) {
        return switch (expression.getKind()) {
            case INT_LITERAL -> JType.INT;
            case LONG_LITERAL -> JType.LONG;
            case FLOAT_LITERAL -> JType.FLOAT;
            case DOUBLE_LITERAL -> JType.DOUBLE;
            case BOOLEAN_LITERAL -> JType.BOOLEAN;
            case CHAR_LITERAL -> JType.CHAR;
            case STRING_LITERAL -> JType.STRING;
            case NULL_LITERAL -> JType.OBJECT;
            case PARENTHESIZED -> typeOf(((ParenthesizedTree) expression).getExpression());
            case IDENTIFIER, MEMBER_SELECT -> valueType(expression);
            case ARRAY_ACCESS -> {
                JType array = typeOf(((ArrayAccessTree) expression).getExpression());
                yield array != null && array.isArray() ? array.component() : null;
            }
            case UNARY_MINUS, UNARY_PLUS, BITWISE_COMPLEMENT -> {
                JType operand = typeOf(((UnaryTree) expression).getExpression());
                yield operand == null || operand.isTensor() ? operand : JType.promote(operand, JType.INT);
            }
            case PREFIX_INCREMENT, POSTFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_DECREMENT ->
                    typeOf(((UnaryTree) expression).getExpression());
            case LOGICAL_COMPLEMENT -> JType.BOOLEAN;
            case CONDITIONAL_EXPRESSION -> {
                ConditionalExpressionTree tree = (ConditionalExpressionTree) expression;
                JType a = typeOf(tree.getTrueExpression());
                JType b = typeOf(tree.getFalseExpression());
                if (a == null || b == null) {
                    yield null;
                }
                yield a.isNumeric() && b.isNumeric() ? JType.promote(a, b) : a;
            }
            case TYPE_CAST -> typeOfTypeTree(((TypeCastTree) expression).getType());
            case NEW_ARRAY -> {
                NewArrayTree array = (NewArrayTree) expression;
                if (array.getType() == null) {
                    yield null;
                }
                JType element = typeOfTypeTree(array.getType());
                int dimensions = Math.max(1, array.getDimensions().size());
                yield new JType(element.name() + "[]".repeat(dimensions), element.arguments());
            }
            case NEW_CLASS -> typeOfTypeTree(((NewClassTree) expression).getIdentifier());
            case METHOD_INVOCATION -> {
                ResolvedCall call = resolveCall((MethodInvocationTree) expression);
                yield call == null ? null : call.returnType();
            }
            default -> {
                if (BOOLEAN_OPERATORS.contains(expression.getKind())) {
                    yield JType.BOOLEAN;
                }
                if (expression instanceof BinaryTree binary) {
                    JType a = typeOf(binary.getLeftOperand());
                    JType b = typeOf(binary.getRightOperand());
                    if (a == null || b == null) {
                        yield null;
                    }
                    if (a.equals(JType.STRING) || b.equals(JType.STRING)) {
                        yield JType.STRING;
                    }
                    if (a.equals(JType.BOOLEAN)) {
                        yield JType.BOOLEAN;
                    }
                    yield JType.promote(a, b);
                }
                yield null;
            }
        };
    }

    /**
     * The type of a value expression (a local, parameter, field or {@code this}), or null if it names
     * a type (as {@code Math} in {@code Math.PI}) or cannot be resolved.
     */
    JType valueType(ExpressionTree expression) {
        if (expression instanceof IdentifierTree identifier) {
            String name = identifier.getName().toString();
            if (name.equals("this")) {
                return locals.selfType() != null ? locals.selfType() : new JType(owner.getQualifiedName().toString());
            }
            String local = locals.lookup(name);
            if (local != null) {
                return locals.typeOf(local);
            }
            VariableElement field = ownField(name);
            return field == null ? null : env.typeOf(field.asType());
        }
        if (expression instanceof MemberSelectTree member) {
            if (namesType(member)) {
                return null;
            }
            String name = member.getIdentifier().toString();
            JType receiver = valueType(member.getExpression());
            if (receiver != null && receiver.isArray() && name.equals("length")) {
                return JType.INT;
            }
            TypeElement type = receiver != null
                    ? env.elements().getTypeElement(receiver.upperBound().name())
                    : resolveType(source.text(member.getExpression()));
            VariableElement field = type == null ? null : env.field(type, name);
            return field == null ? null : env.memberType(receiver, field);
        }
        return typeOf(expression);
    }

    /** Whether {@code expression} (a name such as {@code java.util.List}) denotes a type rather than a value. */
    boolean namesType(ExpressionTree expression) {
        if (expression instanceof IdentifierTree identifier) {
            String name = identifier.getName().toString();
            return !name.equals("this") && locals.lookup(name) == null && ownField(name) == null
                    && resolveType(name) != null;
        }
        if (expression instanceof MemberSelectTree member) {
            return (namesType(member.getExpression()) || member.getExpression() instanceof MemberSelectTree
                    || member.getExpression() instanceof IdentifierTree && valueType(member.getExpression()) == null)
                    && resolveType(source.text(expression)) != null;
        }
        return false;
    }

    /** The field a name or member select reads, or null if it reads something else. */
    VariableElement fieldOf(ExpressionTree expression) {
        if (expression instanceof IdentifierTree identifier) {
            String name = identifier.getName().toString();
            return locals.lookup(name) != null ? null : ownField(name);
        }
        if (expression instanceof MemberSelectTree member && !namesType(member)) {
            JType receiver = valueType(member.getExpression());
            TypeElement type = receiver != null
                    ? env.elements().getTypeElement(receiver.upperBound().name())
                    : resolveType(source.text(member.getExpression()));
            return type == null ? null : env.field(type, member.getIdentifier().toString());
        }
        return null;
    }

    /** The type a type tree denotes; reports and answers {@code double} if it cannot be resolved. */
    JType typeOfTypeTree(Tree type) {
        if (type instanceof PrimitiveTypeTree primitive) {
            return new JType(primitive.getPrimitiveTypeKind().name().toLowerCase());
        }
        if (type instanceof ArrayTypeTree array) {
            JType component = typeOfTypeTree(array.getType());
            return new JType(component.name() + "[]", component.arguments());
        }
        if (type instanceof ParameterizedTypeTree parameterized) {
            JType raw = typeOfTypeTree(parameterized.getType());
            List<JType> arguments = new ArrayList<>();
            for (Tree argument : parameterized.getTypeArguments()) {
                arguments.add(typeOfTypeTree(argument));
            }
            return new JType(raw.name(), arguments);
        }
        if (type instanceof WildcardTree wildcard) {
            return switch (wildcard.getKind()) {
                case EXTENDS_WILDCARD -> JType.wildcard(typeOfTypeTree(wildcard.getBound()));
                case SUPER_WILDCARD -> new JType("? super", List.of(typeOfTypeTree(wildcard.getBound())));
                default -> JType.wildcard(null);
            };
        }
        JType variable = typeVariable(source.text(type));
        if (variable != null) {
            return variable;
        }
        TypeElement element = resolveType(source.text(type));
        if (element == null) {
            diagnostics.error(type, Messages.UNRESOLVED, "type '" + source.text(type) + "'", "import it");
            return JType.DOUBLE;
        }
        return new JType(element.getQualifiedName().toString());
    }

    /**
     * A type parameter of the enclosing classes ({@code L} of {@code class Chain<L extends Layer>}),
     * as its erasure: generated code holds its values as the bound.
     */
    private JType typeVariable(String name) {
        for (TypeElement type = owner; type != null; type = enclosingType(type)) {
            for (javax.lang.model.element.TypeParameterElement parameter : type.getTypeParameters()) {
                if (parameter.getSimpleName().contentEquals(name)) {
                    return env.typeOf(parameter.asType());
                }
            }
        }
        return null;
    }

    /** Resolves a (possibly dotted) type name as written in this compilation unit. */
    TypeElement resolveType(String name) {
        int generic = name.indexOf('<');
        if (generic >= 0) {
            name = name.substring(0, generic);
        }
        if (name.contains(".")) {
            TypeElement qualified = env.elements().getTypeElement(name);
            if (qualified != null) {
                return qualified;
            }
            int dot = name.indexOf('.');
            TypeElement outer = resolveType(name.substring(0, dot));
            return outer == null ? null : env.elements().getTypeElement(outer.getQualifiedName() + name.substring(dot));
        }
        if (locals.lookup(name) != null || ownField(name) != null) {
            return null;
        }
        for (TypeElement type = owner; type != null; type = enclosingType(type)) {
            if (type.getSimpleName().contentEquals(name)) {
                return type;
            }
            for (Element member : env.members(type)) {
                if ((member.getKind().isClass() || member.getKind().isInterface())
                        && member.getSimpleName().contentEquals(name)) {
                    return (TypeElement) member;
                }
            }
        }
        for (ImportTree importTree : source.unit().getImports()) {
            if (importTree.isStatic()) {
                continue;
            }
            String imported = importTree.getQualifiedIdentifier().toString();
            if (imported.endsWith("." + name)) {
                return env.elements().getTypeElement(imported);
            }
            if (imported.endsWith(".*")) {
                TypeElement onDemand = env.elements().getTypeElement(imported.substring(0, imported.length() - 1) + name);
                if (onDemand != null) {
                    return onDemand;
                }
            }
        }
        String packageName = source.unit().getPackageName() == null ? "" : source.unit().getPackageName() + ".";
        TypeElement samePackage = env.elements().getTypeElement(packageName + name);
        return samePackage != null ? samePackage : env.elements().getTypeElement("java.lang." + name);
    }

    private static TypeElement enclosingType(TypeElement type) {
        return type.getEnclosingElement() instanceof TypeElement outer ? outer : null;
    }

    /** Resolves the method a call invokes from declarations alone, or returns null. */
    ResolvedCall resolveCall(MethodInvocationTree tree) {
        ExpressionTree select = tree.getMethodSelect();
        int arity = tree.getArguments().size();
        if (select instanceof IdentifierTree identifier) {
            return own(tree, identifier.getName().toString(), arity);
        }
        if (!(select instanceof MemberSelectTree member)) {
            return null;
        }
        String name = member.getIdentifier().toString();
        ExpressionTree receiver = member.getExpression();
        if (receiver instanceof IdentifierTree identifier && identifier.getName().contentEquals("this")) {
            return own(tree, name, arity);
        }
        if (receiver instanceof IdentifierTree identifier && identifier.getName().contentEquals("super")) {
            return superCall(tree, name, arity);
        }
        JType receiverType = valueType(receiver);
        if (receiverType != null) {
            TypeElement type = env.elements().getTypeElement(receiverType.upperBound().name());
            ExecutableElement method = type == null ? null : choose(env.methods(type, name, arity), tree);
            return method == null ? null : new ResolvedCall(tree, type, method, receiver, receiverType,
                    withMethodTypeArguments(method, tree, env.memberType(receiverType, method)));
        }
        TypeElement type = resolveType(source.text(receiver));
        ExecutableElement method = type == null ? null : choose(env.methods(type, name, arity), tree);
        return method == null ? null : new ResolvedCall(tree, type, method, null, null,
                withMethodTypeArguments(method, tree, env.typeOf(method.getReturnType())));
    }

    /**
     * The field a simple name denotes: one of this class (inherited ones included), of an enclosing
     * class, or a static import.
     */
    VariableElement ownField(String name) {
        for (TypeElement type = owner; type != null; type = enclosingType(type)) {
            VariableElement field = env.field(type, name);
            if (field != null) {
                return field;
            }
        }
        for (TypeElement imported : staticImports(name)) {
            VariableElement field = env.field(imported, name);
            if (field != null && field.getModifiers().contains(Modifier.STATIC)) {
                return field;
            }
        }
        return null;
    }

    /** The types {@code import static T.name} or {@code import static T.*} bring {@code name} from. */
    private List<TypeElement> staticImports(String name) {
        List<TypeElement> types = new ArrayList<>();
        for (ImportTree importTree : source.unit().getImports()) {
            if (!importTree.isStatic() || !(importTree.getQualifiedIdentifier() instanceof MemberSelectTree imported)) {
                continue;
            }
            String member = imported.getIdentifier().toString();
            if (member.equals(name) || member.equals("*")) {
                TypeElement type = env.elements().getTypeElement(imported.getExpression().toString());
                if (type != null) {
                    types.add(type);
                }
            }
        }
        return types;
    }

    /** {@code super.name(...)}: the superclass's method, called without dynamic dispatch. */
    private ResolvedCall superCall(MethodInvocationTree tree, String name, int arity) {
        if (!(env.types().asElement(owner.getSuperclass()) instanceof TypeElement superclass)) {
            return null;
        }
        ExecutableElement method = choose(env.methods(superclass, name, arity), tree);
        if (method == null) {
            return null;
        }
        JType self = locals.selfType();
        return new ResolvedCall(tree, (TypeElement) method.getEnclosingElement(), method, null, null,
                self == null ? env.typeOf(method.getReturnType()) : env.memberType(self, method), true);
    }

    /** An unqualified call: a method of this class (inherited included), of an enclosing class, or statically imported. */
    private ResolvedCall own(MethodInvocationTree tree, String name, int arity) {
        ExecutableElement method = null;
        for (TypeElement type = owner; type != null && method == null; type = enclosingType(type)) {
            method = choose(env.methods(type, name, arity), tree);
        }
        if (method == null) {
            List<ExecutableElement> imported = new ArrayList<>();
            for (TypeElement type : staticImports(name)) {
                env.methods(type, name, arity).stream()
                        .filter(candidate -> candidate.getModifiers().contains(Modifier.STATIC))
                        .forEach(imported::add);
            }
            method = choose(imported, tree);
        }
        if (method == null) {
            return null;
        }
        TypeElement declaring = (TypeElement) method.getEnclosingElement();
        boolean isStatic = method.getModifiers().contains(Modifier.STATIC);
        JType self = isStatic ? null : locals.selfType();
        return new ResolvedCall(tree, declaring, method, null, null, withMethodTypeArguments(method, tree, self == null
                ? env.typeOf(method.getReturnType()) : env.memberType(self, method)));
    }

    /**
     * The return type of a call to a generic method with the method's type variables bound from the
     * arguments, as javac infers them in the simple cases: {@code first(List<T>)} called on a
     * {@code List<Tensor>} returns {@code Tensor}. {@code declared} (the variables erased) where the
     * return type has none, or one that no argument binds by its exact type.
     */
    private JType withMethodTypeArguments(ExecutableElement method, MethodInvocationTree tree, JType declared) {
        if (method.getTypeParameters().isEmpty() || substitute(method.getReturnType(), method, Map.of()) != null) {
            return declared;
        }
        Map<String, JType> bound = new HashMap<>();
        int fixed = method.getParameters().size();
        for (int i = 0; i < tree.getArguments().size() && i < fixed; i++) {
            if (method.isVarArgs() && i == fixed - 1) {
                break;
            }
            JType argument = typeOf(tree.getArguments().get(i));
            if (argument != null) {
                bind(method.getParameters().get(i).asType(), argument, method, bound);
            }
        }
        JType inferred = substitute(method.getReturnType(), method, bound);
        return inferred != null ? inferred : declared;
    }

    /** Binds the method's type variables in {@code parameter} by matching it with the argument's type. */
    private static void bind(TypeMirror parameter, JType argument, ExecutableElement method, Map<String, JType> bound) {
        switch (parameter.getKind()) {
            case TYPEVAR -> {
                if (declaredBy(parameter, method) && !argument.isPrimitive() && !argument.isWildcard()) {
                    bound.putIfAbsent(parameter.toString(), argument);
                }
            }
            case ARRAY -> {
                if (argument.isArray()) {
                    bind(((ArrayType) parameter).getComponentType(), argument.component(), method, bound);
                }
            }
            case DECLARED -> {
                DeclaredType declared = (DeclaredType) parameter;
                List<? extends TypeMirror> arguments = declared.getTypeArguments();
                if (((TypeElement) declared.asElement()).getQualifiedName().contentEquals(argument.name())
                        && arguments.size() == argument.arguments().size()) {
                    for (int k = 0; k < arguments.size(); k++) {
                        bind(arguments.get(k), argument.arguments().get(k), method, bound);
                    }
                }
            }
            default -> {
                // A primitive or wildcard parameter binds nothing.
            }
        }
    }

    /** {@code type} with the method's type variables replaced by {@code bound}; null if one is unbound. */
    private JType substitute(TypeMirror type, ExecutableElement method, Map<String, JType> bound) {
        return switch (type.getKind()) {
            case TYPEVAR -> declaredBy(type, method) ? bound.get(type.toString()) : env.typeOf(type);
            case ARRAY -> {
                JType component = substitute(((ArrayType) type).getComponentType(), method, bound);
                yield component == null ? null : new JType(component.name() + "[]", component.arguments());
            }
            case DECLARED -> {
                DeclaredType declared = (DeclaredType) type;
                List<JType> arguments = new ArrayList<>();
                for (TypeMirror argument : declared.getTypeArguments()) {
                    JType substituted = substitute(argument, method, bound);
                    if (substituted == null) {
                        yield null;
                    }
                    arguments.add(substituted);
                }
                yield new JType(((TypeElement) declared.asElement()).getQualifiedName().toString(), arguments);
            }
            default -> env.typeOf(type);
        };
    }

    private static boolean declaredBy(TypeMirror variable, ExecutableElement method) {
        return ((TypeVariable) variable).asElement().getEnclosingElement().equals(method);
    }

    /** Picks the overload whose parameters accept the argument types with the least widening. */
    private ExecutableElement choose(List<ExecutableElement> candidates, MethodInvocationTree tree) {
        if (candidates.size() <= 1) {
            return candidates.isEmpty() ? null : candidates.getFirst();
        }
        List<JType> argumentTypes = new ArrayList<>();
        for (ExpressionTree argument : tree.getArguments()) {
            argumentTypes.add(typeOf(argument));
        }
        ExecutableElement best = null;
        int bestCost = Integer.MAX_VALUE;
        for (ExecutableElement candidate : candidates) {
            int cost = 0;
            int fixed = candidate.getParameters().size();
            for (int i = 0; i < argumentTypes.size() && cost < Integer.MAX_VALUE; i++) {
                JType argument = argumentTypes.get(i);
                JType parameter = env.typeOf(candidate.getParameters().get(Math.min(i, fixed - 1)).asType()).erasure();
                if (candidate.isVarArgs() && i >= fixed - 1 && !(argument != null && argument.erasure().equals(parameter))) {
                    // Arguments spread into a varargs array match its element type.
                    parameter = parameter.component();
                }
                if (argument == null || parameter.equals(argument.erasure())) {
                    continue;
                }
                cost = parameter.acceptsByWidening(argument) ? cost + 1
                        : assignable(argument, parameter) ? cost + 2 : Integer.MAX_VALUE;
            }
            if (cost < bestCost) {
                best = candidate;
                bestCost = cost;
            }
        }
        return best;
    }

    /** Whether a reference (or boxed) value of type {@code from} can be passed where {@code to} is expected. */
    private boolean assignable(JType from, JType to) {
        TypeMirror source = env.mirrorOf(from.erasure());
        TypeMirror target = env.mirrorOf(to);
        return source != null && target != null && env.types().isAssignable(source, target);
    }
}
