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
        pool.give(DType.FLOAT32, new float[1000], 1000);
        pool.give(DType.FLOAT32, new float[1000], 1000);
        pool.give(DType.FLOAT64, new double[1000], 1000);
        assertEquals(8000, pool.bytes(), "the third would pass the bound and is left to the collector");
        pool.give(DType.FLOAT32, new float[10], 10);
        assertEquals(8000, pool.bytes(), "tiny arrays are not pooled");
        assertNull(pool.take(DType.FLOAT64, 1000));
        assertNull(pool.take(DType.FLOAT32, 999), "lengths match exactly");
        BufferPool many = new BufferPool(1 << 30);
        for (int i = 0; i < BufferPool.PER_LENGTH + 5; i++) {
            many.give(DType.INT32, new int[100], 100);
        }
        assertEquals(BufferPool.PER_LENGTH * 400L, many.bytes());
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
