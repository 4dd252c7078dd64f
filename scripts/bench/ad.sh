#!/usr/bin/env bash
# Times generated gradients against their forward pass (issue 3's cost target: gradient <= 3x
# forward) with JMH, and prints a markdown table for docs/benchmarks.md.
#
#   scripts/bench/ad.sh          full run (about 3 minutes)
#   scripts/bench/ad.sh --quick  smoke run
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
java=${JAVA25:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -n 1)}
[[ -x "$java" ]] || { echo "ad.sh: no JDK 25 found; set JAVA25=/path/to/bin/java" >&2; exit 1; }
options=(-f 1 -wi 5 -i 5 -w 1s -r 1s)
[[ "${1:-}" == "--quick" ]] && options=(-f 1 -wi 1 -i 1 -w 200ms -r 200ms)
mvn -q -B ${BENCH_MVN_ARGS:-} package -pl benchmarks -am -DskipTests -Pbenchmarks-jar
out="$root/benchmarks/target/bench-results"
mkdir -p "$out"
"$java" -jar benchmarks/target/benchmarks.jar "${options[@]}" -rf json -rff "$out/ad.json" \
  -o "$out/ad.log" 'ad\.GradientBenchmark'
python3 - "$out/ad.json" <<'PY'
import json, sys
scores = {e["benchmark"].rsplit(".", 1)[1]: e["primaryMetric"] for e in json.load(open(sys.argv[1]))}
def row(name, forward, gradient):
    f, g = scores[forward], scores[gradient]
    print(f"| {name} | {f['score']:.3g} {f['scoreUnit']} | {g['score']:.3g} {g['scoreUnit']} "
          f"| {g['score'] / f['score']:.2f}× | ≤ 3× | {'yes' if g['score'] / f['score'] <= 3 else '**no**'} |")
print("| function | forward | value and gradients | ratio | target | met? |")
print("|---|---:|---:|---:|---|---|")
for name, fwd, grad in [
        ("Huber loss, one epoch, explicit parameters", "huberForward", "huberValueAndGradients"),
        ("Huber loss, one epoch, implicit (Variables)", "huberForward", "huberImplicitValueAndGradients"),
        ("2-layer MLP, batch 64×784, hidden 128, 10 classes", "mlpForward", "mlpValueAndGradients"),
        ("20-deep chain of nested helpers", "chainForward", "chainValueAndGradients")]:
    if fwd in scores and grad in scores:
        row(name, fwd, grad)
PY
