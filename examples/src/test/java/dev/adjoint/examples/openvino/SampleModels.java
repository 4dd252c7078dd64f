package dev.adjoint.examples.openvino;

import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.GraphBuilder;
import dev.adjoint.openvino.ir.IrWriter;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.PartialShape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Small IR models with constructed weights, written as IR v11 the way a real one would come: no pretrained model
 * ships with the project, so the samples are tested on networks whose answers are known by construction.
 */
final class SampleModels {
    private SampleModels() {
    }

    private static List<Long> l(long... v) {
        return java.util.Arrays.stream(v).boxed().toList();
    }

    /**
     * A classifier of [1, 3, 16, 16] BGR images into 4 classes: 0 blue, 1 green, 2 red (the dominant channel), 3
     * dark. Convolution (3x3 per-channel average) + bias, Relu, global AvgPool, Reshape, MatMul + bias, Softmax.
     */
    static Path colourClassifier(Path dir) throws IOException {
        GraphBuilder g = new GraphBuilder("colour-classifier");
        Node x = g.parameter("data", ElementType.F32, PartialShape.of(1, 3, 16, 16));
        g.setTensorNames(x.output(0), List.of("data"));
        float[] w = new float[3 * 3 * 9];
        for (int c = 0; c < 3; c++) {
            for (int k = 0; k < 9; k++) {
                w[(c * 3 + c) * 9 + k] = 1f / (9 * 255);
            }
        }
        Node conv = g.op("Convolution", 1, "conv", Attributes.of("strides", l(1, 1), "dilations", l(1, 1),
                "pads_begin", l(1, 1), "pads_end", l(1, 1)), x.output(0),
                g.constant("conv/W", new long[] {3, 3, 3, 3}, w).output(0));
        Node bias = g.op("Add", 1, "conv/bias", Attributes.empty(), conv.output(0),
                g.constant("conv/b", new long[] {1, 3, 1, 1}, 0, 0, 0).output(0));
        Node relu = g.op("Relu", 0, "relu", Attributes.empty(), bias.output(0));
        Node pool = g.op("AvgPool", 1, "pool", Attributes.of("kernel", l(16, 16), "strides", l(1, 1), "pads_begin",
                l(0, 0), "pads_end", l(0, 0), "exclude-pad", true), relu.output(0));
        Node flat = g.op("Reshape", 1, "flatten", Attributes.of("special_zero", true), pool.output(0),
                g.constantI64("flatten/shape", new long[] {2}, 0, -1).output(0));
        // Channel means in [0, 1] -> logits: 8 * channel for classes 0..2, and 6 - 8 * (sum) for "dark".
        float[] fc = {8, 0, 0, -8, 0, 8, 0, -8, 0, 0, 8, -8};
        Node logits = g.op("MatMul", 0, "fc", Attributes.empty(), flat.output(0),
                g.constant("fc/W", new long[] {3, 4}, fc).output(0));
        Node fcBias = g.op("Add", 1, "fc/bias", Attributes.empty(), logits.output(0),
                g.constant("fc/b", new long[] {1, 4}, 0, 0, 0, 3).output(0));
        Node prob = g.op("Softmax", 8, "prob", Attributes.of("axis", 1L), fcBias.output(0));
        g.setTensorNames(prob.output(0), List.of("prob"));
        g.result("prob", prob.output(0));
        Path xml = dir.resolve("colour-classifier.xml");
        IrWriter.write(g.build(), xml, IrWriter.Options.fp16());
        return xml;
    }

    /**
     * An SSD-style detector of bright squares in a [1, 3, 32, 32] image: a 2 x 2 grid of 16-pixel priors
     * (PriorBoxClustered); each cell's brightness (AvgPool) gives background/object logits (1x1 Convolution),
     * softmax per prior; box offsets are zero; DetectionOutput-8 keeps the confident cells.
     */
    static Path brightSquareDetector(Path dir) throws IOException {
        GraphBuilder g = new GraphBuilder("bright-square-detector");
        Node x = g.parameter("image", ElementType.F32, PartialShape.of(1, 3, 32, 32));
        Node cells = g.op("AvgPool", 1, "cells", Attributes.of("kernel", l(16, 16), "strides", l(16, 16),
                "pads_begin", l(0, 0), "pads_end", l(0, 0)), x.output(0));
        float s = 1f / 50;
        Node logits = g.op("Convolution", 1, "head", Attributes.of("strides", l(1, 1), "dilations", l(1, 1),
                "pads_begin", l(0, 0), "pads_end", l(0, 0)), cells.output(0),
                g.constant("head/W", new long[] {2, 3, 1, 1}, -s, -s, -s, s, s, s).output(0));
        Node biased = g.op("Add", 1, "head/bias", Attributes.empty(), logits.output(0),
                g.constant("head/b", new long[] {1, 2, 1, 1}, 382 * s, -382 * s).output(0));
        Node nhwc = g.op("Transpose", 1, "head/nhwc", Attributes.empty(), biased.output(0),
                g.constantI64("order", new long[] {4}, 0, 2, 3, 1).output(0));
        Node perPrior = g.op("Reshape", 1, "head/priors", Attributes.of("special_zero", false), nhwc.output(0),
                g.constantI64("shape", new long[] {3}, 1, 4, 2).output(0));
        Node softmax = g.op("Softmax", 8, "head/softmax", Attributes.of("axis", -1L), perPrior.output(0));
        Node conf = g.op("Reshape", 1, "conf", Attributes.of("special_zero", false), softmax.output(0),
                g.constantI64("conf/shape", new long[] {2}, 1, 8).output(0));
        Node loc = g.constant("loc", new long[] {1, 16}, new float[16]);
        Node priors = g.op("PriorBoxClustered", 0, "priors", Attributes.of("width", List.of(16.0), "height",
                List.of(16.0), "offset", 0.5, "clip", false, "variance", List.of(0.1)),
                g.constantI64("grid", new long[] {2}, 2, 2).output(0),
                g.constantI64("image_size", new long[] {2}, 32, 32).output(0));
        Node batched = g.op("Unsqueeze", 0, "priors/batch", Attributes.empty(), priors.output(0),
                g.constantI64("axis", new long[] {1}, 0).output(0));
        Node det = g.op("DetectionOutput", 8, "detection_out", Attributes.of("background_label_id", 0L,
                "keep_top_k", List.of(4L), "nms_threshold", 0.45, "confidence_threshold", 0.01, "normalized", true,
                "variance_encoded_in_target", true), loc.output(0), conf.output(0), batched.output(0));
        g.result("detection_out", det.output(0));
        Path xml = dir.resolve("bright-square-detector.xml");
        IrWriter.write(g.build(), xml, IrWriter.Options.defaults());
        return xml;
    }
}
