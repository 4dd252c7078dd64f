package dev.adjoint.cpu;

import dev.adjoint.core.DType;
import dev.adjoint.core.Device;
import dev.adjoint.core.Shape;
import dev.adjoint.op.BinaryOp;
import dev.adjoint.op.Conv2dSpec;
import dev.adjoint.op.ElementwiseChainSpec;
import dev.adjoint.op.Pool2dSpec;
import dev.adjoint.op.ReduceOp;
import dev.adjoint.op.UnaryOp;
import dev.adjoint.spi.Backend;
import dev.adjoint.spi.Storage;
import java.util.ArrayList;
import java.util.List;

/**
 * The default backend: Java arrays on the heap and kernels in two flavours, a scalar reference
 * path and a Vector API path. This class only routes each op to the kernel family that owns it
 * ({@link Memory}, {@link Elementwise}, {@link FusedElementwise}, {@link Reductions}, {@link Layout}, {@link Matmul},
 * {@link Convolution}, {@link ConvolutionBackward}); which flavour runs is fixed per instance.
 */
public final class CpuBackend implements Backend {
    private final boolean vector;

    /** A backend using the Vector API when {@link KernelMode} allows it. */
    public CpuBackend() {
        this(KernelMode.VECTOR);
    }

    /** A backend with an explicit kernel flavour; tests build one of each to compare them. */
    CpuBackend(boolean vector) {
        this.vector = vector && KernelMode.VECTOR;
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

    @Override
    public Storage full(DType dtype, long size, double value) {
        return Memory.full(this, dtype, size, value);
    }

    /** A CPU storage is one Java array. */
    @Override
    public long maxElements() {
        return Memory.MAX_ELEMENTS;
    }

    @Override
    public Storage cast(Storage x, DType to) {
        return Memory.cast(this, cpu(x), to);
    }

    @Override
    public Storage unary(UnaryOp op, Storage x) {
        return Elementwise.unary(this, op, cpu(x), vector);
    }

    @Override
    public Storage binary(BinaryOp op, Storage a, Shape aShape, Storage b, Shape bShape, Shape outShape) {
        return Elementwise.binary(this, op, cpu(a), aShape, cpu(b), bShape, outShape, vector);
    }

    /** Fuses chains that compute in one numeric type (see {@link FusedElementwise}); others run step by step. */
    @Override
    public Storage elementwiseChain(ElementwiseChainSpec chain, Storage input, List<Storage> operands) {
        if (!FusedElementwise.supports(chain)) {
            return Backend.super.elementwiseChain(chain, input, operands);
        }
        List<CpuStorage> cpuOperands = new ArrayList<>(operands.size());
        for (Storage operand : operands) {
            cpuOperands.add(cpu(operand));
        }
        return FusedElementwise.run(this, chain, cpu(input), cpuOperands, vector);
    }

    @Override
    public Storage where(Storage cond, Shape condShape, Storage a, Shape aShape, Storage b, Shape bShape,
            Shape outShape) {
        return Elementwise.where(this, cpu(cond), condShape, cpu(a), aShape, cpu(b), bShape, outShape, vector);
    }

    @Override
    public Storage reduce(ReduceOp op, Storage x, Shape shape, int[] axes) {
        return Reductions.reduce(this, op, cpu(x), shape, axes, vector);
    }

    @Override
    public Storage softmax(Storage x, Shape shape, int axis, boolean log) {
        return Reductions.softmax(this, cpu(x), shape, axis, log, vector);
    }

    @Override
    public Storage strided(Storage x, long offset, long[] strides, Shape outShape) {
        return Layout.strided(this, cpu(x), offset, strides, outShape);
    }

    @Override
    public Storage concat(List<Storage> parts, List<Shape> shapes, int axis, Shape outShape) {
        return Layout.concat(this, parts.stream().map(CpuBackend::cpu).toList(), shapes, axis, outShape);
    }

    @Override
    public Storage pad(Storage x, Shape shape, int[] before, int[] after, double value, Shape outShape) {
        return Layout.pad(this, cpu(x), shape, before, after, value, outShape);
    }

    @Override
    public Storage gather(Storage x, Shape shape, int axis, Storage indices, Shape indexShape, Shape outShape) {
        return Layout.gather(this, cpu(x), shape, axis, cpu(indices), indexShape, outShape);
    }

    @Override
    public Storage indexAdd(Storage x, Shape shape, int axis, Storage indices, Shape indexShape, Storage updates) {
        return Layout.indexAdd(this, cpu(x), shape, axis, cpu(indices), indexShape, cpu(updates));
    }

    @Override
    public Storage matmul(Storage a, Shape aShape, boolean transposeA, Storage b, Shape bShape, boolean transposeB,
            Shape outShape) {
        return Matmul.matmul(this, cpu(a), aShape, transposeA, cpu(b), bShape, transposeB, outShape, vector);
    }

    @Override
    public Storage conv2d(Storage x, Shape xShape, Storage w, Shape wShape, Conv2dSpec spec, Shape outShape) {
        return Convolution.conv2d(this, cpu(x), xShape, cpu(w), wShape, spec, outShape, vector);
    }

    @Override
    public Storage pool2d(Storage x, Shape xShape, Pool2dSpec spec, Shape outShape) {
        return Convolution.pool2d(this, cpu(x), xShape, spec, outShape, vector);
    }

    @Override
    public Storage conv2dBackwardInput(Storage dy, Shape dyShape, Storage w, Shape wShape, Conv2dSpec spec,
            Shape xShape) {
        return ConvolutionBackward.conv2dInput(this, cpu(dy), dyShape, cpu(w), wShape, spec, xShape, vector);
    }

    @Override
    public Storage conv2dBackwardWeight(Storage x, Shape xShape, Storage dy, Shape dyShape, Conv2dSpec spec,
            Shape wShape) {
        return ConvolutionBackward.conv2dWeight(this, cpu(x), xShape, cpu(dy), dyShape, spec, wShape, vector);
    }

    @Override
    public Storage pool2dBackward(Storage x, Shape xShape, Storage dy, Shape dyShape, Pool2dSpec spec) {
        return ConvolutionBackward.pool2d(this, cpu(x), xShape, cpu(dy), dyShape, spec);
    }
}
