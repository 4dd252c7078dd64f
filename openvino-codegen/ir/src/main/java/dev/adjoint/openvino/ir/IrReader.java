package dev.adjoint.openvino.ir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Reads OpenVINO IR v10 and v11 ({@code model.xml} + {@code model.bin}) as OpenVINO's own reader does (see
 * {@code docs/openvino-ir.md}), and refuses anything else with one {@link IrFormatException} naming the file, the
 * layer and the rule. Hostile files cannot make it crash, hang or run out of memory: the XML parser takes no DTDs
 * or entities and limits nesting; ids, offsets, sizes and shape products are overflow-checked; the {@code .bin}
 * is memory-mapped, and no allocation is larger than what the XML or the {@code .bin} can back.
 */
public final class IrReader {
    private static final System.Logger LOG = System.getLogger(IrReader.class.getName());

    /** Limits and choices for reading. */
    public record Options(long maxXmlBytes, int maxElementDepth, OpRegistry registry, boolean logWarnings) {
        public static Options defaults() {
            return new Options(512L << 20, 256, OpRegistry.standard(), true);
        }

        public Options withLogWarnings(boolean log) {
            return new Options(maxXmlBytes, maxElementDepth, registry, log);
        }
    }

    private final Options options;

    public IrReader() {
        this(Options.defaults());
    }

    public IrReader(Options options) {
        this.options = options;
    }

    /** Reads {@code xml} with its weights in the file beside it ({@code model.xml} → {@code model.bin}). */
    public static ReadResult read(Path xml) throws IOException {
        return new IrReader().readFile(xml, null);
    }

    /** Reads {@code xml} with its weights in {@code bin}. */
    public static ReadResult read(Path xml, Path bin) throws IOException {
        return new IrReader().readFile(xml, bin);
    }

    /** Reads a model from {@code xml} with weights {@code bin} (null when there is no {@code .bin}). */
    public ReadResult readFile(Path xml, Path bin) throws IOException {
        String source = xml.toString();
        long xmlSize = Files.size(xml);
        if (xmlSize > options.maxXmlBytes()) {
            throw new IrFormatException(source, null, "the XML file has " + xmlSize + " bytes, more than the limit of "
                    + options.maxXmlBytes());
        }
        byte[] bytes = Files.readAllBytes(xml);
        Path binPath = bin != null ? bin : besideXml(xml);
        Weights weights = null;
        try {
            weights = Weights.map(binPath);
        } catch (NoSuchFileException e) {
            if (bin != null) {
                throw e;
            }
        }
        return parse(bytes, weights, source, binPath.getFileName().toString());
    }

    /** Reads a model held in memory; {@code bin} may be null when the model has no constants. */
    public ReadResult read(byte[] xml, ByteBuffer bin, String sourceName) throws IrFormatException {
        if (xml.length > options.maxXmlBytes()) {
            throw new IrFormatException(sourceName, null, "the XML has " + xml.length + " bytes, more than the limit of "
                    + options.maxXmlBytes());
        }
        return parse(xml, bin == null ? null : Weights.of(bin), sourceName, "weights");
    }

    static Path besideXml(Path xml) {
        String name = xml.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return xml.resolveSibling(stem + ".bin");
    }

    private ReadResult parse(byte[] xml, Weights weights, String source, String binName) throws IrFormatException {
        Document doc = parseXml(xml, source);
        return new Parse(source, weights, binName).run(doc);
    }

    // ---- secure XML parsing ----

    private Document parseXml(byte[] xml, String source) throws IrFormatException {
        DocumentBuilder builder = newSecureBuilder();
        try {
            return builder.parse(new ByteArrayInputStream(xml));
        } catch (SAXParseException e) {
            throw new IrFormatException(source, null, "not well-formed XML (line " + e.getLineNumber() + ", column "
                    + e.getColumnNumber() + "): " + parserMessage(e));
        } catch (SAXException | IOException e) {
            throw new IrFormatException(source, null, "not well-formed XML: " + parserMessage(e), e);
        } catch (RuntimeException e) {
            // The JDK parser is a boundary we do not control: whatever it throws on bad bytes is a format error.
            throw new IrFormatException(source, null, "the XML parser failed: " + e, e);
        }
    }

    private static String parserMessage(Exception e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("DOCTYPE")) {
            return "document type declarations (DTDs) are not allowed";
        }
        if (m.contains("maxElementDepth")) {
            return "elements are nested too deeply";
        }
        return m;
    }

    private DocumentBuilder newSecureBuilder() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(false);
            f.setValidating(false);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setAttribute("http://www.oracle.com/xml/jaxp/properties/entityExpansionLimit", "0");
            f.setAttribute("http://www.oracle.com/xml/jaxp/properties/maxElementDepth",
                    Integer.toString(options.maxElementDepth()));
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(THROWING);
            b.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entities are not allowed");
            });
            return b;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK XML parser lacks a security feature", e);
        }
    }

    /** Report errors as exceptions instead of printing them to stderr. */
    private static final ErrorHandler THROWING = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };

    // ---- the graph ----

    private record PortDecl(long id, List<Long> dims, String precision, List<String> names, Element xml) {
    }

    private record Edge(int index, long fromLayer, long fromPort, long toLayer, long toPort) {
        String describe() {
            return "edge " + index + " (from-layer " + Long.toUnsignedString(fromLayer) + ", from-port "
                    + Long.toUnsignedString(fromPort) + ", to-layer " + Long.toUnsignedString(toLayer) + ", to-port "
                    + Long.toUnsignedString(toPort) + ")";
        }
    }

    private static final class Layer {
        final Element xml;
        long id;
        String idText;
        String name;
        String type;
        String version;
        final List<PortDecl> inputs = new ArrayList<>();
        final List<PortDecl> outputs = new ArrayList<>();
        final List<Edge> incoming = new ArrayList<>();

        Layer(Element xml) {
            this.xml = xml;
        }

        String describe() {
            return "layer " + (idText == null ? "?" : idText) + " (name=\"" + (name == null ? "?" : name) + "\", type="
                    + (type == null ? "?" : type) + ", version=" + (version == null ? "?" : version) + ")";
        }

        boolean isType(String t) {
            return type.equalsIgnoreCase(t);
        }
    }

    /** One read of one file. */
    private final class Parse {
        private final String source;
        private final Weights weights;
        private final String binName;
        private final List<String> warnings = new ArrayList<>();
        private int irVersion;

        Parse(String source, Weights weights, String binName) {
            this.source = source;
            this.weights = weights;
            this.binName = binName;
        }

        private IrFormatException error(Layer layer, String rule) {
            return new IrFormatException(source, layer == null ? null : layer.describe(), rule);
        }

        private void warn(Layer layer, String text) {
            String w = source + ": " + (layer == null ? "" : layer.describe() + ": ") + text;
            warnings.add(w);
            if (options.logWarnings()) {
                LOG.log(System.Logger.Level.WARNING, w);
            }
        }

        ReadResult run(Document doc) throws IrFormatException {
            Element net = doc.getDocumentElement();
            if (!net.getTagName().equalsIgnoreCase("net")) {
                throw error(null, "not an OpenVINO IR: the root element is <" + net.getTagName() + ">, expected <net>");
            }
            String versionText = net.getAttribute("version").strip();
            if (!versionText.equals("10") && !versionText.equals("11")) {
                throw error(null, "unsupported IR version '" + PartialShape.abbreviate(versionText)
                        + "' (only 10 and 11 are read)");
            }
            irVersion = Integer.parseInt(versionText);
            Element layersXml = firstChild(net, "layers");
            if (layersXml == null) {
                throw error(null, "the <net> element has no <layers>");
            }
            Map<Long, Layer> layers = new LinkedHashMap<>();
            for (Element le : children(layersXml, "layer")) {
                Layer layer = parseLayer(le);
                Layer previous = layers.putIfAbsent(layer.id, layer);
                if (previous != null) {
                    throw error(layer, "duplicate layer id " + layer.idText + " (also used by layer \""
                            + previous.name + "\")");
                }
            }
            readEdges(net, layers);

            GraphBuilder graph = new GraphBuilder(net.hasAttribute("name") ? net.getAttribute("name") : "",
                    options.registry());
            List<Layer> order = topologicalOrder(layers);
            Map<Long, dev.adjoint.openvino.ir.Node> created = new HashMap<>();
            Map<String, Layer> readValues = new HashMap<>();
            for (Layer layer : order) {
                dev.adjoint.openvino.ir.Node node = createNode(graph, layer, layers, created);
                created.put(layer.id, node);
                if (node.is("ReadValue")) {
                    readValues.putIfAbsent(node.attributes().getString("variable_id"), layer);
                }
            }
            for (Layer layer : order) {
                dev.adjoint.openvino.ir.Node node = created.get(layer.id);
                if (node.is("Assign") && !readValues.containsKey(node.attributes().getString("variable_id"))) {
                    throw error(layer, "Assign writes variable '" + node.attributes().getString("variable_id")
                            + "' that no ReadValue reads");
                }
            }
            readModelRtInfo(net, graph);
            return new ReadResult(graph.build(), warnings);
        }

        // ---- layers and ports ----

        private Layer parseLayer(Element le) throws IrFormatException {
            Layer layer = new Layer(le);
            layer.idText = le.hasAttribute("id") ? PartialShape.abbreviate(le.getAttribute("id")) : null;
            layer.name = le.hasAttribute("name") ? le.getAttribute("name") : null;
            layer.type = le.hasAttribute("type") ? le.getAttribute("type") : null;
            layer.version = le.hasAttribute("version") ? le.getAttribute("version") : null;
            for (String required : new String[] {"id", "name", "type", "version"}) {
                if (!le.hasAttribute(required)) {
                    throw error(layer, "missing attribute '" + required + "'");
                }
            }
            layer.id = parseId(layer, "id", le.getAttribute("id"));
            layer.idText = Long.toUnsignedString(layer.id);
            Element in = firstChild(le, "input");
            if (in != null) {
                for (Element p : children(in, "port")) {
                    layer.inputs.add(parsePort(layer, p, "input"));
                }
            }
            Element out = firstChild(le, "output");
            if (out != null) {
                for (Element p : children(out, "port")) {
                    layer.outputs.add(parsePort(layer, p, "output"));
                }
            }
            checkUniquePortIds(layer, layer.inputs, "input");
            checkUniquePortIds(layer, layer.outputs, "output");
            return layer;
        }

        private void checkUniquePortIds(Layer layer, List<PortDecl> ports, String kind) throws IrFormatException {
            Set<Long> ids = new HashSet<>();
            for (PortDecl p : ports) {
                if (!ids.add(p.id())) {
                    throw error(layer, "duplicate " + kind + " port id " + Long.toUnsignedString(p.id()));
                }
            }
        }

        private PortDecl parsePort(Layer layer, Element p, String kind) throws IrFormatException {
            if (!p.hasAttribute("id")) {
                throw error(layer, kind + " port without an id");
            }
            long id = parseId(layer, kind + " port id", p.getAttribute("id"));
            List<Long> dims = new ArrayList<>();
            for (Element d : children(p, "dim")) {
                String text = d.getTextContent().strip();
                long v;
                try {
                    v = Long.parseLong(text);
                } catch (NumberFormatException e) {
                    v = Long.MIN_VALUE;
                }
                if (v < -1) {
                    throw error(layer, kind + " port " + Long.toUnsignedString(id) + ": <dim>"
                            + PartialShape.abbreviate(text) + "</dim> is not an integer >= -1");
                }
                if (dims.size() == PartialShape.MAX_RANK) {
                    throw error(layer, kind + " port " + Long.toUnsignedString(id) + " has more than "
                            + PartialShape.MAX_RANK + " dims");
                }
                dims.add(v);
            }
            String precision = p.hasAttribute("precision") ? p.getAttribute("precision") : null;
            if (precision != null && !precision.isBlank() && ElementType.parse(precision).isEmpty()
                    && !precision.strip().equalsIgnoreCase("UNSPECIFIED")) {
                throw error(layer, kind + " port " + Long.toUnsignedString(id) + " has an unknown precision '"
                        + PartialShape.abbreviate(precision) + "'");
            }
            List<String> names = p.hasAttribute("names") ? splitNames(p.getAttribute("names")) : List.of();
            return new PortDecl(id, dims, precision, names, p);
        }

        private long parseId(Layer layer, String what, String text) throws IrFormatException {
            try {
                return Long.parseUnsignedLong(text.strip());
            } catch (NumberFormatException e) {
                throw error(layer, what + " '" + PartialShape.abbreviate(text) + "' is not an unsigned 64-bit integer");
            }
        }

        // ---- edges ----

        private void readEdges(Element net, Map<Long, Layer> layers) throws IrFormatException {
            Element edgesXml = firstChild(net, "edges");
            if (edgesXml == null) {
                return;
            }
            int index = 0;
            for (Element e : children(edgesXml, "edge")) {
                long[] v = new long[4];
                String[] names = {"from-layer", "from-port", "to-layer", "to-port"};
                for (int i = 0; i < 4; i++) {
                    if (!e.hasAttribute(names[i])) {
                        throw error(null, "edge " + index + " has no " + names[i] + " attribute");
                    }
                    try {
                        v[i] = Long.parseUnsignedLong(e.getAttribute(names[i]).strip());
                    } catch (NumberFormatException ex) {
                        throw error(null, "edge " + index + ": " + names[i] + " '"
                                + PartialShape.abbreviate(e.getAttribute(names[i])) + "' is not an unsigned 64-bit integer");
                    }
                }
                Edge edge = new Edge(index, v[0], v[1], v[2], v[3]);
                Layer from = layers.get(edge.fromLayer());
                Layer to = layers.get(edge.toLayer());
                if (from == null) {
                    throw error(null, edge.describe() + ": from-layer " + Long.toUnsignedString(edge.fromLayer())
                            + " does not exist");
                }
                if (to == null) {
                    throw error(null, edge.describe() + ": to-layer " + Long.toUnsignedString(edge.toLayer())
                            + " does not exist");
                }
                if (position(from.outputs, edge.fromPort()) < 0) {
                    throw error(from, edge.describe() + " reads output port " + Long.toUnsignedString(edge.fromPort())
                            + ", which the layer does not declare");
                }
                if (position(to.inputs, edge.toPort()) < 0) {
                    throw error(to, edge.describe() + " writes input port " + Long.toUnsignedString(edge.toPort())
                            + ", which the layer does not declare");
                }
                to.incoming.add(edge);
                index++;
            }
        }

        private static int position(List<PortDecl> ports, long id) {
            for (int i = 0; i < ports.size(); i++) {
                if (ports.get(i).id() == id) {
                    return i;
                }
            }
            return -1;
        }

        /**
         * Parameters in XML order, then a depth-first post-order from each Result and Assign in XML order, as
         * OpenVINO orders layers; layers on no path to a Result or Assign are dropped. Iterative, with cycle
         * detection.
         */
        private List<Layer> topologicalOrder(Map<Long, Layer> layers) throws IrFormatException {
            List<Layer> order = new ArrayList<>();
            Map<Layer, Integer> state = new HashMap<>(); // 1 = on the stack, 2 = done
            List<Layer> roots = new ArrayList<>();
            for (Layer l : layers.values()) {
                if (l.isType("Parameter")) {
                    order.add(l);
                    state.put(l, 2);
                } else if (l.isType("Result") || l.isType("Assign")) {
                    roots.add(l);
                }
            }
            if (roots.isEmpty()) {
                throw error(null, "the model has no Result or Assign layer");
            }
            for (Layer root : roots) {
                if (state.containsKey(root)) {
                    continue;
                }
                Deque<Layer> stack = new ArrayDeque<>();
                Deque<Integer> next = new ArrayDeque<>();
                stack.push(root);
                next.push(0);
                state.put(root, 1);
                while (!stack.isEmpty()) {
                    Layer top = stack.peek();
                    int i = next.pop();
                    if (i < top.incoming.size()) {
                        next.push(i + 1);
                        Layer src = layers.get(top.incoming.get(i).fromLayer());
                        Integer s = state.get(src);
                        if (s == null) {
                            state.put(src, 1);
                            stack.push(src);
                            next.push(0);
                        } else if (s == 1) {
                            throw error(src, "the graph has a cycle through " + cycle(stack, src));
                        }
                    } else {
                        stack.pop();
                        state.put(top, 2);
                        order.add(top);
                    }
                }
            }
            for (Layer l : layers.values()) {
                if (!state.containsKey(l)) {
                    warn(l, "not on any path to a Result or Assign; dropped");
                }
            }
            return order;
        }

        /** The cycle as edges run, producer first: the stack holds consumers above their producers. */
        private static String cycle(Deque<Layer> stack, Layer start) {
            List<String> ids = new ArrayList<>();
            for (Layer l : stack) {
                ids.add(l.idText);
                if (l == start) {
                    break;
                }
            }
            ids.add(ids.get(0));
            return "layers " + String.join(" -> ", ids);
        }

        // ---- nodes ----

        private dev.adjoint.openvino.ir.Node createNode(GraphBuilder graph, Layer layer, Map<Long, Layer> layers,
                Map<Long, dev.adjoint.openvino.ir.Node> created) throws IrFormatException {
            OpDefinition def = resolve(layer);
            int edges = layer.incoming.size();
            if (edges < def.minInputs() || edges > def.maxInputs()) {
                // Checked before connecting: a Parameter is created before the layers that would feed it.
                throw error(layer, def.type() + " expects " + def.inputCountText() + ", got " + edges);
            }
            List<NodeOutput> inputs = connectInputs(layer, layers, created);
            Map<String, Object> attrs = readAttributes(layer, def);
            ByteBuffer data = def.type().name().equals("Constant") ? readWeights(layer, def, attrs) : null;
            dev.adjoint.openvino.ir.Node node;
            try {
                node = graph.add(def, layer.name, Attributes.ofMap(attrs), inputs, data);
            } catch (IrValidationException e) {
                throw error(layer, e.getMessage());
            }
            for (int i = 0; i < layer.outputs.size(); i++) {
                if (i >= node.outputs().size()) {
                    warn(layer, "declares " + layer.outputs.size() + " output ports but " + def.type() + " has "
                            + node.outputs().size());
                    break;
                }
                if (!layer.outputs.get(i).names().isEmpty()) {
                    graph.setTensorNames(node.output(i), layer.outputs.get(i).names());
                }
            }
            if (irVersion > 10) {
                readNodeRtInfo(graph, layer, node);
            }
            crossCheck(layer, node);
            return node;
        }

        private OpDefinition resolve(Layer layer) throws IrFormatException {
            String v = layer.version.strip();
            int opset = -1;
            if (v.regionMatches(true, 0, "opset", 0, 5) && v.length() > 5 && v.length() <= 7) {
                try {
                    opset = Integer.parseInt(v.substring(5));
                } catch (NumberFormatException e) {
                    opset = -1;
                }
            }
            OpDefinition def = opset >= 1 && opset <= OpRegistry.MAX_OPSET ? options.registry().resolve(layer.type, opset)
                    : null;
            if (def == null) {
                throw error(layer, "unknown op/opset pair " + PartialShape.abbreviate(layer.type) + "/"
                        + PartialShape.abbreviate(layer.version));
            }
            return def;
        }

        private List<NodeOutput> connectInputs(Layer layer, Map<Long, Layer> layers,
                Map<Long, dev.adjoint.openvino.ir.Node> created) throws IrFormatException {
            int n = layer.incoming.size();
            NodeOutput[] inputs = new NodeOutput[n];
            for (Edge e : layer.incoming) {
                int pos = position(layer.inputs, e.toPort());
                if (pos >= n) {
                    throw error(layer, "input port " + Long.toUnsignedString(e.toPort()) + " is at position " + pos
                            + " but the layer has only " + n + " incoming edges (input ports without edges must come"
                            + " last)");
                }
                if (inputs[pos] != null) {
                    throw error(layer, "input port " + Long.toUnsignedString(e.toPort()) + " has more than one"
                            + " incoming edge");
                }
                Layer from = layers.get(e.fromLayer());
                dev.adjoint.openvino.ir.Node src = created.get(e.fromLayer());
                int outPos = position(from.outputs, e.fromPort());
                if (outPos >= src.outputs().size()) {
                    throw error(from, e.describe() + " reads output port " + Long.toUnsignedString(e.fromPort())
                            + " (position " + outPos + ") but " + src.type() + " has " + src.outputs().size()
                            + (src.outputs().size() == 1 ? " output" : " outputs"));
                }
                inputs[pos] = src.output(outPos);
            }
            for (int i = 0; i < n; i++) {
                if (inputs[i] == null) {
                    throw error(layer, "input port " + Long.toUnsignedString(layer.inputs.get(i).id()) + " (position "
                            + i + ") has no incoming edge");
                }
            }
            return Arrays.asList(inputs);
        }

        private Map<String, Object> readAttributes(Layer layer, OpDefinition def) throws IrFormatException {
            Map<String, Object> out = new LinkedHashMap<>();
            Element data = firstChild(layer.xml, "data");
            if (data == null) {
                return out;
            }
            NamedNodeMap xmlAttrs = data.getAttributes();
            boolean constant = def.type().name().equals("Constant");
            for (int i = 0; i < xmlAttrs.getLength(); i++) {
                Attr a = (Attr) xmlAttrs.item(i);
                String name = a.getName();
                AttributeSpec spec = def.attribute(name);
                if (spec == null) {
                    if (!(constant && (name.equals("offset") || name.equals("size")))) {
                        warn(layer, "attribute " + name + " is not an attribute of " + def.type() + "; ignored");
                    }
                    continue;
                }
                try {
                    out.put(name, spec.parse(a.getValue()));
                } catch (IrValidationException e) {
                    throw error(layer, def.type() + ": " + e.getMessage());
                }
            }
            return out;
        }

        private ByteBuffer readWeights(Layer layer, OpDefinition def, Map<String, Object> attrs)
                throws IrFormatException {
            Element data = firstChild(layer.xml, "data");
            for (String required : new String[] {"element_type", "shape", "offset", "size"}) {
                if (data == null || !data.hasAttribute(required)) {
                    throw error(layer, "Const needs the attribute " + required);
                }
            }
            long offset = parseId(layer, "offset", data.getAttribute("offset"));
            long size = parseId(layer, "size", data.getAttribute("size"));
            if (weights == null) {
                throw error(layer, "Const needs weights but no .bin file was found (" + binName + ")");
            }
            if (offset < 0 || size < 0 || Long.compareUnsigned(offset, weights.size()) > 0
                    || Long.compareUnsigned(size, weights.size() - offset) > 0) {
                throw error(layer, "offset " + Long.toUnsignedString(offset) + " + size " + Long.toUnsignedString(size)
                        + " is beyond the end of the .bin file (" + weights.size() + " bytes)");
            }
            ElementType type = (ElementType) attrs.get("element_type");
            @SuppressWarnings("unchecked")
            List<Long> shape = (List<Long>) attrs.get("shape");
            long count = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw error(layer, def.type() + ": shape " + shape + " has a negative dimension");
                }
                try {
                    count = Math.multiplyExact(count, d);
                } catch (ArithmeticException e) {
                    throw error(layer, def.type() + ": shape " + shape + " has more elements than a 64-bit count holds");
                }
            }
            long need = type.byteSize(count).orElse(-1L);
            if (need < 0 || need > size) {
                throw error(layer, "size " + size + " is smaller than the " + (need < 0 ? "(overflowing)" : need)
                        + " bytes that " + type + " shape " + shape + " needs");
            }
            if (need > Integer.MAX_VALUE) {
                throw error(layer, "constants over 2 GiB are not supported (" + need + " bytes)");
            }
            return weights.slice(offset, (int) need);
        }

        private void readNodeRtInfo(GraphBuilder graph, Layer layer, dev.adjoint.openvino.ir.Node node)
                throws IrFormatException {
            for (Map.Entry<String, RtAttribute> e : rtAttributes(layer, firstChild(layer.xml, "rt_info")).entrySet()) {
                graph.putRtInfo(node, e.getKey(), e.getValue());
            }
            for (int i = 0; i < layer.outputs.size() && i < node.outputs().size(); i++) {
                Element rt = firstChild(layer.outputs.get(i).xml(), "rt_info");
                for (Map.Entry<String, RtAttribute> e : rtAttributes(layer, rt).entrySet()) {
                    graph.putOutputRtInfo(node.output(i), e.getKey(), e.getValue());
                }
            }
            for (int i = 0; i < layer.inputs.size() && i < node.inputs().size(); i++) {
                Element rt = firstChild(layer.inputs.get(i).xml(), "rt_info");
                for (Map.Entry<String, RtAttribute> e : rtAttributes(layer, rt).entrySet()) {
                    graph.putInputRtInfo(node, i, e.getKey(), e.getValue());
                }
            }
        }

        private Map<String, RtAttribute> rtAttributes(Layer layer, Element rt) throws IrFormatException {
            Map<String, RtAttribute> out = new LinkedHashMap<>();
            if (rt == null) {
                return out;
            }
            for (Element a : children(rt, "attribute")) {
                // OpenVINO skips entries without a name and version.
                if (!a.hasAttribute("name") || !a.hasAttribute("version")) {
                    continue;
                }
                Map<String, String> values = new LinkedHashMap<>();
                NamedNodeMap attrs = a.getAttributes();
                for (int i = 0; i < attrs.getLength(); i++) {
                    Attr at = (Attr) attrs.item(i);
                    if (!at.getName().equals("name") && !at.getName().equals("version")) {
                        values.put(at.getName(), at.getValue());
                    }
                }
                String name = a.getAttribute("name");
                if (out.put(name, new RtAttribute(a.getAttribute("version"), values)) != null) {
                    throw error(layer, "rt_info attribute '" + PartialShape.abbreviate(name) + "' appears twice");
                }
            }
            return out;
        }

        /** Beyond OpenVINO: declared {@code <dim>}s and precisions that contradict inference are warned about. */
        private void crossCheck(Layer layer, dev.adjoint.openvino.ir.Node node) {
            for (int i = 0; i < layer.outputs.size() && i < node.outputs().size(); i++) {
                PortDecl decl = layer.outputs.get(i);
                check(layer, "output port " + Long.toUnsignedString(decl.id()), decl, node.outputs().get(i).type(),
                        node.outputs().get(i).shape());
            }
            for (int i = 0; i < layer.inputs.size() && i < node.inputs().size(); i++) {
                PortDecl decl = layer.inputs.get(i);
                check(layer, "input port " + Long.toUnsignedString(decl.id()), decl, node.input(i).type(),
                        node.input(i).shape());
            }
        }

        private void check(Layer layer, String port, PortDecl decl, ElementType type, PartialShape shape) {
            List<Dimension> dims = new ArrayList<>(decl.dims().size());
            for (long d : decl.dims()) {
                dims.add(d < 0 ? Dimension.dynamic() : Dimension.of(d));
            }
            PartialShape declared = PartialShape.of(dims);
            if (!declared.compatible(shape)) {
                warn(layer, port + " declares dims " + declared + " but inference gives " + shape);
            }
            if (decl.precision() != null) {
                ElementType p = ElementType.parse(decl.precision()).orElse(null);
                if (p != null && p != type) {
                    warn(layer, port + " declares precision " + decl.precision().strip() + " but inference gives "
                            + type);
                }
            }
        }

        // ---- model rt_info and legacy meta_data ----

        private void readModelRtInfo(Element net, GraphBuilder graph) throws IrFormatException {
            Element rt = firstChild(net, "rt_info");
            if (rt != null) {
                for (Element e : children(rt, null)) {
                    String key = e.hasAttribute("name") ? e.getAttribute("name") : e.getTagName();
                    graph.putModelRtInfo(key, e.hasAttribute("value") ? new MetaValue.Leaf(e.getAttribute("value"))
                            : section(e));
                }
                return;
            }
            Element meta = firstChild(net, "meta_data");
            if (meta != null) {
                for (Element e : children(meta, null)) {
                    if (e.getTagName().equals("cli_parameters")) {
                        graph.putModelRtInfo("conversion_parameters", section(e));
                    } else if (e.hasAttribute("value")) {
                        graph.putModelRtInfo(e.getTagName(), new MetaValue.Leaf(e.getAttribute("value")));
                    } else {
                        throw error(null, "unsupported legacy <meta_data> entry <"
                                + PartialShape.abbreviate(e.getTagName()) + ">");
                    }
                }
            }
            if (firstChild(net, "quantization_parameters") != null) {
                warn(null, "legacy <quantization_parameters> are not read");
            }
        }

        private MetaValue.Section section(Element e) {
            Map<String, MetaValue> children = new LinkedHashMap<>();
            for (Element c : children(e, null)) {
                String key = c.hasAttribute("name") ? c.getAttribute("name") : c.getTagName();
                MetaValue value;
                if (c.hasAttribute("value")) {
                    value = new MetaValue.Leaf(c.getAttribute("value"));
                } else if (c.getTagName().equals("unset") && c.hasAttribute("unset_cli_parameters")) {
                    value = new MetaValue.Leaf(c.getAttribute("unset_cli_parameters"));
                } else {
                    value = section(c); // depth is bounded by the parser's maxElementDepth
                }
                children.put(key, value);
            }
            return new MetaValue.Section(children);
        }
    }

    // ---- DOM helpers ----

    private static Element firstChild(Element parent, String tag) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                return e;
            }
        }
        return null;
    }

    /** Child elements named {@code tag}, or all child elements when {@code tag} is null. */
    private static List<Element> children(Element parent, String tag) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && (tag == null || e.getTagName().equals(tag))) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * Splits a port's {@code names} attribute: comma-separated, {@code \,} escaping a comma inside a name,
     * surrounding whitespace dropped.
     */
    static List<String> splitNames(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '\\' && i + 1 < text.length() && text.charAt(i + 1) == ',') {
                cur.append(',');
                i++;
            } else if (ch == ',') {
                addName(out, cur);
            } else {
                cur.append(ch);
            }
        }
        addName(out, cur);
        return out;
    }

    private static void addName(List<String> out, StringBuilder cur) {
        String s = cur.toString().strip();
        if (!s.isEmpty()) {
            out.add(s);
        }
        cur.setLength(0);
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
