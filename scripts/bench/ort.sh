#!/usr/bin/env bash
# Inference latency against ONNX Runtime, side by side in one run (OrtComparisonBenchmark): the ResNet-18- and
# MobileNet-v2-shaped classifiers and the MLP of make_onnx_models.py, batch 1 and 8, 1 and 2 threads; our engine on
# the converted, optimized IR against ONNX Runtime on the original ONNX. Prints a markdown table for
# docs/benchmarks.md and the load average around the run.
#
#   scripts/bench/ort.sh          full run (about 16 minutes)
#   scripts/bench/ort.sh --quick  smoke run
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
java=${JAVA25:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -n 1)}
[[ -x "$java" ]] || { echo "ort.sh: no JDK 25 found; set JAVA25=/path/to/bin/java" >&2; exit 1; }
python=$(command -v python3)
"$python" -c 'import onnx' 2>/dev/null || python=/usr/bin/python3
"$python" -c 'import onnx' || { echo "ort.sh: needs python3 with onnx (Debian: python3-onnx)" >&2; exit 1; }
# 10 warm-up iterations: the first inference alone takes 0.7-4 s (interpreted Vector API code), so the first
# 2-s iteration is one call, and the networks were still getting faster over the next ~10 s (C2 compiling the
# engine glue); with 5, the first measured iteration of ResNet-18 was 60 % slower than the rest (the ± of the table).
options=(-f 1 -wi 10 -i 5 -w 2s -r 2s)
[[ "${1:-}" == "--quick" ]] && options=(-f 1 -wi 1 -i 1 -w 1s -r 1s)
models="$root/benchmarks/target/onnx-models"
mkdir -p "$models"
"$python" scripts/bench/make_onnx_models.py "$models"
mvn -q -B ${BENCH_MVN_ARGS:-} package -pl benchmarks -am -DskipTests -Pbenchmarks-jar
out="$root/benchmarks/target/bench-results"
mkdir -p "$out"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for threads in 1 2; do
  "$java" -jar benchmarks/target/benchmarks.jar "${options[@]}" \
    -jvmArgsAppend "-Dadjoint.cpu.threads=$threads -Dadjoint.bench.onnxDir=$models" \
    -rf json -rff "$out/ort-$threads.json" -o "$out/ort-$threads.log" 'engine\.OrtComparisonBenchmark'
  echo "load after $threads thread(s): $(cut -d' ' -f1-3 /proc/loadavg)"
done
python3 - "$out/ort-1.json" "$out/ort-2.json" <<'PY'
import json, sys
rows = {}
for threads, path in ((1, sys.argv[1]), (2, sys.argv[2])):
    for e in json.load(open(path)):
        p = e["params"]
        rows.setdefault((p["model"], int(p["batch"]), threads), {})[p["runtime"]] = e["primaryMetric"]
print("| network | batch | threads | Adjoint engine | ONNX Runtime | ORT time / ours |")
print("|---|---:|---:|---:|---:|---:|")
for (model, batch, threads), r in sorted(rows.items()):
    a, o = r.get("adjoint"), r.get("ort")
    if not a or not o:
        continue
    # One measured iteration (--quick) gives no error bound: JMH writes the string "NaN".
    fmt = lambda m: f"{m['score']:.3g} ms ± {100 * m['scoreError'] / m['score']:.0f}%" if isinstance(m["scoreError"], (int, float)) and m["scoreError"] == m["scoreError"] else f"{m['score']:.3g} ms"
    print(f"| {model} | {batch} | {threads} | {fmt(a)} | {fmt(o)} | {o['score'] / a['score']:.2f}× |")
PY
