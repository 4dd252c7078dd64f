#!/usr/bin/env python3
"""Writes docs/benchmarks.md from JMH's JSON results and numpy_reference.py's JSON results.

Input: the results folder run.sh fills: JMH's JSON files (jmh-*.json), numpy_reference.py's
(numpy-*.json) and the 1-minute load averages sampled between runs (loadavg.txt). Output: markdown on stdout. The hand-written analysis of an existing report,
from the BEGIN hand-written marker to the end of the file, is carried over, so a rerun refreshes the numbers
without losing it.
"""

import argparse
import glob
import json
import math
import os
import re
import subprocess
import sys

HAND_WRITTEN_BEGIN = "<!-- BEGIN hand-written: kept by report.py across runs -->"
HAND_WRITTEN_END = "<!-- END hand-written -->"

# Target kinds, from issue 2: matmul >= 0.8x numpy at 1024^3 on 2 threads; plain elementwise and
# reductions >= 1.0x; transcendental elementwise >= 2x; one tiny op < 1 us absolute.
MATMUL, PLAIN, TRANSCENDENTAL, TINY, NONE = "matmul", "plain", "transcendental", "tiny", "none"

# (key, operation, size, target kind, floating-point operations per call or None). The key is
# "<JMH method>/<JMH param value>", the same key numpy_reference.py writes.
ROWS = [
    ("matmul/256", "matmul", "256³", NONE, 2 * 256 ** 3),
    ("matmul/512", "matmul", "512³", NONE, 2 * 512 ** 3),
    ("matmul/1024", "matmul", "1024³", MATMUL, 2 * 1024 ** 3),
    ("matmul/2048", "matmul", "2048³", NONE, 2 * 2048 ** 3),
    ("elementwiseChain/1048576", "relu(x*a+b), op by op", "1M", PLAIN, None),
    ("elementwiseChain/16777216", "relu(x*a+b), op by op", "16M", PLAIN, None),
    ("fusedChain/1048576", "relu(x*a+b), fused with chain()", "1M", PLAIN, None),
    ("fusedChain/16777216", "relu(x*a+b), fused with chain()", "16M", PLAIN, None),
    ("sum/1048576", "sum", "1M", PLAIN, None),
    ("sum/16777216", "sum", "16M", PLAIN, None),
    ("softmax/4096x1024", "softmax over rows", "4096×1024", PLAIN, None),
    ("exp/1048576", "exp", "1M", TRANSCENDENTAL, None),
    ("tanh/1048576", "tanh", "1M", TRANSCENDENTAL, None),
    ("sigmoid/1048576", "sigmoid", "1M", TRANSCENDENTAL, None),
    ("conv2d", "conv2d 3×3 s1 p1", "32×1×28×28 → 32 ch", NONE, 2 * 32 * 32 * 28 * 28 * 9),
    ("tinyAdd", "x.add(y), one element", "(1,)", TINY, None),
]

UNIT_SECONDS = {"ns/op": 1e-9, "us/op": 1e-6, "ms/op": 1e-3, "s/op": 1.0}


def jmh_key(entry):
    method = entry["benchmark"].rsplit(".", 1)[1]
    params = entry.get("params") or {}
    return "/".join([method, *params.values()])


def jmh_threads(entry):
    for arg in entry.get("jvmArgs", []):
        m = re.fullmatch(r"-Dadjoint\.cpu\.threads=(\d+)", arg)
        if m:
            return int(m.group(1))
    return os.cpu_count()


def load(results_dir):
    """{(key, threads): record} for Adjoint and for numpy, and the raw headers for machine facts."""
    adjoint, numpy, jmh_runs, numpy_runs = {}, {}, [], []
    for path in sorted(glob.glob(os.path.join(results_dir, "jmh-*.json"))):
        with open(path) as f:
            entries = json.load(f)
        jmh_runs.extend(entries)
        for e in entries:
            metric = e["primaryMetric"]
            scale = UNIT_SECONDS[metric["scoreUnit"]]
            error = float(metric["scoreError"])  # JMH writes the string "NaN" when there is no interval
            adjoint[(jmh_key(e), jmh_threads(e))] = {
                "seconds": float(metric["score"]) * scale,
                "error": None if math.isnan(error) else error * scale,
            }
    for path in sorted(glob.glob(os.path.join(results_dir, "numpy-*.json"))):
        with open(path) as f:
            run = json.load(f)
        numpy_runs.append(run)
        for r in run["results"]:
            # Where NumPy offers two spellings (sigmoid), the faster one is the reference.
            slot = (r["key"], r["threads"])
            if slot not in numpy or r["seconds"] < numpy[slot]["seconds"]:
                numpy[slot] = r
    if not jmh_runs:
        sys.exit(f"report.py: no jmh-*.json in {results_dir}")
    return adjoint, numpy, jmh_runs, numpy_runs


def fmt_time(seconds):
    if seconds is None:
        return "—"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def target_and_verdict(kind, threads, adjoint_s, ratio):
    """The target cell and whether it is met; rows without a target get empty verdicts."""
    if kind == MATMUL and threads == 2:
        return "≥ 0.8×", verdict(ratio, 0.8)
    if kind == PLAIN:
        return "≥ 1.0×", verdict(ratio, 1.0)
    if kind == TRANSCENDENTAL:
        return "≥ 2×", verdict(ratio, 2.0)
    if kind == TINY:
        return "< 1 µs", "not measured" if adjoint_s is None else "yes" if adjoint_s < 1e-6 else "**no**"
    return "—", ""


def verdict(ratio, at_least):
    if ratio is None:
        return "not measured"
    return "yes" if ratio >= at_least else "**no**"


def table(adjoint, numpy):
    thread_counts = sorted({t for _, t in adjoint} | {t for _, t in numpy})
    lines = ["| operation | size | threads | Adjoint | numpy | ratio | target | met? | notes |",
             "|---|---|---:|---:|---:|---:|---|---|---|"]
    for key, op, size, kind, flops in ROWS:
        for t in thread_counts:
            a, n = adjoint.get((key, t)), numpy.get((key, t))
            if a is None and n is None:
                continue
            a_s = a["seconds"] if a else None
            n_s = n["seconds"] if n else None
            ratio = n_s / a_s if a_s and n_s else None
            target, met = target_and_verdict(kind, t, a_s, ratio)
            adjoint_cell = fmt_time(a_s)
            if a and a["error"] is not None:
                adjoint_cell += f" ± {100 * a['error'] / a_s:.0f}%"
            notes = []
            if flops:
                gflops = [f"{flops / s / 1e9:.0f}" if s else "—" for s in (a_s, n_s)]
                notes.append(f"GFLOP/s {gflops[0]} vs {gflops[1]}")
            if n and key.startswith("sigmoid"):
                notes.append(f"numpy: `{n['expression']}`")
            ratio_cell = f"{ratio:.2f}×" if ratio else "—"
            lines.append(f"| {op} | {size} | {t} | {adjoint_cell} | {fmt_time(n_s)} | {ratio_cell} | {target} "
                         f"| {met} | {'; '.join(notes)} |")
    return "\n".join(lines)


def command_output(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return ""


def read_loads(path):
    if not path or not os.path.exists(path):
        return []
    with open(path) as f:
        return [float(line) for line in f if line.strip()]


def machine_facts(jmh_runs, numpy_runs, loads):
    lscpu = dict(line.split(":", 1) for line in command_output("lscpu").splitlines() if ":" in line)
    lscpu = {k.strip(): v.strip() for k, v in lscpu.items()}
    flags = lscpu.get("Flags", "").split()
    simd = "AVX-512" if "avx512f" in flags else "AVX2 + FMA" if "avx2" in flags else "no AVX2"
    first = jmh_runs[0]
    facts = [
        f"- CPU: {lscpu.get('Model name', '?')} ({lscpu.get('Vendor ID', '?')}, family {lscpu.get('CPU family', '?')}"
        f" model {lscpu.get('Model', '?')}), {lscpu.get('CPU(s)', '?')} logical CPUs, "
        f"{lscpu.get('Thread(s) per core', '?')} thread(s) per core, widest SIMD: {simd}; "
        f"L2 {lscpu.get('L2 cache', '?')}, L3 {lscpu.get('L3 cache', '?')}"
        + (f", hypervisor {lscpu['Hypervisor vendor']}" if "Hypervisor vendor" in lscpu else ""),
        f"- JDK: {first.get('vmName')} {first.get('vmVersion')} (JDK {first.get('jdkVersion')}); "
        f"fork JVM options: `{' '.join(first.get('jvmArgs', []))}` (threads varied per run)",
        f"- JMH {first.get('jmhVersion')}: mode {first.get('mode')}, {first.get('forks')} forks × "
        f"({first.get('warmupIterations')} warmup + {first.get('measurementIterations')} measured iterations of "
        f"{first.get('measurementTime')}); Adjoint = mean, ± = JMH's 99.9% confidence half-width",
    ]
    if numpy_runs:
        n = numpy_runs[0]
        blas = "; ".join(", ".join(f"{k}={v}" for k, v in lib.items()) for lib in n.get("blas", []))
        simd_np = ", ".join(f"{k}={v}" for k, v in n.get("simd", {}).items())
        env = ", ".join(f"{k}={v if v is not None else '(unset)'}" for k, v in n.get("env", {}).items())
        facts += [
            f"- numpy {n['numpy']} on Python {n['python']}; BLAS: {blas}; {env}; NumPy's own SIMD: {simd_np}",
            f"- numpy = median of {n['results'][0]['batches'] if n['results'] else '?'} batch means "
            "(timeit autorange, ≥ 0.2 s per batch); BLAS threads set per process with OPENBLAS_NUM_THREADS",
        ]
    if loads:
        facts.append(f"- 1-minute load average sampled {len(loads)} times during the run: min {min(loads):.2f}, "
                     f"median {sorted(loads)[len(loads) // 2]:.2f}, max {max(loads):.2f} on {os.cpu_count()} cores. "
                     "The benchmark itself adds up to 1 per thread it runs; beyond that, other processes were "
                     "competing for the cores, and every figure, Adjoint's and NumPy's, is slower and noisier "
                     "than on an idle machine")
    return "\n".join(facts)


def hand_written(previous_path):
    if previous_path and os.path.exists(previous_path):
        with open(previous_path) as f:
            text = f.read()
        # Everything from the marker to the end of the file is hand-written: sections appended after the END
        # marker (every stop's section from 14 on) were dropped by a run that kept only what lay between them.
        start = text.find(HAND_WRITTEN_BEGIN)
        if start >= 0:
            return text[start:].rstrip("\n")
    return (f"{HAND_WRITTEN_BEGIN}\n## Where we fall short, and why\n\n"
            f"(not written yet: write the analysis of these numbers here)\n{HAND_WRITTEN_END}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True, help="folder with jmh-*.json and numpy-*.json")
    parser.add_argument("--command", required=True, help="the command that produced the results")
    parser.add_argument("--date", required=True)
    parser.add_argument("--previous", help="an earlier report whose hand-written section is kept")
    parser.add_argument("--load-log", help="1-minute load averages sampled during the run, one a line")
    args = parser.parse_args()

    adjoint, numpy, jmh_runs, numpy_runs = load(args.results)
    expressions = {}  # JMH method -> the NumPy expressions timed for it, in first-seen order
    for run in numpy_runs:
        for r in run["results"]:
            seen = expressions.setdefault(r["key"].split("/")[0], [])
            if r["expression"] not in seen:
                seen.append(r["expression"])
    print(f"""# Benchmarks

Adjoint's eager `Tensor` API on the CPU backend against NumPy, measured in the same session on the
same machine. Generated by `scripts/bench/run.sh` on {args.date}; rerun it to refresh the numbers
(the "where we fall short" section is written by hand and kept across runs).

```
{args.command}
```

## Machine

{machine_facts(jmh_runs, numpy_runs, read_loads(args.load_log))}

## Results

Times are per call, result allocation included. **ratio = numpy time / Adjoint time**: above 1,
Adjoint is faster. `threads` is `-Dadjoint.cpu.threads` for Adjoint and `OPENBLAS_NUM_THREADS` for
numpy; NumPy's ufuncs and reductions are single-threaded whatever it says, so on 2 threads the
elementwise rows compare Adjoint on both cores with NumPy on one, which is what each library gives
a user who does nothing special. Targets are issue 2's: matmul ≥ 0.8× at 1024³ on 2 threads,
plain elementwise and reductions ≥ 1×, transcendental elementwise ≥ 2×, a one-element op < 1 µs.

{table(adjoint, numpy)}

What each row runs:

- `relu(x*a+b), op by op`: `x.mul(1.5).add(0.25).relu()`, three eager ops and three result tensors,
  like the NumPy expression; `fused with chain()`: `x.chain().mul(1.5).add(0.25).relu().evaluate()`,
  one pass over memory and one result (NumPy has no fusion; it is compared with the same expression).
  Softmax has no ratio target of its own in the issue; it is held to the reductions' ≥ 1×.
- NumPy expressions (`scripts/bench/numpy_reference.py`), by JMH benchmark method; where two are
  listed, the faster one is the reference:
{chr(10).join(f"  - `{method}`: " + " or ".join(f"`{e}`" for e in exprs) for method, exprs in expressions.items())}
- Inputs are float32, uniform in [-1, 1) (×4 for the transcendental functions and softmax), seeded.

{hand_written(args.previous)}""")


if __name__ == "__main__":
    main()
