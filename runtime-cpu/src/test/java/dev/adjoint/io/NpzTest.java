package dev.adjoint.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Tensor;
import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The .npz codec against archives NumPy wrote (resources/npz/make_fixtures.py), and round trips of our own. */
class NpzTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"numpy_savez.npz", "numpy_savez_compressed.npz"})
    void readsWhatNumpyWrites(String fixture) throws IOException, URISyntaxException {
        Map<String, NpyArray> arrays = Npz.read(Path.of(getClass().getResource("/npz/" + fixture).toURI()));
        assertEquals(List.of("a", "fortran", "big_endian", "ints", "flags", "scalar"), List.copyOf(arrays.keySet()));

        Tensor a = Npy.toTensor(arrays.get("a"), "a");
        assertEquals(DType.FLOAT32, a.dtype());
        assertEquals(Shape.of(2, 3), a.shape());
        assertArrayEquals(new float[] {0, 0.25f, 0.5f, 0.75f, 1, 1.25f}, a.toFloatArray());

        // np.asfortranarray(np.arange(12).reshape(3, 4) * 1.5): C order of the values is 0, 1.5, 3, ...
        Tensor fortran = Npy.toTensor(arrays.get("fortran"), "fortran");
        assertEquals(Shape.of(3, 4), fortran.shape());
        double[] expected = new double[12];
        for (int i = 0; i < 12; i++) {
            expected[i] = i * 1.5;
        }
        assertArrayEquals(expected, fortran.toDoubleArray());

        assertArrayEquals(new float[] {-2, -1, 0, 1, 2}, Npy.toTensor(arrays.get("big_endian"), "b").toFloatArray());
        assertArrayEquals(new long[] {-3, 0, 7}, Npy.toTensor(arrays.get("ints"), "ints").toLongArray());
        assertArrayEquals(new boolean[] {true, false, true}, Npy.toTensor(arrays.get("flags"), "f").toBooleanArray());
        Tensor scalar = Npy.toTensor(arrays.get("scalar"), "scalar");
        assertEquals(0, scalar.shape().rank());
        assertEquals(2.5, scalar.item());
    }

    @Test
    void roundTripsEveryDtypeAndEdgeShapes() throws IOException {
        SplittableRandom random = new SplittableRandom(11);
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        List<Tensor> tensors = List.of(
                Tensor.randomNormal(random, 0, 1, 3, 5),
                Tensor.randomNormal(random, 0, 1, 7).cast(DType.FLOAT64),
                Tensor.of(new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE}, Shape.of(4)),
                Tensor.of(new long[] {Long.MIN_VALUE, Long.MAX_VALUE}, Shape.of(2, 1)),
                Tensor.of(new boolean[] {true, false}, Shape.of(2)),
                Tensor.of(new float[] {Float.NaN, Float.POSITIVE_INFINITY, -0f}, Shape.of(3)),
                Tensor.zeros(0, 4),
                Tensor.of(1.5));
        for (int i = 0; i < tensors.size(); i++) {
            arrays.put("t" + i + "/nested name", Npy.of(tensors.get(i)));
        }
        Path file = dir.resolve("round.npz");
        Npz.write(file, arrays);
        Map<String, NpyArray> back = Npz.read(file);
        assertEquals(arrays, back);
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = Npy.toTensor(back.get("t" + i + "/nested name"), "t");
            assertEquals(tensors.get(i).dtype(), t.dtype());
            assertEquals(tensors.get(i).shape(), t.shape());
            assertEquals(tensors.get(i).toString(), t.toString());
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void badArchivesNameTheFileAndTheEntry() throws IOException {
        Path text = dir.resolve("notes.npz");
        Files.writeString(text, "not a zip");
        IOException notZip = assertThrows(IOException.class, () -> Npz.read(text));
        assertTrue(notZip.getMessage().contains("notes.npz"), notZip.getMessage());

        Path truncated = dir.resolve("truncated.npz");
        byte[] npy = Npy.format(Npy.of(Tensor.zeros(4)));
        Npz.write(truncated, Map.of("x", Npy.parse(npy, "x")));
        byte[] bytes = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThrows(IOException.class, () -> Npz.read(truncated));

        IOException version = assertThrows(IOException.class, () -> Npy.parse(new byte[] {(byte) 0x93, 'N', 'U',
                'M', 'P', 'Y', 9, 0, 0, 0}, "v.npy"));
        assertTrue(version.getMessage().contains("v.npy: .npy version 9.0"), version.getMessage());
        IOException unsigned = assertThrows(IOException.class, () -> Npy.toTensor(
                new NpyArray("u2", new long[] {1}, new byte[2]), "pixels"));
        assertTrue(unsigned.getMessage().startsWith("pixels: dtype u2 has no tensor dtype"), unsigned.getMessage());
    }
}
