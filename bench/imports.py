"""How well and how fast published reports are read: every import test input against its truth.

Counts table cells over all inputs: read right, read wrong (a number that is not the report's, or any
number where the input cannot tell), not read although the input tells, and left empty as they must be
(digits run together that can be cut more than one way). Target (issue 11): 100 % of the readable
cells right, 0 wrong. Then the time to import each kind of input; for a PDF per page, as a ratio to
pdfplumber's own plain-text extraction of the same pages measured in the same run (the least any PDF
import must do).

Inputs: the corpus written from real published pages (tests/data/published), the tab-separated ones
of it laid out with ruled tables and printed to PDF, the county report as nianbao renders it (.docx,
.html, PDF), in an agency's own layout (PDF, ruled and unruled) and in nianbao's without lines, its cells
centred (PDF), and the seed report as copied.
The PDFs need LibreOffice; without it they are left out (and said so).

Usage: python bench/imports.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pdfplumber
from machine import describe

from bot.importer import import_report
from bot.render import pdf
from bot.render.docx import render_docx
from bot.render.text import render_html
from bot.report import datafile
from tests.importer.handmade import numbered
from tests.importer.handmade_pdf import borderless_pdf, published_pdf, tabbed_pdf
from tests.importer.published import Case, Score, case_of, cases, score

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def inputs() -> list[tuple[str, Case]]:
    """(kind, case) for every input, the truth with it."""
    found = [("text", case) for case in cases() if not case.not_a_report]
    county = datafile.load(DATA / "county-2025-government.json")
    seed = datafile.load(DATA / "example-2023-suifenhe.json")
    found.append(("text", case_of("seed-2023-suifenhe.txt", (DATA / "seed-2023-suifenhe.txt").read_bytes(), seed)))
    found.append(("docx", case_of("county.docx", render_docx(county), county)))
    found.append(("html", case_of("county.html", render_html(county).encode(), county)))
    if pdf.soffice() is None:
        print("LibreOffice not installed: the PDF inputs are left out")
        return found
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "county.pdf"
        pdf.render_pdf(county, out)
        found.append(("pdf", case_of("county-nianbao.pdf", out.read_bytes(), county)))
    agency = dataclasses.replace(numbered(county), agency="某某市数据局", year=2024, date=date(2025, 1, 20))
    found.append(("pdf", case_of("agency-ruled.pdf", published_pdf(agency), agency)))
    found.append(("pdf", case_of("agency-unruled.pdf", published_pdf(agency, ruled=False), agency)))
    found.append(("pdf", case_of("nianbao-unruled-centred.pdf", borderless_pdf(agency), agency)))
    for kind, case in list(found):
        if kind == "text" and "tabs-" in case.name:
            printed = tabbed_pdf(case.data.decode())
            found.append(("pdf", dataclasses.replace(case, name=case.name + ".pdf", data=printed)))
    return found


def _best(rounds: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def _plain_text(data: bytes) -> int:
    with pdfplumber.open(io.BytesIO(data)) as document:
        return sum(len(page.extract_text() or "") for page in document.pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    print(describe())
    total = Score()
    timing: dict[str, list[tuple[float, float, int]]] = {}
    print(f"{'input':48} {'right':>5} {'wrong':>5} {'unread':>6} {'empty*':>6} {'ms':>7}")
    for kind, case in inputs():
        suffix = "." + kind if kind != "text" else ".txt"
        imported = import_report(case.name.removesuffix(suffix) + suffix, case.data)
        result = score(case, imported.report)
        total.add(result)
        seconds = _best(rounds, lambda: import_report("x" + suffix, case.data))  # noqa: B023 - used at once
        pages, reference = 1, 0.0
        if kind == "pdf":
            with pdfplumber.open(io.BytesIO(case.data)) as document:
                pages = len(document.pages)
            reference = _best(rounds, lambda: _plain_text(case.data))  # noqa: B023
        timing.setdefault(kind, []).append((seconds, reference, pages))
        print(
            f"{case.name:48} {result.right:5} {len(result.wrong):5} {len(result.unread):6} {result.unreadable:6}"
            f" {seconds * 1000:7.0f}"
        )
        for line in result.wrong + result.unread:
            print("    ", line)
    readable = total.right + len(total.wrong) + len(total.unread)
    print(
        f"\ncells: {readable} readable, {total.right} read right ({100 * total.right / readable:.1f} %), "
        f"{len(total.wrong)} wrong, {len(total.unread)} not read; "
        f"{total.unreadable} left empty where the input cannot tell (*)"
    )
    for kind, runs in timing.items():
        per_input = statistics.median(s for s, _, _ in runs) * 1000
        line = f"{kind}: {len(runs)} inputs, median {per_input:.0f} ms an input"
        if kind == "pdf":
            per_page = sum(s for s, _, _ in runs) / sum(p for _, _, p in runs) * 1000
            ratio = sum(s for s, _, _ in runs) / sum(r for _, r, _ in runs)
            line += f", {per_page:.0f} ms a page, ×{ratio:.2f} pdfplumber's plain-text extraction of the same pages"
        print(line)


if __name__ == "__main__":
    main()
