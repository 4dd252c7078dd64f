package dev.adjoint.openvino.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.Tensor;
import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.core.Slice;
import dev.adjoint.op.BinaryOp;
import dev.adjoint.op.Conv2dSpec;
import dev.adjoint.op.ElementwiseChainSpec;
import dev.adjoint.op.Op;
import dev.adjoint.op.Pool2dSpec;
import dev.adjoint.op.ReduceOp;
import dev.adjoint.op.UnaryOp;
import dev.adjoint.op.WeakScalar;
import dev.adjoint.openvino.engine.Core;
import dev.adjoint.openvino.engine.InferRequest;
import dev.adjoint.openvino.engine.Model;
import dev.adjoint.openvino.ir.IrReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * For every op of the op table (the sealed hierarchy's leaves, found by reflection, so that an op added without a
 * case here fails {@link #everyOpHasACase}): build it with {@link IrGraph#apply}, write the IR with IrWriter, read
 * it back with IrReader, run it on the engine, and compare with the eager {@code Tensor} method on seeded random
 * inputs. Gradient-only ops must refuse with an {@link ExportException}.
 */
class OpRoundTripTest {
    @TempDir
    Path dir;

    private final SplittableRandom rng = new SplittableRandom(20261202);

    /** One op case: the op, its inputs, and the eager computation it must equal. */
    record Case(String label, Op op, List<Tensor> inputs, Function<List<Tensor>, Tensor> eager) {
    }

    private Tensor uniform(double low, double high, int... dims) {
        return Tensor.randomUniform(rng, low, high, dims);
    }

    private Tensor bools(int... dims) {
        return uniform(-1, 1, dims).gt(0.0);
    }

    private Map<Class<?>, List<Case>> cases() {
        Map<Class<?>, List<Case>> cases = new LinkedHashMap<>();
        List<Case> unary = new ArrayList<>();
        for (UnaryOp op : UnaryOp.values()) {
            Tensor x = switch (op) {
                case LOG, SQRT, RSQRT -> uniform(0.1, 3, 3, 5);
                case LOG1P -> uniform(-0.5, 3, 3, 5);
                case LOGICAL_NOT -> bools(3, 5);
                default -> uniform(-3, 3, 3, 5);
            };
            unary.add(new Case(op.opName(), new Op.Unary(op), List.of(x), in -> in.getFirst().unary(op)));
        }
        // Integer inputs promote where the op is floating.
        unary.add(new Case("exp(int32)", new Op.Unary(UnaryOp.EXP), List.of(Tensor.of(new int[] {-2, 0, 1, 3}, Shape.of(4))),
                in -> in.getFirst().exp()));
        cases.put(Op.Unary.class, unary);

        List<Case> binary = new ArrayList<>();
        for (BinaryOp op : BinaryOp.values()) {
            List<Tensor> in = switch (op.kind()) {
                case LOGICAL -> List.of(bools(3, 1, 4), bools(5, 4));
                default -> op == BinaryOp.POW ? List.of(uniform(0.1, 3, 3, 1, 4), uniform(-2, 2, 5, 4))
                        : List.of(uniform(-3, 3, 3, 1, 4), uniform(-3, 3, 5, 4));
            };
            binary.add(new Case(op.opName(), new Op.Binary(op), in, t -> t.get(0).binary(op, t.get(1))));
        }
        binary.add(new Case("add(int32, float32)", new Op.Binary(BinaryOp.ADD),
                List.of(Tensor.of(new int[] {1, 2, 3}, Shape.of(3)), uniform(-1, 1, 2, 3)), t -> t.get(0).add(t.get(1))));
        binary.add(new Case("div(int32, int32)", new Op.Binary(BinaryOp.DIV),
                List.of(Tensor.of(new int[] {7, -7, 3}, Shape.of(3)), Tensor.of(new int[] {2, 2, -4}, Shape.of(3))),
                t -> t.get(0).div(t.get(1))));
        cases.put(Op.Binary.class, binary);

        cases.put(Op.Where.class, List.of(new Case("where", new Op.Where(),
                List.of(bools(3, 4), uniform(-1, 1, 3, 4), uniform(-1, 1, 4)),
                t -> Tensor.where(t.get(0), t.get(1), t.get(2)))));
        cases.put(Op.Cast.class, List.of(
                new Case("f32->i32", new Op.Cast(DType.INT32), List.of(uniform(-5, 5, 7)), t -> t.get(0).cast(DType.INT32)),
                new Case("f32->bool", new Op.Cast(DType.BOOL), List.of(Tensor.of(new float[] {0, 1, -0.5f, 0}, Shape.of(4))),
                        t -> t.get(0).cast(DType.BOOL)),
                new Case("i64->f32", new Op.Cast(DType.FLOAT32), List.of(Tensor.of(new long[] {-3, 0, 9}, Shape.of(3))),
                        t -> t.get(0).cast(DType.FLOAT32))));
        cases.put(Op.Fill.class, List.of(new Case("full", new Op.Fill(DType.FLOAT32, Shape.of(2, 3), 1.5), List.of(),
                t -> Tensor.full(DType.FLOAT32, 1.5, 2, 3))));
        Tensor chainOperand = uniform(-1, 1, 4);
        ElementwiseChainSpec spec = ElementwiseChainSpec.of(DType.FLOAT32, Shape.of(3, 4))
                .thenScalar(BinaryOp.MUL, WeakScalar.of(2.0))
                .thenOperand(BinaryOp.ADD, DType.FLOAT32, Shape.of(4))
                .thenUnary(UnaryOp.TANH);
        // relu's gradient: a comparison's mask consumed by a select, to IR Greater + Select.
        ElementwiseChainSpec select = ElementwiseChainSpec.of(DType.FLOAT32, Shape.of(3, 4))
                .thenScalar(BinaryOp.GREATER, WeakScalar.of(0.0))
                .thenSelect(DType.FLOAT32, Shape.of(3, 4), DType.FLOAT32, Shape.SCALAR);
        Tensor zero = Tensor.of(0f);
        cases.put(Op.Chain.class, List.of(
                new Case("chain", new Op.Chain(spec), List.of(uniform(-1, 1, 3, 4), chainOperand),
                        t -> t.get(0).mul(2.0).add(t.get(1)).tanh()),
                new Case("chain with select", new Op.Chain(select), List.of(uniform(-1, 1, 3, 4), uniform(-1, 1, 3, 4),
                        zero), t -> Tensor.where(t.get(0).gt(0.0), t.get(1), t.get(2)))));

        List<Case> reduce = new ArrayList<>();
        for (ReduceOp kind : ReduceOp.values()) {
            Tensor x = kind == ReduceOp.PROD ? uniform(0.5, 1.5, 3, 4, 5) : uniform(-3, 3, 3, 4, 5);
            reduce.add(new Case(kind.opName() + "(axis 1)", Op.Reduce.of(kind, new int[] {1}, false, x.shape()), List.of(x),
                    t -> eagerReduce(t.get(0), kind, new int[] {1}, false)));
            reduce.add(new Case(kind.opName() + "(all)", Op.Reduce.of(kind, null, false, x.shape()), List.of(x),
                    t -> eagerReduce(t.get(0), kind, null, false)));
            if (!kind.isArg()) {
                reduce.add(new Case(kind.opName() + "(-1, keep)", Op.Reduce.of(kind, new int[] {-1}, true, x.shape()),
                        List.of(x), t -> eagerReduce(t.get(0), kind, new int[] {-1}, true)));
            }
        }
        reduce.add(new Case("sum(bool)", Op.Reduce.of(ReduceOp.SUM, null, false, Shape.of(6)), List.of(bools(6)),
                t -> t.get(0).sum()));
        cases.put(Op.Reduce.class, reduce);

        cases.put(Op.Softmax.class, List.of(
                new Case("softmax", new Op.Softmax(1, false), List.of(uniform(-3, 3, 2, 5)), t -> t.get(0).softmax(1)),
                new Case("logSoftmax", new Op.Softmax(-1, true), List.of(uniform(-3, 3, 2, 5)), t -> t.get(0).logSoftmax(-1))));
        cases.put(Op.MatMul.class, List.of(
                new Case("matmul", Op.MatMul.PLAIN, List.of(uniform(-1, 1, 3, 4), uniform(-1, 1, 4, 5)),
                        t -> t.get(0).matmul(t.get(1))),
                new Case("matmul(tA, tB)", new Op.MatMul(true, true), List.of(uniform(-1, 1, 4, 3), uniform(-1, 1, 5, 4)),
                        t -> Tensor.matmul(t.get(0), true, t.get(1), true)),
                new Case("matmul(batch, vector)", Op.MatMul.PLAIN, List.of(uniform(-1, 1, 2, 3, 4), uniform(-1, 1, 4)),
                        t -> t.get(0).matmul(t.get(1)))));
        cases.put(Op.Reshape.class, List.of(new Case("reshape", new Op.Reshape(new int[] {2, -1}), List.of(uniform(-1, 1, 3, 4)),
                t -> t.get(0).reshape(2, -1))));
        cases.put(Op.Permute.class, List.of(new Case("permute", new Op.Permute(new int[] {2, 0, 1}),
                List.of(uniform(-1, 1, 2, 3, 4)), t -> t.get(0).permute(2, 0, 1))));
        Slice[] slices = {Slice.at(-1), new Slice.Range(null, null, -1), Slice.range(1, 4, 2)};
        cases.put(Op.Index.class, List.of(
                new Case("index", new Op.Index(slices), List.of(uniform(-1, 1, 3, 4, 5)), t -> t.get(0).index(slices)),
                new Case("get", new Op.Index(new Slice[] {Slice.at(1)}), List.of(uniform(-1, 1, 3, 4)), t -> t.get(0).get(1))));
        cases.put(Op.BroadcastTo.class, List.of(new Case("broadcastTo", new Op.BroadcastTo(Shape.of(2, 3, 4)),
                List.of(uniform(-1, 1, 3, 1)), t -> t.get(0).broadcastTo(2, 3, 4))));
        cases.put(Op.Concat.class, List.of(new Case("concat", new Op.Concat(-1),
                List.of(uniform(-1, 1, 2, 3), uniform(-1, 1, 2, 2)), t -> Tensor.concat(-1, t.get(0), t.get(1)))));
        int[][] padding = {{1, 0}, {2, 1}};
        cases.put(Op.Pad.class, List.of(new Case("pad", Op.Pad.of(padding, 0.5, Shape.of(2, 3)), List.of(uniform(-1, 1, 2, 3)),
                t -> t.get(0).pad(padding, 0.5))));
        Tensor indices = Tensor.of(new long[] {0, -1, 2, 1}, Shape.of(2, 2));
        cases.put(Op.Gather.class, List.of(new Case("gather", new Op.Gather(1), List.of(uniform(-1, 1, 2, 3), indices),
                t -> t.get(0).gather(t.get(1), 1))));
        Conv2dSpec grouped = new Conv2dSpec(2, 1, 1, 0, 1, 2, 1, 2, 2);
        cases.put(Op.Conv2d.class, List.of(
                new Case("conv2d", new Op.Conv2d(Conv2dSpec.of(1, 1)), List.of(uniform(-1, 1, 2, 3, 6, 5), uniform(-1, 1, 4, 3, 3, 3)),
                        t -> t.get(0).conv2d(t.get(1), Conv2dSpec.of(1, 1))),
                new Case("conv2d(groups, strides, dilation)", new Op.Conv2d(grouped),
                        List.of(uniform(-1, 1, 2, 4, 7, 6), uniform(-1, 1, 6, 2, 3, 3)), t -> t.get(0).conv2d(t.get(1), grouped))));
        double inf = Double.POSITIVE_INFINITY;
        cases.put(Op.Conv2dBias.class, List.of(
                new Case("conv2dBias(ReLU6)", new Op.Conv2dBias(Conv2dSpec.of(1, 1), 0, 6),
                        List.of(uniform(-3, 3, 2, 3, 6, 5), uniform(-1, 1, 4, 3, 3, 3), uniform(-2, 2, 4)),
                        t -> t.get(0).conv2dBias(t.get(1), t.get(2), Conv2dSpec.of(1, 1), 0, 6)),
                new Case("conv2dBias(groups, no activation)", new Op.Conv2dBias(grouped, -inf, inf),
                        List.of(uniform(-1, 1, 2, 4, 7, 6), uniform(-1, 1, 6, 2, 3, 3), uniform(-1, 1, 6)),
                        t -> t.get(0).conv2dBias(t.get(1), t.get(2), grouped, -inf, inf)),
                new Case("conv2dBias(ReLU)", new Op.Conv2dBias(grouped, 0, inf),
                        List.of(uniform(-1, 1, 2, 4, 7, 6), uniform(-1, 1, 6, 2, 3, 3), uniform(-1, 1, 6)),
                        t -> t.get(0).conv2dBias(t.get(1), t.get(2), grouped, 0, inf)),
                new Case("conv2dBias(residual, ReLU)", new Op.Conv2dBias(Conv2dSpec.of(1, 1), 0, inf),
                        List.of(uniform(-3, 3, 2, 3, 6, 5), uniform(-1, 1, 4, 3, 3, 3), uniform(-2, 2, 4),
                                uniform(-2, 2, 2, 4, 6, 5)),
                        t -> t.get(0).conv2dBias(t.get(1), t.get(2), t.get(3), Conv2dSpec.of(1, 1), 0, inf))));
        Conv2dSpec depthwise = new Conv2dSpec(1, 1, 1, 1, 1, 1, 1, 1, 12);
        List<Op.Conv2dBlock.Layer> invertedResidual = List.of(new Op.Conv2dBlock.Layer(Conv2dSpec.of(1, 0), 0, 6),
                new Op.Conv2dBlock.Layer(depthwise, 0, 6), new Op.Conv2dBlock.Layer(Conv2dSpec.of(1, 0), -inf, inf));
        cases.put(Op.Conv2dBlock.class, List.of(
                new Case("conv2dBlock(inverted residual)", new Op.Conv2dBlock(invertedResidual),
                        List.of(uniform(-3, 3, 2, 4, 9, 8), uniform(-1, 1, 12, 4, 1, 1), uniform(-1, 1, 12),
                                uniform(-1, 1, 12, 1, 3, 3), uniform(-1, 1, 12), uniform(-1, 1, 4, 12, 1, 1),
                                uniform(-1, 1, 4), uniform(-2, 2, 2, 4, 9, 8)),
                        t -> t.get(0).conv2dBlock(List.of(
                                new dev.adjoint.Conv2dLayer(t.get(1), t.get(2), Conv2dSpec.of(1, 0), 0, 6),
                                new dev.adjoint.Conv2dLayer(t.get(3), t.get(4), depthwise, 0, 6),
                                dev.adjoint.Conv2dLayer.linear(t.get(5), t.get(6), Conv2dSpec.of(1, 0))), t.get(7))),
                new Case("conv2dBlock(one layer, no residual)",
                        new Op.Conv2dBlock(List.of(new Op.Conv2dBlock.Layer(Conv2dSpec.of(2, 1), 0, inf))),
                        List.of(uniform(-3, 3, 1, 3, 7, 6), uniform(-1, 1, 5, 3, 3, 3), uniform(-1, 1, 5)),
                        t -> t.get(0).conv2dBlock(List.of(new dev.adjoint.Conv2dLayer(t.get(1), t.get(2),
                                Conv2dSpec.of(2, 1), 0, inf)), null))));
        cases.put(Op.MatMulBias.class, List.of(
                new Case("matmulBias(ReLU, transposed weight)", new Op.MatMulBias(false, true, 0, inf),
                        List.of(uniform(-2, 2, 5, 7), uniform(-1, 1, 9, 7), uniform(-1, 1, 9)),
                        t -> Tensor.matmulBias(t.get(0), false, t.get(1), true, t.get(2), 0, inf)),
                new Case("matmulBias(batched, clamp)", new Op.MatMulBias(false, false, -0.5, 0.5),
                        List.of(uniform(-2, 2, 2, 3, 7), uniform(-1, 1, 7, 4), uniform(-1, 1, 4)),
                        t -> Tensor.matmulBias(t.get(0), false, t.get(1), false, t.get(2), -0.5, 0.5))));
        cases.put(Op.LayerNorm.class, List.of(
                new Case("layerNorm(last axis)", new Op.LayerNorm(1, 1e-5), List.of(uniform(-2, 2, 3, 17)),
                        t -> t.get(0).layerNorm(1, 1e-5)),
                new Case("layerNorm(two axes, scaled)", new Op.LayerNorm(2, 1e-3),
                        List.of(uniform(-2, 2, 2, 3, 5), uniform(0.5, 1.5, 3, 5), uniform(-1, 1, 3, 5)),
                        t -> t.get(0).layerNorm(2, 1e-3, t.get(1), t.get(2)))));
        Pool2dSpec max = new Pool2dSpec(Pool2dSpec.Kind.MAX, 3, 3, 2, 2, 1, 1);
        Pool2dSpec avg = new Pool2dSpec(Pool2dSpec.Kind.AVG, 3, 2, 2, 1, 1, 1);
        cases.put(Op.Pool2d.class, List.of(
                new Case("maxPool2d", new Op.Pool2d(max), List.of(uniform(-1, 1, 2, 3, 7, 6)), t -> t.get(0).pool2d(max)),
                new Case("avgPool2d", new Op.Pool2d(avg), List.of(uniform(-1, 1, 2, 3, 7, 6)), t -> t.get(0).pool2d(avg))));
        Conv2dSpec back = new Conv2dSpec(2, 2, 1, 1, 0, 1, 1, 1, 1);
        Shape inputShape = Shape.of(2, 3, 8, 7);
        Shape dyShape = new Op.Conv2d(back).infer(new dev.adjoint.op.TensorType(DType.FLOAT32, inputShape),
                dev.adjoint.op.TensorType.of(DType.FLOAT32, 4, 3, 3, 3)).shape();
        cases.put(Op.Conv2dBackwardInput.class, List.of(new Case("conv2dBackwardInput", new Op.Conv2dBackwardInput(back, inputShape),
                List.of(uniform(-1, 1, dyShape.dims()), uniform(-1, 1, 4, 3, 3, 3)),
                t -> Tensor.conv2dBackwardInput(t.get(0), t.get(1), back, inputShape))));
        return cases;
    }

    private static Tensor eagerReduce(Tensor x, ReduceOp kind, int[] axes, boolean keep) {
        int[] all = axes == null ? new int[] {0, 1, 2} : axes;
        return switch (kind) {
            case SUM -> x.sum(all, keep);
            case MEAN -> x.mean(all, keep);
            case MAX -> x.max(all, keep);
            case MIN -> x.min(all, keep);
            case PROD -> x.prod(all, keep);
            case LOG_SUM_EXP -> x.logSumExp(all, keep);
            case ARGMAX -> axes == null ? x.argmax() : x.argmax(axes[0], keep);
            case ARGMIN -> axes == null ? x.argmin() : x.argmin(axes[0], keep);
        };
    }

    /** The gradient-only ops, which have no IR mapping. */
    private static final Set<Class<?>> TRAINING_ONLY = Set.of(Op.IndexAdd.class, Op.Conv2dBackwardWeight.class,
            Op.Pool2dBackward.class);

    private static void leaves(Class<?> type, Set<Class<?>> out) {
        if (type.isSealed()) {
            for (Class<?> sub : type.getPermittedSubclasses()) {
                leaves(sub, out);
            }
        } else {
            out.add(type);
        }
    }

    @Test
    void everyOpHasACase() {
        Set<Class<?>> ops = new HashSet<>();
        leaves(Op.class, ops);
        Set<Class<?>> covered = new HashSet<>(cases().keySet());
        covered.addAll(TRAINING_ONLY);
        for (Class<?> op : ops) {
            assertTrue(covered.contains(op), "op " + op.getSimpleName() + " has no round-trip case: add one, and its "
                    + "IR mapping in IrMapping");
        }
        assertTrue(ops.size() >= 20, "found only " + ops.size() + " ops");
    }

    @Test
    void everyOpRoundTripsThroughIrAndEqualsEager() throws IOException {
        int n = 0;
        for (Map.Entry<Class<?>, List<Case>> entry : cases().entrySet()) {
            for (Case c : entry.getValue()) {
                Tensor expected = c.eager().apply(c.inputs());
                Tensor actual = roundTrip(c, "op" + n++);
                compare(c.label(), expected, actual);
            }
        }
        assertTrue(n > 60, "ran " + n + " cases");
    }

    @Test
    void elementwiseOpsAgreeOnNanInfinitiesAndSignedZeros() throws IOException {
        float nan = Float.NaN;
        float inf = Float.POSITIVE_INFINITY;
        Tensor special = Tensor.of(new float[] {nan, inf, -inf, 0f, -0f, 1f, -1f, 3e38f, -87.5f}, Shape.of(9));
        int n = 0;
        for (UnaryOp op : UnaryOp.values()) {
            if (op == UnaryOp.LOGICAL_NOT) {
                continue;
            }
            Case c = new Case(op.opName() + "(special)", new Op.Unary(op), List.of(special), in -> in.getFirst().unary(op));
            compare(c.label(), special.unary(op), roundTrip(c, "special" + n++));
        }
        for (BinaryOp op : BinaryOp.values()) {
            if (op.kind() == BinaryOp.Kind.LOGICAL) {
                continue;
            }
            Tensor other = Tensor.of(new float[] {1f, inf, 0f, nan, -0f, -inf, 2f, 0.5f, 0f}, Shape.of(9));
            Case c = new Case(op.opName() + "(special)", new Op.Binary(op), List.of(special, other),
                    in -> in.get(0).binary(op, in.get(1)));
            compare(c.label(), special.binary(op, other), roundTrip(c, "special" + n++));
        }
    }

    @Test
    void emptyAndSizeOneTensors() throws IOException {
        List<Case> cases = List.of(
                new Case("relu(empty)", new Op.Unary(UnaryOp.RELU), List.of(Tensor.zeros(0, 3)), t -> t.get(0).relu()),
                new Case("sum(empty, axis 0)", Op.Reduce.of(ReduceOp.SUM, new int[] {0}, false, Shape.of(0, 3)),
                        List.of(Tensor.zeros(0, 3)), t -> t.get(0).sum(new int[] {0}, false)),
                new Case("add(size 1 broadcast)", new Op.Binary(BinaryOp.ADD),
                        List.of(uniform(-1, 1, 1, 1), uniform(-1, 1, 3, 1)), t -> t.get(0).add(t.get(1))),
                new Case("matmul(1x1)", Op.MatMul.PLAIN, List.of(uniform(-1, 1, 1, 1), uniform(-1, 1, 1, 1)),
                        t -> t.get(0).matmul(t.get(1))),
                new Case("softmax(odd 7)", new Op.Softmax(0, false), List.of(uniform(-5, 5, 7)), t -> t.get(0).softmax(0)));
        int n = 0;
        for (Case c : cases) {
            compare(c.label(), c.eager().apply(c.inputs()), roundTrip(c, "edge" + n++));
        }
    }

    @Test
    void gradientOpsRefuseWithAnExportError() {
        IrGraph g = new IrGraph("grad");
        IrTensor x = g.parameter("x", InputSpec.f32(3, 4));
        IrTensor idx = g.parameter("i", InputSpec.of(DType.INT64, 2));
        IrTensor upd = g.parameter("u", InputSpec.f32(3, 2));
        ExportException e = assertThrows(ExportException.class, () -> g.apply(new Op.IndexAdd(1), x, idx, upd));
        assertTrue(e.getMessage().startsWith("indexAdd is a gradient op with no IR mapping"), e.getMessage());
        IrTensor img = g.parameter("img", InputSpec.f32(1, 1, 4, 4));
        IrTensor dy = g.parameter("dy", InputSpec.f32(1, 1, 2, 2));
        Pool2dSpec spec = new Pool2dSpec(Pool2dSpec.Kind.MAX, 2, 2, 2, 2, 0, 0);
        assertThrows(ExportException.class, () -> g.apply(new Op.Pool2dBackward(spec), img, dy));
        IrTensor w = g.parameter("w", InputSpec.f32(1, 1, 3, 3));
        assertThrows(ExportException.class, () -> g.apply(new Op.Conv2dBackwardWeight(Conv2dSpec.of(1, 0),
                Shape.of(1, 1, 3, 3)), img, dy));
        assertEquals(4, w.rank());
    }

    private Tensor roundTrip(Case c, String name) throws IOException {
        IrGraph g = new IrGraph(name);
        IrTensor[] in = new IrTensor[c.inputs().size()];
        for (int i = 0; i < in.length; i++) {
            in[i] = g.parameter("p" + i, InputSpec.like(c.inputs().get(i)));
        }
        ExportedModel exported = g.result("out", g.apply(c.op(), in));
        Path xml = exported.save(dir, name);
        Model model = Model.of(IrReader.read(xml).model());
        try (var compiled = new Core().compileModel(model, "CPU")) {
            InferRequest request = compiled.createInferRequest();
            for (int i = 0; i < in.length; i++) {
                request.setInputTensor(i, c.inputs().get(i));
            }
            request.infer();
            return request.getOutputTensor().tensor();
        } catch (RuntimeException e) {
            throw new AssertionError(c.label() + ": " + e.getMessage() + "\n" + Files.readString(xml), e);
        }
    }

    static void compare(String label, Tensor expected, Tensor actual) {
        assertEquals(expected.dtype(), actual.dtype(), label + ": dtype");
        assertArrayEquals(expected.shape().dims(), actual.shape().dims(), label + ": shape");
        if (!expected.dtype().isFloating()) {
            assertArrayEquals(expected.cast(DType.INT64).toLongArray(), actual.cast(DType.INT64).toLongArray(), label);
            return;
        }
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            if (Double.isNaN(e[i]) != Double.isNaN(a[i])
                    || Math.abs(e[i] - a[i]) > 1e-5 + 1e-5 * Math.abs(e[i]) && !(e[i] == a[i])) {
                fail(label + ": element " + i + " is " + a[i] + " through IR, " + e[i] + " eagerly");
            }
        }
    }
}
