#!/usr/bin/env python
"""Benchmark: the Excel export writer's memory at 10,000 and 100,000 rows (issue 17).

Feeds `bagalau.reports.excel.write_workbook` — the function the export views stream from
`values().iterator(chunk_size=…)` — a generator of rows of the results export's shape and
prints tracemalloc's peak, the file size and the time for each count. Constant memory: the
peak at 100,000 rows stays within a small factor of the peak at 10,000.
Usage:  python bench/exports_memory.py [--counts 10000,100000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bagalau.settings")

import django  # noqa: E402

django.setup()

from bagalau.reports import excel  # noqa: E402
from bagalau.reports.tests.test_excel_memory import lines  # noqa: E402


def measure(count: int) -> tuple[int, int, float]:
    started = time.perf_counter()
    tracemalloc.start()
    out = excel.write_workbook("2025", excel.results_header(), lines(count))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = out.seek(0, 2)
    out.close()
    return peak, size, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", default="10000,100000")
    counts = [int(c) for c in parser.parse_args().counts.split(",")]
    peaks = []
    for count in counts:
        peak, size, seconds = measure(count)
        peaks.append(peak)
        print(
            f"{count:>8} rows: peak {peak / 1e6:6.2f} MB, file {size / 1e6:6.2f} MB, {seconds:5.1f} s"
        )
    ratio = peaks[-1] / peaks[0]
    print(f"peak ratio {counts[-1]:,} / {counts[0]:,} rows: {ratio:.2f}")
    return 0 if ratio < 2 else 1


if __name__ == "__main__":
    sys.exit(main())
