package dev.adjoint.openvino.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.PartialShape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every fixture in shared/fixtures/openvino-ir that has weights, run end to end. */
class FixtureInferenceTest {
    private final Core core = new Core();

    private InferRequest request(String fixture) throws IOException {
        Model model = core.readModel(Fixtures.require(fixture));
        return core.compileModel(model, "CPU").createInferRequest();
    }

    @Test
    void denseReluGivesTheHandCheckedVector() throws IOException {
        InferRequest r = request("dense_relu/model.xml");
        r.setInputTensor(Tensor.of(new float[][] {{1, -2, 3, 0.5f}}));
        r.infer();
        assertArrayEquals(new float[] {3.75f, 5.375f, 7.0f}, r.getOutputTensor().toFloatArray());
        assertEquals(ElementType.F32, r.getOutputTensor().elementType());
        assertArrayEquals(new int[] {1, 3}, r.getOutputTensor().dims());
    }

    @Test
    void denseReluResolvesTheDynamicBatchPerRequest() throws IOException {
        InferRequest r = request("dense_relu/model.xml");
        SplittableRandom rng = new SplittableRandom(3);
        for (int batch : new int[] {0, 1, 5}) {
            float[] x = new float[batch * 4];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rng.nextDouble() * 4 - 2);
            }
            r.setTensor("x", OvTensor.of(x, batch, 4));
            r.infer();
            OvTensor y = r.getTensor("y");
            assertArrayEquals(new int[] {batch, 3}, y.dims());
            float[] got = y.toFloatArray();
            double[] bias = {-1, 0, 1};
            for (int n = 0; n < batch; n++) {
                for (int j = 0; j < 3; j++) {
                    double acc = bias[j];
                    for (int i = 0; i < 4; i++) {
                        acc += x[n * 4 + i] * ((3.0 * i + j + 1) / 4);
                    }
                    assertEquals(Math.max(acc, 0), got[n * 3 + j], 1e-5, "row " + n + " col " + j);
                }
            }
        }
    }

    @Test
    void summatorKeepsStateAcrossRequestsUntilReset() throws IOException {
        InferRequest r = request("model_server/summator/model.xml");
        assertEquals(1, r.queryState().size());
        VariableState state = r.queryState().get(0);
        assertEquals("state", state.name());
        assertEquals(0f, state.state().toFloatArray()[0]);
        float sum = 0;
        for (float x : new float[] {1, 2, 3.5f, -10}) {
            r.setInputTensor(Tensor.of(new float[][] {{x}}));
            r.infer();
            sum += x;
            assertEquals(sum, r.getOutputTensor().toFloatArray()[0]);
            assertEquals(sum, state.state().toFloatArray()[0]);
        }
        // A second request has its own state.
        InferRequest other = r.compiledModel().createInferRequest();
        other.setInputTensor(Tensor.of(new float[][] {{7}}));
        other.infer();
        assertEquals(7f, other.getOutputTensor().toFloatArray()[0]);
        r.resetState();
        r.setInputTensor(Tensor.of(new float[][] {{2}}));
        r.infer();
        assertEquals(2f, r.getOutputTensor().toFloatArray()[0]);
        state.setState(OvTensor.of(new float[] {100}, 1, 1));
        r.infer();
        assertEquals(102f, r.getOutputTensor().toFloatArray()[0]);
        state.reset();
        r.infer();
        assertEquals(2f, r.getOutputTensor().toFloatArray()[0]);
        EngineException e = assertThrows(EngineException.class,
                () -> state.setState(OvTensor.of(new float[] {1, 2}, 1, 2)));
        assertTrue(e.getMessage().contains("[1,1]") && e.getMessage().contains("(1, 2)"), e.getMessage());
    }

    @Test
    void dummyAddsOne() throws IOException {
        InferRequest r = request("model_server/dummy/model.xml");
        float[] x = new float[10];
        for (int i = 0; i < 10; i++) {
            x[i] = i * 0.5f - 2;
        }
        r.setInputTensor(OvTensor.of(x, 1, 10));
        r.infer();
        float[] y = r.getOutputTensor().toFloatArray();
        for (int i = 0; i < 10; i++) {
            assertEquals(x[i] + 1, y[i]);
        }
    }

    @Test
    void dummyFp64RunsInFloat64WithADynamicBatch() throws IOException {
        InferRequest r = request("model_server/dummy_fp64/model.xml");
        double[] x = new double[30];
        for (int i = 0; i < x.length; i++) {
            x[i] = 1e-12 * i + i;
        }
        r.setInputTensor(Tensor.of(x, Shape.of(3, 10)));
        r.infer();
        OvTensor y = r.getOutputTensor();
        assertEquals(ElementType.F64, y.elementType());
        double[] got = y.toDoubleArray();
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i] + 1, got[i]);
        }
    }

    @Test
    void scalarModelTakesAScalar() throws IOException {
        InferRequest r = request("model_server/scalar/model.xml");
        r.setInputTensor(Tensor.of(4.5f));
        r.infer();
        assertEquals(0, r.getOutputTensor().shape().rank());
        assertEquals(4.5f, r.getOutputTensor().toFloatArray()[0]);
    }

    @Test
    void passthroughKeepsU8() throws IOException {
        InferRequest r = request("model_server/passthrough/model.xml");
        byte[] pixels = {0, 1, (byte) 127, (byte) 128, (byte) 255, 42};
        r.setInputTensor(OvTensor.ofU8(pixels, 2, 3));
        r.infer();
        OvTensor y = r.getOutputTensor();
        assertEquals(ElementType.U8, y.elementType());
        assertArrayEquals(pixels, y.toBytes());
        assertArrayEquals(new int[] {0, 1, 127, 128, 255, 42}, y.toIntArray());
    }

    @Test
    void noNameOutputAddsAndMultipliesI8WithWrapAround() throws IOException {
        InferRequest r = request("model_server/no_name_output/model.xml");
        assertEquals(List.of("input_1", "input_2"), r.compiledModel().inputs().stream().map(Port::anyName).toList());
        int[] a = {1, -2, 100, 127, -128, 5, 0, 60, -60, 11};
        int[] b = {2, 3, 100, 1, -1, -5, 0, 3, 3, 12};
        r.setInputTensor(0, OvTensor.of(ElementType.I8, Tensor.of(a, Shape.of(1, 10))));
        r.setInputTensor(1, OvTensor.of(ElementType.I8, Tensor.of(b, Shape.of(1, 10))));
        r.infer();
        // Result_5 (Multiply) and Result_6 (Add): outputs follow the XML order of the Result layers.
        List<Port> outputs = r.compiledModel().outputs();
        OvTensor product = r.getTensor("Result_5");
        OvTensor sum = r.getTensor("Result_6");
        assertEquals(2, outputs.size());
        int[] p = product.toIntArray();
        int[] s = sum.toIntArray();
        for (int i = 0; i < 10; i++) {
            assertEquals((byte) (a[i] * b[i]), p[i], "product " + i);
            assertEquals((byte) (a[i] + b[i]), s[i], "sum " + i);
        }
        assertEquals(ElementType.I8, sum.elementType());
    }

    @Test
    void incrementAndAddTwoInputs() throws IOException {
        InferRequest inc = request("model_server/increment_1x3x4x5/model.xml");
        Tensor x = Tensor.randomUniform(new SplittableRandom(5), -1, 1, 1, 3, 4, 5);
        inc.setInputTensor(x);
        inc.infer();
        assertArrayEquals(x.add(1.0).toFloatArray(), inc.getOutputTensor().toFloatArray());

        InferRequest add = request("model_server/add_two_inputs_model/model.xml");
        Tensor a = Tensor.randomUniform(new SplittableRandom(6), -1, 1, 1, 10);
        Tensor b = Tensor.randomUniform(new SplittableRandom(7), -1, 1, 1, 10);
        add.setTensors(Map.of("input1", OvTensor.of(a), "input2", OvTensor.of(b)));
        add.infer();
        float[] fa = a.toFloatArray();
        float[] fb = b.toFloatArray();
        float[] got = add.getOutputTensor().toFloatArray();
        for (int i = 0; i < 10; i++) {
            assertEquals(fa[i] + fb[i], got[i]);
        }
    }

    /** The LeNet-like testdata model, with generated weights, against a float64 loop over the same weights. */
    @Test
    void testdataLeNetMatchesAFloat64Reference(@TempDir Path tmp) throws IOException {
        Path xml = Fixtures.require("testdata/test_model_fp32.xml");
        byte[] weights = Fixtures.generatedWeights(337592, 7);
        ByteBuffer wb = ByteBuffer.wrap(weights).order(ByteOrder.LITTLE_ENDIAN);
        wb.putLong(130176, 1).putLong(130184, -1);
        Path bin = tmp.resolve("generated.bin");
        Files.write(bin, weights);
        Model model = core.readModel(xml, bin);
        CompiledModel compiled = core.compileModel(model, "CPU");
        InferRequest r = compiled.createInferRequest();
        Tensor x = Tensor.randomUniform(new SplittableRandom(11), -1, 1, 1, 3, 32, 32);
        r.setInputTensor(x);
        r.infer();
        float[] got = r.getOutputTensor().toFloatArray();
        double[] want = LeNetReference.run(x.toDoubleArray(), wb);
        assertEquals(10, got.length);
        for (int i = 0; i < 10; i++) {
            assertEquals(want[i], got[i], 1e-5, "class " + i);
        }
        // Its Reshape target is a constant: folded? No, it needs the data; but the plan is static, so it has a peak.
        assertTrue(compiled.summary().peakIntermediateBytes() > 0);
    }

    @Test
    void wrongInputsAreNamedWithBothShapesOrTypes() throws IOException {
        InferRequest r = request("dense_relu/model.xml");
        EngineException shape = assertThrows(EngineException.class,
                () -> r.setInputTensor(Tensor.of(new float[][] {{1, 2, 3, 4, 5}})));
        assertEquals("input 'x' f32[?,4] (index 0) expects shape [?,4], got (1, 5)", shape.getMessage());
        EngineException type = assertThrows(EngineException.class,
                () -> r.setInputTensor(Tensor.of(new int[][] {{1, 2, 3, 4}})));
        assertEquals("input 'x' f32[?,4] (index 0) expects element type f32, got i32 (convert it: tensor.cast(DType.FLOAT32))",
                type.getMessage());
        EngineException unset = assertThrows(EngineException.class, r::infer);
        assertTrue(unset.getMessage().contains("was not set"), unset.getMessage());
        EngineException name = assertThrows(EngineException.class, () -> r.setTensor("z", OvTensor.of(Tensor.of(1f))));
        assertTrue(name.getMessage().contains("no input named 'z'"), name.getMessage());
        EngineException noOutput = assertThrows(EngineException.class, r::getOutputTensor);
        assertTrue(noOutput.getMessage().contains("call infer() first"), noOutput.getMessage());
    }

    @Test
    void reshapeMakesTheBatchStatic() throws IOException {
        Model model = core.readModel(Fixtures.require("dense_relu/model.xml"));
        model.reshape(2, 4);
        assertEquals(PartialShape.of(2, 3), model.output().partialShape());
        InferRequest r = core.compileModel(model, "CPU").createInferRequest();
        EngineException e = assertThrows(EngineException.class, () -> r.setInputTensor(OvTensor.of(new float[4], 1, 4)));
        assertTrue(e.getMessage().contains("expects shape [2,4], got (1, 4)"), e.getMessage());
        EngineException bad = assertThrows(EngineException.class, () -> model.reshape(2, 5));
        assertTrue(bad.getMessage().contains("MatMul"), bad.getMessage());
    }
}
