package dev.adjoint.openvino.optimizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.Tensor;
import dev.adjoint.core.Shape;
import dev.adjoint.openvino.engine.CompiledModel;
import dev.adjoint.openvino.engine.Core;
import dev.adjoint.openvino.engine.InferRequest;
import dev.adjoint.openvino.engine.Model;
import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.PartialShape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Running models on the engine and comparing outputs; seeded random values. */
final class Support {
    private Support() {
    }

    static final Core CORE = new Core();

    /** The outputs of {@code model} for {@code inputs}, on the engine's CPU device. */
    static List<OvTensor> run(IrModel model, List<OvTensor> inputs) {
        try (CompiledModel c = CORE.compileModel(Model.of(model), "CPU")) {
            InferRequest r = c.createInferRequest();
            for (int i = 0; i < inputs.size(); i++) {
                r.setInputTensor(i, inputs.get(i));
            }
            r.infer();
            return r.getOutputTensors();
        }
    }

    /** Seeded random inputs for every parameter; a dynamic dimension becomes {@code dynamicLength}. */
    static List<OvTensor> randomInputs(IrModel model, long seed, int dynamicLength) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<OvTensor> out = new ArrayList<>();
        for (Node p : model.parameters()) {
            out.add(random(p.outputs().get(0).type(), p.outputs().get(0).shape(), rnd, dynamicLength));
        }
        return out;
    }

    static OvTensor random(ElementType type, PartialShape shape, SplittableRandom rnd, int dynamicLength) {
        int[] dims = new int[shape.rank()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape.get(i).isStatic() ? (int) shape.get(i).length() : dynamicLength;
        }
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        if (type.isReal()) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = rnd.nextDouble(-1, 1);
            }
            return OvTensor.of(type, Tensor.of(v, Shape.of(dims)));
        }
        long lo = type.isSigned() ? -20 : 0;
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextLong(lo, 40);
        }
        return OvTensor.of(type, Tensor.of(v, Shape.of(dims)));
    }

    /** Float values of {@code count} from a seeded generator in [-1, 1). */
    static float[] floats(long seed, int count) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) rnd.nextDouble(-1, 1);
        }
        return v;
    }

    /** Same types and shapes, values within {@code rtol * |want| + atol}. */
    static void assertClose(List<OvTensor> want, List<OvTensor> got, double rtol, double atol) {
        assertEquals(want.size(), got.size(), "output count");
        for (int k = 0; k < want.size(); k++) {
            OvTensor w = want.get(k);
            OvTensor g = got.get(k);
            assertEquals(w.elementType(), g.elementType(), "output " + k + " type");
            assertArrayEquals(w.dims(), g.dims(), "output " + k + " shape");
            double[] a = w.toDoubleArray();
            double[] b = g.toDoubleArray();
            for (int i = 0; i < a.length; i++) {
                if (Double.isNaN(a[i]) != Double.isNaN(b[i]) || Math.abs(a[i] - b[i]) > rtol * Math.abs(a[i]) + atol) {
                    fail("output " + k + " element " + i + ": want " + a[i] + ", got " + b[i]);
                }
            }
        }
    }

    /** Bit-identical outputs. */
    static void assertSame(List<OvTensor> want, List<OvTensor> got) {
        assertEquals(want.size(), got.size(), "output count");
        for (int k = 0; k < want.size(); k++) {
            assertEquals(want.get(k).elementType(), got.get(k).elementType());
            assertArrayEquals(want.get(k).dims(), got.get(k).dims());
            assertArrayEquals(want.get(k).toBytes(), got.get(k).toBytes(), "output " + k);
        }
    }

    static long count(IrModel m, String type) {
        return m.nodes().stream().filter(n -> n.is(type)).count();
    }

    static Path fixtures() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared/fixtures/openvino-ir");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
