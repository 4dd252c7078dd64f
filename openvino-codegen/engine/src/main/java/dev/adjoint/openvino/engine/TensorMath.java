package dev.adjoint.openvino.engine;

import dev.adjoint.core.DType;
import dev.adjoint.Tensor;

/**
 * Elementwise functions the Tensor API lacks, composed from its ops so that they run on any backend: floor,
 * ceiling, round-half-to-even, erf, integer division and remainders. They move into the op table when it lands.
 */
final class TensorMath {
    /** Floats at least this large in magnitude are integers already (and would not survive a cast to int64). */
    private static final double INTEGRAL = 0x1p62;

    private TensorMath() {
    }

    /** {@code floor(x)}; integers are returned as they are, NaN and infinities stay. */
    static Tensor floor(Tensor x) {
        if (!x.dtype().isFloating()) {
            return x;
        }
        Tensor truncated = x.cast(DType.INT64).cast(x.dtype());
        Tensor floored = truncated.sub(truncated.gt(x).cast(x.dtype()));
        return Tensor.where(x.abs().lt(INTEGRAL), floored, x);
    }

    /** {@code ceil(x)}. */
    static Tensor ceil(Tensor x) {
        return x.dtype().isFloating() ? floor(x.neg()).neg() : x;
    }

    /** Rounds to the nearest integer, halves to even ({@code std::nearbyint} in the default rounding mode). */
    static Tensor roundHalfToEven(Tensor x) {
        if (!x.dtype().isFloating()) {
            return x;
        }
        Tensor down = floor(x);
        Tensor frac = x.sub(down);
        Tensor up = down.add(1.0);
        // Exactly halfway: take the even neighbour (down is even when down/2 is integral).
        Tensor downIsEven = floor(down.mul(0.5)).mul(2.0).eq(down);
        Tensor half = Tensor.where(downIsEven, down, up);
        Tensor nearest = Tensor.where(frac.lt(0.5), down, up);
        return Tensor.where(frac.eq(0.5), half, nearest);
    }

    /** Rounds halves away from zero ({@code std::round}). */
    static Tensor roundHalfAwayFromZero(Tensor x) {
        if (!x.dtype().isFloating()) {
            return x;
        }
        return floor(x.abs().add(0.5)).mul(x.sign());
    }

    /**
     * Integer division of integer tensors, computed in float64 (exact below 2^53): rounded toward minus infinity
     * when {@code floor} (Python's {@code //}), toward zero otherwise (C's {@code /}).
     */
    static Tensor integerDivide(Tensor a, Tensor b, boolean floor) {
        DType type = DType.promote(a.dtype(), b.dtype());
        Tensor q = a.cast(DType.FLOAT64).div(b.cast(DType.FLOAT64));
        Tensor rounded = floor ? floor(q) : floor(q.abs()).mul(q.sign());
        return rounded.cast(type);
    }

    /** {@code a - floor(a / b) * b}: the remainder with the divisor's sign (Python's {@code %}, OpenVINO's FloorMod). */
    static Tensor floorMod(Tensor a, Tensor b) {
        if (a.dtype().isFloating() || b.dtype().isFloating()) {
            return a.sub(floor(a.div(b)).mul(b));
        }
        return a.sub(integerDivide(a, b, true).mul(b));
    }

    /** {@code a - trunc(a / b) * b}: the remainder with the dividend's sign (C's {@code fmod} and {@code %}). */
    static Tensor truncMod(Tensor a, Tensor b) {
        if (a.dtype().isFloating() || b.dtype().isFloating()) {
            Tensor q = a.div(b);
            return a.sub(floor(q.abs()).mul(q.sign()).mul(b));
        }
        return a.sub(integerDivide(a, b, false).mul(b));
    }
}
