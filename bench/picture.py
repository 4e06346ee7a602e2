"""Median time to draw each table section of the county report as a picture (issue 10, point 8).

Usage: python bench/picture.py [--runs N]

Each run draws a report whose numbers differ from the last run's (the county report's, plus the run's
index), as a bot drawing many agencies' tables would: the labels' line breaks and glyphs are reused,
the numbers and the column widths are worked out anew. The first picture of the process, which also
finds and loads the font, is reported on its own.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from machine import describe

from bot.render.picture import draw_tables
from bot.report import datafile
from bot.report.model import Report, with_totals

COUNTY = Path(__file__).resolve().parents[1] / "tests" / "data" / "county-2025-government.json"


def varied(report: Report, run: int) -> Report:
    """The report with every input cell raised by ``run``."""
    values = dict(report.values)
    for table in report.format.tables:
        for row in table.input_rows:
            cells = report.row(row.key)
            if cells is not None:
                values[row.key] = tuple(c + run if c is not None else None for c in cells)
    return with_totals(dataclasses.replace(report, values=values))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    print(describe())
    county = with_totals(datafile.load(COUNTY))
    start = time.perf_counter()
    draw_tables(county, ("三",))
    print(f"first picture of the process (表三, font loading included): {(time.perf_counter() - start) * 1000:.0f} ms")

    reports = [varied(county, run) for run in range(1, args.runs + 1)]
    print(f"{'picture':<10} {'size':>11} {'PNG':>8} {'median':>10}")
    for name, tables in (("表二", ("二",)), ("表三", ("三",)), ("表四", ("四",)), ("二三四", None)):
        times = []
        for report in reports:
            start = time.perf_counter()
            picture = draw_tables(report, tables)
            times.append((time.perf_counter() - start) * 1000)
        size = f"{picture.size[0]}×{picture.size[1]}"
        print(f"{name:<10} {size:>11} {len(picture.png) // 1024:>5} KB {statistics.median(times):>7.1f} ms")


if __name__ == "__main__":
    main()
