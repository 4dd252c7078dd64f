package dev.adjoint.examples.openvino;

import dev.adjoint.openvino.engine.CompiledModel;
import dev.adjoint.openvino.engine.Core;
import dev.adjoint.openvino.engine.InferRequest;
import dev.adjoint.openvino.engine.Model;
import dev.adjoint.openvino.engine.OvTensor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * OpenVINO's hello_classification sample on Adjoint's engine: read a classification IR, feed it one image, print
 * the top-5 classes.
 *
 * <pre>
 * HelloClassification &lt;model.xml&gt; &lt;image&gt; [device] [labels.txt]
 * </pre>
 *
 * On an Open Model Zoo model, e.g. {@code alexnet} converted to IR (FP32 or FP16), with ImageNet's labels one per
 * line: {@code HelloClassification public/alexnet/FP32/alexnet.xml car.png CPU imagenet_labels.txt}.
 */
public final class HelloClassification {
    private HelloClassification() {
    }

    /** One class and its score. */
    public record Scored(int classId, float probability, String label) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 4) {
            System.err.println("Usage: HelloClassification <model.xml> <image> [device] [labels.txt]");
            System.exit(2);
        }
        run(Path.of(args[0]), Path.of(args[1]), args.length > 2 ? args[2] : "CPU",
                args.length > 3 ? Path.of(args[3]) : null, System.out);
    }

    /** Classifies {@code image} and prints the top 5 to {@code out}; returns them. */
    public static List<Scored> run(Path modelXml, Path image, String device, Path labels, PrintStream out)
            throws IOException {
        // 1. Read the model and check it is a classifier: one image input, one output of class scores.
        Core core = new Core();
        Model model = core.readModel(modelXml);
        if (model.inputs().size() != 1 || model.outputs().size() != 1) {
            throw new IllegalArgumentException("the sample supports models with one input and one output, "
                    + modelXml + " has " + model.inputs().size() + " and " + model.outputs().size());
        }
        // 2. Compile it for the device and make a request.
        try (CompiledModel compiled = core.compileModel(model, device)) {
            InferRequest request = compiled.createInferRequest();
            // 3. The image, resized to the input, BGR, NCHW.
            request.setInputTensor(ImageTensors.nchwBgr(ImageTensors.read(image), compiled.input()));
            // 4. Infer and rank the classes.
            request.infer();
            OvTensor scores = request.getOutputTensor();
            List<String> names = labels == null ? List.of() : Files.readAllLines(labels);
            List<Scored> top = topK(scores.toFloatArray(), 5, names);
            out.println("Top 5 results:");
            out.println();
            out.println("Image " + image);
            out.println();
            out.println("classid probability label");
            out.println("------- ----------- -----");
            for (Scored s : top) {
                out.printf(Locale.ROOT, "%-7d %-11.7f %s%n", s.classId(), s.probability(), s.label());
            }
            return top;
        }
    }

    static List<Scored> topK(float[] scores, int k, List<String> names) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
        List<Scored> out = new ArrayList<>();
        for (int i = 0; i < Math.min(k, order.length); i++) {
            int c = order[i];
            out.add(new Scored(c, scores[c], c < names.size() ? names.get(c) : ""));
        }
        return out;
    }
}
