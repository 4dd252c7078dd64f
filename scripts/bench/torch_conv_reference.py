#!/usr/bin/python3
"""Times PyTorch's CPU conv2d on the layers ConvLayerBenchmark times with JMH, for docs/benchmarks.md.

Run with the Debian python3 (/usr/bin/python3), which has PyTorch 1.13 (python3-torch). The thread
count is torch.set_num_threads(--threads), like Adjoint's adjoint.cpu.threads. Timing as in
numpy_reference.py: timeit's autorange picks a call count lasting >= 0.2 s, and the median of the
per-call means of 7 such batches is reported. Inputs are float32 uniform in [-1, 1), NCHW, batch 1 unless --batch.
"""

import argparse
import re
import json
import platform
import statistics
import timeit

import torch
import torch.nn.functional as F

# name: (in channels, input size, out channels, kernel, stride, padding, groups); kept in step with
# ConvLayerBenchmark.Layer.
LAYERS = {
    "resnet_stem_7x7s2": (3, 224, 64, 7, 2, 3, 1),
    "resnet_3x3_64": (64, 56, 64, 3, 1, 1, 1),
    "resnet_3x3_128": (128, 28, 128, 3, 1, 1, 1),
    "resnet_3x3_256": (256, 14, 256, 3, 1, 1, 1),
    "resnet_3x3_512": (512, 7, 512, 3, 1, 1, 1),
    "resnet_3x3s2_128": (64, 56, 128, 3, 2, 1, 1),
    "resnet_1x1s2_down": (64, 56, 128, 1, 2, 0, 1),
    "mbv2_1x1_expand": (24, 56, 144, 1, 1, 0, 1),
    "mbv2_3x3_depthwise": (144, 56, 144, 3, 1, 1, 144),
    "mbv2_3x3s2_depthwise": (144, 56, 144, 3, 2, 1, 144),
    "mbv2_1x1_project": (144, 28, 32, 1, 1, 0, 1),
    "mbv2_1x1_expand_14x14": (96, 14, 576, 1, 1, 0, 1),
    "mbv2_1x1_project_7x7": (960, 7, 320, 1, 1, 0, 1),
    "mbv2_1x1_expand_112x112": (16, 112, 96, 1, 1, 0, 1),
    "mbv2_stem_3x3s2": (3, 224, 32, 3, 2, 1, 1),
    "mbv2_1x1_project_14x14": (576, 14, 96, 1, 1, 0, 1),
    "mbv2_1x1_project_112x112": (32, 112, 16, 1, 1, 0, 1),
    "mbv2_3x3_depthwise_112x112": (32, 112, 32, 3, 1, 1, 32),
    "mbv2_3x3_depthwise_7x7": (960, 7, 960, 3, 1, 1, 960),
    "mbv2_3x3_depthwise_14x14": (384, 14, 384, 3, 1, 1, 384),
    "mbv2_3x3s2_depthwise_14x14": (576, 14, 576, 3, 2, 1, 576),
    "mbv2_3x3s2_depthwise_28x28": (192, 28, 192, 3, 2, 1, 192),
    "resnet_3x3s2_256": (128, 28, 256, 3, 2, 1, 1),
    "resnet_3x3s2_512": (256, 14, 512, 3, 2, 1, 1),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--json", help="write results to this file")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--batch", type=int, default=1, help="images per call (ConvLayerBenchmark's -p batch=N)")
    parser.add_argument("--only", help="regular expression: time only the layers whose name it finds")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    gen = torch.Generator().manual_seed(20240607)
    results = []
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, mkldnn {torch.backends.mkldnn.enabled}")
    with torch.no_grad():
        for name, (c, size, o, k, s, p, g) in LAYERS.items():
            if args.only and not re.search(args.only, name):
                continue
            x = torch.rand(args.batch, c, size, size, generator=gen) * 2 - 1
            w = torch.rand(o, c // g, k, k, generator=gen) * 2 - 1
            fn = lambda x=x, w=w, s=s, p=p, g=g: F.conv2d(x, w, stride=s, padding=p, groups=g)
            # The reference must compute the convolution it claims: check against float64.
            expected = F.conv2d(x.double(), w.double(), stride=s, padding=p, groups=g)
            assert torch.allclose(fn().double(), expected, rtol=1e-4, atol=1e-3), name
            timer = timeit.Timer(fn)
            number, _ = timer.autorange()
            per_call = [t / number for t in timer.repeat(repeat=args.repeats, number=number)]
            median = statistics.median(per_call)
            flops = 2 * expected.numel() * (c // g) * k * k
            results.append({"key": name, "threads": args.threads, "batch": args.batch, "seconds": median, "best_seconds": min(per_call),
                            "gflops": flops / median / 1e9})
            print(f"{name:24s} {args.threads} thr {median * 1e6:10.1f} us  {flops / median / 1e9:6.1f} GFLOP/s",
                  flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"torch": torch.__version__, "python": platform.python_version(), "threads": args.threads,
                       "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
