#!/usr/bin/env python3
"""Markdown table of a kernels.sh run: Adjoint (JMH) against NumPy (matmul) and PyTorch (conv2d).

    kernels_table.py RESULTS_DIR [BEFORE_DIR]

With BEFORE_DIR (an earlier run, e.g. main's kernels) each row also shows that run's Adjoint time and
ratio. ratio = reference time / Adjoint time: above 1, Adjoint is faster.
"""

import json
import os
import statistics
import sys


def jmh(path):
    rows = {}
    for e in json.load(open(path)):
        params = e.get("params", {})
        key = params.get("size") or params.get("layer")
        m = e["primaryMetric"]
        err = m.get("scoreError")
        rel = err / m["score"] if isinstance(err, (int, float)) and err == err else None
        rows[key] = (m["score"] * 1e-6, rel)  # us -> s
    return rows


def reference(path, prefix=""):
    return {r["key"][len(prefix):]: r["seconds"] for r in json.load(open(path))["results"]}


def fmt(seconds):
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds * 1e6:.3g} µs"


def collect(d):
    rows = []
    for t in (1, 2):
        ours = jmh(os.path.join(d, f"jmh-matmul-{t}.json"))
        ref = reference(os.path.join(d, f"numpy-{t}.json"), "matmul/")
        for size in ("256", "1024"):
            rows.append((f"matmul {size}³", t, "numpy", ours.get(size), ref.get(size)))
        ours = jmh(os.path.join(d, f"jmh-conv-{t}.json"))
        ref = reference(os.path.join(d, f"torch-{t}.json"))
        for layer in ref:
            rows.append((f"conv {layer}", t, "torch", ours.get(layer), ref.get(layer)))
    return rows


def main():
    d = sys.argv[1]
    before = {(r[0], r[1]): r for r in collect(sys.argv[2])} if len(sys.argv) > 2 else None
    head = "| what | threads | Adjoint | reference | ratio |"
    rule = "|---|---:|---:|---:|---:|"
    if before:
        head += " before (main) | ratio before |"
        rule += "---:|---:|"
    print(head)
    print(rule)
    for what, t, refname, ours, ref in sorted(collect(d), key=lambda r: (r[0].startswith("conv"), r[0], r[1])):
        if ours is None or ref is None:
            continue
        spread = f" ± {ours[1] * 100:.0f}%" if ours[1] is not None else ""
        line = f"| {what} | {t} | {fmt(ours[0])}{spread} | {refname} {fmt(ref)} | {ref / ours[0]:.2f}× |"
        if before:
            b = before.get((what, t))
            if b and b[3] and b[4]:
                line += f" {fmt(b[3][0])} | {b[4] / b[3][0]:.2f}× |"
            else:
                line += " — | — |"
        print(line)
    loads = [float(x) for x in open(os.path.join(d, "loadavg.txt")).read().split()]
    if loads:
        print(f"\n1-minute load average over the run ({len(loads)} samples): min {min(loads):.2f}, "
              f"median {statistics.median(loads):.2f}, max {max(loads):.2f}")


if __name__ == "__main__":
    main()
