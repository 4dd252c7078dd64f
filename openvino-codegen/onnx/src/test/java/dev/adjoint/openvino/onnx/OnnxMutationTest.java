package dev.adjoint.openvino.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.adjoint.openvino.ir.IrFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input: seeded byte mutations and truncations of the conformance models. Property: the frontend returns a
 * model or throws one {@link IrFormatException}; never another exception, and never a crash.
 */
class OnnxMutationTest {
    @Test
    void mutatedModelsConvertOrFailWithOneFormatError(@TempDir Path tmp) throws IOException {
        List<Path> cases = Conformance.cases();
        assumeTrue(!cases.isEmpty(), "shared/fixtures/onnx-conformance is not available");
        SplittableRandom random = new SplittableRandom(20261202);
        int converted = 0;
        int refused = 0;
        for (int run = 0; run < 400; run++) {
            Path c = cases.get(random.nextInt(cases.size()));
            byte[] bytes = Files.readAllBytes(c.resolve("model.onnx"));
            if (random.nextInt(4) == 0) {
                bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
            } else {
                for (int k = random.nextInt(1, 4); k > 0; k--) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
            }
            Path model = tmp.resolve("model.onnx");
            Files.write(model, bytes);
            try {
                new OnnxFrontend().read(model);
                converted++;
            } catch (IrFormatException e) {
                assertTrue(e.getMessage().startsWith("model.onnx: "), e.getMessage());
                refused++;
            } catch (RuntimeException | IOException | StackOverflowError | OutOfMemoryError e) {
                fail("mutation " + run + " of " + Conformance.name(c) + " threw " + e, e);
            }
        }
        // Both outcomes occur: the mutations reach the converter, not just the protobuf parser.
        assertTrue(converted > 0 && refused > 0, converted + " converted, " + refused + " refused");
    }
}
