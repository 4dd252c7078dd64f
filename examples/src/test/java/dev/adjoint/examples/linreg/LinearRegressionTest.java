package dev.adjoint.examples.linreg;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The example against a float32 loop written out here by hand. Each step of both is a chain of
 * single IEEE float32 operations (a product, a sum, a difference; 2t, 2·sign(t) and 0.5·t² are exact),
 * rounded in the same order, so the results must agree bit for bit: every comparison below is exact.
 */
class LinearRegressionTest {

    /** The lecture's data as the example ships it (tests run in the module directory). */
    private static final Path SHIPPED_DATA = Path.of("data", "birth_life_2010.txt");

    /** The shared copy beside the repository, present on the project's machines only. */
    private static final Path SHARED_DATA = Path.of("..", "..", "shared", "data", "birth_life_2010.txt");

    private static final Path README = Path.of("..", "README.md");

    private static final int LECTURE_EPOCHS = 100;

    private static final float LECTURE_RATE = 0.01f;

    /** Outcome of the reference loop. */
    private record Reference(float w, float b, float[] meanLosses) {
    }

    /**
     * The lecture's training in plain Java floats: {@code w = b = 0}, per-example SGD in file order,
     * {@code w -= rate * dL/dw}; derivatives taken on paper (t = y - (x w + b), so dt/dw = -x and dt/db = -1).
     */
    private static Reference reference(float[] x, float[] y, Training.Loss loss, int epochs, float rate) {
        float w = 0f;
        float b = 0f;
        float[] meanLosses = new float[epochs];
        for (int epoch = 0; epoch < epochs; epoch++) {
            float total = 0f;
            for (int i = 0; i < x.length; i++) {
                float t = y[i] - (x[i] * w + b);
                float value;
                float dLossDt;
                boolean inside = Math.abs(t) <= 1f;
                switch (loss) {
                    case HUBER -> {
                        // t² if |t| <= 1 else 1·(2|t| - 1)
                        value = inside ? t * t : 2f * Math.abs(t) - 1f;
                        dLossDt = inside ? 2f * t : 2f * Math.signum(t);
                    }
                    case HUBER_TEXTBOOK -> {
                        value = inside ? 0.5f * t * t : Math.abs(t) - 0.5f;
                        dLossDt = inside ? t : Math.signum(t);
                    }
                    case SQUARED -> {
                        value = t * t;
                        dLossDt = 2f * t;
                    }
                    default -> throw new AssertionError(loss);
                }
                float gradientW = -dLossDt * x[i];
                float gradientB = -dLossDt;
                w -= rate * gradientW;
                b -= rate * gradientB;
                total += value;
            }
            meanLosses[epoch] = total / x.length;
        }
        return new Reference(w, b, meanLosses);
    }

    /** The lecture's file read independently of {@link Dataset}: tab-separated, header skipped, double then float. */
    private static float[][] readColumns(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> rows = lines.subList(1, lines.size()).stream().filter(line -> !line.isEmpty()).toList();
        float[][] columns = new float[2][rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            String[] fields = rows.get(i).split("\t");
            columns[0][i] = (float) Double.parseDouble(fields[1]);
            columns[1][i] = (float) Double.parseDouble(fields[2]);
        }
        return columns;
    }

    @Test
    void lectureDataMatchesTheFloat32LoopBitForBit() throws Exception {
        float[][] columns = readColumns(SHIPPED_DATA);
        assertEquals(190, columns[0].length);
        Dataset data = Dataset.read(SHIPPED_DATA);
        assertArrayEquals(columns[0], data.x());
        assertArrayEquals(columns[1], data.y());
        assertEquals("Birth rate", data.xName());
        assertEquals("Life expectancy", data.yName());

        Reference expected = reference(columns[0], columns[1], Training.Loss.HUBER, LECTURE_EPOCHS, LECTURE_RATE);
        Training.Result result = Training.train(data, Training.Loss.HUBER, LECTURE_EPOCHS, 0.01, (epoch, mean) -> { });
        assertEquals(expected.w(), result.w());
        assertEquals(expected.b(), result.b());
        assertArrayEquals(expected.meanLosses(), result.meanLosses());
        // A fit, not a no-op: the Huber loss falls from ~106 to ~7.4 and the line slopes down as in the lecture.
        assertTrue(result.meanLosses()[LECTURE_EPOCHS - 1] < result.meanLosses()[0] / 10, Arrays.toString(
                result.meanLosses()));
        assertTrue(result.w() < -5 && result.b() > 80, result.w() + " " + result.b());
    }

    @Test
    void everyLossMatchesTheFloat32LoopOnGeneratedData() {
        Dataset data = Dataset.generate(57, 7);
        for (Training.Loss loss : Training.Loss.values()) {
            // Squared loss needs a smaller rate on unscaled data; 0.001f is the float the example rounds 0.001 to.
            float rate = loss == Training.Loss.SQUARED ? 0.001f : LECTURE_RATE;
            Reference expected = reference(data.x(), data.y(), loss, 30, rate);
            Training.Result result = Training.train(data, loss, 30, loss == Training.Loss.SQUARED ? 0.001 : 0.01,
                    (epoch, mean) -> { });
            assertAll(loss.cliName(),
                    () -> assertEquals(expected.w(), result.w(), "w"),
                    () -> assertEquals(expected.b(), result.b(), "b"),
                    () -> assertArrayEquals(expected.meanLosses(), result.meanLosses(), "mean losses"));
        }
    }

    @Test
    void oneSampleAndOneEpoch() {
        Dataset one = new Dataset("x", "y", new float[] {2f}, new float[] {0.5f});
        for (Training.Loss loss : Training.Loss.values()) {
            Reference expected = reference(one.x(), one.y(), loss, 1, LECTURE_RATE);
            Training.Result result = Training.train(one, loss, 1, 0.01, (epoch, mean) -> { });
            assertEquals(expected.w(), result.w(), loss.cliName());
            assertEquals(expected.b(), result.b(), loss.cliName());
        }
        // |t| = 0.5 lies inside the quadratic part: one step moves b by 0.01 * 2t = 0.01.
        assertEquals(0.01f, Training.train(one, Training.Loss.HUBER, 1, 0.01, (e, m) -> { }).b());
    }

    @Test
    void defaultGeneratedDataIsFittedInHundredEpochs() {
        Dataset data = Dataset.generate(190, 2010);
        Training.Result result = Training.train(data, Training.Loss.HUBER, LECTURE_EPOCHS, 0.01, (e, m) -> { });
        // Least squares in float64 as the yardstick: the noise is symmetric without outliers, so Huber's best
        // line is close to it, and both lie near the generator's y = -6x + 85.
        double[] line = leastSquares(data);
        assertEquals(-6, line[0], 0.3);
        assertEquals(85, line[1], 1.5);
        // SGD with a constant rate ends wherever the last samples pushed it: in the linear part of the loss every
        // step moves w by 0.02 x, up to 0.14. So ask for a line within one noise standard deviation (2) of the
        // yardstick over the data's range, and a mean loss within 25% of the yardstick's. (With the textbook loss,
        // whose steps are half as long, 100 epochs end near y = -0.87x + 58.8, about 21 below it at x = 1.)
        for (double x : new double[] {1, 4, 7}) {
            assertEquals(line[0] * x + line[1], result.w() * x + result.b(), 2.0, "fitted line at x = " + x);
        }
        double fittedLoss = meanHuber(data, result.w(), result.b());
        assertTrue(fittedLoss < 1.25 * meanHuber(data, line[0], line[1]), fittedLoss + " vs "
                + meanHuber(data, line[0], line[1]));
        // Converged: the last ten epochs' mean losses differ by under 2%.
        float[] losses = result.meanLosses();
        float last = losses[LECTURE_EPOCHS - 1];
        for (int epoch = LECTURE_EPOCHS - 10; epoch < LECTURE_EPOCHS; epoch++) {
            assertEquals(last, losses[epoch], 0.02 * last, "epoch " + epoch);
        }
    }

    private static double[] leastSquares(Dataset data) {
        double meanX = 0;
        double meanY = 0;
        for (int i = 0; i < data.size(); i++) {
            meanX += data.x()[i];
            meanY += data.y()[i];
        }
        meanX /= data.size();
        meanY /= data.size();
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < data.size(); i++) {
            sxy += (data.x()[i] - meanX) * (data.y()[i] - meanY);
            sxx += (data.x()[i] - meanX) * (data.x()[i] - meanX);
        }
        double slope = sxy / sxx;
        return new double[] {slope, meanY - slope * meanX};
    }

    private static double meanHuber(Dataset data, double w, double b) {
        double total = 0;
        for (int i = 0; i < data.size(); i++) {
            double t = Math.abs(data.y()[i] - (w * data.x()[i] + b));
            total += t <= 1 ? t * t : 2 * t - 1;
        }
        return total / data.size();
    }

    @Test
    void commandLineOnTheShippedDataEndsWithTheFloat32LoopsWeights(@TempDir Path plots) throws IOException {
        float[][] columns = readColumns(SHIPPED_DATA);
        Reference expected = reference(columns[0], columns[1], Training.Loss.HUBER, LECTURE_EPOCHS, LECTURE_RATE);
        Run run = run("--data", SHIPPED_DATA.toString(), "--plots", plots.toString());
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals("Training on 190 samples (" + SHIPPED_DATA + "); loss function: huber", lines.getFirst());
        assertEquals(List.of("Epoch 0: ", "Epoch 10: ", "Epoch 90: "), List.of(lines.get(1).substring(0, 9),
                lines.get(2).substring(0, 10), lines.get(10).substring(0, 10)));
        assertEquals(String.format(java.util.Locale.ROOT, "Epoch 90: %.6f", expected.meanLosses()[90]), lines.get(10));
        String weights = "w=" + expected.w() + " b=" + expected.b();
        assertEquals(weights, lines.getLast());
        for (String png : List.of("fit.png", "loss.png")) {
            byte[] bytes = Files.readAllBytes(plots.resolve(png));
            assertEquals((byte) 0x89, bytes[0]);
            assertEquals("PNG", new String(bytes, 1, 3, StandardCharsets.US_ASCII));
        }
        // The README quotes the result; it must be this one.
        assertTrue(Files.readString(README).contains("`" + weights + "`"), "README.md does not state " + weights);
    }

    @Test
    void exportedPredictionRunsOnTheEngineAsWTimesXPlusB(@TempDir Path export) throws IOException {
        float[][] columns = readColumns(SHIPPED_DATA);
        Reference expected = reference(columns[0], columns[1], Training.Loss.HUBER, LECTURE_EPOCHS, LECTURE_RATE);
        Run run = run("--data", SHIPPED_DATA.toString(), "--no-plots", "--export", export.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(Files.exists(export.resolve("linreg.xml")) && Files.exists(export.resolve("linreg.bin")));
        List<String> deployed = run.out().lines().filter(l -> l.startsWith("  deployed prediction(")).toList();
        assertEquals(3, deployed.size(), run.out());
        for (String line : deployed) {
            // "  deployed prediction(1.5) = 82.49 (w*x + b = 82.49)"
            float x = Float.parseFloat(line.substring(line.indexOf('(') + 1, line.indexOf(')')));
            float fromIr = Float.parseFloat(line.substring(line.indexOf("= ") + 2, line.indexOf("   (")).strip());
            float reference = expected.w() * x + expected.b();
            assertEquals(reference, fromIr, Math.ulp(reference) * 2, line);
        }
        assertEquals("w=" + expected.w() + " b=" + expected.b(), run.out().lines().toList().getLast());
    }

    @Test
    void shippedDataIsTheLecturesFile() throws IOException {
        assumeTrue(Files.exists(SHARED_DATA), "shared data not found at " + SHARED_DATA.toAbsolutePath());
        assertArrayEquals(Files.readAllBytes(SHARED_DATA), Files.readAllBytes(SHIPPED_DATA));
    }

    @Test
    void defaultRunAndOtherLossesPrintTheirWeights() {
        Run run = run("--no-plots", "--epochs", "3");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("Training on 190 samples (generated); loss function: huber"), run.out());
        Dataset data = Dataset.generate(190, 2010);
        for (Training.Loss loss : Training.Loss.values()) {
            Reference expected = reference(data.x(), data.y(), loss, 3, LECTURE_RATE);
            Run other = run("--no-plots", "--epochs", "3", "--loss", loss.cliName());
            assertEquals(0, other.exitCode(), other.err());
            assertEquals("w=" + expected.w() + " b=" + expected.b(), other.out().lines().toList().getLast());
        }
    }

    @Test
    void missingOrMalformedDataIsOneLineNamingFileAndLine(@TempDir Path directory) throws IOException {
        Path missing = directory.resolve("nope.txt");
        assertOneLineError(run("--data", missing.toString(), "--no-plots"), 1, missing + ": no such file");

        String header = "Country\tBirth rate\tLife expectancy\n";
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {header + "Vietnam\t1.8\t74.8\nVanuatu\t3.9\n", "line 3: expected 3 tab-separated fields"});
        cases.add(new String[] {header + "Vietnam\t1,8\t74.8\n", "line 2: Birth rate is not a number: '1,8'"});
        cases.add(new String[] {header + "\nVietnam\t1.8\tNaN\n", "line 3: Life expectancy is not a finite float32"});
        cases.add(new String[] {header + "Vietnam\t1e39\t74.8\n", "line 2: Birth rate is not a finite float32"});
        cases.add(new String[] {header + "Vietnam\t1.8\t74.8\textra\n", "line 2: expected 3 tab-separated fields"});
        cases.add(new String[] {header, ": no data rows after the header line"});
        cases.add(new String[] {"", ": empty file"});
        cases.add(new String[] {"name x y\n1 2 3\n", "line 1: expected a header of 3 tab-separated column names"});
        for (String[] bad : cases) {
            Path file = directory.resolve("bad.txt");
            Files.writeString(file, bad[0]);
            assertOneLineError(run("--data", file.toString(), "--no-plots"), 1, file + (bad[1].startsWith(":") ? ""
                    : " ") + bad[1]);
        }
        Files.write(directory.resolve("latin1.txt"), new byte[] {'a', '\t', 'b', '\t', 'c', '\n', (byte) 0xE9});
        assertOneLineError(run("--data", directory.resolve("latin1.txt").toString(), "--no-plots"), 1,
                directory.resolve("latin1.txt") + ": not UTF-8 text");
    }

    @Test
    void badOptionsAreUsageErrors(@TempDir Path directory) throws IOException {
        assertOneLineError(run("--loss", "absolute", "--no-plots"), 2,
                "--loss must be one of huber, huber-textbook, squared; got 'absolute'");
        assertOneLineError(run("--epochs", "0", "--no-plots"), 2, "--epochs must be at least 1, got 0");
        assertOneLineError(run("--learning-rate", "-1", "--no-plots"), 2, "--learning-rate must be positive");
        Path file = directory.resolve("taken");
        Files.writeString(file, "not a directory");
        Run run = run("--epochs", "1", "--plots", file.toString());
        assertEquals(1, run.exitCode());
        assertEquals("linear-regression: cannot write plots: " + file + " exists and is not a directory",
                run.err().strip());
    }

    @Test
    void readingKeepsFileOrderSkipsBlankLinesAndRoundsThroughDouble(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("crlf.txt");
        // 1.00000017881393432617187499 is just below the midpoint of two floats, but its nearest double is the
        // midpoint itself, so double-then-float (numpy's float32 cast of Python floats) rounds up to even.
        Files.writeString(file, "name\tx\ty\r\nb\t3\t-1.5\r\n\r\na\t1.00000017881393432617187499\t2\r\n");
        Dataset data = Dataset.read(file);
        assertArrayEquals(new float[] {3f, (float) 1.00000017881393432617187499}, data.x());
        assertArrayEquals(new float[] {-1.5f, 2f}, data.y());
        assertEquals(Math.nextUp(1f) + Math.ulp(1f), data.x()[1]);
        assertEquals(Math.nextUp(1f), Float.parseFloat("1.00000017881393432617187499"));
    }

    @Test
    void trainingRejectsEmptyDataAndNoEpochs() {
        Dataset empty = new Dataset("x", "y", new float[0], new float[0]);
        assertThrows(IllegalArgumentException.class, () -> Training.train(empty, Training.Loss.HUBER, 1, 0.01, (e, m) -> { }));
        Dataset one = new Dataset("x", "y", new float[] {1}, new float[] {1});
        assertThrows(IllegalArgumentException.class, () -> Training.train(one, Training.Loss.HUBER, 0, 0.01, (e, m) -> { }));
        assertThrows(IllegalArgumentException.class, () -> new Dataset("x", "y", new float[1], new float[2]));
    }

    @Test
    void lossPlotTicksAreRoundEpochs() {
        assertEquals(1, Plots.tickStep(1));
        assertEquals(1, Plots.tickStep(10));
        assertEquals(2, Plots.tickStep(11));
        assertEquals(5, Plots.tickStep(37));
        assertEquals(10, Plots.tickStep(100));
        assertEquals(20, Plots.tickStep(101));
        assertEquals(500_000_000, Plots.tickStep(Integer.MAX_VALUE));
    }

    @Test
    void hundredEpochsTakeWellUnderASecondAfterWarmUp() {
        Dataset data = Dataset.generate(190, 2010);
        for (int warmUp = 0; warmUp < 5; warmUp++) {
            Training.train(data, Training.Loss.HUBER, LECTURE_EPOCHS, 0.01, (epoch, mean) -> { });
        }
        long best = Long.MAX_VALUE;
        for (int run = 0; run < 3; run++) {
            best = Math.min(best, Training.train(data, Training.Loss.HUBER, LECTURE_EPOCHS, 0.01, (e, m) -> { }).nanos());
        }
        System.out.printf("linreg: 19,000 Huber gradient steps on float32 tensors in %.1f ms%n", best / 1e6);
        // Tens of milliseconds on the project's machines; the bound leaves room for a loaded CI machine.
        assertTrue(best < 1_000_000_000L, "100 epochs took " + best / 1e6 + " ms");
    }

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = LinearRegression.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int exitCode = command.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    /** The command failed with {@code exitCode} and said so on stderr, first line {@code message}, no stack trace. */
    private static void assertOneLineError(Run run, int exitCode, String message) {
        assertEquals(exitCode, run.exitCode(), run.err());
        String first = run.err().lines().findFirst().orElse("");
        assertTrue(first.contains(message), "expected '" + message + "' in: " + run.err());
        assertFalse(run.err().contains("Exception"), run.err());
        assertFalse(run.err().contains("\tat "), run.err());
        if (exitCode == LinearRegression.EXIT_BAD_FILE) {
            assertTrue(first.startsWith("linear-regression: " + message), run.err());
            assertEquals(1, run.err().lines().count(), run.err());
        }
    }
}
