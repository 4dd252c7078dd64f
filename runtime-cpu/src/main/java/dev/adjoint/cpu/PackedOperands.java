package dev.adjoint.cpu;

import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Supplier;

/**
 * Packed GEMM panels of storages used again and again as the same operand, typically constant
 * weights: a {@code Linear} layer's matrix, a convolution's filters. The first product that reads a
 * storage as a given operand (A or B, with given shape and strides) only notes it; the second packs
 * it once into {@link GemmF32Vector.Packed} panels, and every later product reads those panels
 * instead of packing again. Activations, read once, are thus never copied for nothing.
 *
 * <p>Entries are keyed by the storage object itself and held weakly, so they go when the storage
 * goes; a recycled array that later backs another storage is a different key. A storage is
 * immutable after the op that made it, except for an in-place update: whoever writes a storage in
 * place must call {@link #written} first, which drops its panels so that the next product packs the
 * new values. The cache holds at most {@link #MAX_BYTES} of panels (property
 * {@code adjoint.cpu.packCacheMiB}, default 256; 0 turns it off); beyond that, products pack as if
 * it did not exist.
 */
final class PackedOperands {
    /** The system property that bounds the cache, in MiB. */
    static final String SIZE_PROPERTY = "adjoint.cpu.packCacheMiB";
    static final long MAX_BYTES = Long.getLong(SIZE_PROPERTY, 256L) << 20;
    /**
     * Operands smaller than this are packed by each product as before: packing them is cheap next to the
     * product, while the cache's bookkeeping and the copies of operands that change every step (a small model's
     * weights under training, its batches) made a 64-64-10 MLP's training step 0.16 ms slower.
     */
    static final long MIN_BYTES = 32L << 10;

    /** One way of reading a storage as an operand. */
    private record Use(boolean isA, int extent, int depth, int offset, int rs, int cs) {
    }

    /** Something other than GEMM panels derived from a storage and cached with it (see {@link #derived}). */
    private record Derived(Object value, long bytes) {
    }

    /**
     * Marks a use seen once and not packed yet; a fresh one each time, so that panels packed from
     * values read before a {@link #written} are never published under the mark made after it.
     */
    private static final class Seen {
    }

    private static final Map<CpuStorage, Map<Object, Object>> CACHE = new WeakHashMap<>();
    private static long bytes;

    private PackedOperands() {
    }

    /**
     * The packed panels of {@code storage} read as A ({@code isA}: {@code extent x depth}) or B
     * ({@code depth x extent}) from {@code offset} with row stride {@code rs} and column stride
     * {@code cs}, packing them if this use was seen before; null when the caller should pack as usual.
     */
    static GemmF32Vector.Packed floats(CpuStorage storage, boolean isA, int extent, int depth, int offset, int rs,
            int cs) {
        return floats(storage, isA, extent, depth, offset, rs, cs, MIN_BYTES);
    }

    /**
     * As {@link #floats(CpuStorage, boolean, int, int, int, int, int)}, keeping panels of at least {@code minBytes}:
     * an inference op's filters, used by every call, are worth keeping at any size.
     */
    static GemmF32Vector.Packed floats(CpuStorage storage, boolean isA, int extent, int depth, int offset, int rs,
            int cs, long minBytes) {
        if (MAX_BYTES <= 0 || packedBytes(isA, extent, depth) < minBytes) {
            return null;
        }
        Use use = new Use(isA, extent, depth, offset, rs, cs);
        Object seen;
        synchronized (CACHE) {
            Map<Object, Object> uses = CACHE.computeIfAbsent(storage, s -> new HashMap<>(2));
            Object found = uses.get(use);
            if (found instanceof GemmF32Vector.Packed packed) {
                return packed;
            }
            if (found == null) {
                uses.put(use, new Seen());
                return null;
            }
            seen = found;
            // Panels that would not fit are not packed at all: the product packs block by block as usual.
            if (bytes + packedBytes(isA, extent, depth) > MAX_BYTES) {
                bytes = recount();
                if (bytes + packedBytes(isA, extent, depth) > MAX_BYTES) {
                    return null;
                }
            }
        }
        // Seen before: pack outside the lock, then publish unless the storage was written meanwhile.
        GemmF32Vector.Packed packed = GemmF32Vector.pack(isA, extent, depth, storage.floats(), offset, rs, cs);
        long size = 4L * packed.data().length;
        synchronized (CACHE) {
            Map<Object, Object> uses = CACHE.get(storage);
            if (uses == null || uses.get(use) != seen) {
                return packed;  // written in between: use this product's copy once, keep nothing
            }
            if (bytes + size > MAX_BYTES) {
                bytes = recount();
                if (bytes + size > MAX_BYTES) {
                    return packed;
                }
            }
            uses.put(use, packed);
            bytes += size;
        }
        return packed;
    }

    /**
     * A value computed from {@code storage} (e.g. Winograd-transformed filters) under {@code key}, which
     * must be a value-equal record naming the computation; {@code valueBytes} is its size. Follows the panels'
     * rules: the first request only notes the key and returns null (the caller then computes into its own
     * scratch), the second calls {@code make} and keeps its result until {@link #written}, within the same
     * {@link #MAX_BYTES}; values under {@link #MIN_BYTES} are never kept.
     */
    static <T> T derived(CpuStorage storage, Record key, long valueBytes, Supplier<T> make) {
        if (MAX_BYTES <= 0 || valueBytes < MIN_BYTES) {
            return null;
        }
        Object seen;
        synchronized (CACHE) {
            Map<Object, Object> uses = CACHE.computeIfAbsent(storage, s -> new HashMap<>(2));
            Object found = uses.get(key);
            if (found instanceof Derived d) {
                @SuppressWarnings("unchecked")
                T value = (T) d.value();
                return value;
            }
            if (found == null) {
                uses.put(key, new Seen());
                return null;
            }
            seen = found;
            if (valueBytes + bytes > MAX_BYTES) {
                bytes = recount();
                if (valueBytes + bytes > MAX_BYTES) {
                    return null;
                }
            }
        }
        T value = make.get();
        synchronized (CACHE) {
            Map<Object, Object> uses = CACHE.get(storage);
            if (uses == null || uses.get(key) != seen) {
                return value;  // written in between: use it for this call only
            }
            if (bytes + valueBytes > MAX_BYTES) {
                bytes = recount();
                if (bytes + valueBytes > MAX_BYTES) {
                    return value;
                }
            }
            uses.put(key, new Derived(value, valueBytes));
            bytes += valueBytes;
        }
        return value;
    }

    private static long packedBytes(boolean isA, int extent, int depth) {
        int width = isA ? GemmF32Vector.MR : GemmF32Vector.NR;
        return 4L * Math.ceilDiv(extent, width) * width * depth;
    }

    /** Forgets everything packed from {@code storage}: call before writing it in place. */
    static void written(CpuStorage storage) {
        synchronized (CACHE) {
            Map<Object, Object> uses = CACHE.remove(storage);
            if (uses != null) {
                bytes -= bytesOf(uses);
            }
        }
    }

    /**
     * Bytes of panels and derived values held now for {@code storage}. Per storage, not in total: the total also
     * drops whenever the collector clears another storage's entries, so a test comparing totals before and after
     * could fail, or pass, for a reason of its own.
     */
    static long bytesHeld(CpuStorage storage) {
        synchronized (CACHE) {
            Map<Object, Object> uses = CACHE.get(storage);
            return uses == null ? 0 : bytesOf(uses);
        }
    }

    private static long recount() {
        long total = 0;
        for (Map<Object, Object> uses : CACHE.values()) {
            total += bytesOf(uses);
        }
        return total;
    }

    private static long bytesOf(Map<Object, Object> uses) {
        long total = 0;
        for (Object value : uses.values()) {
            if (value instanceof GemmF32Vector.Packed packed) {
                total += 4L * packed.data().length;
            } else if (value instanceof Derived d) {
                total += d.bytes();
            }
        }
        return total;
    }
}
