package dev.adjoint.examples.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import dev.adjoint.grad.GradCheck;
import dev.adjoint.grad.GradientAndVariable;
import dev.adjoint.grad.VariableGradients;
import dev.adjoint.grad.Gradients;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The function zoo (issue 6, item 12), in the manner of google/tangent's {@code tests/functions.py}:
 * every {@code @Differentiable} method of the Zoo* classes, as users write them, checked against
 * float64 central differences — explicit gradients for its parameters, and implicit gradients for
 * every variable its model holds (a variable it does not read must have no effect). The value and
 * the gradients come from one generated run, which must agree with a direct call. A case names its
 * method; the test finds {@code <method>ValueAndGradients} in the generated class by reflection.
 */
class ZooTest {

    private static final double TOLERANCE = 1e-6;
    /** Central differences of float code need a wider step, and give fewer digits. */
    private static final double FLOAT_STEP = 1e-3;
    private static final double FLOAT_TOLERANCE = 2e-3;

    /** An argument no gradient is taken for. */
    private record Data(Object value) {
    }

    /** One zoo entry: a method, the receiver and arguments to call it with, and how to check it. */
    private record Case(String name, Class<?> owner, String method, Supplier<?> receiver, List<Object> args,
            List<Variable> staticVariables, boolean floatPrecision) {

        Case inFloatPrecision() {
            return new Case(name, owner, method, receiver, args, staticVariables, true);
        }

        /** The case also reads these static variables. */
        Case reading(Variable... variables) {
            return new Case(name, owner, method, receiver, args, List.of(variables), floatPrecision);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static final SplittableRandom RANDOM = new SplittableRandom(20261212);

    private static Case fn(String name, Class<?> owner, String method, Object... args) {
        return new Case(name, owner, method, null, List.of(args), List.of(), false);
    }

    private static <T> Case on(String name, Class<T> owner, Supplier<? extends T> receiver, String method,
            Object... args) {
        return new Case(name, owner, method, receiver, List.of(args), List.of(), false);
    }

    private static Data data(Object value) {
        return new Data(value);
    }

    private static double uniform(double low, double high) {
        return RANDOM.nextDouble(low, high);
    }

    /** A float64 tensor of normal draws. */
    private static Tensor normal(int... dims) {
        return Tensor.randomNormal(RANDOM, 0, 1, dims).cast(DType.FLOAT64);
    }

    private static Tensor oneHot(int rows, int classes) {
        double[] values = new double[rows * classes];
        for (int i = 0; i < rows; i++) {
            values[i * classes + RANDOM.nextInt(classes)] = 1;
        }
        return Tensor.of(values, Shape.of(rows, classes));
    }

    static Stream<Case> cases() {
        Supplier<ZooLoops> loops = () -> new ZooLoops(11);
        Supplier<ZooLayers> layers = () -> new ZooLayers(12);
        Supplier<ZooHelpers> helpers = () -> new ZooHelpers(13);
        Supplier<ZooTensors> tensors = () -> new ZooTensors(14);
        Supplier<ZooDispatch> dispatch = () -> new ZooDispatch(21);
        Supplier<ZooGenerics> generics = () -> new ZooGenerics(22);
        Supplier<ZooControl> control = ZooControl::new;
        Supplier<ZooFalseRefusals> refusedButLegitimate = ZooFalseRefusals::new;
        ZooDispatch regression = dispatch.get();
        double prediction = regression.slope.get() * 0.6 + regression.intercept.get();
        return Stream.of(
                // Loops over Variables, early exits.
                on("Horner over Variable[] by index, backwards", ZooLoops.class, loops, "polynomial", uniform(-1.5, 1.5)),
                on("for (Variable c : array)", ZooLoops.class, loops, "sumOfSquares", uniform(-2, 2)),
                on("while over List<Variable> by index", ZooLoops.class, loops, "gainsByIndexInWhile", uniform(-2, 2)),
                on("for (Variable g : list)", ZooLoops.class, loops, "gainsForEach", uniform(-1, 1)),
                on("nested loops over Variable pairs", ZooLoops.class, loops, "nestedPairs", uniform(-1, 1)),
                on("Variable local and index i reused in sibling loops", ZooLoops.class, loops, "loopVariableReused",
                        uniform(-1, 1)),
                on("tensor Variables in a loop by index", ZooLoops.class, loops, "matrixChain", normal(3, 2)),
                on("return from nested ifs in a loop (x > 1)", ZooLoops.class, loops, "earlyReturnInNestedIfs", 1.7),
                on("return from nested ifs in a loop (x < 1)", ZooLoops.class, loops, "earlyReturnInNestedIfs", 0.9),
                on("no return taken in a loop", ZooLoops.class, loops, "earlyReturnInNestedIfs", -0.8),
                on("break in the inner loop only", ZooLoops.class, loops, "breakInInnerLoop", uniform(0.8, 1.6)),
                on("continue in a while loop", ZooLoops.class, loops, "continueInWhile", uniform(-2, 2)),
                on("do/while reading Variables", ZooLoops.class, loops, "doWhileWithVariable", uniform(-1, 1)),
                on("return from a for-each over a List", ZooLoops.class, loops, "returnFromForEachOverList", 1.3),
                on("for (;;) with break", ZooLoops.class, loops, "infiniteLoopWithBreak", uniform(-1, 1)),
                on("for (i = 0, j = n - 1; i < j; i++, j--)", ZooLoops.class, loops, "twoIndexFor", uniform(-2, 2)),
                on("for (Tensor row : variable.value())", ZooLoops.class, loops, "rowsOfVariable", normal(2)),
                on("while on the differentiated value", ZooLoops.class, loops, "whileOnValue", 1.37),
                on("List<List<Variable>>, one list empty", ZooLoops.class, loops, "nestedLists", uniform(-1, 1)),
                on("Variable[][] with rows of different lengths", ZooLoops.class, loops, "gridOfVariables",
                        uniform(-1.5, 1.5)),
                on("recurrent cell over the rows of a sequence", ZooLoops.class, loops, "recurrentCell",
                        data(normal(4, 3)), normal(2)),
                on("a differentiated for-loop variable", ZooLoops.class, loops, "differentiatedLoopVariable", 0.83),
                on("six Variables, scalar and tensor, in one loop", ZooLoops.class, loops, "manyVariables",
                        data(normal(3, 2))),
                // Layers.
                on("layers in an array", ZooLayers.class, layers, "arrayOfLayers", data(normal(4, 2))),
                on("layers in a List by index, var", ZooLayers.class, layers, "listOfLayersByIndex", normal(3, 2)),
                on("layers in fields", ZooLayers.class, layers, "layersInFields", normal(3, 2)),
                on("a layer calling another layer", ZooLayers.class, layers, "residualBlock", normal(3, 2)),
                on("layer-normed layers with Variable scale and shift, for-each over a List", ZooLayers.class, layers,
                        "normalizedLayers", normal(3, 2)),
                on("one layer applied twice", ZooLayers.class, layers, "sharedLayerTwice", normal(3, 2)),
                on("loss plus penalty over layers", ZooLayers.class, layers, "lossWithPenalty", data(normal(4, 2)),
                        data(normal(4, 2))),
                on("layer chosen by a ternary", ZooLayers.class, layers, "layerChosenByTernary", normal(3, 2),
                        data(false)),
                on("Map<String, Variable> read by key", ZooLayers.class, layers, "mapByKey", uniform(-2, 2)),
                on("for over Map.values()", ZooLayers.class, layers, "mapValues", uniform(-2, 2)),
                on("for over Map.entrySet()", ZooLayers.class, layers, "mapEntries", uniform(-2, 2)),
                on("Unit[] holding a subclass that overrides apply", ZooLayers.class, layers, "unitsWithOverride",
                        uniform(-1, 1)),
                on("this. explicitly, non-final fields", ZooLayers.class, layers, "thisAndNonFinalFields",
                        uniform(-2, 2)),
                on("L2 penalty over every variable the model lists", ZooLayers.class, layers,
                        "penaltyOverAllVariables", uniform(-2, 2)),
                on("a tree of layers, evaluated recursively", ZooLayers.class, layers, "treeOfLayers", uniform(-1, 1)),
                on("locals named like fields", ZooLayers.class, layers, "localsShadowingFields", uniform(-2, 2)),
                on("a Tensor total starting as null", ZooLayers.class, layers, "totalStartingAsNull", normal(3)),
                on("scalar and tensor layers in one loss", ZooLayers.class, layers, "scalarAndTensorLayers",
                        normal(3, 2)),
                // Helpers.
                fn("helpers of another class", ZooHelpers.class, "helpersOfAnotherClass", uniform(-2, 2),
                        uniform(-2, 2)),
                fn("the same helper called twice and nested", ZooHelpers.class, "sameHelperTwice", uniform(-1, 1)),
                fn("helpers called in a loop", ZooHelpers.class, "helperInLoop", uniform(-1, 1), data(4)),
                fn("helpers in branches and ternaries (x > 0.3)", ZooHelpers.class, "helpersInBranches", 0.8),
                fn("helpers in branches and ternaries (x < 0)", ZooHelpers.class, "helpersInBranches", -0.6),
                fn("helper results unused", ZooHelpers.class, "unusedHelperResult", uniform(-2, 2)),
                fn("recursion with a depth parameter", ZooHelpers.class, "recursivePower", uniform(-1.5, 1.5),
                        data(5)),
                fn("recursion through a local", ZooHelpers.class, "recursiveSmooth", uniform(-1, 1), data(4)),
                fn("a helper returning from its loop, called in a loop", ZooHelpers.class,
                        "earlyReturningHelperInLoop", uniform(0.3, 0.9)),
                fn("recursion calling itself twice per level", ZooHelpers.class, "branchingRecursion",
                        uniform(-1, 1), data(3)),
                fn("mutual recursion", ZooHelpers.class, "even", uniform(-1, 1), data(5)),
                on("a Variable and the model passed to helpers", ZooHelpers.class, helpers,
                        "variableAndModelAsArguments", uniform(-1, 1)),
                fn("helpers with data, wrt, float and Tensor parameters", ZooHelpers.class, "helperParameterKinds",
                        uniform(0.5, 1.5), uniform(-1, 1), normal(2, 2)).inFloatPrecision(),
                on("instance helpers, with and without this.", ZooHelpers.class, helpers,
                        "instanceHelpersCalledBothWays", uniform(-1, 1)),
                on("a helper in a loop condition", ZooHelpers.class, helpers, "helperInCondition", uniform(0.3, 1)),
                fn("static Variables read by a static method and its helper", ZooHelpers.class, "staticVariables",
                        uniform(-2, 2)).reading(ZooHelpers.OFFSET, ZooHelpers.FROZEN),
                fn("a chain of 20 nested helper calls", ZooHelpers.class, "chain20", uniform(-1, 1)),
                on("a counter bumped by a helper in a loop", ZooHelpers.class, helpers, "counterInLoop",
                        uniform(-2, 2)),
                on("random draws and dropout", ZooHelpers.class, helpers, "randomDraws", uniform(-2, 2)),
                fn("a data array changed between reads", ZooHelpers.class, "dataChangedBetweenReads", uniform(-2, 2),
                        data(new double[] {0.5, 2})),
                fn("a data array changed in a loop", ZooHelpers.class, "dataChangedInLoop", uniform(-2, 2),
                        data(new double[] {0.5, 2})),
                // Scalars.
                fn("float parameters and result", ZooScalars.class, "floatParameters", (float) uniform(-1, 1),
                        (float) uniform(-1, 1)).inFloatPrecision(),
                fn("narrowing compound assignments", ZooScalars.class, "narrowingCompound", (float) uniform(-1, 1),
                        uniform(0.5, 1.5)).inFloatPrecision(),
                fn("casts both ways and (int)", ZooScalars.class, "castsBothWays", 0.73).inFloatPrecision(),
                fn("float and double operands", ZooScalars.class, "floatAndDoubleOperands", (float) uniform(0.5, 1.5),
                        uniform(0.5, 1.5)).inFloatPrecision(),
                fn("nested ternaries (inner piece)", ZooScalars.class, "nestedTernaries", 0.3),
                fn("nested ternaries (middle piece)", ZooScalars.class, "nestedTernaries", -1.2),
                fn("nested ternaries (outer piece)", ZooScalars.class, "nestedTernaries", 2.5),
                fn("ternaries with calls", ZooScalars.class, "ternaryWithCalls", uniform(-1, 1), uniform(-1, 1)),
                fn("ternary in a loop", ZooScalars.class, "ternaryInLoop", uniform(0.5, 1.5)),
                fn("exp log sqrt pow", ZooScalars.class, "expLogSqrtPow", uniform(0.5, 1.5), uniform(0.5, 1.5)),
                fn("sigmoid, swish, softplus", ZooScalars.class, "sigmoidCompositions", uniform(-3, 3)),
                fn("atan2 and hypot", ZooScalars.class, "atan2AndHypot", uniform(-2, 2), uniform(-2, 2)),
                fn("Math.max(x, 0), Math.min(1, y), abs", ZooScalars.class, "maxMinAbs", uniform(-2, 2),
                        uniform(-2, 2)),
                fn("trigonometry", ZooScalars.class, "trigonometry", uniform(-2, 2)),
                fn("cbrt log10 expm1 floor signum toRadians", ZooScalars.class, "moreMath", 0.61),
                fn("static final constants", ZooScalars.class, "staticFinalConstants", uniform(-2, 2)),
                fn("names reused in sibling blocks (x > 0)", ZooScalars.class, "namesReusedInSiblingBlocks", 0.7),
                fn("names reused in sibling blocks (x < 0)", ZooScalars.class, "namesReusedInSiblingBlocks", -0.7),
                fn("locals named like generated code", ZooScalars.class, "localsNamedLikeGeneratedCode",
                        uniform(-1, 1)),
                fn("int division inside differentiated expressions", ZooScalars.class, "intArithmeticInOperands",
                        uniform(-2, 2), data(7)),
                fn("compound assignments with an int right side", ZooScalars.class, "compoundWithIntRightSide",
                        uniform(-2, 2), data(3)),
                fn("unary minus and plus", ZooScalars.class, "unaryMinusAndPlus", uniform(-2, 2)),
                fn("a parameter reassigned in place", ZooScalars.class, "reassignedParameter", uniform(-1, 1)),
                fn("++ and -- on doubles", ZooScalars.class, "incrementAndDecrement", uniform(-2, 2)),
                fn("pow, sqrt, exp outputs overwritten in a loop", ZooScalars.class, "outputsOverwrittenInLoop",
                        uniform(0.5, 1.5), uniform(0.5, 1.5)),
                fn("long and int data", ZooScalars.class, "longAndIntData", uniform(-2, 2), data(12L), data(5)),
                fn("a loop body long enough to be split into helpers", ZooScalars.class, "longLoopBody",
                        uniform(-1, 1), uniform(-1, 1)),
                fn("sixty statements of straight-line code", ZooScalars.class, "straightLine", uniform(-1, 1),
                        uniform(-1, 1)),
                // Tensors.
                fn("softmax of an affine map", ZooTensors.class, "affineSoftmax", normal(4, 3), normal(3, 5), normal(5),
                        data(normal(4, 5))),
                fn("cross-entropy with logSoftmax", ZooTensors.class, "crossEntropy", normal(4, 3), data(oneHot(4, 3))),
                fn("broadcasting adds and multiplies", ZooTensors.class, "broadcasting", normal(3, 4), normal(4),
                        normal(3, 1)),
                fn("reductions with axes", ZooTensors.class, "reductionsWithAxes", normal(3, 4)),
                fn("where with masks", ZooTensors.class, "whereWithMask", normal(3, 4), normal(3, 4)),
                fn("get, index and slices", ZooTensors.class, "indexingAndSlicing", normal(3, 4),
                        data(normal(2, 4))),
                fn("concat and stack", ZooTensors.class, "concatAndStack", normal(2, 3), normal(2, 3),
                        data(normal(4, 3))),
                fn("reshape, transpose, permute, flatten", ZooTensors.class, "reshapeAndTranspose", normal(2, 3)),
                fn("a scalar parameter in tensor ops", ZooTensors.class, "scalarAndTensor", normal(2, 3),
                        uniform(0.5, 1.5)),
                fn("variance through item()", ZooTensors.class, "varianceThroughItem", normal(3, 4)),
                fn("layer norm", ZooTensors.class, "layerNorm", normal(3, 4)),
                fn("pre-norm residual block on Tensor.layerNorm", ZooTensors.class, "preNormBlock", normal(3, 4),
                        normal(4), normal(4), normal(4, 5), normal(5, 4)),
                fn("dot and outer", ZooTensors.class, "dotAndOuter", normal(3), normal(3)),
                fn("batched matmul", ZooTensors.class, "batchedMatmul", normal(2, 3, 4), normal(4, 2)),
                fn("unary ops", ZooTensors.class, "unaryOps", normal(3, 4)),
                fn("clip, maximum, minimum", ZooTensors.class, "clipMaximumMinimum", normal(3, 4), normal(3, 4)),
                fn("int literals as double arguments", ZooTensors.class, "intLiteralArguments", normal(3, 4)),
                fn("pow with a tensor exponent", ZooTensors.class, "tensorExponent", normal(2, 3), normal(2, 3)),
                fn("gather rows", ZooTensors.class, "gatherRows", normal(3, 2),
                        data(Tensor.of(new int[] {2, 0, 2}, Shape.of(3)))),
                fn("broadcastTo and cast", ZooTensors.class, "broadcastToAndCast", normal(4)),
                fn("for (Tensor row : x)", ZooTensors.class, "rowsLoop", normal(3, 2)),
                fn("for (Tensor row : x) with x reassigned in the body", ZooTensors.class, "rowsOfReassignedTensor",
                        normal(3, 2)),
                fn("Tensor local declared in a loop, assigned in branches", ZooTensors.class,
                        "uninitializedTensorInLoop", normal(2, 3)),
                fn("reassigned Tensor parameter, path taken", ZooTensors.class, "reassignedTensorParameter",
                        normal(2, 3), normal(3), data(true)),
                fn("reassigned Tensor parameter, path not taken", ZooTensors.class, "reassignedTensorParameter",
                        normal(2, 3), normal(3), data(false)),
                on("scalar and tensor Variables mixed", ZooTensors.class, tensors, "scalarAndTensorVariables",
                        normal(2, 3)),
                on("a tensor Variable reduced to a scalar", ZooTensors.class, tensors, "variableReducedToScalar",
                        normal(2, 3)),
                // Java language features.
                fn("Math functions through static imports", ZooLanguage.class, "staticImports", uniform(-2, 2)),
                on("a nested class using its outer class's helper and constant", ZooLanguage.Scaled.class,
                        () -> new ZooLanguage.Scaled(0.9), "apply", uniform(-2, 2)),
                on("a record layer", ZooLanguage.Affine.class,
                        () -> new ZooLanguage.Affine(new Variable(0.7, "slope"), new Variable(-0.2, "intercept")),
                        "apply", uniform(-2, 2)),
                on("an enum activation", ZooLanguage.Activation.class, () -> ZooLanguage.Activation.SOFTSIGN, "apply",
                        uniform(-2, 2)),
                on("a generic model class", ZooLanguage.Chain.class, () -> ZooLanguage.chain(new SplittableRandom(15)),
                        "apply", uniform(-2, 2)),
                on("a layer with a final double field", ZooLanguage.Shifted.class,
                        () -> new ZooLanguage.Shifted(0.8), "apply", uniform(-2, 2)),
                on("layers dispatched by instanceof patterns", ZooLanguage.Mixed.class, ZooLanguage.Mixed::new, "apply",
                        uniform(-2, 2)),
                fn("a local of a private record type", ZooLanguage.class, "privateTypeLocal", uniform(-2, 2)),
                fn("cast(DType.FLOAT64)", ZooLanguage.class, "castToFloat64", normal(2, 3)),
                fn("a Tensor-valued mean of squares", ZooLanguage.class, "meanSquare", normal(2, 3)),
                fn("a varargs helper", ZooLanguage.class, "callsVarargs", uniform(-2, 2)),
                fn("guard clauses with throw and assert", ZooLanguage.class, "guardClauses", uniform(0.5, 2)),
                // Round 2: dynamic dispatch.
                on("a deep hierarchy whose leaf overrides only the helper", ZooDispatch.class, dispatch,
                        "deepHierarchy", uniform(-1, 1)),
                on("a sub-interface's default overriding a default", ZooDispatch.class, dispatch,
                        "subInterfaceDefault", uniform(-1, 1)),
                on("an abstract method implemented by a sub-interface's default", ZooDispatch.class, dispatch,
                        "defaultImplementsAbstract", uniform(-1, 1)),
                on("a default calling an abstract method; a record; an inherited implementation", ZooDispatch.class,
                        dispatch, "defaultCallsAbstract", uniform(-1, 1)),
                on("a generic interface Op<C> implemented for Integer", ZooDispatch.class, dispatch,
                        "genericInterface", uniform(-1, 1)),
                on("an expression tree evaluated through an abstract method", ZooDispatch.class, dispatch,
                        "expressionTree", uniform(-1, 1)),
                on("a loss strategy in fields (Huber inside delta)", ZooDispatch.class, dispatch, "strategy", 0.6,
                        data(prediction + 0.1)),
                on("a loss strategy in fields (Huber outside delta)", ZooDispatch.class, dispatch, "strategy", 0.6,
                        data(prediction - 1.5)),
                on("an identity base layer overridden by layers with weights, data input", ZooDispatch.class,
                        dispatch, "identityBaseOverridden", data(normal(3, 2))),
                on("a float result through an override", ZooDispatch.class, dispatch, "floatOverride",
                        (float) uniform(-1, 1)).inFloatPrecision(),
                on("linked cells calling the next, one overriding the step", ZooDispatch.class, dispatch,
                        "linkedChain", uniform(-1, 1)),
                on("a varargs Tensor... data parameter through an override", ZooDispatch.class, dispatch,
                        "varargsThroughAnOverride", data(normal(2)), data(normal(2))),
                on("an override in another package", ZooDispatch.class, dispatch, "overrideInAnotherPackage",
                        uniform(-1, 1)),
                on("a package-private method redeclared in another package (not an override)", ZooDispatch.class,
                        dispatch, "packagePrivateNotOverridden", uniform(-1, 1)),
                // Round 2: generic containers, aliasing.
                on("List<? extends Gain>", ZooGenerics.class, generics, "wildcardList", uniform(-1, 1)),
                on("Map<String, List<Variable>> by key", ZooGenerics.class, generics, "mapOfLists", uniform(-1, 1)),
                on("Map.Entry<String, List<Variable>> in nested loops", ZooGenerics.class, generics,
                        "entriesOfMapOfLists", uniform(-1, 1)),
                on("a user Iterable<Variable>", ZooGenerics.class, generics, "userIterable", uniform(-1, 1)),
                on("a Deque of layers and a Set of variables", ZooGenerics.class, generics, "dequeAndSet",
                        uniform(-0.5, 0.5)),
                on("Optional<Variable>, present and empty", ZooGenerics.class, generics, "optionalVariable",
                        uniform(-1, 1)),
                on("an explicit Iterator<Variable> in a while loop", ZooGenerics.class, generics, "explicitIterator",
                        uniform(-1, 1)),
                on("a generic class Composed<A extends Gain, B extends Gain>", ZooGenerics.class, generics,
                        "genericComposition", uniform(-1, 1)),
                on("for (var gain : map.values())", ZooGenerics.class, generics, "mapOfLayersWithVar",
                        uniform(-1, 1)),
                on("one variable through two locals and twice in a list", ZooGenerics.class, generics,
                        "oneVariableManyReferences", uniform(-1, 1)),
                fn("two locals naming one tensor, one reassigned", ZooGenerics.class, "aliasedTensors",
                        normal(2, 3)),
                fn("a parameter aliased, then reassigned", ZooGenerics.class, "aliasedParameter", uniform(-1, 1)),
                on("layers swapped through locals in a loop", ZooGenerics.class, generics, "swappedLayers",
                        uniform(-1, 1)),
                on("a variable's value aliased and reassigned in a loop", ZooGenerics.class, generics,
                        "aliasedVariableValue", normal(2, 3)),
                on("layer calls skipped by continue and cut short by break", ZooGenerics.class, generics,
                        "layersUnderBreakAndContinue", uniform(-1, 1)),
                on("the last variable of a loop, read after it", ZooGenerics.class, generics, "lastVariableOfALoop",
                        uniform(-1, 1)),
                on("layers chosen by a plain getter, with and without this.", ZooGenerics.class, generics,
                        "layerFromAPlainGetter", uniform(-1, 1)),
                on("a List<Tensor> of data batches", ZooGenerics.class, generics, "batches",
                        data(List.of(normal(2, 3), normal(4, 3))), normal(3)),
                // Round 2: control flow, float rules, Java features.
                // From below -0.64 the loop's steps shrink towards a fixed point near -2.5 and it never ends.
                fn("a differentiable helper in a for loop's update clause", ZooControl.class, "helperInForUpdate",
                        uniform(-0.5, 1)),
                fn("differentiable helpers in a while condition and a compound assignment", ZooControl.class,
                        "helperInConditionAndCompound", uniform(-1, 1)),
                fn("returns from nested loops in a helper called in a loop", ZooControl.class,
                        "earlyReturnsFromNestedLoops", 0.37),
                on("an RK4 oscillator written long-hand, with break, continue and return", ZooControl.class,
                        control, "oscillator", 0.8),
                fn("nested tensor ternaries (mode 0)", ZooControl.class, "nestedTensorTernaries", normal(2, 3),
                        data(0)),
                fn("nested tensor ternaries (mode 1)", ZooControl.class, "nestedTensorTernaries", normal(2, 3),
                        data(1)),
                fn("nested tensor ternaries (mode 2)", ZooControl.class, "nestedTensorTernaries", normal(2, 3),
                        data(2)),
                fn("nested tensor ternaries (mode 3)", ZooControl.class, "nestedTensorTernaries", normal(2, 3),
                        data(3)),
                fn("three levels of loops with break and continue, and a do/while", ZooControl.class,
                        "nestedBreakContinue", uniform(-1, 1)),
                fn("float Math overloads and narrowing compound assignments", ZooControl.class, "floatMath",
                        0.42f, -0.31f).inFloatPrecision(),
                fn("float locals in a double method", ZooControl.class, "floatLocalsInDouble", uniform(-1, 1),
                        0.7f).inFloatPrecision(),
                fn("a float result from a tensor", ZooControl.class, "floatFromTensor", normal(2, 2))
                        .inFloatPrecision(),
                fn("integer operands that need parentheses", ZooControl.class, "inlineOperands", uniform(0.5, 1.5),
                        data(3), data(5), data(false)),
                fn("rows of rows", ZooControl.class, "rowsOfRows", normal(2, 3)),
                fn("rows of an expression (columns)", ZooControl.class, "rowsOfAnExpression", normal(2, 3)),
                fn("rows of an alias reassigned in the loop", ZooControl.class, "rowsOfAnAliasReassigned",
                        normal(3, 2)),
                fn("throw and assert inside a loop", ZooControl.class, "throwAndAssertInLoop", uniform(-1, 1)),
                fn("return in then, throw in else", ZooControl.class, "throwInElse", uniform(0.5, 2)),
                fn("static imports of another class's helper and variable, Tensor.concat", ZooControl.class,
                        "staticImportsOfUserCode", uniform(-1, 1), normal(2)).reading(ZooHelpers.OFFSET),
                on("a nested class using its outer class's static variable and mutable field",
                        ZooControl.Inner.class, ZooControl.Inner::new, "apply", uniform(-1, 1)),
                on("a record with a defensive-copy accessor", ZooControl.Coefficients.class,
                        () -> new ZooControl.Coefficients(new double[] {0.5, -1, 0.25, 0.1}), "at", uniform(-1, 1)),
                on("a generic class over a number type", ZooControl.Weighted.class,
                        () -> new ZooControl.Weighted<>(1.5, List.of(0.1, -0.3, 0.7)), "apply", uniform(-1, 1)),
                // Round 2: legitimate code the processor refuses.
                on("an override calling super.apply", ZooFalseRefusals.class, refusedButLegitimate, "superCall",
                        uniform(-1, 1)),
                on("if (!(o instanceof Cell cell)) continue;", ZooFalseRefusals.class, refusedButLegitimate,
                        "negatedPattern", uniform(-1, 1)),
                on("if (o instanceof Cell cell && ...)", ZooFalseRefusals.class, refusedButLegitimate,
                        "patternAndCondition", uniform(-1, 1)),
                on("o instanceof Cell cell ? ... : ...", ZooFalseRefusals.class, refusedButLegitimate,
                        "patternInTernary", uniform(-1, 1)),
                on("a record pattern", ZooFalseRefusals.class, refusedButLegitimate, "recordPattern",
                        uniform(-1, 1)),
                on("a getter of a class that holds no variable", ZooFalseRefusals.class, refusedButLegitimate,
                        "getterOfAClassWithoutVariables", uniform(-1, 1)),
                on("a record's accessors in its own differentiable method", ZooFalseRefusals.Line.class,
                        () -> new ZooFalseRefusals.Line(0.7, -0.2), "at", uniform(-1, 1)),
                // A nested class whose generated class name (ZooNames_Version2Grad) a top-level class could take:
                // that clash is a compile error (RefusalTest).
                fn("a nested class ZooNames.Version2", ZooNames.Version2.class, "scaled", uniform(-1, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesFiniteDifferences(Case c) throws ReflectiveOperationException {
        try {
            check(c);
        } catch (AssertionError e) {
            // Surefire's report shows the index of a case; the message names it.
            throw new AssertionError(c.name() + ": " + e.getMessage(), e);
        }
    }

    private static void check(Case c) throws ReflectiveOperationException {
        Object self = c.receiver() == null ? null : c.receiver().get();
        Method user = userMethod(c);
        Class<?> grad = Class.forName(c.owner().getPackageName() + "."
                + c.owner().getName().substring(c.owner().getPackageName().length() + 1).replace('$', '_') + "Grad");
        int arity = c.args().size() + (self == null ? 0 : 1);
        ToDoubleFunction<List<Object>> run = args -> {
            reset(self);
            return toDouble(call(user, self, args));
        };

        reset(self);
        Object direct = call(user, self, c.args());
        reset(self);
        Object generated = call(generated(grad, c.method() + "ValueAndGradients", arity), null, prepend(self, c.args()));
        assertSameValue(direct, accessor(generated, "value"), c);

        checkExplicit(c, run, (Gradients) accessor(generated, "gradients"));

        List<Variable> variables = new ArrayList<>(c.staticVariables());
        if (self instanceof ZooModel model) {
            variables.addAll(model.variables());
        }
        variables.removeIf(variable -> !variable.trainable());
        if (!variables.isEmpty()) {
            reset(self);
            List<GradientAndVariable> pairs;
            try {
                Object implicit = call(generated(grad, c.method() + "ImplicitValueAndGradients", arity), null,
                        prepend(self, c.args()));
                assertSameValue(direct, accessor(implicit, "value"), c);
                @SuppressWarnings("unchecked")
                List<GradientAndVariable> read = (List<GradientAndVariable>) accessor(implicit, "gradients");
                pairs = read;
            } catch (AssertionError e) {
                // tfe's error for a function that reads no variable: then none of the model's may matter.
                if (!(e.getCause() instanceof IllegalStateException none)
                        || !VariableGradients.NO_VARIABLES.equals(none.getMessage())) {
                    throw e;
                }
                pairs = List.of();
            }
            checkImplicit(c, () -> run.applyAsDouble(c.args()), pairs, variables);
        }
    }

    /** Gradients with respect to the parameters, against central differences over every element. */
    private static void checkExplicit(Case c, ToDoubleFunction<List<Object>> run, Gradients gradients) {
        List<Integer> differentiated = new ArrayList<>();
        List<Double> at = new ArrayList<>();
        for (int i = 0; i < c.args().size(); i++) {
            Object arg = c.args().get(i);
            if (arg instanceof Data) {
                continue;
            }
            differentiated.add(i);
            for (double value : flatten(arg)) {
                at.add(value);
            }
        }
        List<Object> values = gradients.values();
        assertEquals(differentiated.size(), values.size(), "one gradient per differentiated parameter: "
                + gradients.names());
        List<Double> analytic = new ArrayList<>();
        for (int k = 0; k < values.size(); k++) {
            Object arg = c.args().get(differentiated.get(k));
            if (values.get(k) instanceof Tensor gradient) {
                assertEquals(((Tensor) arg).shape(), gradient.shape(), "shape of d/d" + gradients.names().get(k));
            }
            for (double value : flatten(values.get(k))) {
                analytic.add(value);
            }
        }
        if (at.isEmpty()) {
            return;
        }
        ToDoubleFunction<double[]> f = point -> run.applyAsDouble(unflatten(c.args(), differentiated, point));
        double[] expected = analytic.stream().mapToDouble(Double::doubleValue).toArray();
        double[] point = at.stream().mapToDouble(Double::doubleValue).toArray();
        if (c.floatPrecision()) {
            checkFloat(f, expected, point);
        } else {
            GradCheck.check(f, unused -> expected, point, TOLERANCE);
        }
    }

    /**
     * Implicit gradients: each variable read once in the pairs, and every variable of the model —
     * reported or not — against central differences, an unreported one against zero.
     */
    private static void checkImplicit(Case c, DoubleSupplier run, List<GradientAndVariable> pairs,
            List<Variable> variables) {
        Set<Variable> reported = new HashSet<>();
        List<GradientAndVariable> all = new ArrayList<>(pairs);
        for (GradientAndVariable pair : pairs) {
            assertTrue(reported.add(pair.variable()), pair.variable() + " reported twice");
            assertTrue(variables.contains(pair.variable()), pair.variable() + " is not a variable of the model");
        }
        for (Variable variable : variables) {
            if (!reported.contains(variable)) {
                all.add(variable.isTensor() ? new GradientAndVariable(Tensor.zerosLike(variable.value()), variable)
                        : new GradientAndVariable(0.0, variable));
            }
        }
        if (!c.floatPrecision()) {
            GradCheck.checkVariables(run, all, TOLERANCE);
            return;
        }
        // GradCheck's step (1e-6) is below what float code resolves: perturb with the float step.
        for (GradientAndVariable pair : all) {
            Variable variable = pair.variable();
            try {
                if (variable.isTensor()) {
                    // A copy: assign releases the tensor it replaces (the variable's own value).
                    Tensor original = variable.value().copy();
                    try {
                        checkFloat(point -> {
                            variable.assign(Tensor.of(point, original.shape()).cast(original.dtype()));
                            return run.getAsDouble();
                        }, pair.tensorGradient().toDoubleArray(), original.toDoubleArray());
                    } finally {
                        variable.assign(original);
                    }
                } else {
                    double original = variable.get();
                    try {
                        checkFloat(point -> {
                            variable.assign(point[0]);
                            return run.getAsDouble();
                        }, new double[] {pair.gradient()}, new double[] {original});
                    } finally {
                        variable.assign(original);
                    }
                }
            } catch (AssertionError e) {
                throw new AssertionError("Variable '" + variable.name() + "': " + e.getMessage(), e);
            }
        }
    }

    /** Central differences with a step that float code resolves. */
    private static void checkFloat(ToDoubleFunction<double[]> f, double[] analytic, double[] at) {
        for (int i = 0; i < at.length; i++) {
            double[] x = at.clone();
            double step = FLOAT_STEP * Math.max(1, Math.abs(at[i]));
            x[i] = at[i] + step;
            double plus = f.applyAsDouble(x);
            x[i] = at[i] - step;
            double minus = f.applyAsDouble(x);
            double numeric = (plus - minus) / (2 * step);
            double error = Math.abs(analytic[i] - numeric) / Math.max(1, Math.abs(numeric));
            assertTrue(error <= FLOAT_TOLERANCE, "d/dx[" + i + "] at " + Arrays.toString(at) + ": analytic " + analytic[i]
                    + ", numeric " + numeric + " (error " + error + ")");
        }
    }

    private static void reset(Object self) {
        if (self instanceof ZooModel model) {
            model.reset();
        }
    }

    private static Method userMethod(Case c) {
        return Arrays.stream(c.owner().getDeclaredMethods()).filter(m -> m.getName().equals(c.method())).findFirst()
                .orElseThrow(() -> new AssertionError("no method " + c.method() + " in " + c.owner()));
    }

    private static Method generated(Class<?> grad, String name, int arity) {
        return Arrays.stream(grad.getMethods()).filter(m -> m.getName().equals(name) && m.getParameterCount() == arity)
                .findFirst().orElseThrow(() -> new AssertionError("no method " + name + " in " + grad));
    }

    /** Calls {@code method}, unwrapping data arguments and copying arrays, which a call may change. */
    private static Object call(Method method, Object self, List<Object> args) {
        Object[] unwrapped = new Object[args.size()];
        for (int i = 0; i < unwrapped.length; i++) {
            Object arg = args.get(i) instanceof Data data ? data.value() : args.get(i);
            unwrapped[i] = arg instanceof double[] array ? array.clone() : arg;
        }
        try {
            return method.invoke(self, unwrapped);
        } catch (InvocationTargetException e) {
            throw new AssertionError(method.getName() + " threw " + e.getCause(), e.getCause());
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Object> prepend(Object self, List<Object> args) {
        List<Object> all = new ArrayList<>();
        if (self != null) {
            all.add(self);
        }
        all.addAll(args);
        return all;
    }

    private static Object accessor(Object record, String name) throws ReflectiveOperationException {
        return record.getClass().getMethod(name).invoke(record);
    }

    private static void assertSameValue(Object direct, Object generated, Case c) {
        if (direct instanceof Tensor tensor) {
            Tensor other = (Tensor) generated;
            assertEquals(tensor.shape(), other.shape(), "value shape");
            assertArrayEquals(tensor.toDoubleArray(), other.toDoubleArray(), 1e-12, "the generated value");
        } else {
            double expected = toDouble(direct);
            double slack = (c.floatPrecision() ? 1e-6 : 1e-12) * Math.max(1, Math.abs(expected));
            assertEquals(expected, toDouble(generated), slack, "the generated value");
        }
    }

    private static double toDouble(Object value) {
        return switch (value) {
            case Double d -> d;
            case Float f -> f;
            case Tensor t -> t.sum().item();
            default -> throw new AssertionError("not a differentiable result: " + value);
        };
    }

    private static double[] flatten(Object value) {
        return switch (value) {
            case Double d -> new double[] {d};
            case Float f -> new double[] {f};
            case Tensor t -> t.toDoubleArray();
            default -> throw new AssertionError("not a differentiable value: " + value);
        };
    }

    /** The arguments with the differentiated ones replaced by {@code point}, in order. */
    private static List<Object> unflatten(List<Object> args, List<Integer> differentiated, double[] point) {
        List<Object> result = new ArrayList<>(args);
        int offset = 0;
        for (int index : differentiated) {
            Object arg = args.get(index);
            switch (arg) {
                case Double unused -> result.set(index, point[offset++]);
                case Float unused -> result.set(index, (float) point[offset++]);
                case Tensor t -> {
                    int size = (int) t.size();
                    double[] values = Arrays.copyOfRange(point, offset, offset + size);
                    result.set(index, Tensor.of(values, t.shape()).cast(t.dtype()));
                    offset += size;
                }
                default -> throw new AssertionError("not a differentiable value: " + arg);
            }
        }
        return result;
    }
}
