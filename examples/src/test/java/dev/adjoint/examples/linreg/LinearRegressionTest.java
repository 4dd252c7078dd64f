package dev.adjoint.examples.linreg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LinearRegressionTest {

    /** The lecture's data, beside the repository as the README describes. */
    private static final Path LECTURE_DATA = Path.of("..", "..", "shared", "data", "birth_life_2010.txt");

    /** The same training written out by hand in float64, with the Huber derivative taken on paper. */
    private static double[] reference(Dataset data, boolean huber, int epochs, double rate, double[] meanLosses) {
        double w = 0;
        double b = 0;
        for (int epoch = 0; epoch < epochs; epoch++) {
            double total = 0;
            for (int i = 0; i < data.size(); i++) {
                double x = data.x()[i];
                double residual = data.y()[i] - (w * x + b);
                double dLossDPrediction;
                if (huber) {
                    double a = Math.abs(residual);
                    total += a < 1 ? 0.5 * a * a : a - 0.5;
                    dLossDPrediction = -(a < 1 ? a : 1.0) * Math.signum(residual);
                } else {
                    total += residual * residual;
                    dLossDPrediction = -2 * residual;
                }
                w -= rate * dLossDPrediction * x;
                b -= rate * dLossDPrediction;
            }
            meanLosses[epoch] = total / data.size();
        }
        return new double[] {w, b};
    }

    @Test
    void huberAndSquaredMatchHandWrittenReference() {
        Dataset data = Dataset.generate(190, 7);
        for (Training.Loss loss : Training.Loss.values()) {
            double[] expectedLosses = new double[100];
            double[] expected = reference(data, loss == Training.Loss.HUBER, 100, 0.01 / (loss == Training.Loss.HUBER ? 1 : 10),
                    expectedLosses);
            Training.Result result = Training.train(data, loss, 100, 0.01 / (loss == Training.Loss.HUBER ? 1 : 10),
                    (epoch, mean) -> { });
            assertEquals(expected[0], result.w(), 1e-9, loss + " w");
            assertEquals(expected[1], result.b(), 1e-9, loss + " b");
            assertArrayEquals(expectedLosses, result.meanLosses(), 1e-9);
        }
    }

    @Test
    void lectureDataWithHuberLoss() throws IOException {
        assumeTrue(Files.exists(LECTURE_DATA), "lecture data not found at " + LECTURE_DATA.toAbsolutePath());
        Dataset data = Dataset.read(LECTURE_DATA);
        assertEquals(190, data.size());
        double[] expectedLosses = new double[100];
        double[] expected = reference(data, true, 100, 0.01, expectedLosses);
        Training.Result result = Training.train(data, Training.Loss.HUBER, 100, 0.01, (epoch, mean) -> { });
        assertEquals(expected[0], result.w(), 1e-9);
        assertEquals(expected[1], result.b(), 1e-9);
        assertTrue(result.meanLosses()[99] < result.meanLosses()[0]);
    }

    @Test
    void hundredEpochsAreFastAfterWarmUp() {
        Dataset data = Dataset.generate(190, 2010);
        for (int warmUp = 0; warmUp < 20; warmUp++) {
            Training.train(data, Training.Loss.HUBER, 100, 0.01, (epoch, mean) -> { });
        }
        long best = Long.MAX_VALUE;
        for (int run = 0; run < 5; run++) {
            best = Math.min(best, Training.train(data, Training.Loss.HUBER, 100, 0.01, (epoch, mean) -> { }).nanos());
        }
        System.out.printf("linreg: 19,000 Huber gradient steps in %.2f ms%n", best / 1e6);
        // The target is well under 100 ms; the bound leaves room for a loaded CI machine.
        assertTrue(best < 500_000_000L, "100 epochs took " + best / 1e6 + " ms");
    }

    @Test
    void commandLinePrintsLossesAndEndsWithWeights(@TempDir Path plots) throws IOException {
        List<String> lines = run("--plots", plots.toString());
        assertEquals("Epoch 0: ", lines.get(1).substring(0, 9));
        assertEquals(10, lines.stream().filter(line -> line.startsWith("Epoch ")).count());
        String last = lines.getLast();
        assertTrue(last.matches("w=-?[0-9.]+ b=-?[0-9.]+"), last);
        for (String png : List.of("fit.png", "loss.png")) {
            byte[] bytes = Files.readAllBytes(plots.resolve(png));
            assertEquals((byte) 0x89, bytes[0]);
            assertEquals("PNG", new String(bytes, 1, 3, StandardCharsets.US_ASCII));
        }
        List<String> squared = run("--loss", "squared", "--no-plots");
        assertNotEquals(last, squared.getLast());
    }

    @Test
    void badInputIsReportedClearly(@TempDir Path directory) throws IOException {
        CommandLine command = new CommandLine(new LinearRegression());
        command.setErr(new java.io.PrintWriter(new ByteArrayOutputStream()));
        assertNotEquals(0, command.execute("--loss", "absolute", "--no-plots"));
        Path broken = directory.resolve("broken.txt");
        Files.writeString(broken, "Country\tBirth rate\tLife expectancy\nVietnam\t1.8\n");
        var error = assertThrows(IllegalArgumentException.class, () -> Dataset.read(broken));
        assertTrue(error.getMessage().contains("line 2"), error.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Training.train(new Dataset(new double[0], new double[0]), Training.Loss.HUBER, 1, 0.01, (e, m) -> { }));
    }

    private static List<String> run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, new CommandLine(new LinearRegression()).execute(args));
        } finally {
            System.setOut(original);
        }
        return buffer.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
