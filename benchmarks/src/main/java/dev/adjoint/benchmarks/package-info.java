/**
 * JMH benchmarks of Adjoint's eager {@link dev.adjoint.Tensor} API on the CPU backend.
 *
 * <p>Each benchmark measures what a user's call costs, allocation of the result included, the same
 * way {@code scripts/bench/numpy_reference.py} measures the matching NumPy expression. The number
 * of kernel threads is fixed per JVM by the system property {@code adjoint.cpu.threads}, so
 * {@code scripts/bench/run.sh} runs the suite once per thread count with
 * {@code -jvmArgsAppend -Dadjoint.cpu.threads=N}; results and how to read them are in
 * {@code docs/benchmarks.md}.
 */
package dev.adjoint.benchmarks;
