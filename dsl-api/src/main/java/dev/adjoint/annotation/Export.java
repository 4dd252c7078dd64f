package dev.adjoint.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method for deployment: the processor generates, beside {@code CGrad}, an IR emitter {@code CIr} that
 * writes the method's computation as OpenVINO IR (the {@code Variable}s it reads become constants holding their
 * current values) and a typed stub {@code CDeployment} that runs that IR with the same Java signature:
 *
 * <pre>{@code
 * @Export
 * Tensor predict(Tensor x) { return x.matmul(w1.value()).add(b1.value()).relu().matmul(w2.value()); }
 *
 * MlpIr.predict(model, InputSpec.f32(-1, 64)).save(dir, "mlp");         // at export time, training code
 * try (MlpDeployment mlp = MlpDeployment.load(dir.resolve("mlp.xml"))) { // in the application, engine only
 *     Tensor scores = mlp.predict(batch);
 * }
 * }</pre>
 *
 * <p>The method returns {@code Tensor}, {@code double} or {@code float}. Its {@code Tensor}, {@code double} and
 * {@code float} parameters become IR Parameters named after them ({@code double}: f32 of shape {@code []}); its
 * other parameters ({@code @NonDifferentiable int}s and {@code boolean}s, configuration) are export-time
 * constants. Plain {@code int}/{@code boolean} code and loops whose trip counts do not depend on tensor values
 * run at export time (loops unroll); code that needs a value only known when the model runs is a compile error.
 *
 * <p>A separate annotation rather than an attribute of {@link Differentiable}: exporting and differentiating are
 * independent (a {@code predict} is exported and seldom differentiated; a loss is differentiated and never
 * exported). {@code @Export} alone lowers the method; the {@code @Differentiable} methods it calls in its class
 * get emitters too, and methods of other classes it calls must be {@code @Export} themselves. The project needs
 * {@code dev.adjoint:adjoint-openvino-export} at compile time; the application running the stub needs only
 * {@code adjoint-openvino-engine} and a backend.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Export {
}
