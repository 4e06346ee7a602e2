"""Read and write the report data file (exchange-format.md), driven by the schema.

Reading collects every problem with its place (``applications.new[2]``) instead of stopping at the
first; unknown keys are ignored except inside the tables, where an unknown row id means a wrong table.
Numbers are kept as read (a wrong total, a negative count) so the checks can name them.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot import texts
from bot.report.model import Cell, Report, RowValue, Value
from bot.schema import CURRENT, CellShape, Format, Level, Table

# A report nests four levels deep and its numbers have a few digits. A file built to exhaust the
# parser (100,000 brackets deep: RecursionError; a 100,000-digit number: ValueError, or an int the
# size of memory from 1e999999999) is refused before or while it is parsed.
MAX_DEPTH = 64
MAX_DIGITS = 30
# A string (to its end when unterminated, so that scanning stays linear), or one bracket.
_STRUCTURE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)


@dataclass(frozen=True)
class Problem:
    place: str
    problem: str

    def __str__(self) -> str:
        return texts.FILE_PROBLEM.format(place=self.place, problem=self.problem)


class DataFileError(Exception):
    """The file cannot be read as a report; ``problems`` say where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = [texts.FILE_PROBLEMS.format(count=len(problems)), *map(str, problems)]
        super().__init__("\n".join(lines) if len(problems) > 1 or problems[0].place else problems[0].problem)


def _type_name(value: Any) -> str:
    return texts.JSON_TYPE_NAMES.get(type(value).__name__, type(value).__name__)


def _cell(value: Any, place: str, problems: list[Problem]) -> Cell:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, float) and math.isfinite(value):
        value = Decimal(repr(value))  # a document parsed without parse_float=Decimal
    if isinstance(value, Decimal) and value.is_finite():
        return int(value) if value == value.to_integral_value() and "." not in str(value) else value
    problems.append(Problem(place, texts.EXPECTED_NUMBER.format(actual=_type_name(value))))
    return None


def _row(table: Table, key: str, raw: Any, problems: list[Problem]) -> RowValue | None:
    row = table.row(key)
    n = len(table.columns)
    if table.shape is CellShape.SCALAR:
        cells: list[Cell] = [_cell(raw, key, problems)]
    elif table.shape is CellShape.OBJECT:
        if not isinstance(raw, dict):
            problems.append(Problem(key, texts.EXPECTED_OBJECT))
            return None
        cells = []
        for i, column in enumerate(table.columns):
            place = table.cell_path(row, i)
            if column.key not in raw:
                problems.append(Problem(place, texts.MISSING_KEY))
            cells.append(_cell(raw.get(column.key), place, problems))
    else:
        if not isinstance(raw, list):
            problems.append(Problem(key, texts.EXPECTED_ARRAY.format(length=n)))
            return None
        if len(raw) != n:
            problems.append(Problem(key, texts.WRONG_LENGTH.format(length=n, actual=len(raw))))
            return None
        cells = [_cell(v, table.cell_path(row, i), problems) for i, v in enumerate(raw)]
    return None if all(c is None for c in cells) else tuple(cells)


def _lookup(doc: dict[str, Any], path: str) -> tuple[bool, Any]:
    node: Any = doc
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _containers(fmt: Format) -> dict[str, set[str]]:
    """Each object in the file that holds fields, with the child keys the schema allows in it."""
    allowed: dict[str, set[str]] = {}
    for key in fmt.field_keys:
        parts = key.split(".")
        for depth in range(1, len(parts)):
            allowed.setdefault(".".join(parts[:depth]), set()).add(parts[depth])
    return allowed


def _encodable(text: str) -> bool:
    """False for text no file or database can hold: JSON may escape half of a UTF-16 pair ("\\ud800")."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def from_document(doc: Any, fmt: Format = CURRENT) -> Report:
    """Build a report from parsed JSON, or raise DataFileError listing every problem."""
    if not isinstance(doc, dict):
        raise DataFileError([Problem("", texts.EXPECTED_OBJECT)])
    problems: list[Problem] = []

    declared = doc.get("format", fmt.id)
    if declared != fmt.id:
        problems.append(Problem("format", texts.UNKNOWN_FORMAT.format(actual=declared, expected=fmt.id)))
    agency = doc.get("agency")
    if not isinstance(agency, str) or not agency.strip():
        problems.append(Problem("agency", texts.EXPECTED_STRING))
    elif not _encodable(agency) or "\x00" in agency:  # PostgreSQL holds no NUL in a name
        problems.append(Problem("agency", texts.BROKEN_TEXT))
    try:
        level = Level(doc.get("level"))
    except ValueError:
        problems.append(Problem("level", texts.BAD_LEVEL.format(actual=doc.get("level"))))
        level = Level.DEPARTMENT
    year = doc.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        problems.append(Problem("year", texts.BAD_YEAR))
    signed: date | None = None
    if doc.get("date") is not None:
        try:
            signed = date.fromisoformat(str(doc["date"]))
        except ValueError:
            problems.append(Problem("date", texts.BAD_DATE.format(actual=doc["date"])))

    # Table containers may hold only the schema's row ids; prose containers ignore extra keys.
    table_containers = {t.rows[0].key.rsplit(".", 1)[0] for t in fmt.tables}
    for container, allowed in _containers(fmt).items():
        present, node = _lookup(doc, container)
        if not present:
            continue
        if not isinstance(node, dict):
            problems.append(Problem(container, texts.EXPECTED_OBJECT))
        elif container in table_containers:
            for unknown in sorted(set(node) - allowed):
                guess = difflib.get_close_matches(unknown, sorted(allowed), n=1)
                hint = texts.UNKNOWN_ROW_HINT.format(guess=guess[0]) if guess else texts.UNKNOWN_ROW
                problems.append(Problem(f"{container}.{unknown}", hint))

    values: dict[str, Value] = {}
    for prose in fmt.prose:
        present, raw = _lookup(doc, prose.key)
        if not present or raw is None:
            continue
        if isinstance(raw, str) and _encodable(raw):
            values[prose.key] = raw
        elif isinstance(raw, str):
            problems.append(Problem(prose.key, texts.BROKEN_TEXT))
        else:
            problems.append(Problem(prose.key, texts.EXPECTED_STRING))
    for table in fmt.tables:
        for row in table.rows:
            present, raw = _lookup(doc, row.key)
            if present:
                cells = _row(table, row.key, raw, problems)
                if cells is not None:
                    values[row.key] = cells

    if problems:
        raise DataFileError(problems)
    return Report(agency=agency, level=level, year=year, date=signed, values=values, format=fmt)


class _NumberTooLong(Exception):
    pass


def _too_deep(text: str) -> bool:
    """True when brackets outside strings nest deeper than MAX_DEPTH (counted without parsing)."""
    depth = 0
    for match in _STRUCTURE.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif token in ("]", "}"):
            depth -= 1
            if depth < 0:
                return False  # not JSON: the parser says where
    return False


def _int(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_DIGITS:
        raise _NumberTooLong(literal)
    return int(literal)


def _decimal(literal: str) -> Decimal:
    mantissa, _, exponent = literal.lower().partition("e")
    if sum(c.isdigit() for c in mantissa) > MAX_DIGITS or len(exponent) > 4:
        raise _NumberTooLong(literal)
    value = Decimal(literal)
    if abs(value.adjusted()) > MAX_DIGITS:  # 1e999999 is short to write and a million digits to hold
        raise _NumberTooLong(literal)
    return value


def parse_json(text: str) -> Any:
    """Parsed JSON (floats as Decimal), or DataFileError for a file that is not JSON or is built to
    exhaust the parser. The one way a data file from outside is parsed."""
    if _too_deep(text):
        raise DataFileError([Problem("", texts.FILE_TOO_DEEP.format(limit=MAX_DEPTH))])
    try:
        return json.loads(text, parse_int=_int, parse_float=_decimal)
    except json.JSONDecodeError as exc:
        message = texts.FILE_BAD_JSON.format(line=exc.lineno, column=exc.colno, reason=exc.msg)
        raise DataFileError([Problem("", message)]) from None
    except _NumberTooLong as exc:
        shown = str(exc) if len(str(exc)) <= 40 else str(exc)[:20] + "…"
        raise DataFileError([Problem("", texts.FILE_NUMBER_TOO_LONG.format(number=shown, limit=MAX_DIGITS))]) from None


def loads(text: str, fmt: Format = CURRENT) -> Report:
    return from_document(parse_json(text), fmt)


def load(path: str | Path, fmt: Format = CURRENT) -> Report:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataFileError([Problem("", texts.FILE_NOT_FOUND.format(path=path))]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError([Problem("", texts.FILE_NOT_READABLE.format(path=path, reason=exc))]) from None
    return loads(text, fmt)


def _json_cell(cell: Cell) -> Any:
    if isinstance(cell, Decimal):
        return int(cell) if cell == cell.to_integral_value() else float(cell)
    return cell


def _set(doc: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = doc
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def to_document(report: Report) -> dict[str, Any]:
    """The data-file shape of a report: every table cell present (null where unknown)."""
    doc: dict[str, Any] = {
        "format": report.format.id,
        "agency": report.agency,
        "level": report.level.value,
        "year": report.year,
    }
    if report.date is not None:
        doc["date"] = report.date.isoformat()
    doc["text"] = {}
    for prose in report.format.prose:
        text = report.text(prose.key)
        if text is not None:
            _set(doc, prose.key, text)
    for table in report.format.tables:
        for row in table.rows:
            cells = [_json_cell(c) for c in report.cells(table, row)]
            if table.shape is CellShape.SCALAR:
                value: Any = cells[0]
            elif table.shape is CellShape.OBJECT:
                value = {c.key: v for c, v in zip(table.columns, cells, strict=True)}
            else:
                value = cells
            _set(doc, row.key, value)
    return doc


def dumps(report: Report) -> str:
    return json.dumps(to_document(report), ensure_ascii=False, indent=1) + "\n"


def dump(report: Report, path: str | Path) -> None:
    Path(path).write_text(dumps(report), encoding="utf-8")
