"""Tables 二, 三 and 四 read from a token stream, driven by the schema's labels.

A row is found by its label (the shortest run of words ending just before the numbers that names a
row, so a group label or a split label in front does not matter) and takes the numbers that follow
it. Its cells are placed only when that is certain: as many numbers as columns; or fewer, with blanks,
where exactly one way of lining them up keeps every number inside the row. Otherwise the whole row
stays unknown and a warning says so. Digits written together ("000", "规章000") are cut into cells
only where exactly one cut is possible with no number written with a leading zero. Table 四 may stand
as three rows of five, or (as the format prints it) as three blocks of headers over one line of
fifteen numbers.

A report in the 2019 trial format is recognised by the words of its table 二 and by its undivided
（六）其他处理 row; the cells that mean the same in 2021 are carried over, the rest stay unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from math import prod

from bot import texts
from bot.importer.labels import LabelIndex, Target, key, targets
from bot.importer.tokens import Kind, Token, number
from bot.report.checks import row_name
from bot.report.model import Cell, RowValue
from bot.schema import FORMAT_2019, FORMAT_2021, Row, Table
from bot.schema.format2019 import CARRIED_INTO_2021, OTHER_HANDLING_2019, T3_2019
from bot.schema.format2021 import T3, T4

MAX_LABEL_WORDS = 8  # a label split into more pieces than this is not one label
MAX_LABEL_CHARS = 80  # the longest row label with its group: （六）其他处理2.申请人逾期未按收费通知要求…
MAX_RUN = 64  # digits in one run: a table row holds at most 15 cells of a few digits
PART = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?")  # one number as it is written on its own
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


def _candidates(tokens: list[Token], words: list[int]) -> Iterator[str]:
    """What the label before some numbers may be, shortest first: the last words, or, where the last
    word was glued to the text before it, the end of that word."""
    last = tokens[words[-1]]
    if last.glued:
        shortest = len(last.text) - 2
        yield from (last.text[start:] for start in range(shortest, max(shortest - MAX_LABEL_CHARS, 0), -1))
    for first in range(len(words) - 1, max(len(words) - 1 - MAX_LABEL_WORDS, -1), -1):
        yield "".join(tokens[w].text for w in words[first:])


def find_rows(tokens: list[Token], index: LabelIndex) -> Found:
    """Each row's first occurrence that has any value: row key → (where it belongs, its value tokens)."""
    found: Found = {}
    i = 0
    while i < len(tokens):
        if tokens[i].kind is not Kind.LABEL:
            i += 1
            continue
        words, i = _label_run_end(tokens, i)
        for label in _candidates(tokens, words):
            target = index.find(label)
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
    run: str = ""  # the digits written together that could not be cut with certainty


@lru_cache(maxsize=4096)
def _ways(run: str, parts: int) -> int:
    """In how many ways (0, 1, or 2 for several) the digits can be cut into so many numbers."""
    if parts == 1:
        return int(PART.fullmatch(run) is not None)
    ways = 0
    for end in range(1, len(run) - parts + 2):
        if PART.fullmatch(run[:end]) and run[end] != ".":
            ways = min(ways + _ways(run[end:], parts - 1), 2)
            if ways == 2:
                break
    return ways


def _cut(run: str, parts: int) -> list[str]:
    """The one way to cut the digits into so many numbers (there must be exactly one)."""
    if parts == 1:
        return [run]
    end = next(e for e in range(1, len(run)) if PART.fullmatch(run[:e]) and run[e] != "." and _ways(run[e:], parts - 1))
    return [run[:end], *_cut(run[end:], parts - 1)]


def _compositions(total: int, count: int) -> Iterator[tuple[int, ...]]:
    """Every way to write ``total`` as ``count`` whole numbers of at least 1, in order."""
    if count == 1:
        yield (total,)
        return
    for first in range(1, total - count + 2):
        yield from ((first, *rest) for rest in _compositions(total - first, count - 1))


def _spread(runs: list[str], parts: int) -> tuple[int, ...] | None:
    """How many numbers each run holds, where exactly one cut gives ``parts`` in all; else None."""
    if not runs or not len(runs) <= parts <= sum(len(r) for r in runs):
        return None
    fitting = None
    for shares in _compositions(parts, len(runs)):
        ways = prod(_ways(run, share) for run, share in zip(runs, shares, strict=True))
        if ways > 1 or (ways and fitting):
            return None
        fitting = shares if ways else fitting
    return fitting


def _unrun(values: list[Token], width: int) -> list[Token] | Misread:
    """The values with each run of digits cut into its numbers, where only one cut fits the row."""
    runs = [v.text for v in values if v.kind is Kind.RUN]
    others = [v for v in values if v.kind not in (Kind.RUN, Kind.BLANK)]
    spread = _spread(runs, width - len(others)) if all(len(r) <= MAX_RUN for r in runs) else None
    if spread is None:
        return Misread(len(others) + len(runs), ambiguous=True, run=" ".join(runs))
    shares = iter(spread)
    cut: list[Token] = []
    for value in values:
        if value.kind is Kind.RUN:
            cut += [Token(Kind.NUMBER, part) for part in _cut(value.text, next(shares))]
        elif value.kind is not Kind.BLANK:
            cut.append(value)
    return cut


def line_up(values: list[Token], width: int) -> list[Token] | Misread:
    """The row's ``width`` cells, or why they cannot be told apart.

    A row of several cells that holds one word of digits alone ("110023101510012") was written together.
    """
    if width > 1 and len(values) == 1 and values[0].kind is Kind.NUMBER and values[0].text.isdigit():
        values = [Token(Kind.RUN, values[0].text)]
    if any(v.kind is Kind.RUN for v in values):
        return _unrun(values, width)
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


def _misread(misread: Misread, where: str, width: int) -> str:
    if misread.run:
        return texts.IMPORT_ROW_RUN.format(place=where, digits=misread.run, width=width)
    template = texts.IMPORT_ROW_AMBIGUOUS if misread.ambiguous else texts.IMPORT_ROW_COUNT
    return template.format(place=where, found=misread.found, width=width)


def _cells(table: Table, row: Row, values: list[Token], read: TablesRead) -> RowValue | None:
    lined = line_up(values, len(table.columns))
    if isinstance(lined, Misread):
        read.warnings.append(_misread(lined, place(table, row), len(table.columns)))
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


def _starts(token: Token, starts: set[str]) -> bool:
    """Whether a label is one of these, or (written together with those after it) starts with one."""
    return key(token.text).startswith(tuple(starts))


def _blocks(tokens: list[Token]) -> list[Token] | None:
    """Table 四 as printed: the fifteen values after its last header, once its headings have begun."""
    starts = {key(r.label) for r in T4.rows} | {key(g) for r in T4.rows for g in r.groups}
    begun = next((i for i, t in enumerate(tokens) if t.kind is Kind.LABEL and _starts(t, starts)), None)
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
        read.warnings.append(_misread(lined, T4.name, width))
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
