/** JMH benchmarks of generated gradients against their forward pass. */
package dev.adjoint.benchmarks.ad;
