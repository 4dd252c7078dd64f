package dev.adjoint;

import dev.adjoint.op.Conv2dSpec;
import java.util.Objects;

/**
 * One convolution layer of {@link Tensor#conv2dBlock}: its filters ({@code O x C/groups x kh x kw}), its bias (one
 * value per output channel), its geometry, and the clamp after the bias ({@code [low, high]}: ReLU {@code 0, +inf},
 * ReLU6 {@code 0, 6}, none {@code -inf, +inf}), as {@link Tensor#conv2dBias} takes them.
 */
public record Conv2dLayer(Tensor weight, Tensor bias, Conv2dSpec spec, double low, double high) {
    public Conv2dLayer {
        Objects.requireNonNull(weight, "weight");
        Objects.requireNonNull(bias, "bias");
        Objects.requireNonNull(spec, "spec");
    }

    /** A layer with no activation after its bias. */
    public static Conv2dLayer linear(Tensor weight, Tensor bias, Conv2dSpec spec) {
        return new Conv2dLayer(weight, bias, spec, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }
}
