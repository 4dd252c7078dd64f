#!/usr/bin/env python3
"""Reads the lines of digits_mlp.sh's runs from stdin and prints a markdown table of the medians over rounds."""
import statistics
import sys

rows = {}
for line in sys.stdin:
    fields = line.split()
    if not fields or "=" not in line:
        continue
    rows.setdefault(fields[0], []).append(dict(p.split("=", 1) for p in fields[1:]))
print()
print("| run | rounds | p50 ms | p90 ms | p99 ms | mean ms | mean / p50 | total ms | final loss | accuracy |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for name, runs in rows.items():
    def med(key):
        return statistics.median(float(r[key]) for r in runs)
    print(f"| {name} | {len(runs)} | {med('p50'):.4f} | {med('p90'):.4f} | {med('p99'):.4f} | {med('mean'):.4f} "
          f"| {med('mean') / med('p50'):.2f} | {med('total'):.1f} | {runs[-1]['last_loss']} | {runs[-1]['accuracy']} |")
print()
print("(medians over rounds; total = wall time of the training loop)")
