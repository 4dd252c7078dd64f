package dev.adjoint.openvino.cli;

import dev.adjoint.openvino.engine.CompileSummary;
import dev.adjoint.openvino.engine.CompiledModel;
import dev.adjoint.openvino.engine.Core;
import dev.adjoint.openvino.engine.EngineException;
import dev.adjoint.openvino.engine.Model;
import dev.adjoint.openvino.engine.Port;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.Node;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code adjoint-ov inspect}: inputs, outputs, opsets, an op histogram, parameter count and weight bytes. */
@Command(name = "inspect", description = "Describe an IR: inputs, outputs, opsets, op histogram, parameters, weights,"
        + " and whether the engine runs every layer.")
final class InspectCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = {"-d", "--device"}, defaultValue = "CPU", description = "Device to check against (default: CPU).")
    String device;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Core core = new Core();
        Model m = model.read(core);
        IrModel g = m.graph();
        out.printf("Model:   %s (%s)%n", g.name(), model.xml);
        out.println("Inputs:");
        for (Port p : m.inputs()) {
            out.printf("  %-24s %-8s %s%n", p.anyName(), p.elementType(), p.partialShape());
        }
        out.println("Outputs:");
        for (Port p : m.outputs()) {
            out.printf("  %-24s %-8s %s%n", p.anyName(), p.elementType(), p.partialShape());
        }
        TreeSet<Integer> opsets = new TreeSet<>();
        Map<String, Integer> histogram = new TreeMap<>();
        long parameters = 0;
        long weightBytes = 0;
        int floatConstants = 0;
        for (Node n : g.nodes()) {
            opsets.add(n.definition().firstOpset());
            histogram.merge(n.type().toString(), 1, Integer::sum);
            if (n.is("Constant")) {
                long count = n.outputs().get(0).shape().elementCount().orElse(0);
                weightBytes += n.data().map(b -> (long) b.remaining()).orElse(0L);
                if (n.outputs().get(0).type().isReal()) {
                    parameters += count;
                    floatConstants++;
                }
            }
        }
        out.println("Opsets:  " + String.join(", ", opsets.stream().map(o -> "opset" + o).toList())
                + "  (the opset that introduced each op version used)");
        out.printf("Layers:  %d%n", g.nodes().size());
        Map<String, Integer> sorted = new LinkedHashMap<>();
        histogram.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey())).forEach(e -> sorted.put(e.getKey(), e.getValue()));
        sorted.forEach((k, v) -> out.printf("  %-28s %6d%n", k, v));
        out.printf("Parameters: %,d values in %d floating-point constants%n", parameters, floatConstants);
        out.printf("Weights:    %,d bytes%n", weightBytes);
        if (!m.warnings().isEmpty()) {
            out.println("Reader warnings:");
            m.warnings().forEach(w -> out.println("  " + w));
        }
        Map<String, String> supported = core.queryModel(m, device);
        List<String> missing = g.nodes().stream().filter(n -> !supported.containsKey(n.name()))
                .map(n -> n.name() + " (" + n.type() + ")").toList();
        if (!missing.isEmpty()) {
            out.println("Engine:  " + missing.size() + " layer(s) not supported on " + device + ": " + missing);
            return 2;
        }
        try (CompiledModel c = core.compileModel(m, device)) {
            CompileSummary s = c.summary();
            out.printf("Engine:  every layer runs on %s; compiled: %d steps per request, %d layers folded, "
                    + "%,d bytes of constants on the device, peak intermediates %s%n", c.device(), s.steps(),
                    s.folded(), s.constantBytes(), s.peakIntermediateBytes() < 0 ? "dynamic"
                            : String.format("%,d bytes", s.peakIntermediateBytes()));
        } catch (EngineException e) {
            out.println("Engine:  cannot compile for " + device + ": " + e.getMessage());
            return 2;
        }
        return 0;
    }
}
