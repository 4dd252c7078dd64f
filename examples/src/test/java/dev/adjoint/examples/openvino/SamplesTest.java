package dev.adjoint.examples.openvino;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two OpenVINO-style samples on models the tests write as IR. */
class SamplesTest {

    private static Path image(Path dir, String name, int w, int h, Color background, Color square, int size)
            throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(background);
        g.fillRect(0, 0, w, h);
        if (square != null) {
            g.setColor(square);
            g.fillRect(0, 0, size, size);
        }
        g.dispose();
        Path file = dir.resolve(name);
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    @Test
    void helloClassificationPrintsTheTopFive(@TempDir Path tmp) throws IOException {
        Path model = SampleModels.colourClassifier(tmp);
        Path labels = tmp.resolve("labels.txt");
        Files.write(labels, List.of("blue", "green", "red", "dark"));
        Object[][] cases = {{new Color(230, 20, 30), 2}, {new Color(10, 200, 40), 1}, {new Color(0, 30, 240), 0},
            {new Color(5, 5, 5), 3}};
        for (Object[] c : cases) {
            Path img = image(tmp, "c.png", 40, 30, (Color) c[0], null, 0);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            List<HelloClassification.Scored> top = HelloClassification.run(model, img, "CPU", labels,
                    new PrintStream(bytes, true, StandardCharsets.UTF_8));
            assertEquals(4, top.size(), "four classes, fewer than five");
            assertEquals((int) c[1], top.get(0).classId(), "colour " + c[0]);
            assertTrue(top.get(0).probability() > 0.5f);
            String printed = bytes.toString(StandardCharsets.UTF_8);
            assertTrue(printed.startsWith("Top 5 results:"), printed);
            assertTrue(printed.contains("classid probability label"), printed);
            assertTrue(printed.contains(top.get(0).label()), printed);
        }
    }

    @Test
    void objectDetectionDrawsTheBoxes(@TempDir Path tmp) throws IOException {
        Path model = SampleModels.brightSquareDetector(tmp);
        // A 64 x 64 image with a white 32 x 32 square in its top-left quadrant.
        Path img = image(tmp, "scene.png", 64, 64, Color.BLACK, Color.WHITE, 32);
        Path out = tmp.resolve("detections.png");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<ObjectDetection.Detection> found = ObjectDetection.run(model, img, out, "CPU", 0.5f,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals(1, found.size(), bytes.toString(StandardCharsets.UTF_8));
        ObjectDetection.Detection d = found.get(0);
        assertEquals(1, d.label());
        assertTrue(d.confidence() > 0.99f, "confidence " + d.confidence());
        assertEquals(0, d.xmin());
        assertEquals(0, d.ymin());
        assertEquals(32, d.xmax());
        assertEquals(32, d.ymax());
        BufferedImage drawn = ImageIO.read(out.toFile());
        assertEquals(64, drawn.getWidth());
        // The box's bottom edge is drawn in red across the black background.
        Color edge = new Color(drawn.getRGB(40 - 10, 32));
        assertEquals(Color.RED, edge, "pixel on the box edge");
        assertEquals(Color.BLACK, new Color(drawn.getRGB(50, 50)), "pixel far from the box");
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("1 detection(s) above 0.5"));
    }

    @Test
    void samplesRefuseModelsOfTheWrongKind(@TempDir Path tmp) throws IOException {
        Path detector = SampleModels.brightSquareDetector(tmp);
        Path img = image(tmp, "x.png", 8, 8, Color.GRAY, null, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ObjectDetection.run(SampleModels.colourClassifier(tmp), img, tmp.resolve("o.png"), "CPU", 0.5f,
                        System.out));
        assertTrue(e.getMessage().contains("[1, 1, N, 7]"), e.getMessage());
        IOException missing = assertThrows(IOException.class,
                () -> HelloClassification.run(detector, tmp.resolve("none.png"), "CPU", null, System.out));
        assertTrue(missing.getMessage().contains("no such image file"), missing.getMessage());
    }
}
