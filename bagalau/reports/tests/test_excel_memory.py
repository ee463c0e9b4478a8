"""Constant memory: the writer the export views use holds no rows (10,000 vs 1,000 here;
bench/exports_memory.py measures 100,000 vs 10,000).

The rows are a plain generator of the results export's line shape, fed to the same
`excel.write_workbook` the views use (inserting 100,000 results would only slow the test;
test_exports proves the views feed it from values().iterator(chunk_size=…))."""

from __future__ import annotations

import tracemalloc
from datetime import date

from bagalau.reports import excel


def lines(count: int):
    for i in range(count):
        yield [
            f"Тегі{i} Аты{i} Әкесінің аты", "Қаржы бөлімі", "Бас маман", "D-4",
            "саралау әдісі бойынша бағалау", 4.5, 3.25, 4.0, 3.75, 3.88,
            "функционалдық міндеттерін тиімді орындайды", date(2026, 1, 12).isoformat(),
            "3.50 → 3.88, calibration session",
        ]  # fmt: skip


def peak(count: int) -> tuple[int, int]:
    tracemalloc.start()
    tracemalloc.reset_peak()
    out = excel.write_workbook("2025", excel.results_header(), lines(count))
    _current, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = out.seek(0, 2)
    out.close()
    return top, size


def test_it_writes_10000_rows_in_the_memory_of_1000():
    small, small_size = peak(1_000)
    large, large_size = peak(10_000)
    assert large_size > 5 * small_size  # the file grew with the rows…
    assert large < 1.5 * small + 1_000_000, (small, large)  # …the memory did not
