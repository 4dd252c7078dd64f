#!/usr/bin/python3
"""CPU time per call of NumPy's matmul and PyTorch's conv2d on one thread: the counterpart of
benchmarks' CpuTimeProbe, a load-tolerant cross-check of the single-thread JMH rows (time.thread_time
counts only this thread's CPU time, which other processes on the cores do not inflate).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
        python3 scripts/bench/cpu_time_reference.py numpy          # the NumPy of numpy_reference.py
    OMP_NUM_THREADS=1 /usr/bin/python3 scripts/bench/cpu_time_reference.py torch   # Debian's torch 1.13
    ... cpu_time_reference.py torch --batch 8 --only 'resnet_3x3_'   # CpuTimeProbe's -Dprobe.batch=8 and filter
    OMP_NUM_THREADS=1 /usr/bin/python3 scripts/bench/cpu_time_reference.py depthwise [REGEX]

"depthwise" times MobileNet-v2's 3x3 depthwise layers at batch 1 and 8 (benchmarks' DepthwiseCpuTimeProbe),
with 1.5 s of warm-up and 7 batches of >= 0.1 s, as that probe does.
"""

import re
import statistics
import sys
import time

import numpy as np


# Input size, channels, stride of MobileNet-v2's depthwise layers; kept in step with DepthwiseCpuTimeProbe.LAYERS.
DEPTHWISE = [(112, 32, 1), (112, 96, 2), (56, 144, 1), (56, 144, 2), (28, 192, 1), (28, 192, 2), (14, 384, 1),
             (14, 576, 1), (14, 576, 2), (7, 960, 1)]


def probe(key, fn, warmup=2.0, batches=9, batch_seconds=0.2):
    start = time.thread_time()
    while time.thread_time() - start < warmup:
        fn()
    per_call = []
    for _ in range(batches):
        t0, calls = time.thread_time(), 0
        while True:
            fn()
            calls += 1
            t = time.thread_time()
            if t - t0 >= batch_seconds:
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
    if not sys.argv[1:] or sys.argv[1] not in ("torch", "depthwise"):
        sys.exit("usage: cpu_time_reference.py numpy | torch [--batch N] [--only REGEX] | depthwise [REGEX]")
    import torch
    import torch.nn.functional as F
    if sys.argv[1] == "depthwise":
        only = re.compile(sys.argv[2] if len(sys.argv) > 2 else ".*")
        torch.set_num_threads(1)
        with torch.no_grad():
            for batch in (1, 8):
                for size, c, s in DEPTHWISE:
                    key = f"dw{size}_c{c}_s{s}_b{batch}"
                    if not only.fullmatch(key):
                        continue
                    x = torch.rand(batch, c, size, size) * 2 - 1
                    w = torch.rand(c, 1, 3, 3) * 2 - 1
                    fn = lambda x=x, w=w, s=s, c=c: F.conv2d(x, w, stride=s, padding=1, groups=c)
                    # The reference must compute the convolution it claims: check against float64.
                    expected = F.conv2d(x.double(), w.double(), stride=s, padding=1, groups=c)
                    assert torch.allclose(fn().double(), expected, rtol=1e-4, atol=1e-4), key
                    probe(key, fn, warmup=1.5, batches=7, batch_seconds=0.1)
        return
    import argparse
    options = argparse.ArgumentParser(prog="cpu_time_reference.py torch")
    options.add_argument("--batch", type=int, default=1)
    options.add_argument("--only", default="")
    args = options.parse_args(sys.argv[2:])
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
