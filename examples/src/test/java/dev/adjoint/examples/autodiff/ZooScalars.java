package dev.adjoint.examples.autodiff;

import dev.adjoint.annotation.Differentiable;

/**
 * Function zoo: scalar code — float and double mixed, narrowing compound assignments, casts,
 * ternaries, Math functions, constants, names reused in sibling blocks, long straight-line code.
 */
final class ZooScalars {

    static final double SCALE = 1.5;
    static final float QUARTER = 0.25f;
    static final int THREE = 3;

    private ZooScalars() {
    }

    @Differentiable
    static float floatParameters(float x, float y) {
        float z = x * y + QUARTER;
        z = z * z - y / (1 + x * x);
        return z * (float) Math.exp(-x);
    }

    /** Every compound assignment narrows back to float. */
    @SuppressWarnings("lossy-conversions")
    @Differentiable
    static float narrowingCompound(float x, double d) {
        float acc = x;
        acc += d * x;
        acc *= d;
        acc -= 0.5 * x;
        acc /= 1 + d * d;
        return acc;
    }

    @Differentiable
    static double castsBothWays(double x) {
        float f = (float) x;
        double d = f * 2.0;
        int whole = (int) (x * 10);
        return (double) (float) (d * x) + whole * x + (double) f / 3;
    }

    @Differentiable
    static double floatAndDoubleOperands(float x, double y) {
        double a = x * y;
        float b = x * 2;
        return a / b + Math.sqrt(y * b) + x;
    }

    /** Huber-like piecewise function with nested ternaries. */
    @Differentiable
    static double nestedTernaries(double x) {
        double a = Math.abs(x);
        return a < 0.5 ? 0.5 * x * x : a < 1.5 ? 0.5 * (a - 0.25) : x > 0 ? Math.log(x) + 1 : -x;
    }

    /** Only the taken branch of a ternary runs. */
    @Differentiable
    static double ternaryWithCalls(double x, double y) {
        double z = x > y ? Math.log1p(x * x) : Math.expm1(y);
        return Math.exp(x > 0 ? -x : x) * z + (y > 0 ? ZooMath.square(y) : y);
    }

    @Differentiable
    static double ternaryInLoop(double x) {
        double y = x;
        for (int i = 0; i < 6; i++) {
            y = i % 2 == 0 ? y * x : (y > 1 ? Math.sqrt(y) : y + x);
        }
        return y;
    }

    @Differentiable
    static double expLogSqrtPow(double x, double y) {
        return Math.exp(x) * Math.log(y) + Math.sqrt(x * y) + Math.pow(x, y) + Math.pow(x, 3) + Math.pow(2, x)
                + Math.pow(y, 0.5);
    }

    @Differentiable
    static double sigmoidCompositions(double x) {
        double sigmoid = 1 / (1 + Math.exp(-x));
        double swish = x * sigmoid;
        double softplus = Math.log1p(Math.exp(x));
        double stable = Math.log(1 + Math.exp(-Math.abs(x))) + Math.max(x, 0);
        return sigmoid * swish + softplus * stable + Math.tanh(swish);
    }

    @Differentiable
    static double atan2AndHypot(double x, double y) {
        return Math.atan2(y, x) * Math.hypot(x, y) + Math.atan2(x * x, 1 + y * y);
    }

    /** Math.max against an int literal (ReLU), Math.min with the literal first, abs. */
    @Differentiable
    static double maxMinAbs(double x, double y) {
        return Math.max(x, 0) + Math.min(1, y) * 2 + Math.abs(x - y) + Math.max(x, y) * Math.min(x, y);
    }

    @Differentiable
    static double trigonometry(double x) {
        double s = 0.4 * Math.tanh(x);
        return Math.sin(x) * Math.cos(x) + Math.tan(s) + Math.asin(s) + Math.acos(s) + Math.atan(x)
                + Math.sinh(s) * Math.cosh(s);
    }

    @Differentiable
    static double moreMath(double x) {
        double p = x * x + 1;
        return Math.cbrt(x) + Math.log10(p) + Math.expm1(x / 3) + Math.floor(p) * x + Math.signum(x) * x
                + Math.toRadians(x) + Math.toDegrees(x) / 100;
    }

    @Differentiable
    static double staticFinalConstants(double x) {
        return SCALE * x + Math.PI * QUARTER * x * x + THREE / SCALE + Math.E / THREE * x;
    }

    /** The names t and u declared again in sibling blocks and branches. */
    @Differentiable
    static double namesReusedInSiblingBlocks(double x) {
        double y = 0;
        {
            double t = x * x;
            y += t;
        }
        {
            double t = Math.sin(x);
            y *= t;
        }
        if (x > 0) {
            double u = y * 2;
            y = u + x;
        } else {
            double u = y / 2;
            y = u - x;
        }
        for (int i = 0; i < 2; i++) {
            double t = y * x;
            y = t + 1;
        }
        return y;
    }

    /** Locals named like the names the generated code uses. */
    @Differentiable
    static double localsNamedLikeGeneratedCode(double x) {
        double result = x * 2;
        double value = result * x;
        double dy = value + 1;
        double bx = dy * dy;
        double bresult = bx - x;
        int trips = 0;
        double stack = 0;
        for (int i = 0; i < 3; i++) {
            stack += bresult * 0.1;
            trips++;
        }
        double variables = stack * trips;
        double pullback = variables + result;
        double self = pullback * x;
        double t0 = self + Math.sin(x);
        return t0;
    }

    /** Integer arithmetic inside differentiated expressions: int division must stay int division. */
    @Differentiable
    static double intArithmeticInOperands(double x, int n) {
        return x * (n / 2) + x / n + (n - 1) * x * x + x * (n % 3) + (double) (n / 4) * x;
    }

    /** Compound assignments whose right side is an int expression. */
    @Differentiable
    static double compoundWithIntRightSide(double x, int n) {
        double y = x * x;
        y *= n + 1;
        y /= 2 * n;
        y -= n - 1;
        return y;
    }

    @Differentiable
    static double unaryMinusAndPlus(double x) {
        return -x * -x + +x - (-(x * 3)) - -2.0;
    }

    /** A parameter reassigned and updated in place. */
    @Differentiable
    static double reassignedParameter(double x) {
        x = x * x;
        x += Math.sin(x);
        x++;
        x *= x;
        return x * 3;
    }

    @Differentiable
    static double incrementAndDecrement(double x) {
        double y = x;
        y++;
        ++y;
        y--;
        double z = y * y;
        z--;
        return z * x;
    }

    /** Rules that read their own output (pow, sqrt, exp) on a value the loop overwrites. */
    @Differentiable
    static double outputsOverwrittenInLoop(double x, double p) {
        double y = x;
        for (int i = 0; i < 3; i++) {
            y = Math.pow(y, p) + 0.1;
            y = Math.sqrt(y + x);
            y = Math.exp(-y) + y;
        }
        return y;
    }

    @Differentiable
    static double longAndIntData(double x, long big, int small) {
        double y = x * big + small;
        y = y / (big + small) + x * (big - small);
        return y * x;
    }

    /** A loop whose body is long enough for the generated code to split it into helper methods. */
    @Differentiable
    static double longLoopBody(double x, double y) {
        double a = x;
        double b = y;
        for (int i = 0; i < 3; i++) {
            a = Math.tanh(a + b * 0.3);
            b = b * 0.7 + Math.tanh(a) * 0.3;
            a = a * 0.8 + b * 0.2 + 0.01 * x;
            b = Math.cos(b) * 0.2 + b * 0.8 - 0.01 * y;
            a = Math.sin(a) * 0.5 + a * 0.5;
            b = b + a * a * 0.01;
            a = Math.tanh(a + b * 0.3);
            b = b * 0.7 + Math.tanh(a) * 0.3;
            a = a * 0.8 + b * 0.2 + 0.01 * x;
            b = Math.cos(b) * 0.2 + b * 0.8 - 0.01 * y;
            a = Math.sin(a) * 0.5 + a * 0.5;
            b = b + a * a * 0.01;
            a = Math.tanh(a + b * 0.3);
            b = b * 0.7 + Math.tanh(a) * 0.3;
            if (a > b) {
                a = a * 0.9 + Math.sin(b) * 0.1;
            } else {
                b = b * 0.9 + Math.cos(a) * 0.1;
            }
            a = Math.sin(a) * 0.5 + a * 0.5;
            b = b + a * a * 0.01;
            a = Math.tanh(a + b * 0.3);
            b = b * 0.7 + Math.tanh(a) * 0.3;
            a = a * 0.8 + b * 0.2 + 0.01 * x;
            b = Math.cos(b) * 0.2 + b * 0.8 - 0.01 * y;
            if (i == 1) {
                continue;
            }
            a = Math.tanh(a + b * 0.3);
            b = b * 0.7 + Math.tanh(a) * 0.3;
            a = a * 0.8 + b * 0.2 + 0.01 * x;
            b = Math.cos(b) * 0.2 + b * 0.8 - 0.01 * y;
            a = Math.sin(a) * 0.5 + a * 0.5;
            b = b + a * a * 0.01;
            a = Math.tanh(a + b * 0.3);
            b = b * 0.7 + Math.tanh(a) * 0.3;
            a = a * 0.8 + b * 0.2 + 0.01 * x;
            b = Math.cos(b) * 0.2 + b * 0.8 - 0.01 * y;
            a = Math.sin(a) * 0.5 + a * 0.5;
            b = b + a * a * 0.01;
            a = Math.tanh(a + b * 0.3);
            b = b * 0.7 + Math.tanh(a) * 0.3;
            a = a * 0.8 + b * 0.2 + 0.01 * x;
            b = Math.cos(b) * 0.2 + b * 0.8 - 0.01 * y;
            a = Math.sin(a) * 0.5 + a * 0.5;
            b = b + a * a * 0.01;
            a = Math.tanh(a + b * 0.3);
            b = b * 0.7 + Math.tanh(a) * 0.3;
            if (a > b) {
                a = a * 0.9 + Math.sin(b) * 0.1;
            } else {
                b = b * 0.9 + Math.cos(a) * 0.1;
            }
            a = Math.sin(a) * 0.5 + a * 0.5;
            b = b + a * a * 0.01;
            a = Math.tanh(a + b * 0.3);
            b = b * 0.7 + Math.tanh(a) * 0.3;
            a = a * 0.8 + b * 0.2 + 0.01 * x;
            b = Math.cos(b) * 0.2 + b * 0.8 - 0.01 * y;
            if (i == 1) {
                continue;
            }
            a = Math.tanh(a + b * 0.3);
            b = b * 0.7 + Math.tanh(a) * 0.3;
            a = a * 0.8 + b * 0.2 + 0.01 * x;
            b = Math.cos(b) * 0.2 + b * 0.8 - 0.01 * y;
            a = Math.sin(a) * 0.5 + a * 0.5;
            b = b + a * a * 0.01;
            a = Math.tanh(a + b * 0.3);
            b = b * 0.7 + Math.tanh(a) * 0.3;
            a = a * 0.8 + b * 0.2 + 0.01 * x;
            b = Math.cos(b) * 0.2 + b * 0.8 - 0.01 * y;
            a = Math.sin(a) * 0.5 + a * 0.5;
            b = b + a * a * 0.01;
            a = Math.tanh(a + b * 0.3);
            b = b * 0.7 + Math.tanh(a) * 0.3;
            a = a * 0.8 + b * 0.2 + 0.01 * x;
            b = Math.cos(b) * 0.2 + b * 0.8 - 0.01 * y;
            a = Math.sin(a) * 0.5 + a * 0.5;
            b = b + a * a * 0.01;
            a = Math.tanh(a + b * 0.3);
            b = b * 0.7 + Math.tanh(a) * 0.3;
            if (a > b) {
                a = a * 0.9 + Math.sin(b) * 0.1;
            } else {
                b = b * 0.9 + Math.cos(a) * 0.1;
            }
            a = Math.sin(a) * 0.5 + a * 0.5;
            b = b + a * a * 0.01;
            a = Math.tanh(a + b * 0.3);
            b = b * 0.7 + Math.tanh(a) * 0.3;
            a = a * 0.8 + b * 0.2 + 0.01 * x;
            b = Math.cos(b) * 0.2 + b * 0.8 - 0.01 * y;
            if (i == 1) {
                continue;
            }
            a = Math.tanh(a + b * 0.3);
            b = b * 0.7 + Math.tanh(a) * 0.3;
            a = a * 0.8 + b * 0.2 + 0.01 * x;
            b = Math.cos(b) * 0.2 + b * 0.8 - 0.01 * y;
            a = Math.sin(a) * 0.5 + a * 0.5;
            b = b + a * a * 0.01;
        }
        return a * b;
    }
    /** Sixty statements of straight-line code. */
    @Differentiable
    static double straightLine(double x, double y) {
        double a0 = x * y;
        double b0 = x + y;
        double a1 = a0 * 0.3 + Math.cos(b0);
        double b1 = Math.tanh(a1 - b0) + x;
        double a2 = Math.tanh(a1 - b1) + x;
        double b2 = b1 * 0.9 - y * 0.1 + a2 * 0.05;
        double a3 = b2 * 0.9 - y * 0.1 + a2 * 0.05;
        double b3 = Math.sin(a3) + b2 * 0.5;
        double a4 = Math.sin(a3) + b3 * 0.5;
        double b4 = a4 * 0.3 + Math.cos(b3);
        double a5 = a4 * 0.3 + Math.cos(b4);
        double b5 = Math.tanh(a5 - b4) + x;
        double a6 = Math.tanh(a5 - b5) + x;
        double b6 = b5 * 0.9 - y * 0.1 + a6 * 0.05;
        double a7 = b6 * 0.9 - y * 0.1 + a6 * 0.05;
        double b7 = Math.sin(a7) + b6 * 0.5;
        double a8 = Math.sin(a7) + b7 * 0.5;
        double b8 = a8 * 0.3 + Math.cos(b7);
        double a9 = a8 * 0.3 + Math.cos(b8);
        double b9 = Math.tanh(a9 - b8) + x;
        double a10 = Math.tanh(a9 - b9) + x;
        double b10 = b9 * 0.9 - y * 0.1 + a10 * 0.05;
        double a11 = b10 * 0.9 - y * 0.1 + a10 * 0.05;
        double b11 = Math.sin(a11) + b10 * 0.5;
        double a12 = Math.sin(a11) + b11 * 0.5;
        double b12 = a12 * 0.3 + Math.cos(b11);
        double a13 = a12 * 0.3 + Math.cos(b12);
        double b13 = Math.tanh(a13 - b12) + x;
        double a14 = Math.tanh(a13 - b13) + x;
        double b14 = b13 * 0.9 - y * 0.1 + a14 * 0.05;
        double a15 = b14 * 0.9 - y * 0.1 + a14 * 0.05;
        double b15 = Math.sin(a15) + b14 * 0.5;
        double a16 = Math.sin(a15) + b15 * 0.5;
        double b16 = a16 * 0.3 + Math.cos(b15);
        double a17 = a16 * 0.3 + Math.cos(b16);
        double b17 = Math.tanh(a17 - b16) + x;
        double a18 = Math.tanh(a17 - b17) + x;
        double b18 = b17 * 0.9 - y * 0.1 + a18 * 0.05;
        double a19 = b18 * 0.9 - y * 0.1 + a18 * 0.05;
        double b19 = Math.sin(a19) + b18 * 0.5;
        double a20 = Math.sin(a19) + b19 * 0.5;
        double b20 = a20 * 0.3 + Math.cos(b19);
        double a21 = a20 * 0.3 + Math.cos(b20);
        double b21 = Math.tanh(a21 - b20) + x;
        double a22 = Math.tanh(a21 - b21) + x;
        double b22 = b21 * 0.9 - y * 0.1 + a22 * 0.05;
        double a23 = b22 * 0.9 - y * 0.1 + a22 * 0.05;
        double b23 = Math.sin(a23) + b22 * 0.5;
        double a24 = Math.sin(a23) + b23 * 0.5;
        double b24 = a24 * 0.3 + Math.cos(b23);
        double a25 = a24 * 0.3 + Math.cos(b24);
        double b25 = Math.tanh(a25 - b24) + x;
        double a26 = Math.tanh(a25 - b25) + x;
        double b26 = b25 * 0.9 - y * 0.1 + a26 * 0.05;
        double a27 = b26 * 0.9 - y * 0.1 + a26 * 0.05;
        double b27 = Math.sin(a27) + b26 * 0.5;
        double a28 = Math.sin(a27) + b27 * 0.5;
        double b28 = a28 * 0.3 + Math.cos(b27);
        double a29 = a28 * 0.3 + Math.cos(b28);
        double b29 = Math.tanh(a29 - b28) + x;
        return a29 + b29;
    }
}
