package dev.adjoint.op;

/**
 * An op a backend computes: every {@link Op} but {@link Op.Reshape}. A backend implements them in
 * one pattern switch over this sealed hierarchy, with no default branch, so one that forgets an op
 * does not compile.
 */
public sealed interface ComputeOp extends Op permits Op.Unary, Op.Binary, Op.Where, Op.Cast, Op.Fill, Op.Chain,
        Op.Reduce, Op.Softmax, Op.LayerNorm, Op.MatMul, Op.MatMulBias, Op.Strided, Op.Concat, Op.Pad, Op.Gather,
        Op.IndexAdd, Op.Conv2d, Op.Conv2dBias, Op.Conv2dBlock, Op.Pool2d, Op.Conv2dBackwardInput,
        Op.Conv2dBackwardWeight, Op.Pool2dBackward {
}
