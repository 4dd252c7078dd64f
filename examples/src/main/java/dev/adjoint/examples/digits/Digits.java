package dev.adjoint.examples.digits;

import dev.adjoint.Tensor;
import dev.adjoint.core.Shape;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/**
 * The digits data set: 1797 handwritten digits as 8x8 images, scikit-learn's copy of the UCI
 * "optdigits" test set (BSD-3-Clause; see {@code resources/digits/README.md}). Each image has 64
 * pixels, integers 0..16 in the file, scaled here to [0, 1]; labels are 0..9.
 *
 * <pre>{@code
 * Digits digits = Digits.load();
 * float[][] x = digits.images();   // 1797 x 64
 * int[] y = digits.labels();       // 1797
 * }</pre>
 *
 * @param images one row of 64 pixels in [0, 1] per image, row-major 8x8
 * @param labels the digit each image shows
 */
public record Digits(float[][] images, int[] labels) {

    /** Number of images. */
    public static final int SIZE = 1797;
    /** Pixels per image (8 x 8). */
    public static final int PIXELS = 64;
    /** Number of classes. */
    public static final int CLASSES = 10;

    private static final String RESOURCE = "/digits/digits.csv.gz";

    /**
     * Reads the data set shipped with this module.
     *
     * @throws UncheckedIOException if the resource is missing or malformed; the message names the
     *     line
     */
    public static Digits load() {
        try (InputStream raw = Digits.class.getResourceAsStream(RESOURCE)) {
            if (raw == null) {
                throw new UncheckedIOException(new IOException("digits: resource " + RESOURCE + " is not on the class path"));
            }
            return read(new GZIPInputStream(raw));
        } catch (IOException e) {
            throw new UncheckedIOException("digits: cannot read " + RESOURCE, e);
        }
    }

    /** The images of {@code rows}, one row of 64 pixels each: a {@code rows.length x 64} float32 tensor. */
    public Tensor images(int[] rows) {
        float[] flat = new float[rows.length * PIXELS];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(images[rows[i]], 0, flat, i * PIXELS, PIXELS);
        }
        return Tensor.of(flat, Shape.of(rows.length, PIXELS));
    }

    /** The labels of {@code rows} as one-hot rows: a {@code rows.length x 10} float32 tensor. */
    public Tensor oneHotLabels(int[] rows) {
        float[] flat = new float[rows.length * CLASSES];
        for (int i = 0; i < rows.length; i++) {
            flat[i * CLASSES + labels[rows[i]]] = 1;
        }
        return Tensor.of(flat, Shape.of(rows.length, CLASSES));
    }

    /** The labels of {@code rows}. */
    public int[] labels(int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = labels[rows[i]];
        }
        return out;
    }

    /**
     * A seeded split into training and test rows, as scikit-learn's {@code train_test_split(shuffle=True)}: the
     * last {@code testSize} rows of a shuffled order are the test set.
     */
    public static Split split(int testSize, long seed) {
        int[] order = shuffled(SIZE, new SplittableRandom(seed));
        return new Split(Arrays.copyOf(order, SIZE - testSize), Arrays.copyOfRange(order, SIZE - testSize, SIZE));
    }

    /** Training and test rows. */
    public record Split(int[] train, int[] test) {
    }

    /** {@code 0 .. n-1} in a random order (Fisher-Yates). */
    public static int[] shuffled(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** Parses {@code SIZE} lines of 64 pixel values 0..16 and a label 0..9, comma-separated. */
    static Digits read(InputStream gunzipped) throws IOException {
        float[][] images = new float[SIZE][PIXELS];
        int[] labels = new int[SIZE];
        BufferedReader reader = new BufferedReader(new InputStreamReader(gunzipped, StandardCharsets.US_ASCII));
        for (int row = 0; row < SIZE; row++) {
            String line = reader.readLine();
            if (line == null) {
                throw new IOException("digits: " + RESOURCE + " ends after " + row + " lines, expected " + SIZE);
            }
            String[] fields = line.split(",");
            if (fields.length != PIXELS + 1) {
                throw new IOException("digits: line " + (row + 1) + " has " + fields.length + " fields, expected "
                        + (PIXELS + 1));
            }
            for (int p = 0; p < PIXELS; p++) {
                images[row][p] = field(fields[p], 16, row, p) / 16f;
            }
            labels[row] = field(fields[PIXELS], CLASSES - 1, row, PIXELS);
        }
        return new Digits(images, labels);
    }

    private static int field(String text, int max, int row, int column) throws IOException {
        int value;
        try {
            value = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IOException("digits: line " + (row + 1) + " field " + (column + 1) + " is not an integer: '"
                    + text + "'", e);
        }
        if (value < 0 || value > max) {
            throw new IOException("digits: line " + (row + 1) + " field " + (column + 1) + " is " + value
                    + ", outside 0.." + max);
        }
        return value;
    }
}
