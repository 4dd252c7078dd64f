package dev.adjoint.grad;

import dev.adjoint.Tensor;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.function.DoubleFunction;
import java.util.function.Function;

/**
 * The seed's four {@code tfe} functions, built from a method reference to a {@code @Differentiable}
 * method: {@code gradientsFunction(Examples::square).apply(3.0)}. The reference is resolved once,
 * when the function is built, to the code the processor generated for that method; nothing is
 * traced at run time. For typed results call the generated class ({@code ExamplesGrad}) directly.
 */
public final class GradientFunctions {

    /** A differentiable {@code double -> double} method, by reference. */
    @FunctionalInterface
    public interface ScalarFunction extends Serializable {
        double apply(double x);
    }

    /** A differentiable {@code (double, double) -> double} method, by reference. */
    @FunctionalInterface
    public interface ScalarBiFunction extends Serializable {
        double apply(double x, double y);
    }

    /** A differentiable {@code Tensor -> Tensor} method, by reference. */
    @FunctionalInterface
    public interface TensorFunction extends Serializable {
        Tensor apply(Tensor x);
    }

    /** Two scalar arguments to some result. */
    @FunctionalInterface
    public interface BiArgument<R> {
        R apply(double x, double y);
    }

    /** A value and its gradients, for the functional form; the generated records are typed. */
    public record ValueAndGradients(Object value, Gradients gradients) {
    }

    private GradientFunctions() {
    }

    /** {@code tfe.gradients_function}: the gradients of {@code f} at a point. */
    public static DoubleFunction<Gradients> gradientsFunction(ScalarFunction f) {
        Generated generated = Generated.of(f, "Gradients", double.class);
        return x -> (Gradients) generated.invoke(x);
    }

    /** {@code tfe.gradients_function} for two arguments. */
    public static BiArgument<Gradients> gradientsFunction(ScalarBiFunction f) {
        Generated generated = Generated.of(f, "Gradients", double.class, double.class);
        return (x, y) -> (Gradients) generated.invoke(x, y);
    }

    /** {@code tfe.gradients_function} for a tensor function (non-scalar outputs seeded with ones). */
    public static Function<Tensor, Gradients> tensorGradientsFunction(TensorFunction f) {
        Generated generated = Generated.of(f, "Gradients", Tensor.class);
        return x -> (Gradients) generated.invoke(x);
    }

    /** {@code tfe.value_and_gradients_function}. */
    public static DoubleFunction<ValueAndGradients> valueAndGradientsFunction(ScalarFunction f) {
        Generated generated = Generated.of(f, "ValueAndGradients", double.class);
        return x -> generated.valueAndGradients(generated.invoke(x));
    }

    /** {@code tfe.value_and_gradients_function} for two arguments. */
    public static BiArgument<ValueAndGradients> valueAndGradientsFunction(ScalarBiFunction f) {
        Generated generated = Generated.of(f, "ValueAndGradients", double.class, double.class);
        return (x, y) -> generated.valueAndGradients(generated.invoke(x, y));
    }

    /** {@code tfe.implicit_gradients}: (gradient, variable) pairs of the trainable variables read. */
    @SuppressWarnings("unchecked")
    public static DoubleFunction<List<GradientAndVariable>> implicitGradients(ScalarFunction f) {
        Generated generated = Generated.of(f, "ImplicitGradients", double.class);
        return x -> (List<GradientAndVariable>) generated.invoke(x);
    }

    /** {@code tfe.implicit_value_and_gradients}. */
    public static DoubleFunction<ImplicitValueAndGradients> implicitValueAndGradients(ScalarFunction f) {
        Generated generated = Generated.of(f, "ImplicitValueAndGradients", double.class);
        return x -> (ImplicitValueAndGradients) generated.invoke(x);
    }

    /** A generated method found from a method reference, with the receiver a bound reference captured. */
    private record Generated(Method method, Object[] captured, String description) {

        static Generated of(Serializable reference, String suffix, Class<?>... parameters) {
            SerializedLambda lambda = serialized(reference);
            String owner = lambda.getImplClass().replace('/', '.');
            String name = lambda.getImplMethodName();
            String description = owner + "::" + name;
            if (name.startsWith("lambda$")) {
                throw new IllegalArgumentException("pass a method reference to a @Differentiable method, not a lambda");
            }
            int dot = owner.lastIndexOf('.');
            String gradClass = owner.substring(0, dot + 1) + owner.substring(dot + 1).replace('$', '_') + "Grad";
            Object[] captured = new Object[lambda.getCapturedArgCount()];
            Class<?>[] types = new Class<?>[captured.length + parameters.length];
            for (int i = 0; i < captured.length; i++) {
                captured[i] = lambda.getCapturedArg(i);
                types[i] = captured[i].getClass();
            }
            System.arraycopy(parameters, 0, types, captured.length, parameters.length);
            try {
                Class<?> generated = Class.forName(gradClass, true, reference.getClass().getClassLoader());
                return new Generated(generated.getMethod(name + suffix, types), captured, description);
            } catch (ClassNotFoundException | NoSuchMethodException e) {
                throw new IllegalArgumentException(description + " has no generated gradient (" + gradClass + "."
                        + name + suffix + "): is it annotated @Differentiable and was the Adjoint processor run?", e);
            }
        }

        private static SerializedLambda serialized(Serializable reference) {
            try {
                Method writeReplace = reference.getClass().getDeclaredMethod("writeReplace");
                writeReplace.setAccessible(true);
                return (SerializedLambda) writeReplace.invoke(reference);
            } catch (ReflectiveOperationException | ClassCastException e) {
                throw new IllegalArgumentException("expected a method reference such as Examples::square, got "
                        + reference.getClass().getName(), e);
            }
        }

        Object invoke(Object... args) {
            Object[] all = new Object[captured.length + args.length];
            System.arraycopy(captured, 0, all, 0, captured.length);
            System.arraycopy(args, 0, all, captured.length, args.length);
            try {
                return method.invoke(null, all);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException(description + " failed", e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(description + ": generated code is not accessible", e);
            }
        }

        ValueAndGradients valueAndGradients(Object record) {
            try {
                Object value = record.getClass().getMethod("value").invoke(record);
                Gradients gradients = (Gradients) record.getClass().getMethod("gradients").invoke(record);
                return new ValueAndGradients(value, gradients);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(description + ": unexpected generated result " + record, e);
            }
        }
    }
}
