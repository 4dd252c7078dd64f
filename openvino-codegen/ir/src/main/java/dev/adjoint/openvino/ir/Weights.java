package dev.adjoint.openvino.ir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The bytes of a {@code .bin} file: memory-mapped (not copied) or held in a buffer; slices are bounds-checked. */
abstract sealed class Weights {
    abstract long size();

    /** {@code length} bytes from {@code offset}; the caller has checked the bounds against {@link #size()}. */
    abstract ByteBuffer slice(long offset, int length);

    static Weights map(Path bin) throws IOException {
        try (FileChannel ch = FileChannel.open(bin, StandardOpenOption.READ)) {
            long size = ch.size();
            // An automatic arena unmaps when the model's buffers become unreachable.
            MemorySegment segment = size == 0 ? MemorySegment.NULL
                    : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, Arena.ofAuto());
            return new Mapped(segment, size);
        }
    }

    static Weights of(ByteBuffer buffer) {
        return new InMemory(buffer.slice().order(ByteOrder.LITTLE_ENDIAN));
    }

    private static final class Mapped extends Weights {
        private final MemorySegment segment;
        private final long size;

        Mapped(MemorySegment segment, long size) {
            this.segment = segment;
            this.size = size;
        }

        @Override
        long size() {
            return size;
        }

        @Override
        ByteBuffer slice(long offset, int length) {
            if (length == 0) {
                return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
            }
            return segment.asSlice(offset, length).asByteBuffer().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private static final class InMemory extends Weights {
        private final ByteBuffer buffer;

        InMemory(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        @Override
        long size() {
            return buffer.capacity();
        }

        @Override
        ByteBuffer slice(long offset, int length) {
            return buffer.slice((int) offset, length).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
    }
}
