"""The roll-up of 1,000 generated reports: the pure core, and through the database (SQLite file), each as a
time and as a ratio to a reference measured in the same run (with_totals of one report × the same count).

Usage: python bench/rollup.py [--agencies N] [--runs N] [--database URL]
Target (issue 12): a roll-up of 1,000 agencies ≤ 2 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from machine import describe
from sqlmodel import Session

from bot.chat.rollups import gather
from bot.report.model import Report, with_totals
from bot.report.rollup import Source, roll_up
from bot.schema import CURRENT, Level
from storage import repo
from storage.db import make_engine, upgrade
from storage.models import Agency, AgencyLink, ReportRow, ReportStatus

YEAR = 2026


def generated(agency: str, seed: int) -> Report:
    """A complete report: every input cell its own number (the fee with six decimals), prose written."""
    rng = random.Random(seed)
    values: dict[str, object] = {p.key: f"{agency}：{p.name}。" * 20 for p in CURRENT.prose}
    for table in CURRENT.tables:
        for row in table.input_rows:
            if table.number.is_integer:
                values[row.key] = tuple(rng.randint(0, 99) for _ in table.columns)
            else:
                values[row.key] = (Decimal(rng.randint(0, 10**8)).scaleb(-6),)
    return with_totals(Report(agency, Level.DEPARTMENT, YEAR, values=values))  # type: ignore[arg-type]


def median_s(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm caches outside the measurement
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def seed_database(url: str, reports: list[Report]) -> tuple[object, int]:
    """A county government covering every agency, each with a final report: rows written in bulk."""
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        government = Agency(name="基准县人民政府", level=Level.GOVERNMENT)
        agencies = [Agency(name=r.agency, level=Level.DEPARTMENT) for r in reports]
        session.add(government)
        session.add_all(agencies)
        session.flush()
        rows = [ReportRow(agency_id=a.id, year=YEAR, format_id=CURRENT.id, status=ReportStatus.FINAL) for a in agencies]
        session.add_all(rows)
        session.add_all(AgencyLink(government_id=government.id, agency_id=a.id) for a in agencies)  # type: ignore[arg-type]
        session.flush()
        for row, report in zip(rows, reports, strict=True):
            repo.stage_answers(session=session, report=row, values=report.values, by=None)
        session.commit()
        return engine, government.id  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agencies", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database", help="a database URL (default: a new SQLite file)")
    args = parser.parse_args()
    print(describe())

    reports = [generated(f"基准机构{i:04d}", i) for i in range(args.agencies)]
    sources = [Source(r.agency, r) for r in reports]
    one = reports[0]
    reference = median_s(lambda: [with_totals(one) for _ in range(args.agencies)], args.runs)
    core = median_s(lambda: roll_up(sources, YEAR), args.runs)
    result = roll_up(sources, YEAR)
    assert len(result.used) == args.agencies and not result.unknown and not result.refused
    print(f"reference: with_totals of one report × {args.agencies}: {reference:.3f} s")
    print(f"roll-up of {args.agencies} reports, pure core: {core:.3f} s ({core / reference:.2f} × reference)")

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine, government_id = seed_database(url, reports)
        try:

            def through_database() -> object:
                with Session(engine) as session:  # type: ignore[call-overload]
                    government = session.get_one(Agency, government_id)
                    return gather(session, government, YEAR)

            database = median_s(through_database, args.runs)
            found = through_database()
            assert found.values == result.values  # type: ignore[attr-defined]
            print(
                f"roll-up of {args.agencies} agencies through the database ({url.split(':', 1)[0]}): "
                f"{database:.3f} s ({database / reference:.2f} × reference); target ≤ 2 s"
            )
        finally:
            engine.dispose()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
