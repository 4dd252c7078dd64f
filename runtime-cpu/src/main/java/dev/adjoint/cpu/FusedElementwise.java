package dev.adjoint.cpu;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.op.BinaryOp;
import dev.adjoint.op.ElementwiseChainSpec;
import dev.adjoint.op.UnaryOp;
import java.util.Arrays;
import java.util.List;

/**
 * Fused elementwise chains: every step of a chain runs over one block of the output before the
 * next block is touched, so main memory sees each input read once and the result written once,
 * however long the chain. Within a block each step is the ordinary single-op row kernel (vector
 * or scalar by flavour, through {@link Elementwise#unaryRange} and {@link Elementwise#binaryRow})
 * working in place on the output block, which stays in L1 between steps; that is numexpr's
 * scheme, and it keeps each step a loop whose operator is a constant, which the Vector API needs to
 * emit SIMD code.
 *
 * <p>Chains whose steps all compute in one numeric type (the common case: arithmetic and
 * transcendentals on a float tensor, any operand broadcast) are fused, and so is a comparison whose
 * mask a select consumes at once ({@code x.chain().gt(0).where(g, 0.0)}, relu's gradient): the mask
 * lives in a block-sized scratch. Others — a logical op, a comparison kept as the result, a step
 * that changes type midway — run step by step through the backend's default.
 */
final class FusedElementwise {
    /**
     * Elements per block: 2048 floats are 8 KiB and 2048 doubles 16 KiB, so a block stays in a
     * 32-48 KiB L1 cache with room for the operand rows streaming past it.
     */
    static final int BLOCK = 2048;

    private FusedElementwise() {
    }

    /**
     * True when every step computes in, and returns, one non-{@code bool} type, except that a
     * comparison may make a {@code bool} mask for the select that immediately follows it (as in
     * {@code x.chain().gt(0).where(g, 0.0)}): the mask lives in a block-sized scratch.
     */
    static boolean supports(ElementwiseChainSpec chain) {
        List<ElementwiseChainSpec.Step> steps = chain.steps();
        if (steps.isEmpty() || steps.getFirst() instanceof ElementwiseChainSpec.SelectStep) {
            return false;
        }
        DType dtype = steps.getFirst().dtype();
        if (dtype == DType.BOOL) {
            return false;
        }
        for (int k = 0; k < steps.size(); k++) {
            ElementwiseChainSpec.Step step = steps.get(k);
            if (step.dtype() != dtype) {
                return false;
            }
            boolean masks = step.resultType() == DType.BOOL;
            boolean selectNext = k + 1 < steps.size() && steps.get(k + 1) instanceof ElementwiseChainSpec.SelectStep;
            if (masks != selectNext || !masks && step.resultType() != dtype) {
                return false;
            }
            if (masks) {
                k++;  // the select, of this dtype (checked above by the comparison's), reads the mask
                if (steps.get(k).dtype() != dtype) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Runs a chain that {@link #supports} accepts. */
    static CpuStorage run(CpuBackend backend, ElementwiseChainSpec chain, CpuStorage input, List<CpuStorage> operands,
            boolean vector) {
        return run(backend, chain, input, operands, vector, null);
    }

    /**
     * Runs a chain that {@link #supports} accepts into {@code into}, or into a new storage when it is
     * null. {@code into} may be the input's storage (each block is loaded into the output before the
     * steps run), never an operand's.
     */
    static CpuStorage run(CpuBackend backend, ElementwiseChainSpec chain, CpuStorage input, List<CpuStorage> operands,
            boolean vector, CpuStorage into) {
        if (!supports(chain)) {
            throw new IllegalArgumentException("chain does not compute in one numeric type: " + chain);
        }
        DType dtype = chain.dtype();
        checkStorage("chain input", input, chain.inputType(), chain.inputShape());
        if (operands.size() != chain.operandShapes().size()) {
            throw new IllegalArgumentException("chain " + chain + " needs " + chain.operandShapes().size()
                    + " operand storages, got " + operands.size());
        }
        for (int k = 0; k < operands.size(); k++) {
            checkStorage("chain operand " + k, operands.get(k), dtype, chain.operandShapes().get(k));
        }
        // The one conversion a fused chain allows is of the input, before the first step.
        CpuStorage x = input.dtype() == dtype ? input : (CpuStorage) Memory.cast(backend, input, dtype);
        int n = Memory.checkedSize(chain.shape().size());
        CpuStorage out = into != null ? into : Memory.allocateForOverwrite(backend, dtype, n);
        try {
            if (n > 0) {
                compute(chain, x, operands, out, n, vector);
            }
        } finally {
            if (x != input) {
                x.release();
            }
        }
        return out;
    }

    private static void compute(ElementwiseChainSpec chain, CpuStorage x, List<CpuStorage> operands, CpuStorage out,
            int n, boolean vector) {
        // Plan slot 0 is the input, slot 1 + k tensor operand k; all broadcast to the result.
        Shape[] shapes = new Shape[1 + operands.size()];
        shapes[0] = chain.inputShape();
        for (int k = 0; k < operands.size(); k++) {
            shapes[1 + k] = chain.operandShapes().get(k);
        }
        // Operands that are full-size or a single element need no broadcast plan: the common case,
        // and the one that keeps a chain on a tiny tensor cheap.
        int[] strides = new int[shapes.length];
        boolean flat = true;
        for (int s = 0; s < strides.length && flat; s++) {
            long size = shapes[s].size();
            strides[s] = size == n ? 1 : 0;
            flat = size == n || size == 1;
        }
        Broadcast plan = flat ? null : Broadcast.of(chain.shape(), shapes);
        if (plan != null) {
            for (int s = 0; s < strides.length; s++) {
                strides[s] = plan.innerStride(s);
            }
        }

        // Flatten the steps into arrays so the block loop does no allocation or type tests.
        List<ElementwiseChainSpec.Step> steps = chain.steps();
        int count = steps.size();
        UnaryOp[] unaryOps = new UnaryOp[count];
        BinaryOp[] binaryOps = new BinaryOp[count];
        Object[] operandArrays = new Object[count];
        int[] slots = new int[count];
        // A select's false branch (its true branch uses the arrays above); masks[k]: step k writes the mask.
        Object[] falseArrays = new Object[count];
        int[] falseSlots = new int[count];
        boolean[] masks = new boolean[count];
        boolean hasSelect = steps.stream().anyMatch(ElementwiseChainSpec.SelectStep.class::isInstance);
        DType computeType = steps.getFirst().dtype();
        for (int k = 0; k < count; k++) {
            switch (steps.get(k)) {
                case ElementwiseChainSpec.UnaryStep u -> unaryOps[k] = u.op();
                case ElementwiseChainSpec.ScalarStep s -> {
                    binaryOps[k] = s.op();
                    operandArrays[k] = s.scalar().toArray(computeType);
                    slots[k] = -1;
                }
                case ElementwiseChainSpec.OperandStep o -> {
                    binaryOps[k] = o.op();
                    operandArrays[k] = operands.get(o.operand()).array();
                    slots[k] = 1 + o.operand();
                }
                case ElementwiseChainSpec.SelectStep w -> {
                    operandArrays[k] = operands.get(w.whenTrue()).array();
                    slots[k] = 1 + w.whenTrue();
                    falseArrays[k] = operands.get(w.whenFalse()).array();
                    falseSlots[k] = 1 + w.whenFalse();
                    masks[k - 1] = true;
                }
            }
        }

        Object in = x.array();
        Object result = out.array();
        Broadcast.RowBody body = (start, length, offsets) -> {
            boolean[] mask = hasSelect ? new boolean[Math.min(BLOCK, length)] : null;
            for (int done = 0; done < length; done += BLOCK) {
                int len = Math.min(BLOCK, length - done);
                int at = start + done;
                load(in, offsets[0] + done * strides[0], strides[0], result, at, len);
                for (int k = 0; k < count; k++) {
                    int slot = slots[k];
                    int stride = slot < 0 ? 0 : strides[slot];
                    int from = slot < 0 ? 0 : offsets[slot] + done * stride;
                    if (unaryOps[k] != null) {
                        Elementwise.unaryRange(unaryOps[k], result, result, at, at + len, vector);
                    } else if (binaryOps[k] == null) {
                        // A select: the mask the step before wrote picks from its two operands.
                        int falseStride = strides[falseSlots[k]];
                        Elementwise.whereRow(mask, 0, 1, operandArrays[k], from, stride, falseArrays[k],
                                offsets[falseSlots[k]] + done * falseStride, falseStride, result, at, len, vector);
                    } else if (masks[k]) {
                        Elementwise.binaryRow(binaryOps[k], result, at, 1, operandArrays[k], from, stride, mask, 0, len,
                                vector);
                    } else {
                        Elementwise.binaryRow(binaryOps[k], result, at, 1, operandArrays[k], from, stride, result, at,
                                len, vector);
                    }
                }
            }
        };
        int grain = grain(unaryOps, binaryOps, count);
        if (plan != null) {
            plan.run(grain, body);
        } else if (n < grain) {
            body.run(0, n, new int[strides.length]);
        } else {
            Parallel.forRange(n, grain, (from, to) -> {
                int[] offsets = new int[strides.length];
                for (int s = 0; s < offsets.length; s++) {
                    offsets[s] = from * strides[s];
                }
                body.run(from, to - from, offsets);
            });
        }
    }

    /**
     * Outputs per thread: the single-op grain divided by the number of steps, as a chain does that
     * much more work per element; the transcendental grain when any step is one.
     */
    private static int grain(UnaryOp[] unaryOps, BinaryOp[] binaryOps, int count) {
        for (int k = 0; k < count; k++) {
            if (unaryOps[k] != null ? unaryOps[k].floatingOnly() : binaryOps[k] == BinaryOp.POW) {
                return Elementwise.PARALLEL_GRAIN_TRANSCENDENTAL;
            }
        }
        return Math.max(Elementwise.PARALLEL_GRAIN_TRANSCENDENTAL, Elementwise.PARALLEL_GRAIN / count);
    }

    /** Copies {@code len} input elements (stride 1) or repeats one (stride 0) into the output block. */
    private static void load(Object in, int from, int stride, Object out, int at, int len) {
        if (stride == 1) {
            System.arraycopy(in, from, out, at, len);
            return;
        }
        switch (in) {
            case float[] a -> Arrays.fill((float[]) out, at, at + len, a[from]);
            case double[] a -> Arrays.fill((double[]) out, at, at + len, a[from]);
            case int[] a -> Arrays.fill((int[]) out, at, at + len, a[from]);
            case long[] a -> Arrays.fill((long[]) out, at, at + len, a[from]);
            default -> throw new IllegalStateException("not a numeric storage array: " + in.getClass());
        }
    }

    private static void checkStorage(String what, CpuStorage s, DType dtype, Shape shape) {
        if (s.dtype() != dtype || s.size() != shape.size()) {
            throw new IllegalArgumentException(what + " must be " + dtype + " of shape " + shape + ", got "
                    + s.dtype() + " with " + s.size() + " elements");
        }
    }
}
