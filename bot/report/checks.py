"""The checks an evaluator makes: 勾稽关系 as errors, cross-year and content checks as warnings.

Sums and identities come from the schema (computed columns and rows, equations); the prose checks compare
the figures bot/report/prose.py reads from the text, a deliberately conservative reading that flags only a
clear contradiction. Every finding carries its rule ID (for logs and the command line) and a message for
people that names the cells in the format's own terms with the numbers involved.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot import texts
from bot.report import prose as prose_reading
from bot.report.model import Cell, Report, format_number, sum_cells
from bot.schema import Equation, Level, Row, Severity, Table


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    places: tuple[str, ...] = ()  # data-file paths of the cells or fields concerned

    def __str__(self) -> str:
        """What a person reads: the message alone; the rule ID is for logs and the command line."""
        return self.message


def _finding(report: Report, rule: str, message: str, places: tuple[str, ...] = ()) -> Finding:
    return Finding(rule, report.format.rule(rule).severity, message, places)


def _n(cell: Cell) -> str:
    return format_number(cell)


def row_name(row: Row) -> str:
    """A row as the format refers to it: （三）1.属于国家秘密, 一、本年新收…, 行政诉讼·复议后起诉."""
    if len(row.groups) > 1 and row.groups[-1].startswith("（"):
        return row.groups[-1][: row.groups[-1].index("）") + 1] + row.label
    if row.groups and not row.groups[0].startswith("三、"):
        return "·".join((*row.groups, row.label))
    return row.label


def _terms(names: list[str], cells: list[Cell]) -> str:
    return "+".join(f"{name}({_n(c)})" for name, c in zip(names, cells, strict=True))


# --- rules 1, 2, 4: computed cells equal their sums --------------------------------------------------
def _computed_columns(report: Report, table: Table) -> Iterator[Finding]:
    for row in table.rows:
        cells = report.row(row.key)
        if cells is None:
            continue
        for i, column in enumerate(table.columns):
            if not column.sums or cells[i] is None:
                continue
            addends = [cells[j] for j in column.sums]
            expected = sum_cells(addends)
            if expected is None or expected == cells[i] or column.rule is None:
                continue
            names = [table.columns[j].label for j in column.sums]
            template = texts.BLOCK_TOTAL if table.transposed else texts.ROW_TOTAL
            message = template.format(
                table=table.name,
                row=row_name(row),
                block=row_name(row),
                total=_n(cells[i]),
                terms=_terms(names, addends),
                sum=_n(expected),
            )
            places = tuple(table.cell_path(row, j) for j in (i, *column.sums))
            yield _finding(report, column.rule, message, places)


def _computed_rows(report: Report, table: Table) -> Iterator[Finding]:
    for row in table.rows:
        cells = report.row(row.key)
        if not row.computed or cells is None or row.rule is None:
            continue
        addend_rows = [table.row(k) for k in row.sums]
        for i, column in enumerate(table.columns):
            expected = sum_cells([report.cells(table, r)[i] for r in addend_rows])
            if cells[i] is None or expected is None or expected == cells[i]:
                continue
            message = texts.COL_TOTAL.format(
                table=table.name,
                column=column.label,
                row=row.label,
                total=_n(cells[i]),
                terms=texts.COL_TOTAL_TERMS,
                sum=_n(expected),
            )
            places = (table.cell_path(row, i), *(table.cell_path(r, i) for r in addend_rows))
            yield _finding(report, row.rule, message, places)


# --- rule 3: the identity printed in the header cell ------------------------------------------------
Side = list[tuple[Row, Cell]]  # the rows of one side of an identity, each with its cell in one column


def failing_sides(report: Report, equation: Equation) -> Iterator[tuple[int, Side, Side]]:
    """Each column where the identity does not hold (both sides filled): its index and both sides."""
    table = report.format.table(equation.table)
    left, right = [table.row(k) for k in equation.left], [table.row(k) for k in equation.right]
    for i in range(len(table.columns)):
        lcells = [report.cells(table, r)[i] for r in left]
        rcells = [report.cells(table, r)[i] for r in right]
        lsum, rsum = sum_cells(lcells), sum_cells(rcells)
        if lsum is not None and rsum is not None and lsum != rsum:
            yield i, list(zip(left, lcells, strict=True)), list(zip(right, rcells, strict=True))


def _equations(report: Report) -> Iterator[Finding]:
    for equation in report.format.equations:
        table = report.format.table(equation.table)
        for i, left, right in failing_sides(report, equation):
            message = texts.IDENTITY.format(
                table=table.name,
                column=table.columns[i].label,
                left=_terms([r.short for r, _ in left], [c for _, c in left]),
                right=_terms([r.short for r, _ in right], [c for _, c in right]),
            )
            places = tuple(table.cell_path(r, i) for r, _ in (*left, *right))
            yield _finding(report, equation.rule, message, places)


# --- rule 5: every cell filled with an admissible number; every part written --------------------------
def _cell_values(report: Report, table: Table) -> Iterator[Finding]:
    kind = table.number
    for row in table.rows:
        cells = report.cells(table, row)
        empty = [i for i, c in enumerate(cells) if c is None]
        if empty:
            columns = "" if len(table.columns) == 1 else " " + "、".join(table.columns[i].label for i in empty)
            message = texts.CELL_EMPTY.format(table=table.name, row=row_name(row), column=columns)
            yield _finding(report, "CELL-FILLED", message, tuple(table.cell_path(row, i) for i in empty))
        for i, cell in enumerate(cells):
            if cell is None:
                continue
            value = Decimal(cell)
            column = "" if len(table.columns) == 1 else " " + table.columns[i].label
            names = {"table": table.name, "row": row_name(row), "column": column, "value": _n(cell)}
            if value < 0:
                template = texts.CELL_NEGATIVE
            elif kind.is_integer and value != value.to_integral_value():
                template = texts.CELL_NOT_INTEGER
            elif -value.as_tuple().exponent > kind.decimals:  # type: ignore[operator]
                template = texts.CELL_TOO_PRECISE
            elif value > kind.maximum:
                template = texts.CELL_TOO_LARGE
            else:
                continue
            yield _finding(report, "CELL-VALUE", template.format(**names), (table.cell_path(row, i),))


def _prose_filled(report: Report) -> Iterator[Finding]:
    for section in report.format.sections:
        for prose in section.prose:
            text = report.text(prose.key)
            if not text or not text.strip():
                where = section.heading or ""
                yield _finding(
                    report, "TEXT-FILLED", texts.TEXT_EMPTY.format(section=where, name=prose.name), (prose.key,)
                )


# --- rules 6, 7: across years ------------------------------------------------------------------------
def _carried_over(report: Report, previous: Report) -> Iterator[Finding]:
    table = report.format.table_of("applications.carried_over")
    this, last = table.row("applications.carried_over"), table.row("applications.carried_forward")
    for i, column in enumerate(table.columns):
        now, before = report.cells(table, this)[i], previous.cells(table, last)[i]
        if now is not None and before is not None and now != before:
            message = texts.CARRIED_OVER.format(column=column.label, this=_n(now), last=_n(before))
            yield _finding(report, "X-CARRIED-OVER", message, (table.cell_path(this, i),))


def _in_force(report: Report, previous: Report) -> Iterator[Finding]:
    table = report.format.table("T2-1")
    for row in table.rows:
        issued, repealed, in_force = report.cells(table, row)
        last = previous.cells(table, row)[2]
        if None in (issued, repealed, in_force, last):
            continue
        expected = last + issued - repealed  # type: ignore[operator]
        if expected != in_force:
            message = texts.IN_FORCE.format(
                row=row.label,
                this=_n(in_force),
                last=_n(last),
                issued=_n(issued),
                repealed=_n(repealed),
                expected=_n(expected),
            )
            yield _finding(report, "X-IN-FORCE", message, (table.cell_path(row, 2),))


# --- rule 8: numbers quoted in the prose -----------------------------------------------------------------
CLAUSE = r"[^。；;，,！!？?\n]"
ON_REQUEST = "text.overview.on_request"  # 依申请公开情况: the part that retells table 三


def _table_total(report: Report, *row_keys: str) -> Cell:
    cells = []
    for key in row_keys:
        table = report.format.table_of(key)
        cells.append(report.cells(table, table.row(key))[-1])
    return sum_cells(cells)


def prose_numbers(report: Report, key: str, text: str) -> list[Finding]:
    """TEXT-NUMBERS for one prose part holding this text: the figures it states that the tables contradict."""
    prose = next(p for p in report.format.prose if p.key == key)
    where = texts.PROSE_WHERE.format(name=prose.name)
    carried = _table_total(report, prose_reading.CARRIED_OVER)
    findings: list[Finding] = []
    seen: set[tuple[str, Decimal]] = set()
    for quote in prose_reading.quotes(text, report.format, report.year, on_request=key == ON_REQUEST):
        quantity, said = quote.quantity, quote.said
        if prose_reading.agrees(report, quote) is not False or (quantity.id, said) in seen:
            continue
        table = prose_reading.table_value(report, quantity)
        seen.add((quantity.id, said))
        message, place = _contradiction(quantity, said, table, carried, where)
        findings.append(_finding(report, "TEXT-NUMBERS", message, (key, place)))
    return findings


def _contradiction(
    quantity: prose_reading.Quantity, said: Decimal, table: Cell, carried: Cell, where: str
) -> tuple[str, str]:
    names = {"where": where, "said": _n(said), "table": _n(table)}
    if quantity.id == prose_reading.RECEIVED:
        if said == 0:
            return texts.PROSE_NO_APPLICATIONS.format(**names), "applications.new[6]"
        message = texts.PROSE_APPLICATIONS.format(**names)
        if carried and table is not None and said == table + carried:
            message += texts.PROSE_APPLICATIONS_SUMMED.format(said=_n(said))
        return message, "applications.new[6]"
    if quantity.id == prose_reading.REVIEWS:
        return texts.PROSE_REVIEWS.format(**names), "reviews_litigation.review[4]"
    if quantity.id == prose_reading.LAWSUITS:
        return texts.PROSE_LAWSUITS.format(**names), "reviews_litigation.litigation_direct[4]"
    if quantity.id == prose_reading.IN_FORCE:
        return texts.PROSE_IN_FORCE.format(**names), "proactive.normative_docs.in_force"
    name = texts.PROSE_QUANTITY_NAMES.get(quantity.id) or prose_reading.category_word(quantity.label)
    return texts.PROSE_TABLE_THREE.format(name=name, row=quantity.label, **names), f"{quantity.rows[0]}[6]"


def _prose_numbers(report: Report) -> Iterator[Finding]:
    for prose in report.format.prose:
        yield from prose_numbers(report, prose.key, report.text(prose.key) or "")


# --- rules 9, 10: what 五 and 六 must say -------------------------------------------------------------
NO_FEE_NOTICES = re.compile(
    rf"(?:未|没有|无){CLAUSE}{{0,8}}(?:收取|发出|发送|开具|产生){CLAUSE}{{0,8}}(?:信息处理费|收费通知)"
)
LAST_YEAR = ("上年", "上一年", "去年", "以往", "整改", "前一年")


def _other_section(report: Report) -> Iterator[Finding]:
    text = report.text("text.other")
    if not text:
        return
    if "处理费" not in text:
        yield _finding(report, "S6-FEE", texts.FEE_NOT_STATED, ("text.other",))
    yield from fee_notices(report, text)
    for pattern, topic in texts.S6_TOPICS.items():
        if not re.search(pattern, text):
            yield _finding(report, "S6-TOPICS", texts.S6_TOPIC_MISSING.format(topic=topic), ("text.other",))


def fee_notices(report: Report, text: str) -> list[Finding]:
    """S6-FEE's contradiction for a text of 六: it says no fee notice went out, but （六）2 counts unpaid ones."""
    no_fee = _table_total(report, "applications.other_no_fee")
    if not no_fee or not NO_FEE_NOTICES.search(text):
        return []
    message = texts.FEE_NOTICES.format(count=_n(no_fee))
    return [_finding(report, "S6-FEE", message, ("text.other", "applications.other_no_fee[6]"))]


def _problems_section(report: Report) -> Iterator[Finding]:
    text = report.text("text.problems")
    if text and not any(word in text for word in (*LAST_YEAR, f"{report.year - 1}年")):
        yield _finding(report, "S5-LAST-YEAR", texts.LAST_YEAR_NOT_MENTIONED, ("text.problems",))


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


COPY_THRESHOLD = 0.9


COPY_CHECKED = ("text.problems", "text.other")  # 五 and 六 must be written anew each year


def copied_from_last_year(report: Report, previous: Report | None) -> list[Finding]:
    """X-COPIED alone: what the walk says the moment 五 or 六 is saved."""
    return [] if previous is None else list(_copied(report, previous))


def _copied(report: Report, previous: Report) -> Iterator[Finding]:
    for key in COPY_CHECKED:
        now, before = report.text(key), previous.text(key)
        if now and before and len(now) > 30 and (ratio := similarity(now, before)) >= COPY_THRESHOLD:
            name = next(p.name for p in report.format.prose if p.key == key)
            yield _finding(report, "X-COPIED", texts.COPIED.format(name=name, ratio=ratio), (key,))


def _government(report: Report) -> Iterator[Finding]:
    if report.level is not Level.GOVERNMENT:
        return
    overview = "".join(report.text(p.key) or "" for p in report.format.prose)
    if not all(word in overview for word in ("考核", "评议", "责任追究")):
        yield _finding(report, "S1-GOVERNMENT", texts.GOVERNMENT_ASSESSMENT, ("text.overview.supervision",))


# --- rules 11, 12: the date and the format ---------------------------------------------------------------
def _date(report: Report) -> Iterator[Finding]:
    if report.date is None:
        yield _finding(report, "DATE-DEADLINE", texts.DATE_MISSING, ("date",))
        return
    deadline = report.deadline()
    if report.date > deadline:
        message = texts.DATE_LATE.format(date=report.date.isoformat(), deadline=deadline.isoformat())
        yield _finding(report, "DATE-DEADLINE", message, ("date",))
    elif report.date <= date(report.year, 12, 30):
        yield _finding(
            report, "DATE-DEADLINE", texts.DATE_EARLY.format(date=report.date.isoformat(), year=report.year), ("date",)
        )


def _old_format(report: Report) -> Iterator[Finding]:
    for prose in report.format.prose:
        text = report.text(prose.key) or ""
        for marker in report.format.old_markers:
            if marker in text:
                yield _finding(
                    report, "OLD-FORMAT", texts.OLD_MARKER.format(name=prose.name, marker=marker), (prose.key,)
                )


def table_totals(report: Report, table: Table) -> list[Finding]:
    """The 勾稽关系 of one table alone: what the walk checks the moment a table is complete."""
    findings = [*_computed_columns(report, table), *_computed_rows(report, table)]
    return findings + [f for f in _equations(report) if report.format.table_of(f.places[0].split("[")[0]) is table]


def check(report: Report, previous: Report | None = None) -> list[Finding]:
    """Every finding for a report, errors first, each group in the order of the format's rules."""
    findings: list[Finding] = []
    for table in report.format.tables:
        findings += _computed_columns(report, table)
        findings += _computed_rows(report, table)
    findings += _equations(report)
    for table in report.format.tables:
        findings += _cell_values(report, table)
    findings += _prose_filled(report)
    if previous is not None:
        findings += _carried_over(report, previous)
        findings += _in_force(report, previous)
    findings += _prose_numbers(report)
    findings += _other_section(report)
    findings += _problems_section(report)
    if previous is not None:
        findings += _copied(report, previous)
    findings += _government(report)
    findings += _date(report)
    findings += _old_format(report)
    order = {rule.id: i for i, rule in enumerate(report.format.rules)}
    return sorted(findings, key=lambda f: (f.severity is not Severity.ERROR, order[f.rule]))


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]
