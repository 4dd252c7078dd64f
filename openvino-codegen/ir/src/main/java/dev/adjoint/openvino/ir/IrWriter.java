package dev.adjoint.openvino.ir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an {@link IrModel} as OpenVINO IR v11 with the conventions of OpenVINO's serializer: layers in the model's
 * order (parameters, ops topologically, sinks, results) with ids 0..n-1, ports numbered inputs first then outputs,
 * edges sorted, legacy precision names on ports, tensor names sorted and {@code \,}-escaped, empty {@code <data>}
 * dropped, tab indentation, and identical constant blobs stored once.
 */
public final class IrWriter {

    /** Writing choices. */
    public record Options(boolean compressToFp16) {
        public static Options defaults() {
            return new Options(false);
        }

        /**
         * Stores f32 constants as f16 followed by a {@code Convert} back to f32, as {@code ovc} does; see
         * {@link Fp16Compression}.
         */
        public static Options fp16() {
            return new Options(true);
        }
    }

    /** An IR in memory. */
    public record Written(String xml, byte[] bin) {
    }

    private IrWriter() {
    }

    /** Writes {@code xml} and the {@code .bin} beside it. */
    public static void write(IrModel model, Path xml, Options options) throws IOException {
        write(model, xml, IrReader.besideXml(xml), options);
    }

    public static void write(IrModel model, Path xml, Path bin, Options options) throws IOException {
        try (OutputStream out = Files.newOutputStream(bin)) {
            String text = write(model, options, out);
            Files.writeString(xml, text, StandardCharsets.UTF_8);
        }
    }

    /** Writes to memory. */
    public static Written toBytes(IrModel model, Options options) {
        ByteArrayOutputStream bin = new ByteArrayOutputStream();
        try {
            String xml = write(model, options, bin);
            return new Written(xml, bin.toByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
    }

    private static String write(IrModel model, Options options, OutputStream bin) throws IOException {
        IrModel m = options.compressToFp16() ? Fp16Compression.apply(model) : model;
        Map<Node, Integer> ids = new IdentityHashMap<>();
        for (Node n : m.nodes()) {
            ids.put(n, ids.size());
        }
        BlobWriter blobs = new BlobWriter(bin);
        Xml x = new Xml();
        x.line(0, "<?xml version=\"1.0\"?>");
        x.line(0, "<net name=\"" + Xml.escape(m.name()) + "\" version=\"11\">");
        x.line(1, "<layers>");
        for (Node n : m.nodes()) {
            writeLayer(x, n, ids.get(n), blobs);
        }
        x.line(1, "</layers>");
        x.line(1, "<edges>");
        List<long[]> edges = new ArrayList<>();
        for (Node n : m.nodes()) {
            for (int i = 0; i < n.inputs().size(); i++) {
                NodeOutput src = n.input(i);
                edges.add(new long[] {ids.get(src.node()), src.node().inputs().size() + src.index(), ids.get(n), i});
            }
        }
        edges.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1])
                .thenComparingLong(e -> e[2]).thenComparingLong(e -> e[3]));
        for (long[] e : edges) {
            x.line(2, "<edge from-layer=\"" + e[0] + "\" from-port=\"" + e[1] + "\" to-layer=\"" + e[2]
                    + "\" to-port=\"" + e[3] + "\" />");
        }
        x.line(1, "</edges>");
        if (m.rtInfo().isEmpty()) {
            x.line(1, "<rt_info />");
        } else {
            x.line(1, "<rt_info>");
            for (Map.Entry<String, MetaValue> e : m.rtInfo().entrySet()) {
                writeMeta(x, 2, e.getKey(), e.getValue());
            }
            x.line(1, "</rt_info>");
        }
        x.line(0, "</net>");
        return x.toString();
    }

    private static void writeLayer(Xml x, Node n, int id, BlobWriter blobs) throws IOException {
        OpDefinition def = n.definition();
        x.line(2, "<layer id=\"" + id + "\" name=\"" + Xml.escape(n.name()) + "\" type=\""
                + OpRegistry.irTypeName(def.type()) + "\" version=\"opset" + def.firstOpset() + "\">");
        StringBuilder data = new StringBuilder();
        for (AttributeSpec spec : def.attributes()) {
            Object v = n.attributes().get(spec.name());
            if (v != null) {
                data.append(' ').append(spec.name()).append("=\"").append(Xml.escape(spec.format(v))).append('"');
            }
        }
        if (n.is("Constant")) {
            ByteBuffer bytes = n.data().orElseThrow();
            long offset = blobs.write(bytes);
            data.append(" offset=\"").append(offset).append("\" size=\"").append(bytes.remaining()).append('"');
        }
        if (!data.isEmpty()) {
            x.line(3, "<data" + data + " />");
        }
        writeRtInfo(x, 3, n.rtInfo());
        int port = 0;
        if (!n.inputs().isEmpty()) {
            x.line(3, "<input>");
            for (int i = 0; i < n.inputs().size(); i++) {
                NodeOutput in = n.input(i);
                writePort(x, port++, in.type(), in.shape(), null, n.inputRtInfo(i));
            }
            x.line(3, "</input>");
        }
        if (!n.is("Result") && !n.outputs().isEmpty()) {
            x.line(3, "<output>");
            for (OutputPort out : n.outputs()) {
                writePort(x, port++, out.type(), out.shape(), out.names(), out.rtInfo());
            }
            x.line(3, "</output>");
        }
        x.line(2, "</layer>");
    }

    private static void writePort(Xml x, int id, ElementType type, PartialShape shape, Iterable<String> names,
            Map<String, RtAttribute> rtInfo) {
        StringBuilder head = new StringBuilder("<port id=\"" + id + "\" precision=\"" + type.precisionName() + "\"");
        if (names != null) {
            StringBuilder joined = new StringBuilder();
            for (String name : names) {
                if (!joined.isEmpty()) {
                    joined.append(',');
                }
                joined.append(name.replace(",", "\\,"));
            }
            if (!joined.isEmpty()) {
                head.append(" names=\"").append(Xml.escape(joined.toString())).append('"');
            }
        }
        boolean noDims = shape.isRankDynamic() || shape.rank() == 0;
        if (noDims && rtInfo.isEmpty()) {
            x.line(4, head + " />");
            return;
        }
        x.line(4, head + ">");
        if (!noDims) {
            for (Dimension d : shape.dims()) {
                x.line(5, "<dim>" + (d.isStatic() ? Long.toString(d.length()) : "-1") + "</dim>");
            }
        }
        writeRtInfo(x, 5, rtInfo);
        x.line(4, "</port>");
    }

    private static void writeRtInfo(Xml x, int indent, Map<String, RtAttribute> rtInfo) {
        if (rtInfo.isEmpty()) {
            return;
        }
        x.line(indent, "<rt_info>");
        for (Map.Entry<String, RtAttribute> e : rtInfo.entrySet()) {
            StringBuilder sb = new StringBuilder("<attribute name=\"" + Xml.escape(e.getKey()) + "\" version=\""
                    + Xml.escape(e.getValue().version()) + "\"");
            for (Map.Entry<String, String> v : e.getValue().values().entrySet()) {
                sb.append(' ').append(Xml.checkName(v.getKey())).append("=\"").append(Xml.escape(v.getValue()))
                        .append('"');
            }
            x.line(indent + 1, sb + " />");
        }
        x.line(indent, "</rt_info>");
    }

    private static void writeMeta(Xml x, int indent, String key, MetaValue value) {
        // A key that is not a valid element name goes into a name attribute, which OpenVINO's reader also takes.
        String open = Xml.isName(key) && !key.equals("info") ? "<" + key : "<info name=\"" + Xml.escape(key) + "\"";
        String close = Xml.isName(key) && !key.equals("info") ? "</" + key + ">" : "</info>";
        switch (value) {
            case MetaValue.Leaf leaf -> x.line(indent, open + " value=\"" + Xml.escape(leaf.value()) + "\" />");
            case MetaValue.Section section -> {
                if (section.children().isEmpty()) {
                    x.line(indent, open + " />");
                } else {
                    x.line(indent, open + ">");
                    for (Map.Entry<String, MetaValue> e : section.children().entrySet()) {
                        writeMeta(x, indent + 1, e.getKey(), e.getValue());
                    }
                    x.line(indent, close);
                }
            }
        }
    }

    /** Appends blobs back to back, no padding; a blob equal to an earlier one (hash, then bytes) is not repeated. */
    private static final class BlobWriter {
        private final OutputStream out;
        private final Map<ByteBuffer, Long> offsets = new HashMap<>();
        private long position;

        BlobWriter(OutputStream out) {
            this.out = out;
        }

        long write(ByteBuffer blob) throws IOException {
            ByteBuffer key = blob.duplicate();
            Long known = offsets.get(key); // ByteBuffer hashes and compares by content
            if (known != null) {
                return known;
            }
            long offset = position;
            byte[] bytes = new byte[blob.remaining()];
            blob.duplicate().get(bytes);
            out.write(bytes);
            position += bytes.length;
            offsets.put(key, offset);
            return offset;
        }
    }

    /** Tab-indented lines and XML escaping. */
    static final class Xml {
        private final StringBuilder sb = new StringBuilder();

        void line(int indent, String text) {
            sb.append("\t".repeat(indent)).append(text).append('\n');
        }

        @Override
        public String toString() {
            return sb.toString();
        }

        static String escape(String s) {
            StringBuilder out = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '&' -> out.append("&amp;");
                    case '<' -> out.append("&lt;");
                    case '>' -> out.append("&gt;");
                    case '"' -> out.append("&quot;");
                    case '\t' -> out.append("&#9;");
                    case '\n' -> out.append("&#10;");
                    case '\r' -> out.append("&#13;");
                    default -> {
                        if (c < 0x20 || c == 0xFFFE || c == 0xFFFF) {
                            throw new IllegalArgumentException("character U+" + Integer.toHexString(c)
                                    + " cannot be written in XML 1.0: " + s);
                        }
                        out.append(c);
                    }
                }
            }
            return out.toString();
        }

        /** An XML 1.0 (fifth edition) name; the JDK parser's names are a subset of these. */
        static boolean isName(String s) {
            if (s.isEmpty()) {
                return false;
            }
            int first = s.codePointAt(0);
            if (!isNameStart(first)) {
                return false;
            }
            for (int i = Character.charCount(first); i < s.length(); ) {
                int c = s.codePointAt(i);
                boolean nameChar = isNameStart(c) || c == '-' || c == '.' || (c >= '0' && c <= '9') || c == 0xB7
                        || (c >= 0x300 && c <= 0x36F) || c == 0x203F || c == 0x2040;
                if (!nameChar) {
                    return false;
                }
                i += Character.charCount(c);
            }
            return true;
        }

        private static boolean isNameStart(int c) {
            return c == ':' || c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
                    || (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x2FF)
                    || (c >= 0x370 && c <= 0x37D) || (c >= 0x37F && c <= 0x1FFF) || c == 0x200C || c == 0x200D
                    || (c >= 0x2070 && c <= 0x218F) || (c >= 0x2C00 && c <= 0x2FEF) || (c >= 0x3001 && c <= 0xD7FF)
                    || (c >= 0xF900 && c <= 0xFDCF) || (c >= 0xFDF0 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0xEFFFF);
        }

        static String checkName(String s) {
            if (!isName(s)) {
                throw new IllegalArgumentException("'" + s + "' cannot be written as an XML attribute name");
            }
            return s;
        }
    }
}
