#!/usr/bin/env bash
# Builds the JMH benchmarks jar, times Adjoint and NumPy on 1 and 2 threads in this machine session,
# and writes docs/benchmarks.md. A full run takes 12-17 minutes on a 2-core machine.
#
#   scripts/bench/run.sh            full run; rewrites docs/benchmarks.md
#   scripts/bench/run.sh --quick    short smoke run; writes benchmarks/target/bench-results/benchmarks.md
#
# Environment: BENCH_MVN_ARGS adds Maven options (e.g. -o); JAVA25 names a JDK 25+ java binary;
# BENCH_THREADS overrides the thread counts (default "1 2").
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

quick=false
if [[ "${1:-}" == "--quick" ]]; then
  quick=true
elif [[ $# -gt 0 ]]; then
  echo "usage: $0 [--quick]" >&2
  exit 2
fi

find_java25() {
  local candidate
  for candidate in "${JAVA25:-}" "${JAVA_HOME:+$JAVA_HOME/bin/java}" /usr/lib/jvm/*25*/bin/java "$(command -v java || true)"; do
    [[ -n "$candidate" && -x "$candidate" ]] || continue
    local major
    major=$("$candidate" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [[ "${major:-0}" -ge 25 ]]; then
      echo "$candidate"
      return
    fi
  done
  echo "run.sh: no JDK 25+ found; set JAVA25=/path/to/jdk-25/bin/java" >&2
  exit 1
}
java=$(find_java25)
python=${PYTHON:-python3}
results="$root/benchmarks/target/bench-results"
rm -rf "$results"
mkdir -p "$results"

# shellcheck disable=SC2086 # BENCH_MVN_ARGS is a list of options
mvn -q -B ${BENCH_MVN_ARGS:-} package -pl benchmarks -am -DskipTests -Pbenchmarks-jar
jar="$root/benchmarks/target/benchmarks.jar"

jmh_options=()
numpy_options=()
if $quick; then
  jmh_options=(-f 1 -wi 1 -i 1 -w 200ms -r 200ms)
  numpy_options=(--quick)
fi

# Each group of benchmarks runs in JMH and then at once in NumPy, per thread count, so the two
# sides of every ratio are timed minutes apart at most, under the same load on the machine.
groups=(
  "MatmulBenchmark:^matmul/"
  "ElementwiseBenchmark:^(elementwiseChain|fusedChain|sum)/"
  "TranscendentalBenchmark:^(exp|tanh|sigmoid)/"
  "SoftmaxBenchmark:^softmax/"
  "Conv2dBenchmark:^conv2d"
  "TinyOpBenchmark:^tinyAdd"
)
load_log="$results/loadavg.txt"
# Other processes on the cores slow both sides unevenly (OpenBLAS's threads spin-wait); say so.
if awk '{ exit !($1 > 0.5) }' /proc/loadavg; then
  echo "run.sh: warning: load average is $(cut -d' ' -f1-3 /proc/loadavg); the numbers will be noisy" >&2
fi
for group in "${groups[@]}"; do
  jmh_class=${group%%:*}
  numpy_keys=${group#*:}
  for threads in ${BENCH_THREADS:-1 2}; do
    cut -d' ' -f1 /proc/loadavg >> "$load_log"
    echo "== $jmh_class, Adjoint (JMH), adjoint.cpu.threads=$threads"
    "$java" -jar "$jar" "${jmh_options[@]}" -jvmArgsAppend "-Dadjoint.cpu.threads=$threads" \
      -rf json -rff "$results/jmh-$jmh_class-$threads.json" -o "$results/jmh-$jmh_class-$threads.log" \
      "\.$jmh_class\."
    grep -E "^[A-Za-z0-9]+Benchmark\." "$results/jmh-$jmh_class-$threads.log" || true
    echo "== $jmh_class, numpy, OPENBLAS_NUM_THREADS=$threads"
    # OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE pin this machine's OpenBLAS to safe but slower kernels for
    # other tools; unset here only, so NumPy picks its kernels for this CPU itself.
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$threads" OMP_NUM_THREADS="$threads" \
      "$python" scripts/bench/numpy_reference.py "${numpy_options[@]}" --only "$numpy_keys" \
      --json "$results/numpy-$jmh_class-$threads.json"
  done
done
cut -d' ' -f1 /proc/loadavg >> "$load_log"

report="$root/docs/benchmarks.md"
$quick && report="$results/benchmarks.md"
mkdir -p "$(dirname "$report")"
"$python" scripts/bench/report.py --results "$results" --command "scripts/bench/run.sh $*" \
  --date "$(date -u '+%Y-%m-%d %H:%M UTC')" --previous "$root/docs/benchmarks.md" \
  --load-log "$load_log" > "$results/benchmarks.md.new"
mv "$results/benchmarks.md.new" "$report"
echo "wrote $report"
