package dev.adjoint.openvino.cli;

import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.openvino.ir.ElementType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format (versions 1.0, 2.0 and 3.0, as {@code numpy.lib.format} documents it): a magic string,
 * a header that is a Python dict literal ({@code descr}, {@code fortran_order}, {@code shape}), then the raw data.
 * Reads little- and big-endian {@code f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1}, C or Fortran order; writes
 * little-endian, C order. No maintained .npy library is on Maven Central, so this is our own.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
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
        String kind = d.group(2) + d.group(3);
        ElementType type = TYPES.get(kind);
        if (type == null) {
            throw new IOException(source + ": dtype '" + d.group(1) + kind + "' is not supported (f2 f4 f8 i1 i2 i4 i8"
                    + " u1 u2 u4 u8 b1 are)");
        }
        boolean bigEndian = d.group(1).equals(">");
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!f.find() || !s.find()) {
            throw new IOException(source + ": the header lacks 'fortran_order' or 'shape': " + header.strip());
        }
        boolean fortran = f.group(1).equals("True");
        int[] shape = parseShape(s.group(1), source);
        long count = 1;
        for (int dim : shape) {
            count = Math.multiplyExact(count, dim);
        }
        int width = Integer.parseInt(d.group(3));
        long need = Math.multiplyExact(count, width);
        int dataStart = (int) (headerStart + headerLength);
        if (bytes.length - dataStart != need) {
            throw new IOException(source + ": shape " + Arrays.toString(shape) + " of " + d.group(1) + kind + " needs "
                    + need + " bytes of data, the file has " + (bytes.length - dataStart));
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
        if (!fortran || shape.length < 2) {
            return OvTensor.fromBytes(type, shape, ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN));
        }
        // Fortran order is C order of the reversed shape, transposed back.
        int[] reversed = new int[shape.length];
        int[] perm = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            reversed[i] = shape[shape.length - 1 - i];
            perm[i] = shape.length - 1 - i;
        }
        OvTensor t = OvTensor.fromBytes(type, reversed, ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN));
        return OvTensor.of(type, t.tensor().permute(perm));
    }

    private static int[] parseShape(String text, String source) throws IOException {
        List<Integer> dims = new ArrayList<>();
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
                dims.add((int) v);
            } catch (NumberFormatException e) {
                throw new IOException(source + ": shape (" + text + ") is not a tuple of non-negative integers");
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The .npy bytes of {@code t}: version 1.0 (2.0 for a header over 64 KiB), little-endian, C order. */
    public static byte[] toBytes(OvTensor t) {
        String descr = switch (t.elementType()) {
            case F16 -> "<f2";
            case F32 -> "<f4";
            case F64 -> "<f8";
            case I8 -> "|i1";
            case I16 -> "<i2";
            case I32 -> "<i4";
            case I64 -> "<i8";
            case U8 -> "|u1";
            case U16 -> "<u2";
            case U32 -> "<u4";
            case U64 -> "<u8";
            case BOOLEAN -> "|b1";
            default -> throw new IllegalArgumentException("element type " + t.elementType() + " has no .npy dtype");
        };
        StringBuilder shape = new StringBuilder("(");
        int[] dims = t.dims();
        for (int i = 0; i < dims.length; i++) {
            shape.append(dims[i]).append(dims.length == 1 ? "," : i + 1 < dims.length ? ", " : "");
        }
        shape.append(')');
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        byte[] data = t.toBytes();
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

    public static void write(OvTensor t, Path file) throws IOException {
        Files.write(file, toBytes(t));
    }
}
