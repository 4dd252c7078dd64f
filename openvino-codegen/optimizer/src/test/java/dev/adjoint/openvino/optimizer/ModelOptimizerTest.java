package dev.adjoint.openvino.optimizer;

import static dev.adjoint.openvino.optimizer.Support.count;
import static dev.adjoint.openvino.optimizer.Support.floats;
import static dev.adjoint.openvino.optimizer.Support.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.IrReader;
import dev.adjoint.openvino.ir.IrWriter;
import dev.adjoint.openvino.ir.PartialShape;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline, its summary, saving (f32 and f16) and reading inputs. */
class ModelOptimizerTest {

    @Test
    void pipelineOnASmallClassifier(@TempDir Path tmp) throws Exception {
        IrModel m = FusionModels.convNet(PartialShape.parse("?,3,8,8"));
        List<ModelOptimizer.PassStats> progress = new ArrayList<>();
        ModelOptimizer.Conversion c = ModelOptimizer.convert(m,
                ConvertOptions.defaults().withInputs("x[2,3,8,8]").withCompressToFp16(false), progress::add);
        IrModel out = c.model();
        assertEquals(List.of("Convolution", "Add", "Relu", "Reshape", "MatMul", "Add"), FusionPassesTest.opTypes(out));
        assertEquals(ModelOptimizer.PASS_NAMES.stream().filter(n -> !n.equals("preprocessing")).toList(), progress.stream().map(ModelOptimizer.PassStats::name).toList());
        assertEquals(progress, c.summary().passes());
        ModelOptimizer.PassStats shapeOf = progress.get(1);
        assertEquals("shapeof-folding", shapeOf.name());
        assertEquals(1, shapeOf.changes());
        assertEquals(2, progress.get(2).changes(), "Gather and Concat folded");
        assertEquals(0, progress.get(4).changes(), "no GELU");
        assertEquals(1, progress.get(5).changes(), "one BatchNorm");
        assertEquals(2, progress.get(6).changes(), "its Multiply and Add");
        assertEquals(10, progress.get(0).opsBefore());
        assertEquals(6, progress.get(progress.size() - 1).opsAfter());
        String table = c.summary().toString();
        assertTrue(table.contains("batchnorm-fusion"), table);
        assertTrue(table.contains("weights:"), table);
        assertEquals(List.of("logits"), List.copyOf(out.results().get(0).input(0).names()));

        OvTensor in = OvTensor.of(floats(71, 384), 2, 3, 8, 8);
        List<OvTensor> want = run(m, List.of(in));
        Support.assertClose(want, run(out, List.of(in)), 1e-5, 1e-6);

        Path f32 = tmp.resolve("f32/model.xml");
        long f32Bytes = c.save(f32);
        ModelOptimizer.Conversion half = ModelOptimizer.convert(m, ConvertOptions.defaults());
        Path f16 = tmp.resolve("f16/model.xml");
        long f16Bytes = half.save(f16);
        assertTrue(f16Bytes < 0.6 * f32Bytes, f16Bytes + " vs " + f32Bytes);
        IrModel back32 = IrReader.read(f32).model();
        Support.assertClose(want, run(back32, List.of(in)), 1e-5, 1e-6);
        IrModel back16 = IrReader.read(f16).model();
        assertTrue(back16.nodes().stream().anyMatch(n -> n.is("Convert") && n.rtInfo().containsKey("decompression")));
        assertTrue(back16.nodes().stream().anyMatch(n -> n.is("Constant")
                && n.outputs().get(0).type() == ElementType.F16));
        // f16 weights: about 3 decimal digits per weight.
        Support.assertClose(want, run(back16, List.of(in)), 1e-2, 1e-2);
        assertEquals(ModelOptimizer.weightBytes(out), c.summary().weightBytesAfter());
    }

    /** The f16 IR goes through the pipeline again without losing its compression or its values. */
    @Test
    void reoptimizingAnF16Ir(@TempDir Path tmp) throws Exception {
        IrModel m = FusionModels.convNet(PartialShape.of(1, 3, 8, 8));
        Path xml = tmp.resolve("m.xml");
        IrWriter.write(m, xml, IrWriter.Options.fp16());
        IrModel f16 = ModelOptimizer.read(xml);
        ModelOptimizer.Conversion c = ModelOptimizer.convert(f16, ConvertOptions.defaults());
        OvTensor in = OvTensor.of(floats(72, 192), 1, 3, 8, 8);
        Support.assertClose(run(f16, List.of(in)), run(c.model(), List.of(in)), 1e-5, 1e-6);
        assertEquals(0, count(c.model(), "BatchNormInference"), "fused through the decompression Convert");
    }

    @Test
    void readingUnknownAndMissingFiles(@TempDir Path tmp) throws Exception {
        Path weird = tmp.resolve("model.pb");
        Files.writeString(weird, "not a model");
        OptimizerException e = assertThrows(OptimizerException.class, () -> ModelOptimizer.read(weird));
        assertTrue(e.getMessage().startsWith("cannot read '" + weird + "': no reader for this format; formats"
                + " available: [OpenVINO IR (.xml)"), e.getMessage());
        assertThrows(NoSuchFileException.class, () -> ModelOptimizer.read(tmp.resolve("absent.onnx")));
        assertTrue(assertThrows(OptimizerException.class, () -> ConvertOptions.defaults().withoutPasses("folding"))
                .getMessage().startsWith("unknown pass [folding]; passes: [input-reshape"));
    }
}
