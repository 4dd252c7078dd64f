package dev.adjoint.examples.autodiff.zoobase;

import dev.adjoint.Variable;

/** A layer base class in another package, as a library would ship it: its state is protected. */
public abstract class ZooBaseLayer {

    protected final Variable gain;
    protected double shift = 0.25;

    protected ZooBaseLayer(double gain) {
        this.gain = new Variable(gain, "gain");
    }
}
