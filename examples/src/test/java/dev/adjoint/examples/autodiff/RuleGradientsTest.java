package dev.adjoint.examples.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.core.DType;
import dev.adjoint.core.Device;
import dev.adjoint.core.Shape;
import dev.adjoint.core.Slice;
import dev.adjoint.Tensor;
import dev.adjoint.grad.GradCheck;
import dev.adjoint.grad.Gradients;
import dev.adjoint.op.BinaryOp;
import dev.adjoint.op.Conv2dSpec;
import dev.adjoint.op.Pool2dSpec;
import dev.adjoint.op.UnaryOp;
import dev.adjoint.rules.ScalarRules;
import dev.adjoint.rules.TensorRules;
import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.DoubleSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every overload of every derivative rule in {@link TensorRules} and {@link ScalarRules}, checked
 * against float64 central differences at every rank its primitive accepts, as one table.
 *
 * <p>A case names the rule overloads it exercises, the differentiable method in
 * {@link TensorRuleCases} or {@link ScalarRuleCases} that calls the primitive, and the operands.
 * Each case runs twice: on the CPU, where the generated gradient, seeded with a random output
 * adjoint {@code dy}, is compared with the central differences of {@code sum(f(x) * dy)}; and with
 * every tensor on {@link TwinBackend}'s second device, where each gradient must come back on its
 * operand's device with the same values. {@link #everyRuleOverloadHasACase()} reads the rule classes
 * and the generated code and fails if an overload has no case or a case names rules its method does
 * not call.
 */
class RuleGradientsTest {

    private static final double TOLERANCE = 1e-6;

    /** Shapes of every rank a shape-agnostic primitive accepts, and empty ones. */
    private static final int[][] RANKS = {{}, {1}, {7}, {3, 4}, {2, 3, 5}, {0}, {2, 0, 3}};

    /** Operand pairs of a broadcasting binary primitive: equal shapes of rank 0 to 3, then broadcasting. */
    private static final int[][][] BROADCAST = {
        {{}, {}}, {{1}, {1}}, {{6}, {6}}, {{3, 4}, {3, 4}}, {{2, 3, 4}, {2, 3, 4}},
        {{}, {3, 4}}, {{3, 4}, {}}, {{4}, {3, 4}}, {{3, 4}, {4}}, {{3, 1}, {1, 4}},
        {{2, 3, 4}, {3, 1}}, {{1, 3, 1}, {2, 1, 4}}, {{2, 1, 4}, {4}}, {{2, 0}, {1}}, {{0}, {}}};

    /** A non-differentiable argument of the case's method that differentiable types would not tell apart. */
    private record Fixed(Object value) {
    }

    /** One row of the table: {@code rules} are the overloads that {@code method}'s generated gradient calls. */
    private record Case(Class<?> cases, String method, List<String> rules, List<Object> args) {

        String label() {
            return String.join(", ", rules) + "  <-  " + method + "("
                    + args.stream().map(Case::describe).collect(Collectors.joining(", ")) + ")";
        }

        private static String describe(Object arg) {
            return switch (arg) {
                case Tensor t -> t.shape().toString();
                case Fixed(Tensor t) -> "fixed " + t.shape();
                case Fixed(Object o) -> describe(o);
                case int[] a -> Arrays.toString(a);
                case int[][] a -> Arrays.deepToString(a);
                case Object[] a -> Arrays.toString(a);
                default -> String.valueOf(arg);
            };
        }
    }

    private SplittableRandom random;
    private final List<Case> table = new ArrayList<>();

    // ============================================================================================
    // The table
    // ============================================================================================

    private List<Case> tensorTable() {
        random = new SplittableRandom(20260611);
        table.clear();

        // ---- linear ----
        unary("neg", "unary(Tensor,UnaryOp,Tensor,Tensor)", this::any);
        binary("add", List.of("binaryLhs(Tensor,BinaryOp,Tensor,Tensor,Tensor)", "binaryRhs(Tensor,BinaryOp,Tensor,Tensor,Tensor)"), this::any, this::any);
        withScalar("addScalar", List.of("binaryLhs(Tensor,BinaryOp,double,Tensor,Tensor)", "binaryRhs(Tensor,BinaryOp,double,Tensor,Tensor)"), this::any, 0.7);
        unary("mulLong", "binaryLhs(Tensor,BinaryOp,long,Tensor,Tensor)", this::any);
        binary("sub", List.of("binaryLhs(Tensor,BinaryOp,Tensor,Tensor,Tensor)", "binaryRhs(Tensor,BinaryOp,Tensor,Tensor,Tensor)"), this::any, this::any);
        withScalar("subScalar", List.of("binaryLhs(Tensor,BinaryOp,double,Tensor,Tensor)", "binaryRhs(Tensor,BinaryOp,double,Tensor,Tensor)"), this::any, -1.3);
        unary("sumAll", "sum(Tensor,Tensor)", this::any);
        alongOneAxis("sumAxis", "sum(Tensor,int,Tensor)", this::any);
        alongAxes("sumAxes", "sum(Tensor,int[],boolean,Tensor)", this::any);
        unary("meanAll", "mean(Tensor,Tensor)", this::any);
        alongOneAxis("meanAxis", "mean(Tensor,int,Tensor)", this::any);
        alongAxes("meanAxes", "mean(Tensor,int[],boolean,Tensor)", this::any);
        unary("transpose", "transpose(Tensor,Tensor)", this::any);
        row("swapAxes", "transpose(Tensor,int,int,Tensor)", any(5), 0, 0);
        row("swapAxes", "transpose(Tensor,int,int,Tensor)", any(3, 4), 0, 1);
        row("swapAxes", "transpose(Tensor,int,int,Tensor)", any(2, 3, 4), -1, 0);
        for (int[] dims : new int[][] {{}, {1}, {1, 1, 1}}) {
            row("item", "item(Tensor,double)", any(dims));
        }

        // ---- bilinear ----
        binary("mul", List.of("binaryLhs(Tensor,BinaryOp,Tensor,Tensor,Tensor)", "binaryRhs(Tensor,BinaryOp,Tensor,Tensor,Tensor)"), this::any, this::any);
        withScalar("mulScalar", List.of("binaryLhs(Tensor,BinaryOp,double,Tensor,Tensor)", "binaryRhs(Tensor,BinaryOp,double,Tensor,Tensor)"), this::any, 1.7);
        binary("div", List.of("binaryLhs(Tensor,BinaryOp,Tensor,Tensor,Tensor)", "binaryRhs(Tensor,BinaryOp,Tensor,Tensor,Tensor)"), this::any, this::nonZero);
        withScalar("divScalar", List.of("binaryLhs(Tensor,BinaryOp,double,Tensor,Tensor)", "binaryRhs(Tensor,BinaryOp,double,Tensor,Tensor)"), this::any, -0.8);
        pairs("matmul", List.of("matmulLhs(Tensor,Tensor,Tensor)", "matmulRhs(Tensor,Tensor,Tensor)"), new int[][][] {
            {{4}, {4}}, {{3, 4}, {4}}, {{4}, {4, 5}}, {{3, 4}, {4, 5}}, {{1, 4}, {4, 1}}, {{2, 3, 4}, {4, 5}},
            {{4}, {2, 4, 5}}, {{2, 3, 4}, {4}}, {{2, 1, 3, 4}, {3, 4, 2}}, {{0, 4}, {4, 3}}, {{3, 0}, {0, 2}}});
        pairs("dot", List.of("dotLhs(Tensor,Tensor,Tensor)", "dotRhs(Tensor,Tensor,Tensor)"), new int[][][] {
            {{}, {}}, {{}, {3}}, {{3}, {}}, {{}, {2, 3}}, {{2, 3}, {}}, {{4}, {4}}, {{3, 4}, {4}}, {{4}, {4, 5}},
            {{2, 2}, {2, 2}}, {{3, 4}, {4, 5}}, {{0}, {0}}});
        pairs("outer", List.of("outerLhs(Tensor,Tensor,Tensor)", "outerRhs(Tensor,Tensor,Tensor)"), new int[][][] {
            {{}, {}}, {{3}, {4}}, {{}, {2, 3}}, {{2, 3}, {4}}, {{2, 2}, {3, 1}}, {{2, 1, 2}, {3}}, {{0}, {3}}, {{2}, {0}}});

        // ---- uses output ----
        unary("exp", "unary(Tensor,UnaryOp,Tensor,Tensor)", this::any);
        unary("sqrt", "unary(Tensor,UnaryOp,Tensor,Tensor)", this::positive);
        unary("rsqrt", "unary(Tensor,UnaryOp,Tensor,Tensor)", this::positive);
        unary("tanh", "unary(Tensor,UnaryOp,Tensor,Tensor)", this::any);
        unary("sigmoid", "unary(Tensor,UnaryOp,Tensor,Tensor)", this::any);
        unary("logSumExpAll", "logSumExp(Tensor,Tensor,Tensor)", this::any);
        alongOneAxis("logSumExpAxis", "logSumExp(Tensor,int,Tensor,Tensor)", this::any);
        alongAxes("logSumExpAxes", "logSumExp(Tensor,int[],boolean,Tensor,Tensor)", this::any);
        // Random values are tie-free; exact ties are checked in the tie tests below.
        nonEmpty("maxAll", "max(Tensor,Tensor,Tensor)", this::any);
        alongOneAxis("maxAxis", "max(Tensor,int,Tensor,Tensor)", this::any);
        alongAxes("maxAxes", "max(Tensor,int[],boolean,Tensor,Tensor)", this::any);
        nonEmpty("minAll", "min(Tensor,Tensor,Tensor)", this::any);
        alongOneAxis("minAxis", "min(Tensor,int,Tensor,Tensor)", this::any);
        alongAxes("minAxes", "min(Tensor,int[],boolean,Tensor,Tensor)", this::any);
        // The rule divides by x: no zeros (documented).
        unary("prodAll", "prod(Tensor,Tensor,Tensor)", this::nonZero);
        alongOneAxis("prodAxis", "prod(Tensor,int,Tensor,Tensor)", this::nonZero);
        alongAxes("prodAxes", "prod(Tensor,int[],boolean,Tensor,Tensor)", this::nonZero);
        for (int[] dims : new int[][] {{1}, {7}, {3, 4}, {2, 3, 5}}) {
            row("softmaxLast", "softmax(Tensor,Tensor,Tensor)", any(dims));
            row("logSoftmaxLast", "logSoftmax(Tensor,Tensor,Tensor)", any(dims));
            row("softmaxAxis", "softmax(Tensor,int,Tensor,Tensor)", any(dims), 0);
            row("logSoftmaxAxis", "logSoftmax(Tensor,int,Tensor,Tensor)", any(dims), 0);
        }
        row("softmaxAxis", "softmax(Tensor,int,Tensor,Tensor)", any(2, 3, 5), -2);
        // Layer norms over one and two trailing axes, a slice of one value (its gradient is 0), scale and shift.
        for (Object[] c : new Object[][] {{new int[] {7}, 1}, {new int[] {3, 4}, 1}, {new int[] {3, 4}, 2},
                {new int[] {2, 3, 5}, 1}, {new int[] {2, 3, 5}, 2}, {new int[] {4, 1}, 1}}) {
            int[] dims = (int[]) c[0];
            int axes = (int) c[1];
            int[] normalized = Arrays.copyOfRange(dims, dims.length - axes, dims.length);
            row("layerNorm", "layerNorm(Tensor,int,double,Tensor)", any(dims), axes);
            row("layerNormAffine", List.of("layerNorm(Tensor,int,double,Tensor,Tensor,Tensor)",
                    "layerNormScale(Tensor,int,double,Tensor,Tensor,Tensor)",
                    "layerNormBias(Tensor,int,double,Tensor,Tensor,Tensor)"), any(dims), axes, any(normalized),
                    any(normalized));
        }
        row("logSoftmaxAxis", "logSoftmax(Tensor,int,Tensor,Tensor)", any(2, 3, 5), 1);
        binary("pow", List.of("binaryLhs(Tensor,BinaryOp,Tensor,Tensor,Tensor)", "binaryRhs(Tensor,BinaryOp,Tensor,Tensor,Tensor)"),
                this::positive, this::any);
        List<String> powScalar = List.of("binaryLhs(Tensor,BinaryOp,double,Tensor,Tensor)", "binaryRhs(Tensor,BinaryOp,double,Tensor,Tensor)");
        withScalar("powScalar", powScalar, this::positive, 2.5);
        withScalar("powScalar", powScalar, this::positive, -1.5);
        // An exponent of 0 takes the rule's special case (a constant 1 has no base gradient).
        row("powScalar", powScalar, positive(3, 4), 0.0);

        // ---- nonlinear ----
        unary("log", "unary(Tensor,UnaryOp,Tensor,Tensor)", this::positive);
        unary("log1p", "unary(Tensor,UnaryOp,Tensor,Tensor)", this::positive);
        unary("square", "unary(Tensor,UnaryOp,Tensor,Tensor)", this::any);
        unary("sin", "unary(Tensor,UnaryOp,Tensor,Tensor)", this::any);
        unary("cos", "unary(Tensor,UnaryOp,Tensor,Tensor)", this::any);
        unary("softplus", "unary(Tensor,UnaryOp,Tensor,Tensor)", this::any);
        unary("erf", "unary(Tensor,UnaryOp,Tensor,Tensor)", this::any);
        unary("gelu", "unary(Tensor,UnaryOp,Tensor,Tensor)", this::any);

        // ---- piecewise (random values are away from the kinks) ----
        unary("abs", "unary(Tensor,UnaryOp,Tensor,Tensor)", this::nonZero);
        // Piecewise constant: the processor passes no adjoint through it, and no rule is called.
        for (int[] dims : RANKS) {
            row("sign", List.of(), nonZero(dims));
        }
        unary("relu", "unary(Tensor,UnaryOp,Tensor,Tensor)", this::nonZero);
        List<String> clip = List.of("clip(Tensor,double,double,Tensor)", "clipLow(Tensor,double,double,Tensor)",
                "clipHigh(Tensor,double,double,Tensor)");
        for (int[] dims : RANKS) {
            row("clip", clip, any(dims), -0.6, 0.9);
        }
        binary("maximum", List.of("binaryLhs(Tensor,BinaryOp,Tensor,Tensor,Tensor)", "binaryRhs(Tensor,BinaryOp,Tensor,Tensor,Tensor)"),
                this::any, this::any);
        withScalar("maximumScalar", List.of("binaryLhs(Tensor,BinaryOp,double,Tensor,Tensor)", "binaryRhs(Tensor,BinaryOp,double,Tensor,Tensor)"),
                this::any, 0.3);
        binary("minimum", List.of("binaryLhs(Tensor,BinaryOp,Tensor,Tensor,Tensor)", "binaryRhs(Tensor,BinaryOp,Tensor,Tensor,Tensor)"),
                this::any, this::any);
        withScalar("minimumScalar", List.of("binaryLhs(Tensor,BinaryOp,double,Tensor,Tensor)", "binaryRhs(Tensor,BinaryOp,double,Tensor,Tensor)"),
                this::any, -0.2);
        List<String> where = List.of("whereTrue(Tensor,Tensor,Tensor,Tensor)", "whereFalse(Tensor,Tensor,Tensor,Tensor)");
        for (int[][] shapes : new int[][][] {{{}, {}, {}}, {{5}, {5}, {5}}, {{3, 4}, {4}, {3, 1}}, {{2, 3, 4}, {}, {3, 4}},
                {{3, 1}, {1, 4}, {}}, {{2, 3, 4}, {2, 3, 4}, {2, 3, 4}}, {{0}, {0}, {}}}) {
            row("where", where, new Fixed(condition(shapes[0])), any(shapes[1]), any(shapes[2]));
        }

        // ---- shape ----
        row("reshape", "reshape(Tensor,int[],Tensor)", any(), new int[] {1, 1});
        row("reshape", "reshape(Tensor,int[],Tensor)", any(6), new int[] {2, 3});
        row("reshape", "reshape(Tensor,int[],Tensor)", any(3, 4), new int[] {-1});
        row("reshape", "reshape(Tensor,int[],Tensor)", any(2, 3, 4), new int[] {4, -1});
        row("reshape", "reshape(Tensor,int[],Tensor)", any(0, 3), new int[] {3, 0});
        unary("flatten", "flatten(Tensor,Tensor)", this::any);
        for (int[] dims : new int[][] {{}, {1}, {3, 1}, {1, 3, 1, 2}, {4}}) {
            row("squeezeAll", "squeeze(Tensor,Tensor)", any(dims));
        }
        row("squeezeAxis", "squeeze(Tensor,int,Tensor)", any(1), 0);
        row("squeezeAxis", "squeeze(Tensor,int,Tensor)", any(3, 1), -1);
        row("squeezeAxis", "squeeze(Tensor,int,Tensor)", any(2, 1, 3), 1);
        row("expandDims", "expandDims(Tensor,int,Tensor)", any(), 0);
        row("expandDims", "expandDims(Tensor,int,Tensor)", any(4), -1);
        row("expandDims", "expandDims(Tensor,int,Tensor)", any(3, 4), 1);
        row("expandDims", "expandDims(Tensor,int,Tensor)", any(2, 3, 4), 0);
        row("getOne", "get(Tensor,int[],Tensor)", any(5), -1);
        row("getOne", "get(Tensor,int[],Tensor)", any(1), 0);
        row("getOne", "get(Tensor,int[],Tensor)", any(3, 4), 1);
        row("getOne", "get(Tensor,int[],Tensor)", any(2, 3, 4), -2);
        row("getMany", "get(Tensor,int[],Tensor)", any(5), new int[] {3});
        row("getMany", "get(Tensor,int[],Tensor)", any(3, 4), new int[] {1, -1});
        row("getMany", "get(Tensor,int[],Tensor)", any(2, 3, 4), new int[] {1, 0});
        row("getMany", "get(Tensor,int[],Tensor)", any(2, 3, 4), new int[] {-1, 2, 3});
        row("broadcastTo", "broadcastTo(Tensor,int[],Tensor)", any(), new int[] {2, 3});
        row("broadcastTo", "broadcastTo(Tensor,int[],Tensor)", any(1), new int[] {4});
        row("broadcastTo", "broadcastTo(Tensor,int[],Tensor)", any(4), new int[] {3, 4});
        row("broadcastTo", "broadcastTo(Tensor,int[],Tensor)", any(3, 1), new int[] {2, 3, 4});
        row("broadcastTo", "broadcastTo(Tensor,int[],Tensor)", any(2, 3), new int[] {2, 3});
        row("broadcastTo", "broadcastTo(Tensor,int[],Tensor)", any(1), new int[] {0});
        unary("cast", "cast(Tensor,DType,Tensor)", this::any);

        // ---- neural-network ops: NCHW input, OIHW weights only ----
        List<String> conv = List.of("conv2dInput(Tensor,Tensor,Conv2dSpec,Tensor)",
                "conv2dWeight(Tensor,Tensor,Conv2dSpec,Tensor)");
        row("conv2d", conv, any(1, 1, 1, 1), any(1, 1, 1, 1), new Fixed(Conv2dSpec.of(1, 0)));
        row("conv2d", conv, any(2, 3, 5, 6), any(4, 3, 3, 3), new Fixed(Conv2dSpec.of(1, 1)));
        row("conv2d", conv, any(2, 2, 7, 6), any(3, 2, 2, 3), new Fixed(new Conv2dSpec(2, 1, 0, 2, 1, 0, 1, 2, 1)));
        row("conv2d", conv, any(2, 4, 5, 5), any(6, 2, 3, 2), new Fixed(new Conv2dSpec(1, 2, 1, 0, 0, 1, 1, 1, 2)));
        List<String> convStrided = List.of("conv2dInput(Tensor,Tensor,int,int,Tensor)",
                "conv2dWeight(Tensor,Tensor,int,int,Tensor)");
        row("conv2dStrided", convStrided, any(2, 2, 7, 8), any(3, 2, 3, 3), 2, 1);
        row("conv2dStrided", convStrided, any(1, 3, 4, 4), any(2, 3, 1, 1), 1, 0);
        for (int[] dims : new int[][] {{1, 1, 2, 2}, {2, 3, 6, 6}, {1, 2, 7, 5}}) {
            row("maxPool2d", "maxPool2d(Tensor,int,Tensor)", any(dims), 2);
            row("avgPool2d", "avgPool2d(Tensor,int,Tensor)", any(dims), 2);
        }
        row("maxPool2dStrided", "maxPool2d(Tensor,int,int,int,Tensor)", any(2, 2, 7, 6), 3, 2, 1);
        row("avgPool2dStrided", "avgPool2d(Tensor,int,int,int,Tensor)", any(2, 2, 7, 6), 3, 2, 1);
        for (Pool2dSpec.Kind kind : Pool2dSpec.Kind.values()) {
            Pool2dSpec spec = new Pool2dSpec(kind, 3, 2, 2, 1, 1, 0);
            row("pool2d", "pool2d(Tensor,Pool2dSpec,Tensor)", any(2, 2, 9, 8), new Fixed(spec));
        }

        // ---- layout ----
        row("permute", "permute(Tensor,int[],Tensor)", any(), new int[0]);
        row("permute", "permute(Tensor,int[],Tensor)", any(5), new int[] {0});
        row("permute", "permute(Tensor,int[],Tensor)", any(3, 4), new int[] {1, 0});
        row("permute", "permute(Tensor,int[],Tensor)", any(2, 3, 4), new int[] {2, 0, 1});
        row("permute", "permute(Tensor,int[],Tensor)", any(2, 3, 4), new int[] {-1, 0, -2});
        row("concat", "concat(int,Tensor[],Tensor)", 0, any(4), any(3));
        row("concat", "concat(int,Tensor[],Tensor)", 1, any(2, 3), any(2, 5));
        row("concat", "concat(int,Tensor[],Tensor)", 0, any(2, 3), any(1, 3));
        row("concat", "concat(int,Tensor[],Tensor)", -2, any(2, 3, 4), any(2, 1, 4));
        row("concat", "concat(int,Tensor[],Tensor)", 1, any(3, 0), any(3, 2));
        row("stack", "stack(int,Tensor[],Tensor)", 0, any(), any());
        row("stack", "stack(int,Tensor[],Tensor)", -1, any(4), any(4));
        row("stack", "stack(int,Tensor[],Tensor)", 1, any(3, 4), any(3, 4));
        row("stack", "stack(int,Tensor[],Tensor)", 3, any(2, 3, 4), any(2, 3, 4));
        row("index", "index(Tensor,Slice[],Tensor)", any(7), new Slice[] {Slice.range(1, 6, 2)});
        row("index", "index(Tensor,Slice[],Tensor)", any(5), new Slice[] {Slice.every(-1)});
        row("index", "index(Tensor,Slice[],Tensor)", any(4, 7), new Slice[] {Slice.all(), Slice.range(-1, -6, -2)});
        row("index", "index(Tensor,Slice[],Tensor)", any(3, 4), new Slice[] {Slice.at(1), Slice.at(2)});
        row("index", "index(Tensor,Slice[],Tensor)", any(3, 6, 2), new Slice[] {Slice.at(-1), Slice.from(2)});
        String gather = "gather(Tensor,Tensor,int,Tensor)";
        row("gather", gather, any(5), new Fixed(Tensor.of(3L)), 0);
        row("gather", gather, any(6), new Fixed(indices(new long[0], 0)), 0);
        row("gather", gather, any(3, 5, 2), new Fixed(indices(new long[] {0, 4, 4, -1}, 4)), 1);
        row("gather", gather, any(4, 3), new Fixed(indices(new long[] {0, 1, 1, 3}, 2, 2)), 0);
        row("gather", gather, any(2, 3, 4), new Fixed(indices(new long[] {3, 0, 3}, 3)), -1);
        List<String> indexAdd = List.of("indexAddInput(Tensor,Tensor,Tensor,int,Tensor)",
                "indexAddUpdates(Tensor,Tensor,Tensor,int,Tensor)");
        row("indexAdd", indexAdd, any(5), new Fixed(Tensor.of(2L)), any(), 0);
        row("indexAdd", indexAdd, any(5), new Fixed(indices(new long[] {0, 4, 4}, 3)), any(3), 0);
        row("indexAdd", indexAdd, any(3, 5, 2), new Fixed(indices(new long[] {1, -1, 1}, 3)), any(3, 3, 2), 1);
        row("indexAdd", indexAdd, any(4, 3), new Fixed(indices(new long[] {0, 1, 1, 3}, 2, 2)), any(2, 2, 3), 0);
        row("fullTyped", "fullTypedValue(DType,double,int[],Tensor)", -0.5);
        List<String> fullLike = List.of("fullLikeShape(Tensor,double,Tensor)", "fullLikeValue(Tensor,double,Tensor)");
        row("fullLike", fullLike, any(2, 3), 0.75);
        row("fullLikeLong", "fullLikeShape(Tensor,long,Tensor)", any(4));
        List<String> pad = List.of("padInput(Tensor,int[][],double,Tensor)", "padValue(Tensor,int[][],double,Tensor)");
        row("pad", pad, any(), new int[0][], 1.5);
        row("pad", pad, any(4), new int[][] {{1, 2}}, 0.5);
        row("pad", pad, any(2, 3), new int[][] {{0, 1}, {2, 0}}, -1.0);
        row("pad", pad, any(2, 1, 3), new int[][] {{1, 0}, {0, 0}, {1, 1}}, 2.0);
        row("to", "to(Tensor,Device,Tensor)", any(3, 4), new Fixed(TwinBackend.TWIN));
        row("to", "to(Tensor,Device,Tensor)", any(), new Fixed(Device.CPU));
        return List.copyOf(table);
    }

    private List<Case> scalarTable() {
        random = new SplittableRandom(20260612);
        table.clear();
        for (int trial = 0; trial < 4; trial++) {
            scalar("toRadians", "toRadians(double,double)", uniform(-4, 4));
            scalar("toDegrees", "toDegrees(double,double)", uniform(-4, 4));
            scalar("exp", "exp(double,double,double)", uniform(-3, 3));
            scalar("expm1", "expm1(double,double,double)", uniform(-3, 3));
            scalar("sqrt", "sqrt(double,double,double)", uniform(0.1, 5));
            scalar("cbrt", "cbrt(double,double,double)", signed(0.2, 5));
            scalar("tanh", "tanh(double,double,double)", uniform(-3, 3));
            scalar("log", "log(double,double)", uniform(0.1, 5));
            scalar("log10", "log10(double,double)", uniform(0.1, 5));
            scalar("log1p", "log1p(double,double)", uniform(-0.9, 5));
            scalar("sin", "sin(double,double)", uniform(-4, 4));
            scalar("cos", "cos(double,double)", uniform(-4, 4));
            scalar("tan", "tan(double,double)", uniform(-1.4, 1.4));
            scalar("asin", "asin(double,double)", uniform(-0.9, 0.9));
            scalar("acos", "acos(double,double)", uniform(-0.9, 0.9));
            scalar("atan", "atan(double,double)", uniform(-4, 4));
            scalar("sinh", "sinh(double,double)", uniform(-3, 3));
            scalar("cosh", "cosh(double,double)", uniform(-3, 3));
            scalar("pow", List.of("powBase(double,double,double)", "powExponent(double,double,double,double)"),
                    uniform(0.2, 3), uniform(-2, 3));
            scalar("hypot", List.of("hypotX(double,double,double,double)", "hypotY(double,double,double,double)"),
                    signed(0.2, 3), signed(0.2, 3));
            scalar("atan2", List.of("atan2Y(double,double,double)", "atan2X(double,double,double)"),
                    signed(0.2, 3), signed(0.2, 3));
            scalar("abs", "abs(double,double)", signed(0.1, 3));
            scalar("max", List.of("maxFirst(double,double,double)", "maxSecond(double,double,double)"),
                    uniform(-3, 3), uniform(-3, 3));
            scalar("min", List.of("minFirst(double,double,double)", "minSecond(double,double,double)"),
                    uniform(-3, 3), uniform(-3, 3));
            // Piecewise constant: zero away from the jumps, which random points miss.
            scalar("floor", "floor(double,double)", uniform(-4, 4));
            scalar("ceil", "ceil(double,double)", uniform(-4, 4));
            scalar("rint", "rint(double,double)", uniform(-4, 4));
            scalar("signum", "signum(double,double)", signed(0.1, 3));
        }
        return List.copyOf(table);
    }

    // ---- row builders ----

    private void row(String method, String rule, Object... args) {
        row(method, List.of(rule), args);
    }

    private void row(String method, List<String> rules, Object... args) {
        table.add(new Case(TensorRuleCases.class, method, rules, Arrays.asList(args)));
    }

    private void scalar(String method, String rule, double... args) {
        scalar(method, List.of(rule), args);
    }

    private void scalar(String method, List<String> rules, double... args) {
        List<Object> operands = Arrays.stream(args).boxed().map(Object.class::cast).toList();
        table.add(new Case(ScalarRuleCases.class, method, rules, operands));
    }

    /** A shape-agnostic primitive at every rank. */
    private void unary(String method, String rule, Domain domain) {
        for (int[] dims : RANKS) {
            row(method, rule, domain.sample(dims));
        }
    }

    /** As {@link #unary} without empty shapes, for reductions that have no identity. */
    private void nonEmpty(String method, String rule, Domain domain) {
        for (int[] dims : RANKS) {
            if (Shape.of(dims).size() > 0) {
                row(method, rule, domain.sample(dims));
            }
        }
    }

    private void binary(String method, List<String> rules, Domain a, Domain b) {
        for (int[][] pair : BROADCAST) {
            row(method, rules, a.sample(pair[0]), b.sample(pair[1]));
        }
    }

    private void pairs(String method, List<String> rules, int[][][] shapes) {
        for (int[][] pair : shapes) {
            row(method, rules, any(pair[0]), any(pair[1]));
        }
    }

    /** A tensor with a {@code double} operand, at every rank. */
    private void withScalar(String method, List<String> rules, Domain domain, double scalar) {
        for (int[] dims : RANKS) {
            row(method, rules, domain.sample(dims), scalar);
        }
    }

    /** A reduction along one axis, first, last and negative. */
    private void alongOneAxis(String method, String rule, Domain domain) {
        row(method, rule, domain.sample(7), 0);
        row(method, rule, domain.sample(3, 4), 1);
        row(method, rule, domain.sample(3, 4), -2);
        row(method, rule, domain.sample(2, 3, 5), 1);
        row(method, rule, domain.sample(2, 3, 5), -1);
        row(method, rule, domain.sample(1, 4), 0);
    }

    /** A reduction along several axes, with and without keepDims; no axes at all leaves the tensor as it is. */
    private void alongAxes(String method, String rule, Domain domain) {
        row(method, rule, domain.sample(), new int[0], false);
        row(method, rule, domain.sample(7), new int[] {0}, false);
        row(method, rule, domain.sample(7), new int[] {-1}, true);
        row(method, rule, domain.sample(3, 4), new int[] {0, 1}, false);
        row(method, rule, domain.sample(3, 4), new int[] {1}, true);
        row(method, rule, domain.sample(3, 4), new int[0], true);
        row(method, rule, domain.sample(2, 3, 5), new int[] {0, 2}, false);
        row(method, rule, domain.sample(2, 3, 5), new int[] {2, 0}, true);
        row(method, rule, domain.sample(2, 3, 5), new int[] {-2}, false);
    }

    // ---- operands ----

    /** Seeded float64 samples of a shape. */
    @FunctionalInterface
    private interface Domain {
        Tensor sample(int... dims);
    }

    private Tensor any(int... dims) {
        return fill(dims, () -> random.nextDouble(-2, 2));
    }

    private Tensor positive(int... dims) {
        return fill(dims, () -> random.nextDouble(0.5, 2));
    }

    /** Away from 0 on either side: off the kinks of abs and relu, and safe to divide by. */
    private Tensor nonZero(int... dims) {
        return fill(dims, () -> (random.nextBoolean() ? 1 : -1) * random.nextDouble(0.5, 2));
    }

    private Tensor fill(int[] dims, DoubleSupplier next) {
        Shape shape = Shape.of(dims);
        double[] values = new double[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = next.getAsDouble();
        }
        return Tensor.of(values, shape);
    }

    private Tensor condition(int... dims) {
        Shape shape = Shape.of(dims);
        boolean[] values = new boolean[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextBoolean();
        }
        return Tensor.of(values, shape);
    }

    private static Tensor indices(long[] values, int... dims) {
        return Tensor.of(values, Shape.of(dims));
    }

    private double uniform(double low, double high) {
        return random.nextDouble(low, high);
    }

    private double signed(double low, double high) {
        return (random.nextBoolean() ? 1 : -1) * random.nextDouble(low, high);
    }

    // ============================================================================================
    // Running a case
    // ============================================================================================

    @TestFactory
    Stream<DynamicTest> tensorRules() {
        return tensorTable().stream().map(c -> DynamicTest.dynamicTest(c.label(), () -> run(c)));
    }

    @TestFactory
    Stream<DynamicTest> scalarRules() {
        return scalarTable().stream().map(c -> DynamicTest.dynamicTest(c.label(), () -> run(c)));
    }

    /** Runs a case; a failure, or an exception from the gradient itself, names the case. */
    private void run(Case c) {
        try {
            Object[] args = c.args().toArray();
            Object output = call(c, args);
            Object dy = output instanceof Tensor t ? any(t.shape().dims()).to(t.device()) : random.nextDouble(-1.5, 1.5);
            List<Object> gradients = gradients(c, args, dy);
            List<Integer> differentiable = differentiable(args);
            assertEquals(differentiable.size(), gradients.size(), "one gradient per differentiable operand");
            for (int k = 0; k < differentiable.size(); k++) {
                check(c, args, differentiable.get(k), gradients.get(k), dy);
            }
            onTwin(c, args, dy, gradients);
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError(c.label() + ": " + e, e);
        }
    }

    /** Tensors and doubles are differentiated unless wrapped in {@link Fixed}. */
    private static List<Integer> differentiable(Object[] args) {
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof Tensor || args[i] instanceof Double) {
                positions.add(i);
            }
        }
        return positions;
    }

    /** Compares the gradient of operand {@code position} with central differences of {@code sum(f * dy)}. */
    private static void check(Case c, Object[] args, int position, Object gradient, Object dy) {
        String operand = "operand " + position;
        if (args[position] instanceof Tensor at) {
            Tensor g = assertInstanceOf(Tensor.class, gradient, operand);
            assertEquals(at.shape(), g.shape(), operand + ": gradient shape");
            assertEquals(at.dtype(), g.dtype(), operand + ": gradient dtype");
            assertEquals(at.device(), g.device(), operand + ": gradient device");
            double[] analytic = g.toDoubleArray();
            GradCheck.check(values -> weighed(call(c, with(args, position, Tensor.of(values, at.shape()))), dy),
                    values -> analytic, at.toDoubleArray(), TOLERANCE);
        } else {
            double analytic = assertInstanceOf(Double.class, gradient, operand);
            GradCheck.check(values -> weighed(call(c, with(args, position, values[0])), dy),
                    values -> new double[] {analytic}, new double[] {(Double) args[position]}, TOLERANCE);
        }
    }

    /**
     * Runs the gradient again with every tensor (operands, fixed tensors, {@code dy}) on the twin
     * device: each gradient must come back on its operand's device, with the values the CPU gave.
     */
    private static void onTwin(Case c, Object[] args, Object dy, List<Object> cpuGradients) {
        Object[] twinArgs = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            twinArgs[i] = switch (args[i]) {
                case Tensor t -> t.to(TwinBackend.TWIN);
                case Fixed(Tensor t) -> new Fixed(t.to(TwinBackend.TWIN));
                default -> args[i];
            };
        }
        Object twinDy = call(c, twinArgs) instanceof Tensor output ? ((Tensor) dy).to(output.device()) : dy;
        List<Object> twinGradients = gradients(c, twinArgs, twinDy);
        List<Integer> differentiable = differentiable(args);
        for (int k = 0; k < differentiable.size(); k++) {
            String where = "operand " + differentiable.get(k) + " on " + TwinBackend.TWIN;
            if (twinArgs[differentiable.get(k)] instanceof Tensor at) {
                Tensor g = (Tensor) twinGradients.get(k);
                assertEquals(at.device(), g.device(), where + ": gradient device");
                assertArrayEquals(((Tensor) cpuGradients.get(k)).toDoubleArray(), g.toDoubleArray(), where);
            } else {
                assertEquals((Double) cpuGradients.get(k), (Double) twinGradients.get(k), where);
            }
        }
    }

    private static double weighed(Object output, Object dy) {
        return output instanceof Tensor t ? t.mul((Tensor) dy).sum().item() : (Double) output * (Double) dy;
    }

    private static Object[] with(Object[] args, int position, Object value) {
        Object[] copy = args.clone();
        copy[position] = value;
        return copy;
    }

    private static Object call(Case c, Object[] args) {
        return invoke(method(c.cases(), c.method(), args.length), unwrap(args));
    }

    private static List<Object> gradients(Case c, Object[] args, Object dy) {
        Object[] withDy = Arrays.copyOf(unwrap(args), args.length + 1);
        withDy[args.length] = dy;
        Gradients gradients = (Gradients) invoke(method(gradClass(c), c.method() + "Gradients", withDy.length), withDy);
        return gradients.values();
    }

    private static Object[] unwrap(Object[] args) {
        return Arrays.stream(args).map(arg -> arg instanceof Fixed(Object value) ? value : arg).toArray();
    }

    private static Class<?> gradClass(Case c) {
        try {
            return Class.forName(c.cases().getName() + "Grad");
        } catch (ClassNotFoundException e) {
            throw new AssertionError("no generated gradient class for " + c.cases().getName(), e);
        }
    }

    private static Method method(Class<?> owner, String name, int arity) {
        for (Method m : owner.getDeclaredMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == arity) {
                return m;
            }
        }
        throw new AssertionError("no method " + owner.getSimpleName() + "." + name + " with " + arity + " parameters");
    }

    private static Object invoke(Method method, Object[] args) {
        try {
            return method.invoke(null, args);
        } catch (InvocationTargetException e) {
            switch (e.getCause()) {
                case RuntimeException unchecked -> throw unchecked;
                case Error error -> throw error;
                default -> throw new AssertionError(e.getCause());
            }
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    // ============================================================================================
    // The guard: every rule overload has a case, and every case names what its method calls
    // ============================================================================================

    /**
     * Rules whose primitive computes in float32 whatever its operand (so central differences cannot
     * resolve it): checked against their exact value by a test of their own instead.
     */
    private static final Set<String> CHECKED_EXACTLY = Set.of("TensorRules.fullValue(double,int[],Tensor)",
            "ScalarRules.abs(float,float)", "ScalarRules.maxFirst(float,float,float)",
            "ScalarRules.maxSecond(float,float,float)", "ScalarRules.minFirst(float,float,float)",
            "ScalarRules.minSecond(float,float,float)", "ScalarRules.signum(float,float)");

    @Test
    void floatOverloadsOfMathRules() {
        // max(x, y) + 2 min(x, y) at a tie: each argument gets half of each, (1.5, 1.5).
        var tie = ScalarRuleCasesGrad.floatTieGradients(1.5f, 1.5f);
        assertEquals(1.5f, tie.x());
        assertEquals(1.5f, tie.y());
        var apart = ScalarRuleCasesGrad.floatTieGradients(1.5f, -2f);
        assertEquals(1f, apart.x());
        assertEquals(2f, apart.y());
        assertEquals(-1f, ScalarRuleCasesGrad.floatAbsGradients(-2.5f).x());
        assertEquals(0f, ScalarRuleCasesGrad.floatSignumGradients(-2.5f).x());
    }

    @Test
    void fullOfAScalarGivesItTheSumOfTheAdjoint() {
        Tensor dy = Tensor.of(new float[][] {{1.5f, -2f, 0.25f}, {3f, 0.5f, -1f}});
        var result = TensorRuleCasesGrad.fullValueAndGradients(1.25, dy);
        assertEquals(DType.FLOAT32, result.value().dtype());
        assertEquals(2.25, result.gradients().value(), 1e-6);
    }

    @Test
    void everyRuleOverloadHasACase() throws IOException {
        Set<String> declared = new TreeSet<>();
        declared.addAll(ruleOverloads(TensorRules.class));
        declared.addAll(ruleOverloads(ScalarRules.class));

        Set<String> covered = new TreeSet<>();
        List<String> misnamed = new ArrayList<>();
        Map<String, Set<String>> calledByMethod = new TreeMap<>();
        for (Case c : Stream.concat(tensorTable().stream(), scalarTable().stream()).toList()) {
            String owner = c.cases() == TensorRuleCases.class ? "TensorRules." : "ScalarRules.";
            Set<String> named = c.rules().stream().map(rule -> owner + rule).collect(Collectors.toCollection(TreeSet::new));
            Set<String> called = calledByMethod.computeIfAbsent(c.cases().getSimpleName() + "." + c.method(),
                    key -> rulesCalledBy(gradClass(c), c.method()));
            if (!named.equals(called)) {
                misnamed.add(c.method() + " names " + named + " but its gradient calls " + called);
            }
            covered.addAll(named);
        }
        covered.addAll(CHECKED_EXACTLY);
        assertEquals(List.of(), misnamed.stream().distinct().toList(), "cases whose rule names are wrong");
        Set<String> missing = new TreeSet<>(declared);
        missing.removeAll(covered);
        assertEquals(Set.of(), missing, "rule overloads without a GradCheck case");
        // The class-file reading found the rules at all: an annotated method and an unannotated overload.
        assertTrue(declared.containsAll(Set.of("TensorRules.binaryRhs(Tensor,BinaryOp,double,Tensor,Tensor)",
                "ScalarRules.maxFirst(double,double,double)")), declared.toString());
    }

    /**
     * The generic elementwise rules serve every op of the table, so the guard above cannot see a
     * new op without a case: every differentiable op needs a row under its own name.
     */
    @Test
    void everyDifferentiableElementwiseOpHasACase() {
        Set<String> methods = tensorTable().stream().map(Case::method).collect(Collectors.toCollection(TreeSet::new));
        Set<String> missing = new TreeSet<>();
        for (UnaryOp op : UnaryOp.values()) {
            if (op.derivative() != null && !methods.contains(op.opName())) {
                missing.add(op.opName());
            }
        }
        for (BinaryOp op : BinaryOp.values()) {
            if (op.derivative(0) != null && !methods.contains(op.opName())) {
                missing.add(op.opName());
            }
        }
        assertEquals(Set.of(), missing, "elementwise ops without a GradCheck case");
    }

    /**
     * The overloads of {@code rules} the processor can bind: {@code @Derivative} methods and the
     * public methods sharing their names. {@code @Derivative} is kept in the class file only, so it
     * is read from there.
     */
    private static Set<String> ruleOverloads(Class<?> rules) throws IOException {
        ClassModel model = parse(rules);
        String derivative = ClassDesc.of("dev.adjoint.annotation.Derivative").descriptorString();
        Set<String> annotated = new TreeSet<>();
        for (MethodModel m : model.methods()) {
            boolean isRule = m.findAttribute(Attributes.runtimeInvisibleAnnotations()).stream()
                    .flatMap(attribute -> attribute.annotations().stream())
                    .anyMatch(annotation -> annotation.className().stringValue().equals(derivative));
            if (isRule) {
                annotated.add(m.methodName().stringValue());
            }
        }
        Set<String> overloads = new TreeSet<>();
        for (MethodModel m : model.methods()) {
            if (annotated.contains(m.methodName().stringValue()) && (m.flags().flagsMask() & ClassFile.ACC_PUBLIC) != 0) {
                overloads.add(key(rules.getSimpleName(), m.methodName().stringValue(), m.methodTypeSymbol()));
            }
        }
        return overloads;
    }

    /** The rule overloads the generated gradient of {@code method} calls, read from its pullback's bytecode. */
    private static Set<String> rulesCalledBy(Class<?> gradClass, String method) {
        // The reverse pass lives in the pullback class: backward and any helper it was split into.
        String pullback = gradClass.getName() + "$" + Character.toUpperCase(method.charAt(0)) + method.substring(1)
                + "Pullback";
        ClassModel model;
        try {
            model = parse(Class.forName(pullback));
        } catch (IOException | ClassNotFoundException e) {
            throw new AssertionError("no pullback " + pullback, e);
        }
        Set<String> called = new TreeSet<>();
        for (MethodModel reverse : model.methods()) {
            if (reverse.code().isEmpty()) {
                continue;
            }
            for (var element : reverse.code().orElseThrow()) {
                if (element instanceof InvokeInstruction invoke) {
                    String owner = invoke.owner().asInternalName();
                    if (owner.equals("dev/adjoint/rules/TensorRules") || owner.equals("dev/adjoint/rules/ScalarRules")) {
                        called.add(key(owner.substring(owner.lastIndexOf('/') + 1), invoke.name().stringValue(),
                                invoke.typeSymbol()));
                    }
                }
            }
        }
        return called;
    }

    private static String key(String owner, String name, MethodTypeDesc type) {
        return owner + "." + name + type.parameterList().stream().map(ClassDesc::displayName)
                .collect(Collectors.joining(",", "(", ")"));
    }

    private static ClassModel parse(Class<?> type) throws IOException {
        String file = type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class";
        try (InputStream in = type.getResourceAsStream(file)) {
            if (in == null) {
                throw new AssertionError("no class file for " + type.getName());
            }
            return ClassFile.of().parse(in.readAllBytes());
        }
    }

    // ============================================================================================
    // Exact values: the reviewer's examples and the tie convention
    // ============================================================================================

    /** Exact comparison that, unlike {@code assertArrayEquals} without a delta, takes -0.0 for 0.0. */
    private static final double EXACT = 0.0;

    @Test
    void dotOfMatricesIsTheirMatrixProduct() {
        Tensor a = Tensor.of(new double[][] {{1, 2}, {3, 4}});
        Tensor b = Tensor.of(new double[][] {{5, 6}, {7, 8}});
        var gradients = TensorRuleCasesGrad.dotGradients(a, b);
        // d sum(a b) / da[i][k] = sum_j b[k][j]; / db[k][j] = sum_i a[i][k].
        assertArrayEquals(new double[] {11, 15, 11, 15}, gradients.a().toDoubleArray(), EXACT);
        assertArrayEquals(new double[] {4, 4, 6, 6}, gradients.b().toDoubleArray(), EXACT);
        Tensor scalar = Tensor.of(2.0);
        Tensor vector = Tensor.of(new double[] {1, 2, 3});
        var mixed = TensorRuleCasesGrad.dotGradients(scalar, vector);
        assertEquals(Shape.SCALAR, mixed.a().shape());
        assertEquals(6.0, mixed.a().item());
        assertArrayEquals(new double[] {2, 2, 2}, mixed.b().toDoubleArray(), EXACT);
    }

    @Test
    void outerFlattensMatrixOperands() {
        Tensor a = Tensor.of(new double[][] {{1, 2}, {3, 4}});
        Tensor b = Tensor.of(new double[][] {{5}, {6}, {7}});
        var gradients = TensorRuleCasesGrad.outerGradients(a, b);
        assertEquals(a.shape(), gradients.a().shape());
        assertArrayEquals(new double[] {18, 18, 18, 18}, gradients.a().toDoubleArray(), EXACT);
        assertEquals(b.shape(), gradients.b().shape());
        assertArrayEquals(new double[] {10, 10, 10}, gradients.b().toDoubleArray(), EXACT);
    }

    @Test
    void mathMaxAndMinSplitTiesEvenly() {
        var tie = ScalarRuleCasesGrad.maxPlusTwiceMinGradients(1.25, 1.25);
        assertEquals(1.5, tie.x());
        assertEquals(1.5, tie.y());
        var apart = ScalarRuleCasesGrad.maxPlusTwiceMinGradients(2.0, 1.0);
        assertEquals(1.0, apart.x());
        assertEquals(2.0, apart.y());
        var floats = ScalarRuleCasesGrad.maxPlusTwiceMinFloatGradients(-0.5f, -0.5f);
        assertEquals(1.5f, floats.x());
        assertEquals(1.5f, floats.y());
        assertEquals(0.5, ScalarRules.maxFirst(0.0, -0.0, 1.0), "0.0 and -0.0 compare equal: a tie");
        assertEquals(0.0, ScalarRules.maxFirst(Double.NaN, 1.0, 1.0));
        assertEquals(0.0, ScalarRules.maxSecond(Double.NaN, 1.0, 1.0));
        assertEquals(0.0, ScalarRules.minFirst(1.0, Double.NaN, 1.0));
        assertEquals(0.0, ScalarRules.minSecond(1.0, Double.NaN, 1.0));
    }

    /** Elementwise maximum/minimum with broadcasting ties, against a float64 loop over the broadcast. */
    @Test
    void maximumAndMinimumSplitTiesEvenlyUnderBroadcasting() {
        double[][] a = {{1, 2, 3}, {3, 2, 1}};
        double[] b = {3, 2, 0};
        double[][] dy = {{0.5, -1, 2}, {4, 0.25, -3}};
        double[][] maxA = new double[2][3];
        double[] maxB = new double[3];
        double[][] minA = new double[2][3];
        double[] minB = new double[3];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                double share = a[i][j] > b[j] ? 1 : a[i][j] == b[j] ? 0.5 : 0;
                maxA[i][j] = dy[i][j] * share;
                maxB[j] += dy[i][j] * (1 - share);
                double minShare = a[i][j] < b[j] ? 1 : a[i][j] == b[j] ? 0.5 : 0;
                minA[i][j] = dy[i][j] * minShare;
                minB[j] += dy[i][j] * (1 - minShare);
            }
        }
        Tensor ta = Tensor.of(a);
        Tensor tb = Tensor.of(b);
        Tensor tdy = Tensor.of(dy);
        var max = TensorRuleCasesGrad.maximumGradients(ta, tb, tdy);
        assertArrayEquals(Tensor.of(maxA).toDoubleArray(), max.a().toDoubleArray(), EXACT);
        assertArrayEquals(maxB, max.b().toDoubleArray(), EXACT);
        var min = TensorRuleCasesGrad.minimumGradients(ta, tb, tdy);
        assertArrayEquals(Tensor.of(minA).toDoubleArray(), min.a().toDoubleArray(), EXACT);
        assertArrayEquals(minB, min.b().toDoubleArray(), EXACT);

        // A double operand: ties with the 2s of a.
        var scalarMax = TensorRuleCasesGrad.maximumScalarGradients(ta, 2.0, tdy);
        assertArrayEquals(new double[] {0, -0.5, 2, 4, 0.125, 0}, scalarMax.x().toDoubleArray(), EXACT);
        assertEquals(0.5 + -0.5 + 0.125 + -3, scalarMax.s());
        var scalarMin = TensorRuleCasesGrad.minimumScalarGradients(ta, 2.0, tdy);
        assertArrayEquals(new double[] {0.5, -0.5, 0, 0, 0.125, -3}, scalarMin.x().toDoubleArray(), EXACT);
        assertEquals(-0.5 + 2 + 4 + 0.125, scalarMin.s());
    }

    @Test
    void clipSplitsItsBoundsEvenlyWithTheBound() {
        Tensor x = Tensor.of(new double[] {-2, -0.5, 0, 0.5, 1});
        var gradients = TensorRuleCasesGrad.clipGradients(x, -0.5, 0.5);
        assertArrayEquals(new double[] {0, 0.5, 1, 0.5, 0}, gradients.x().toDoubleArray(), EXACT);
        assertEquals(1.5, gradients.low());
        assertEquals(1.5, gradients.high());
        // A degenerate interval: still a convex combination of the pieces' gradients, summing to 1.
        var point = TensorRuleCasesGrad.clipGradients(Tensor.of(0.25), 0.25, 0.25);
        assertEquals(0.25, point.x().item());
        assertEquals(0.25, point.low());
        assertEquals(0.5, point.high());
        // clip is maximum(low).minimum(high): the same gradient at and between the bounds.
        Tensor dy = Tensor.of(new double[] {1, 2, 3, 4, 5});
        var composed = TensorRuleCasesGrad.maximumScalarGradients(x, -0.5, dy.mul(
                TensorRuleCasesGrad.minimumScalarGradients(x.maximum(-0.5), 0.5).x()));
        assertArrayEquals(composed.x().toDoubleArray(),
                TensorRuleCasesGrad.clipGradients(x, -0.5, 0.5, dy).x().toDoubleArray(), EXACT);
    }

    @Test
    void maxAndMinReductionsSplitTiesEvenly() {
        Tensor x = Tensor.of(new double[][] {{1, 4, 4}, {2, 2, -1}});
        assertArrayEquals(new double[] {0, 0.5, 0.5, 0, 0, 0},
                TensorRuleCasesGrad.maxAllGradients(x).x().toDoubleArray(), EXACT);
        assertArrayEquals(new double[] {0, 0.5, 0.5, 0.5, 0.5, 0},
                TensorRuleCasesGrad.maxAxisGradients(x, 1).x().toDoubleArray(), EXACT);
        assertArrayEquals(new double[] {1, 0, 0, 0, 1, 1},
                TensorRuleCasesGrad.minAxisGradients(x, 0).x().toDoubleArray(), EXACT);
        Tensor flat = Tensor.of(new double[] {-3, 5, -3, -3});
        double third = 1.0 / 3;
        assertArrayEquals(new double[] {third, 0, third, third},
                TensorRuleCasesGrad.minAllGradients(flat).x().toDoubleArray(), EXACT);
    }

    @Test
    void castGivesTheAdjointBackInTheOperandsType() {
        Tensor x = Tensor.of(new float[] {1.5f, -2f});
        Tensor gradient = TensorRuleCasesGrad.castGradients(x, Tensor.of(new double[] {3, 4})).x();
        assertEquals(DType.FLOAT32, gradient.dtype());
        assertArrayEquals(new float[] {3, 4}, gradient.toFloatArray());
    }
}
