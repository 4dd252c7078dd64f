#!/usr/bin/env python3
"""Sums an ONNX Runtime profile (OrtLayerProfile.java) per node and per convolution kind.

    python3 scripts/bench/ort_profile_summary.py PROFILE.json MODEL.onnx.opt.onnx

Prints the median time per run of each kind of node (Conv split into 1x1, depthwise and KxK by its weights in the
optimized graph ORT saved) and the slowest nodes, in milliseconds, to compare with `adjoint-ov benchmark -pc`.
"""
import collections
import json
import statistics
import sys

import onnx


def main():
    profile, optimized = sys.argv[1], sys.argv[2]
    graph = onnx.load(optimized).graph
    weights = {i.name: list(i.dims) for i in graph.initializer}
    kinds = {}
    for node in graph.node:
        if node.op_type == "Conv":
            attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
            w = weights.get(node.input[1])
            if attrs.get("group", 1) > 1:
                kinds[node.name] = "Conv depthwise/grouped"
            elif w is not None and w[2:] == [1, 1]:
                kinds[node.name] = "Conv 1x1"
            else:
                kinds[node.name] = "Conv %sx%s" % tuple(w[2:]) if w else "Conv"
    times = collections.defaultdict(list)
    op = {}
    for event in json.load(open(profile)):
        if event.get("cat") == "Node" and event["name"].endswith("_kernel_time"):
            name = event["name"][: -len("_kernel_time")]
            times[name].append(event["dur"])
            op[name] = kinds.get(name, event["args"].get("op_name"))
    # Medians, as `adjoint-ov benchmark -pc` prints beside its means: a few slow runs move a mean, not a median.
    per_run = {n: statistics.median(t) / 1000 for n, t in times.items()}
    by_kind = collections.defaultdict(lambda: [0, 0.0])
    for n, ms in per_run.items():
        by_kind[op[n]][0] += 1
        by_kind[op[n]][1] += ms
    print("all nodes: %.3f ms per run (sum of the medians)" % sum(per_run.values()))
    print("| kind | nodes | median ms per run |\n|---|---:|---:|")
    for kind, (count, ms) in sorted(by_kind.items(), key=lambda kv: -kv[1][1]):
        print("| %s | %d | %.3f |" % (kind, count, ms))
    print("\nslowest nodes:")
    for n, ms in sorted(per_run.items(), key=lambda kv: -kv[1])[:15]:
        print("  %-40s %-24s %.3f ms" % (n, op[n], ms))


if __name__ == "__main__":
    main()
