package dev.adjoint.openvino.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code adjoint-ov}: the validation and application steps of the OpenVINO deployment flow on Adjoint's engine.
 * {@code convert} turns a model into optimized IR (as {@code ovc}), {@code inspect} describes an IR, {@code infer} runs it on {@code .npy} files or images, {@code benchmark} measures
 * it as OpenVINO's {@code benchmark_app} does.
 */
@Command(name = "adjoint-ov", mixinStandardHelpOptions = true, version = "adjoint-ov 0.1.0-SNAPSHOT",
        description = "Convert models to optimized IR; inspect, run and benchmark OpenVINO IR (model.xml + model.bin) on Adjoint's inference engine.",
        subcommands = {ConvertCommand.class, InspectCommand.class, InferCommand.class, BenchmarkCommand.class,
            CommandLine.HelpCommand.class})
public final class AdjointOv {

    /** The command line with error handling: user errors print one line, not a stack trace. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new AdjointOv());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println(line.getColorScheme().errorText("error: " + message(e)));
            if (System.getenv("ADJOINT_OV_DEBUG") != null) {
                e.printStackTrace(line.getErr());
            }
            return 1;
        });
        return cl;
    }

    static String message(Throwable e) {
        if (e instanceof java.nio.file.NoSuchFileException f) {
            return "no such file: " + f.getFile();
        }
        String m = e.getMessage();
        return m == null ? e.toString() : m;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
