package dev.adjoint.grad;

import java.util.Arrays;

/**
 * The small LIFO stack generated gradient code uses inside loops: branch choices, loop trip counts
 * and values a loop overwrites. It is not a tape: it holds no operations, only the few values the
 * reverse pass cannot recompute. One stack lives for one gradient call.
 */
public final class AdjointStack {

    private double[] doubles = new double[16];
    private int doubleCount;
    private int[] ints = new int[16];
    private int intCount;
    private Object[] objects = new Object[4];
    private int objectCount;

    public void pushDouble(double value) {
        if (doubleCount == doubles.length) {
            doubles = Arrays.copyOf(doubles, doubleCount * 2);
        }
        doubles[doubleCount++] = value;
    }

    public double popDouble() {
        if (doubleCount == 0) {
            throw underflow();
        }
        return doubles[--doubleCount];
    }

    public void pushInt(int value) {
        if (intCount == ints.length) {
            ints = Arrays.copyOf(ints, intCount * 2);
        }
        ints[intCount++] = value;
    }

    public int popInt() {
        if (intCount == 0) {
            throw underflow();
        }
        return ints[--intCount];
    }

    public void pushBoolean(boolean value) {
        pushInt(value ? 1 : 0);
    }

    public boolean popBoolean() {
        return popInt() != 0;
    }

    public void pushLong(long value) {
        pushObject(value);
    }

    public long popLong() {
        return (Long) popObject();
    }

    public void pushObject(Object value) {
        if (objectCount == objects.length) {
            objects = Arrays.copyOf(objects, objectCount * 2);
        }
        objects[objectCount++] = value;
    }

    public Object popObject() {
        if (objectCount == 0) {
            throw underflow();
        }
        Object value = objects[--objectCount];
        objects[objectCount] = null;
        return value;
    }

    /** True when every pushed value was popped again, as it must be after a reverse pass. */
    public boolean isEmpty() {
        return doubleCount == 0 && intCount == 0 && objectCount == 0;
    }

    private static IllegalStateException underflow() {
        return new IllegalStateException("AdjointStack underflow: generated gradient code is out of step with its forward pass");
    }
}
