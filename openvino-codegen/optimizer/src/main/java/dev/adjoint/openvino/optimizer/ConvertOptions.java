package dev.adjoint.openvino.optimizer;

import dev.adjoint.openvino.ir.PartialShape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@link ModelOptimizer#convert} does besides the standard passes: input shapes ({@code --input}), the legacy
 * preprocessing ({@code --mean_values}, {@code --scale_values}, {@code --reverse_input_channels}, {@code --layout}),
 * FP16 weight compression when saving ({@code --compress_to_fp16}, on by default as in {@code ovc}), and passes to
 * skip. Immutable; each {@code with...} returns a copy.
 *
 * <pre>{@code
 * ConvertOptions options = ConvertOptions.defaults()
 *         .withInputs("image[1,3,224,224]")
 *         .withMeanValues("image[123.675,116.28,103.53]")
 *         .withScaleValues("image[58.395,57.12,57.375]")
 *         .withReverseInputChannels(true);
 * }</pre>
 *
 * <p>Input names are a Parameter's friendly name or one of its tensor names; the empty name stands for the only
 * input ({@code "[1,3,224,224]"}).
 */
public record ConvertOptions(Map<String, PartialShape> inputShapes, Map<String, double[]> meanValues,
        Map<String, double[]> scaleValues, boolean reverseInputChannels, Map<String, Layout> layouts,
        boolean compressToFp16, Set<String> disabledPasses) {

    public ConvertOptions {
        inputShapes = unmodifiable(inputShapes);
        meanValues = unmodifiable(meanValues);
        scaleValues = unmodifiable(scaleValues);
        layouts = unmodifiable(layouts);
        disabledPasses = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(disabledPasses));
    }

    private static <V> Map<String, V> unmodifiable(Map<String, V> m) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /** No reshape, no preprocessing, every pass, FP16 compression on. */
    public static ConvertOptions defaults() {
        return new ConvertOptions(Map.of(), Map.of(), Map.of(), false, Map.of(), true, Set.of());
    }

    /** Input shapes as {@code ovc --input} spells them: {@code "x[1,3,224,224],y[?,10]"} or {@code "[1,4]"}. */
    public ConvertOptions withInputs(String spec) {
        Map<String, PartialShape> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : InputSpecs.parse(spec, "--input").entrySet()) {
            shapes.put(e.getKey(), InputSpecs.shape(e.getKey(), e.getValue()));
        }
        return withInputShapes(shapes);
    }

    public ConvertOptions withInputShapes(Map<String, PartialShape> shapes) {
        return new ConvertOptions(shapes, meanValues, scaleValues, reverseInputChannels, layouts, compressToFp16,
                disabledPasses);
    }

    /** Per-channel means to subtract: {@code "data[123.68,116.78,103.94]"}, or {@code "[0.5]"} for the only input. */
    public ConvertOptions withMeanValues(String spec) {
        return new ConvertOptions(inputShapes, InputSpecs.values(spec, "--mean_values"), scaleValues,
                reverseInputChannels, layouts, compressToFp16, disabledPasses);
    }

    /** Per-channel scales to divide by, spelled as {@link #withMeanValues}. */
    public ConvertOptions withScaleValues(String spec) {
        return new ConvertOptions(inputShapes, meanValues, InputSpecs.values(spec, "--scale_values"),
                reverseInputChannels, layouts, compressToFp16, disabledPasses);
    }

    public ConvertOptions withReverseInputChannels(boolean reverse) {
        return new ConvertOptions(inputShapes, meanValues, scaleValues, reverse, layouts, compressToFp16,
                disabledPasses);
    }

    /** Input layouts: {@code "data(NCHW)"}, {@code "data[n,c,h,w]"}, several comma-separated, or {@code "NHWC"}. */
    public ConvertOptions withLayout(String spec) {
        Map<String, Layout> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : InputSpecs.layouts(spec).entrySet()) {
            out.put(e.getKey(), Layout.parse(e.getValue()));
        }
        return new ConvertOptions(inputShapes, meanValues, scaleValues, reverseInputChannels, out, compressToFp16,
                disabledPasses);
    }

    public ConvertOptions withCompressToFp16(boolean compress) {
        return new ConvertOptions(inputShapes, meanValues, scaleValues, reverseInputChannels, layouts, compress,
                disabledPasses);
    }

    /** Skips the passes with these names (see {@link ModelOptimizer#PASS_NAMES}). */
    public ConvertOptions withoutPasses(String... names) {
        Set<String> off = new LinkedHashSet<>(disabledPasses);
        List<String> unknown = new ArrayList<>();
        for (String n : names) {
            if (!ModelOptimizer.PASS_NAMES.contains(n)) {
                unknown.add(n);
            }
            off.add(n);
        }
        if (!unknown.isEmpty()) {
            throw new OptimizerException("unknown pass " + unknown + "; passes: " + ModelOptimizer.PASS_NAMES);
        }
        return new ConvertOptions(inputShapes, meanValues, scaleValues, reverseInputChannels, layouts, compressToFp16,
                off);
    }

    /** Whether preprocessing nodes or layouts are asked for. */
    boolean hasPreprocessing() {
        return !meanValues.isEmpty() || !scaleValues.isEmpty() || reverseInputChannels || !layouts.isEmpty();
    }
}
