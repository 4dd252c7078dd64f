package dev.adjoint.openvino.cli;

import dev.adjoint.openvino.export.InputSpec;
import dev.adjoint.openvino.export.ModelClassExport;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.PartialShape;
import dev.adjoint.openvino.optimizer.ConvertOptions;
import dev.adjoint.openvino.optimizer.ModelOptimizer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code adjoint-ov convert}, after OpenVINO's {@code ovc}: reads a model (OpenVINO IR, or a format a frontend on
 * the class path reads, such as ONNX), runs the model optimizer's passes and writes IR, with f16 weights by default.
 * Also takes the legacy {@code mo} preprocessing options, baked into the IR.
 */
@Command(name = "convert", description = "Convert a model to optimized OpenVINO IR (as ovc): reshape inputs, bake in"
        + " preprocessing, fold constants and ShapeOf subgraphs, fuse BatchNorm and scale/shift into convolutions,"
        + " remove no-ops, duplicate constants and unused inputs, compress weights to FP16.")
final class ConvertCommand implements Callable<Integer> {
    /** Models with more nodes than this (or more weight bytes than {@link #LARGE_WEIGHTS}) get a progress bar. */
    static final int LARGE_NODES = 2000;
    static final long LARGE_WEIGHTS = 64L << 20;

    @Parameters(index = "0", paramLabel = "INPUT_MODEL", description = "The model: an IR .xml (its .bin beside it),"
            + " a file a frontend on the class path reads (e.g. .onnx), or with --checkpoint a model class name.")
    Path input;

    @Option(names = "--output_model", paramLabel = "DIR/NAME", description = "Where to write: NAME.xml and NAME.bin"
            + " (a directory, or a path ending in /, takes the input's name). Default: the input's name in the"
            + " current directory.")
    String outputModel;

    @Option(names = "--input", paramLabel = "SPEC", description = "Input shapes, e.g. \"x[1,3,224,224]\" or"
            + " \"a[1,10],b[?,10]\" (? or -1 dynamic, 1..8 a range); \"[1,3,224,224]\" for the only input.")
    String inputs;

    @Option(names = "--compress_to_fp16", arity = "0..1", fallbackValue = "true", defaultValue = "true",
            paramLabel = "BOOL", description = "Store float weights as f16 (default: true, as ovc).")
    boolean compressToFp16;

    @Option(names = "--mean_values", paramLabel = "SPEC", description = "Per-channel values to subtract from an input,"
            + " e.g. \"data[123.68,116.78,103.94]\" (a Subtract after the input).")
    String meanValues;

    @Option(names = "--scale_values", paramLabel = "SPEC", description = "Per-channel values to divide an input by,"
            + " after the mean, e.g. \"data[58.4,57.1,57.4]\" (a Divide after the input).")
    String scaleValues;

    @Option(names = "--reverse_input_channels", description = "Reverse the channel order (RGB<->BGR) of inputs with 3"
            + " channels, before mean and scale (a Gather after the input).")
    boolean reverseInputChannels;

    @Option(names = "--layout", paramLabel = "SPEC", description = "Input layouts, e.g. \"data(NCHW)\" or \"NHWC\";"
            + " tells mean, scale and channel reversal which axis holds the channels.")
    String layout;

    @Option(names = "--skip_pass", paramLabel = "NAME", description = "Skip an optimization pass (repeatable): "
            + "shapeof-folding, constant-folding, dead-node-removal, gelu-fusion, batchnorm-fusion, scale-shift-fusion,"
            + " constant-deduplication, unused-input-removal.")
    List<String> skipPasses = new ArrayList<>();

    @Option(names = "--no-progress", description = "No progress bar, even for a large model.")
    boolean noProgress;

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "Export a compiled Adjoint model class:"
            + " INPUT_MODEL is then its class name, and FILE the .npz checkpoint its variables are restored from."
            + " --input gives the shape of each model input in the method's parameter order.")
    Path checkpoint;

    @Option(names = "--classpath", paramLabel = "PATHS", description = "Where the model class and its generated"
            + " emitter are (directories and jars, separated by the platform's path separator, ':' or"
            + " ';'), with --checkpoint.")
    String classpath;

    @Option(names = "--method", paramLabel = "NAME", description = "Which @Export method of the class to export,"
            + " with --checkpoint (default: its only one).")
    String method;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ConvertOptions options = options();
        Path xml = outputPath();
        long t0 = System.nanoTime();
        IrModel model = checkpoint != null ? exportModelClass(options) : ModelOptimizer.read(input);
        out.printf(Locale.ROOT, "Read:    %s: %d ops, %d inputs, %,d weight bytes (%.1f ms)%n", input,
                ModelOptimizer.ops(model), model.parameters().size(), ModelOptimizer.weightBytes(model),
                (System.nanoTime() - t0) / 1e6);
        ProgressBar bar = !noProgress && large(model) ? progressBar(ModelOptimizer.pipeline(options).size()) : null;
        ModelOptimizer.Conversion c;
        try {
            c = ModelOptimizer.convert(model, options, stats -> {
                if (bar != null) {
                    bar.setExtraMessage(stats.name());
                    bar.step();
                }
            });
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
        out.print(c.summary());
        long binBytes = c.save(xml);
        out.printf(Locale.ROOT, "Saved:   %s (%,d bytes) and its .bin (%,d bytes%s)%n", xml, Files.size(xml), binBytes,
                options.compressToFp16() ? ", float weights in f16" : "");
        return 0;
    }

    ConvertOptions options() {
        ConvertOptions o = ConvertOptions.defaults().withCompressToFp16(compressToFp16)
                .withReverseInputChannels(reverseInputChannels);
        if (inputs != null) {
            o = o.withInputs(inputs);
        }
        if (meanValues != null) {
            o = o.withMeanValues(meanValues);
        }
        if (scaleValues != null) {
            o = o.withScaleValues(scaleValues);
        }
        if (layout != null) {
            o = o.withLayout(layout);
        }
        if (!skipPasses.isEmpty()) {
            o = o.withoutPasses(skipPasses.toArray(String[]::new));
        }
        return o;
    }

    /**
     * The IR of a compiled model class's {@code @Export} method with a checkpoint's weights, built by its generated
     * emitter ({@link ModelClassExport}); the same passes then run as for a converted file.
     */
    private IrModel exportModelClass(ConvertOptions options) throws IOException {
        if (options.inputShapes().isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--checkpoint needs --input with the shape of each"
                    + " model input, e.g. --input \"x[-1,64]\"");
        }
        List<InputSpec> specs = new ArrayList<>();
        for (PartialShape shape : options.inputShapes().values()) {
            if (shape.isRankDynamic()) {
                throw new ParameterException(spec.commandLine(), "--input: a model class input needs a rank");
            }
            specs.add(InputSpec.f32(shape.dims().stream().mapToInt(d -> d.isStatic() ? (int) d.length() : -1)
                    .toArray()));
        }
        List<URL> urls = new ArrayList<>();
        if (classpath != null) {
            for (String entry : classpath.split(java.io.File.pathSeparator)) {
                if (!entry.isBlank()) {
                    urls.add(Path.of(entry).toUri().toURL());
                }
            }
        }
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), getClass().getClassLoader())) {
            return ModelClassExport.export(loader, input.toString(), method, checkpoint, specs).model();
        }
    }

    /** {@code --output_model}: {@code DIR/NAME[.xml]}, or a directory for the input's own name. */
    Path outputPath() {
        String stem = input.getFileName().toString();
        int dot = stem.lastIndexOf('.');
        // A model class's name is its simple name; a file's, its name without the extension.
        stem = checkpoint != null ? stem.substring(dot + 1) : dot > 0 ? stem.substring(0, dot) : stem;
        if (outputModel == null) {
            return Path.of(stem + ".xml");
        }
        Path p = Path.of(outputModel);
        if (outputModel.endsWith("/") || outputModel.endsWith(java.io.File.separator) || Files.isDirectory(p)) {
            return p.resolve(stem + ".xml");
        }
        String name = p.getFileName().toString();
        return name.toLowerCase(Locale.ROOT).endsWith(".xml") ? p : p.resolveSibling(name + ".xml");
    }

    private static boolean large(IrModel m) {
        return m.nodes().size() > LARGE_NODES || ModelOptimizer.weightBytes(m) > LARGE_WEIGHTS;
    }

    private static ProgressBar progressBar(int passes) {
        PrintStream err = System.err;
        return new ProgressBarBuilder().setTaskName("Optimizing").setStyle(ProgressBarStyle.ASCII)
                .setInitialMax(passes).setUnit(" passes", 1).setUpdateIntervalMillis(100)
                .setConsumer(new ConsoleProgressBarConsumer(err)).build();
    }
}
