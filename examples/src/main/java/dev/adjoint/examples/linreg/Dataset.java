package dev.adjoint.examples.linreg;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Paired float32 samples {@code (x, y)} in file order, with the names of the two columns: the
 * lecture's birth rate (x) against life expectancy (y), or a generated stand-in with the same shape.
 */
public record Dataset(String xName, String yName, float[] x, float[] y) {

    public Dataset {
        if (x.length != y.length) {
            throw new IllegalArgumentException("x has " + x.length + " samples but y has " + y.length);
        }
    }

    public int size() {
        return x.length;
    }

    /** A data file that cannot be used; the message names the file and, where it applies, the line. */
    public static final class DataFileException extends Exception {

        private static final long serialVersionUID = 1L;

        DataFileException(String message) {
            super(message);
        }
    }

    /**
     * Reads a tab-separated text file with a header line and the columns name, x, y, such as the
     * lecture's {@code birth_life_2010.txt}. Each number is parsed as a Java {@code double} and then
     * rounded to {@code float}, as the lecture's {@code float(...)} followed by
     * {@code np.asarray(..., dtype=np.float32)} does.
     *
     * @throws DataFileException if the file is missing, unreadable, has no rows, or a row does not
     *     hold exactly a name and two finite numbers
     */
    public static Dataset read(Path path) throws DataFileException {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new DataFileException(path + ": no such file");
        } catch (AccessDeniedException e) {
            throw new DataFileException(path + ": permission denied");
        } catch (CharacterCodingException e) {
            throw new DataFileException(path + ": not UTF-8 text");
        } catch (IOException e) {
            throw new DataFileException(path + ": cannot read: " + e.getMessage());
        }
        if (lines.isEmpty()) {
            throw new DataFileException(path + ": empty file; expected a header line (name, x, y) and tab-separated rows");
        }
        String[] header = lines.getFirst().split("\t", -1);
        if (header.length != 3) {
            throw new DataFileException(path + " line 1: expected a header of 3 tab-separated column names, got "
                    + header.length + " field(s)");
        }
        List<float[]> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            int lineNumber = i + 1;
            String[] fields = line.split("\t", -1);
            if (fields.length != 3) {
                throw new DataFileException(path + " line " + lineNumber
                        + ": expected 3 tab-separated fields (name, x, y), got " + fields.length);
            }
            rows.add(new float[] {
                parse(path, lineNumber, header[1], fields[1]), parse(path, lineNumber, header[2], fields[2])});
        }
        if (rows.isEmpty()) {
            throw new DataFileException(path + ": no data rows after the header line");
        }
        float[] x = new float[rows.size()];
        float[] y = new float[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            x[i] = rows.get(i)[0];
            y[i] = rows.get(i)[1];
        }
        return new Dataset(header[1].strip(), header[2].strip(), x, y);
    }

    private static float parse(Path path, int lineNumber, String column, String field) throws DataFileException {
        String text = field.strip();
        double value;
        try {
            value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new DataFileException(path + " line " + lineNumber + ": " + column.strip() + " is not a number: '"
                    + text + "'");
        }
        // Through double, as the lecture's Python parses it; a value beyond float range becomes infinite here.
        float rounded = (float) value;
        if (!Float.isFinite(rounded)) {
            throw new DataFileException(path + " line " + lineNumber + ": " + column.strip()
                    + " is not a finite float32 number: '" + text + "'");
        }
        return rounded;
    }

    /**
     * {@code n} points near the line {@code y = -6x + 85} with x in [1, 7], the shape of the
     * lecture's data, from a fixed seed so runs are repeatable. The noise is a sum of three uniform
     * draws (standard deviation 2).
     */
    public static Dataset generate(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            double xi = random.nextDouble(1.0, 7.0);
            double noise = 4.0 * (random.nextDouble() + random.nextDouble() + random.nextDouble() - 1.5);
            x[i] = (float) xi;
            y[i] = (float) (-6.0 * xi + 85.0 + noise);
        }
        return new Dataset("x", "y", x, y);
    }
}
