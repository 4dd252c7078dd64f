package dev.adjoint.openvino.ir;

import java.util.function.LongUnaryOperator;

/**
 * One dimension of a {@link PartialShape}: a static length, or an interval {@code min..max} of possible lengths
 * where {@code max} may be unbounded. {@code ?} is the interval {@code 0..unbounded}.
 *
 * @param min the smallest possible length, at least 0
 * @param max the largest possible length, or {@link #UNBOUNDED}
 */
public record Dimension(long min, long max) {
    /** The {@code max} of a dimension with no upper bound. */
    public static final long UNBOUNDED = -1;

    private static final Dimension DYNAMIC = new Dimension(0, UNBOUNDED);

    public Dimension {
        if (min < 0 || (max != UNBOUNDED && max < min)) {
            throw new IllegalArgumentException("invalid dimension interval " + min + ".." + max);
        }
    }

    public static Dimension of(long length) {
        if (length < 0) {
            throw new IllegalArgumentException("dimension length must be >= 0, got " + length);
        }
        return new Dimension(length, length);
    }

    /** The fully dynamic dimension {@code ?}. */
    public static Dimension dynamic() {
        return DYNAMIC;
    }

    public static Dimension bounded(long min, long max) {
        return new Dimension(min, max);
    }

    public boolean isStatic() {
        return min == max;
    }

    public boolean isDynamic() {
        return !isStatic();
    }

    public boolean isUnbounded() {
        return max == UNBOUNDED;
    }

    /** The length of a static dimension. */
    public long length() {
        if (!isStatic()) {
            throw new IllegalStateException("dimension " + this + " is not static");
        }
        return min;
    }

    public boolean contains(long length) {
        return length >= min && (max == UNBOUNDED || length <= max);
    }

    /** Whether some length is possible for both dimensions. */
    public boolean compatible(Dimension other) {
        return intersect(other) != null;
    }

    /** The lengths possible for both dimensions, or null when there are none. */
    public Dimension intersect(Dimension other) {
        long lo = Math.max(min, other.min);
        long hi;
        if (max == UNBOUNDED) {
            hi = other.max;
        } else if (other.max == UNBOUNDED) {
            hi = max;
        } else {
            hi = Math.min(max, other.max);
        }
        if (hi != UNBOUNDED && hi < lo) {
            return null;
        }
        return new Dimension(lo, hi);
    }

    /** The smallest interval holding both dimensions' lengths. */
    public Dimension union(Dimension other) {
        long hi = (max == UNBOUNDED || other.max == UNBOUNDED) ? UNBOUNDED : Math.max(max, other.max);
        return new Dimension(Math.min(min, other.min), hi);
    }

    /**
     * Applies a non-decreasing function to both ends of the interval (an unbounded end stays unbounded); a result
     * below zero is clamped to zero. Arithmetic overflow in {@code f} surfaces as {@link ArithmeticException}.
     */
    public Dimension map(LongUnaryOperator f) {
        long lo = Math.max(0, f.applyAsLong(min));
        if (max == UNBOUNDED) {
            return new Dimension(lo, UNBOUNDED);
        }
        long hi = Math.max(lo, f.applyAsLong(max));
        return new Dimension(lo, hi);
    }

    public Dimension plus(Dimension other) {
        long hi = (max == UNBOUNDED || other.max == UNBOUNDED) ? UNBOUNDED : Math.addExact(max, other.max);
        return new Dimension(Math.addExact(min, other.min), hi);
    }

    public Dimension times(Dimension other) {
        long hi = (max == UNBOUNDED || other.max == UNBOUNDED) ? UNBOUNDED : Math.multiplyExact(max, other.max);
        if ((max == 0 && max != UNBOUNDED) || (other.max == 0)) {
            hi = 0;
        }
        return new Dimension(Math.multiplyExact(min, other.min), hi);
    }

    /** How this dimension is written in a shape attribute: {@code 4}, {@code ?}, {@code 1..10}, {@code 2..}. */
    public String toIrString() {
        if (isStatic()) {
            return Long.toString(min);
        }
        if (max == UNBOUNDED) {
            return min == 0 ? "?" : min + "..";
        }
        return min + ".." + max;
    }

    /**
     * Parses one dimension of a shape attribute: an integer {@code >= 0}, {@code ?} or {@code -1} (dynamic), or
     * {@code a..b} where either end may be omitted.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Dimension parse(String text) {
        String s = text.strip();
        if (s.equals("?") || s.equals("-1")) {
            return DYNAMIC;
        }
        int dots = s.indexOf("..");
        if (dots < 0) {
            long length = parseLength(s, text);
            return of(length);
        }
        String lo = s.substring(0, dots).strip();
        String hi = s.substring(dots + 2).strip();
        long min = lo.isEmpty() ? 0 : parseLength(lo, text);
        long max = hi.isEmpty() || hi.equals("-1") ? UNBOUNDED : parseLength(hi, text);
        if (max != UNBOUNDED && max < min) {
            throw new IllegalArgumentException("dimension '" + text + "' has its upper bound below its lower bound");
        }
        return new Dimension(min, max);
    }

    private static long parseLength(String s, String whole) {
        long value;
        try {
            value = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + whole + "' is not a dimension (integer >= -1, ?, or a..b)");
        }
        if (value < 0) {
            throw new IllegalArgumentException("dimension '" + whole + "' is negative");
        }
        return value;
    }

    @Override
    public String toString() {
        return toIrString();
    }
}
