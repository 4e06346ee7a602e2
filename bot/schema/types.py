"""The building blocks of a report format, as frozen data.

A format is a tree: sections hold prose fields and tables; tables hold rows and columns with verbatim
labels; computed cells name what they sum; rules carry stable IDs. Everything else in nianbao (questions,
parsing, checks, storage keys, documents, import) reads this tree instead of keeping its own list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Level(StrEnum):
    """Which kind of agency writes the report; it decides the deadline and a few content rules."""

    DEPARTMENT = "department"
    GOVERNMENT = "government"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class CellShape(StrEnum):
    """How a numeric field sits in the data file."""

    ARRAY = "array"  # [a, b, c, …] in column order
    OBJECT = "object"  # {"issued": a, …} keyed by column key
    SCALAR = "scalar"  # one bare number


@dataclass(frozen=True)
class NumberKind:
    """What a cell accepts: whole counts, or an amount with a fixed number of decimals."""

    decimals: int
    maximum: Decimal
    unit: str

    @property
    def is_integer(self) -> bool:
        return self.decimals == 0


COUNT = NumberKind(decimals=0, maximum=Decimal(99_999_999), unit="件")
WAN_YUAN = NumberKind(decimals=6, maximum=Decimal(999_999_999), unit="万元")


@dataclass(frozen=True)
class Prose:
    """A free-text part of the report and what the format expects it to cover."""

    key: str  # field key and data-file path, e.g. "text.overview.proactive"
    name: str  # how the product refers to it, e.g. "主动公开情况"
    heading: str | None  # printed heading, None where the text follows the section heading directly
    covers: tuple[str, ...]  # the topics the format asks this part to cover
    government_covers: tuple[str, ...] = ()  # further topics for a government's report


@dataclass(frozen=True)
class Column:
    key: str  # cell name inside a row: data-file object key, or a name for an array position
    label: str  # verbatim leaf header
    groups: tuple[str, ...] = ()  # merged header labels above the leaf, outermost first
    sums: tuple[int, ...] = ()  # a computed column: the indices of the columns it adds up
    rule: str | None = None  # the rule ID that checks a computed column


@dataclass(frozen=True)
class Row:
    key: str  # field key and data-file path, e.g. "applications.new"
    label: str  # verbatim leaf label
    groups: tuple[str, ...] = ()  # merged label cells to its left, outermost first
    short: str = ""  # how a finding refers to it, e.g. "第一项"
    brief: str = ""  # a name short enough for a button, in the format's numbering: （三）1.国家秘密
    sums: tuple[str, ...] = ()  # a computed row: the keys of the rows it adds up
    rule: str | None = None  # the rule ID that checks a computed row
    alias: tuple[str, ...] = ()  # other spellings seen in published reports (for import)

    @property
    def id(self) -> str:
        return self.key.rsplit(".", 1)[1]

    @property
    def computed(self) -> bool:
        return bool(self.sums)


@dataclass(frozen=True)
class Table:
    """A fixed table of the format: no row or column may be added, removed or renamed."""

    id: str  # e.g. "T3"
    name: str  # how a finding names it, e.g. "表三"
    caption: str | None  # printed above the sub-table, e.g. "第二十条第（一）项"
    corner: str  # the top-left header cell
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    shape: CellShape
    number: NumberKind = COUNT
    transposed: bool = False  # rows are laid out side by side as column blocks (table 四)

    @property
    def input_rows(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if not r.computed)

    @property
    def input_columns(self) -> tuple[int, ...]:
        return tuple(i for i, c in enumerate(self.columns) if not c.sums)

    def row(self, key: str) -> Row:
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(key)

    def cell_path(self, row: Row, column: int) -> str:
        """The place of one cell in the data file, e.g. applications.new[2]."""
        if self.shape is CellShape.ARRAY:
            return f"{row.key}[{column}]"
        if self.shape is CellShape.OBJECT:
            return f"{row.key}.{self.columns[column].key}"
        return row.key


@dataclass(frozen=True)
class Section:
    number: str  # "一" … "六", or "" for the preamble
    heading: str | None  # verbatim heading, e.g. "一、总体情况"
    parts: tuple[Prose | Table, ...]

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(p for p in self.parts if isinstance(p, Table))

    @property
    def prose(self) -> tuple[Prose, ...]:
        return tuple(p for p in self.parts if isinstance(p, Prose))


@dataclass(frozen=True)
class Equation:
    """A per-column identity between sums of rows, e.g. 一 + 二 = （七） + 四."""

    rule: str
    table: str
    left: tuple[str, ...]
    right: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    number: int  # the rule's number on the format page (勾稽关系 1–5, checks 6–12)
    summary: str  # Chinese, one line: what the rule demands


@dataclass(frozen=True)
class Format:
    id: str  # the data file's "format" value
    name: str
    sections: tuple[Section, ...]
    equations: tuple[Equation, ...] = ()
    rules: tuple[Rule, ...] = ()
    old_markers: tuple[str, ...] = ()  # words that betray an older format
    deadlines: dict[Level, tuple[int, int]] = field(default_factory=dict)  # (month, day) of year+1

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(t for s in self.sections for t in s.tables)

    @property
    def prose(self) -> tuple[Prose, ...]:
        return tuple(p for s in self.sections for p in s.prose)

    def table(self, table_id: str) -> Table:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(table_id)

    def table_of(self, row_key: str) -> Table:
        for t in self.tables:
            if any(r.key == row_key for r in t.rows):
                return t
        raise KeyError(row_key)

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def section_of(self, key: str) -> Section:
        for s in self.sections:
            for p in s.parts:
                if isinstance(p, Prose) and p.key == key:
                    return s
                if isinstance(p, Table) and any(r.key == key for r in p.rows):
                    return s
        raise KeyError(key)

    @property
    def field_keys(self) -> tuple[str, ...]:
        """Every addressable field (prose part or table row) in report order: the storage keys."""
        keys: list[str] = []
        for s in self.sections:
            for p in s.parts:
                keys.extend([p.key] if isinstance(p, Prose) else [r.key for r in p.rows])
        return tuple(keys)
