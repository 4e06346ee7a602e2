"""The export of a year with many agencies: how long the .docx files and the .xlsx take (PDFs excluded).

Usage: python bench/export.py [--agencies 1000] [--workers 2] [--reference 1000] [--database URL]
Target (issue 12): the export of the .docx files and the .xlsx of 1,000 agencies ≤ 60 s. The issue's other
target, a roll-up of 1,000 agencies ≤ 2 s, is measured by bench/rollup.py.

A generated database (``build_database``: the county's government report, every agency's numbers its own) is
read as the bot and ``nianbao export`` read it; the export is timed whole (reading the database, rendering,
the workbook, the archive) and by part. The reference, measured in the same run on the same machine, is
render_docx of one report as many times, in this process: it says what the export costs beyond rendering and
what the worker processes gain.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from machine import describe
from sqlalchemy import event
from sqlmodel import Session

from bot.render.docx import render_docx
from bot.render.export import export, load_entries, workbook
from bot.report.model import Report
from storage import repo
from storage.db import make_engine, upgrade
from storage.models import ReportStatus
from tests.support.exports import county_reports

YEAR = 2025
ZONE = ZoneInfo("Asia/Shanghai")


def build_database(url: str, agencies: int, year: int = YEAR) -> list[Report]:
    """A database at ``url`` holding ``agencies`` agencies, each with its report of the year (one in three
    final): a government first, then departments, every agency's numbers its own. The reports are returned."""
    upgrade(url)
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":  # building only: no fsync per agency

        @event.listens_for(engine, "connect")
        def _fast(connection: Any, _record: Any) -> None:
            connection.execute("PRAGMA synchronous=OFF")

    reports = county_reports(agencies, year)
    with Session(engine, expire_on_commit=False) as session:
        for n, report in enumerate(reports):
            agency = repo.create_agency(session=session, name=report.agency, level=report.level)
            row = repo.store_report(session=session, agency=agency, report=report)
            if n % 3 == 0:
                row.status = ReportStatus.FINAL
                session.add(row)
                session.commit()
    engine.dispose()
    return reports


def seconds(work: Callable[[], object]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agencies", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="processes rendering the .docx files")
    parser.add_argument("--reference", type=int, default=1000, help="render_docx runs of the reference (0: none)")
    parser.add_argument("--database", help="an empty database to fill (default: a SQLite file in a temporary folder)")
    args = parser.parse_args()

    print(describe())
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-export-") as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / 'export.db'}"
        built, reports = seconds(lambda: build_database(url, args.agencies))
        print(f"database: {args.agencies} agencies with a report of {YEAR} built in {built:.1f} s (not counted)")
        engine = make_engine(url)

        def load() -> list[Any]:
            with Session(engine) as session:
                return load_entries(session, YEAR, ZONE)

        def whole() -> Any:
            return export(load(), YEAR, Path(tmp) / "export", pdf=False, workers=args.workers)

        loaded, entries = seconds(load)
        sheet, _ = seconds(lambda: workbook(entries, YEAR))
        total, made = seconds(whole)
        engine.dispose()
        size = sum(a.stat().st_size for a in made.archives)
        print(f"{'part':<46} {'seconds':>8}")
        print(f"{'read the database':<46} {loaded:>8.2f}")
        print(f"{'the .xlsx':<46} {sheet:>8.2f}")
        print(f"{f'export, .docx files and .xlsx ({args.workers} workers)':<46} {total:>8.2f}  target ≤ 60 s")
        print(f"archive: {made.reports} .docx files, {size / 1e6:.1f} MB")
        if args.reference:
            report = reports[0]
            render_docx(report)  # the template loaded outside the measurement
            runs = []
            for _ in range(args.reference):
                start = time.perf_counter()
                render_docx(report)
                runs.append(time.perf_counter() - start)
            label = f"reference: render_docx × {args.reference}, 1 process"
            print(f"{label:<46} {sum(runs):>8.2f}  (median {statistics.median(runs) * 1000:.1f} ms)")


if __name__ == "__main__":
    main()
