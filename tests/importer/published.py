"""Reports as government websites publish them, with the truth about each: the corpus in tests/data/published.

Each case is a pair of files:

- ``<name>.txt``: the input as a person has it after copying a real report's web page (or saving it as text).
  The name's prefix says how the page came out: ``oneline-`` (the whole report on one line), ``belowtitle-``
  (copied from below the title: no title line, page junk after the signature), ``label-`` (a page rendered to
  markdown: a ``标题：`` line, ``|`` tables), ``runtogether-`` (table cells run together without separators),
  ``cellperline-`` (a mobile page: every cell on its own line), ``tabs-`` (a desktop browser copy: tab-separated
  cells, section 一 merged into one line), ``format2019-`` (a report in the 2019 trial format), ``noreport-``
  (a text that is not an annual report at all).
- ``<name>.expected.json``: the truth, a report data file in the exchange format (docs: exchange-format.md),
  plus keys of its own, all starting with ``_``:

  - ``_unreadable``: cells that cannot be read with certainty from the input by construction, each
    ``{"key": "<row key>", "column": <0-based index, or null for the whole row>}``. Their true values are
    still given; an importer must leave them unfilled and name them in a warning, never guess them.
  - ``_other_handling_2019``: for a 2019-format report, its undivided （六）其他处理 row (7 cells); the 2021
    file leaves the three （六） sub-rows out.
  - ``_inconsistent``: rule IDs (bot/schema) the tables are meant to break; absent when they are consistent.
  - ``_source``: the address of the real published report the text is based on; ``_note``: what is special.
  - ``{"_not_a_report": true}`` alone (with ``_source``/``_note``) marks a text that must be refused.

To add a case: put ``<name>.txt`` and ``<name>.expected.json`` in tests/data/published/ (a prefix from the list
above, or a new one explained in the note); ``tests/importer/test_published_corpus.py`` checks that the expected
file loads and its tables add up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.report import datafile
from bot.report.model import Report, RowValue
from bot.schema import CURRENT
from bot.schema.format2019 import OTHER_HANDLING_2019

DIR = Path(__file__).resolve().parents[1] / "data" / "published"
EXPECTED_SUFFIX = ".expected.json"

Cell = tuple[str, int | None]  # (row key, column index or None for the whole row)


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    data: bytes
    not_a_report: bool
    agency: str | None = None
    year: int | None = None
    # The whole expected report (prose included where the expected file gives it); None for not_a_report.
    report: Report | None = None
    # Table rows only: row key -> cells, in the exchange format's meaning. For a 2019-format report also
    # "applications.other_handling" (its undivided （六）其他处理 row, FORMAT_2019's key).
    expected: dict[str, RowValue] = field(default_factory=dict)
    unreadable: frozenset[Cell] = frozenset()
    inconsistent: frozenset[str] = frozenset()  # rule IDs the tables are meant to break
    format2019: bool = False
    note: str = ""
    source: str = ""


def _doc(path: Path) -> dict[str, Any]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict), path
    return doc


def _expected(report: Report) -> dict[str, RowValue]:
    return {row.key: cells for table in CURRENT.tables for row in table.rows if (cells := report.row(row.key))}


def case_of(name: str, data: bytes, report: Report) -> Case:
    """A case made in a test or benchmark: an input and the report it was made from."""
    return Case(
        name=name,
        path=DIR / name,
        data=data,
        not_a_report=False,
        agency=report.agency,
        year=report.year,
        report=report,
        expected=_expected(report),
    )


def load(txt: Path) -> Case:
    """One case from its .txt file and the .expected.json beside it."""
    name = txt.name.removesuffix(".txt")
    expected_path = txt.with_name(name + EXPECTED_SUFFIX)
    doc = _doc(expected_path)
    data = txt.read_bytes()
    note, source = str(doc.get("_note", "")), str(doc.get("_source", ""))
    if doc.get("_not_a_report"):
        return Case(name=name, path=txt, data=data, not_a_report=True, note=note, source=source)
    report = datafile.load(expected_path)
    expected = _expected(report)
    other = doc.get("_other_handling_2019")
    if other is not None:
        expected[OTHER_HANDLING_2019.key] = tuple(other)
    unreadable = frozenset((str(u["key"]), u["column"]) for u in doc.get("_unreadable", []))
    return Case(
        name=name,
        path=txt,
        data=data,
        not_a_report=False,
        agency=report.agency,
        year=report.year,
        report=report,
        expected=expected,
        unreadable=unreadable,
        inconsistent=frozenset(doc.get("_inconsistent", [])),
        format2019=other is not None,
        note=note,
        source=source,
    )


def cases() -> list[Case]:
    """Every case in tests/data/published, in name order."""
    return [load(txt) for txt in sorted(DIR.glob("*.txt"))]


@dataclass
class Score:
    """How an import did against the truth, counted in table cells."""

    right: int = 0
    wrong: list[str] = field(default_factory=list)  # read, and not what the report says (or read at all
    # where the input cannot tell: a lucky guess is still a guess)
    unread: list[str] = field(default_factory=list)  # left unfilled although the input tells
    unreadable: int = 0  # left unfilled where the input cannot tell, as it must be

    def add(self, other: Score) -> None:
        self.right += other.right
        self.wrong += other.wrong
        self.unread += other.unread
        self.unreadable += other.unreadable


def score(case: Case, imported: Report) -> Score:
    """Every expected cell compared with what was imported; numbers imported where none are expected
    are wrong too. The 2019 format's undivided （六）其他处理 has no 2021 row: it is not counted."""
    result = Score()
    expected = {k: v for k, v in case.expected.items() if k != OTHER_HANDLING_2019.key}
    for key, cells in expected.items():
        got = imported.row(key)
        for column, cell in enumerate(cells):
            value = got[column] if got is not None else None
            cannot_tell = (key, column) in case.unreadable or (key, None) in case.unreadable
            where = f"{case.name} {key}[{column}]"
            if cannot_tell:
                result.unreadable += value is None
                if value is not None:
                    result.wrong.append(f"{where}: guessed {value}")
            elif value is None:
                result.unread.append(where)
            elif value == cell:
                result.right += 1
            else:
                result.wrong.append(f"{where}: {value} ≠ {cell}")
    for key, value in imported.values.items():
        if not key.startswith("text.") and key not in expected and value is not None:
            result.wrong.append(f"{case.name} {key}: {value} read, none expected")
    return result
