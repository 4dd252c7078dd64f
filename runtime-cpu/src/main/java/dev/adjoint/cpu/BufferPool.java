package dev.adjoint.cpu;

import dev.adjoint.core.DType;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The arrays of released CPU storages, kept for results of the same type and length to reuse: a
 * training loop allocates the same shapes every step, and a recycled array is already in cache and
 * in the process's pages, where a fresh one must be zeroed by the JVM and faulted in by the OS.
 * NumPy keeps a similar cache of freed buffers; PyTorch's CPU allocator leaves it to malloc.
 *
 * <p>Lists are kept per exact length (a result's array is exactly its size, as kernels assume) and
 * bounded: at most {@link #PER_LENGTH} arrays of one length and {@code adjoint.cpu.poolBytes} bytes
 * in all (default: an eighth of the maximum heap, at most 512 MiB); what does not fit is left to the
 * garbage collector. Arrays under {@link #MIN_LENGTH} elements are not pooled: the JVM allocates
 * those from its thread-local buffer faster than a pool could hand them out.
 *
 * <p>Only arrays whose storage was released go in, and a storage gives up its array when it is
 * released, so an array in the pool is referenced by nothing else. Thread-safe.
 */
final class BufferPool {
    static final int MIN_LENGTH = 64;
    static final int PER_LENGTH = 32;

    private final long maxBytes;
    private final Map<Integer, ArrayDeque<Object>>[] lists;
    private long bytes;
    private long hits;
    private long misses;

    @SuppressWarnings({"unchecked", "rawtypes"})  // an array of a generic type can only be created raw
    BufferPool(long maxBytes) {
        this.maxBytes = maxBytes;
        this.lists = new Map[DType.values().length];
        for (int i = 0; i < lists.length; i++) {
            lists[i] = new HashMap<>();
        }
    }

    /** The pool size the {@code adjoint.cpu.poolBytes} property asks for, or the default. */
    static long configuredBytes() {
        String property = System.getProperty("adjoint.cpu.poolBytes");
        if (property != null) {
            try {
                return Long.parseLong(property.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("adjoint.cpu.poolBytes must be a number of bytes, got '" + property
                        + "'", e);
            }
        }
        return Math.min(512L << 20, Runtime.getRuntime().maxMemory() / 8);
    }

    /** A recycled array of {@code dtype} and exactly {@code length} elements, or null; not zeroed. */
    Object take(DType dtype, int length) {
        if (length < MIN_LENGTH) {
            return null;
        }
        synchronized (this) {
            ArrayDeque<Object> list = lists[dtype.ordinal()].get(length);
            Object array = list == null ? null : list.pollLast();
            if (array == null) {
                misses++;
                return null;
            }
            hits++;
            bytes -= bytes(dtype, length);
            return array;
        }
    }

    /** Offers the array of a released storage for reuse; dropped when the pool is full. */
    void give(DType dtype, Object array, int length) {
        if (length < MIN_LENGTH) {
            return;
        }
        long size = bytes(dtype, length);
        synchronized (this) {
            if (bytes + size > maxBytes) {
                return;
            }
            ArrayDeque<Object> list = lists[dtype.ordinal()].computeIfAbsent(length, n -> new ArrayDeque<>());
            if (list.size() >= PER_LENGTH) {
                return;
            }
            list.addLast(array);
            bytes += size;
        }
    }

    /** Bytes held for reuse now. */
    synchronized long bytes() {
        return bytes;
    }

    /** Results served from the pool so far. */
    synchronized long hits() {
        return hits;
    }

    /** Requests the pool could not serve so far (arrays under {@link #MIN_LENGTH} not counted). */
    synchronized long misses() {
        return misses;
    }

    /** Drops every pooled array. */
    synchronized void clear() {
        for (Map<Integer, ArrayDeque<Object>> map : lists) {
            map.clear();
        }
        bytes = 0;
    }

    private static long bytes(DType dtype, int length) {
        return (long) length * switch (dtype) {
            case BOOL -> 1;
            case INT32, FLOAT32 -> 4;
            case INT64, FLOAT64 -> 8;
        };
    }
}
