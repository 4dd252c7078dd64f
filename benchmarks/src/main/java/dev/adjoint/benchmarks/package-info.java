/**
 * JMH benchmarks of Adjoint's eager {@link dev.adjoint.Tensor} API on the CPU backend.
 *
 * <p>Each benchmark measures what a user's call costs, allocation of the result included, the same
 * way {@code scripts/bench/numpy_reference.py} measures the matching NumPy expression. The number
 * of kernel threads is fixed per JVM by the system property {@code adjoint.cpu.threads}, so
 * {@code scripts/bench/run.sh} runs the suite once per thread count with
 * {@code -jvmArgsAppend -Dadjoint.cpu.threads=N}; results and how to read them are in
 * {@code docs/benchmarks.md}.
 *
 * <p>The forks of the benchmarks {@code run.sh} compares with NumPy touch their whole heap at start-up
 * ({@code -XX:+AlwaysPreTouch}, on transparent huge pages so that this takes 2 s rather than 10 s). Each call
 * allocates a fresh result, and until the young generation has been used once every new 4 KiB page of it costs a
 * page fault: about 13 µs each in the VMs these were measured on, so a 4 MiB result cost 12 ms where the kernel
 * takes 0.75 ms, for the first 5-30 s of a fork. A program that has run for a while has touched its heap, and
 * NumPy's allocator reuses the memory it freed, so the untouched heap measured the VM rather than the call.
 */
package dev.adjoint.benchmarks;
