package dev.adjoint.openvino.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.openvino.ir.ElementType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The .npy reader and writer against headers written by hand from NumPy's format description. */
class NpyTest {

    /** A version 1.0 file: magic, version, little-endian header length, the dict padded to 64 bytes, the data. */
    private static byte[] npy(String dict, byte[] data, int major) {
        int prefix = major == 1 ? 10 : 12;
        int total = prefix + dict.length() + 1;
        int padded = (total + 63) / 64 * 64;
        String header = dict + " ".repeat(padded - total) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        ByteBuffer len = ByteBuffer.allocate(prefix - 8).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            len.putShort((short) header.length());
        } else {
            len.putInt(header.length());
        }
        out.writeBytes(len.array());
        out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(data);
        return out.toByteArray();
    }

    @Test
    void readsWhatNumpyWrites() throws IOException {
        // np.save(f, np.arange(6, dtype='<i4').reshape(2, 3))
        ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) {
            data.putInt(i);
        }
        byte[] file = npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", data.array(), 1);
        // NumPy pads magic + length + dict + newline to a multiple of 64: 128 bytes here.
        assertEquals(128 + 24, file.length);
        OvTensor t = Npy.read(file, "a.npy");
        assertEquals(ElementType.I32, t.elementType());
        assertArrayEquals(new int[] {2, 3}, t.dims());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, t.toIntArray());
        // Our writer gives the same bytes.
        assertArrayEquals(file, Npy.toBytes(t));
    }

    @Test
    void bigEndianFortranOrderAndVersion2() throws IOException {
        // np.asfortranarray(np.arange(6.).reshape(2, 3)).astype('>f8'): memory holds columns 0 3 1 4 2 5.
        ByteBuffer data = ByteBuffer.allocate(48).order(ByteOrder.BIG_ENDIAN);
        for (double v : new double[] {0, 3, 1, 4, 2, 5}) {
            data.putDouble(v);
        }
        OvTensor t = Npy.read(npy("{'descr': '>f8', 'fortran_order': True, 'shape': (2, 3), }", data.array(), 2),
                "f.npy");
        assertEquals(ElementType.F64, t.elementType());
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5}, t.toDoubleArray());
        OvTensor scalar = Npy.read(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }",
                ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(2.5f).array(), 1), "s.npy");
        assertEquals(0, scalar.dims().length);
        assertEquals(2.5f, scalar.toFloatArray()[0]);
    }

    @Test
    void roundTripsEveryWrittenType() throws IOException {
        OvTensor[] values = {
            OvTensor.of(Tensor.of(new float[] {1.5f, -2, Float.NaN}, Shape.of(3))),
            OvTensor.of(Tensor.of(new double[] {1e-300, 2}, Shape.of(1, 2))),
            OvTensor.of(Tensor.of(new long[] {Long.MIN_VALUE, 7}, Shape.of(2))),
            OvTensor.ofU8(new byte[] {0, (byte) 255, 7}, 3),
            OvTensor.of(ElementType.I8, Tensor.of(new int[] {-128, 127}, Shape.of(2))),
            OvTensor.of(ElementType.F16, Tensor.of(new float[] {0.1f, 65504}, Shape.of(2))),
            OvTensor.of(Tensor.of(new boolean[] {true, false}, Shape.of(2, 1))),
            OvTensor.of(Tensor.of(new float[0], Shape.of(0, 4))),
        };
        for (OvTensor v : values) {
            OvTensor back = Npy.read(Npy.toBytes(v), "x.npy");
            assertEquals(v.elementType(), back.elementType());
            assertArrayEquals(v.dims(), back.dims());
            assertArrayEquals(v.toBytes(), back.toBytes(), v.toString());
        }
    }

    @Test
    void malformedFilesAreNamed() {
        IOException magic = assertThrows(IOException.class, () -> Npy.read("hello world".getBytes(), "bad.npy"));
        assertEquals("bad.npy: not a .npy file (no \\x93NUMPY magic)", magic.getMessage());
        IOException complex = assertThrows(IOException.class, () -> Npy.read(
                npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new byte[8], 1), "c.npy"));
        assertEquals("c.npy: dtype '<c8' is not supported (f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1 are)",
                complex.getMessage());
        IOException object = assertThrows(IOException.class, () -> Npy.read(
                npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", new byte[8], 1), "o.npy"));
        assertTrue(object.getMessage().startsWith("o.npy: the header has no supported 'descr'"), object.getMessage());
        IOException truncated = assertThrows(IOException.class, () -> Npy.read(
                npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", new byte[12], 1), "t.npy"));
        assertEquals("t.npy: shape [2, 2] of <f4 needs 16 bytes of data, the file has 12", truncated.getMessage());
        byte[] v4 = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4], 1);
        v4[6] = 4;
        IOException version = assertThrows(IOException.class, () -> Npy.read(v4, "v.npy"));
        assertEquals("v.npy: .npy version 4.0 is not supported (1.0, 2.0 and 3.0 are)", version.getMessage());
    }
}
