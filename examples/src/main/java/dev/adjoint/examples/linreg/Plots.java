package dev.adjoint.examples.linreg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        Path fitPath = directory.resolve("fit.png");
        BitmapEncoder.saveBitmap(fitChart(data, result, lossName), fitPath.toString(), BitmapEncoder.BitmapFormat.PNG);
        Path lossPath = directory.resolve("loss.png");
        BitmapEncoder.saveBitmap(lossChart(result, lossName), lossPath.toString(), BitmapEncoder.BitmapFormat.PNG);
        return new Path[] {fitPath, lossPath};
    }

    private static XYChart fitChart(Dataset data, Training.Result result, String lossName) {
        XYChart chart = new XYChartBuilder().width(800).height(600)
                .title("Linear regression, " + lossName + " loss").xAxisTitle(data.xName()).yAxisTitle(data.yName())
                .build();
        chart.addSeries("data", data.x(), data.y()).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        float minX = Float.POSITIVE_INFINITY;
        float maxX = Float.NEGATIVE_INFINITY;
        for (float x : data.x()) {
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
        }
        chart.addSeries("y = " + result.w() + " x + " + result.b(), new float[] {minX, maxX},
                        new float[] {result.w() * minX + result.b(), result.w() * maxX + result.b()})
                .setMarker(SeriesMarkers.NONE);
        return chart;
    }

    private static XYChart lossChart(Training.Result result, String lossName) {
        XYChart chart = new XYChartBuilder().width(800).height(600).title("Mean " + lossName + " loss per epoch")
                .xAxisTitle("epoch").yAxisTitle("mean " + lossName + " loss").build();
        int epochs = result.meanLosses().length;
        float[] epochNumbers = new float[epochs];
        for (int epoch = 0; epoch < epochs; epoch++) {
            epochNumbers[epoch] = epoch;
        }
        chart.addSeries("loss", epochNumbers, result.meanLosses()).setMarker(epochs == 1 ? SeriesMarkers.CIRCLE
                : SeriesMarkers.NONE);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setYAxisDecimalPattern("#,##0.###");
        // XChart puts ticks on every k-th epoch for the smallest k whose labels are distinct and fit; labelling
        // only multiples of a round step (1, 2, 5, 10, 20, ...) makes that k the step: 0, 10, 20, ... for 100 epochs.
        long step = tickStep(epochs);
        chart.setCustomXAxisTickLabelsFormatter(tick -> tick == Math.rint(tick) && Math.round(tick) % step == 0
                ? Long.toString(Math.round(tick)) : "");
        return chart;
    }

    /** The smallest of 1, 2, 5, 10, 20, 50, ... that cuts {@code epochs} into at most ten intervals. */
    static long tickStep(int epochs) {
        for (long magnitude = 1; ; magnitude *= 10) {
            for (long multiple : new long[] {1, 2, 5}) {
                if (epochs <= 10 * multiple * magnitude) {
                    return multiple * magnitude;
                }
            }
        }
    }
}
