package dev.adjoint.examples.openvino;

import dev.adjoint.openvino.engine.CompiledModel;
import dev.adjoint.openvino.engine.Core;
import dev.adjoint.openvino.engine.InferRequest;
import dev.adjoint.openvino.engine.Model;
import dev.adjoint.openvino.engine.OvTensor;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * OpenVINO's object-detection sample for SSD-style models on Adjoint's engine: run a detector whose output is
 * DetectionOutput's {@code [1, 1, N, 7]} rows {@code [image, label, confidence, xmin, ymin, xmax, ymax]}
 * (coordinates relative to the image), print the detections above a threshold and draw them into a PNG.
 *
 * <pre>
 * ObjectDetection &lt;model.xml&gt; &lt;image&gt; &lt;output.png&gt; [device] [threshold]
 * </pre>
 *
 * On an Open Model Zoo detector, e.g. {@code person-detection-retail-0013} or {@code ssd_mobilenet_v1_coco} as IR:
 * {@code ObjectDetection intel/person-detection-retail-0013/FP32/person-detection-retail-0013.xml street.jpg
 * out.png CPU 0.5}.
 */
public final class ObjectDetection {
    private ObjectDetection() {
    }

    /** One detection, in pixels of the original image. */
    public record Detection(int label, float confidence, int xmin, int ymin, int xmax, int ymax) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3 || args.length > 5) {
            System.err.println("Usage: ObjectDetection <model.xml> <image> <output.png> [device] [threshold]");
            System.exit(2);
        }
        run(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), args.length > 3 ? args[3] : "CPU",
                args.length > 4 ? Float.parseFloat(args[4]) : 0.5f, System.out);
    }

    public static List<Detection> run(Path modelXml, Path imageFile, Path outputPng, String device, float threshold,
            PrintStream out) throws IOException {
        Core core = new Core();
        Model model = core.readModel(modelXml);
        if (model.inputs().size() != 1) {
            throw new IllegalArgumentException("the sample supports detectors with one image input, " + modelXml
                    + " has " + model.inputs().size() + " inputs");
        }
        BufferedImage image = ImageTensors.read(imageFile);
        List<Detection> detections = new ArrayList<>();
        try (CompiledModel compiled = core.compileModel(model, device)) {
            InferRequest request = compiled.createInferRequest();
            request.setInputTensor(ImageTensors.nchwBgr(image, compiled.input()));
            request.infer();
            OvTensor rows = request.getOutputTensor();
            int[] dims = rows.dims();
            if (dims.length != 4 || dims[3] != 7) {
                throw new IllegalArgumentException("the sample expects a DetectionOutput result [1, 1, N, 7], got "
                        + rows.shape());
            }
            float[] v = rows.toFloatArray();
            int w = image.getWidth();
            int h = image.getHeight();
            for (int i = 0; i < dims[2]; i++) {
                float imageId = v[7 * i];
                if (imageId < 0) {
                    break;
                }
                float confidence = v[7 * i + 2];
                if (confidence < threshold) {
                    continue;
                }
                detections.add(new Detection((int) v[7 * i + 1], confidence, clamp(v[7 * i + 3] * w, w),
                        clamp(v[7 * i + 4] * h, h), clamp(v[7 * i + 5] * w, w), clamp(v[7 * i + 6] * h, h)));
            }
        }
        BufferedImage canvas = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        g.drawImage(image, 0, 0, null);
        g.setStroke(new BasicStroke(2));
        for (Detection d : detections) {
            g.setColor(Color.RED);
            g.drawRect(d.xmin(), d.ymin(), Math.max(1, d.xmax() - d.xmin()), Math.max(1, d.ymax() - d.ymin()));
            g.drawString(d.label() + String.format(Locale.ROOT, " %.2f", d.confidence()), d.xmin() + 3,
                    Math.max(10, d.ymin() - 3));
            out.printf(Locale.ROOT, "[%d] label %d, confidence %.3f, box (%d, %d)-(%d, %d)%n", detections.indexOf(d),
                    d.label(), d.confidence(), d.xmin(), d.ymin(), d.xmax(), d.ymax());
        }
        g.dispose();
        ImageIO.write(canvas, "png", outputPng.toFile());
        out.println(detections.size() + " detection(s) above " + threshold + "; image written to " + outputPng);
        return detections;
    }

    private static int clamp(float v, int limit) {
        return Math.max(0, Math.min(limit - 1, Math.round(v)));
    }
}
