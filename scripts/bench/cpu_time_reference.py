#!/usr/bin/python3
"""CPU time per call of NumPy's matmul and PyTorch's conv2d on one thread: the counterpart of
benchmarks' CpuTimeProbe, a load-tolerant cross-check of the single-thread JMH rows (time.thread_time
counts only this thread's CPU time, which other processes on the cores do not inflate).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
        python3 scripts/bench/cpu_time_reference.py numpy          # the NumPy of numpy_reference.py
    OMP_NUM_THREADS=1 /usr/bin/python3 scripts/bench/cpu_time_reference.py torch   # Debian's torch 1.13
    ... cpu_time_reference.py torch --batch 8 --only 'resnet_3x3_'   # CpuTimeProbe's -Dprobe.batch=8 and filter
"""

import statistics
import time

import sys

import numpy as np


def probe(key, fn):
    start = time.thread_time()
    while time.thread_time() - start < 2.0:
        fn()
    per_call = []
    for _ in range(9):
        t0, calls = time.thread_time(), 0
        while True:
            fn()
            calls += 1
            t = time.thread_time()
            if t - t0 >= 0.2:
                break
        per_call.append((t - t0) / calls * 1e6)
    print(f"{key:24s} {statistics.median(per_call):12.1f} {min(per_call):12.1f}   cpu-us/call (median, lowest)",
          flush=True)


def main():
    if sys.argv[1:] == ["numpy"]:
        rng = np.random.default_rng(20240607)
        for n in (256, 1024):
            a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
            b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
            probe(f"matmul/{n}", lambda a=a, b=b: a @ b)
        x8 = rng.uniform(-1, 1, (8, 1024)).astype(np.float32)
        w = rng.uniform(-1, 1, (1024, 1024)).astype(np.float32)
        probe("linear/8x1024x1024", lambda: x8 @ w)
        return
    if sys.argv[1:2] != ["torch"]:
        sys.exit("usage: cpu_time_reference.py numpy | torch [--batch N] [--only REGEX]")
    import argparse
    import re
    options = argparse.ArgumentParser(prog="cpu_time_reference.py torch")
    options.add_argument("--batch", type=int, default=1)
    options.add_argument("--only", default="")
    args = options.parse_args(sys.argv[2:])
    import torch
    import torch.nn.functional as F
    from torch_conv_reference import LAYERS
    torch.set_num_threads(1)
    with torch.no_grad():
        for name, (c, size, o, k, s, p, g) in LAYERS.items():
            if not re.search(args.only, name):
                continue
            x = torch.rand(args.batch, c, size, size) * 2 - 1
            w = torch.rand(o, c // g, k, k) * 2 - 1
            probe(name if args.batch == 1 else f"{name}/batch{args.batch}", lambda x=x, w=w, s=s, p=p, g=g: F.conv2d(x, w, stride=s, padding=p, groups=g))


if __name__ == "__main__":
    main()
