package dev.adjoint.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Tensor;
import dev.adjoint.TensorScope;
import dev.adjoint.core.DType;
import dev.adjoint.core.Device;
import dev.adjoint.core.Shape;
import dev.adjoint.op.BinaryOp;
import dev.adjoint.op.Conv2dSpec;
import dev.adjoint.op.Op;
import dev.adjoint.op.TensorType;
import dev.adjoint.op.UnaryOp;
import dev.adjoint.spi.Backends;
import dev.adjoint.spi.Operand;
import dev.adjoint.spi.Storage;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The CPU buffer pool: released arrays are reused, bounded, never handed out while a storage holds
 * them, and no kernel relies on a zeroed output: every op gives the same bits on a pool full of NaN
 * garbage as on fresh arrays.
 */
class BufferPoolTest {

    private static final CpuBackend CPU = (CpuBackend) Backends.forDevice(Device.CPU);

    private static Tensor seeded(long seed, int... dims) {
        return Tensor.randomNormal(new SplittableRandom(seed), 0, 1, dims);
    }

    /** Every kernel family, at sizes of the parallel path and of tails. */
    private static Map<String, Supplier<Tensor>> ops() {
        Tensor a = seeded(1, 67, 129);
        Tensor b = seeded(2, 67, 129);
        Tensor row = seeded(3, 129);
        Tensor column = seeded(4, 67, 1);
        Tensor big = seeded(5, 300, 300);
        Tensor image = seeded(6, 2, 3, 17, 17);
        Tensor kernel = seeded(7, 4, 3, 3, 3);
        Map<String, Supplier<Tensor>> ops = new LinkedHashMap<>();
        ops.put("unary", () -> a.tanh());
        ops.put("binary", () -> a.mul(b));
        ops.put("binary broadcast row", () -> a.add(row));
        ops.put("binary broadcast column", () -> a.sub(column));
        ops.put("binary scalar", () -> big.mul(1.5));
        ops.put("where", () -> Tensor.where(a.gt(b), a, column));
        ops.put("cast", () -> a.cast(DType.FLOAT64));
        ops.put("copy", () -> big.copy());
        ops.put("fused chain", () -> big.chain().mul(1.5).add(0.25).relu().evaluate());
        ops.put("matmul", () -> a.matmul(b.transpose(0, 1)));
        ops.put("matmul packed", () -> big.matmul(big));
        ops.put("sum over an axis", () -> a.sum(0));
        ops.put("max over an axis", () -> a.max(1));
        ops.put("softmax", () -> a.softmax(1));
        ops.put("log softmax columns", () -> a.logSoftmax(0));
        ops.put("transpose", () -> a.transpose(0, 1));
        ops.put("concat", () -> Tensor.concat(0, a, b));
        ops.put("pad", () -> a.pad(new int[][] {{1, 2}, {3, 0}}, 0.0));
        ops.put("conv2d", () -> image.conv2d(kernel, 1, 1));
        ops.put("max pool", () -> image.maxPool2d(2));
        ops.put("fill", () -> Tensor.zeros(300, 300));
        return ops;
    }

    @Test
    void noKernelReliesOnAZeroedOutput() {
        for (Map.Entry<String, Supplier<Tensor>> op : ops().entrySet()) {
            CPU.pool().clear();
            Tensor fresh = op.getValue().get();
            double[] expected = fresh.toDoubleArray();
            int n = (int) fresh.size();
            fresh.release();
            CPU.pool().clear();
            poison(n);
            long hits = CPU.pool().hits();
            Tensor recycled = op.getValue().get();
            assertArrayEquals(expected, recycled.toDoubleArray(), op.getKey());
            if (n >= BufferPool.MIN_LENGTH) {
                assertTrue(CPU.pool().hits() > hits, op.getKey() + " reuses a pooled array");
            }
        }
        CPU.pool().clear();
    }

    /** Fills the pool with NaN (and garbage) arrays of length {@code n} of every dtype. */
    private static void poison(int n) {
        for (DType dtype : DType.values()) {
            for (int k = 0; k < 4; k++) {
                Tensor garbage = Tensor.full(dtype, dtype.isFloating() ? Double.NaN : 7, n);
                garbage.release();
            }
        }
    }

    @Test
    void aReleasedArrayIsReusedAndAReleasedStorageCannotBeRead() {
        CPU.pool().clear();
        Tensor first = Tensor.ones(1000);
        CpuStorage storage = (CpuStorage) first.storage();
        Object array = storage.array();
        first.release();
        assertTrue(storage.isReleased());
        assertEquals(4000, CPU.pool().bytes());
        IllegalStateException e = assertThrows(IllegalStateException.class, storage::array);
        assertTrue(e.getMessage().startsWith("use of a released CPU storage (float32, 1000 elements)"), e.getMessage());
        storage.release(); // idempotent: the array is not pooled twice
        assertEquals(4000, CPU.pool().bytes());
        Tensor second = Tensor.zeros(1000);
        assertSame(array, ((CpuStorage) second.storage()).array(), "the same array, cleared");
        assertArrayEquals(new float[1000], second.toFloatArray());
        assertEquals(0, CPU.pool().bytes());
    }

    @Test
    void thePoolIsBounded() {
        BufferPool pool = new BufferPool(10_000);
        pool.give(DType.FLOAT32, new float[1000]);
        pool.give(DType.FLOAT32, new float[1000]);
        pool.give(DType.FLOAT64, new double[1000]);
        assertEquals(8000, pool.bytes(), "the third would pass the bound and is left to the collector");
        pool.give(DType.FLOAT32, new float[10]);
        assertEquals(8000, pool.bytes(), "tiny arrays are not pooled");
        assertNull(pool.take(DType.FLOAT64, 1000));
        assertNull(pool.take(DType.FLOAT32, 499), "at most twice as long");
        BufferPool many = new BufferPool(1 << 30);
        for (int i = 0; i < BufferPool.PER_LENGTH + 5; i++) {
            many.give(DType.INT32, new int[100]);
        }
        assertEquals(BufferPool.PER_LENGTH * 400L, many.bytes());
    }

    @Test
    void aFloatRequestTakesTheNewestRecentArrayLongEnough() {
        BufferPool pool = new BufferPool(1 << 30);
        float[] oldest = new float[1000];
        float[] longest = new float[1500];
        float[] newest = new float[1200];
        pool.give(DType.FLOAT32, oldest);
        pool.give(DType.FLOAT32, longest);
        pool.give(DType.FLOAT32, newest);
        assertEquals(14_800, pool.bytes());
        assertSame(newest, pool.take(DType.FLOAT32, 800), "the newest that fits, not the best fit");
        assertEquals(10_000, pool.bytes());
        assertNull(pool.take(DType.FLOAT32, 1501), "none long enough");
        assertNull(pool.take(DType.FLOAT32, 400), "1000 is more than twice 400");
        assertSame(longest, pool.take(DType.FLOAT32, 1400));
        assertSame(oldest, pool.take(DType.FLOAT32, 1000));
        assertEquals(0, pool.bytes());
        assertNull(pool.take(DType.FLOAT32, 1000), "an array is handed out once");

        pool.give(DType.INT64, new long[1000]);
        assertNull(pool.take(DType.INT64, 999), "integer arrays only at their exact length");
        assertEquals(1000, ((long[]) pool.take(DType.INT64, 1000)).length);

        // Past the last RECENT releases an array is in cache no more: only a request of its exact length takes it.
        double[] early = new double[5000];
        pool.give(DType.FLOAT64, early);
        for (int i = 0; i < BufferPool.RECENT; i++) {
            pool.give(DType.FLOAT64, new double[100 + i]);
        }
        assertNull(pool.take(DType.FLOAT64, 4000));
        assertSame(early, pool.take(DType.FLOAT64, 5000));
    }

    /**
     * Every kernel family with its inputs and its result on recycled arrays longer than their size, the tail NaN: the
     * same bits as on arrays of exactly their size. A kernel that read past its size (a vector load over the end of
     * the last plane, a loop bound by the array's length) would take the NaN in; one that wrote past it, or a copy
     * of the whole array, would show in the result's length.
     */
    @Test
    void noKernelReadsPastItsSizeOnALongerArray() {
        SplittableRandom random = new SplittableRandom(11);
        Tensor image = seeded(12, 1, 32, 28, 28);
        Tensor small = seeded(13, 1, 96, 7, 7);
        Tensor depthwise = seeded(14, 32, 1, 3, 3);
        Tensor depthwiseSmall = seeded(15, 96, 1, 3, 3);
        Tensor pointwise = seeded(16, 16, 32, 1, 1);
        Tensor filters = seeded(17, 8, 32, 3, 3);
        Tensor bias16 = seeded(18, 16);
        Tensor bias32 = seeded(19, 32);
        Tensor rows = seeded(20, 37, 129);
        Tensor scale = seeded(21, 129);
        Tensor wide = seeded(22, 64, 3001);
        Tensor narrow = seeded(23, 16, 64);
        Tensor indices = Tensor.of(new long[] {2, 0, 36, 5}, Shape.of(4));
        Tensor doubles = Tensor.randomNormal(random, 0, 1, 41, 67).cast(DType.FLOAT64);
        Map<String, Function<Tensor[], Tensor>> ops = new LinkedHashMap<>();
        Map<String, Tensor[]> inputs = new LinkedHashMap<>();
        add(ops, inputs, "unary", x -> x[0].tanh(), rows);
        add(ops, inputs, "binary broadcast", x -> x[0].add(x[1]), rows, scale);
        add(ops, inputs, "fused chain", x -> x[0].chain().mul(1.5).add(0.25).relu().evaluate(), rows);
        add(ops, inputs, "float64 chain", x -> x[0].chain().mul(1.5).exp().evaluate(), doubles);
        add(ops, inputs, "float64 sum", x -> x[0].sum(1), doubles);
        add(ops, inputs, "matmul, B in place", x -> x[0].matmul(x[1]), narrow, wide);
        add(ops, inputs, "matmul transposed", x -> x[0].matmul(x[1].transpose(0, 1)), rows, rows);
        add(ops, inputs, "depthwise 3x3", x -> x[0].conv2dBias(x[1], x[2], Conv2dSpec.of(1, 1, 1, 32), 0, 6),
                image, depthwise, bias32);
        add(ops, inputs, "depthwise 3x3 stride 2", x -> x[0].conv2d(x[1], Conv2dSpec.of(2, 1, 1, 32)), image,
                depthwise);
        add(ops, inputs, "depthwise 3x3 at 7x7", x -> x[0].conv2d(x[1], Conv2dSpec.of(1, 1, 1, 96)), small,
                depthwiseSmall);
        add(ops, inputs, "pointwise", x -> x[0].conv2dBias(x[1], x[2], Conv2dSpec.of(1, 0), Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY), image, pointwise, bias16);
        add(ops, inputs, "3x3", x -> x[0].conv2d(x[1], 1, 1), image, filters);
        add(ops, inputs, "max pool", x -> x[0].maxPool2d(3, 2, 1), image);
        add(ops, inputs, "average pool", x -> x[0].avgPool2d(2), image);
        add(ops, inputs, "global mean", x -> x[0].mean(new int[] {2, 3}, true), image);
        add(ops, inputs, "softmax", x -> x[0].softmax(1), rows);
        add(ops, inputs, "layer norm", x -> x[0].layerNorm(1, 1e-5, x[1], x[1]), rows, scale);
        add(ops, inputs, "gather", x -> x[0].gather(indices, 0), rows);
        add(ops, inputs, "transpose", x -> x[0].transpose(0, 1), rows);
        add(ops, inputs, "pad", x -> x[0].pad(new int[][] {{1, 0}, {0, 3}}, 0.0), rows);
        add(ops, inputs, "to array", x -> Tensor.of(x[0].toFloatArray(), Shape.of(37, 129)), rows);
        for (Map.Entry<String, Function<Tensor[], Tensor>> op : ops.entrySet()) {
            String name = op.getKey();
            Tensor[] given = inputs.get(name);
            CPU.pool().clear();
            Tensor expected = op.getValue().apply(given);
            double[] values = expected.toDoubleArray();
            Tensor[] recycled = new Tensor[given.length];
            for (int i = 0; i < given.length; i++) {
                CPU.pool().clear();
                poisonLonger(given[i].dtype(), (int) given[i].size());
                recycled[i] = given[i].copy();
                if (given[i].size() >= BufferPool.MIN_LENGTH) {
                    assertTrue(arrayLength(recycled[i]) > given[i].size(),
                            name + ": input " + i + " on a longer array");
                }
            }
            CPU.pool().clear();
            poisonLonger(expected.dtype(), values.length);
            Tensor result = op.getValue().apply(recycled);
            assertArrayEquals(values, result.toDoubleArray(), name);
            assertEquals(values.length, result.toDoubleArray().length, name);
        }
        CPU.pool().clear();
    }

    private static void add(Map<String, Function<Tensor[], Tensor>> ops, Map<String, Tensor[]> inputs, String name,
            Function<Tensor[], Tensor> op, Tensor... given) {
        ops.put(name, op);
        inputs.put(name, given);
    }

    /** Releases NaN-filled arrays 1 to 35 elements longer than {@code n} into the pool, the shortest newest. */
    private static void poisonLonger(DType dtype, int n) {
        for (int extra : new int[] {35, 17, 1}) {
            Tensor garbage = Tensor.full(dtype, Double.NaN, n + extra);
            garbage.release();
        }
    }

    private static int arrayLength(Tensor x) {
        return java.lang.reflect.Array.getLength(((CpuStorage) x.storage()).array());
    }

    @Test
    void aScopedLoopRunsOnRecycledArrays() {
        CPU.pool().clear();
        Tensor x = seeded(9, 256, 256);
        for (int step = 0; step < 3; step++) {
            try (TensorScope _ = TensorScope.open()) {
                x.mul(1.5).add(0.25).relu().sum();
            }
        }
        long misses = CPU.pool().misses();
        long hits = CPU.pool().hits();
        for (int step = 0; step < 5; step++) {
            try (TensorScope _ = TensorScope.open()) {
                x.mul(1.5).add(0.25).relu().sum();
            }
        }
        assertEquals(misses, CPU.pool().misses(), "every large result came from the pool");
        assertEquals(hits + 15, CPU.pool().hits());
    }

    @Test
    void executeIntoEqualsExecuteAlsoWhenTheTargetIsAnInput() {
        for (boolean vector : new boolean[] {false, true}) {
            CpuBackend backend = KernelTestSupport.backend(vector);
            double[] av = new SplittableRandom(3).doubles(1000, -2, 2).toArray();
            double[] bv = new SplittableRandom(4).doubles(1000, -2, 2).toArray();
            Shape shape = Shape.of(10, 100);
            TensorType out = new TensorType(DType.FLOAT64, shape);
            List<Op.Binary> binaries = Arrays.stream(BinaryOp.values()).filter(op -> op.resultType(DType.FLOAT64)
                    == DType.FLOAT64).map(Op.Binary::new).toList();
            for (Op.Binary op : binaries) {
                Storage a = backend.fromArray(av, DType.FLOAT64);
                Storage b = backend.fromArray(bv, DType.FLOAT64);
                List<Operand> inputs = List.of(new Operand(a, shape), new Operand(b, shape));
                double[] expected = (double[]) backend.toArray(backend.execute(op, inputs, out));
                assertTrue(backend.executeInto(op, inputs, out, a));
                assertArrayEquals(expected, (double[]) backend.toArray(a), op + " into its first input");
            }
            // A chain into its own input, and an op without an in-place kernel (matmul) into a target.
            Storage a = backend.fromArray(av, DType.FLOAT64);
            Tensor ta = Tensor.fromStorage(backend.fromArray(av, DType.FLOAT64), shape);
            Op.Chain chain = new Op.Chain(ta.chain().mul(2.0).add(1.0).exp().spec());
            List<Operand> one = List.of(new Operand(a, shape));
            double[] expected = (double[]) backend.toArray(backend.execute(chain, one, out));
            assertTrue(backend.executeInto(chain, one, out, a));
            assertArrayEquals(expected, (double[]) backend.toArray(a));
            Storage square = backend.fromArray(Arrays.copyOf(av, 100), DType.FLOAT64);
            Shape ten = Shape.of(10, 10);
            List<Operand> product = List.of(new Operand(square, ten), new Operand(square, ten));
            TensorType tenType = new TensorType(DType.FLOAT64, ten);
            double[] matmul = (double[]) backend.toArray(backend.execute(Op.MatMul.PLAIN, product, tenType));
            Storage target = backend.fromArray(new double[100], DType.FLOAT64);
            assertTrue(backend.executeInto(Op.MatMul.PLAIN, product, tenType, target));
            assertArrayEquals(matmul, (double[]) backend.toArray(target));
            assertThrows(IllegalArgumentException.class, () -> backend.executeInto(new Op.Unary(UnaryOp.EXP),
                    List.of(new Operand(square, ten)), tenType, backend.fromArray(new float[100], DType.FLOAT32)));
        }
    }
}
