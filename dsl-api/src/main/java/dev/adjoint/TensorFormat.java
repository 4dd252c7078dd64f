package dev.adjoint;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * Prints tensors the way TensorFlow's eager tensors do, which is NumPy's {@code str} inside
 * {@code Tensor(..., shape=..., dtype=...)}: one common width for every element, floats aligned on
 * the decimal point with at most 8 significant fractional digits, scientific notation for very
 * large or small magnitudes, and tensors of more than 1000 elements summarised with {@code ...}
 * keeping 3 items at each edge.
 */
final class TensorFormat {
    static final int SUMMARY_THRESHOLD = 1000;
    static final int EDGE_ITEMS = 3;
    private static final int PRECISION = 8;

    private TensorFormat() {
    }

    static String toString(Tensor t) {
        String body = body(t);
        String sep = body.indexOf('\n') >= 0 ? "\n" : "";
        return "Tensor(" + sep + body + ", shape=" + t.shape() + ", dtype=" + t.dtype() + ")";
    }

    /** The NumPy-style array text without the {@code Tensor(...)} wrapper. */
    static String body(Tensor t) {
        Shape shape = t.shape();
        Object flat = t.backend().toArray(t.storage());
        boolean summarise = shape.size() > SUMMARY_THRESHOLD;
        ElementFormat fmt = ElementFormat.of(flat, t.dtype(), shape);
        StringBuilder sb = new StringBuilder();
        if (shape.rank() == 0) {
            return fmt.format(flat, 0).strip();
        }
        appendAxis(sb, flat, shape.dims(), shape.strides(), 0, 0, fmt, summarise);
        return sb.toString();
    }

    private static void appendAxis(StringBuilder sb, Object flat, int[] dims, long[] strides, int axis, long offset,
            ElementFormat fmt, boolean summarise) {
        sb.append('[');
        int n = dims[axis];
        boolean elide = summarise && n > 2 * EDGE_ITEMS;
        boolean last = axis == dims.length - 1;
        String rowSep = "\n".repeat(Math.max(1, dims.length - axis - 1)) + " ".repeat(axis + 1);
        String sep = last ? " " : rowSep;
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(sep);
            }
            if (elide && i == EDGE_ITEMS) {
                sb.append("...").append(sep);
                i = n - EDGE_ITEMS;
            }
            if (last) {
                sb.append(fmt.format(flat, (int) (offset + i * strides[axis])));
            } else {
                appendAxis(sb, flat, dims, strides, axis + 1, offset + i * strides[axis], fmt, summarise);
            }
        }
        sb.append(']');
    }

    /** Formats every element to one width, chosen from the elements that will be printed. */
    private record ElementFormat(DType dtype, boolean scientific, int intWidth, int fracWidth, int width) {

        static ElementFormat of(Object flat, DType dtype, Shape shape) {
            int n = (int) shape.size();
            if (dtype == DType.BOOL) {
                return new ElementFormat(dtype, false, 0, 0, "False".length()); // NumPy pads True to False's width
            }
            if (!dtype.isFloating()) {
                int width = 1;
                for (int i = 0; i < n; i++) {
                    width = Math.max(width, integerText(flat, i).length());
                }
                return new ElementFormat(dtype, false, width, 0, width);
            }
            double maxAbs = 0;
            double minAbs = Double.POSITIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                double a = Math.abs(HostArrays.get(flat, i));
                if (Double.isFinite(a) && a != 0) {
                    maxAbs = Math.max(maxAbs, a);
                    minAbs = Math.min(minAbs, a);
                }
            }
            // NumPy's rule for switching to scientific notation.
            boolean scientific = maxAbs > 0 && (maxAbs >= 1e8 || minAbs < 1e-4 || maxAbs / minAbs > 1e3);
            int intWidth = 1;
            int fracWidth = 0;
            int width = 0;
            for (int i = 0; i < n; i++) {
                double v = shortest(HostArrays.get(flat, i), dtype);
                if (scientific) {
                    // One mantissa precision for all: the most digits any element needs.
                    String s = sci(v, PRECISION);
                    int e = s.indexOf('e');
                    fracWidth = e < 0 ? fracWidth : Math.max(fracWidth, e - s.indexOf('.') - 1);
                    continue;
                }
                String s = plain(v, dtype);
                int dot = s.indexOf('.');
                if (dot < 0) {
                    width = Math.max(width, s.length());
                } else {
                    intWidth = Math.max(intWidth, dot);
                    fracWidth = Math.max(fracWidth, s.length() - dot - 1);
                }
            }
            if (scientific) {
                for (int i = 0; i < n; i++) {
                    width = Math.max(width, sci(shortest(HostArrays.get(flat, i), dtype), fracWidth).length());
                }
                return new ElementFormat(dtype, true, 0, fracWidth, width);
            }
            return new ElementFormat(dtype, false, intWidth, fracWidth, Math.max(width, intWidth + 1 + fracWidth));
        }

        String format(Object flat, int i) {
            double v = HostArrays.get(flat, i);
            if (dtype == DType.BOOL) {
                return pad(v != 0 ? "True" : "False", width);
            }
            if (!dtype.isFloating()) {
                return pad(integerText(flat, i), width);
            }
            if (scientific) {
                return pad(sci(shortest(v, dtype), fracWidth), width);
            }
            String s = plain(v, dtype);
            int dot = s.indexOf('.');
            if (dot < 0) {
                return pad(s, width);
            }
            String left = " ".repeat(Math.max(0, intWidth - dot)) + s;
            return left + " ".repeat(Math.max(0, width - left.length()));
        }

        private static String integerText(Object flat, int i) {
            return flat instanceof long[] a ? Long.toString(a[i]) : Long.toString(((int[]) flat)[i]);
        }

        private static String pad(String s, int width) {
            return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
        }
    }

    /** The float64 closest to the shortest decimal that reads back as the stored value (float32 0.1 is 0.1). */
    private static double shortest(double v, DType dtype) {
        return dtype == DType.FLOAT32 && Double.isFinite(v) ? Double.parseDouble(Float.toString((float) v)) : v;
    }

    /** {@code 4.}, {@code 0.5}, {@code -1.25}: at most 8 fractional digits, trailing zeros dropped. */
    static String plain(double v, DType dtype) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        // Round the shortest decimal that reads back as the stored float (float32 prints 0.1, not 0.100000001).
        BigDecimal d = new BigDecimal(dtype == DType.FLOAT32 ? Float.toString((float) v) : Double.toString(v));
        String s = d.setScale(PRECISION, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
        return s.contains(".") ? s : s + ".";
    }

    /**
     * {@code 1.5e+10}: scientific form with {@code digits} mantissa digits after the point, trailing
     * zeros dropped when {@code digits} is the full precision (used to find how many are needed).
     */
    static String sci(double v, int digits) {
        if (!Double.isFinite(v)) {
            return plain(v, DType.FLOAT64);
        }
        String s = String.format(Locale.ROOT, "%." + digits + "e", v);
        int e = s.indexOf('e');
        String mantissa = s.substring(0, e);
        if (digits == PRECISION) {
            mantissa = mantissa.replaceAll("0+$", "");
        }
        if (!mantissa.contains(".")) {
            mantissa += ".";
        }
        return mantissa + s.substring(e);
    }
}
