"""One agency's report for one year, held as values keyed by the schema's field keys.

A prose field holds a string; a table row holds a tuple of cells in column order, computed cells
included (as read, so a wrong total can be reported rather than silently mended). A cell is an int,
a Decimal (the fee), or None when unknown. A field that was never given is simply absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bot import texts
from bot.schema import CURRENT, Format, Level, Row, Table

Cell = int | Decimal | None
RowValue = tuple[Cell, ...]
Value = str | RowValue


@dataclass
class Report:
    agency: str
    level: Level
    year: int
    date: date | None = None
    values: dict[str, Value] = field(default_factory=dict)
    format: Format = CURRENT

    def text(self, key: str) -> str | None:
        value = self.values.get(key)
        return value if isinstance(value, str) else None

    def row(self, key: str) -> RowValue | None:
        value = self.values.get(key)
        return value if isinstance(value, tuple) else None

    def cells(self, table: Table, row: Row) -> RowValue:
        """The row's cells, all None where the row was never given."""
        return self.row(row.key) or (None,) * len(table.columns)

    def deadline(self) -> date:
        month, day = self.format.deadlines[self.level]
        return date(self.year + 1, month, day)

    def missing(self) -> Iterator[str]:
        """The field keys still without a complete value, in report order."""
        for key in self.format.field_keys:
            value = self.values.get(key)
            if value is None or value == "" or (isinstance(value, tuple) and None in value):
                yield key


def format_number(cell: Cell) -> str:
    """A cell as printed: 3, 5949.088667, 0; the unfilled mark for None."""
    if cell is None:
        return texts.UNFILLED_CELL
    if isinstance(cell, Decimal):
        return format(cell.normalize(), "f")
    return str(cell)


def sum_cells(cells: list[Cell]) -> Cell:
    """The sum, or None when any addend is unknown."""
    if any(c is None for c in cells):
        return None
    return sum(cells)  # type: ignore[arg-type]


def complete_row(table: Table, inputs: RowValue) -> RowValue:
    """A full row from its input cells (in input-column order), with computed columns added."""
    cells: list[Cell] = []
    given = iter(inputs)
    for column in table.columns:
        cells.append(None if column.sums else next(given))
    for i, column in enumerate(table.columns):
        if column.sums:
            cells[i] = sum_cells([cells[j] for j in column.sums])
    return tuple(cells)


def computed_row(report: Report, table: Table, row: Row) -> RowValue:
    """A computed row (such as （七）总计) from the rows it adds up, column by column."""
    addends = [report.cells(table, table.row(k)) for k in row.sums]
    return tuple(sum_cells([a[i] for a in addends]) for i in range(len(table.columns)))


def with_totals(report: Report) -> Report:
    """The same report with every computed cell recalculated from its inputs: what the product writes."""
    values = dict(report.values)
    for table in report.format.tables:
        for row in table.input_rows:
            current = report.row(row.key)
            if current is not None:
                values[row.key] = complete_row(table, tuple(current[i] for i in table.input_columns))
        interim = Report(report.agency, report.level, report.year, report.date, values, report.format)
        for row in table.rows:
            if row.computed:
                total = computed_row(interim, table, row)
                if any(c is not None for c in total):
                    values[row.key] = total
                else:
                    values.pop(row.key, None)
    return Report(report.agency, report.level, report.year, report.date, values, report.format)
