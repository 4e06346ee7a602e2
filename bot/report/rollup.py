"""A government's tables 二, 三 and 四 as the sum of the reports of the agencies it covers, cell by cell.

Pure: sources in, sums out; the chat and the command line find the sources. Every table row and column
of the format is summed as the schema lists them: input cells are added (the fee exactly, as Decimal),
computed cells (总计, （七）总计) are recalculated from the sums. Prose is never summed. A cell unknown in
one source (None) leaves that cell of the sum unknown, and is listed: unknown is never taken as 0.
A source of another year, in the 2019 trial format, or not readable is refused with a reason naming it.
The work is one pass over the sources' cells: linear in their number, no lookups per cell.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from pathlib import Path

from bot import texts
from bot.report import datafile
from bot.report.checks import row_name
from bot.report.model import Cell, Report, RowValue, sum_cells, with_totals
from bot.schema import CURRENT, FORMAT_2019, Format, Level, Row, Table

# Decimal places of the fee, at most 6, over up to 9 integer digits and thousands of addends: 28 digits
# (Decimal's default) would do; more makes the sum exact whatever the input.
PRECISION = 60


@dataclass(frozen=True)
class Source:
    """One report to add: ``name`` is how the person knows it (a file, an agency); ``draft`` marks a current
    draft taken instead of a final report."""

    name: str
    report: Report
    draft: bool = False


@dataclass(frozen=True)
class Refused:
    """A source not added, and why (Chinese, naming the source)."""

    name: str
    reason: str


@dataclass(frozen=True)
class Unknown:
    """Cells of one row that one source left unknown, so the sum's cells there are unknown too."""

    source: str
    table: Table
    row: Row
    columns: tuple[int, ...]

    def __str__(self) -> str:
        columns = (
            "" if len(self.table.columns) == 1 else " " + "、".join(self.table.columns[i].label for i in self.columns)
        )
        return texts.ROLLUP_UNKNOWN_CELLS.format(
            source=self.source, table=self.table.name, row=row_name(self.row), columns=columns
        )


@dataclass(frozen=True)
class Mismatch:
    """A total a source states that is not the sum of its own cells: the roll-up adds the cells."""

    source: str
    table: Table
    row: Row
    column: int
    stated: Cell
    summed: Cell

    def __str__(self) -> str:
        column = "" if len(self.table.columns) == 1 else " " + self.table.columns[self.column].label
        return texts.ROLLUP_MISMATCH.format(
            source=self.source,
            table=self.table.name,
            row=row_name(self.row),
            column=column,
            stated=self.stated,
            summed=self.summed,
        )


@dataclass
class RollUp:
    """The sums (every row of tables 二, 三 and 四, totals included), what was added, and what was not."""

    year: int
    values: dict[str, RowValue]
    used: list[Source] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    unknown: list[Unknown] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # covered agencies without a report of the year
    unfinished: list[str] = field(default_factory=list)  # covered agencies whose report is not final
    format: Format = CURRENT

    @property
    def drafts(self) -> list[Source]:
        return [s for s in self.used if s.draft]

    @property
    def complete(self) -> bool:
        """Every source added, no cell unknown, nobody missing: the sums are the whole picture."""
        return not (self.refused or self.unknown or self.missing or self.unfinished) and bool(self.used)

    def report(self, agency: str, level: Level = Level.GOVERNMENT) -> Report:
        """The sums as a report of ``agency``: tables only, no prose, no date."""
        return Report(agency=agency, level=level, year=self.year, values=dict(self.values), format=self.format)

    def fingerprint(self) -> str:
        """12 hex digits that change whenever the sums or the sources do: what a confirmation must match."""
        digest = hashlib.sha256()
        for source in sorted(self.used, key=lambda s: s.name):
            digest.update(f"{source.name}\x00{int(source.draft)}\x01".encode())
        for key, cells in self.values.items():
            digest.update(f"{key}={cells!r}\x02".encode())
        return digest.hexdigest()[:12]


def refusal(source: Source, year: int, fmt: Format = CURRENT) -> str | None:
    """Why this source cannot be added to a roll-up of ``year`` (None when it can)."""
    report = source.report
    if report.format is FORMAT_2019 or report.format.id == FORMAT_2019.id:
        return texts.ROLLUP_REFUSED_2019.format(source=source.name)
    if report.format.id != fmt.id:
        return texts.ROLLUP_REFUSED_FORMAT.format(source=source.name, actual=report.format.id)
    if report.year != year:
        return texts.ROLLUP_REFUSED_YEAR.format(source=source.name, actual=report.year, year=year)
    return None


def common_year(sources: Iterable[Source]) -> int | None:
    """The year most sources are of (the later one on a tie); None without sources."""
    counts = Counter(s.report.year for s in sources)
    return max(counts, key=lambda y: (counts[y], y)) if counts else None


def _tables(fmt: Format) -> tuple[Table, ...]:
    return fmt.tables  # 二 (four sub-tables), 三, 四: every table of the format


def _mismatches(source: Source, fmt: Format) -> list[Mismatch]:
    """Totals the source states that are not the sums of its own cells (what with_totals would change), found
    without building a report: one pass over the source's rows."""
    values = source.report.values
    found: list[Mismatch] = []
    for table in _tables(fmt):
        inputs = table.input_columns
        computed = [(i, c.sums) for i, c in enumerate(table.columns) if c.sums]
        for row in table.rows:
            stated = values.get(row.key)
            if not isinstance(stated, tuple):
                continue
            if row.computed:
                addends = [values.get(k) for k in row.sums]
                if not all(isinstance(a, tuple) for a in addends):
                    continue  # an addend never given: with_totals leaves nothing to compare with
                expected: list[Cell] = [None] * len(table.columns)
                for i in inputs:
                    expected[i] = sum_cells([a[i] for a in addends])  # type: ignore[index]
            else:
                expected = list(stated)
            for i, sums in computed:
                expected[i] = sum_cells([expected[j] for j in sums])
            columns = range(len(table.columns)) if row.computed else (i for i, _ in computed)
            for i in columns:
                if stated[i] is not None and expected[i] is not None and stated[i] != expected[i]:
                    found.append(Mismatch(source.name, table, row, i, stated[i], expected[i]))
    return found


def roll_up(sources: Sequence[Source], year: int | None = None, fmt: Format = CURRENT) -> RollUp:
    """The sum of the sources' tables, cell by cell, for ``year`` (by default the year most are of).

    Sources of another year or format are refused, as is a second report of the same agency (it would
    count twice). Input cells are added; computed cells are recalculated from the sums.
    """
    year = year if year is not None else common_year(sources) or 0
    used: list[Source] = []
    refused: list[Refused] = []
    seen: dict[str, str] = {}  # agency -> the source it came from
    for source in sources:
        reason = refusal(source, year, fmt)
        if reason is None and source.report.agency in seen:
            first = seen[source.report.agency]
            reason = texts.ROLLUP_REFUSED_TWICE.format(source=source.name, first=first, agency=source.report.agency)
        if reason is not None:
            refused.append(Refused(source.name, reason))
            continue
        seen[source.report.agency] = source.name
        used.append(source)

    rows = [(table, row, table.input_columns) for table in _tables(fmt) for row in table.input_rows]
    sums: dict[str, list[Cell]] = {row.key: [0] * len(table.columns) for table, row, _ in rows}
    unknown: list[Unknown] = []
    mismatches: list[Mismatch] = []
    with localcontext() as context:
        context.prec = PRECISION
        for source in used:
            values = source.report.values
            for table, row, columns in rows:
                total = sums[row.key]
                cells = values.get(row.key)
                if not isinstance(cells, tuple):  # never given: every cell unknown
                    for i in columns:
                        total[i] = None
                    unknown.append(Unknown(source.name, table, row, columns))
                    continue
                blank: list[int] = []
                for i in columns:
                    cell = cells[i]
                    if cell is None:
                        total[i] = None
                        blank.append(i)
                    elif (so_far := total[i]) is not None:
                        total[i] = so_far + cell
                if blank:
                    unknown.append(Unknown(source.name, table, row, tuple(blank)))
            mismatches += _mismatches(source, fmt)
        summed = Report(agency="", level=Level.GOVERNMENT, year=year, values=_values(sums, fmt), format=fmt)
        complete = with_totals(summed)
    values = {
        row.key: complete.row(row.key) or (None,) * len(table.columns) for table in fmt.tables for row in table.rows
    }
    return RollUp(year, values, used, refused, unknown, mismatches, format=fmt)  # type: ignore[arg-type]


def _values(sums: dict[str, list[Cell]], fmt: Format) -> dict[str, RowValue]:
    """The summed input rows as a report's values; the fee as Decimal however its addends were written."""
    values: dict[str, RowValue] = {}
    for table in fmt.tables:
        for row in table.input_rows:
            cells = sums[row.key]
            if not table.number.is_integer:
                cells = [None if c is None else Decimal(c) for c in cells]
            values[row.key] = tuple(cells)
    return values


def read_source(path: str | Path, fmt: Format = CURRENT) -> Source | Refused:
    """A data file as a source, or why it is refused: unreadable, or in the 2019 trial format."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return Refused(name, texts.ROLLUP_REFUSED_UNREADABLE.format(source=name, reason=texts.ROLLUP_NO_FILE))
    except (OSError, UnicodeDecodeError) as exc:
        return Refused(name, texts.ROLLUP_REFUSED_UNREADABLE.format(source=name, reason=exc))
    try:
        doc = datafile.parse_json(text)
        if isinstance(doc, dict) and doc.get("format") == FORMAT_2019.id:
            return Refused(name, texts.ROLLUP_REFUSED_2019.format(source=name))
        if isinstance(doc, dict) and doc.get("format", fmt.id) != fmt.id:
            return Refused(name, texts.ROLLUP_REFUSED_FORMAT.format(source=name, actual=doc.get("format")))
        report = datafile.from_document(doc, fmt)
    except datafile.DataFileError as exc:
        return Refused(name, texts.ROLLUP_REFUSED_UNREADABLE.format(source=name, reason=exc))
    return Source(name, report)


def problems(result: RollUp, shown: int = 3) -> list[str]:
    """What a person must know before using the sums, in Chinese, one line each: sources refused, agencies
    missing or unfinished, drafts taken, cells unknown (``shown`` rows per source, then a count), totals
    that disagreed in a source."""
    lines = [r.reason for r in result.refused]
    if result.missing:
        lines.append(texts.ROLLUP_MISSING.format(count=len(result.missing), agencies=names(result.missing)))
    if result.unfinished:
        lines.append(texts.ROLLUP_UNFINISHED.format(count=len(result.unfinished), agencies=names(result.unfinished)))
    if result.drafts:
        drafts = [s.name for s in result.drafts]
        lines.append(texts.ROLLUP_DRAFTS.format(count=len(drafts), agencies=names(drafts)))
    per_source: dict[str, list[Unknown]] = {}
    for unknown in result.unknown:
        per_source.setdefault(unknown.source, []).append(unknown)
    for source, rows in per_source.items():
        lines += [str(u) for u in rows[:shown]]
        if len(rows) > shown:
            lines.append(texts.ROLLUP_UNKNOWN_MORE.format(source=source, count=len(rows) - shown))
    lines += [str(m) for m in result.mismatches]
    return lines


def names(items: Sequence[str], shown: int = 30) -> str:
    """Names joined with 、, the first ``shown`` of a long list and how many more."""
    listed = "、".join(items[:shown])
    return listed + texts.ROLLUP_MORE_NAMES.format(count=len(items)) if len(items) > shown else listed
