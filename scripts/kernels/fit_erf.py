"""Fits the float32 vector erf and gelu of runtime-cpu (VectorElementwiseF32.erf/gelu) and checks them.

Two regions of a = |x|:
  a < 1:   erf(x) = x P(x^2), P of degree 6 in x^2;
  a >= 1:  erfc(a) = exp(-a^2) Q(1/a) / a, Q of degree 9 in 1/a, fitted on [1, 4] (a is clamped
           to 4 inside Q: beyond it erfc(a) < 2e-8, below float32's resolution of erf near 1).
Coefficients are fitted by least squares with Lawson reweighting towards minimax relative error.
Prints them and the worst errors of a float32 evaluation (numpy float32 arithmetic, exp rounded
from float64 as the JDK's vector EXP is within 1 ulp) against Python's math.erf/erfc.
Run: python3 scripts/kernels/fit_erf.py
"""
import math
import numpy as np

def lawson(A, t, iters=100):
    w = np.ones(len(t))
    for _ in range(iters):
        W = np.sqrt(w)
        c, *_ = np.linalg.lstsq(A * W[:, None], t * W, rcond=None)
        err = (A @ c - t) / t
        w = w * np.abs(err) + 1e-30
        w /= w.sum()
    return c, np.abs((A @ c - t) / t).max()

z = np.linspace(0, 1, 6000)
x = np.sqrt(z)
t = np.array([math.erf(v) / v if v > 0 else 2 / math.sqrt(math.pi) for v in x])
P, eP = lawson(np.stack([z ** k for k in range(7)], 1), t)

a = np.linspace(1, 4, 6000)
s = 1 / a
t = np.array([math.erfc(v) * math.exp(v * v) * v for v in a])
Q, eQ = lawson(np.stack([s ** k for k in range(10)], 1), t)
print("fit: P max rel", eP, " Q max rel", eQ)
np.set_printoptions(precision=17)
print("P =", repr(P))
print("Q =", repr(Q))

f = np.float32
P32 = P.astype(f)
Q32 = Q.astype(f)

def horner(c, v):
    r = c[-1]
    for k in range(len(c) - 2, -1, -1):
        r = (r * v + c[k]).astype(f)
    return r

def erfc_large(av):
    """exp(-a^2) Q(1/a) / a for a >= 1, in float32."""
    ac = np.minimum(av, f(4))
    q = horner(Q32, (f(1) / ac).astype(f))
    e = np.exp(-(av * av).astype(np.float64)).astype(f)
    return (e * (q / ac).astype(f)).astype(f)

def erf32(xv):
    xv = xv.astype(f)
    av = np.abs(xv)
    small = (xv * horner(P32, (xv * xv).astype(f))).astype(f)
    large = np.copysign((f(1) - erfc_large(np.maximum(av, f(1)))).astype(f), xv)
    return np.where(av < 1, small, large)

def gelu32(xv):
    xv = xv.astype(f)
    h = (xv * f(math.sqrt(0.5))).astype(f)
    ah = np.abs(h)
    small = (f(0.5) * xv * (f(1) + (h * horner(P32, (h * h).astype(f))).astype(f))).astype(f)
    ec = erfc_large(np.maximum(ah, f(1)))
    # Clamped so that 0 * inf never happens: beyond 16, erfc(|x|/sqrt 2) is 0 in float32.
    half = (f(0.5) * np.clip(xv, f(-16), f(16))).astype(f)
    large = np.where(xv < 0, (half * ec).astype(f), (xv - (half * ec).astype(f)).astype(f))
    return np.where(ah < 1, small, large)

def gelu64(v):
    return 0.5 * v * math.erfc(-v / math.sqrt(2))

xs = np.concatenate([np.linspace(-8, 8, 400001), np.geomspace(1e-30, 1, 2000), -np.geomspace(1e-30, 1, 2000)]).astype(f)
ref = np.array([math.erf(float(v)) for v in xs])
got = erf32(xs).astype(np.float64)
rel = np.abs(got - ref) / np.maximum(np.abs(ref), 1e-38)
print("erf f32: max rel", rel.max(), " max abs", np.abs(got - ref).max())
xs = np.concatenate([np.linspace(-12, 12, 400001), np.geomspace(1e-30, 1, 2000), -np.geomspace(1e-30, 1, 2000)]).astype(f)
ref = np.array([gelu64(float(v)) for v in xs])
got = gelu32(xs).astype(np.float64)
err = np.abs(got - ref)
big = np.abs(ref) > 1e-6
worst = np.argmax(np.where(big, err / np.where(big, np.abs(ref), 1), 0))
print("gelu f32: max abs", err.max(), " max rel where |gelu| > 1e-6", err[worst] / abs(ref[worst]), "at x =", xs[worst])
print("erf(+-inf, nan):", erf32(np.array([np.inf, -np.inf, np.nan], f)),
      " gelu:", gelu32(np.array([np.inf, -np.inf, np.nan], f)))
