#!/usr/bin/env bash
# A whole training run of the digits MLP (64-64-10, batch 64, Adam, 3000 steps) three ways, back to
# back on this machine: Adjoint on the JVM's default flags (no -Xms, no pre-touch; only the module
# flag the Vector API needs), NumPy by hand and PyTorch (Debian's python3-numpy / python3-torch).
# Each prints the percentiles of its step times and the wall time of its training loop, in ms.
#
#   scripts/bench/digits_mlp.sh [--steps N] [--rounds R]     (defaults: 3000 steps, 3 rounds)
#
# Set JAVA25 to a JDK 25 java, PYTHON to the Python with numpy and torch (default /usr/bin/python3).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
steps=3000
rounds=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --steps) steps=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "digits_mlp.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
java=${JAVA25:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -n 1)}
[[ -x "$java" ]] || { echo "digits_mlp.sh: no JDK 25 found; set JAVA25=/path/to/bin/java" >&2; exit 1; }
python=${PYTHON:-/usr/bin/python3}
mvn -q -B ${BENCH_MVN_ARGS:-} package -pl examples -am -DskipTests
cp_file=examples/target/digits-classpath.txt
mvn -q -B ${BENCH_MVN_ARGS:-} dependency:build-classpath -pl examples -Dmdep.outputFile=digits-classpath.txt \
  -Dmdep.includeScope=runtime
classpath="examples/target/classes:$(cat "$cp_file")"
echo "# $(lscpu | grep 'Model name' | sed 's/  */ /g'); $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $("$java" -version 2>&1 | head -n 1); $("$python" -c 'import numpy, torch; print("numpy", numpy.__version__, "torch", torch.__version__)')"
for round in $(seq 1 "$rounds"); do
  "$java" --add-modules=jdk.incubator.vector -cp "$classpath" dev.adjoint.examples.digits.DigitsMlpTiming \
    --steps "$steps" 2>/dev/null
  "$python" scripts/bench/digits_mlp.py numpy --steps "$steps"
  "$python" scripts/bench/digits_mlp.py torch --steps "$steps"
done | tee /dev/stderr | "$python" -c '
import sys, statistics
rows = {}
for line in sys.stdin:
    f = line.split()
    kv = dict(p.split("=") for p in f[1:])
    rows.setdefault(f[0], []).append(kv)
print()
print("| run | rounds | p50 ms | p90 ms | p99 ms | mean ms | mean / p50 | total ms (median of rounds) | final loss | accuracy |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for name, runs in rows.items():
    med = lambda k: statistics.median(float(r[k]) for r in runs)
    print(f"| {name} | {len(runs)} | {med(\"p50\"):.4f} | {med(\"p90\"):.4f} | {med(\"p99\"):.4f} | {med(\"mean\"):.4f} "
          f"| {med(\"mean\") / med(\"p50\"):.2f} | {med(\"total\"):.1f} | {runs[-1][\"last_loss\"]} | {runs[-1][\"accuracy\"]} |")
'
