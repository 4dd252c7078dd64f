#!/usr/bin/env python3
"""Writes examples/src/main/resources/digits/digits.csv.gz from scikit-learn's load_digits().

One line per image: 64 pixel values (0..16) then the label; gzip with mtime 0, so reruns give the
same bytes.
"""
import gzip
import sys

from sklearn.datasets import load_digits

out = sys.argv[1] if len(sys.argv) > 1 else "examples/src/main/resources/digits/digits.csv.gz"
digits = load_digits()
lines = [",".join(str(int(v)) for v in image) + "," + str(int(label))
         for image, label in zip(digits.data, digits.target)]
with gzip.GzipFile(out, "wb", mtime=0) as f:
    f.write(("\n".join(lines) + "\n").encode("ascii"))
print(f"wrote {len(lines)} images to {out}")
