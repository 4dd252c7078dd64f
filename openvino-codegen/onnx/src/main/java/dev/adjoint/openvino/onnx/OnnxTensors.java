package dev.adjoint.openvino.onnx;

import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * ONNX tensors ({@code onnx.TensorProto}) as IR element types and little-endian bytes: {@code raw_data}, the typed
 * repeated fields, or external data files beside the model.
 */
public final class OnnxTensors {
    /** A tensor's type, dimensions and row-major little-endian bytes (exactly {@code count * bits / 8}). */
    public record Value(String name, ElementType type, long[] dims, ByteBuffer data) {
        /** The number of elements. */
        public long count() {
            long n = 1;
            for (long d : dims) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }

        @Override
        public String toString() {
            return name + " " + type.irName() + Arrays.toString(dims);
        }
    }

    private OnnxTensors() {
    }

    /**
     * The IR element type of ONNX's {@code TensorProto.DataType} number.
     *
     * @throws IllegalArgumentException for types IR has no counterpart for (string, complex, float8, float4)
     */
    public static ElementType elementType(int onnxType) {
        return switch (onnxType) {
            case 1 -> ElementType.F32;
            case 2 -> ElementType.U8;
            case 3 -> ElementType.I8;
            case 4 -> ElementType.U16;
            case 5 -> ElementType.I16;
            case 6 -> ElementType.I32;
            case 7 -> ElementType.I64;
            case 9 -> ElementType.BOOLEAN;
            case 10 -> ElementType.F16;
            case 11 -> ElementType.F64;
            case 12 -> ElementType.U32;
            case 13 -> ElementType.U64;
            case 16 -> ElementType.BF16;
            case 21 -> ElementType.U4;
            case 22 -> ElementType.I4;
            default -> throw new IllegalArgumentException("ONNX element type " + typeName(onnxType)
                    + " has no IR counterpart");
        };
    }

    /** ONNX's name of a {@code DataType} number, for messages. */
    public static String typeName(int onnxType) {
        TensorProto.DataType t = TensorProto.DataType.forNumber(onnxType);
        return t == null ? "#" + onnxType : t.name();
    }

    /**
     * Decodes a tensor. External data is read from {@code baseDir} (the model's folder); its {@code location} must
     * stay inside that folder.
     *
     * @throws IOException if external data cannot be read
     * @throws IllegalArgumentException if the tensor is malformed or of an unsupported type
     */
    public static Value read(TensorProto t, Path baseDir) throws IOException {
        String name = t.getName().isEmpty() ? "<unnamed>" : t.getName();
        if (t.getSegment().getBegin() != 0 || t.getSegment().getEnd() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "' is segmented, which is not supported");
        }
        ElementType type = elementType(t.getDataType());
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long count = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "' has a negative dimension " + d);
            }
            count = Math.multiplyExact(count, d);
        }
        long bytes = type.byteSize(count).orElseThrow(
                () -> new IllegalArgumentException("tensor '" + name + "' is too large"));
        if (bytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("tensor '" + name + "' is over 2 GiB, which is not supported");
        }
        ByteBuffer out;
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            out = external(t, name, baseDir, bytes);
        } else if (t.hasRawData()) {
            out = ByteBuffer.wrap(t.getRawData().toByteArray());
            if (out.remaining() != bytes) {
                throw new IllegalArgumentException("tensor '" + name + "' " + type.irName() + Arrays.toString(dims)
                        + " needs " + bytes + " bytes of raw_data, got " + out.remaining());
            }
        } else {
            out = typed(t, name, type, (int) count, (int) bytes);
        }
        return new Value(name, type, dims, out.order(ByteOrder.LITTLE_ENDIAN));
    }

    private static ByteBuffer typed(TensorProto t, String name, ElementType type, int count, int bytes) {
        // Check the number of values before allocating: the dims of a hostile file may promise gigabytes.
        int available = switch (type) {
            case F32 -> t.getFloatDataCount();
            case F64 -> t.getDoubleDataCount();
            case I64 -> t.getInt64DataCount();
            case U32, U64 -> t.getUint64DataCount();
            case I4, U4 -> (int) Math.min(Integer.MAX_VALUE, 2L * t.getInt32DataCount());
            default -> t.getInt32DataCount();
        };
        int wanted = type == ElementType.I4 || type == ElementType.U4 ? count + (count & 1) : count;
        if (available != wanted) {
            throw new IllegalArgumentException("tensor '" + name + "' needs " + count + " values, got " + available);
        }
        ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int given;
        switch (type) {
            case F32 -> {
                given = t.getFloatDataCount();
                for (int i = 0; i < Math.min(given, count); i++) {
                    b.putFloat(t.getFloatData(i));
                }
            }
            case F64 -> {
                given = t.getDoubleDataCount();
                for (int i = 0; i < Math.min(given, count); i++) {
                    b.putDouble(t.getDoubleData(i));
                }
            }
            case I64 -> {
                given = t.getInt64DataCount();
                for (int i = 0; i < Math.min(given, count); i++) {
                    b.putLong(t.getInt64Data(i));
                }
            }
            case U32, U64 -> {
                given = t.getUint64DataCount();
                for (int i = 0; i < Math.min(given, count); i++) {
                    if (type == ElementType.U32) {
                        b.putInt((int) t.getUint64Data(i));
                    } else {
                        b.putLong(t.getUint64Data(i));
                    }
                }
            }
            case I32, I16, U16, I8, U8, BOOLEAN, F16, BF16 -> {
                // int32_data holds these types one value per entry (f16/bf16 as their bit patterns).
                given = t.getInt32DataCount();
                for (int i = 0; i < Math.min(given, count); i++) {
                    int v = t.getInt32Data(i);
                    switch (type.bitWidth()) {
                        case 8 -> b.put((byte) v);
                        case 16 -> b.putShort((short) v);
                        default -> b.putInt(v);
                    }
                }
            }
            case I4, U4 -> {
                // Two 4-bit values per int32_data entry, low nibble first.
                given = t.getInt32DataCount() * 2;
                for (int i = 0; i < bytes && i < t.getInt32DataCount(); i++) {
                    b.put((byte) t.getInt32Data(i));
                }
                given = Math.min(given, count + (count & 1));
                count += count & 1;
            }
            default -> throw new IllegalArgumentException("tensor '" + name + "' of " + type + " is not supported");
        }
        if (given != count) {
            throw new IllegalArgumentException("tensor '" + name + "' needs " + count + " values, got " + given);
        }
        return b.flip();
    }

    private static ByteBuffer external(TensorProto t, String name, Path baseDir, long bytes) throws IOException {
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = parseSize(name, "offset", e.getValue());
                case "length" -> length = parseSize(name, "length", e.getValue());
                case "checksum" -> { }
                default -> throw new IllegalArgumentException("tensor '" + name + "': unknown external_data key '"
                        + e.getKey() + "'");
            }
        }
        if (location == null || location.isEmpty()) {
            throw new IllegalArgumentException("tensor '" + name + "' has external data without a location");
        }
        if (baseDir == null) {
            throw new IllegalArgumentException("tensor '" + name + "' has external data '" + location
                    + "' but the model was not read from a file");
        }
        Path base = baseDir.toAbsolutePath().normalize();
        Path file = base.resolve(location).normalize();
        if (!file.startsWith(base) || Path.of(location).isAbsolute()) {
            throw new IllegalArgumentException("tensor '" + name + "': external data location '" + location
                    + "' lies outside the model's folder");
        }
        if (length >= 0 && length != bytes) {
            throw new IllegalArgumentException("tensor '" + name + "' needs " + bytes + " bytes, external_data length"
                    + " is " + length);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (offset > ch.size() || bytes > ch.size() - offset) {
                throw new IllegalArgumentException("tensor '" + name + "': external data " + location + " holds "
                        + ch.size() + " bytes, need " + bytes + " at offset " + offset);
            }
            ByteBuffer b = ByteBuffer.allocate((int) bytes);
            while (b.hasRemaining()) {
                if (ch.read(b, offset + b.position()) < 0) {
                    throw new IOException(file + ": unexpected end of file");
                }
            }
            return b.flip();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("tensor '" + name + "': external data file " + location
                    + " does not exist (next to the model)", e);
        }
    }

    private static long parseSize(String name, String key, String value) {
        try {
            long v = Long.parseLong(value.strip());
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("tensor '" + name + "': external_data " + key + " '" + value
                    + "' is not a size");
        }
    }

    /** Reads a {@code .pb} file holding one {@code TensorProto} (the conformance cases' inputs and outputs). */
    public static Value readFile(Path pb) throws IOException {
        TensorProto t = TensorProto.parseFrom(Files.readAllBytes(pb));
        return read(t, pb.getParent());
    }
}
