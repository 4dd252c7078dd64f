package dev.adjoint.examples.linreg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Paired samples {@code (x, y)} in file order: the lecture's birth rate (x) against life
 * expectancy (y), or a generated stand-in with the same shape.
 */
public record Dataset(double[] x, double[] y) {

    public Dataset {
        if (x.length != y.length) {
            throw new IllegalArgumentException("x has " + x.length + " samples but y has " + y.length);
        }
    }

    public int size() {
        return x.length;
    }

    /**
     * Reads a tab-separated file with a header line and the columns name, x, y, such as
     * {@code birth_life_2010.txt}.
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException naming the line that is malformed
     */
    public static Dataset read(Path path) throws IOException {
        List<String> lines = Files.readAllLines(path);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(path + " is empty; expected a header line and tab-separated rows");
        }
        List<String> rows = lines.subList(1, lines.size()).stream().filter(line -> !line.isBlank()).toList();
        double[] x = new double[rows.size()];
        double[] y = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            String[] fields = rows.get(i).split("\t");
            if (fields.length < 3) {
                throw new IllegalArgumentException(path + " line " + (i + 2) + ": expected 3 tab-separated fields, got "
                        + fields.length);
            }
            try {
                x[i] = Double.parseDouble(fields[1].trim());
                y[i] = Double.parseDouble(fields[2].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(path + " line " + (i + 2) + ": " + e.getMessage(), e);
            }
        }
        return new Dataset(x, y);
    }

    /**
     * {@code n} points near the line {@code y = -6x + 85} with x in [1, 7], like the lecture's data,
     * from a fixed seed so runs are repeatable.
     */
    public static Dataset generate(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextDouble(1.0, 7.0);
            y[i] = -6.0 * x[i] + 85.0 + 4.0 * (random.nextDouble() + random.nextDouble() + random.nextDouble() - 1.5);
        }
        return new Dataset(x, y);
    }
}
