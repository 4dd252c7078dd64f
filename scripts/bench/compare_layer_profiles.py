#!/usr/bin/env python3
"""Sets our per-layer medians (`adjoint-ov benchmark -pc`) beside ONNX Runtime's (OrtLayerProfile.java), by layer.

    python3 scripts/bench/compare_layer_profiles.py MODEL.onnx ORT_PROFILE.json OURS_PC.txt

MODEL.onnx is the original model both ran from. Each Conv/Gemm/MatMul/pooling node of it is matched with our step of
the same name (the converter keeps ONNX node names; fused steps are named by their convolution) and with ORT's node
of the last name in its chain of BatchNormalization, Clip, Relu and Add (ORT names a fused node after the last layer
it absorbed, with an `_nchwc` suffix in its blocked layout). A step of ours that runs an inverted residual block
(its exec type lists a GroupConvolution and more convolutions: BlockFusion names it after the projection) is set
beside the sum of ORT's nodes for the block's convolutions, found walking back from the projection. Prints one row
per layer and a sum per kind, in ms.
"""
import collections
import json
import statistics
import sys

import onnx
from onnx import shape_inference

FOLLOWERS = ("BatchNormalization", "Clip", "Relu", "Add")
KINDS = ("Conv", "Gemm", "MatMul", "MaxPool", "AveragePool", "GlobalAveragePool")


def ort_medians(path):
    times = collections.defaultdict(list)
    for event in json.load(open(path)):
        if event.get("cat") == "Node" and event["name"].endswith("_kernel_time"):
            times[event["name"][: -len("_kernel_time")].replace("_nchwc", "")].append(event["dur"])
    return {name: statistics.median(t) / 1000 for name, t in times.items()}


def our_medians(path):
    """Step name -> (median ms, convolutions the step runs) from the -pc table (columns: layer, type, exec type, mean
    ms, median ms, %)."""
    medians = {}
    for line in open(path):
        parts = line.split()
        if len(parts) >= 6 and parts[-1].endswith("%") and parts[-2].replace(".", "", 1).isdigit():
            convolutions = sum(t in ("Convolution", "GroupConvolution") for t in parts[2].split("+"))
            medians[parts[0]] = (float(parts[-2]), convolutions)
    return medians


def block_convolutions(node, count, producer):
    """The convolutions of the block whose projection is node, first to last: count of them, walking back from the
    projection's input through Clip, Relu and BatchNormalization."""
    chain = [node]
    while len(chain) < count:
        current = producer.get(chain[0].input[0])
        while current is not None and current.op_type in ("Clip", "Relu", "BatchNormalization"):
            current = producer.get(current.input[0])
        if current is None or current.op_type != "Conv":
            return None
        chain.insert(0, current)
    return chain


def main():
    model_path, ort_path, ours_path = sys.argv[1:4]
    graph = shape_inference.infer_shapes(onnx.load(model_path)).graph
    shapes = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
              for v in list(graph.value_info) + list(graph.input) + list(graph.output)}
    weights = {i.name: list(i.dims) for i in graph.initializer}
    readers = collections.defaultdict(list)
    producer = {}
    for node in graph.node:
        for name in node.input:
            readers[name].append(node)
        for name in node.output:
            producer[name] = node
    ort, ours = ort_medians(ort_path), our_medians(ours_path)
    by_kind = collections.defaultdict(lambda: [0, 0.0, 0.0])
    print("| layer | kind | Adjoint ms | ORT ms | ratio |\n|---|---|---:|---:|---:|")
    for node in graph.node:
        if node.op_type not in KINDS:
            continue
        mine = sum(ms for step, (ms, _) in ours.items() if step == node.name or step.startswith(node.name + "/"))
        convolutions = ours.get(node.name, (0, 1))[1]
        block = block_convolutions(node, convolutions, producer) if convolutions > 1 else None
        theirs = None
        for conv in block or [node]:
            chain, current = [conv.name], conv
            while len(readers[current.output[0]]) == 1 and readers[current.output[0]][0].op_type in FOLLOWERS:
                current = readers[current.output[0]][0]
                chain.append(current.name)
            t = next((ort[name] for name in reversed(chain) if name in ort), None)
            theirs = None if t is None else t + (theirs or 0)
            if t is None:
                break
        kind = node.op_type
        if block:
            depthwise = {a.name: onnx.helper.get_attribute_value(a) for a in block[-2].attribute}
            kind = "block %d conv s%d" % (len(block), depthwise.get("strides", [1])[0])
            kind += " @%d" % shapes[block[0].input[0]][2] if block[0].input[0] in shapes else ""
        elif node.op_type == "Conv":
            attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
            w = weights[node.input[1]]
            stride = attrs.get("strides", [1])[0]
            kind = ("depthwise 3x3 s%d" % stride if attrs.get("group", 1) > 1
                    else "%dx%d s%d" % (w[2], w[3], stride))
            kind += " @%d" % shapes[node.input[0]][2] if node.input[0] in shapes else ""
        if theirs is None or mine == 0:
            continue
        short = kind.split(" @")[0]
        by_kind[short][0] += 1
        by_kind[short][1] += mine
        by_kind[short][2] += theirs
        print("| %s | %s | %.3f | %.3f | %.2f |" % (node.name, kind, mine, theirs, mine / theirs))
    print("\n| kind | layers | Adjoint ms | ORT ms | ratio |\n|---|---:|---:|---:|---:|")
    total = [0.0, 0.0]
    for kind, (count, mine, theirs) in sorted(by_kind.items(), key=lambda kv: -kv[1][1]):
        total[0] += mine
        total[1] += theirs
        print("| %s | %d | %.3f | %.3f | %.2f |" % (kind, count, mine, theirs, mine / theirs))
    print("| all matched | | %.3f | %.3f | %.2f |" % (total[0], total[1], total[0] / total[1]))


if __name__ == "__main__":
    main()
