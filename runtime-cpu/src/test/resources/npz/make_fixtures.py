"""Writes the .npz fixtures NpzTest reads, with NumPy itself (python3 make_fixtures.py)."""
import numpy as np

arrays = dict(
    a=np.arange(6, dtype=np.float32).reshape(2, 3) / 4,
    fortran=np.asfortranarray(np.arange(12, dtype=np.float64).reshape(3, 4) * 1.5),
    big_endian=np.arange(5, dtype='>f4') - 2,
    ints=np.array([-3, 0, 7], dtype=np.int64),
    flags=np.array([True, False, True]),
    scalar=np.float64(2.5),
)
np.savez('numpy_savez.npz', **arrays)
np.savez_compressed('numpy_savez_compressed.npz', **arrays)
