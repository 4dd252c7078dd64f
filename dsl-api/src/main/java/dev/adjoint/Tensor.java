package dev.adjoint;

import dev.adjoint.annotation.Elementwise;
import dev.adjoint.core.DType;
import dev.adjoint.core.Device;
import dev.adjoint.core.Shape;
import dev.adjoint.core.Slice;
import dev.adjoint.core.TensorException;
import dev.adjoint.op.BinaryOp;
import dev.adjoint.op.ComputeOp;
import dev.adjoint.op.Op;
import dev.adjoint.op.TensorType;
import dev.adjoint.op.Conv2dSpec;
import dev.adjoint.op.Pool2dSpec;
import dev.adjoint.op.ReduceOp;
import dev.adjoint.op.UnaryOp;
import dev.adjoint.op.WeakScalar;
import dev.adjoint.spi.Backend;
import dev.adjoint.spi.Backends;
import dev.adjoint.spi.Operand;
import dev.adjoint.spi.Storage;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.random.RandomGenerator;

/**
 * An immutable n-dimensional array that computes eagerly, like a NumPy array or a TensorFlow eager
 * tensor: every op runs when it is called and returns a new tensor.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new float[][] {{2}});
 * System.out.println(x.matmul(x));   // Tensor([[4.]], shape=(1, 1), dtype=float32)
 * }</pre>
 *
 * <p>Ops validate their inputs at the call and throw {@link TensorException} naming the op, the
 * shapes or dtypes and the rule broken; that includes a null argument
 * ({@code add: argument 'other' is null}) and a result with more elements than the backend can
 * hold in one tensor. Binary ops broadcast as in NumPy and promote dtypes as {@link DType}
 * describes; Java scalars are weakly typed ({@link WeakScalar}). NaN and infinities behave as in
 * NumPy. Each method's javadoc names its NumPy equivalent.
 *
 * <p>A tensor lives on one {@link Device}; its ops run on that device's {@link Backend}, and
 * {@link #to(Device)} copies it elsewhere. Tensors created from Java values go to the default
 * backend ({@link Backends#defaultBackend()}, the CPU unless changed).
 *
 * <p>A tensor's memory is freed by the garbage collector, or earlier and deterministically by
 * {@link #release()} or a {@link TensorScope}: tensors sharing a storage (a reshape, {@link #share()})
 * count their references, the storage is freed (on the CPU: recycled for later results) when the
 * last one is released, and a released tensor is an error to use. See {@code docs/memory.md}.
 */
public final class Tensor implements Iterable<Tensor> {
    private final StorageRef ref;
    private final Shape shape;
    /** Set once by {@link #release()}; a released handle refuses every use. */
    private boolean released;
    /** The scope this tensor belongs to, or null; maintained by {@link TensorScope}. */
    TensorScope scope;

    private Tensor(Storage storage, Shape shape) {
        this(new StorageRef(storage), shape);
    }

    private Tensor(StorageRef ref, Shape shape) {
        this.ref = ref;
        this.shape = shape;
        TensorScope.adopt(this);
    }

    /**
     * The reference count of one storage, shared by every tensor handle that reads it (a tensor and
     * its reshapes, say). The storage is released, freeing or recycling its memory, when the last
     * handle is released.
     */
    private static final class StorageRef {
        private static final VarHandle COUNT;

        static {
            try {
                COUNT = MethodHandles.lookup().findVarHandle(StorageRef.class, "count", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final Storage storage;
        @SuppressWarnings("unused") // updated through COUNT
        private volatile int count = 1;

        StorageRef(Storage storage) {
            this.storage = storage;
        }

        void retain() {
            COUNT.getAndAdd(this, 1);
        }

        void release() {
            if ((int) COUNT.getAndAdd(this, -1) == 1) {
                storage.release();
            }
        }

        int count() {
            return count;
        }
    }

    /**
     * Wraps a backend's storage as a tensor of {@code shape}. For backends and engines built on the
     * SPI; user code creates tensors with the factory methods below.
     */
    public static Tensor fromStorage(Storage storage, Shape shape) {
        argument("fromStorage", "storage", storage);
        argument("fromStorage", "shape", shape);
        if (storage.size() != shape.size()) {
            throw new TensorException("fromStorage", "storage holds " + storage.size()
                    + " elements but shape " + shape + " needs " + shape.size());
        }
        return new Tensor(storage, shape);
    }

    // ============================================================================================
    // Creation
    // ============================================================================================

    /** A 0-d {@code float32} tensor. NumPy: {@code np.float32(v)}. */
    public static Tensor of(float value) {
        return fromHost(new float[] {value}, DType.FLOAT32, Shape.SCALAR);
    }

    /** A 0-d {@code float64} tensor. NumPy: {@code np.float64(v)}. */
    public static Tensor of(double value) {
        return fromHost(new double[] {value}, DType.FLOAT64, Shape.SCALAR);
    }

    /** A 0-d {@code int32} tensor. NumPy: {@code np.int32(v)}. */
    public static Tensor of(int value) {
        return fromHost(new int[] {value}, DType.INT32, Shape.SCALAR);
    }

    /** A 0-d {@code int64} tensor. NumPy: {@code np.int64(v)}. */
    public static Tensor of(long value) {
        return fromHost(new long[] {value}, DType.INT64, Shape.SCALAR);
    }

    /** A 0-d {@code bool} tensor. NumPy: {@code np.bool_(v)}. */
    public static Tensor of(boolean value) {
        return fromHost(new boolean[] {value}, DType.BOOL, Shape.SCALAR);
    }

    /**
     * A tensor copied from a nested Java array of any depth: {@code float[][]} gives a 2-d
     * {@code float32} tensor, {@code int[]} a 1-d {@code int32} one; the element type picks the dtype
     * ({@code float, double, int, long, boolean}). Ragged arrays are rejected. NumPy:
     * {@code np.array(nested)}.
     */
    public static Tensor of(Object nestedArray) {
        HostArrays.Flat flat = HostArrays.flatten(nestedArray);
        return fromHost(flat.array(), flat.dtype(), flat.shape());
    }

    /** A tensor of {@code shape} holding a copy of the row-major {@code data}. NumPy: {@code np.reshape(data, shape)}. */
    public static Tensor of(float[] data, Shape shape) {
        return fromFlat(argument("of", "data", data).clone(), data.length, DType.FLOAT32, shape);
    }

    /** As {@link #of(float[], Shape)} for {@code float64}. */
    public static Tensor of(double[] data, Shape shape) {
        return fromFlat(argument("of", "data", data).clone(), data.length, DType.FLOAT64, shape);
    }

    /** As {@link #of(float[], Shape)} for {@code int32}. */
    public static Tensor of(int[] data, Shape shape) {
        return fromFlat(argument("of", "data", data).clone(), data.length, DType.INT32, shape);
    }

    /** As {@link #of(float[], Shape)} for {@code int64}. */
    public static Tensor of(long[] data, Shape shape) {
        return fromFlat(argument("of", "data", data).clone(), data.length, DType.INT64, shape);
    }

    /** As {@link #of(float[], Shape)} for {@code bool}. */
    public static Tensor of(boolean[] data, Shape shape) {
        return fromFlat(argument("of", "data", data).clone(), data.length, DType.BOOL, shape);
    }

    private static Tensor fromFlat(Object data, int length, DType dtype, Shape shape) {
        argument("of", "shape", shape);
        if (length != shape.size()) {
            throw new TensorException("of", "data has " + length + " elements but shape " + shape
                    + " needs " + shape.size());
        }
        return fromHost(data, dtype, shape);
    }

    private static Tensor fromHost(Object flat, DType dtype, Shape shape) {
        Backend backend = Backends.defaultBackend();
        return new Tensor(backend.fromArray(flat, dtype), shape);
    }

    /** A {@code float32} tensor of zeros. NumPy: {@code np.zeros(dims, np.float32)}. */
    public static Tensor zeros(int... dims) {
        return full("zeros", DType.FLOAT32, WeakScalar.of(0), dims);
    }

    /** Zeros of {@code dtype}. NumPy: {@code np.zeros(dims, dtype)}. */
    public static Tensor zeros(DType dtype, int... dims) {
        return full("zeros", dtype, WeakScalar.of(0), dims);
    }

    /** A {@code float32} tensor of ones. NumPy: {@code np.ones(dims, np.float32)}. */
    public static Tensor ones(int... dims) {
        return full("ones", DType.FLOAT32, WeakScalar.of(1), dims);
    }

    /** Ones of {@code dtype}. NumPy: {@code np.ones(dims, dtype)}. */
    public static Tensor ones(DType dtype, int... dims) {
        return full("ones", dtype, WeakScalar.of(1), dims);
    }

    /**
     * A {@code float32} tensor filled with {@code value}, whatever the Java type of {@code value}.
     * NumPy: {@code np.full(dims, value, np.float32)}.
     */
    public static Tensor full(double value, int... dims) {
        return full("full", DType.FLOAT32, WeakScalar.of(value), dims);
    }

    /**
     * A tensor of {@code dtype} filled with {@code value}, converted as {@link #cast} converts (a
     * fraction truncates into an integer dtype). NumPy: {@code np.full(dims, value, dtype)}.
     *
     * @throws TensorException if {@code dtype} is an integer type and {@code value} is NaN,
     *     infinite or out of its range
     */
    public static Tensor full(DType dtype, double value, int... dims) {
        return full("full", dtype, WeakScalar.of(value), dims);
    }

    /**
     * A tensor of {@code dtype} filled with the integer {@code value}, exactly for {@code int64}.
     *
     * @throws TensorException if {@code value} is out of an integer {@code dtype}'s range
     */
    public static Tensor full(DType dtype, long value, int... dims) {
        return full("full", dtype, WeakScalar.of(value), dims);
    }

    private static Tensor full(String op, DType dtype, WeakScalar value, int... dims) {
        argument(op, "dtype", dtype);
        Backend backend = Backends.defaultBackend();
        Shape shape = fits(Shape.of(op, dims), op, backend);
        value.checkFits(op, dtype);
        return filled(backend, dtype, shape, value);
    }

    /** Zeros with {@code like}'s shape, dtype and device. NumPy: {@code np.zeros_like(like)}. */
    public static Tensor zerosLike(Tensor like) {
        return fullLike("zerosLike", like, WeakScalar.of(0));
    }

    /** Ones with {@code like}'s shape, dtype and device. NumPy: {@code np.ones_like(like)}. */
    public static Tensor onesLike(Tensor like) {
        return fullLike("onesLike", like, WeakScalar.of(1));
    }

    /**
     * {@code value} everywhere, with {@code like}'s shape, dtype and device, converted as
     * {@link #cast} converts. NumPy: {@code np.full_like(like, value)}.
     *
     * @throws TensorException if {@code like} is an integer tensor and {@code value} is NaN,
     *     infinite or out of its range
     */
    public static Tensor fullLike(Tensor like, double value) {
        return fullLike("fullLike", like, WeakScalar.of(value));
    }

    /** As {@link #fullLike(Tensor, double)} with an integer {@code value}, exact for {@code int64}. */
    public static Tensor fullLike(Tensor like, long value) {
        return fullLike("fullLike", like, WeakScalar.of(value));
    }

    private static Tensor fullLike(String op, Tensor like, WeakScalar value) {
        argument(op, "like", like);
        value.checkFits(op, like.dtype());
        return filled(like.backend(), like.dtype(), like.shape, value);
    }

    /**
     * A storage of {@code shape} holding {@code value} in {@code dtype}. {@link Op.Fill} takes a
     * double, which holds every value except {@code int64}s beyond 2^53; those are broadcast from a
     * one-element storage instead, so they stay exact.
     */
    private static Tensor filled(Backend backend, DType dtype, Shape shape, WeakScalar value) {
        long exactInDouble = 1L << 53;
        long integer = value.value().longValue();
        if (dtype == DType.INT64 && value.isInteger() && (integer > exactInDouble || integer < -exactInDouble)) {
            Tensor one = new Tensor(backend.fromArray(value.toArray(dtype), dtype), Shape.SCALAR);
            Tensor result = run(new Op.BroadcastTo(shape), backend, one);
            one.release();
            return result;
        }
        return run(new Op.Fill(dtype, shape, value.value().doubleValue()), backend);
    }

    /** The {@code n x n} {@code float32} identity matrix. NumPy: {@code np.eye(n, dtype=np.float32)}. */
    public static Tensor eye(int n) {
        return eye(n, DType.FLOAT32);
    }

    /** The {@code n x n} identity matrix of {@code dtype}. NumPy: {@code np.eye(n, dtype=dtype)}. */
    public static Tensor eye(int n, DType dtype) {
        argument("eye", "dtype", dtype);
        if (n < 0) {
            throw new TensorException("eye", "size must be >= 0, got " + n);
        }
        Shape shape = hostShape("eye", n, n);
        double[] data = new double[(int) shape.size()];
        for (int i = 0; i < n; i++) {
            data[i * n + i] = 1;
        }
        return fromHost(data, DType.FLOAT64, shape).cast(dtype);
    }

    /** {@code 0, 1, ..., stop-1} as {@code int32}. NumPy: {@code np.arange(stop)}. */
    public static Tensor arange(int stop) {
        return arange(0, stop, 1);
    }

    /**
     * {@code 0, 1, ..., stop-1} as {@code int32} on {@code device}, without a detour through the
     * default device. PyTorch: {@code torch.arange(stop, device=device)}.
     */
    public static Tensor arange(int stop, Device device) {
        argument("arange", "device", device);
        int n = arangeLength(0, stop, 1);
        int[] data = new int[n];
        Arrays.setAll(data, i -> i);
        return new Tensor(Backends.forDevice(device).fromArray(data, DType.INT32), Shape.of(n));
    }

    /** {@code start, start+step, ...} up to but excluding {@code stop}, as {@code int32}. NumPy: {@code np.arange(start, stop, step)}. */
    public static Tensor arange(int start, int stop, int step) {
        int n = arangeLength(start, stop, step);
        int[] data = new int[n];
        for (int i = 0; i < n; i++) {
            data[i] = start + i * step;
        }
        return fromHost(data, DType.INT32, Shape.of(n));
    }

    /** As {@link #arange(int, int, int)} with fractional bounds, as {@code float32}. */
    public static Tensor arange(double start, double stop, double step) {
        int n = arangeLength(start, stop, step);
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = (float) (start + i * step);
        }
        return fromHost(data, DType.FLOAT32, Shape.of(n));
    }

    private static int arangeLength(double start, double stop, double step) {
        if (step == 0 || !Double.isFinite(step) || !Double.isFinite(start) || !Double.isFinite(stop)) {
            throw new TensorException("arange", "needs finite bounds and a non-zero step, got start=" + start
                    + " stop=" + stop + " step=" + step);
        }
        double n = Math.ceil((stop - start) / step);
        if (n > HostArrays.MAX_LENGTH) {
            throw new TensorException("arange", "would have " + (long) n + " elements");
        }
        return (int) Math.max(0, n);
    }

    /** {@code num} evenly spaced {@code float32} values from {@code start} to {@code stop} inclusive. NumPy: {@code np.linspace}. */
    public static Tensor linspace(double start, double stop, int num) {
        if (num < 0) {
            throw new TensorException("linspace", "num must be >= 0, got " + num);
        }
        float[] data = new float[(int) hostShape("linspace", num).size()];
        double step = num > 1 ? (stop - start) / (num - 1) : 0;
        for (int i = 0; i < num; i++) {
            data[i] = (float) (i == num - 1 && num > 1 ? stop : start + i * step);
        }
        return fromHost(data, DType.FLOAT32, Shape.of(num));
    }

    /**
     * {@code float32} samples uniform in {@code [low, high)} drawn from {@code rng}, so the same seed
     * gives the same tensor on every backend. NumPy: {@code rng.uniform(low, high, dims)}.
     */
    public static Tensor randomUniform(RandomGenerator rng, double low, double high, int... dims) {
        if (!(low < high)) {
            throw new TensorException("randomUniform", "needs low < high, got low=" + low + " high=" + high);
        }
        argument("randomUniform", "rng", rng);
        Shape shape = hostShape("randomUniform", dims);
        float[] data = new float[(int) shape.size()];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rng.nextDouble(low, high);
        }
        return fromHost(data, DType.FLOAT32, shape);
    }

    /** {@code float32} normal samples with mean {@code mean} and standard deviation {@code std}. NumPy: {@code rng.normal(mean, std, dims)}. */
    public static Tensor randomNormal(RandomGenerator rng, double mean, double std, int... dims) {
        if (!(std >= 0)) {
            throw new TensorException("randomNormal", "std must be >= 0, got " + std);
        }
        argument("randomNormal", "rng", rng);
        Shape shape = hostShape("randomNormal", dims);
        float[] data = new float[(int) shape.size()];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rng.nextGaussian(mean, std);
        }
        return fromHost(data, DType.FLOAT32, shape);
    }

    /**
     * The shape of data an op builds on the host before the default backend takes it: checked
     * against the backend's limit and against Java's array limit.
     */
    private static Shape hostShape(String op, int... dims) {
        Shape shape = fits(Shape.of(op, dims), op, Backends.defaultBackend());
        if (shape.size() > HostArrays.MAX_LENGTH) {
            throw new TensorException(op, "shape " + shape + " has " + shape.size() + " elements, more than the "
                    + HostArrays.MAX_LENGTH + " a Java array can hold");
        }
        return shape;
    }

    /**
     * {@code value}, or a {@link TensorException} "op: argument 'name' is null". Every op passes its
     * object arguments through this (tensors in its shared entry point, e.g. {@code binary}) before
     * touching them.
     */
    static <T> T argument(String op, String name, T value) {
        if (value == null) {
            throw new TensorException(op, "argument '" + name + "' is null");
        }
        return value;
    }

    /** Checks that a result of {@code shape} fits one storage of {@code backend}. */
    private static Shape fits(Shape shape, String op, Backend backend) {
        return shape.requireFits(op, backend.maxElements(), backend.device());
    }

    private static int[] allAxes(int rank) {
        int[] axes = new int[rank];
        Arrays.setAll(axes, i -> i);
        return axes;
    }

    /** This tensor's type, as the op table sees it. */
    public TensorType type() {
        return new TensorType(dtype(), shape);
    }

    /**
     * Runs {@code op} on {@code inputs} (all on {@code backend}): the op table infers the result
     * (validating everything first), the inputs are converted to the op's operand types, and the
     * backend computes.
     */
    private static Tensor run(ComputeOp op, Backend backend, Tensor... inputs) {
        List<TensorType> types = new ArrayList<>(inputs.length);
        for (Tensor input : inputs) {
            types.add(input.type());
        }
        TensorType out = op.infer(types);
        fits(out.shape(), op.name(), backend);
        List<DType> operandTypes = op.operandTypes(types);
        List<Operand> operands = new ArrayList<>(inputs.length);
        Tensor[] converted = null;
        for (int i = 0; i < inputs.length; i++) {
            Tensor input = inputs[i];
            input.requireLive(op.name());
            if (input.dtype() == operandTypes.get(i)) {
                operands.add(new Operand(input.ref.storage, input.shape));
            } else {
                // A conversion only this op reads: released as soon as the op has run.
                converted = converted == null ? new Tensor[inputs.length] : converted;
                converted[i] = input.cast(operandTypes.get(i));
                operands.add(new Operand(converted[i].ref.storage, input.shape));
            }
        }
        Tensor result = new Tensor(backend.execute(op, operands, out), out.shape());
        if (converted != null) {
            for (Tensor c : converted) {
                if (c != null) {
                    c.release();
                }
            }
        }
        if (result.dtype() == out.dtype()) {
            return result;
        }
        // A max or min of bool is computed as int32 (see Backend#execute).
        Tensor cast = result.cast(out.dtype());
        result.release();
        return cast;
    }

    // ============================================================================================
    // Properties
    // ============================================================================================

    public Shape shape() {
        return shape;
    }

    public DType dtype() {
        return ref.storage.dtype();
    }

    public int rank() {
        return shape.rank();
    }

    /** Number of elements. NumPy: {@code x.size}. */
    public long size() {
        return shape.size();
    }

    /** Size of dimension {@code axis}; negative axes count from the end. */
    public int dim(int axis) {
        return shape.dim(shape.normalizeAxis("dim", axis));
    }

    public Device device() {
        return ref.storage.backend().device();
    }

    /** The backend this tensor's ops run on. */
    public Backend backend() {
        return ref.storage.backend();
    }

    /**
     * The backend's storage; for backends and engines built on the SPI.
     *
     * @throws TensorException if this tensor was released
     */
    public Storage storage() {
        requireLive("storage");
        return ref.storage;
    }

    // ============================================================================================
    // Elementwise, one operand
    // ============================================================================================

    /** {@code -x}. NumPy: {@code np.negative}. */
    @Elementwise(unary = UnaryOp.NEG)
    public Tensor neg() {
        return unary(UnaryOp.NEG);
    }

    /** {@code |x|}. NumPy: {@code np.abs}. */
    @Elementwise(unary = UnaryOp.ABS)
    public Tensor abs() {
        return unary(UnaryOp.ABS);
    }

    /** -1, 0 or 1 by the sign of each element (NaN stays NaN). NumPy: {@code np.sign}. */
    @Elementwise(unary = UnaryOp.SIGN)
    public Tensor sign() {
        return unary(UnaryOp.SIGN);
    }

    /** NumPy: {@code np.exp}. */
    @Elementwise(unary = UnaryOp.EXP)
    public Tensor exp() {
        return unary(UnaryOp.EXP);
    }

    /** Natural logarithm. NumPy: {@code np.log}. */
    @Elementwise(unary = UnaryOp.LOG)
    public Tensor log() {
        return unary(UnaryOp.LOG);
    }

    /** {@code log(1 + x)}, accurate near 0. NumPy: {@code np.log1p}. */
    @Elementwise(unary = UnaryOp.LOG1P)
    public Tensor log1p() {
        return unary(UnaryOp.LOG1P);
    }

    /** NumPy: {@code np.sqrt}. */
    @Elementwise(unary = UnaryOp.SQRT)
    public Tensor sqrt() {
        return unary(UnaryOp.SQRT);
    }

    /** {@code 1 / sqrt(x)}. NumPy: {@code 1 / np.sqrt(x)}. */
    @Elementwise(unary = UnaryOp.RSQRT)
    public Tensor rsqrt() {
        return unary(UnaryOp.RSQRT);
    }

    /** {@code x * x}. NumPy: {@code np.square}. */
    @Elementwise(unary = UnaryOp.SQUARE)
    public Tensor square() {
        return unary(UnaryOp.SQUARE);
    }

    /** NumPy: {@code np.sin}. */
    @Elementwise(unary = UnaryOp.SIN)
    public Tensor sin() {
        return unary(UnaryOp.SIN);
    }

    /** NumPy: {@code np.cos}. */
    @Elementwise(unary = UnaryOp.COS)
    public Tensor cos() {
        return unary(UnaryOp.COS);
    }

    /** NumPy: {@code np.tanh}. */
    @Elementwise(unary = UnaryOp.TANH)
    public Tensor tanh() {
        return unary(UnaryOp.TANH);
    }

    /** {@code 1 / (1 + exp(-x))}. NumPy: {@code scipy.special.expit}. */
    @Elementwise(unary = UnaryOp.SIGMOID)
    public Tensor sigmoid() {
        return unary(UnaryOp.SIGMOID);
    }

    /** {@code max(x, 0)}; NaN stays NaN. NumPy: {@code np.maximum(x, 0)}. */
    @Elementwise(unary = UnaryOp.RELU)
    public Tensor relu() {
        return unary(UnaryOp.RELU);
    }

    /** {@code log(1 + exp(x))}, without overflow. NumPy: {@code np.logaddexp(0, x)}. */
    @Elementwise(unary = UnaryOp.SOFTPLUS)
    public Tensor softplus() {
        return unary(UnaryOp.SOFTPLUS);
    }

    /** The error function. SciPy: {@code scipy.special.erf}; PyTorch: {@code torch.erf}; OpenVINO: Erf-1. */
    @Elementwise(unary = UnaryOp.ERF)
    public Tensor erf() {
        return unary(UnaryOp.ERF);
    }

    /**
     * The exact GELU, {@code x/2 * (1 + erf(x/sqrt 2))}; {@code -0} at {@code -inf}. PyTorch:
     * {@code torch.nn.functional.gelu} (default, not {@code approximate="tanh"}); OpenVINO: Gelu-7 ERF.
     */
    @Elementwise(unary = UnaryOp.GELU)
    public Tensor gelu() {
        return unary(UnaryOp.GELU);
    }

    /** Logical not of a {@code bool} tensor. NumPy: {@code np.logical_not}. */
    @Elementwise(unary = UnaryOp.LOGICAL_NOT)
    public Tensor logicalNot() {
        return unary(UnaryOp.LOGICAL_NOT);
    }

    /**
     * The elementwise op {@code op} of the op table: {@code x.unary(UnaryOp.EXP)} is {@code x.exp()}.
     * For code that picks an op at run time; its derivative is the op's own formula.
     */
    public Tensor unary(UnaryOp op) {
        return run(new Op.Unary(argument("unary", "op", op)), backend(), this);
    }

    /** Converts each element to {@code dtype} (floats to integers truncate; non-zero is true). NumPy: {@code x.astype(dtype)}. */
    public Tensor cast(DType dtype) {
        requireLive("cast");
        if (argument("cast", "dtype", dtype) == dtype()) {
            return share();
        }
        return run(new Op.Cast(dtype), backend(), this);
    }

    /** A copy in storage of its own, on the same device. NumPy: {@code x.copy()}; PyTorch: {@code x.clone()}. */
    public Tensor copy() {
        return run(new Op.Cast(dtype()), backend(), this);
    }

    /**
     * {@code this = this op other} written into this tensor's storage, for {@link Variable}'s
     * in-place updates: true when done, false when the result would have another type than this
     * tensor or the backend has no in-place ops (the caller then computes a new tensor).
     */
    boolean binaryInPlace(BinaryOp op, Tensor other) {
        argument(op.opName(), "other", other);
        requireLive(op.opName());
        Backend backend = sameBackend(op.opName(), this, other);
        Op.Binary binary = new Op.Binary(op);
        List<TensorType> types = List.of(type(), other.type());
        TensorType out = binary.infer(types);
        List<DType> operandTypes = binary.operandTypes(types);
        if (!out.equals(type()) || operandTypes.get(0) != dtype()) {
            return false;
        }
        Tensor operand = other.cast(operandTypes.get(1));
        try {
            return backend.executeInto(binary, List.of(new Operand(ref.storage, shape),
                    new Operand(operand.ref.storage, operand.shape)), out, ref.storage);
        } finally {
            operand.release();
        }
    }

    /**
     * Writes {@code source}, converted to this tensor's dtype, into this tensor's storage: true when
     * done, false when the backend has no in-place ops. Shapes must match.
     */
    boolean assignInPlace(Tensor source) {
        requireLive("assign");
        source.requireLive("assign");
        if (!source.shape.equals(shape) || source.backend() != backend()) {
            throw new IllegalArgumentException("assignInPlace: " + source.type() + " into " + type());
        }
        return backend().executeInto(new Op.Cast(dtype()), List.of(new Operand(source.ref.storage, shape)), type(),
                ref.storage);
    }

    /**
     * Starts a fused chain of elementwise ops on this tensor, run in one pass over memory by
     * {@link ElementwiseChain#evaluate()}: {@code x.chain().mul(2).add(b).tanh().evaluate()} equals
     * {@code x.mul(2).add(b).tanh()} but does not stream the array through memory once per op.
     * numexpr: {@code ne.evaluate("tanh(x * 2 + b)")}.
     */
    public ElementwiseChain chain() {
        return ElementwiseChain.of(this);
    }

    // ============================================================================================
    // Elementwise, two operands (broadcasting)
    //
    // Each op takes a tensor, a Java floating scalar or a Java integer scalar. Scalars are weakly
    // typed by their Java type, never their value (see WeakScalar): x.add(2) keeps an int32 x int32,
    // x.add(2.0) makes it float32, and a float tensor keeps its dtype with either.
    // ============================================================================================

    /** NumPy: {@code np.add}. */
    @Elementwise(binary = BinaryOp.ADD)
    public Tensor add(Tensor other) {
        return binary(BinaryOp.ADD, other);
    }

    /**
     * Adds a floating scalar, weakly typed: the result is this tensor's dtype if floating, else
     * {@code float32} (see {@link WeakScalar}). NumPy: {@code x + value}.
     */
    @Elementwise(binary = BinaryOp.ADD)
    public Tensor add(double value) {
        return binary(BinaryOp.ADD, WeakScalar.of(value));
    }

    /**
     * Adds an integer scalar, weakly typed: the result is this tensor's dtype ({@code int32} for
     * {@code bool}; see {@link WeakScalar}).
     *
     * @throws TensorException if {@code value} does not fit an integer result dtype
     */
    @Elementwise(binary = BinaryOp.ADD)
    public Tensor add(long value) {
        return binary(BinaryOp.ADD, WeakScalar.of(value));
    }

    /** NumPy: {@code np.subtract}. */
    @Elementwise(binary = BinaryOp.SUB)
    public Tensor sub(Tensor other) {
        return binary(BinaryOp.SUB, other);
    }

    @Elementwise(binary = BinaryOp.SUB)
    public Tensor sub(double value) {
        return binary(BinaryOp.SUB, WeakScalar.of(value));
    }

    @Elementwise(binary = BinaryOp.SUB)
    public Tensor sub(long value) {
        return binary(BinaryOp.SUB, WeakScalar.of(value));
    }

    /** Elementwise product. NumPy: {@code np.multiply}. */
    @Elementwise(binary = BinaryOp.MUL)
    public Tensor mul(Tensor other) {
        return binary(BinaryOp.MUL, other);
    }

    @Elementwise(binary = BinaryOp.MUL)
    public Tensor mul(double value) {
        return binary(BinaryOp.MUL, WeakScalar.of(value));
    }

    @Elementwise(binary = BinaryOp.MUL)
    public Tensor mul(long value) {
        return binary(BinaryOp.MUL, WeakScalar.of(value));
    }

    /** True division; integers divide in {@code float32}. NumPy: {@code np.true_divide}. */
    @Elementwise(binary = BinaryOp.DIV)
    public Tensor div(Tensor other) {
        return binary(BinaryOp.DIV, other);
    }

    @Elementwise(binary = BinaryOp.DIV)
    public Tensor div(double value) {
        return binary(BinaryOp.DIV, WeakScalar.of(value));
    }

    /** Divides by an integer scalar; an integer tensor divides in {@code float32}. */
    @Elementwise(binary = BinaryOp.DIV)
    public Tensor div(long value) {
        return binary(BinaryOp.DIV, WeakScalar.of(value));
    }

    /**
     * {@code this} to the power {@code exponent}, with C's special values: {@code 1} to any power,
     * NaN included, and {@code -1} to an infinite power are 1 (see {@link BinaryOp#pow}). NumPy:
     * {@code np.power}.
     */
    @Elementwise(binary = BinaryOp.POW)
    public Tensor pow(Tensor exponent) {
        return binary(BinaryOp.POW, exponent);
    }

    @Elementwise(binary = BinaryOp.POW)
    public Tensor pow(double exponent) {
        return binary(BinaryOp.POW, WeakScalar.of(exponent));
    }

    /** An integer power; an integer tensor stays integer ({@code x.pow(2)} on {@code int32} is {@code int32}). */
    @Elementwise(binary = BinaryOp.POW)
    public Tensor pow(long exponent) {
        return binary(BinaryOp.POW, WeakScalar.of(exponent));
    }

    /** Elementwise maximum, NaN-propagating. NumPy: {@code np.maximum}. */
    @Elementwise(binary = BinaryOp.MAXIMUM)
    public Tensor maximum(Tensor other) {
        return binary(BinaryOp.MAXIMUM, other);
    }

    @Elementwise(binary = BinaryOp.MAXIMUM)
    public Tensor maximum(double value) {
        return binary(BinaryOp.MAXIMUM, WeakScalar.of(value));
    }

    @Elementwise(binary = BinaryOp.MAXIMUM)
    public Tensor maximum(long value) {
        return binary(BinaryOp.MAXIMUM, WeakScalar.of(value));
    }

    /** Elementwise minimum, NaN-propagating. NumPy: {@code np.minimum}. */
    @Elementwise(binary = BinaryOp.MINIMUM)
    public Tensor minimum(Tensor other) {
        return binary(BinaryOp.MINIMUM, other);
    }

    @Elementwise(binary = BinaryOp.MINIMUM)
    public Tensor minimum(double value) {
        return binary(BinaryOp.MINIMUM, WeakScalar.of(value));
    }

    @Elementwise(binary = BinaryOp.MINIMUM)
    public Tensor minimum(long value) {
        return binary(BinaryOp.MINIMUM, WeakScalar.of(value));
    }

    /**
     * Limits each element to {@code [low, high]}; NaN stays NaN. Floating bounds make an integer
     * tensor {@code float32}, as {@link #maximum(double)} does. NumPy: {@code np.clip(x, low, high)}.
     */
    public Tensor clip(double low, double high) {
        return clip(WeakScalar.of(low), WeakScalar.of(high), low > high);
    }

    /**
     * Limits each element to {@code [low, high]} with integer bounds, which keep an integer tensor's
     * dtype.
     *
     * @throws TensorException if a bound does not fit an integer tensor's dtype
     */
    public Tensor clip(long low, long high) {
        return clip(WeakScalar.of(low), WeakScalar.of(high), low > high);
    }

    private Tensor clip(WeakScalar low, WeakScalar high, boolean reversed) {
        if (reversed) {
            throw new TensorException("clip", "low " + low + " is greater than high " + high);
        }
        low.checkFits("clip", low.typeBeside(dtype()));
        high.checkFits("clip", high.typeBeside(dtype()));
        return binary(BinaryOp.MAXIMUM, low).binary(BinaryOp.MINIMUM, high);
    }

    /** {@code x == other} as {@code bool}. NumPy: {@code np.equal}. */
    @Elementwise(binary = BinaryOp.EQUAL)
    public Tensor eq(Tensor other) {
        return binary(BinaryOp.EQUAL, other);
    }

    @Elementwise(binary = BinaryOp.EQUAL)
    public Tensor eq(double value) {
        return binary(BinaryOp.EQUAL, WeakScalar.of(value));
    }

    @Elementwise(binary = BinaryOp.EQUAL)
    public Tensor eq(long value) {
        return binary(BinaryOp.EQUAL, WeakScalar.of(value));
    }

    /** NumPy: {@code np.not_equal}. */
    @Elementwise(binary = BinaryOp.NOT_EQUAL)
    public Tensor ne(Tensor other) {
        return binary(BinaryOp.NOT_EQUAL, other);
    }

    @Elementwise(binary = BinaryOp.NOT_EQUAL)
    public Tensor ne(double value) {
        return binary(BinaryOp.NOT_EQUAL, WeakScalar.of(value));
    }

    @Elementwise(binary = BinaryOp.NOT_EQUAL)
    public Tensor ne(long value) {
        return binary(BinaryOp.NOT_EQUAL, WeakScalar.of(value));
    }

    /** NumPy: {@code np.less}. */
    @Elementwise(binary = BinaryOp.LESS)
    public Tensor lt(Tensor other) {
        return binary(BinaryOp.LESS, other);
    }

    @Elementwise(binary = BinaryOp.LESS)
    public Tensor lt(double value) {
        return binary(BinaryOp.LESS, WeakScalar.of(value));
    }

    @Elementwise(binary = BinaryOp.LESS)
    public Tensor lt(long value) {
        return binary(BinaryOp.LESS, WeakScalar.of(value));
    }

    /** NumPy: {@code np.less_equal}. */
    @Elementwise(binary = BinaryOp.LESS_EQUAL)
    public Tensor le(Tensor other) {
        return binary(BinaryOp.LESS_EQUAL, other);
    }

    @Elementwise(binary = BinaryOp.LESS_EQUAL)
    public Tensor le(double value) {
        return binary(BinaryOp.LESS_EQUAL, WeakScalar.of(value));
    }

    @Elementwise(binary = BinaryOp.LESS_EQUAL)
    public Tensor le(long value) {
        return binary(BinaryOp.LESS_EQUAL, WeakScalar.of(value));
    }

    /** NumPy: {@code np.greater}. */
    @Elementwise(binary = BinaryOp.GREATER)
    public Tensor gt(Tensor other) {
        return binary(BinaryOp.GREATER, other);
    }

    @Elementwise(binary = BinaryOp.GREATER)
    public Tensor gt(double value) {
        return binary(BinaryOp.GREATER, WeakScalar.of(value));
    }

    @Elementwise(binary = BinaryOp.GREATER)
    public Tensor gt(long value) {
        return binary(BinaryOp.GREATER, WeakScalar.of(value));
    }

    /** NumPy: {@code np.greater_equal}. */
    @Elementwise(binary = BinaryOp.GREATER_EQUAL)
    public Tensor ge(Tensor other) {
        return binary(BinaryOp.GREATER_EQUAL, other);
    }

    @Elementwise(binary = BinaryOp.GREATER_EQUAL)
    public Tensor ge(double value) {
        return binary(BinaryOp.GREATER_EQUAL, WeakScalar.of(value));
    }

    @Elementwise(binary = BinaryOp.GREATER_EQUAL)
    public Tensor ge(long value) {
        return binary(BinaryOp.GREATER_EQUAL, WeakScalar.of(value));
    }

    /** NumPy: {@code np.logical_and}. */
    @Elementwise(binary = BinaryOp.LOGICAL_AND)
    public Tensor logicalAnd(Tensor other) {
        return binary(BinaryOp.LOGICAL_AND, other);
    }

    /** NumPy: {@code np.logical_or}. */
    @Elementwise(binary = BinaryOp.LOGICAL_OR)
    public Tensor logicalOr(Tensor other) {
        return binary(BinaryOp.LOGICAL_OR, other);
    }

    /** NumPy: {@code np.logical_xor}. */
    @Elementwise(binary = BinaryOp.LOGICAL_XOR)
    public Tensor logicalXor(Tensor other) {
        return binary(BinaryOp.LOGICAL_XOR, other);
    }

    /**
     * {@code condition ? a : b} per element, all three broadcast together; {@code a} and {@code b}
     * are promoted to one dtype. NumPy: {@code np.where(condition, a, b)}.
     */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        argument("where", "condition", condition);
        argument("where", "a", a);
        argument("where", "b", b);
        return run(new Op.Where(), sameBackend("where", condition, a, b), condition, a, b);
    }

    /**
     * {@code condition ? a : b} with a floating scalar {@code b}, weakly typed beside {@code a}
     * (see {@link WeakScalar}): {@code where(x.gt(0), x, 0.0)}. NumPy: {@code np.where(condition, a, b)}.
     */
    public static Tensor where(Tensor condition, Tensor a, double b) {
        return where(condition, a, whereScalar(argument("where", "a", a), WeakScalar.of(b)));
    }

    /** {@code condition ? a : b} with an integer scalar {@code b}, weakly typed beside {@code a}. */
    public static Tensor where(Tensor condition, Tensor a, long b) {
        return where(condition, a, whereScalar(argument("where", "a", a), WeakScalar.of(b)));
    }

    /** {@code condition ? a : b} with a floating scalar {@code a}, weakly typed beside {@code b}. */
    public static Tensor where(Tensor condition, double a, Tensor b) {
        return where(condition, whereScalar(argument("where", "b", b), WeakScalar.of(a)), b);
    }

    /** {@code condition ? a : b} with an integer scalar {@code a}, weakly typed beside {@code b}. */
    public static Tensor where(Tensor condition, long a, Tensor b) {
        return where(condition, whereScalar(argument("where", "b", b), WeakScalar.of(a)), b);
    }

    /** A scalar branch of {@code where}: a 0-d tensor on {@code tensor}'s device, in the dtype it takes beside it. */
    static Tensor whereScalar(Tensor tensor, WeakScalar scalar) {
        DType dtype = scalar.typeBeside(tensor.dtype());
        scalar.checkFits("where", dtype);
        return new Tensor(tensor.backend().fromArray(scalar.toArray(dtype), dtype), Shape.SCALAR);
    }

    /**
     * The elementwise op {@code op} of this tensor and {@code other}, broadcast:
     * {@code x.binary(BinaryOp.ADD, y)} is {@code x.add(y)}.
     */
    public Tensor binary(BinaryOp op, Tensor other) {
        argument("binary", "op", op);
        // The public methods call their tensor argument 'other', except pow's 'exponent'.
        argument(op.opName(), op == BinaryOp.POW ? "exponent" : "other", other);
        return run(new Op.Binary(op), sameBackend(op.opName(), this, other), this, other);
    }

    /** {@code op} with a floating scalar, weakly typed: {@code x.binary(BinaryOp.MUL, 2.0)} is {@code x.mul(2.0)}. */
    public Tensor binary(BinaryOp op, double value) {
        return binary(argument("binary", "op", op), WeakScalar.of(value));
    }

    /** {@code op} with an integer scalar, weakly typed: {@code x.binary(BinaryOp.ADD, 1L)} is {@code x.add(1L)}. */
    public Tensor binary(BinaryOp op, long value) {
        return binary(argument("binary", "op", op), WeakScalar.of(value));
    }

    /** A Java scalar operand, typed by {@link WeakScalar#computeType}. */
    private Tensor binary(BinaryOp op, WeakScalar scalar) {
        requireLive(op.opName());
        DType compute = scalar.computeType(op, dtype());
        Tensor value = new Tensor(backend().fromArray(scalar.toArray(compute), compute), Shape.SCALAR);
        Tensor self = cast(compute);
        Tensor result = run(new Op.Binary(op), backend(), self, value);
        self.release();
        value.release();
        return result;
    }

    private static Backend sameBackend(String op, Tensor... tensors) {
        Backend backend = tensors[0].backend();
        for (Tensor t : tensors) {
            if (t.backend() != backend) {
                throw new TensorException(op, "operands are on different devices: " + tensors[0].device()
                        + " and " + t.device() + " (move one with to(device))");
            }
        }
        return backend;
    }

    // ============================================================================================
    // Reductions
    // ============================================================================================

    /** Sum of all elements. NumPy: {@code np.sum(x)}. Integer and bool sums are {@code int64}. */
    public Tensor sum() {
        return reduce(ReduceOp.SUM, ALL_AXES, false);
    }

    /** Sum over {@code axis}. NumPy: {@code np.sum(x, axis)}. */
    public Tensor sum(int axis) {
        return reduce(ReduceOp.SUM, new int[] {axis}, false);
    }

    /** Sum over {@code axes}, keeping them as size-1 dimensions when {@code keepDims}. NumPy: {@code np.sum(x, axes, keepdims=keepDims)}. */
    public Tensor sum(int[] axes, boolean keepDims) {
        return reduce(ReduceOp.SUM, axes, keepDims);
    }

    /** Mean of all elements (NaN when empty). NumPy: {@code np.mean(x)}. */
    public Tensor mean() {
        return reduce(ReduceOp.MEAN, ALL_AXES, false);
    }

    public Tensor mean(int axis) {
        return reduce(ReduceOp.MEAN, new int[] {axis}, false);
    }

    public Tensor mean(int[] axes, boolean keepDims) {
        return reduce(ReduceOp.MEAN, axes, keepDims);
    }

    /** Largest element, NaN if any is NaN. NumPy: {@code np.max(x)}. */
    public Tensor max() {
        return reduce(ReduceOp.MAX, ALL_AXES, false);
    }

    public Tensor max(int axis) {
        return reduce(ReduceOp.MAX, new int[] {axis}, false);
    }

    public Tensor max(int[] axes, boolean keepDims) {
        return reduce(ReduceOp.MAX, axes, keepDims);
    }

    /** Smallest element, NaN if any is NaN. NumPy: {@code np.min(x)}. */
    public Tensor min() {
        return reduce(ReduceOp.MIN, ALL_AXES, false);
    }

    public Tensor min(int axis) {
        return reduce(ReduceOp.MIN, new int[] {axis}, false);
    }

    public Tensor min(int[] axes, boolean keepDims) {
        return reduce(ReduceOp.MIN, axes, keepDims);
    }

    /** Product of all elements. NumPy: {@code np.prod(x)}. */
    public Tensor prod() {
        return reduce(ReduceOp.PROD, ALL_AXES, false);
    }

    public Tensor prod(int axis) {
        return reduce(ReduceOp.PROD, new int[] {axis}, false);
    }

    public Tensor prod(int[] axes, boolean keepDims) {
        return reduce(ReduceOp.PROD, axes, keepDims);
    }

    /** {@code log(sum(exp(x)))}, computed stably. SciPy: {@code scipy.special.logsumexp(x)}. */
    public Tensor logSumExp() {
        return reduce(ReduceOp.LOG_SUM_EXP, ALL_AXES, false);
    }

    public Tensor logSumExp(int axis) {
        return reduce(ReduceOp.LOG_SUM_EXP, new int[] {axis}, false);
    }

    public Tensor logSumExp(int[] axes, boolean keepDims) {
        return reduce(ReduceOp.LOG_SUM_EXP, axes, keepDims);
    }

    /** Position of the largest element in the flattened tensor ({@code int64}). NumPy: {@code np.argmax(x)}. */
    public Tensor argmax() {
        return flatten().reduce(ReduceOp.ARGMAX, new int[] {0}, false);
    }

    /** Positions of the largest elements along {@code axis}. NumPy: {@code np.argmax(x, axis)}. */
    public Tensor argmax(int axis) {
        return reduce(ReduceOp.ARGMAX, new int[] {axis}, false);
    }

    public Tensor argmax(int axis, boolean keepDims) {
        return reduce(ReduceOp.ARGMAX, new int[] {axis}, keepDims);
    }

    /** Position of the smallest element in the flattened tensor ({@code int64}). NumPy: {@code np.argmin(x)}. */
    public Tensor argmin() {
        return flatten().reduce(ReduceOp.ARGMIN, new int[] {0}, false);
    }

    public Tensor argmin(int axis) {
        return reduce(ReduceOp.ARGMIN, new int[] {axis}, false);
    }

    public Tensor argmin(int axis, boolean keepDims) {
        return reduce(ReduceOp.ARGMIN, new int[] {axis}, keepDims);
    }

    /** Marks a reduction over every axis; compared by identity, so a caller's array is never taken for it. */
    private static final int[] ALL_AXES = {};

    private Tensor reduce(ReduceOp kind, int[] axesOrAll, boolean keepDims) {
        String name = kind.opName();
        Op.Reduce op = Op.Reduce.of(kind, axesOrAll == ALL_AXES ? null : argument(name, "axes", axesOrAll),
                keepDims, shape);
        if (op.axes().length == 0) {
            // Nothing to reduce (a 0-d input): sum/max/... of one element is itself, in the op's result type.
            TensorType out = op.infer(type());
            return kind.isArg() ? zerosLike(this).cast(DType.INT64) : cast(out.dtype());
        }
        return run(op, backend(), this);
    }

    // ============================================================================================
    // Linear algebra
    // ============================================================================================

    /**
     * Matrix product with NumPy's rules: 2-d times 2-d; a 1-d operand is a row (left) or column
     * (right) vector whose axis is removed from the result; higher ranks are stacks of matrices whose
     * batch dimensions broadcast. NumPy: {@code np.matmul}.
     */
    public Tensor matmul(Tensor other) {
        argument("matmul", "other", other);
        return run(Op.MatMul.PLAIN, sameBackend("matmul", this, other), this, other);
    }

    /**
     * {@code a} times {@code b}, each read with its last two axes swapped when asked: {@code a.matmul(b)}
     * without building a transposed copy. The derivative rules use it. OpenVINO: {@code MatMul} with
     * {@code transpose_a} and {@code transpose_b}.
     */
    public static Tensor matmul(Tensor a, boolean transposeA, Tensor b, boolean transposeB) {
        argument("matmul", "a", a);
        argument("matmul", "b", b);
        return run(new Op.MatMul(transposeA, transposeB), sameBackend("matmul", a, b), a, b);
    }

    /**
     * {@code matmul(a, transposeA, b, transposeB)} plus {@code bias} (one value per column of the product), each
     * element then limited to {@code [low, high]}: a dense layer with its bias and ReLU ({@code 0, +inf}) or no
     * activation ({@code -inf, +inf}) in one step, as inference engines run it; equal, element for element, to
     * {@code matmul(a, transposeA, b, transposeB).add(bias).clip(low, high)}. {@code b} is at least 2-d. Floating
     * tensors only, and not differentiable (a {@code @Differentiable} method that calls it does not compile).
     * PyTorch: {@code F.linear(a, w, bias).clamp(low, high)} with {@code b = w} and {@code transposeB}.
     */
    public static Tensor matmulBias(Tensor a, boolean transposeA, Tensor b, boolean transposeB, Tensor bias,
            double low, double high) {
        argument("matmulBias", "a", a);
        argument("matmulBias", "b", b);
        argument("matmulBias", "bias", bias);
        return run(new Op.MatMulBias(transposeA, transposeB, low, high), sameBackend("matmulBias", a, b, bias), a, b,
                bias);
    }

    /**
     * Inner product of two 1-d tensors (a 0-d result), or the matrix product when both are at most
     * 2-d. NumPy: {@code np.dot} (its N-d rule is not supported: use {@link #matmul}).
     */
    public Tensor dot(Tensor other) {
        if (rank() > 2 || argument("dot", "other", other).rank() > 2) {
            throw new TensorException("dot", "supports operands of rank <= 2, got shapes " + shape + " and "
                    + other.shape + " (use matmul for stacks of matrices)");
        }
        if (rank() == 0 || other.rank() == 0) {
            return mul(other);
        }
        return matmul(other);
    }

    /** Outer product of the flattened operands: {@code (n,)} and {@code (m,)} give {@code (n, m)}. NumPy: {@code np.outer}. */
    public Tensor outer(Tensor other) {
        Backend backend = sameBackend("outer", this, argument("outer", "other", other));
        Tensor column = flatten().reshape(-1, 1);
        Tensor row = other.flatten().reshape(1, -1);
        fits(Shape.of("outer", column.dim(0), row.dim(1)), "outer", backend);
        return column.mul(row);
    }

    /** Reverses the axes. NumPy: {@code x.T} / {@code np.transpose(x)}. */
    public Tensor transpose() {
        int[] perm = new int[rank()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = perm.length - 1 - i;
        }
        return permute(perm);
    }

    /** Swaps two axes. NumPy: {@code np.swapaxes(x, axis1, axis2)}. */
    public Tensor transpose(int axis1, int axis2) {
        int a = shape.normalizeAxis("transpose", axis1);
        int b = shape.normalizeAxis("transpose", axis2);
        int[] perm = allAxes(rank());
        perm[a] = b;
        perm[b] = a;
        return permute(perm);
    }

    /** Reorders the axes: result axis {@code i} is input axis {@code axes[i]}. NumPy: {@code np.transpose(x, axes)}. */
    public Tensor permute(int... axes) {
        Op.Permute op = new Op.Permute(argument("permute", "axes", axes).clone());
        int[] perm = op.normalized(shape);
        if (Arrays.equals(perm, allAxes(rank()))) {
            return share();
        }
        return run(op, backend(), this);
    }

    // ============================================================================================
    // Shape
    // ============================================================================================

    /**
     * The same elements in a new shape; one dimension may be -1 and is then inferred. Shares the
     * storage (no copy). NumPy: {@code np.reshape}.
     */
    public Tensor reshape(int... dims) {
        Shape target = new Op.Reshape(argument("reshape", "dims", dims).clone()).infer(type()).shape();
        return target.equals(shape) ? share() : view(target);
    }

    /** A 1-d view of all elements. NumPy: {@code x.ravel()}. */
    public Tensor flatten() {
        return reshape(-1);
    }

    /** Removes every size-1 axis. NumPy: {@code np.squeeze(x)}. */
    public Tensor squeeze() {
        return reshape(Arrays.stream(shape.dims()).filter(d -> d != 1).toArray());
    }

    /** Removes size-1 axis {@code axis}. NumPy: {@code np.squeeze(x, axis)}. */
    public Tensor squeeze(int axis) {
        int a = shape.normalizeAxis("squeeze", axis);
        if (shape.dim(a) != 1) {
            throw new TensorException("squeeze", "cannot squeeze axis " + a + " of size " + shape.dim(a) + " in shape " + shape);
        }
        return reshape(shape.remove(a).dims());
    }

    /** Inserts a size-1 axis at {@code axis} (-1 appends). NumPy: {@code np.expand_dims}. */
    public Tensor expandDims(int axis) {
        int a = Shape.normalizeAxis("expandDims", axis, rank() + 1);
        return reshape(shape.insert(a, 1).dims());
    }

    /** Repeats size-1 (or missing leading) axes to reach {@code dims}. NumPy: {@code np.broadcast_to}. */
    public Tensor broadcastTo(int... dims) {
        Shape target = Shape.of("broadcastTo", dims);
        if (target.equals(shape)) {
            return share();
        }
        return run(new Op.BroadcastTo(target), backend(), this);
    }

    /** Joins tensors along an existing axis; dtypes are promoted. NumPy: {@code np.concatenate(tensors, axis)}. */
    public static Tensor concat(int axis, Tensor... tensors) {
        requireElements("concat", tensors);
        Backend backend = sameBackend("concat", tensors);
        Op.Concat op = new Op.Concat(axis);
        if (tensors.length == 1) {
            op.infer(tensors[0].type());
            return tensors[0];
        }
        return run(op, backend, tensors);
    }

    /** Checks a tensor-array argument of {@code op}: neither it nor any element is null, and it is not empty. */
    private static void requireElements(String op, Tensor[] tensors) {
        argument(op, "tensors", tensors);
        for (int i = 0; i < tensors.length; i++) {
            argument(op, "tensors[" + i + "]", tensors[i]);
        }
        if (tensors.length == 0) {
            throw new TensorException(op, "needs at least one tensor");
        }
    }

    /** Joins equally shaped tensors along a new axis. NumPy: {@code np.stack(tensors, axis)}. */
    public static Tensor stack(int axis, Tensor... tensors) {
        requireElements("stack", tensors);
        int a = Shape.normalizeAxis("stack", axis, tensors[0].rank() + 1);
        Tensor[] expanded = new Tensor[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            if (!tensors[i].shape.equals(tensors[0].shape)) {
                throw new TensorException("stack", "tensor " + i + " has shape " + tensors[i].shape
                        + " but tensor 0 has " + tensors[0].shape + "; all must be equal");
            }
            expanded[i] = tensors[i].expandDims(a);
        }
        return concat(a, expanded);
    }

    /** Splits into {@code sections} equal parts along {@code axis}. NumPy: {@code np.split(x, sections, axis)}. */
    public List<Tensor> split(int sections, int axis) {
        int a = shape.normalizeAxis("split", axis);
        if (sections <= 0 || shape.dim(a) % sections != 0) {
            throw new TensorException("split", "axis " + a + " of size " + shape.dim(a) + " in shape " + shape
                    + " does not divide into " + sections + " equal sections");
        }
        int step = shape.dim(a) / sections;
        int[] cuts = new int[sections - 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = (i + 1) * step;
        }
        return split(cuts, axis);
    }

    /** Splits before each of the ascending {@code indices} along {@code axis}. NumPy: {@code np.split(x, indices, axis)}. */
    public List<Tensor> split(int[] indices, int axis) {
        argument("split", "indices", indices);
        int a = shape.normalizeAxis("split", axis);
        List<Tensor> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= indices.length; i++) {
            int stop = i < indices.length ? Math.clamp(indices[i], start, shape.dim(a)) : shape.dim(a);
            if (i < indices.length && indices[i] < start) {
                throw new TensorException("split", "indices must be ascending, got " + Arrays.toString(indices));
            }
            Slice[] slices = new Slice[rank()];
            Arrays.fill(slices, Slice.all());
            slices[a] = Slice.range(start, stop);
            parts.add(index(slices));
            start = stop;
        }
        return parts;
    }

    /** Integer indexing on the leading axes: {@code x.get(1, 2)} is NumPy's {@code x[1, 2]}. */
    public Tensor get(int... indices) {
        Slice[] slices = new Slice[argument("get", "indices", indices).length];
        for (int i = 0; i < indices.length; i++) {
            slices[i] = Slice.at(indices[i]);
        }
        return index(slices);
    }

    /**
     * NumPy basic indexing: one {@link Slice} per leading axis, the rest taken whole.
     * {@code x.index(Slice.all(), Slice.range(1, 5, 2))} is {@code x[:, 1:5:2]}.
     */
    public Tensor index(Slice... slices) {
        Op.Index op = new Op.Index(argument("index", "slices", slices).clone());
        Op.Layout layout = op.layout(shape);
        boolean whole = layout.offset() == 0 && layout.shape().equals(shape)
                && Arrays.equals(layout.strides(), shape.strides());
        return whole ? this : run(op, backend(), this);
    }

    /**
     * Takes slices along {@code axis} at integer {@code indices} (negative counts from the end); the
     * result's shape is this shape with {@code axis} replaced by the index shape. NumPy:
     * {@code np.take(x, indices, axis)}.
     */
    public Tensor gather(Tensor indices, int axis) {
        argument("gather", "indices", indices);
        Op.Gather op = new Op.Gather(axis);
        Backend backend = sameBackend("gather", this, indices);
        op.infer(type(), indices.type());
        return run(op, backend, this, checkedIndices("gather", indices, shape.normalizeAxis("gather", axis)));
    }

    /** Integer {@code indices} into {@code axis}, checked against its size, as non-negative int64. */
    private Tensor checkedIndices(String op, Tensor indices, int axis) {
        int n = shape.dim(axis);
        long[] idx = indices.toLongArray();
        for (int i = 0; i < idx.length; i++) {
            long v = idx[i];
            if (v < -n || v >= n) {
                throw new TensorException(op, "index " + v + " is out of bounds for axis " + axis + " with size "
                        + n + " in shape " + shape);
            }
            idx[i] = v < 0 ? v + n : v;
        }
        return new Tensor(backend().fromArray(idx, DType.INT64), indices.shape);
    }

    /**
     * Adds slices of {@code updates} into a copy of this tensor at integer {@code indices} along
     * {@code axis} (negative counts from the end); repeated indices accumulate. {@code updates} has
     * the shape {@code gather(indices, axis)} would give, which makes this gather's adjoint:
     * {@code Tensor.zeros(x.shape().dims()).indexAdd(indices, g, axis)}. The dtype is promoted.
     * NumPy: {@code out = x.copy(); np.add.at(out, (slice(None),) * axis + (indices,), updates)}.
     */
    public Tensor indexAdd(Tensor indices, Tensor updates, int axis) {
        argument("indexAdd", "indices", indices);
        argument("indexAdd", "updates", updates);
        Op.IndexAdd op = new Op.IndexAdd(axis);
        op.infer(type(), indices.type(), updates.type());
        Backend backend = sameBackend("indexAdd", this, indices, updates);
        return run(op, backend, this, checkedIndices("indexAdd", indices, shape.normalizeAxis("indexAdd", axis)),
                updates);
    }

    /**
     * One-hot encoding of integer class indices as {@code float32}, with a new last axis of size
     * {@code depth}. TensorFlow: {@code tf.one_hot(indices, depth)} (but out-of-range indices are an
     * error here, not a zero row).
     */
    public Tensor oneHot(int depth) {
        if (!dtype().isInteger()) {
            throw new TensorException("oneHot", "indices must be int32 or int64, got " + dtype());
        }
        if (depth < 0) {
            throw new TensorException("oneHot", "depth must be >= 0, got " + depth);
        }
        int[] dims = Arrays.copyOf(shape.dims(), rank() + 1);
        dims[rank()] = depth;
        fits(Shape.of("oneHot", dims), "oneHot", backend());
        for (long v : toLongArray()) {
            if (v < 0 || v >= depth) {
                throw new TensorException("oneHot", "index " + v + " is out of range for depth " + depth);
            }
        }
        Tensor classes = arange(depth).to(device());
        return expandDims(-1).eq(classes).cast(DType.FLOAT32);
    }

    /**
     * Pads with a constant: {@code padding[k] = {before, after}} for each axis. NumPy:
     * {@code np.pad(x, padding, constant_values=value)}.
     */
    public Tensor pad(int[][] padding, double value) {
        Op.Pad op = Op.Pad.of(argument("pad", "padding", padding), value, shape);
        WeakScalar.of(value).checkFits("pad", dtype());
        return run(op, backend(), this);
    }

    // ============================================================================================
    // Neural-network ops
    // ============================================================================================

    /** Softmax over the last axis. SciPy: {@code scipy.special.softmax(x, axis=-1)}. */
    public Tensor softmax() {
        return softmax(-1);
    }

    /**
     * Softmax over {@code axis}, computed stably as {@code exp(x - max) / sum(exp(x - max))}: a row
     * holding NaN or +inf, or only -inf, comes out all NaN, as with SciPy and JAX. SciPy:
     * {@code scipy.special.softmax(x, axis)}.
     */
    public Tensor softmax(int axis) {
        return softmax(axis, false);
    }

    /** Log of the softmax over the last axis. SciPy: {@code scipy.special.log_softmax(x, axis=-1)}. */
    public Tensor logSoftmax() {
        return logSoftmax(-1);
    }

    public Tensor logSoftmax(int axis) {
        return softmax(axis, true);
    }

    private Tensor softmax(int axis, boolean log) {
        return run(new Op.Softmax(axis, log), backend(), this);
    }

    /**
     * Layer normalization over the last {@code axes} axes: each slice over them becomes {@code (x - mean) /
     * sqrt(var + eps)}, with its mean and biased variance; one pass a slice instead of the seven ops of
     * {@code c = x.sub(x.mean(trailing, true)); c.div(c.square().mean(trailing, true).add(eps).sqrt())}, to which it
     * is equal element for element. Floating tensors only. Differentiable in {@code x} (its rule is in
     * {@code TensorRules}); {@code eps} is a constant. PyTorch: {@code F.layer_norm(x, x.shape[-axes:], eps=eps)}.
     */
    public Tensor layerNorm(int axes, double eps) {
        return run(new Op.LayerNorm(axes, eps), backend(), this);
    }

    /**
     * {@link #layerNorm(int, double)}, then times {@code scale} and plus {@code bias} (both of the normalized axes'
     * shape): equal, element for element, to {@code layerNorm(axes, eps).mul(scale).add(bias)}. PyTorch:
     * {@code F.layer_norm(x, x.shape[-axes:], scale, bias, eps)}; ONNX: {@code LayerNormalization}. Differentiable in
     * {@code x}, {@code scale} and {@code bias}.
     */
    public Tensor layerNorm(int axes, double eps, Tensor scale, Tensor bias) {
        argument("layerNorm", "scale", scale);
        argument("layerNorm", "bias", bias);
        return run(new Op.LayerNorm(axes, eps), sameBackend("layerNorm", this, scale, bias), this, scale, bias);
    }

    /**
     * 2-D cross-correlation of NCHW input with OIHW weights, stride and symmetric padding on both
     * spatial axes. PyTorch: {@code F.conv2d(x, w, stride=stride, padding=padding)}.
     */
    public Tensor conv2d(Tensor weight, int stride, int padding) {
        return conv2d(weight, Conv2dSpec.of(stride, padding));
    }

    /** 2-D cross-correlation with full control of strides, padding, dilation and groups. PyTorch: {@code F.conv2d}. */
    public Tensor conv2d(Tensor weight, Conv2dSpec spec) {
        argument("conv2d", "weight", weight);
        argument("conv2d", "spec", spec);
        return run(new Op.Conv2d(spec), sameBackend("conv2d", this, weight), this, weight);
    }

    /**
     * {@code conv2d(weight, spec)} plus {@code bias} (one value per output channel), each element then limited to
     * {@code [low, high]}: a convolution layer with its bias and ReLU ({@code 0, +inf}), ReLU6 ({@code 0, 6}) or no
     * activation ({@code -inf, +inf}) in one pass, as inference engines run it; equal, element for element, to
     * {@code conv2d(weight, spec).add(bias.reshape(1, -1, 1, 1)).clip(low, high)}. Floating tensors only, and not
     * differentiable (a {@code @Differentiable} method that calls it does not compile). PyTorch:
     * {@code F.conv2d(x, w, b).clamp(low, high)}.
     */
    public Tensor conv2dBias(Tensor weight, Tensor bias, Conv2dSpec spec, double low, double high) {
        argument("conv2dBias", "weight", weight);
        argument("conv2dBias", "bias", bias);
        argument("conv2dBias", "spec", spec);
        return run(new Op.Conv2dBias(spec, low, high), sameBackend("conv2dBias", this, weight, bias), this, weight,
                bias);
    }

    /**
     * As {@link #conv2dBias(Tensor, Tensor, Conv2dSpec, double, double)}, with {@code residual} (of the output's
     * shape: a residual block's shortcut) added after the bias and before the clamp; equal, element for element, to
     * {@code conv2d(weight, spec).add(bias.reshape(1, -1, 1, 1)).add(residual).clip(low, high)}. PyTorch:
     * {@code (F.conv2d(x, w, b) + r).clamp(low, high)}.
     */
    public Tensor conv2dBias(Tensor weight, Tensor bias, Tensor residual, Conv2dSpec spec, double low, double high) {
        argument("conv2dBias", "weight", weight);
        argument("conv2dBias", "bias", bias);
        argument("conv2dBias", "residual", residual);
        argument("conv2dBias", "spec", spec);
        return run(new Op.Conv2dBias(spec, low, high), sameBackend("conv2dBias", this, weight, bias, residual), this,
                weight, bias, residual);
    }

    /**
     * The {@code layers} in turn, each as {@link #conv2dBias(Tensor, Tensor, Conv2dSpec, double, double)}, with
     * {@code residual} (null for none; else of the result's shape) added to the last one's output after its bias and
     * before its clamp: a block of layers, such as MobileNet-v2's inverted residual (a 1x1 expansion with ReLU6, a 3x3
     * depthwise layer with ReLU6, a linear 1x1 projection and the shortcut). Equal, element for element up to the
     * order of a product's sums, to the layers one by one; the CPU backend computes such a block in bands of rows, so
     * that the wide tensors between its layers never leave the cache. Floating tensors only, and not differentiable.
     */
    public Tensor conv2dBlock(List<Conv2dLayer> layers, Tensor residual) {
        argument("conv2dBlock", "layers", layers);
        List<Op.Conv2dBlock.Layer> geometry = new ArrayList<>(layers.size());
        List<Tensor> inputs = new ArrayList<>(2 * layers.size() + 2);
        inputs.add(this);
        for (Conv2dLayer layer : layers) {
            argument("conv2dBlock", "layer", layer);
            geometry.add(new Op.Conv2dBlock.Layer(layer.spec(), layer.low(), layer.high()));
            inputs.add(layer.weight());
            inputs.add(layer.bias());
        }
        if (residual != null) {
            inputs.add(residual);
        }
        Tensor[] operands = inputs.toArray(Tensor[]::new);
        return run(new Op.Conv2dBlock(geometry), sameBackend("conv2dBlock", operands), operands);
    }

    /** Max pooling over {@code kernel x kernel} windows with stride {@code kernel}. PyTorch: {@code F.max_pool2d(x, kernel)}. */
    public Tensor maxPool2d(int kernel) {
        return maxPool2d(kernel, kernel, 0);
    }

    /** Max pooling of NCHW input. PyTorch: {@code F.max_pool2d(x, kernel, stride, padding)}. */
    public Tensor maxPool2d(int kernel, int stride, int padding) {
        return pool2d(new Pool2dSpec(Pool2dSpec.Kind.MAX, kernel, kernel, stride, stride, padding, padding));
    }

    /** Average pooling with stride {@code kernel}. PyTorch: {@code F.avg_pool2d(x, kernel)}. */
    public Tensor avgPool2d(int kernel) {
        return avgPool2d(kernel, kernel, 0);
    }

    /** Average pooling of NCHW input; padding is not counted. PyTorch: {@code F.avg_pool2d(..., count_include_pad=False)}. */
    public Tensor avgPool2d(int kernel, int stride, int padding) {
        return pool2d(new Pool2dSpec(Pool2dSpec.Kind.AVG, kernel, kernel, stride, stride, padding, padding));
    }

    /** Pooling with a full specification. */
    public Tensor pool2d(Pool2dSpec spec) {
        return run(new Op.Pool2d(argument("pool2d", "spec", spec)), backend(), this);
    }

    /**
     * Gradient of {@link #conv2d(Tensor, Conv2dSpec)} with respect to its input: the output gradient
     * {@code dy} correlated back through {@code weight} onto an input of {@code inputShape}. The
     * result has the operands' common floating type. PyTorch:
     * {@code torch.nn.grad.conv2d_input(inputShape, weight, dy, stride, padding, dilation, groups)}.
     *
     * @throws TensorException if {@code dy} is not the shape {@code conv2d} gives for this input,
     *     weight and spec
     */
    public static Tensor conv2dBackwardInput(Tensor dy, Tensor weight, Conv2dSpec spec, Shape inputShape) {
        String op = "conv2dBackwardInput";
        argument(op, "dy", dy);
        argument(op, "weight", weight);
        argument(op, "spec", spec);
        argument(op, "inputShape", inputShape);
        return run(new Op.Conv2dBackwardInput(spec, inputShape), sameBackend(op, dy, weight), dy, weight);
    }

    /**
     * Gradient of {@link #conv2d(Tensor, Conv2dSpec)} with respect to its weights, of
     * {@code weightShape}, summed over the batch. The result has the operands' common floating type.
     * PyTorch: {@code torch.nn.grad.conv2d_weight(input, weightShape, dy, stride, padding, dilation, groups)}.
     *
     * @throws TensorException if {@code dy} is not the shape {@code conv2d} gives for this input,
     *     weight shape and spec
     */
    public static Tensor conv2dBackwardWeight(Tensor input, Tensor dy, Conv2dSpec spec, Shape weightShape) {
        String op = "conv2dBackwardWeight";
        argument(op, "input", input);
        argument(op, "dy", dy);
        argument(op, "spec", spec);
        argument(op, "weightShape", weightShape);
        return run(new Op.Conv2dBackwardWeight(spec, weightShape), sameBackend(op, input, dy), input, dy);
    }

    /**
     * Gradient of {@link #pool2d(Pool2dSpec)} with respect to this tensor, its input. Max pooling
     * sends each window's gradient to the window's first maximum (row-major), as PyTorch does;
     * average pooling divides it evenly among the window's non-padded positions. The result has the
     * common floating type of this tensor and {@code dy}.
     *
     * @throws TensorException if {@code dy} is not the shape the pooling gives for this input
     */
    public Tensor pool2dBackward(Tensor dy, Pool2dSpec spec) {
        Op.Pool2dBackward op = new Op.Pool2dBackward(argument("pool2dBackward", "spec", spec));
        argument(op.name(), "dy", dy);
        return run(op, sameBackend(op.name(), this, dy), this, dy);
    }

    // ============================================================================================
    // Interop
    // ============================================================================================

    /** The single element as a double (true is 1). NumPy: {@code x.item()}. */
    public double item() {
        if (size() != 1) {
            throw new TensorException("item", "needs exactly one element, tensor of shape " + shape + " has " + size());
        }
        return HostArrays.get(hostArray(), 0);
    }

    /** All elements, row-major, converted to float. NumPy: {@code x.astype(np.float32).ravel()}. */
    public float[] toFloatArray() {
        return (float[]) hostArray(DType.FLOAT32);
    }

    public double[] toDoubleArray() {
        return (double[]) hostArray(DType.FLOAT64);
    }

    public int[] toIntArray() {
        return (int[]) hostArray(DType.INT32);
    }

    public long[] toLongArray() {
        return (long[]) hostArray(DType.INT64);
    }

    public boolean[] toBooleanArray() {
        return (boolean[]) hostArray(DType.BOOL);
    }

    /**
     * A nested Java array of this shape and the dtype's Java type ({@code float[][]} for a 2-d
     * {@code float32} tensor); a 0-d tensor gives the boxed value. NumPy: {@code x.tolist()}.
     */
    public Object toArray() {
        return HostArrays.unflatten(hostArray(), shape);
    }

    /** The elements converted to {@code dtype}, without keeping the converted tensor. */
    private Object hostArray(DType dtype) {
        if (dtype() == dtype) {
            return hostArray();
        }
        Tensor converted = cast(dtype);
        try {
            return converted.hostArray();
        } finally {
            converted.release();
        }
    }

    private Object hostArray() {
        requireLive("toArray");
        return backend().toArray(ref.storage);
    }

    /**
     * A copy on {@code device}; a tensor sharing this one's storage when it is already there.
     * PyTorch: {@code x.to(device)}.
     */
    public Tensor to(Device device) {
        if (argument("to", "device", device).equals(device())) {
            return share();
        }
        Backend target = Backends.forDevice(device);
        return new Tensor(target.fromArray(hostArray(), dtype()), shape);
    }

    /**
     * Gives up this tensor's reference to its storage: when no other tensor shares the storage (a
     * reshape, a {@link #share()}, a {@link Variable} holding it), its memory is freed now instead of
     * at garbage collection: device memory is returned to the device, a CPU array to the buffer pool
     * that later results reuse. Using this tensor afterwards is a {@link TensorException}; tensors
     * still sharing the storage stay valid. PyTorch frees a tensor's storage when its reference count
     * drops to zero; Java has no such hook, so the count drops here or when a {@link TensorScope}
     * closes.
     *
     * @throws TensorException if this tensor was already released
     */
    public void release() {
        requireLive("release");
        released = true;
        ref.release();
    }

    /** Releases this tensor unless it was released already; what a closing scope does. */
    void releaseIfLive() {
        if (!released) {
            released = true;
            ref.release();
        }
    }

    /** True once {@link #release()} (or the scope it belonged to) released this tensor. */
    public boolean isReleased() {
        return released;
    }

    /**
     * Another tensor on the same storage (no copy), with its own reference: releasing one leaves the
     * other valid. What every op that returns its input unchanged returns (a reshape to the same
     * shape, a cast to the same dtype), so each result can be released on its own.
     *
     * @throws TensorException if this tensor was released
     */
    public Tensor share() {
        return view(shape);
    }

    /** A new handle on this tensor's storage read as {@code target}, retaining the storage. */
    private Tensor view(Shape target) {
        requireLive("share");
        ref.retain();
        return new Tensor(ref, target);
    }

    /** How many live tensors share this tensor's storage (1 when it is the only one). */
    public int storageReferences() {
        return ref.count();
    }

    /** Fails with "op: the tensor was released ..." when this tensor was released. */
    void requireLive(String op) {
        if (released) {
            throw new TensorException(op, "the tensor of shape " + shape + " was released (by release() or its"
                    + " TensorScope closing); keep it with TensorScope.keep, or share() it before releasing");
        }
    }

    /** Iterates over the first axis: row {@code i} is {@code get(i)}. */
    @Override
    public Iterator<Tensor> iterator() {
        if (rank() == 0) {
            throw new TensorException("iterator", "iteration over a 0-d tensor");
        }
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < shape.dim(0);
            }

            @Override
            public Tensor next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return get(next++);
            }
        };
    }

    /**
     * True when {@code |a - b| <= atol + rtol * |b|} everywhere after broadcasting; equal infinities
     * are close, NaN is never close to anything. NumPy: {@code np.allclose(a, b, rtol, atol)}.
     */
    public static boolean allClose(Tensor a, Tensor b, double rtol, double atol) {
        argument("allClose", "a", a);
        argument("allClose", "b", b);
        Shape out = Shape.broadcast("allClose", a.shape, b.shape);
        Tensor da = a.cast(DType.FLOAT64).broadcastTo(out.dims());
        Tensor db = b.cast(DType.FLOAT64).broadcastTo(out.dims());
        double[] x = da.toDoubleArray();
        double[] y = db.toDoubleArray();
        for (int i = 0; i < x.length; i++) {
            boolean close = x[i] == y[i] || Math.abs(x[i] - y[i]) <= atol + rtol * Math.abs(y[i]);
            if (!close) {
                return false;
            }
        }
        return true;
    }

    /** {@link #allClose(Tensor, Tensor, double, double)} with NumPy's defaults {@code rtol=1e-5, atol=1e-8}. */
    public boolean allClose(Tensor other) {
        return allClose(this, argument("allClose", "other", other), 1e-5, 1e-8);
    }

    /** Tensors are values: equal when shape, dtype and every element are equal. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Tensor t) || !shape.equals(t.shape) || dtype() != t.dtype()) {
            return false;
        }
        return Arrays.deepEquals(new Object[] {hostArray()}, new Object[] {t.hostArray()});
    }

    @Override
    public int hashCode() {
        return 31 * (31 * shape.hashCode() + dtype().hashCode()) + Arrays.deepHashCode(new Object[] {hostArray()});
    }

    /** TensorFlow's eager format: {@code Tensor([[4.]], shape=(1, 1), dtype=float32)}. */
    @Override
    public String toString() {
        if (released) {
            return "Tensor(<released>, shape=" + shape + ", dtype=" + dtype() + ")";
        }
        return TensorFormat.toString(this);
    }
}
