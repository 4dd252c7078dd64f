package dev.adjoint.cpu;

import dev.adjoint.core.DType;
import java.lang.reflect.Array;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The arrays of released CPU storages, kept for later results to reuse: a training loop allocates
 * the same shapes every step, and a recycled array is already in the process's pages, where a fresh
 * one must be zeroed by the JVM and faulted in by the OS. NumPy keeps a similar cache of freed
 * buffers; PyTorch's CPU allocator leaves it to malloc.
 *
 * <p>A float request first looks at the last {@link #RECENT} float arrays released: the newest of
 * those long enough, and at most {@link #FIT_RATIO} times too long, is still in cache. A network of
 * differently shaped layers then writes each result where a layer just before it read, as ONNX
 * Runtime's arena does, instead of into the array of its own shape, which the last inference
 * touched and has left in memory: MobileNet-v2's 112x112 1x1 layer took 0.31 ms on the cold array
 * of its shape and 0.20 ms on a just-released one (docs/benchmarks.md, stop 32). So a float
 * storage's array may be longer than its size; float kernels bound every loop by the size. Integer
 * and boolean arrays are only reused at their exact length (index kernels read their array's).
 *
 * <p>Otherwise arrays are kept per exact length and bounded: at most {@link #PER_LENGTH} arrays of
 * one length and {@code adjoint.cpu.poolBytes} bytes in all (default: an eighth of the maximum
 * heap, at most 512 MiB); what does not fit is left to the garbage collector. Arrays under
 * {@link #MIN_LENGTH} elements are not pooled: the JVM allocates those from its thread-local
 * buffer faster than a pool could hand them out.
 *
 * <p>Only arrays whose storage was released go in, and a storage gives up its array when it is
 * released, so an array in the pool is referenced by nothing else. Thread-safe.
 */
final class BufferPool {
    static final int MIN_LENGTH = 64;
    static final int PER_LENGTH = 32;
    /** How many of the latest float releases a request looks through for an array in cache. */
    static final int RECENT = 16;
    /**
     * The most times longer than a request a recent array may be: a result kept for long holds at most twice its
     * size. Four measured no faster on MobileNet-v2, eight neither.
     */
    static final int FIT_RATIO = 2;

    private final long maxBytes;
    private final Map<Integer, ArrayDeque<Object>>[] lists;
    /** The latest float arrays released (per dtype, newest last), each also in its length's list. */
    private final ArrayDeque<Object>[] recent;
    private long bytes;
    private long hits;
    private long misses;

    @SuppressWarnings({"unchecked", "rawtypes"})  // an array of a generic type can only be created raw
    BufferPool(long maxBytes) {
        this.maxBytes = maxBytes;
        this.lists = new Map[DType.values().length];
        this.recent = new ArrayDeque[DType.values().length];
        for (int i = 0; i < lists.length; i++) {
            lists[i] = new HashMap<>();
            recent[i] = new ArrayDeque<>();
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

    /**
     * A recycled array of {@code dtype} for {@code length} elements, or null; not zeroed. Exactly {@code length} long
     * for integer and boolean dtypes; a float array may be up to {@link #FIT_RATIO} times longer.
     */
    Object take(DType dtype, int length) {
        if (length < MIN_LENGTH) {
            return null;
        }
        synchronized (this) {
            Object array = dtype.isFloating() ? recentFit(dtype, length) : null;
            if (array == null) {
                ArrayDeque<Object> list = lists[dtype.ordinal()].get(length);
                array = list == null ? null : list.pollLast();
                if (array != null) {
                    removeIdentical(recent[dtype.ordinal()], array);
                }
            }
            if (array == null) {
                misses++;
                return null;
            }
            hits++;
            bytes -= bytes(dtype, Array.getLength(array));
            return array;
        }
    }

    /** The newest of the recent releases with {@code length} to {@code FIT_RATIO * length} elements, taken out. */
    private Object recentFit(DType dtype, int length) {
        Iterator<Object> newestFirst = recent[dtype.ordinal()].descendingIterator();
        while (newestFirst.hasNext()) {
            Object array = newestFirst.next();
            int arrayLength = Array.getLength(array);
            if (arrayLength >= length && arrayLength <= (long) FIT_RATIO * length) {
                newestFirst.remove();
                removeIdentical(lists[dtype.ordinal()].get(arrayLength), array);
                return array;
            }
        }
        return null;
    }

    /** Removes {@code array} itself (arrays compare by identity) from {@code list}. */
    private static void removeIdentical(ArrayDeque<Object> list, Object array) {
        for (Iterator<Object> it = list.descendingIterator(); it.hasNext(); ) {
            if (it.next() == array) {
                it.remove();
                return;
            }
        }
    }

    /** Offers the array of a released storage for reuse; dropped when the pool is full. */
    void give(DType dtype, Object array) {
        int length = Array.getLength(array);
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
            if (dtype.isFloating()) {
                ArrayDeque<Object> latest = recent[dtype.ordinal()];
                latest.addLast(array);
                if (latest.size() > RECENT) {
                    latest.pollFirst();
                }
            }
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
        for (ArrayDeque<Object> latest : recent) {
            latest.clear();
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
