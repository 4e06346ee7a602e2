"""Median render time per format for the seed report and for a maximal one.

Usage: python bench/render.py [--runs N] [--pdf-runs N]
Targets (issue 2): .docx ≤ 100 ms, .html ≤ 20 ms, .pdf ≤ 3 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from machine import describe

from bot.render.docx import render_docx
from bot.render.pdf import render_pdf
from bot.render.text import render_html, render_markdown
from bot.report import datafile
from bot.report.model import Report, with_totals

SEED = Path(__file__).resolve().parents[1] / "tests" / "data" / "example-2023-suifenhe.json"


def maximal(seed: Report) -> Report:
    """Every prose field 3,000 characters over many paragraphs, every count large."""
    paragraph = "本年度政府信息公开工作稳步推进，<依法>公开&及时回应“关切”。" * 5
    text = "\n".join([paragraph] * (3000 // len(paragraph) + 1))[:3000]
    values = dict(seed.values)
    for prose in seed.format.prose:
        values[prose.key] = text
    for table in seed.format.tables:
        for i, row in enumerate(table.input_rows):
            values[row.key] = tuple(9_000_000 + i * 10 + c for c in range(len(table.columns)))
    return with_totals(Report(seed.agency, seed.level, seed.year, seed.date, values))


def median_ms(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm caches (template loading) outside the measurement
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--pdf-runs", type=int, default=5)
    args = parser.parse_args()

    print(describe())
    seed = datafile.load(SEED)
    reports = {"seed": seed, "maximal": maximal(seed)}
    print(f"{'report':<8} {'format':<6} {'median':>10}  target")
    with tempfile.TemporaryDirectory() as tmp:
        for name, report in reports.items():
            rows: list[tuple[str, float, str]] = [
                (".docx", median_ms(lambda r=report: render_docx(r), args.runs), "≤ 100 ms"),
                (".html", median_ms(lambda r=report: render_html(r), args.runs), "≤ 20 ms"),
                (".md", median_ms(lambda r=report: render_markdown(r), args.runs), "-"),
            ]
            if shutil.which("soffice"):
                out = Path(tmp) / f"{name}.pdf"
                rows.append((".pdf", median_ms(lambda r=report, o=out: render_pdf(r, o), args.pdf_runs), "≤ 3 s"))
            else:
                print("(soffice not installed: .pdf not measured)")
            for fmt, ms, target in rows:
                print(f"{name:<8} {fmt:<6} {ms:>8.1f} ms  {target}")


if __name__ == "__main__":
    main()
