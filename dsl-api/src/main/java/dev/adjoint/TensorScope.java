package dev.adjoint;

import dev.adjoint.core.TensorException;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * A region of code whose tensors are released when it closes, so their memory is freed (on a
 * device) or recycled (the CPU's buffer pool) at a known point instead of at garbage collection:
 *
 * <pre>{@code
 * try (TensorScope scope = TensorScope.open()) {
 *     Tensor loss = model.loss(x, labels);     // every intermediate tensor belongs to the scope
 *     optimizer.applyGradients(gradients);
 *     return scope.keep(loss);                 // survives the scope; the rest is released
 * }
 * }</pre>
 *
 * <p>Every tensor an op creates while a scope is open on the current thread belongs to the
 * innermost one. {@link #keep} hands a tensor to the enclosing scope (or, at the outermost scope,
 * to the garbage collector), which is how a result leaves. Scopes nest and are per thread; a scope
 * must be closed on the thread that opened it, innermost first. Releasing is by reference count
 * (see {@link Tensor#release()}): a storage another live tensor still uses (a reshape kept out of
 * the scope, a {@link Variable}'s value) stays alive, and a released tensor used afterwards is a
 * {@link TensorException}, never a read of recycled memory.
 *
 * <p>This is DJL's {@code NDManager} idea on top of PyTorch's reference counting: the counts make
 * sharing safe, the scope gives Java, which has no destructors, the point where counts drop.
 */
public final class TensorScope implements AutoCloseable {

    private static final ThreadLocal<TensorScope> CURRENT = new ThreadLocal<>();

    private final TensorScope parent;
    private final Thread owner;
    private Tensor[] tensors = new Tensor[16];
    private int count;
    private boolean closed;

    private TensorScope(TensorScope parent) {
        this.parent = parent;
        this.owner = Thread.currentThread();
    }

    /** Opens a scope on the current thread, nested in the one already open, if any. */
    public static TensorScope open() {
        TensorScope scope = new TensorScope(CURRENT.get());
        CURRENT.set(scope);
        return scope;
    }

    /** True when a scope is open on the current thread. */
    public static boolean isOpen() {
        return CURRENT.get() != null;
    }

    /** Called by every new tensor: it belongs to the current thread's innermost scope, if any. */
    static void adopt(Tensor tensor) {
        TensorScope scope = CURRENT.get();
        if (scope != null) {
            scope.add(tensor);
        }
    }

    private void add(Tensor tensor) {
        if (count == tensors.length) {
            tensors = Arrays.copyOf(tensors, 2 * count);
        }
        tensors[count++] = tensor;
        tensor.scope = this;
    }

    /**
     * Lets {@code tensor} outlive this scope: it moves to the enclosing scope, or belongs to no scope
     * if this is the outermost one. A tensor of another scope, or of none, is returned unchanged (a
     * function's input returned as its result, say). Null is returned as null.
     *
     * @throws TensorException if this scope is closed or {@code tensor} was released
     */
    public Tensor keep(Tensor tensor) {
        if (closed) {
            throw new TensorException("keep", "the scope is closed");
        }
        if (tensor == null || tensor.scope != this) {
            return tensor;
        }
        tensor.requireLive("keep");
        tensor.scope = null;
        if (parent != null) {
            parent.add(tensor);
        }
        return tensor;
    }

    /**
     * Moves {@code tensor} out of whatever scope the current thread has open, as {@link #keep} does:
     * for library code that stores a tensor beyond the call that made it (an optimizer's moments, a
     * gradient accumulator), without being handed the scope.
     */
    public static Tensor keepCurrent(Tensor tensor) {
        TensorScope scope = CURRENT.get();
        return scope == null ? tensor : scope.keep(tensor);
    }

    /**
     * Runs {@code work} as if no scope were open on this thread, and returns its result: every tensor it creates
     * belongs to no scope (scopes it opens itself still work), so a caller's scope closing never releases them. For
     * library code whose tensors outlive the call that made them, whatever scope that call came from: a compiled
     * model's constants, an inference request's outputs and state. The caller's scopes are current again afterwards,
     * also when {@code work} throws.
     */
    public static <T> T unscoped(Supplier<T> work) {
        TensorScope current = CURRENT.get();
        if (current == null) {
            return work.get();
        }
        CURRENT.remove();
        try {
            return work.get();
        } finally {
            CURRENT.set(current);
        }
    }

    /** Takes {@code tensor} out of its scope for good: a variable's value, which only its owner releases. */
    static void detach(Tensor tensor) {
        tensor.scope = null;
    }

    /**
     * Releases every tensor created in this scope and not kept or released already, and makes the
     * enclosing scope current again.
     *
     * @throws IllegalStateException if called on another thread than the one that opened it, or
     *     while a scope nested in it is still open
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a TensorScope must be closed on the thread that opened it (" + owner
                    + "), not " + Thread.currentThread());
        }
        if (CURRENT.get() != this) {
            throw new IllegalStateException("a TensorScope was closed while a scope nested in it was still open:"
                    + " close scopes innermost first (try-with-resources does)");
        }
        closed = true;
        CURRENT.set(parent);
        for (int i = 0; i < count; i++) {
            Tensor t = tensors[i];
            tensors[i] = null;
            if (t.scope == this) {
                t.scope = null;
                t.releaseIfLive();
            }
        }
        count = 0;
    }
}
