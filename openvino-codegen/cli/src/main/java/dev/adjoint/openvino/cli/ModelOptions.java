package dev.adjoint.openvino.cli;

import dev.adjoint.openvino.engine.Core;
import dev.adjoint.openvino.engine.Model;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The model every command takes: an IR {@code .xml} and its weights. */
final class ModelOptions {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The IR model.xml (its .bin beside it unless --bin).")
    Path xml;

    @Option(names = "--bin", paramLabel = "FILE", description = "The weights, if not the .bin beside the .xml.")
    Path bin;

    Model read(Core core) throws IOException {
        return core.readModel(xml, bin);
    }
}
