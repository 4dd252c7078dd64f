package dev.adjoint.openvino.optimizer;

import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.IrReader;
import dev.adjoint.openvino.ir.ModelFrontend;
import dev.adjoint.openvino.ir.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The model optimizer: reads a model (OpenVINO IR, or any format a {@link ModelFrontend} on the class path reads),
 * runs the pass pipeline, and writes optimized IR — what {@code adjoint-ov convert} does, as a Java API.
 *
 * <pre>{@code
 * IrModel model = ModelOptimizer.read(Path.of("resnet18.onnx"));
 * ModelOptimizer.Conversion c = ModelOptimizer.convert(model,
 *         ConvertOptions.defaults().withInputs("input[1,3,224,224]"));
 * c.save(Path.of("out/resnet18.xml"));          // f16 weights, as ovc writes them by default
 * System.out.println(c.summary());
 * }</pre>
 *
 * <p>The pipeline, in order (docs/model-optimizer.md says why in this order):
 * {@link InputReshape}, {@link Preprocessing}, {@link ShapeOfFolding}, {@link ConstantFolding},
 * {@link DeadNodeRemoval}, {@link GeluFusion}, {@link BatchNormFusion}, {@link ScaleShiftFusion},
 * {@link ConstantDeduplication}, {@link UnusedInputRemoval}. FP16 compression happens when saving.
 */
public final class ModelOptimizer {
    /** Every pass's name, in pipeline order. */
    public static final List<String> PASS_NAMES = List.of("input-reshape", "preprocessing", "shapeof-folding",
            "constant-folding", "dead-node-removal", "gelu-fusion", "batchnorm-fusion", "scale-shift-fusion",
            "constant-deduplication", "unused-input-removal");

    private ModelOptimizer() {
    }

    /** The passes {@code options} asks for, in order: the reshape and preprocessing only when given. */
    public static List<Pass> pipeline(ConvertOptions options) {
        List<Pass> all = new ArrayList<>();
        if (!options.inputShapes().isEmpty()) {
            all.add(new InputReshape(options.inputShapes()));
        }
        if (options.hasPreprocessing()) {
            all.add(new Preprocessing(options.layouts(), options.meanValues(), options.scaleValues(),
                    options.reverseInputChannels()));
        }
        all.add(new ShapeOfFolding());
        all.add(new ConstantFolding());
        all.add(new DeadNodeRemoval());
        all.add(new GeluFusion());
        all.add(new BatchNormFusion());
        all.add(new ScaleShiftFusion());
        all.add(new ConstantDeduplication());
        all.add(new UnusedInputRemoval());
        return all.stream().filter(p -> !options.disabledPasses().contains(p.name())).toList();
    }

    /** Runs the pipeline. */
    public static Conversion convert(IrModel model, ConvertOptions options) {
        return convert(model, options, stats -> {
        });
    }

    /**
     * Runs the pipeline, reporting each pass as it ends (for a progress bar).
     *
     * @throws OptimizerException when an option does not fit the model (unknown input, rank, layout...)
     */
    public static Conversion convert(IrModel model, ConvertOptions options, Consumer<PassStats> progress) {
        long start = System.nanoTime();
        long weightsBefore = weightBytes(model);
        List<PassStats> stats = new ArrayList<>();
        IrModel current = model;
        for (Pass p : pipeline(options)) {
            long t0 = System.nanoTime();
            int opsBefore = ops(current);
            int constantsBefore = constants(current);
            Pass.Result r = p.apply(current);
            current = r.model();
            PassStats s = new PassStats(p.name(), r.changes(), opsBefore, ops(current), constantsBefore,
                    constants(current), System.nanoTime() - t0);
            stats.add(s);
            progress.accept(s);
        }
        Summary summary = new Summary(List.copyOf(stats), model.parameters().size(), current.parameters().size(),
                weightsBefore, weightBytes(current), System.nanoTime() - start);
        return new Conversion(current, options, summary);
    }

    /**
     * Reads a model: an OpenVINO IR ({@code .xml}, with its {@code .bin} beside it) with the IR reader, any other
     * file with the first {@link ModelFrontend} on the class path that accepts it.
     *
     * @throws OptimizerException naming the file and the formats available when no reader accepts it
     */
    public static IrModel read(Path input) throws IOException {
        if (!Files.exists(input)) {
            throw new NoSuchFileException(input.toString());
        }
        if (input.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".xml")) {
            return new IrReader(IrReader.Options.defaults().withLogWarnings(false)).readFile(input, null).model();
        }
        var frontend = ModelFrontend.forFile(input);
        if (frontend.isEmpty()) {
            throw new OptimizerException("cannot read '" + input + "': no reader for this format; formats available: "
                    + formats());
        }
        return frontend.get().read(input);
    }

    /** {@code OpenVINO IR (.xml)} and the name of every frontend on the class path. */
    public static List<String> formats() {
        List<String> out = new ArrayList<>();
        out.add("OpenVINO IR (.xml)");
        for (ModelFrontend f : ModelFrontend.available()) {
            out.add(f.name());
        }
        return out;
    }

    /** Ops in the model: every node but Parameters, Constants and Results. */
    public static int ops(IrModel m) {
        int n = 0;
        for (Node node : m.nodes()) {
            if (!node.is("Parameter") && !node.is("Constant") && !node.is("Result")) {
                n++;
            }
        }
        return n;
    }

    static int constants(IrModel m) {
        return (int) m.nodes().stream().filter(n -> n.is("Constant")).count();
    }

    /** The bytes of every Constant's data. */
    public static long weightBytes(IrModel m) {
        long b = 0;
        for (Node n : m.nodes()) {
            if (n.is("Constant")) {
                b += n.data().map(d -> (long) d.remaining()).orElse(0L);
            }
        }
        return b;
    }

    /**
     * What one pass did.
     *
     * @param changes the pass's own count (see each pass)
     * @param nanos the time it took
     */
    public record PassStats(String name, int changes, int opsBefore, int opsAfter, int constantsBefore,
            int constantsAfter, long nanos) {
    }

    /** What the whole pipeline did. */
    public record Summary(List<PassStats> passes, int inputsBefore, int inputsAfter, long weightBytesBefore,
            long weightBytesAfter, long nanos) {

        /** The table {@code convert} prints. */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "%-24s %8s %13s %15s %10s%n", "pass", "changes", "ops",
                    "constants", "time"));
            for (PassStats p : passes) {
                sb.append(String.format(Locale.ROOT, "%-24s %8d %6d -> %-5d %7d -> %-6d %7.1f ms%n", p.name(),
                        p.changes(), p.opsBefore(), p.opsAfter(), p.constantsBefore(), p.constantsAfter(),
                        p.nanos() / 1e6));
            }
            sb.append(String.format(Locale.ROOT, "weights: %,d -> %,d bytes; inputs: %d -> %d; total %.1f ms%n",
                    weightBytesBefore, weightBytesAfter, inputsBefore, inputsAfter, nanos / 1e6));
            return sb.toString();
        }
    }

    /** An optimized model, ready to save. */
    public record Conversion(IrModel model, ConvertOptions options, Summary summary) {

        /**
         * Writes {@code xml} and the {@code .bin} beside it (creating the directory), with f16 weights when
         * {@link ConvertOptions#compressToFp16()}; returns the {@code .bin}'s size.
         */
        public long save(Path xml) throws IOException {
            Path parent = xml.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            dev.adjoint.openvino.ir.IrWriter.write(model, xml,
                    new dev.adjoint.openvino.ir.IrWriter.Options(options.compressToFp16()));
            String file = xml.getFileName().toString();
            int dot = file.lastIndexOf('.');
            return Files.size(xml.resolveSibling((dot > 0 ? file.substring(0, dot) : file) + ".bin"));
        }
    }

}
