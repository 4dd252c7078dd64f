#!/usr/bin/env python3
"""Writes the ONNX benchmark networks with seeded random weights (no downloads, no PyTorch needed).

    python3 scripts/bench/make_onnx_models.py OUT_DIR [--seed 0]

writes OUT_DIR/resnet18.onnx, OUT_DIR/mobilenet_v2.onnx (ImageNet-shaped classifiers: input "input"
[N, 3, 224, 224], output "logits" [N, 1000]) and OUT_DIR/mlp.onnx (a transformer-style MLP block:
input "input" [N, 256], output "probs" [N, 10]). The batch dimension is the symbolic "N".

The graphs use the ops PyTorch's exporter emits for these modules when batch norm is not folded:
Conv, BatchNormalization, Relu, Clip (ReLU6), Add, MaxPool, GlobalAveragePool, Flatten, Gemm,
MatMul, Erf/Div/Mul (GELU), LayerNormalization and Softmax, at opset 17 (the newest that Debian's
python3-onnx 1.12 knows). Weights are He-scaled so that activations stay of order one.
Needs numpy and onnx (Debian: python3-numpy python3-onnx).
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


class Graph:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes = []
        self.inits = []
        self.count = 0

    def name(self, prefix):
        self.count += 1
        return f"{prefix}_{self.count}"

    def weight(self, prefix, array):
        n = self.name(prefix)
        self.inits.append(numpy_helper.from_array(np.asarray(array), n))
        return n

    def node(self, op, inputs, **attrs):
        out = self.name(op.lower())
        self.nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        return out

    def conv(self, x, cin, cout, k, stride=1, groups=1):
        fan_in = cin // groups * k * k
        w = self.rng.normal(0, np.sqrt(2.0 / fan_in), (cout, cin // groups, k, k)).astype(np.float32)
        return self.node("Conv", [x, self.weight("w", w)], kernel_shape=[k, k], strides=[stride, stride],
                         pads=[k // 2] * 4, group=groups)

    def bn(self, x, c):
        r = self.rng
        params = [r.uniform(0.5, 1.5, c), r.normal(0, 0.1, c), r.normal(0, 0.1, c), r.uniform(0.5, 1.5, c)]
        names = [self.weight("bn", p.astype(np.float32)) for p in params]
        return self.node("BatchNormalization", [x] + names, epsilon=1e-5)

    def relu6(self, x):
        lo = self.weight("min", np.array(0, np.float32))
        hi = self.weight("max", np.array(6, np.float32))
        return self.node("Clip", [x, lo, hi])

    def gemm(self, x, cin, cout):
        w = self.rng.normal(0, np.sqrt(1.0 / cin), (cout, cin)).astype(np.float32)
        b = self.rng.normal(0, 0.01, cout).astype(np.float32)
        return self.node("Gemm", [x, self.weight("fc_w", w), self.weight("fc_b", b)], transB=1)

    def model(self, name, x_shape, out, out_shape):
        graph = helper.make_graph(
            self.nodes, name,
            [helper.make_tensor_value_info("input", TensorProto.FLOAT, x_shape)],
            [helper.make_tensor_value_info(out, TensorProto.FLOAT, out_shape)],
            self.inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="adjoint-make_onnx_models")
        m.ir_version = 8
        onnx.checker.check_model(m)
        return m


def rename_output(g, value, new):
    """Names the graph output: the last node made `value`; give it the public name `new`."""
    assert g.nodes[-1].output[0] == value
    g.nodes[-1].output[0] = new
    return new


def resnet18(seed):
    g = Graph(seed)
    x = g.node("Relu", [g.bn(g.conv("input", 3, 64, 7, 2), 64)])
    x = g.node("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    cin = 64
    for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
        for block in range(2):
            s = stride if block == 0 else 1
            y = g.node("Relu", [g.bn(g.conv(x, cin, cout, 3, s), cout)])
            y = g.bn(g.conv(y, cout, cout, 3, 1), cout)
            shortcut = x
            if s != 1 or cin != cout:
                shortcut = g.bn(g.conv(x, cin, cout, 1, s), cout)
            x = g.node("Relu", [g.node("Add", [y, shortcut])])
            cin = cout
    x = g.node("Flatten", [g.node("GlobalAveragePool", [x])], axis=1)
    x = rename_output(g, g.gemm(x, 512, 1000), "logits")
    return g.model("resnet18", ["N", 3, 224, 224], x, ["N", 1000])


def mobilenet_v2(seed):
    g = Graph(seed)
    x = g.relu6(g.bn(g.conv("input", 3, 32, 3, 2), 32))
    cin = 32
    for t, c, n, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                       (6, 160, 3, 2), (6, 320, 1, 1)]:
        for i in range(n):
            stride = s if i == 0 else 1
            hidden = cin * t
            y = x
            if t != 1:
                y = g.relu6(g.bn(g.conv(y, cin, hidden, 1), hidden))
            y = g.relu6(g.bn(g.conv(y, hidden, hidden, 3, stride, groups=hidden), hidden))
            y = g.bn(g.conv(y, hidden, c, 1), c)
            x = g.node("Add", [x, y]) if stride == 1 and cin == c else y
            cin = c
    x = g.relu6(g.bn(g.conv(x, cin, 1280, 1), 1280))
    x = g.node("Flatten", [g.node("GlobalAveragePool", [x])], axis=1)
    x = rename_output(g, g.gemm(x, 1280, 1000), "logits")
    return g.model("mobilenet_v2", ["N", 3, 224, 224], x, ["N", 1000])


def mlp(seed):
    g = Graph(seed)
    r = g.rng

    def linear(x, cin, cout):
        w = r.normal(0, np.sqrt(1.0 / cin), (cin, cout)).astype(np.float32)
        b = r.normal(0, 0.01, cout).astype(np.float32)
        return g.node("Add", [g.node("MatMul", [x, g.weight("w", w)]), g.weight("b", b)])

    def gelu(x):  # what torch.onnx emits for nn.GELU() below opset 20
        div = g.node("Div", [x, g.weight("sqrt2", np.array(np.sqrt(2.0), np.float32))])
        erf = g.node("Add", [g.node("Erf", [div]), g.weight("one", np.array(1, np.float32))])
        return g.node("Mul", [g.node("Mul", [x, erf]), g.weight("half", np.array(0.5, np.float32))])

    h = gelu(linear("input", 256, 512))
    h = g.node("LayerNormalization", [h, g.weight("ln_scale", r.uniform(0.5, 1.5, 512).astype(np.float32)),
                                      g.weight("ln_bias", r.normal(0, 0.1, 512).astype(np.float32))],
               axis=-1, epsilon=1e-5)
    h = g.node("Relu", [linear(h, 512, 512)])
    h = g.node("Softmax", [linear(h, 512, 10)], axis=-1)
    h = rename_output(g, h, "probs")
    return g.model("mlp", ["N", 256], h, ["N", 10])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", help="folder to write the .onnx files into")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for name, make in [("resnet18", resnet18), ("mobilenet_v2", mobilenet_v2), ("mlp", mlp)]:
        path = os.path.join(a.out, name + ".onnx")
        onnx.save(make(a.seed), path)
        print(path)


if __name__ == "__main__":
    main()
