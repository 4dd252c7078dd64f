#!/usr/bin/env bash
# Times the CPU kernels against same-run references: matmul 256^3 and 1024^3 (JMH MatmulBenchmark) against
# NumPy/OpenBLAS, and ResNet-18 / MobileNet-v2 convolution layers at batch 1 (JMH ConvLayerBenchmark) against
# PyTorch's CPU conv2d, each at 1 and 2 threads. Each JMH group is followed at once by its reference with the
# same thread count, so both sides of a ratio see the same load. Prints a markdown table (kernels_table.py).
#
#   scripts/bench/kernels.sh [--jar PATH] [--out DIR] [--quick]
#
# --jar times an already built benchmarks jar (e.g. one built from main's kernels, for a "before" row);
# without it the jar is built from this checkout. Environment: JAVA25, BENCH_MVN_ARGS as in run.sh;
# TORCH_PYTHON names a python with torch 1.13 (default /usr/bin/python3, Debian's python3-torch).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
jar="" out="$root/benchmarks/target/kernel-results" quick=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jar) jar=$(realpath "$2"); shift 2 ;;
    --out) out=$2; shift 2 ;;
    --quick) quick=true; shift ;;
    *) echo "usage: $0 [--jar PATH] [--out DIR] [--quick]" >&2; exit 2 ;;
  esac
done
java=${JAVA25:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -n 1)}
[[ -x "$java" ]] || { echo "kernels.sh: no JDK 25 found; set JAVA25=/path/to/bin/java" >&2; exit 1; }
torch_python=${TORCH_PYTHON:-/usr/bin/python3}
if [[ -z "$jar" ]]; then
  # shellcheck disable=SC2086 # BENCH_MVN_ARGS is a list of options
  mvn -q -B ${BENCH_MVN_ARGS:-} package -pl benchmarks -am -DskipTests -Pbenchmarks-jar
  jar="$root/benchmarks/target/benchmarks.jar"
fi
mkdir -p "$out"
jmh=(-f 1 -wi 4 -i 5 -w 1s -r 1s)
repeats=7
if $quick; then jmh=(-f 1 -wi 1 -i 1 -w 300ms -r 300ms); repeats=2; fi
load() { cut -d' ' -f1 /proc/loadavg >> "$out/loadavg.txt"; }
# JMH allows one run per machine (/tmp/jmh.lock) and fails at once if another holds it: wait for it instead.
wait_for_jmh() {
  while pgrep -f 'org.openjdk.jmh.runner.ForkedMain' > /dev/null; do
    echo "kernels.sh: another JMH run is in progress; waiting" >&2
    sleep 10
  done
}
: > "$out/loadavg.txt"
for threads in 1 2; do
  load
  wait_for_jmh
  "$java" -jar "$jar" "${jmh[@]}" -p size=256,1024 -jvmArgsAppend "-Dadjoint.cpu.threads=$threads" \
    -rf json -rff "$out/jmh-matmul-$threads.json" -o "$out/jmh-matmul-$threads.log" '\.MatmulBenchmark\.'
  load
  # OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset here only, as in run.sh: OpenBLAS picks its kernels itself.
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$threads" OMP_NUM_THREADS="$threads" \
    python3 scripts/bench/numpy_reference.py --only '^matmul/(256|1024)$' --json "$out/numpy-$threads.json" \
    $($quick && echo --quick)
  load
  wait_for_jmh
  "$java" -jar "$jar" "${jmh[@]}" -jvmArgsAppend "-Dadjoint.cpu.threads=$threads" \
    -rf json -rff "$out/jmh-conv-$threads.json" -o "$out/jmh-conv-$threads.log" '\.ConvLayerBenchmark\.'
  load
  OMP_NUM_THREADS="$threads" "$torch_python" scripts/bench/torch_conv_reference.py --threads "$threads" \
    --repeats "$repeats" --json "$out/torch-$threads.json"
done
load
python3 scripts/bench/kernels_table.py "$out"
