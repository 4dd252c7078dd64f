/**
 * JMH benchmarks of the OpenVINO inference engine against the same computation as eager Tensor calls:
 * {@link dev.adjoint.benchmarks.engine.EngineBenchmark}; {@code scripts/bench/engine.sh} runs them.
 */
package dev.adjoint.benchmarks.engine;
