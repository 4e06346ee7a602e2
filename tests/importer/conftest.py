"""Reports to import: the seed as copied from its web page, and generated reports with every number set."""

from __future__ import annotations

import dataclasses
import random
from datetime import date
from decimal import Decimal

import pytest

from bot.report import datafile
from bot.report.model import Report, with_totals
from bot.schema import CURRENT, Level
from tests.conftest import DATA, SEED_JSON

SEED_TEXT = DATA / "seed-2023-suifenhe.txt"

AGENCIES = (
    ("绥芬河市文体广电和旅游局", Level.DEPARTMENT),
    ("某某县人民政府", Level.GOVERNMENT),
    ("某某市数据局（市政务服务管理局）", Level.DEPARTMENT),
    ("某某区某某街道办事处", Level.DEPARTMENT),
)
SENTENCES = (
    "本年度共主动公开政府信息 1,234 条，同比增长 5%。",
    "落实“三到位”要求，健全“以公开为常态、不公开为例外”的机制。",
    "依据《中华人民共和国政府信息公开条例》（国务院令第711号）开展工作。",
    "门户网站 www.example.gov.cn 与政务新媒体同步发布信息  共 627 条。",
    "符号 <b> & {{ x }} 与 {% y %} 原样保留。",
    "全年未发生因政府信息公开引起的行政复议、行政诉讼。",
    "English words, ASCII (parentheses) and digits 2023 mixed in.",
    "一是加强组织领导；二是完善工作机制；三是强化监督检查。",
)


@pytest.fixture
def seed_text() -> str:
    return SEED_TEXT.read_text(encoding="utf-8")


@pytest.fixture
def seed_report() -> Report:
    return datafile.load(SEED_JSON)


def _prose(rng: random.Random) -> str:
    """Paragraphs as a document holds them: each stripped, separated by a blank line."""
    paragraphs = ["".join(rng.sample(SENTENCES, rng.randint(1, 3))) for _ in range(rng.randint(1, 4))]
    return "\n\n".join(p.strip() for p in paragraphs)


def _count(rng: random.Random) -> int:
    return rng.choice((0, rng.randint(1, 30), rng.randint(100, 99_999)))


def generated(n: int) -> Report:
    """A complete report, different for each n: varied prose, non-zero numbers, a six-decimal fee."""
    rng = random.Random(n)
    agency, level = AGENCIES[n % len(AGENCIES)]
    year = 2021 + n % 4
    values: dict[str, object] = {prose.key: _prose(rng) for prose in CURRENT.prose}
    for table in CURRENT.tables:
        for row in table.input_rows:
            values[row.key] = tuple(None if column.sums else _count(rng) for column in table.columns)
    values["proactive.licensing"] = (rng.randint(1, 500),)
    values["applications.new"] = tuple(rng.randint(1, 50) for _ in range(7))
    values["proactive.fees_wan_yuan"] = (Decimal(f"{rng.randint(0, 9999)}.{rng.randint(1, 999_999):06d}"),)
    report = Report(
        agency=agency,
        level=level,
        year=year,
        date=date(year + 1, rng.randint(1, 3), rng.randint(1, 28)),
        values=values,  # type: ignore[arg-type]
    )
    return with_totals(report)


def differences(expected: Report, actual: Report) -> list[str]:
    """What differs, field by field, for a readable assertion message."""
    found = [
        f"{name}: {getattr(expected, name)!r} ≠ {getattr(actual, name)!r}"
        for name in ("agency", "level", "year", "date")
        if getattr(expected, name) != getattr(actual, name)
    ]
    for key in sorted(set(expected.values) | set(actual.values)):
        if expected.values.get(key) != actual.values.get(key):
            found.append(f"{key}: {expected.values.get(key)!r} ≠ {actual.values.get(key)!r}")
    return found


def with_values(report: Report, **values: object) -> Report:
    merged = dict(report.values)
    merged.update({k.replace("__", "."): v for k, v in values.items()})  # type: ignore[misc]
    return dataclasses.replace(report, values=merged)
