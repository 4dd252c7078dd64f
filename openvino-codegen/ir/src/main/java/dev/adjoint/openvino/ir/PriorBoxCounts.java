package dev.adjoint.openvino.ir;

/** How many boxes a PriorBox layer makes at each grid point, from its attributes ({@code number_of_priors}). */
public final class PriorBoxCounts {
    private PriorBoxCounts() {
    }

    public static long count(Attributes priorBox) {
        return ModelZooOps.priorBoxCount(priorBox);
    }
}
