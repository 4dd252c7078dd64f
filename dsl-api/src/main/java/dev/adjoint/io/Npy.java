package dev.adjoint.io;

import dev.adjoint.Tensor;
import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format (versions 1.0, 2.0 and 3.0, as {@code numpy.lib.format} documents it): a magic
 * string, a header that is a Python dict literal ({@code descr}, {@code fortran_order}, {@code shape}), then the
 * raw data. Reads little- and big-endian {@code f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1} in C or Fortran order and
 * writes little-endian C order, as {@code numpy.save} does. No maintained {@code .npy} library is on Maven
 * Central, so this is our own; it is the one codec of the project (checkpoints and the CLI's inputs use it).
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final Set<String> DTYPES = Set.of("f2", "f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4",
            "u8", "b1");

    private Npy() {
    }

    /**
     * Parses {@code bytes} of a {@code .npy} file.
     *
     * @param source the file's name, for messages
     * @throws IOException naming {@code source} and what is wrong: the magic, the version, the header, the dtype,
     *     the shape or the data length
     */
    public static NpyArray parse(byte[] bytes, String source) throws IOException {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new IOException(source + ": not a .npy file (no \\x93NUMPY magic)");
        }
        int major = bytes[6] & 0xFF;
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength;
        int headerStart;
        switch (major) {
            case 1 -> {
                headerLength = b.getShort(8) & 0xFFFF;
                headerStart = 10;
            }
            case 2, 3 -> {
                if (bytes.length < 12) {
                    throw new IOException(source + ": truncated .npy header");
                }
                headerLength = b.getInt(8) & 0xFFFFFFFFL;
                headerStart = 12;
            }
            default -> throw new IOException(source + ": .npy version " + major + "." + (bytes[7] & 0xFF)
                    + " is not supported (1.0, 2.0 and 3.0 are)");
        }
        if (headerStart + headerLength > bytes.length) {
            throw new IOException(source + ": the header says " + headerLength + " bytes but the file is "
                    + bytes.length + " bytes long");
        }
        String header = new String(bytes, headerStart, (int) headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        if (!d.find()) {
            throw new IOException(source + ": the header has no supported 'descr' (a numeric dtype such as '<f4'): "
                    + header.strip());
        }
        String dtype = d.group(2) + d.group(3);
        if (!DTYPES.contains(dtype)) {
            throw new IOException(source + ": dtype '" + d.group(1) + dtype + "' is not supported (f2 f4 f8 i1 i2 i4"
                    + " i8 u1 u2 u4 u8 b1 are)");
        }
        boolean bigEndian = d.group(1).equals(">");
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!f.find() || !s.find()) {
            throw new IOException(source + ": the header lacks 'fortran_order' or 'shape': " + header.strip());
        }
        boolean fortran = f.group(1).equals("True");
        long[] shape = parseShape(s.group(1), source);
        long count = 1;
        for (long dim : shape) {
            count = Math.multiplyExact(count, dim);
        }
        int width = NpyArray.width(dtype);
        long need = Math.multiplyExact(count, width);
        int dataStart = (int) (headerStart + headerLength);
        if (bytes.length - dataStart != need) {
            throw new IOException(source + ": shape " + Arrays.toString(shape) + " of " + d.group(1) + dtype
                    + " needs " + need + " bytes of data, the file has " + (bytes.length - dataStart));
        }
        byte[] data = Arrays.copyOfRange(bytes, dataStart, bytes.length);
        if (bigEndian && width > 1) {
            for (int i = 0; i < data.length; i += width) {
                for (int j = 0; j < width / 2; j++) {
                    byte t = data[i + j];
                    data[i + j] = data[i + width - 1 - j];
                    data[i + width - 1 - j] = t;
                }
            }
        }
        if (fortran && shape.length > 1) {
            data = fortranToC(data, shape, width);
        }
        return new NpyArray(dtype, shape, data);
    }

    /** Reorders column-major elements into row-major ones. */
    private static byte[] fortranToC(byte[] data, long[] shape, int width) {
        int rank = shape.length;
        byte[] out = new byte[data.length];
        long[] fortranStrides = new long[rank];
        long stride = 1;
        for (int axis = 0; axis < rank; axis++) {
            fortranStrides[axis] = stride;
            stride *= shape[axis];
        }
        long[] index = new long[rank];
        int elements = data.length / width;
        for (int c = 0; c < elements; c++) {
            long f = 0;
            for (int axis = 0; axis < rank; axis++) {
                f += index[axis] * fortranStrides[axis];
            }
            System.arraycopy(data, (int) f * width, out, c * width, width);
            for (int axis = rank - 1; axis >= 0 && ++index[axis] == shape[axis]; axis--) {
                index[axis] = 0;
            }
        }
        return out;
    }

    private static long[] parseShape(String text, String source) throws IOException {
        List<Long> dims = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            try {
                long v = Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
                if (v < 0 || v > Integer.MAX_VALUE) {
                    throw new NumberFormatException();
                }
                dims.add(v);
            } catch (NumberFormatException e) {
                throw new IOException(source + ": shape (" + text + ") is not a tuple of non-negative integers");
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    /** The {@code .npy} bytes of {@code array}: version 1.0 (2.0 for a header over 64 KiB), little-endian, C order. */
    public static byte[] format(NpyArray array) {
        String order = array.dtype().equals("b1") || NpyArray.width(array.dtype()) == 1 ? "|" : "<";
        StringBuilder shape = new StringBuilder("(");
        long[] dims = array.shape();
        for (int i = 0; i < dims.length; i++) {
            shape.append(dims[i]).append(dims.length == 1 ? "," : i + 1 < dims.length ? ", " : "");
        }
        shape.append(')');
        String dict = "{'descr': '" + order + array.dtype() + "', 'fortran_order': False, 'shape': " + shape + ", }";
        byte[] data = array.data();
        // The header (magic + lengths + dict + padding + newline) is a multiple of 64 bytes.
        int prefix = dict.length() + 1 > 65535 - 10 ? 12 : 10;
        int total = prefix + dict.length() + 1;
        int padded = (total + 63) / 64 * 64;
        String header = dict + " ".repeat(padded - total) + "\n";
        ByteBuffer b = ByteBuffer.allocate(padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) (prefix == 10 ? 1 : 2)).put((byte) 0);
        if (prefix == 10) {
            b.putShort((short) header.length());
        } else {
            b.putInt(header.length());
        }
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }

    /** The array holding {@code tensor}'s values, with the NumPy dtype of its {@link DType}. */
    public static NpyArray of(Tensor tensor) {
        int[] dims = tensor.shape().dims();
        long[] shape = Arrays.stream(dims).asLongStream().toArray();
        int n = Math.toIntExact(tensor.shape().size());
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(n, tensor.dtype().byteSize()))
                .order(ByteOrder.LITTLE_ENDIAN);
        String dtype = switch (tensor.dtype()) {
            case FLOAT32 -> {
                b.asFloatBuffer().put(tensor.toFloatArray());
                yield "f4";
            }
            case FLOAT64 -> {
                b.asDoubleBuffer().put(tensor.toDoubleArray());
                yield "f8";
            }
            case INT32 -> {
                b.asIntBuffer().put(tensor.toIntArray());
                yield "i4";
            }
            case INT64 -> {
                b.asLongBuffer().put(tensor.toLongArray());
                yield "i8";
            }
            case BOOL -> {
                for (boolean v : tensor.toBooleanArray()) {
                    b.put((byte) (v ? 1 : 0));
                }
                yield "b1";
            }
        };
        return new NpyArray(dtype, shape, b.array());
    }

    /**
     * The tensor holding {@code array}'s values: {@code f4 f8 i4 i8 b1} map to the {@link DType} of the same
     * width and kind.
     *
     * @param name the array's name, for messages
     * @throws IOException naming the array if its dtype has no {@link DType} (convert it in NumPy first)
     */
    public static Tensor toTensor(NpyArray array, String name) throws IOException {
        int[] dims = new int[array.shape().length];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = Math.toIntExact(array.shape()[i]);
        }
        Shape shape = Shape.of(dims);
        ByteBuffer b = ByteBuffer.wrap(array.data()).order(ByteOrder.LITTLE_ENDIAN);
        int n = Math.toIntExact(array.size());
        return switch (array.dtype()) {
            case "f4" -> {
                float[] v = new float[n];
                b.asFloatBuffer().get(v);
                yield Tensor.of(v, shape);
            }
            case "f8" -> {
                double[] v = new double[n];
                b.asDoubleBuffer().get(v);
                yield Tensor.of(v, shape);
            }
            case "i4" -> {
                int[] v = new int[n];
                b.asIntBuffer().get(v);
                yield Tensor.of(v, shape);
            }
            case "i8" -> {
                long[] v = new long[n];
                b.asLongBuffer().get(v);
                yield Tensor.of(v, shape);
            }
            case "b1" -> {
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) {
                    v[i] = b.get(i) != 0;
                }
                yield Tensor.of(v, shape);
            }
            default -> throw new IOException(name + ": dtype " + array.dtype()
                    + " has no tensor dtype (f4 f8 i4 i8 b1 do; convert it with numpy's astype first)");
        };
    }
}
