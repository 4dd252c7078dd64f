package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Starts a JVM without {@code --add-modules jdk.incubator.vector}: the library must still compute
 * (on its scalar kernels) and say once why it is slower.
 */
class WithoutVectorModuleTest {

    /** Run in the child JVM: a few ops whose results the parent checks. */
    public static void main(String[] args) {
        Tensor a = Tensor.of(new float[][] {{1, 2}, {3, 4}});
        System.out.println("RESULT " + a.matmul(a).add(1).exp().log().sum().item());
        System.out.println("RESULT " + a.tanh().softmax(1).sum().item());
        System.out.println("RESULT " + Tensor.matmulBias(a, false, a, false, Tensor.of(new float[] {1, 1}), 0,
                Double.POSITIVE_INFINITY).sum().item());
        // Each row of a, normalized: [-1, 1] (variance 1 with eps 0), then times 2 and plus 1.
        System.out.println("RESULT " + a.layerNorm(1, 0, Tensor.of(new float[] {2, 2}), Tensor.of(new float[] {1, 1}))
                .mul(Tensor.of(new float[] {1, 10})).sum().item());
    }

    @Test
    void scalarKernelsRunAndTheMissingModuleIsReportedOnce() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                WithoutVectorModuleTest.class.getName()))
                .redirectErrorStream(true)
                .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM timed out");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        List<String> results = out.lines().filter(l -> l.startsWith("RESULT ")).toList();
        // (a @ a) = [[7, 10], [15, 22]]: log(exp(v + 1)) summed is 54 + 4.
        assertEquals(58.0, Double.parseDouble(results.get(0).substring(7)), 1e-3);
        assertEquals(2.0, Double.parseDouble(results.get(1).substring(7)), 1e-5);
        // A dense layer's fused bias and ReLU: (a @ a) + 1 summed.
        assertEquals(58.0, Double.parseDouble(results.get(2).substring(7)), 1e-6);
        // Rows [-1, 3] weighted by [1, 10]: (-1 + 30) twice.
        assertEquals(58.0, Double.parseDouble(results.get(3).substring(7)), 1e-6);
        long notices = out.lines().filter(l -> l.contains("jdk.incubator.vector is not available")).count();
        assertEquals(1, notices, out);
    }
}
