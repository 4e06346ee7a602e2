"""The prose checks against a corpus of report sentences as agencies write them: no false alarm, every contradiction.

tests/data/prose-corpus.json holds each text with the table figures it is consistent with and the TEXT-NUMBERS
findings expected (mostly none). A check that flags correct text teaches members to ignore the checks.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.report.checks import check
from bot.report.model import Report
from bot.report.prose import category_word, result_categories
from bot.schema import CURRENT, Level
from tests.conftest import DATA

CORPUS = json.loads((DATA / "prose-corpus.json").read_text(encoding="utf-8"))["texts"]
ON_REQUEST = "text.overview.on_request"


def report_with(tables: dict[str, int], key: str, text: str, year: int) -> Report:
    """A report holding only this text and these figures, each in the 自然人 column and the 总计."""
    t3 = CURRENT.table_of("applications.new")
    values: dict[str, Any] = {key: text}

    def row(key: str, value: int, width: int = 7) -> None:
        values[key] = (value,) + (0,) * (width - 2) + (value,)

    for name in ("new", "carried_over", "total_handled", "carried_forward"):
        if name in tables:
            row(f"applications.{name}", tables[name])
    for label, rows in result_categories(t3):
        if (value := tables.get(category_word(label))) is not None:
            row(rows[0], value)
            for other in rows[1:]:
                row(other, 0)
    if "reviews" in tables:
        row("reviews_litigation.review", tables["reviews"], 5)
    if "lawsuits" in tables:
        row("reviews_litigation.litigation_direct", tables["lawsuits"], 5)
        row("reviews_litigation.litigation_after_review", 0, 5)
    if "in_force" in tables:
        values["proactive.normative_docs"] = (0, 0, tables["in_force"])
    return Report("某某县人民政府", Level.DEPARTMENT, year, values=values)


def test_the_corpus_is_large_and_varied() -> None:
    assert len(CORPUS) >= 60
    assert sum(1 for e in CORPUS if e["findings"]) >= 10
    assert len({e.get("key", ON_REQUEST) for e in CORPUS}) >= 6
    names = {name for e in CORPUS for name in e["tables"]}
    words = {category_word(label) for label, _ in result_categories(CURRENT.table_of("applications.new"))}
    assert (
        names <= {"new", "carried_over", "total_handled", "carried_forward", "reviews", "lawsuits", "in_force"} | words
    )


@pytest.mark.parametrize("entry", CORPUS, ids=[f"{i:03d}" for i in range(len(CORPUS))])
def test_the_checks_find_exactly_what_the_corpus_expects(entry: dict[str, Any]) -> None:
    key = entry.get("key", ON_REQUEST)
    report = report_with(entry["tables"], key, entry["text"], entry.get("year", 2025))
    found = [f.message for f in check(report) if f.rule == "TEXT-NUMBERS"]
    assert found == entry["findings"], entry["text"]
