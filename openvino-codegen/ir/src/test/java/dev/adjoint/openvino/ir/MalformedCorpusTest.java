package dev.adjoint.openvino.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One malformed IR per rule in {@code src/test/resources/malformed}, each refused with exactly one
 * {@link IrFormatException} whose message names the file, the layer and the rule. {@code {file}} stands for the
 * file's path.
 */
class MalformedCorpusTest {
    private static final IrReader READER = new IrReader(IrReader.Options.defaults().withLogWarnings(false));

    private static final String X = "layer 0 (name=\"x\", type=Parameter, version=opset1)";
    private static final String RELU = "layer 1 (name=\"relu\", type=ReLU, version=opset1)";
    private static final String ADD = "layer 1 (name=\"add\", type=Add, version=opset1)";
    private static final String OUT = "layer 2 (name=\"out\", type=Result, version=opset1)";
    private static final String C = "layer 3 (name=\"c\", type=Const, version=opset1)";

    static final Map<String, String> EXPECTED = new TreeMap<>(Map.ofEntries(
            Map.entry("dtd-entity-expansion", "{file}: not well-formed XML (line 2, column 10): document type"
                    + " declarations (DTDs) are not allowed"),
            Map.entry("dtd-external-entity", "{file}: not well-formed XML (line 2, column 10): document type"
                    + " declarations (DTDs) are not allowed"),
            Map.entry("not-well-formed", "{file}: not well-formed XML (line 8, column 46): XML document structures"
                    + " must start and end within the same entity."),
            Map.entry("wrong-root", "{file}: not an OpenVINO IR: the root element is <model>, expected <net>"),
            Map.entry("version-9", "{file}: unsupported IR version '9' (only 10 and 11 are read)"),
            Map.entry("no-layers", "{file}: the <net> element has no <layers>"),
            Map.entry("duplicate-layer-id", "{file}: layer 1 (name=\"out\", type=Result, version=opset1): duplicate"
                    + " layer id 1 (also used by layer \"relu\")"),
            Map.entry("missing-layer-type", "{file}: layer 1 (name=\"relu\", type=?, version=opset1): missing"
                    + " attribute 'type'"),
            Map.entry("bad-layer-id", "{file}: layer one (name=\"relu\", type=ReLU, version=opset1): id 'one' is"
                    + " not an unsigned 64-bit integer"),
            Map.entry("unknown-op", "{file}: layer 1 (name=\"relu\", type=Frobnicate, version=opset1): unknown"
                    + " op/opset pair Frobnicate/opset1"),
            Map.entry("op-not-in-opset", "{file}: layer 1 (name=\"relu\", type=Relu, version=opset99): unknown"
                    + " op/opset pair Relu/opset99"),
            Map.entry("edge-to-missing-layer", "{file}: edge 1 (from-layer 1, from-port 1, to-layer 9, to-port 0):"
                    + " to-layer 9 does not exist"),
            Map.entry("edge-from-undeclared-port", "{file}: " + RELU + ": edge 1 (from-layer 1, from-port 5,"
                    + " to-layer 2, to-port 0) reads output port 5, which the layer does not declare"),
            Map.entry("edge-to-undeclared-port", "{file}: " + RELU + ": edge 0 (from-layer 0, from-port 0,"
                    + " to-layer 1, to-port 3) writes input port 3, which the layer does not declare"),
            Map.entry("two-edges-into-one-port", "{file}: " + ADD + ": input port 0 has more than one incoming"
                    + " edge"),
            Map.entry("input-port-without-edge", "{file}: layer 1 (name=\"cat\", type=Concat, version=opset1): input port 1 is at position 1 but the layer"
                    + " has only 1 incoming edges (input ports without edges must come last)"),
            Map.entry("cycle", "{file}: layer 1 (name=\"a\", type=Add, version=opset1): the graph has a cycle"
                    + " through layers 3 -> 1 -> 3"),
            Map.entry("parameter-with-input", "{file}: layer 3 (name=\"y\", type=Parameter, version=opset1):"
                    + " Parameter-0 expects 0 inputs, got 1"),
            Map.entry("wrong-input-count", "{file}: " + ADD + ": Add-1 expects 2 inputs, got 1"),
            Map.entry("bad-list-attribute", "{file}: layer 1 (name=\"pool\", type=MaxPool, version=opset1):"
                    + " MaxPool-1: attribute kernel=\"a,b\" is not a list of integers"),
            Map.entry("bad-boolean-attribute", "{file}: layer 1 (name=\"mm\", type=MatMul, version=opset1):"
                    + " MatMul-0: attribute transpose_a=\"yes\" is not a boolean (true, false, 1, 0)"),
            Map.entry("missing-required-attribute", "{file}: " + X + ": Parameter-0: attribute element_type is"
                    + " required"),
            Map.entry("unknown-element-type", "{file}: " + X + ": Parameter-0: attribute element_type=\"f31\" is not"
                    + " an element type"),
            Map.entry("dim-not-integer", "{file}: " + OUT + ": input port 0: <dim>?</dim> is not an integer >= -1"),
            Map.entry("dim-below-minus-one", "{file}: " + OUT + ": input port 0: <dim>-2</dim> is not an integer"
                    + " >= -1"),
            Map.entry("unknown-precision", "{file}: " + X + ": output port 0 has an unknown precision 'FP33'"),
            Map.entry("shapes-do-not-fit", "{file}: layer 1 (name=\"mm\", type=MatMul, version=opset1): MatMul-0:"
                    + " shapes [2,3] and [4,5] are not aligned for matmul (transpose_a=false, transpose_b=false):"
                    + " 3 != 4"),
            Map.entry("const-beyond-bin", "{file}: " + C + ": offset 8 + size 24 is beyond the end of the .bin file"
                    + " (24 bytes)"),
            Map.entry("const-size-too-small", "{file}: " + C + ": size 20 is smaller than the 24 bytes that f32 shape"
                    + " [2, 3] needs"),
            Map.entry("const-offset-overflow", "{file}: " + C + ": offset 18446744073709551615 + size 24 is beyond"
                    + " the end of the .bin file (24 bytes)"),
            Map.entry("const-shape-overflow", "{file}: " + C + ": Constant-0: shape [4294967296, 4294967296,"
                    + " 4294967296] has more elements than a 64-bit count holds"),
            Map.entry("const-without-bin", "{file}: " + C + ": Const needs weights but no .bin file was found"
                    + " (const-without-bin.bin)"),
            Map.entry("assign-without-readvalue", "{file}: layer 1 (name=\"save\", type=Assign, version=opset6):"
                    + " Assign writes variable 'v' that no ReadValue reads"),
            Map.entry("no-result", "{file}: the model has no Result or Assign layer"),
            Map.entry("reshape-element-count", "{file}: layer 1 (name=\"r\", type=Reshape, version=opset1):"
                    + " Reshape-1: cannot reshape [2,3] (6 elements) to [4, 2] (8 elements)"),
            Map.entry("duplicate-rt-info", "{file}: " + RELU + ": rt_info attribute 'fused_names' appears twice"),
            Map.entry("edge-missing-attribute", "{file}: edge 1 has no from-port attribute"),
            Map.entry("nested-too-deep", "{file}: not well-formed XML (line 20, column 775): elements are nested too"
                    + " deeply"),
            Map.entry("rank-too-high", "{file}: " + X + ": Parameter-0: attribute shape=\"1,1,1,1,1,1,1,1,1,1,1,1,1,"
                    + "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1...\" is not a partial shape (has more than 1024 dimensions)"),
            Map.entry("split-too-many-outputs", "{file}: layer 1 (name=\"s\", type=Split, version=opset1): Split-1:"
                    + " num_splits must be in 1..4096, got 1000000000"),
            Map.entry("bad-negative-pad", "{file}: layer 1 (name=\"pool\", type=MaxPool, version=opset1): MaxPool-1:"
                    + " pads_begin must be >= 0, got [-1, 0]")));

    static Path corpus() throws URISyntaxException {
        return Path.of(MalformedCorpusTest.class.getResource("/malformed").toURI());
    }

    static Stream<Arguments> cases() {
        return EXPECTED.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedWithOneExactMessage(String name, String expected) throws Exception {
        Path xml = corpus().resolve(name + ".xml");
        IrFormatException e = assertThrows(IrFormatException.class, () -> READER.readFile(xml, null));
        assertEquals(expected.replace("{file}", xml.toString()), e.getMessage());
    }

    @Test
    void everyCorpusFileHasAnExpectation() throws IOException, URISyntaxException {
        try (Stream<Path> files = Files.list(corpus())) {
            Map<String, Boolean> seen = new TreeMap<>();
            files.filter(p -> p.toString().endsWith(".xml"))
                    .forEach(p -> seen.put(p.getFileName().toString().replace(".xml", ""), true));
            assertEquals(EXPECTED.keySet(), seen.keySet());
        }
    }
}
