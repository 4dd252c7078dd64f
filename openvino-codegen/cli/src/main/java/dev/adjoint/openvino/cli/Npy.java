package dev.adjoint.openvino.cli;

import dev.adjoint.io.NpyArray;
import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.openvino.ir.ElementType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code .npy} files as {@link OvTensor}s, for the CLI's inputs and outputs: the format itself is dsl-api's
 * {@link dev.adjoint.io.Npy} (one codec for checkpoints and the CLI); this maps NumPy's dtypes to IR element
 * types, including the narrow ones tensors do not have ({@code f2 i1 i2 u1 u2 u4 u8}).
 */
public final class Npy {
    private static final Map<String, ElementType> TYPES = Map.ofEntries(Map.entry("f2", ElementType.F16),
            Map.entry("f4", ElementType.F32), Map.entry("f8", ElementType.F64), Map.entry("i1", ElementType.I8),
            Map.entry("i2", ElementType.I16), Map.entry("i4", ElementType.I32), Map.entry("i8", ElementType.I64),
            Map.entry("u1", ElementType.U8), Map.entry("u2", ElementType.U16), Map.entry("u4", ElementType.U32),
            Map.entry("u8", ElementType.U64), Map.entry("b1", ElementType.BOOLEAN));

    private Npy() {
    }

    public static OvTensor read(Path file) throws IOException {
        return read(Files.readAllBytes(file), file.toString());
    }

    /**
     * Parses {@code bytes} of a {@code .npy} file.
     *
     * @throws IOException naming {@code source} and what is wrong: the magic, the version, the header, the dtype,
     *     the shape or the data length
     */
    public static OvTensor read(byte[] bytes, String source) throws IOException {
        NpyArray array = dev.adjoint.io.Npy.parse(bytes, source);
        int[] dims = Arrays.stream(array.shape()).mapToInt(Math::toIntExact).toArray();
        return OvTensor.fromBytes(TYPES.get(array.dtype()), dims,
                ByteBuffer.wrap(array.data()).order(ByteOrder.LITTLE_ENDIAN));
    }

    /** The .npy bytes of {@code t}: version 1.0 (2.0 for a header over 64 KiB), little-endian, C order. */
    public static byte[] toBytes(OvTensor t) {
        String dtype = TYPES.entrySet().stream().filter(e -> e.getValue() == t.elementType()).map(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new IllegalArgumentException(
                        "element type " + t.elementType() + " has no .npy dtype"));
        long[] shape = Arrays.stream(t.dims()).asLongStream().toArray();
        return dev.adjoint.io.Npy.format(new NpyArray(dtype, shape, t.toBytes()));
    }

    public static void write(OvTensor t, Path file) throws IOException {
        Files.write(file, toBytes(t));
    }
}
