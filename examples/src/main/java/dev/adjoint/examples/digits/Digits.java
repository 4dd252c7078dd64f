package dev.adjoint.examples.digits;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
