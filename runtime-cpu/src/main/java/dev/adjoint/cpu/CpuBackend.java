package dev.adjoint.cpu;

import dev.adjoint.core.DType;
import dev.adjoint.core.Device;
import dev.adjoint.core.Shape;
import dev.adjoint.op.ComputeOp;
import dev.adjoint.op.Op;
import dev.adjoint.op.TensorType;
import dev.adjoint.spi.Backend;
import dev.adjoint.spi.Operand;
import dev.adjoint.spi.Storage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The default backend: Java arrays on the heap and kernels in two flavours, a scalar reference
 * path and a Vector API path. This class only routes each op to the kernel family that owns it
 * ({@link Memory}, {@link Elementwise}, {@link FusedElementwise}, {@link Reductions}, {@link Layout}, {@link Matmul},
 * {@link Convolution}, {@link ConvolutionBackward}); which flavour runs is fixed per instance.
 */
public final class CpuBackend implements Backend {
    private final boolean vector;
    private final BufferPool pool = new BufferPool(BufferPool.configuredBytes());

    /** A backend using the Vector API when {@link KernelMode} allows it. */
    public CpuBackend() {
        this(KernelMode.VECTOR);
    }

    /** A backend with an explicit kernel flavour; tests build one of each to compare them. */
    CpuBackend(boolean vector) {
        this.vector = vector && KernelMode.VECTOR;
    }

    /** The arrays of released storages, which new results reuse. */
    BufferPool pool() {
        return pool;
    }

    /** True when this instance runs the Vector API kernels. */
    public boolean usesVectorKernels() {
        return vector;
    }

    @Override
    public String name() {
        return vector ? "cpu (Vector API)" : "cpu (scalar)";
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    /** The pool's threads: {@code -Dadjoint.cpu.threads}, default all available processors. */
    @Override
    public int kernelThreads() {
        return Parallel.poolThreads();
    }

    @Override
    public <T> T withThreadLimit(int threads, Supplier<T> task) {
        return Parallel.limited(threads, task);
    }

    @Override
    public <T> T inBurst(Supplier<T> task) {
        return Parallel.awake(task);
    }

    static CpuStorage cpu(Storage s) {
        return (CpuStorage) s;
    }

    @Override
    public Storage fromArray(Object array, DType dtype) {
        return Memory.fromArray(this, array, dtype);
    }

    @Override
    public Object toArray(Storage storage) {
        return Memory.toArray(cpu(storage));
    }

    /** A CPU storage is one Java array. */
    @Override
    public long maxElements() {
        return Memory.MAX_ELEMENTS;
    }

    /** Routes each op of the table to the kernel family that owns it. */
    @Override
    public Storage execute(ComputeOp op, List<Operand> inputs, TensorType output) {
        Shape out = output.shape();
        return switch (op) {
            case Op.Unary u -> Elementwise.unary(this, u.kind(), cpu(inputs, 0), vector);
            case Op.Binary b -> Elementwise.binary(this, b.kind(), cpu(inputs, 0), shape(inputs, 0), cpu(inputs, 1),
                    shape(inputs, 1), out, vector);
            case Op.Where w -> Elementwise.where(this, cpu(inputs, 0), shape(inputs, 0), cpu(inputs, 1), shape(inputs, 1),
                    cpu(inputs, 2), shape(inputs, 2), out, vector);
            case Op.Cast c -> Memory.cast(this, cpu(inputs, 0), c.to());
            case Op.Fill f -> Memory.full(this, f.dtype(), out.size(), f.value());
            case Op.Chain c -> chain(c, inputs);
            case Op.Reduce r -> Reductions.reduce(this, r.kind(), cpu(inputs, 0), shape(inputs, 0), r.axes(), vector);
            case Op.Softmax s -> Reductions.softmax(this, cpu(inputs, 0), shape(inputs, 0),
                    shape(inputs, 0).normalizeAxis(s.name(), s.axis()), s.log(), vector);
            case Op.LayerNorm l -> Reductions.layerNorm(this, cpu(inputs, 0), shape(inputs, 0), l.axes(), l.eps(),
                    inputs.size() == 3 ? cpu(inputs, 1) : null, inputs.size() == 3 ? cpu(inputs, 2) : null, vector);
            case Op.MatMul m -> Matmul.matmul(this, cpu(inputs, 0), Op.MatMul.stored(shape(inputs, 0), true),
                    m.transposeA(), cpu(inputs, 1), Op.MatMul.stored(shape(inputs, 1), false), m.transposeB(),
                    matrixShape(out, shape(inputs, 0), shape(inputs, 1)), vector);
            case Op.MatMulBias m -> {
                Shape matrix = matrixShape(out, shape(inputs, 0), shape(inputs, 1));
                CpuStorage product = (CpuStorage) Matmul.matmul(this, cpu(inputs, 0),
                        Op.MatMul.stored(shape(inputs, 0), true), m.transposeA(), cpu(inputs, 1),
                        Op.MatMul.stored(shape(inputs, 1), false), m.transposeB(), matrix, vector);
                Matmul.addColumnBias(product, cpu(inputs, 2), matrix.dim(-1), m.low(), m.high(), vector);
                yield product;
            }
            case Op.Strided s -> {
                Op.Layout layout = s.layout(shape(inputs, 0));
                yield Layout.strided(this, cpu(inputs, 0), layout.offset(), layout.strides(), out);
            }
            case Op.Concat c -> {
                List<CpuStorage> parts = new ArrayList<>(inputs.size());
                List<Shape> shapes = new ArrayList<>(inputs.size());
                inputs.forEach(input -> {
                    parts.add(cpu(input.storage()));
                    shapes.add(input.shape());
                });
                yield Layout.concat(this, parts, shapes, shape(inputs, 0).normalizeAxis("concat", c.axis()), out);
            }
            case Op.Pad p -> Layout.pad(this, cpu(inputs, 0), shape(inputs, 0), p.before(), p.after(), p.value(), out);
            case Op.Gather g -> Layout.gather(this, cpu(inputs, 0), shape(inputs, 0),
                    shape(inputs, 0).normalizeAxis("gather", g.axis()), cpu(inputs, 1), shape(inputs, 1), out);
            case Op.IndexAdd a -> Layout.indexAdd(this, cpu(inputs, 0), shape(inputs, 0),
                    shape(inputs, 0).normalizeAxis("indexAdd", a.axis()), cpu(inputs, 1), shape(inputs, 1),
                    cpu(inputs, 2));
            case Op.Conv2d c -> Convolution.conv2d(this, cpu(inputs, 0), shape(inputs, 0), cpu(inputs, 1),
                    shape(inputs, 1), c.spec(), out, vector);
            case Op.Conv2dBias c -> Convolution.conv2d(this, cpu(inputs, 0), shape(inputs, 0), cpu(inputs, 1),
                    shape(inputs, 1), c.spec(), new Convolution.Epilogue(cpu(inputs, 2),
                            inputs.size() == 4 ? cpu(inputs, 3) : null, c.low(), c.high()), out, vector);
            case Op.Conv2dBlock b -> {
                int layers = b.layers().size();
                List<CpuStorage> weights = new ArrayList<>(layers), biases = new ArrayList<>(layers);
                List<Shape> weightShapes = new ArrayList<>(layers);
                for (int i = 0; i < layers; i++) {
                    weights.add(cpu(inputs, 2 * i + 1));
                    weightShapes.add(shape(inputs, 2 * i + 1));
                    biases.add(cpu(inputs, 2 * i + 2));
                }
                yield ConvolutionBlock.run(this, cpu(inputs, 0), shape(inputs, 0), b.layers(), weights, weightShapes,
                        biases, b.hasResidual(inputs.size()) ? cpu(inputs, inputs.size() - 1) : null, out, vector);
            }
            case Op.Pool2d p -> Convolution.pool2d(this, cpu(inputs, 0), shape(inputs, 0), p.spec(), out, vector);
            case Op.Conv2dBackwardInput c -> ConvolutionBackward.conv2dInput(this, cpu(inputs, 0), shape(inputs, 0),
                    cpu(inputs, 1), shape(inputs, 1), c.spec(), out, vector);
            case Op.Conv2dBackwardWeight c -> ConvolutionBackward.conv2dWeight(this, cpu(inputs, 0), shape(inputs, 0),
                    cpu(inputs, 1), shape(inputs, 1), c.spec(), out, vector);
            case Op.Pool2dBackward p -> ConvolutionBackward.pool2d(this, cpu(inputs, 0), shape(inputs, 0),
                    cpu(inputs, 1), shape(inputs, 1), p.spec());
        };
    }

    /**
     * Elementwise ops and fused chains write straight into {@code target} (which may be an input of
     * the same size, see {@link Elementwise#binary}); any other op is computed into a new storage
     * that is copied into {@code target} and recycled at once.
     */
    @Override
    public boolean executeInto(ComputeOp op, List<Operand> inputs, TensorType output, Storage target) {
        CpuStorage into = cpu(target);
        if (into.dtype() != output.dtype() || into.size() != output.shape().size()) {
            throw new IllegalArgumentException("executeInto: a storage of " + into.dtype() + " x " + into.size()
                    + " cannot hold a result of " + output);
        }
        // An optimizer updates a weight in place: its packed GEMM panels, if cached, are stale from here on.
        PackedOperands.written(into);
        switch (op) {
            case Op.Unary u -> Elementwise.unary(this, u.kind(), cpu(inputs, 0), vector, into);
            case Op.Binary b -> Elementwise.binary(this, b.kind(), cpu(inputs, 0), shape(inputs, 0), cpu(inputs, 1),
                    shape(inputs, 1), output.shape(), vector, into);
            case Op.Chain c when FusedElementwise.supports(c.spec()) && !readsAsOperand(inputs, into) ->
                    FusedElementwise.run(this, c.spec(), cpu(inputs, 0), operandStorages(inputs), vector, into);
            default -> {
                CpuStorage result = cpu(execute(op, inputs, output));
                System.arraycopy(result.array(), 0, into.array(), 0, (int) into.size());
                result.release();
            }
        }
        return true;
    }

    /** Whether {@code target} is one of a chain's operands (not its input), which a fused kernel cannot overwrite. */
    private static boolean readsAsOperand(List<Operand> inputs, CpuStorage target) {
        for (int i = 1; i < inputs.size(); i++) {
            if (inputs.get(i).storage() == target) {
                return true;
            }
        }
        return false;
    }

    private static List<CpuStorage> operandStorages(List<Operand> inputs) {
        List<CpuStorage> operands = new ArrayList<>(inputs.size() - 1);
        for (Operand operand : inputs.subList(1, inputs.size())) {
            operands.add(cpu(operand.storage()));
        }
        return operands;
    }

    private static CpuStorage cpu(List<Operand> inputs, int index) {
        return cpu(inputs.get(index).storage());
    }

    private static Shape shape(List<Operand> inputs, int index) {
        return inputs.get(index).shape();
    }

    /**
     * The shape the matrix kernels write: a matrix product's result with the axes a vector operand
     * dropped put back (the same elements in the same order).
     */
    private static Shape matrixShape(Shape out, Shape a, Shape b) {
        Shape matrix = out;
        if (a.rank() == 1) {
            matrix = matrix.insert(b.rank() == 1 ? matrix.rank() : matrix.rank() - 1, 1);
        }
        if (b.rank() == 1) {
            matrix = matrix.insert(matrix.rank(), 1);
        }
        return matrix;
    }

    /** Fuses chains that compute in one numeric type (see {@link FusedElementwise}); others run step by step. */
    private Storage chain(Op.Chain op, List<Operand> inputs) {
        if (!FusedElementwise.supports(op.spec())) {
            return Backend.chainStepByStep(this, op.spec(), inputs);
        }
        return FusedElementwise.run(this, op.spec(), cpu(inputs, 0), operandStorages(inputs), vector);
    }
}
