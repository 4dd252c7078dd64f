package dev.adjoint.openvino.cli;

import dev.adjoint.openvino.engine.CompiledModel;
import dev.adjoint.openvino.engine.Core;
import dev.adjoint.openvino.engine.InferRequest;
import dev.adjoint.openvino.engine.Model;
import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.openvino.engine.Port;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code adjoint-ov infer}: inputs from {@code .npy} files or images, outputs to {@code .npy} or printed top-k. */
@Command(name = "infer", description = "Run a model once. Inputs are .npy files or images (PNG, JPEG, BMP, GIF);"
        + " outputs are printed (top-k for classifiers) and, with -o, written as .npy files.")
final class InferCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = {"-i", "--input"}, required = true, paramLabel = "[NAME=]FILE",
            description = "An input: FILE.npy or an image; NAME= picks the input (default: the inputs in order).")
    List<String> inputs;

    @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR", description = "Write each output as DIR/<name>.npy.")
    Path outputDir;

    @Option(names = {"-k", "--top-k"}, defaultValue = "5", description = "Classes to print per output (default: 5;"
            + " 0 prints values instead).")
    int topK;

    @Option(names = "--labels", paramLabel = "FILE", description = "Class names, one per line.")
    Path labels;

    @Option(names = {"-d", "--device"}, defaultValue = "CPU", description = "Device (default: CPU).")
    String device;

    @Option(names = "--rgb", description = "Feed images as RGB (default BGR, as Open Model Zoo IRs expect).")
    boolean rgb;

    @Option(names = "--layout", paramLabel = "NCHW|NHWC", description = "Image input layout (default: from the shape).")
    String layout;

    @Option(names = "--mean", split = ",", paramLabel = "V", description = "Per-channel values subtracted from images.")
    float[] mean;

    @Option(names = "--scale", split = ",", paramLabel = "V", description = "Per-channel divisors applied after --mean.")
    float[] scale;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Core core = new Core();
        Model m = model.read(core);
        try (CompiledModel compiled = core.compileModel(m, device)) {
            InferRequest request = compiled.createInferRequest();
            List<Port> ports = compiled.inputs();
            if (inputs.size() > ports.size()) {
                throw new ParameterException(spec.commandLine(), inputs.size() + " inputs given, the model has "
                        + ports.size() + ": " + ports);
            }
            for (int i = 0; i < inputs.size(); i++) {
                String spec = inputs.get(i);
                int eq = spec.indexOf('=');
                Port port = eq > 0 ? compiled.input(spec.substring(0, eq)) : ports.get(i);
                Path file = Path.of(eq > 0 ? spec.substring(eq + 1) : spec);
                OvTensor value = load(file, port);
                request.setInputTensor(port.index(), value);
                out.printf("Input  %-20s %s%s <- %s%n", port.anyName(), value.elementType(), value.shape(), file);
            }
            long start = System.nanoTime();
            request.infer();
            double ms = (System.nanoTime() - start) / 1e6;
            List<String> names = labels == null ? List.of() : Files.readAllLines(labels);
            for (Port p : compiled.outputs()) {
                OvTensor y = request.getOutputTensor(p.index());
                out.printf("Output %-20s %s%s%n", p.anyName(), y.elementType(), y.shape());
                if (outputDir != null) {
                    Files.createDirectories(outputDir);
                    Path file = outputDir.resolve(fileName(p.anyName()) + ".npy");
                    Npy.write(y, file);
                    out.println("  written to " + file);
                }
                if (topK > 0 && isClassifier(y)) {
                    printTopK(out, y, names);
                } else {
                    printValues(out, y);
                }
            }
            out.printf(Locale.ROOT, "Inference took %.2f ms%n", ms);
        }
        return 0;
    }

    private OvTensor load(Path file, Port port) throws IOException {
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
            return Npy.read(file);
        }
        return Images.toInput(Images.read(file), port, new Images.Preprocess(rgb, layout, mean, scale));
    }

    static String fileName(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** A [N] or [1, N] floating output with more than one value: class scores. */
    static boolean isClassifier(OvTensor y) {
        int[] d = y.dims();
        boolean vector = d.length == 1 || (d.length == 2 && d[0] == 1)
                || (d.length == 4 && d[0] == 1 && d[2] == 1 && d[3] == 1);
        return vector && y.size() > 1 && y.elementType().isReal();
    }

    void printTopK(PrintWriter out, OvTensor y, List<String> names) {
        float[] v = y.toFloatArray();
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(v[b], v[a]));
        int k = Math.min(topK, v.length);
        out.printf("  Top %d results:%n  class id  probability  label%n  --------  -----------  -----%n", k);
        for (int i = 0; i < k; i++) {
            int c = order[i];
            out.printf(Locale.ROOT, "  %8d  %11.7f  %s%n", c, v[c], c < names.size() ? names.get(c) : "");
        }
    }

    static void printValues(PrintWriter out, OvTensor y) {
        double[] v = y.toDoubleArray();
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < Math.min(10, v.length); i++) {
            shown.add(String.format(Locale.ROOT, "%.6g", v[i]));
        }
        out.println("  [" + String.join(", ", shown) + (v.length > 10 ? ", ... (" + v.length + " values)" : "") + "]");
    }
}
