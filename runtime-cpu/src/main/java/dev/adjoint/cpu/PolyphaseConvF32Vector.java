package dev.adjoint.cpu;

import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.LE;

import dev.adjoint.op.Conv2dSpec;
import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * A dense float32 convolution with few input channels, a network's stem (MobileNet's 3x3 stride-2 3 -> 32, ResNet's
 * 7x7 stride-2 3 -> 64): a GEMM of the filters ({@code out channels x channels * kh * kw}) and a B that is never
 * built. Each input plane is split once into its polyphase sub-planes ({@link DepthwiseConvF32Vector.Geometry}), in
 * which every tap of every output position reads a contiguous run, so row {@code p = (c, i, j)} of B is the run of
 * channel c's sub-planes from tap {@code (i, j)}'s offset, and the tiles ({@link GemmF32Vector#runsTile}) read it
 * there. Through im2col the product has a depth of only 27 (MobileNet) or 147 (ResNet) per output column, so
 * building each column of patches, a strided gather of every input value kh x kw times, cost as much as multiplying
 * it: MobileNet's stem took twice ONNX Runtime's time that way.
 *
 * <p>Output position {@code (y, x)} is flat position {@code y L + x} of the run (L the sub-planes' row length, at
 * least {@code ow}); the {@code L - ow} positions between rows are computed and dropped. Rows are computed a chunk
 * at a time into a scratch block of C, then copied out with the epilogue.
 */
final class PolyphaseConvF32Vector {
    /** The most input channels taken: beyond a stem's few, the im2col GEMM's patches are worth their packing. */
    static final int MAX_CHANNELS = 4;
    /** Flat output positions per chunk of C: 32 channels of them (128 KiB) stay in L2 until copied out. */
    private static final int CHUNK_POSITIONS = 1024;
    /** Chunks below this many multiply-adds in total stay on the calling thread. */
    private static final long PARALLEL_WORK = 1L << 20;
    /** The most values of polyphase planes one pass holds (64 MiB): a large batch goes through in groups of images. */
    private static final long MAX_PLANE_VALUES = 1L << 24;
    /**
     * The values of polyphase planes one pass aims at (1 MiB, a Zen 4 core's L2): as many images as fit, at least one,
     * so that a batch's planes are multiplied while they are still in cache, not after the whole batch was split.
     */
    private static final long PASS_PLANE_VALUES = 1L << 18;

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int V = SPECIES.length();
    private static final ThreadLocal<Planes> PLANES = new ThreadLocal<>();
    private static final ThreadLocal<float[]> CHUNK = new ThreadLocal<>();

    private PolyphaseConvF32Vector() {
    }

    /**
     * Whether this kernel takes the convolution: ungrouped, undilated, at most {@link #MAX_CHANNELS} input channels,
     * a depth that is one packed block, at least a tile's worth of output channels and positions, and an image whose
     * planes fit one pass.
     */
    static boolean applies(int channels, int groups, int outChannels, int kh, int kw, Conv2dSpec spec, int oh,
            int ow) {
        long imagePlanes = (long) channels * spec.strideH() * spec.strideW() * (oh + kh) * (ow + kw);
        return groups == 1 && channels <= MAX_CHANNELS && spec.dilationH() == 1 && spec.dilationW() == 1
                && channels * kh * kw <= GemmF32Vector.KC && outChannels >= GemmF32Vector.MR
                && (long) oh * ow >= GemmF32Vector.NR && imagePlanes <= MAX_PLANE_VALUES;
    }

    /**
     * Writes {@code out} ({@code batch x outChannels x oh x ow}) from {@code x} ({@code batch x channels x h x w}) and
     * the filters {@code w} ({@code outChannels x channels x kh x kw}), then the epilogue (when not null) for output
     * channels from 0.
     */
    static void conv(float[] x, int batch, int channels, int h, int w, CpuStorage weight, int outChannels, int kh,
            int kw, Conv2dSpec spec, int oh, int ow, GemmF32Vector.Epilogue epilogue, float[] out) {
        conv(x, 0, h * w, batch, channels, h, w, weight, outChannels, kh, kw, spec, oh, ow, epilogue, out, 0, oh * ow);
    }

    /**
     * As the form above, with input plane {@code p} (channel {@code p % channels} of image {@code p / channels}) from
     * {@code x[xOff + p * xPlaneStride]} and output plane {@code q} from {@code out[outOff + q * outPlaneStride]}: rows
     * of an image's planes, in place, into the rows of a band ({@code DepthwiseBlockF32}).
     */
    static void conv(float[] x, int xOff, int xPlaneStride, int batch, int channels, int h, int w, CpuStorage weight,
            int outChannels, int kh, int kw, Conv2dSpec spec, int oh, int ow, GemmF32Vector.Epilogue epilogue,
            float[] out, int outOff, int outPlaneStride) {
        int depth = channels * kh * kw;
        // Kept at any size: packing MobileNet's 3.4 KiB stem filters again in each band of its first block took 4% of
        // the block's samples.
        GemmF32Vector.Packed filters = PackedOperands.floats(weight, true, outChannels, depth, 0, depth, 1, 0);
        if (filters == null) {
            filters = GemmF32Vector.pack(true, outChannels, depth, weight.floats(), 0, depth, 1);
        }
        DepthwiseConvF32Vector.Geometry geometry = new DepthwiseConvF32Vector.Geometry(h, w, kh, kw, spec, oh, ow);
        int planeSize = geometry.subPlanesSize();
        int imageSize = channels * planeSize;
        int[] rowStart = new int[depth];
        for (int c = 0; c < channels; c++) {
            for (int t = 0; t < kh * kw; t++) {
                rowStart[c * kh * kw + t] = c * planeSize + geometry.tap(t);
            }
        }
        for (int first = 0, images = (int) Math.max(1, PASS_PLANE_VALUES / imageSize); first < batch; first += images) {
            pass(x, xOff, xPlaneStride, first, Math.min(images, batch - first), channels, h, w, filters, outChannels,
                    kh, kw, spec, oh, ow, geometry, rowStart, epilogue, out, outOff, outPlaneStride);
        }
    }

    /** Images {@code [first, first + batch)}: their planes, then their chunks of output rows. */
    private static void pass(float[] x, int xOff, int xPlaneStride, int first, int batch, int channels, int h, int w,
            GemmF32Vector.Packed filters, int outChannels, int kh, int kw, Conv2dSpec spec, int oh, int ow,
            DepthwiseConvF32Vector.Geometry geometry, int[] rowStart, GemmF32Vector.Epilogue epilogue, float[] out,
            int outOff, int outPlaneStride) {
        int depth = channels * kh * kw;
        int planeSize = geometry.subPlanesSize();
        int len = geometry.rowLength();
        int imageSize = channels * planeSize;
        // The last tile of an image reads up to a panel past its last output position, beyond the last tap's run.
        int slack = GemmF32Vector.NR + len;
        float[] planes = zeroedPlanes(batch * imageSize + slack, List.of(batch, channels, h, w, kh, kw, spec));
        long planeValues = (long) h * w;
        Parallel.forRange(batch * channels, (int) Math.max(1, (1L << 16) / Math.max(1, planeValues)), (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                geometry.load(x, xOff + (first * channels + plane) * xPlaneStride, planes, plane * planeSize);
            }
        });
        int rowsPerChunk = Math.max(1, Math.min(oh, CHUNK_POSITIONS / len));
        int chunksPerImage = Math.ceilDiv(oh, rowsPerChunk);
        int panels = Math.ceilDiv(outChannels, GemmF32Vector.MR);
        int ldc = Math.ceilDiv(rowsPerChunk * len, GemmF32Vector.NR) * GemmF32Vector.NR;
        long chunkWork = (long) outChannels * depth * rowsPerChunk * len;
        GemmF32Vector.Packed a = filters;
        Parallel.forRange(batch * chunksPerImage, (int) Math.max(1, PARALLEL_WORK / Math.max(1, chunkWork)),
                (from, to) -> {
                    float[] chunk = GemmF32Vector.buffer(CHUNK, panels * GemmF32Vector.MR * ldc + V);
                    for (int item = from; item < to; item++) {
                        int image = item / chunksPerImage, n = first + image;
                        int y0 = item % chunksPerImage * rowsPerChunk, y1 = Math.min(oh, y0 + rowsPerChunk);
                        int start = image * imageSize + y0 * len, count = (y1 - y0) * len;
                        for (int q = 0; q < count; q += GemmF32Vector.NR) {
                            for (int t = 0; t < panels; t++) {
                                GemmF32Vector.runsTile(depth, a.data(), a.offset(0, t), planes, rowStart, start + q,
                                        chunk, t * GemmF32Vector.MR * ldc + q, ldc);
                            }
                        }
                        for (int o = 0; o < outChannels; o++) {
                            for (int y = y0; y < y1; y++) {
                                int at = outOff + (n * outChannels + o) * outPlaneStride + y * ow;
                                int src = o * ldc + (y - y0) * len;
                                if (epilogue == null || epilogue.residual() != null) {
                                    System.arraycopy(chunk, src, out, at, ow);
                                    if (epilogue != null) {
                                        epilogue.apply(out, at, o, ow);
                                    }
                                } else {
                                    copyClamped(chunk, src, out, at, ow, epilogue.rowBias()[epilogue.biasOffset() + o],
                                            epilogue.low(), epilogue.high());
                                }
                            }
                        }
                    }
                });
    }

    /**
     * {@code out[at + i] = clamp(chunk[from + i] + bias)} for {@code i < count}, by the compare and blend of
     * {@link GemmF32Vector.Epilogue} (which equals Math.max and Math.min for the bounds it accepts): one pass from the
     * chunk to the output instead of a copy and then the epilogue over the output.
     */
    private static void copyClamped(float[] chunk, int from, float[] out, int at, int count, float bias, float low,
            float high) {
        FloatVector b = FloatVector.broadcast(SPECIES, bias);
        FloatVector lo = FloatVector.broadcast(SPECIES, low), hi = FloatVector.broadcast(SPECIES, high);
        int i = 0;
        for (; i <= count - V; i += V) {
            FloatVector v = FloatVector.fromArray(SPECIES, chunk, from + i).add(b);
            v = v.blend(lo, v.compare(LE, lo));
            v.blend(hi, v.compare(GE, hi)).intoArray(out, at + i);
        }
        if (i < count) {
            // The chunk has room past every row (its last tile's columns), so only the store is masked.
            VectorMask<Float> tail = SPECIES.indexInRange(i, count);
            FloatVector v = FloatVector.fromArray(SPECIES, chunk, from + i).add(b);
            v = v.blend(lo, v.compare(LE, lo));
            v.blend(hi, v.compare(GE, hi)).intoArray(out, at + i, tail);
        }
    }

    /**
     * A thread's polyphase buffers, each with the geometry whose zero borders it holds (null: not known to): a few, as
     * a block's bands alternate between geometries (the first band with the top padding, the middle ones, the last
     * with the bottom padding), and clearing a buffer each time the geometry changed cost three memsets per
     * inference in MobileNet-v2's first block.
     */
    private static final class Planes {
        static final int SLOTS = 4;
        /** Values (4 MiB) above which a buffer is the thread's only one. */
        static final int LARGE = 1 << 20;
        final float[][] data = new float[SLOTS][];
        final Object[] zeroedFor = new Object[SLOTS];
        int next;
    }

    /**
     * A buffer of this thread's of at least {@code size} values, zero wherever {@code geometry}'s loads do not write:
     * cleared only when none of the thread's buffers last held that geometry, since each load writes the same elements
     * (clearing MobileNet's 0.6 MiB of planes on every call cost a tenth of the layer).
     */
    private static float[] zeroedPlanes(int size, Object geometry) {
        Planes planes = PLANES.get();
        if (planes == null) {
            planes = new Planes();
            PLANES.set(planes);
        }
        for (int i = 0; i < Planes.SLOTS; i++) {
            if (geometry.equals(planes.zeroedFor[i]) && planes.data[i].length >= size) {
                return planes.data[i];
            }
        }
        int slot = planes.next;
        planes.next = (slot + 1) % Planes.SLOTS;
        if (size > Planes.LARGE) {
            // A large image's planes are kept alone, in the largest buffer, so a thread never holds several of them.
            for (int i = 0; i < Planes.SLOTS; i++) {
                float[] held = planes.data[i];
                if (held != null && (planes.data[slot] == null || held.length > planes.data[slot].length)) {
                    slot = i;
                }
            }
            for (int i = 0; i < Planes.SLOTS; i++) {
                if (i != slot) {
                    planes.data[i] = null;
                    planes.zeroedFor[i] = null;
                }
            }
        }
        if (planes.data[slot] == null || planes.data[slot].length < size) {
            planes.data[slot] = new float[size];
        } else {
            Arrays.fill(planes.data[slot], 0, size, 0f);
        }
        planes.zeroedFor[slot] = geometry;
        return planes.data[slot];
    }
}
