package dev.adjoint.openvino.ir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A shape that may be partly unknown: a list of {@link Dimension}s, or no list at all when even the rank is
 * dynamic. Immutable; equality is structural.
 */
public final class PartialShape {
    /** Ranks above this are refused, so that hostile input cannot make us allocate huge dimension lists. */
    public static final int MAX_RANK = 1024;

    private static final PartialShape DYNAMIC_RANK = new PartialShape(null);
    private static final PartialShape SCALAR = new PartialShape(List.of());

    private final List<Dimension> dims;

    private PartialShape(List<Dimension> dims) {
        this.dims = dims;
    }

    public static PartialShape of(List<Dimension> dims) {
        if (dims.size() > MAX_RANK) {
            throw new IllegalArgumentException("rank " + dims.size() + " exceeds the supported maximum " + MAX_RANK);
        }
        return new PartialShape(List.copyOf(dims));
    }

    public static PartialShape of(long... lengths) {
        Dimension[] d = new Dimension[lengths.length];
        for (int i = 0; i < lengths.length; i++) {
            d[i] = Dimension.of(lengths[i]);
        }
        return of(Arrays.asList(d));
    }

    public static PartialShape of(Dimension... dims) {
        return of(Arrays.asList(dims));
    }

    /** The shape whose rank is unknown. */
    public static PartialShape dynamicRank() {
        return DYNAMIC_RANK;
    }

    /** A shape of the given rank whose every dimension is {@code ?}. */
    public static PartialShape dynamic(int rank) {
        return of(Collections.nCopies(rank, Dimension.dynamic()));
    }

    public static PartialShape scalar() {
        return SCALAR;
    }

    public boolean isRankStatic() {
        return dims != null;
    }

    public boolean isRankDynamic() {
        return dims == null;
    }

    /** The rank; only for shapes of static rank. */
    public int rank() {
        requireRank();
        return dims.size();
    }

    public Dimension get(int axis) {
        requireRank();
        return dims.get(axis);
    }

    /** The dimensions; only for shapes of static rank. */
    public List<Dimension> dims() {
        requireRank();
        return dims;
    }

    public boolean isStatic() {
        return dims != null && dims.stream().allMatch(Dimension::isStatic);
    }

    /** The lengths of a static shape. */
    public long[] lengths() {
        if (!isStatic()) {
            throw new IllegalStateException("shape " + this + " is not static");
        }
        return dims.stream().mapToLong(Dimension::length).toArray();
    }

    /** The number of elements of a static shape, or empty when the shape is not static or the product overflows. */
    public OptionalLong elementCount() {
        if (!isStatic()) {
            return OptionalLong.empty();
        }
        long n = 1;
        for (Dimension d : dims) {
            try {
                n = Math.multiplyExact(n, d.length());
            } catch (ArithmeticException e) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(n);
    }

    /** Whether some static shape fits both. */
    public boolean compatible(PartialShape other) {
        return merge(other).isPresent();
    }

    /** The most precise shape both describe, or empty when they contradict each other. */
    public Optional<PartialShape> merge(PartialShape other) {
        if (dims == null) {
            return Optional.of(other);
        }
        if (other.dims == null) {
            return Optional.of(this);
        }
        if (dims.size() != other.dims.size()) {
            return Optional.empty();
        }
        List<Dimension> out = new ArrayList<>(dims.size());
        for (int i = 0; i < dims.size(); i++) {
            Dimension d = dims.get(i).intersect(other.dims.get(i));
            if (d == null) {
                return Optional.empty();
            }
            out.add(d);
        }
        return Optional.of(new PartialShape(List.copyOf(out)));
    }

    /** As written in a shape attribute: {@code ?,4}, {@code 1..10,3}, {@code ""} for a scalar, {@code ...} for dynamic rank. */
    public String toIrString() {
        if (dims == null) {
            return "...";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(dims.get(i).toIrString());
        }
        return sb.toString();
    }

    /**
     * Parses a shape attribute as OpenVINO's reader does: comma-separated dimensions (whitespace tolerated),
     * optional surrounding brackets, {@code ...} for a dynamic rank, and the empty string for a scalar.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static PartialShape parse(String text) {
        String s = text.strip();
        if (s.contains("...")) {
            if (!s.equals("...")) {
                throw new IllegalArgumentException("mixes '...' (dynamic rank) with dimensions");
            }
            return DYNAMIC_RANK;
        }
        if (s.startsWith("[") && s.endsWith("]") && s.length() >= 2) {
            s = s.substring(1, s.length() - 1).strip();
        }
        if (s.isEmpty()) {
            return SCALAR;
        }
        List<Dimension> out = new ArrayList<>();
        int start = 0;
        while (true) {
            int comma = s.indexOf(',', start);
            String field = comma < 0 ? s.substring(start) : s.substring(start, comma);
            if (field.isBlank()) {
                throw new IllegalArgumentException("has an empty dimension");
            }
            if (out.size() == MAX_RANK) {
                throw new IllegalArgumentException("has more than " + MAX_RANK + " dimensions");
            }
            out.add(Dimension.parse(field));
            if (comma < 0) {
                break;
            }
            start = comma + 1;
        }
        return new PartialShape(List.copyOf(out));
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private void requireRank() {
        if (dims == null) {
            throw new IllegalStateException("shape has a dynamic rank");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartialShape p && java.util.Objects.equals(dims, p.dims);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hashCode(dims);
    }

    /** {@code [?,4]}, {@code []} for a scalar, {@code [...]} for a dynamic rank. */
    @Override
    public String toString() {
        return "[" + toIrString() + "]";
    }
}
