package dev.adjoint.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * NumPy's {@code .npz} archive: a zip file holding one {@code NAME.npy} per array, as {@code numpy.savez} writes
 * it and {@code numpy.load} reads it. Reads stored and deflated entries ({@code savez_compressed}); writes stored
 * entries, like {@code savez}.
 */
public final class Npz {

    private Npz() {
    }

    /**
     * Reads every array of {@code file}, by name (the entry name without {@code .npy}), in the archive's order.
     *
     * @throws IOException naming the file and the entry that is not a valid {@code .npy} array
     */
    public static Map<String, NpyArray> read(Path file) throws IOException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                String name = entry.getName();
                if (!name.endsWith(".npy")) {
                    throw new IOException(file + ": entry '" + name + "' is not a .npy array");
                }
                byte[] bytes;
                try (var in = zip.getInputStream(entry)) {
                    bytes = in.readAllBytes();
                }
                arrays.put(name.substring(0, name.length() - 4), Npy.parse(bytes, file + "!" + name));
            }
        } catch (NoSuchFileException e) {
            throw e;
        } catch (ZipException e) {
            throw new IOException(file + ": not an .npz (zip) archive: " + e.getMessage(), e);
        }
        return arrays;
    }

    /**
     * Writes {@code arrays} to {@code file}, replacing it only once the whole archive is written (a temporary
     * file beside it is moved over it), so a failure never leaves a half-written checkpoint behind.
     */
    public static void write(Path file, Map<String, NpyArray> arrays) throws IOException {
        Path target = file.toAbsolutePath();
        Path temporary = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".partial");
        try {
            try (OutputStream out = Files.newOutputStream(temporary); ZipOutputStream zip = new ZipOutputStream(out)) {
                for (Map.Entry<String, NpyArray> array : arrays.entrySet()) {
                    byte[] bytes = Npy.format(array.getValue());
                    ZipEntry entry = new ZipEntry(array.getKey() + ".npy");
                    CRC32 crc = new CRC32();
                    crc.update(bytes);
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(bytes.length);
                    entry.setCompressedSize(bytes.length);
                    entry.setCrc(crc.getValue());
                    zip.putNextEntry(entry);
                    zip.write(bytes);
                    zip.closeEntry();
                }
            }
            try {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
