package dev.adjoint.examples.autodiff;

import dev.adjoint.core.DType;
import dev.adjoint.core.Slice;
import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import dev.adjoint.annotation.Differentiable;
import dev.adjoint.annotation.NonDifferentiable;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Function zoo: Tensor code — matmul, broadcasting, reductions with axes, softmax, masks, slicing,
 * concat and stack, reshape and transpose — and scalar Variables mixed with tensor Variables.
 */
final class ZooTensors implements ZooModel {

    final Variable kernel;
    final Variable temperature;
    final Variable[] scales;

    ZooTensors(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        kernel = new Variable(Tensor.randomNormal(random, 0, 0.6, 3, 3).cast(DType.FLOAT64), "kernel");
        temperature = new Variable(random.nextDouble(0.8, 1.4), "temperature");
        scales = new Variable[] {new Variable(random.nextDouble(0.5, 1), "scale0"),
            new Variable(random.nextDouble(0.5, 1), "scale1")};
    }

    @Override
    public List<Variable> variables() {
        return List.of(kernel, temperature, scales[0], scales[1]);
    }

    /** Softmax of an affine map, weighted by a target: x [4, 3], w [3, 5], b [5]. */
    @Differentiable
    static Tensor affineSoftmax(Tensor x, Tensor w, Tensor b, @NonDifferentiable Tensor target) {
        return x.matmul(w).add(b).softmax(1).mul(target).sum();
    }

    @Differentiable
    static Tensor crossEntropy(Tensor logits, @NonDifferentiable Tensor oneHot) {
        int n = logits.dim(0);
        return logits.logSoftmax(-1).mul(oneHot).sum().neg().div(n);
    }

    /** x [3, 4] + row [4], times column [3, 1]. */
    @Differentiable
    static Tensor broadcasting(Tensor x, Tensor row, Tensor column) {
        return x.add(row).mul(column).sub(row.mul(2.0)).square().sum();
    }

    @Differentiable
    static Tensor reductionsWithAxes(Tensor x) {
        Tensor a = x.sum(0).square().sum();
        Tensor b = x.mean(1).exp().sum();
        Tensor c = x.sum(new int[] {0, 1}, true).mul(x).sum();
        Tensor d = x.max(1).sum().add(x.min(0).mul(2.0).sum());
        return a.add(b).add(c).add(d).add(x.logSumExp(0).sum()).add(x.prod(1).sum());
    }

    @Differentiable
    static Tensor whereWithMask(Tensor x, Tensor y) {
        Tensor mask = x.gt(0.0);
        return Tensor.where(mask, x.square(), y.mul(x)).add(Tensor.where(x.lt(y), y, x.mul(0.5))).sum();
    }

    @Differentiable
    static Tensor indexingAndSlicing(Tensor x, @NonDifferentiable Tensor w) {
        Tensor first = x.get(0);
        Tensor corner = x.get(1, 2);
        Tensor top = x.index(Slice.range(0, 2), Slice.all());
        Tensor everyOther = x.index(Slice.all(), Slice.range(0, 4, 2));
        return first.mul(corner).sum().add(top.mul(w).sum()).add(everyOther.square().sum());
    }

    @Differentiable
    static Tensor concatAndStack(Tensor a, Tensor b, @NonDifferentiable Tensor w) {
        Tensor joined = Tensor.concat(0, a, b.tanh());
        Tensor stacked = Tensor.stack(1, a, b);
        return joined.mul(w).sum().add(stacked.square().mean());
    }

    @Differentiable
    static Tensor reshapeAndTranspose(Tensor x) {
        Tensor m = x.reshape(3, 2).transpose();
        Tensor p = x.permute(1, 0).flatten().expandDims(0).squeeze(0);
        return m.matmul(x.transpose()).sum().add(p.mul(p).sum()).add(x.transpose().matmul(x).sum());
    }

    @Differentiable
    static Tensor scalarAndTensor(Tensor x, double s) {
        Tensor y = x.mul(s).add(s * s).div(1 + s * s).pow(2);
        double m = x.sum().item() * s;
        return y.sum().mul(m).add(x.sub(s).mul(x.div(2.0)).sum());
    }

    /** Variance through item(): the mean leaves the tensor and comes back. */
    @Differentiable
    static Tensor varianceThroughItem(Tensor x) {
        double mean = x.mean().item();
        return x.sub(mean).square().mean();
    }

    @Differentiable
    static Tensor layerNorm(Tensor x) {
        Tensor centered = x.sub(x.mean(new int[] {1}, true));
        Tensor variance = centered.square().mean(new int[] {1}, true);
        return centered.div(variance.add(1e-5).sqrt()).mul(x).sum();
    }

    /** A transformer's pre-norm residual block, applied twice with the same weights, on the fused layer norm. */
    @Differentiable
    static Tensor preNormBlock(Tensor x, Tensor scale, Tensor bias, Tensor w1, Tensor w2) {
        Tensor h = x;
        for (int i = 0; i < 2; i++) {
            h = h.add(h.layerNorm(1, 1e-5, scale, bias).matmul(w1).tanh().matmul(w2));
        }
        return h.square().sum();
    }

    @Differentiable
    static Tensor dotAndOuter(Tensor a, Tensor b) {
        return a.dot(b).mul(a.outer(b).sum()).add(a.outer(a).matmul(b).sum());
    }

    /** x [2, 3, 4] batched against w [4, 2]. */
    @Differentiable
    static Tensor batchedMatmul(Tensor x, Tensor w) {
        return x.matmul(w).tanh().sum();
    }

    @Differentiable
    static Tensor unaryOps(Tensor x) {
        Tensor positive = x.square().add(1.0);
        return positive.sqrt().add(positive.rsqrt()).add(positive.log()).add(x.square().log1p()).add(x.softplus())
                .add(x.sigmoid()).add(x.sin().mul(x.cos())).add(x.exp()).add(x.neg()).add(x.abs()).add(x.relu())
                .sum();
    }

    @Differentiable
    static Tensor clipMaximumMinimum(Tensor x, Tensor y) {
        return x.clip(-0.5, 0.5).add(x.maximum(y)).add(y.minimum(0.2)).add(x.maximum(0.0)).square().sum();
    }

    /** int literals where the ops take doubles. */
    @Differentiable
    static Tensor intLiteralArguments(Tensor x) {
        return x.pow(2).add(1).mul(x.maximum(0)).div(2).sub(x.clip(-1, 1)).sum();
    }

    @Differentiable
    static Tensor tensorExponent(Tensor x, Tensor p) {
        return x.square().add(1.0).pow(p).sum().add(x.square().add(0.5).pow(1.5).sum());
    }

    @Differentiable
    static Tensor gatherRows(Tensor x, @NonDifferentiable Tensor indices) {
        return x.gather(indices, 0).square().sum();
    }

    @Differentiable
    static Tensor broadcastToAndCast(Tensor x) {
        return x.broadcastTo(3, 4).mul(x.sum()).sum();
    }

    @Differentiable
    static Tensor rowsLoop(Tensor x) {
        Tensor s = x.get(0).mul(0.0);
        for (Tensor row : x) {
            s = s.add(row.mul(row.dot(row)));
        }
        return s.sum();
    }

    /** Java iterates the rows of the tensor x held when the loop began, though the body reassigns x. */
    @Differentiable
    static Tensor rowsOfReassignedTensor(Tensor x) {
        Tensor s = x.get(0).mul(0.0);
        for (Tensor row : x) {
            s = s.add(row.square());
            x = x.mul(2.0);
        }
        return s.sum().add(x.sum());
    }

    /** A Tensor local declared without a value in a loop and assigned in both branches. */
    @Differentiable
    static Tensor uninitializedTensorInLoop(Tensor x) {
        Tensor s = x.mul(0.0);
        for (int i = 0; i < 3; i++) {
            Tensor h;
            if (i % 2 == 0) {
                h = x.square();
            } else {
                h = x.tanh();
            }
            s = s.add(h.mul(s.add(1.0))).tanh();
        }
        return s.sum();
    }

    /** A reassigned Tensor parameter that the result uses only when asked to. */
    @Differentiable
    static Tensor reassignedTensorParameter(Tensor x, Tensor y, @NonDifferentiable boolean useX) {
        x = x.sum(0);
        if (useX) {
            return x.mul(y).sum();
        }
        return y.square().sum();
    }

    /** A tensor variable, a scalar variable and an array of scalar variables in one loss. */
    @Differentiable
    Tensor scalarAndTensorVariables(Tensor x) {
        Tensor h = x.matmul(kernel.value()).div(temperature.get());
        for (Variable scale : scales) {
            h = h.tanh().mul(scale.get()).add(h.mul(0.1));
        }
        return h.softmax(1).mul(x).sum().add(temperature.get() * scales[0].get());
    }

    /** A tensor variable's value reduced to a scalar that scales the input. */
    @Differentiable
    Tensor variableReducedToScalar(Tensor x) {
        double norm = kernel.value().square().sum().item();
        return x.mul(Math.sqrt(norm)).matmul(kernel.value()).sum().mul(scales[1].get());
    }
}
