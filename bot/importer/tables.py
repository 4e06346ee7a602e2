"""Tables 二, 三 and 四 read from a token stream, driven by the schema's labels.

A row is found by its label (the shortest run of words ending just before the numbers that names a
row, so a group label or a split label in front does not matter) and takes the numbers that follow
it. Its cells are placed only when that is certain: as many numbers as columns; or fewer, with blanks,
where exactly one way of lining them up keeps every number inside the row. Otherwise the whole row
stays unknown and a warning says so. Table 四 may stand as three rows of five, or (as the format
prints it) as three blocks of headers over one line of fifteen numbers.

A report in the 2019 trial format is recognised by the words of its table 二 and by its undivided
（六）其他处理 row; the cells that mean the same in 2021 are carried over, the rest stay unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from bot import texts
from bot.importer.labels import LabelIndex, Target, key, targets
from bot.importer.tokens import Kind, Token, number
from bot.report.checks import row_name
from bot.report.model import Cell, RowValue
from bot.schema import FORMAT_2019, FORMAT_2021, Row, Table
from bot.schema.format2019 import CARRIED_INTO_2021, OTHER_HANDLING_2019, T3_2019
from bot.schema.format2021 import T3, T4

MAX_LABEL_WORDS = 8  # a label split into more pieces than this is not one label
Found = dict[str, tuple[Target, list[Token]]]  # row key → where it belongs, the value tokens after it


@cache
def _t2_tables(old: bool) -> tuple[Table, ...]:
    fmt = FORMAT_2019 if old else FORMAT_2021
    return next(s for s in fmt.sections if s.number == "二").tables


@cache
def _index(old: bool) -> LabelIndex:
    """Every row either format can hold; （六）其他处理 stands beside the 2021 rows it was split into."""
    return LabelIndex([*targets((*_t2_tables(old), T3, T4)), Target(T3_2019, OTHER_HANDLING_2019)])


@cache
def _old_markers() -> frozenset[str]:
    return frozenset(key(m) for m in FORMAT_2021.old_markers)


def _label_run_end(tokens: list[Token], start: int) -> tuple[list[int], int]:
    """The label words from ``start`` on (blanks and line ends may come between them), and where the
    first value after them is."""
    words = []
    i = start
    while i < len(tokens) and tokens[i].kind in (Kind.LABEL, Kind.BLANK, Kind.END):
        if tokens[i].kind is Kind.LABEL:
            words.append(i)
        i += 1
    return words, i


def _values(tokens: list[Token], start: int, width: int) -> list[Token]:
    """The value tokens after a label up to the next label, or to a line end once a row's worth is in."""
    values: list[Token] = []
    filled = 0
    for token in tokens[start:]:
        if token.kind is Kind.LABEL or (token.kind is Kind.END and filled >= width):
            break
        if token.kind is not Kind.END:
            values.append(token)
            filled += token.kind is not Kind.BLANK
    return values


def find_rows(tokens: list[Token], index: LabelIndex) -> Found:
    """Each row's first occurrence that has any value: row key → (where it belongs, its value tokens)."""
    found: Found = {}
    i = 0
    while i < len(tokens):
        if tokens[i].kind is not Kind.LABEL:
            i += 1
            continue
        words, i = _label_run_end(tokens, i)
        for first in range(len(words) - 1, max(len(words) - 1 - MAX_LABEL_WORDS, -1), -1):
            target = index.find("".join(tokens[w].text for w in words[first:]))
            if target is None:
                continue
            values = _values(tokens, words[-1] + 1, len(target.table.columns))
            if any(v.kind is not Kind.BLANK for v in values):
                found.setdefault(target.row.key, (target, values))
            break
    return found


@dataclass(frozen=True)
class Misread:
    """A row whose numbers could not be lined up with its columns."""

    found: int
    ambiguous: bool


def line_up(values: list[Token], width: int) -> list[Token] | Misread:
    """The row's ``width`` cells, or why they cannot be told apart."""
    filled = [i for i, v in enumerate(values) if v.kind is not Kind.BLANK]
    if len(filled) == width:
        return [values[i] for i in filled]
    if len(filled) > width or not filled:
        return Misread(len(filled), ambiguous=False)
    starts = [s for s in range(len(values) - width + 1) if s <= filled[0] and filled[-1] < s + width]
    if len(starts) == 1:
        return values[starts[0] : starts[0] + width]
    return Misread(len(filled), ambiguous=bool(starts))


def place(table: Table, row: Row, column: int | None = None) -> str:
    """A cell or row as a warning names it: 表三 （三）1.属于国家秘密 自然人."""
    where = f"{table.name} {row_name(row)}"
    return where if column is None or len(table.columns) == 1 else f"{where} {table.columns[column].label}"


@dataclass
class TablesRead:
    values: dict[str, RowValue] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    old_format: bool = False


def _cells(table: Table, row: Row, values: list[Token], read: TablesRead) -> RowValue | None:
    lined = line_up(values, len(table.columns))
    if isinstance(lined, Misread):
        template = texts.IMPORT_ROW_AMBIGUOUS if lined.ambiguous else texts.IMPORT_ROW_COUNT
        read.warnings.append(template.format(place=place(table, row), found=lined.found, width=len(table.columns)))
        return None
    cells: list[Cell] = []
    for i, token in enumerate(lined):
        if token.kind is Kind.NUMBER:
            cells.append(number(token))
            continue
        cells.append(None)
        if token.kind is Kind.BLANK:
            read.warnings.append(texts.IMPORT_CELL_BLANK.format(place=place(table, row, i)))
        else:
            read.warnings.append(texts.IMPORT_CELL_UNREADABLE.format(place=place(table, row, i), text=token.text))
    return None if all(c is None for c in cells) else tuple(cells)


def _blocks(tokens: list[Token]) -> list[Token] | None:
    """Table 四 as printed: the fifteen values after its last header, once its headings have begun."""
    starts = {key(r.label) for r in T4.rows} | {key(g) for r in T4.rows for g in r.groups}
    begun = next((i for i, t in enumerate(tokens) if t.kind is Kind.LABEL and key(t.text) in starts), None)
    if begun is None:
        return None
    width = len(T4.rows) * len(T4.columns)
    labels = [i for i in range(begun, len(tokens)) if tokens[i].kind is Kind.LABEL]
    for label in reversed(labels):  # a note under the table may follow the numbers
        values = _values(tokens, label + 1, width)
        if any(v.kind is not Kind.BLANK for v in values):
            return values
    return []


def _reviews(tokens: list[Token], found: Found, read: TablesRead) -> None:
    """Table 四 as printed if its fifteen numbers line up; else as three labelled rows of five."""
    width = len(T4.rows) * len(T4.columns)
    values = _blocks(tokens)
    lined = line_up(values, width) if values else Misread(0, ambiguous=False)
    rows: dict[str, list[Token]] = {}
    if not isinstance(lined, Misread):
        n = len(T4.columns)
        rows = {row.key: lined[i * n : (i + 1) * n] for i, row in enumerate(T4.rows)}
    elif any(row.key in found for row in T4.rows):
        rows = {row.key: found[row.key][1] for row in T4.rows if row.key in found}
    elif values is not None:
        template = texts.IMPORT_ROW_AMBIGUOUS if lined.ambiguous else texts.IMPORT_ROW_COUNT
        read.warnings.append(template.format(place=T4.name, found=lined.found, width=width))
        return
    _store(T4, rows, read)


def _of(found: Found, *tables: Table) -> dict[str, list[Token]]:
    return {k: values for k, (target, values) in found.items() if any(target.table is t for t in tables)}


def _store(table: Table, values: dict[str, list[Token]], read: TablesRead) -> None:
    """The rows of one table, with a warning for each row missing (one for the table if all are)."""
    if not values:
        read.warnings.append(texts.IMPORT_TABLE_MISSING.format(table=table.name))
        return
    for row in table.rows:
        if row.key not in values:
            read.warnings.append(texts.IMPORT_ROW_MISSING.format(place=place(table, row)))
        elif (cells := _cells(table, row, values[row.key], read)) is not None:
            read.values[row.key] = cells


def _proactive_2019(found: Found, read: TablesRead) -> None:
    """Only the cells that mean the same in 2021 are kept, under their 2021 rows."""
    old = TablesRead()
    for table in _t2_tables(old=True):
        _store(table, _of(found, table), old)
    read.warnings += old.warnings  # in the 2019 table's own terms: that is what the document says
    for (old_key, column), new_key in CARRIED_INTO_2021.items():
        cells = old.values.get(old_key)
        position = [c.key for c in FORMAT_2019.table_of(old_key).columns].index(column)
        if cells is not None and cells[position] is not None:
            read.values[new_key] = (cells[position],)


def read_tables(tokens: list[Token]) -> TablesRead:
    """Every number of tables 二, 三 and 四 from the stream of the sections that hold them."""
    read = TablesRead()
    words = "".join(key(t.text) for t in tokens if t.kind is Kind.LABEL)
    old_proactive = any(marker in words for marker in _old_markers())
    found = find_rows(tokens, _index(old_proactive))
    if old_proactive:
        _proactive_2019(found, read)
    else:
        for table in _t2_tables(old=False):
            _store(table, _of(found, table), read)
    old_applications = OTHER_HANDLING_2019.key in found
    t3 = T3_2019 if old_applications else T3
    _store(t3, _of(found, T3, T3_2019), read)
    read.values.pop(OTHER_HANDLING_2019.key, None)  # no 2021 row holds it: the warning says so
    _reviews(tokens, found, read)
    read.old_format = old_proactive or old_applications
    return read
