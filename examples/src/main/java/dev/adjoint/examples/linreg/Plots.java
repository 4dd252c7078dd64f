package dev.adjoint.examples.linreg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The two PNGs of the example: the data with the fitted line, and the loss curve. */
final class Plots {

    private Plots() {
    }

    /** Writes {@code fit.png} and {@code loss.png} into {@code directory}; returns their paths. */
    static Path[] write(Path directory, Dataset data, Training.Result result, String lossName) throws IOException {
        // Rendering needs no display.
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(directory);

        XYChart fit = new XYChartBuilder().width(800).height(600).title("Linear regression (" + lossName + " loss)")
                .xAxisTitle("x").yAxisTitle("y").build();
        fit.addSeries("data", data.x(), data.y()).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        double minX = IntStream.range(0, data.size()).mapToDouble(i -> data.x()[i]).min().orElse(0);
        double maxX = IntStream.range(0, data.size()).mapToDouble(i -> data.x()[i]).max().orElse(1);
        fit.addSeries(String.format("y = %.3f x + %.3f", result.w(), result.b()), new double[] {minX, maxX},
                new double[] {result.w() * minX + result.b(), result.w() * maxX + result.b()})
                .setMarker(SeriesMarkers.NONE);
        Path fitPath = directory.resolve("fit.png");
        BitmapEncoder.saveBitmap(fit, fitPath.toString(), BitmapEncoder.BitmapFormat.PNG);

        XYChart loss = new XYChartBuilder().width(800).height(600).title("Mean loss per epoch")
                .xAxisTitle("epoch").yAxisTitle("mean " + lossName + " loss").build();
        double[] epochs = IntStream.range(0, result.meanLosses().length).asDoubleStream().toArray();
        loss.addSeries("loss", epochs, result.meanLosses()).setMarker(SeriesMarkers.NONE);
        Path lossPath = directory.resolve("loss.png");
        BitmapEncoder.saveBitmap(loss, lossPath.toString(), BitmapEncoder.BitmapFormat.PNG);
        return new Path[] {fitPath, lossPath};
    }
}
