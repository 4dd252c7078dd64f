#!/usr/bin/env python3
"""Times with NumPy the operations that benchmarks/ times with JMH, for docs/benchmarks.md.

Each operation is the NumPy expression a user would write for the same Adjoint call, on float32
inputs of the same shapes, allocating its result just as the eager Tensor API does. Keys match
report.py's: "<JMH method>/<JMH param value>".

The BLAS thread count is fixed per process, like Adjoint's adjoint.cpu.threads: run.sh starts this
script once per thread count with OPENBLAS_NUM_THREADS set (and OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE
unset, so OpenBLAS picks its kernels for this CPU itself). NumPy's ufuncs and reductions are
single-threaded whatever that count; only matmul and the matmul inside conv2d use it.

Timing: timeit's autorange picks a call count lasting >= 0.2 s, then the median of the per-call
means of several such batches is reported (JMH reports a mean over 1 s iterations; a median of
batch means is the closest robust equivalent).
"""

import argparse
import json
import os
import platform
import re
import statistics
import sys
import timeit

import numpy as np

SEED = 20240607
REPEATS = 7
QUICK_REPEATS = 2


def blas_info():
    """The BLAS libraries NumPy loaded: kernel (architecture), API and thread count."""
    try:
        import threadpoolctl
    except ImportError:
        return openblas_info()
    keep = ("internal_api", "architecture", "num_threads", "version", "threading_layer", "prefix")
    return [{k: lib.get(k) for k in keep} for lib in threadpoolctl.threadpool_info()]


def openblas_info():
    """Without threadpoolctl: ask the OpenBLAS that NumPy loaded for its kernel, through its own C functions."""
    import ctypes
    try:
        with open("/proc/self/maps") as maps:
            paths = sorted({line.split()[-1] for line in maps if "openblas" in line and ".so" in line})
    except OSError:
        paths = []
    for path in paths:
        lib = ctypes.CDLL(path)
        # NumPy's wheels rename OpenBLAS's symbols (scipy_openblas_..._64_); a system OpenBLAS keeps them.
        for prefix, suffix in (("scipy_openblas_", "64_"), ("openblas_", "64_"), ("openblas_", "")):
            try:
                corename = getattr(lib, f"{prefix}get_corename{suffix}")
                config = getattr(lib, f"{prefix}get_config{suffix}")
            except AttributeError:
                continue
            corename.restype = config.restype = ctypes.c_char_p
            return [{"internal_api": "openblas", "architecture": corename().decode(),
                     "version": config().decode(), "prefix": os.path.basename(path)}]
    return [{"error": "threadpoolctl is not installed and no OpenBLAS was found; BLAS kernel unknown"}]


def reference_blas_paths():
    """Mapped BLAS libraries that are not OpenBLAS (Debian's reference libblas.so.3 in /usr/lib/.../blas/)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if ".so" in line}
    except OSError:
        return []
    names = ("libblas.so", "libcblas.so")
    return sorted(p for p in paths if any(n in os.path.basename(p) for n in names)
                  and "openblas" not in os.path.realpath(p))


def simd_info():
    """NumPy's own SIMD dispatch (its ufuncs, unlike matmul, do not go through BLAS)."""
    try:
        from numpy._core import _multiarray_umath as umath
        found = [name for name, on in umath.__cpu_features__.items() if on and name in umath.__cpu_dispatch__]
        return {"baseline": list(umath.__cpu_baseline__), "dispatch_found": found}
    except (ImportError, AttributeError):
        return {"error": "NumPy's SIMD dispatch is not introspectable in this version"}


def uniform(rng, *shape, scale=1.0):
    return (rng.uniform(-1.0, 1.0, shape) * scale).astype(np.float32)


def conv2d_im2col(x, w):
    """NCHW x OIHW cross-correlation, stride 1, padding 1: im2col by a strided view, then one matmul."""
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (kh, kw), axis=(2, 3))  # n,c,h,w,kh,kw
    cols = windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * h * wd, c * kh * kw)
    out = cols @ w.reshape(o, c * kh * kw).T  # (n*h*w, o)
    return np.ascontiguousarray(out.reshape(n, h, wd, o).transpose(0, 3, 1, 2))


def softmax_rows(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def relu_chain_value_and_gradient(x):
    """Value and gradient of sum(relu(x * 1.5 + 0.25)) written by hand, op by op."""
    y = x * np.float32(1.5) + np.float32(0.25)
    value = np.maximum(y, 0).sum()
    grad = (y > 0) * np.float32(1.5)
    return value, grad


def operations():
    """(key, note, zero-argument callable) for every benchmark; inputs are built once here."""
    rng = np.random.default_rng(SEED)
    ops = []
    for n in (256, 512, 1024, 2048):
        a, b = uniform(rng, n, n), uniform(rng, n, n)
        ops.append((f"matmul/{n}", "a @ b", lambda a=a, b=b: a @ b))
    for n in (1 << 20, 1 << 24):
        x = uniform(rng, n)
        chain = (lambda x=x: np.maximum(x * np.float32(1.5) + np.float32(0.25), np.float32(0)))
        ops.append((f"elementwiseChain/{n}", "np.maximum(x * 1.5 + 0.25, 0)", chain))
        # NumPy has no fusion: the fused chain is compared with the same op-by-op expression.
        ops.append((f"fusedChain/{n}", "np.maximum(x * 1.5 + 0.25, 0)", chain))
        ops.append((f"sum/{n}", "x.sum()", lambda x=x: x.sum()))
        if n == 1 << 20:
            ops.append((f"reluChainValueAndGradients/{n}", "y = x*1.5+0.25; (np.maximum(y, 0).sum(), (y > 0) * 1.5)",
                        lambda x=x: relu_chain_value_and_gradient(x)))
    x = uniform(rng, 1 << 20, scale=4.0)
    ops.append(("exp/1048576", "np.exp(x)", lambda: np.exp(x)))
    ops.append(("tanh/1048576", "np.tanh(x)", lambda: np.tanh(x)))
    ops.append(("sigmoid/1048576", "1 / (1 + np.exp(-x))", lambda: 1 / (1 + np.exp(-x))))
    try:
        from scipy.special import expit
        ops.append(("sigmoid/1048576", "scipy.special.expit(x)", lambda: expit(x)))
    except ImportError:
        pass
    s = uniform(rng, 4096, 1024, scale=4.0)
    ops.append(("softmax/4096x1024", "exp(x - max) / sum, per row", lambda: softmax_rows(s)))
    img, w = uniform(rng, 32, 1, 28, 28), uniform(rng, 32, 1, 3, 3)
    ops.append(("conv2d", "im2col (sliding_window_view) + matmul", lambda: conv2d_im2col(img, w)))
    t1, t2 = uniform(rng, 1), uniform(rng, 1)
    ops.append(("tinyAdd", "x + y, shape (1,)", lambda: t1 + t2))
    return ops


def time_call(fn, repeats):
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    number = max(number, 1)
    batches = timer.repeat(repeat=repeats, number=number)
    per_call = [t / number for t in batches]
    return statistics.median(per_call), min(per_call), number


def self_check():
    """The conv2d reference must be a real convolution before its time means anything."""
    rng = np.random.default_rng(1)
    x, w = uniform(rng, 2, 3, 5, 6), uniform(rng, 4, 3, 3, 3)
    padded = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (1, 1), (1, 1)))
    ref = np.zeros((2, 4, 5, 6))
    for i in range(5):
        for j in range(6):
            ref[:, :, i, j] = np.einsum("nchw,ochw->no", padded[:, :, i:i + 3, j:j + 3], w)
    if not np.allclose(conv2d_im2col(x, w), ref, rtol=1e-4, atol=1e-5):
        sys.exit("numpy_reference.py: conv2d_im2col disagrees with the direct loop")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="write results to this file")
    parser.add_argument("--only", help="time only the keys this regular expression finds")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_REPEATS} batches per op: a smoke run")
    parser.add_argument("--any-blas", action="store_true",
                        help="time even when NumPy did not load OpenBLAS (docs/benchmarks.md compares with OpenBLAS)")
    args = parser.parse_args()

    self_check()
    threads = int(os.environ.get("OPENBLAS_NUM_THREADS", "0")) or os.cpu_count()
    np.ones((2, 2), np.float32) @ np.ones((2, 2), np.float32)  # loads the BLAS NumPy's matmul calls
    info = blas_info()
    reference = reference_blas_paths()
    if not args.any_blas and (reference or not any(lib.get("internal_api") == "openblas" for lib in info)):
        # Debian's numpy falls back to the reference BLAS when no optimized one is installed: 17x slower at
        # matmul 1024^3 on stop 33's machine, which would make every ratio against "OpenBLAS" meaningless.
        sys.exit("numpy_reference.py: NumPy's matmul does not run on OpenBLAS (loaded: "
                 + ", ".join(reference or [str(lib) for lib in info])
                 + "); install it (Debian: apt-get install libopenblas0-pthread) or pass --any-blas")
    simd = simd_info()
    repeats = QUICK_REPEATS if args.quick else REPEATS
    print(f"numpy {np.__version__}, Python {platform.python_version()}, threads requested {threads}")
    print("OPENBLAS_CORETYPE=" + os.environ.get("OPENBLAS_CORETYPE", "(unset)")
          + " OPENBLAS_L2_SIZE=" + os.environ.get("OPENBLAS_L2_SIZE", "(unset)"))
    for lib in info:
        print("BLAS:", ", ".join(f"{k}={v}" for k, v in lib.items()))
    print("NumPy SIMD:", ", ".join(f"{k}={v}" for k, v in simd.items()))
    results = []
    for key, note, fn in operations():
        if args.only and not re.search(args.only, key):
            continue
        median, best, number = time_call(fn, repeats)
        results.append({"key": key, "threads": threads, "seconds": median, "best_seconds": best,
                        "calls_per_batch": number, "batches": repeats, "expression": note})
        print(f"{key:28s} {threads} thr  {median * 1e6:12.3f} us/op   {note}", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"numpy": np.__version__, "python": platform.python_version(), "threads": threads,
                       "env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")},
                       "blas": info, "simd": simd, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
