"""The questions of the walk, derived from the schema, and the next step derived from stored answers.

A restart resumes correctly because nothing here remembers anything: the next step is a pure
function of the report's stored values, the stored skips, prose drafts and the member's cursor.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from bot.report.checks import Finding, row_name, table_totals
from bot.report.model import Report
from bot.schema import Format, Prose, Row, Section, Table

GATED_TABLES = ("T3", "T4")  # tables that are all zero for most agencies: one tap answers them whole
GATE_PREFIX = "gate:"
FIX_PREFIX = "fix:"


class Kind(StrEnum):
    PROSE = "prose"
    ROW = "row"
    GATE = "gate"


@dataclass(frozen=True)
class Question:
    id: str  # the field key it fills, or gate:<table id>
    kind: Kind
    section: Section
    prose: Prose | None = None
    table: Table | None = None
    row: Row | None = None
    zero_rows: tuple[Row, ...] = ()  # what the "all 0" shortcut fills: the article or group this row opens

    @property
    def count(self) -> int:
        return len(self.table.input_columns) if self.table else 0

    @property
    def has_total(self) -> bool:
        """The row ends in a column that sums all its inputs (总计): it may be typed with it."""
        if self.table is None or self.count < 2:
            return False
        return set(self.table.columns[-1].sums) == set(self.table.input_columns)


def _zero_rows(table: Table, row: Row) -> tuple[Row, ...]:
    """The row opens its article (table 二) or its group (表三 （三）…（六）): the shortcut fills them all."""
    inputs = table.input_rows
    if table.caption and row is inputs[0]:
        return inputs
    if len(row.groups) > 1:
        group = tuple(r for r in inputs if r.groups == row.groups)
        if group[0] is row and len(group) > 1:
            return group
    return (row,)


_QUESTIONS: dict[str, tuple[Question, ...]] = {}


def questions(fmt: Format) -> tuple[Question, ...]:
    """Every question of the walk in report order (derived once per format)."""
    if fmt.id not in _QUESTIONS:
        _QUESTIONS[fmt.id] = _derive(fmt)
    return _QUESTIONS[fmt.id]


def _derive(fmt: Format) -> tuple[Question, ...]:
    result: list[Question] = []
    for section in fmt.sections:
        for part in section.parts:
            if isinstance(part, Prose):
                result.append(Question(part.key, Kind.PROSE, section, prose=part))
                continue
            if part.id in GATED_TABLES:
                result.append(Question(GATE_PREFIX + part.id, Kind.GATE, section, table=part))
            for row in part.input_rows:
                result.append(
                    Question(row.key, Kind.ROW, section, table=part, row=row, zero_rows=_zero_rows(part, row))
                )
    return tuple(result)


def question(fmt: Format, question_id: str) -> Question | None:
    return next((q for q in questions(fmt) if q.id == question_id), None)


def _letters(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isalnum())


def _names(q: Question) -> list[str]:
    """What a person may call a question: its part's name, or its row as a table and the row name it."""
    if q.prose:
        return [q.prose.name]
    assert q.table and q.row
    return [f"{q.table.name}{row_name(q.row)}", *q.row.alias]


def named(fmt: Format, words: str) -> list[Question]:
    """The questions some words name (行政许可; 表三 予以公开; （四）1.本机关不掌握; 开篇说明): the one whose
    name they are, else every one whose name holds each of the words, in report order."""
    wanted = [w for w in (_letters(word) for word in words.split()) if w]
    if not wanted:
        return []
    fields = [q for q in questions(fmt) if q.kind is not Kind.GATE]
    whole = "".join(wanted)
    exact = [q for q in fields if whole in (_letters(name) for name in _short(q))]
    if len(exact) == 1:
        return exact
    return [q for q in fields if any(all(w in _letters(name) for w in wanted) for name in _names(q))]


def _short(q: Question) -> list[str]:
    """A row's own label as the format prints it, and as named under its group: the exact names."""
    if q.prose:
        return [q.prose.name]
    assert q.row
    return [q.row.label, row_name(q.row), *q.row.alias]


@dataclass(frozen=True)
class Progress:
    """Where the walk stands, derived from what is stored."""

    report: Report
    skipped: frozenset[str] = frozenset()  # question ids, and fix:<rule> for a mismatch left for later
    drafts: dict[str, str] = field(default_factory=dict)  # prose being written over several messages
    editing: str | None = None  # the question this member chose to (re)answer

    def answered(self, q: Question) -> bool:
        if q.kind is Kind.PROSE:
            return bool((self.report.text(q.id) or "").strip())
        if q.kind is Kind.GATE:
            return any(self.answered(r) for r in questions(self.report.format) if r.table is q.table and r.row)
        cells = self.report.row(q.id)
        return cells is not None and None not in cells

    def counted(self) -> tuple[int, int]:
        """(answered, total) over the questions that fill fields: what 已保存 · 18/42 shows."""
        fields = [q for q in questions(self.report.format) if q.kind is not Kind.GATE]
        return sum(self.answered(q) for q in fields), len(fields)

    def by_section(self) -> list[tuple[Section, int, int]]:
        rows = []
        for section in self.report.format.sections:
            fields = [q for q in questions(self.report.format) if q.section is section and q.kind is not Kind.GATE]
            rows.append((section, sum(self.answered(q) for q in fields), len(fields)))
        return rows

    def open_questions(self) -> list[Question]:
        return [q for q in questions(self.report.format) if q.kind is not Kind.GATE and not self.answered(q)]


@dataclass(frozen=True)
class Ask:
    question: Question
    draft: str | None = None  # the prose written so far, when continuing


@dataclass(frozen=True)
class Fix:
    """A table is complete but its 勾稽关系 do not hold: show the findings and offer corrections."""

    table: Table
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class Skipped:
    """Only skipped items remain."""

    open: tuple[Question, ...]


@dataclass(frozen=True)
class Done:
    pass


Step = Ask | Fix | Skipped | Done


def next_step(progress: Progress) -> Step:
    fmt = progress.report.format
    if progress.editing and (q := question(fmt, progress.editing)):
        return Ask(q, progress.drafts.get(q.id))
    for key, text in progress.drafts.items():
        if q := question(fmt, key):
            return Ask(q, text)
    previous_table: Table | None = None
    for q in questions(fmt):
        if previous_table is not None and q.table is not previous_table:
            fix = _fix(progress, previous_table)
            if fix:
                return fix
        previous_table = q.table if q.kind is Kind.ROW else None
        if q.kind is Kind.GATE:
            if not progress.answered(q):
                return Ask(q)
            continue
        if not progress.answered(q) and q.id not in progress.skipped:
            return Ask(q)
    if previous_table is not None and (fix := _fix(progress, previous_table)):
        return fix
    still_open = tuple(progress.open_questions())
    return Skipped(still_open) if still_open else Done()


def _fix(progress: Progress, table: Table) -> Fix | None:
    """A complete gated table whose totals or identity fail, unless the member chose to fix it later."""
    if FIX_PREFIX + table.id in progress.skipped:
        return None
    findings = unbalanced(progress, table)
    return Fix(table, findings) if findings else None


def unbalanced(progress: Progress, table: Table) -> tuple[Finding, ...]:
    """What fails in a complete gated table (its totals, its identity); nothing while rows are open."""
    if table.id not in GATED_TABLES:
        return ()
    rows = [q for q in questions(progress.report.format) if q.table is table and q.kind is Kind.ROW]
    if not all(progress.answered(q) for q in rows):
        return ()
    return tuple(table_totals(progress.report, table))
