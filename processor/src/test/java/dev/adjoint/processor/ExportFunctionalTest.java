package dev.adjoint.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.Tensor;
import dev.adjoint.core.DType;
import dev.adjoint.openvino.engine.DeployedMethod;
import dev.adjoint.openvino.export.ExportedModel;
import dev.adjoint.openvino.export.InputSpec;
import dev.adjoint.openvino.ir.IrModel;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs what the processor generates: the user's class, its emitter and its stub are compiled in memory; the
 * model is evaluated eagerly, exported through the emitter, written as IR, and run through the stub, which is
 * loaded in a class loader holding only the engine, the IR module, dsl-api and the CPU backend (not the processor,
 * not the export module, not the training code).
 */
class ExportFunctionalTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    @TempDir
    Path dir;

    /** Classes compiled in memory, over a parent loader. */
    static final class MemoryLoader extends ClassLoader {
        private final Map<String, byte[]> classes;

        MemoryLoader(Map<String, byte[]> classes, ClassLoader parent) {
            super(parent);
            this.classes = classes;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = classes.get(name);
            if (bytes == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, bytes, 0, bytes.length);
        }
    }

    static Map<String, byte[]> classes(Compilation compilation) throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        for (JavaFileObject file : compilation.generatedFiles()) {
            if (file.getKind() == JavaFileObject.Kind.CLASS) {
                String name = file.toUri().getPath().replaceFirst("^/CLASS_OUTPUT/", "").replaceFirst("\\.class$", "")
                        .replace('/', '.');
                try (InputStream in = file.openInputStream()) {
                    out.put(name, in.readAllBytes());
                }
            }
        }
        return out;
    }

    private static Compilation compileGolden(String name) throws IOException {
        Compilation compilation = Sources.compile(JavaFileObjects.forSourceString("golden." + name,
                Files.readString(GOLDEN.resolve(name + ".java.txt"))));
        assertThat(compilation).succeededWithoutWarnings();
        return compilation;
    }

    /** A loader with the deployed application's class path only: engine, ir, dsl-api, the CPU backend. */
    private static ClassLoader applicationLoader(Map<String, byte[]> classes, String stub) throws Exception {
        URL[] urls = {location(DeployedMethod.class), location(IrModel.class), location(Tensor.class),
                location(Class.forName("dev.adjoint.cpu.CpuBackend"))};
        URLClassLoader modules = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
        return new MemoryLoader(Map.of(stub, classes.get(stub)), modules);
    }

    private static URL location(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }

    private static Object invoke(Object target, String name, Object... args) throws Exception {
        Class<?> type = target instanceof Class<?> c ? c : target.getClass();
        for (Method m : type.getDeclaredMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == args.length && accepts(m.getParameterTypes(), args)) {
                m.setAccessible(true);
                try {
                    return m.invoke(target instanceof Class<?> ? null : target, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        }
        throw new NoSuchMethodException(type.getName() + "." + name + " for " + List.of(args));
    }

    private static boolean accepts(Class<?>[] types, Object[] args) {
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i].isPrimitive() ? switch (types[i].getName()) {
                case "int" -> Integer.class;
                case "boolean" -> Boolean.class;
                case "double" -> Double.class;
                default -> types[i];
            } : types[i];
            if (args[i] != null && !t.isInstance(args[i]) && !t.getName().equals(args[i].getClass().getName())) {
                return false;
            }
        }
        return true;
    }

    static void assertClose(Tensor expected, Tensor actual, double tolerance, String label) {
        assertEquals(expected.shape(), actual.shape(), label + ": shape");
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            if (Math.abs(e[i] - a[i]) > tolerance) {
                fail(label + ": element " + i + " is " + a[i] + " from the deployed IR, " + e[i] + " eagerly");
            }
        }
    }

    @Test
    void mlpExportsDeploysAndEqualsEager() throws Exception {
        Map<String, byte[]> classes = classes(compileGolden("ExportMlp"));
        ClassLoader training = new MemoryLoader(classes, getClass().getClassLoader());
        Class<?> mlpClass = training.loadClass("golden.ExportMlp");
        SplittableRandom rng = new SplittableRandom(7);
        Constructor<?> constructor = mlpClass.getDeclaredConstructor(Tensor.class, Tensor.class, Tensor.class);
        constructor.setAccessible(true);
        Object mlp = constructor.newInstance(Tensor.randomNormal(rng, 0, 1, 4, 6), Tensor.randomNormal(rng, 0, 0.5, 6),
                Tensor.randomNormal(rng, 0, 1, 6, 3));
        Class<?> ir = training.loadClass("golden.ExportMlpIr");
        // depth 3 unrolls two Select steps; probabilities adds the softmax.
        ExportedModel exported = (ExportedModel) invoke(ir, "predict", mlp, InputSpec.f32(-1, 4), 3, true);
        Path xml = exported.save(dir, "mlp");
        Path xml16 = exported.saveFp16(dir, "mlp16");
        assertTrue(Files.size(dir.resolve("mlp16.bin")) < Files.size(dir.resolve("mlp.bin")));

        String stubName = "golden.ExportMlpDeployment";
        ClassLoader application = applicationLoader(classes, stubName);
        Class<?> stubClass = application.loadClass(stubName);
        for (String absent : new String[] {"dev.adjoint.processor.AdjointProcessor",
                "dev.adjoint.openvino.export.IrTensor", "golden.ExportMlp"}) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(absent, false, application), absent);
        }
        Class<?> appTensor = application.loadClass("dev.adjoint.Tensor");
        for (String model : new String[] {"mlp", "mlp16"}) {
            try (AutoCloseable stub = (AutoCloseable) invoke(stubClass, "load", model.equals("mlp") ? xml : xml16)) {
                for (int batch : new int[] {1, 5}) {
                    float[] data = new float[batch * 4];
                    for (int i = 0; i < data.length; i++) {
                        data[i] = (float) rng.nextDouble(-2, 2);
                    }
                    Tensor x = Tensor.of(data, dev.adjoint.core.Shape.of(batch, 4));
                    Tensor eager = (Tensor) invoke(mlp, "predict", x, 3, true);
                    // The application's Tensor is its own class: pass the values across.
                    Object appX = appTensor.getMethod("of", float[].class, application.loadClass(
                            "dev.adjoint.core.Shape")).invoke(null, data, application.loadClass("dev.adjoint.core.Shape")
                            .getMethod("of", int[].class).invoke(null, (Object) new int[] {batch, 4}));
                    Object out = invoke(stub, "predict", appX);
                    float[] values = (float[]) appTensor.getMethod("toFloatArray").invoke(out);
                    Tensor deployed = Tensor.of(values, eager.shape());
                    assertClose(eager, deployed, model.equals("mlp") ? 1e-5 : 2e-2, model + " batch " + batch);
                    Object async = ((CompletableFuture<?>) invoke(stub, "predictAsync", appX)).get();
                    assertClose(eager, Tensor.of((float[]) appTensor.getMethod("toFloatArray").invoke(async),
                            eager.shape()), model.equals("mlp") ? 1e-5 : 2e-2, model + " async");
                }
                Object wrongShape = appTensor.getMethod("zeros", int[].class).invoke(null, (Object) new int[] {2, 3});
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> invoke(stub, "predict", wrongShape));
                assertEquals("ExportMlp.predict: argument 'x' has shape (2, 3), but the model expects [?,4] (? is any "
                        + "length)", e.getMessage());
                Object wrongType = appTensor.getMethod("cast", application.loadClass("dev.adjoint.core.DType"))
                        .invoke(appTensor.getMethod("zeros", int[].class).invoke(null, (Object) new int[] {2, 4}),
                                application.loadClass("dev.adjoint.core.DType").getField("INT32").get(null));
                e = assertThrows(IllegalArgumentException.class, () -> invoke(stub, "predict", wrongType));
                assertEquals("ExportMlp.predict: argument 'x' has dtype int32, but the model expects float32 (f32): "
                        + "convert it with cast(DType.FLOAT32)", e.getMessage());
            }
        }
    }

    @Test
    void linearRegressionDeploysAsDoublePredict() throws Exception {
        Map<String, byte[]> classes = classes(compileGolden("Linear"));
        ClassLoader training = new MemoryLoader(classes, getClass().getClassLoader());
        Object linear = construct(training.loadClass("golden.Linear"));
        // Trained values, as the lecture's fit of birth rate against life expectancy gives roughly.
        Object w = field(linear, "w");
        Object b = field(linear, "b");
        invoke(w, "assign", -6.07);
        invoke(b, "assign", 84.9);
        ExportedModel exported = (ExportedModel) invoke(training.loadClass("golden.LinearIr"), "predict", linear);
        assertEquals(1, exported.model().parameters().size());
        Path xml = exported.save(dir, "linear");
        ClassLoader application = applicationLoader(classes, "golden.LinearDeployment");
        try (AutoCloseable stub = (AutoCloseable) invoke(application.loadClass("golden.LinearDeployment"), "load", xml)) {
            for (double x : new double[] {0.0, 1.5, 4.25, -3.0}) {
                double eager = (double) invoke(linear, "predict", x);
                double deployed = (double) invoke(stub, "predict", x);
                // Computed in float32 by the IR: relative 1e-6 of the value.
                assertEquals(eager, deployed, 1e-6 * Math.max(1, Math.abs(eager)), "w*x+b at " + x);
                assertEquals(-6.07 * x + 84.9, deployed, 1e-4);
                assertEquals(deployed, (double) ((CompletableFuture<?>) invoke(stub, "predictAsync", x)).get());
            }
        }
    }

    @Test
    void branchesOnModelValuesBecomeSelectAndEqualEager() throws Exception {
        Map<String, byte[]> classes = classes(compileGolden("ExportBranches"));
        ClassLoader training = new MemoryLoader(classes, getClass().getClassLoader());
        Class<?> type = training.loadClass("golden.ExportBranches");
        Object model = construct(type);
        Class<?> ir = training.loadClass("golden.ExportBranchesIr");
        Path huber = ((ExportedModel) invoke(ir, "huber", model)).save(dir, "huber");
        Path rows = ((ExportedModel) invoke(ir, "rowsClipped", InputSpec.f32(3, 4))).save(dir, "rows");
        Path leaky = ((ExportedModel) invoke(ir, "leaky")).save(dir, "leaky");
        // All methods in one stub: one load parameter per exported method.
        try (AutoCloseable stub = (AutoCloseable) invoke(training.loadClass("golden.ExportBranchesDeployment"), "load",
                huber, leaky, rows)) {
            // An early return on a model value: both ways out.
            for (double x : new double[] {-4.0, -0.5, 0.0, 2.5}) {
                assertEquals(x < 0 ? 0.1 * x : x, (double) invoke(stub, "leaky", x), 1e-6, "leaky at " + x);
            }
            // Both arms of each branch: |e| <= 1 (quadratic) and beyond (linear), either sign.
            for (double e : new double[] {-3.5, -1.0, -0.25, 0.0, 0.5, 1.0, 2.75}) {
                double eager = (double) invoke(model, "huber", e);
                double expected = (Math.abs(e) <= 1 ? 0.5 * e * e : Math.abs(e) - 0.5) * 2.0;
                assertEquals(expected, eager, 1e-12, "eager huber at " + e);
                assertEquals(eager, (double) invoke(stub, "huber", e), 1e-6, "deployed huber at " + e);
            }
            SplittableRandom rng = new SplittableRandom(3);
            for (double scale : new double[] {0.1, 3.0}) {
                // Small values keep the peak below 2 (no rescaling); large ones exceed it (the then-arm).
                Tensor x = Tensor.randomUniform(rng, -scale, scale, 3, 4);
                Tensor eager = (Tensor) invoke(type, "rowsClipped", x);
                assertClose(eager, (Tensor) invoke(stub, "rowsClipped", x), 1e-6, "rowsClipped scale " + scale);
            }
        }
    }

    @Test
    void aStubRefusesAnotherMethodsIr() throws Exception {
        Map<String, byte[]> mlpClasses = classes(compileGolden("ExportMlp"));
        Map<String, byte[]> linearClasses = classes(compileGolden("Linear"));
        ClassLoader training = new MemoryLoader(linearClasses, getClass().getClassLoader());
        Object linear = construct(training.loadClass("golden.Linear"));
        Path xml = ((ExportedModel) invoke(training.loadClass("golden.LinearIr"), "predict", linear)).save(dir, "lin");
        ClassLoader application = applicationLoader(mlpClasses, "golden.ExportMlpDeployment");
        Exception e = assertThrows(Exception.class,
                () -> invoke(application.loadClass("golden.ExportMlpDeployment"), "load", xml));
        assertEquals(xml + " holds the model 'Linear.predict', not ExportMlp.predict: load the IR written by the "
                + "emitter of ExportMlp.predict", e.getMessage());
        assertEquals(DType.FLOAT32, InputSpec.f32(1).dtype());
    }

    private static Object construct(Class<?> type) throws Exception {
        Constructor<?> c = type.getDeclaredConstructor();
        c.setAccessible(true);
        return c.newInstance();
    }

    private static Object field(Object target, String name) throws Exception {
        var f = target.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(target);
    }
}
