#!/usr/bin/env bash
# Times the OpenVINO inference engine against the same ops called eagerly (EngineBenchmark): the per-op overhead
# of a 100-op chain, and a ResNet-18-shaped network at batch 1, each at 1 and 2 kernel threads. Prints a markdown
# table for docs/benchmarks.md and the load average around the run.
#
#   scripts/bench/engine.sh          full run (about 3 minutes)
#   scripts/bench/engine.sh --quick  smoke run
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
java=${JAVA25:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -n 1)}
[[ -x "$java" ]] || { echo "engine.sh: no JDK 25 found; set JAVA25=/path/to/bin/java" >&2; exit 1; }
options=(-f 1 -wi 6 -i 5 -w 1s -r 1s)
[[ "${1:-}" == "--quick" ]] && options=(-f 1 -wi 1 -i 1 -w 500ms -r 500ms)
mvn -q -B ${BENCH_MVN_ARGS:-} package -pl benchmarks -am -DskipTests -Pbenchmarks-jar
out="$root/benchmarks/target/bench-results"
mkdir -p "$out"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for threads in 1 2; do
  "$java" -jar benchmarks/target/benchmarks.jar "${options[@]}" -jvmArgsAppend "-Dadjoint.cpu.threads=$threads" \
    -rf json -rff "$out/engine-$threads.json" -o "$out/engine-$threads.log" 'engine\.EngineBenchmark'
  echo "load after $threads thread(s): $(cut -d' ' -f1-3 /proc/loadavg)"
done
python3 - "$out/engine-1.json" "$out/engine-2.json" <<'PY'
import json, sys
def load(path):
    return {e["benchmark"].rsplit(".", 1)[1]: e["primaryMetric"] for e in json.load(open(path))}
runs = {1: load(sys.argv[1]), 2: load(sys.argv[2])}
def fmt(m):
    err = m.get("scoreError")
    spread = f" ± {100 * err / m['score']:.0f}%" if isinstance(err, (int, float)) and err == err else ""
    return f"{m['score']:.3g} {m['scoreUnit']}{spread}"
print("| what | threads | engine | eager | engine / eager | note |")
print("|---|---:|---:|---:|---:|---|")
for t, s in runs.items():
    e, g = s["chainEngine"], s["chainEager"]
    per_op = (e["score"] - g["score"]) / 100 * 1000
    print(f"| 100-op chain, 1×64 | {t} | {fmt(e)} | {fmt(g)} | {e['score'] / g['score']:.2f}× "
          f"| engine overhead {per_op:.0f} ns per op |")
for t, s in runs.items():
    e, g = s["resnetEngine"], s["resnetEager"]
    print(f"| ResNet-18 shape (half width), 1×3×224×224 | {t} | {fmt(e)} | {fmt(g)} | {e['score'] / g['score']:.2f}× "
          f"| {1000 / e['score']:.1f} FPS |")
PY
