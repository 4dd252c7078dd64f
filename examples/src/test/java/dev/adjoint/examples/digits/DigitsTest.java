package dev.adjoint.examples.digits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The shipped digits against numbers printed by scikit-learn 1.2.1's {@code load_digits()}. */
class DigitsTest {

    @Test
    void matchesScikitLearnsCopy() {
        Digits digits = Digits.load();
        assertEquals(Digits.SIZE, digits.images().length);
        assertEquals(Digits.SIZE, digits.labels().length);
        int[] counts = new int[Digits.CLASSES];
        double pixelSum = 0;
        for (int i = 0; i < Digits.SIZE; i++) {
            assertEquals(Digits.PIXELS, digits.images()[i].length);
            counts[digits.labels()[i]]++;
            for (float p : digits.images()[i]) {
                pixelSum += p * 16;
            }
        }
        // np.bincount(load_digits().target) and load_digits().data.sum()
        assertArrayEquals(new int[] {178, 182, 177, 183, 181, 182, 181, 179, 174, 180}, counts);
        assertEquals(561718.0, pixelSum, 1e-6);
        // load_digits().data[1796], target 8
        int[] last = {0, 0, 10, 14, 8, 1, 0, 0, 0, 2, 16, 14, 6, 1, 0, 0, 0, 0, 15, 15, 8, 15, 0, 0, 0, 0, 5, 16, 16, 10,
            0, 0, 0, 0, 12, 15, 15, 12, 0, 0, 0, 4, 16, 6, 4, 16, 6, 0, 0, 8, 16, 10, 8, 16, 8, 0, 0, 1, 8, 12, 14, 12,
            1, 0};
        for (int p = 0; p < Digits.PIXELS; p++) {
            assertEquals(last[p] / 16f, digits.images()[Digits.SIZE - 1][p], "pixel " + p);
        }
        assertEquals(8, digits.labels()[Digits.SIZE - 1]);
    }

    @Test
    void aMalformedLineIsNamed() {
        String good = "0,".repeat(Digits.PIXELS) + "3\n";
        IOException shortFile = assertThrows(IOException.class, () -> read(good + good));
        assertEquals("digits: /digits/digits.csv.gz ends after 2 lines, expected 1797", shortFile.getMessage());
        IOException fields = assertThrows(IOException.class, () -> read(good + "1,2\n"));
        assertEquals("digits: line 2 has 2 fields, expected 65", fields.getMessage());
        IOException range = assertThrows(IOException.class, () -> read("17," + good.substring(2)));
        assertEquals("digits: line 1 field 1 is 17, outside 0..16", range.getMessage());
        IOException label = assertThrows(IOException.class, () -> read("0,".repeat(Digits.PIXELS) + "x\n"));
        assertEquals("digits: line 1 field 65 is not an integer: 'x'", label.getMessage());
    }

    private static Digits read(String text) throws IOException {
        return Digits.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
    }
}
