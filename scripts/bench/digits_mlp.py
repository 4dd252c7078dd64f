#!/usr/bin/env python3
"""The digits MLP training run of DigitsMlpTiming, in NumPy by hand or in PyTorch, timed per step.

Same model (64-H-10, ReLU, softmax cross-entropy, He-normal weights, zero biases), same batches (the
first 28 x 64 rows of scikit-learn's digits, taken in turn, pixels / 16), same optimizer (Adam, lr
0.01, betas 0.9/0.999, eps 1e-8), float32, the loss read every step. Prints one line:
"<impl> steps=N p50=.. p90=.. p99=.. mean=.. total=.." in milliseconds, total being the wall time of
the training loop (imports, data loading and the interpreter's start are not counted, as the JVM's
start is not counted on the Java side).
"""
import argparse
import gzip
import math
import time

import numpy as np


def load(path, batch):
    with gzip.open(path, "rt") as f:
        rows = np.array([[int(v) for v in line.split(",")] for line in f if line.strip()], dtype=np.int64)
    images = (rows[:, :64] / 16.0).astype(np.float32)
    labels = rows[:, 64]
    batches = len(rows) // batch
    xs, ys = [], []
    for b in range(batches):
        x = images[b * batch:(b + 1) * batch]
        y = np.zeros((batch, 10), dtype=np.float32)
        y[np.arange(batch), labels[b * batch:(b + 1) * batch]] = 1
        xs.append(np.ascontiguousarray(x))
        ys.append(y)
    return images, labels, xs, ys


def init(hidden, seed):
    rng = np.random.default_rng(seed)
    w1 = (rng.standard_normal((64, hidden)) * math.sqrt(2 / 64)).astype(np.float32)
    w2 = (rng.standard_normal((hidden, 10)) * math.sqrt(2 / hidden)).astype(np.float32)
    return [w1, np.zeros(hidden, np.float32), w2, np.zeros(10, np.float32)]


def numpy_run(xs, ys, steps, hidden, lr, seed):
    params = init(hidden, seed)
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    b1, b2, eps = 0.9, 0.999, 1e-8
    nanos, losses = [], []
    start = time.perf_counter_ns()
    for step in range(steps):
        t0 = time.perf_counter_ns()
        x, y = xs[step % len(xs)], ys[step % len(xs)]
        w1, c1, w2, c2 = params
        n = x.shape[0]
        pre = x @ w1 + c1
        h = np.maximum(pre, 0)
        logits = h @ w2 + c2
        shifted = logits - logits.max(axis=1, keepdims=True)
        logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -(logp * y).sum() / n
        dlogits = (np.exp(logp) - y) / n
        grads = [None, None, h.T @ dlogits, dlogits.sum(axis=0)]
        dh = (dlogits @ w2.T) * (pre > 0)
        grads[0] = x.T @ dh
        grads[1] = dh.sum(axis=0)
        t = step + 1
        for p, g, mi, vi in zip(params, grads, m, v):
            mi *= b1
            mi += (1 - b1) * g
            vi *= b2
            vi += (1 - b2) * g * g
            p -= lr * (mi / (1 - b1 ** t)) / (np.sqrt(vi / (1 - b2 ** t)) + eps)
        losses.append(float(loss))
        nanos.append(time.perf_counter_ns() - t0)
    total = time.perf_counter_ns() - start

    def predict(images):
        return (np.maximum(images @ params[0] + params[1], 0) @ params[2] + params[3]).argmax(axis=1)
    return nanos, total, losses, predict


def torch_run(xs, ys, steps, hidden, lr, seed):
    import torch
    params = [torch.tensor(p, requires_grad=True) for p in init(hidden, seed)]
    opt = torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-8)
    txs = [torch.from_numpy(x) for x in xs]
    tys = [torch.from_numpy(y) for y in ys]
    nanos, losses = [], []
    start = time.perf_counter_ns()
    for step in range(steps):
        t0 = time.perf_counter_ns()
        x, y = txs[step % len(txs)], tys[step % len(txs)]
        w1, c1, w2, c2 = params
        opt.zero_grad()
        logits = torch.relu(x @ w1 + c1) @ w2 + c2
        loss = -(torch.log_softmax(logits, dim=1) * y).sum() / x.shape[0]
        loss.backward()
        opt.step()
        losses.append(loss.item())
        nanos.append(time.perf_counter_ns() - t0)
    total = time.perf_counter_ns() - start

    def predict(images):
        with torch.no_grad():
            x = torch.from_numpy(images)
            return (torch.relu(x @ params[0] + params[1]) @ params[2] + params[3]).argmax(dim=1).numpy()
    return nanos, total, losses, predict


def summary(name, nanos, total):
    s = sorted(nanos)

    def pct(p):
        return s[max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))]
    return (f"{name} steps={len(nanos)} p50={pct(50) / 1e6:.4f} p90={pct(90) / 1e6:.4f} p99={pct(99) / 1e6:.4f} "
            f"mean={sum(nanos) / len(nanos) / 1e6:.4f} total={total / 1e6:.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("impl", choices=["numpy", "torch"])
    parser.add_argument("--data", default="examples/src/main/resources/digits/digits.csv.gz")
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.01)
    args = parser.parse_args()
    images, labels, xs, ys = load(args.data, args.batch)
    run = numpy_run if args.impl == "numpy" else torch_run
    nanos, total, losses, predict = run(xs, ys, args.steps, args.hidden, args.lr, 7)
    accuracy = float((predict(images) == labels).mean())
    print(summary(args.impl, nanos, total) + f" first_loss={losses[0]:.4f} last_loss={losses[-1]:.4f} "
          f"accuracy={accuracy:.4f}", flush=True)


if __name__ == "__main__":
    main()
