"""Fits the float32 vector tanh of runtime-cpu (VectorElementwiseF32.tanh) and checks it.

tanh(x) ~ (x + x^3 P(x^2)) / Q(x^2) with P of degree 3 and Q of degree 4 in x^2, fitted on
(0, 8.0177] by linearised least squares with Lawson reweighting towards minimax relative error.
Prints the coefficients and the worst relative error of a float32 evaluation on [-20, 20].
Run: python3 scripts/kernels/fit_tanh.py
"""
import numpy as np
X=np.concatenate([np.linspace(1e-4,1,4000),np.linspace(1,8.0177,6000)])
T=np.tanh(X)
z=X*X
def design(w_den):
    # unknowns: p3,p5,p7,p9,q2,q4,q6,q8 ; residual: x + x^3 P(z) - t*(1+ sum q z^k) = 0
    A=np.stack([X**3, X**3*z, X**3*z**2, X**3*z**3, -T*z, -T*z**2, -T*z**3, -T*z**4],1)
    b=T-X
    return A,b
w=np.ones_like(X)
den=np.ones_like(X)
for it in range(60):
    A,b=design(den)
    W=w/(T*den)
    c,*_=np.linalg.lstsq(A*W[:,None], b*W, rcond=None)
    p=c[:4]; q=c[4:]
    num=X+X**3*(p[0]+p[1]*z+p[2]*z**2+p[3]*z**3)
    den=1+q[0]*z+q[1]*z**2+q[2]*z**3+q[3]*z**4
    err=(num/den-T)/T
    # Lawson reweighting toward minimax
    w=w*np.abs(err)**0.5; w=w/w.max()+1e-12
    if it%10==9: print(it, np.abs(err).max())
np.set_printoptions(precision=17)
print(repr(c))
# float32 evaluation check
xs=np.linspace(-20,20,400001).astype(np.float32)
def f32(x):
    x=np.clip(x,np.float32(-9),np.float32(9)).astype(np.float32); x2=(x*x).astype(np.float32)
    c32=c.astype(np.float32)
    P=((c32[3]*x2+c32[2])*x2+c32[1])*x2+c32[0]
    Q=(((c32[7]*x2+c32[6])*x2+c32[5])*x2+c32[4])*x2+np.float32(1)
    return np.clip(((x2*x)*P+x)/Q, np.float32(-1), np.float32(1))
r=f32(xs).astype(np.float64); ref=np.tanh(xs.astype(np.float64))
m=np.abs(ref)>1e-30
print("f32 max rel", (np.abs(r-ref)[m]/np.abs(ref[m])).max())
