"""The printed geometry of the format's tables, derived from the schema.

Header and label cells are merged wherever the schema's label paths share a prefix, which yields the
official layout: the 勾稽 note over three label columns, 申请人情况 over seven columns, （三）不予公开
down eight rows, 行政复议 over two header rows. HTML and .docx both draw from this one grid.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.report.model import Report, format_number
from bot.schema import Table


class Kind(StrEnum):
    CAPTION = "caption"  # 第二十条第（一）项
    CORNER = "corner"  # 信息内容, or the 勾稽 note
    HEADER = "header"
    LABEL = "label"
    NUMBER = "number"


@dataclass(frozen=True)
class GridCell:
    row: int
    col: int
    text: str
    kind: Kind
    rowspan: int = 1
    colspan: int = 1
    place: str | None = None  # the data-file path of a number cell
    unfilled: bool = False


@dataclass(frozen=True)
class Grid:
    width: int
    height: int
    cells: tuple[GridCell, ...]

    @property
    def rows(self) -> list[list[GridCell]]:
        """Cells grouped by the row they start in, left to right: what an HTML <tr> holds."""
        rows: list[list[GridCell]] = [[] for _ in range(self.height)]
        for cell in self.cells:
            rows[cell.row].append(cell)
        return [sorted(r, key=lambda c: c.col) for r in rows]


def _key(path: tuple[str, ...], level: int) -> tuple[str, ...]:
    """What a label cell at this level stands for: the label with its ancestors."""
    label = path[level]
    return path[: path.index(label) + 1]


def _padded(path: tuple[str, ...], depth: int) -> tuple[str, ...]:
    return path + (path[-1],) * (depth - len(path))


def _merge(paths: list[tuple[str, ...]], depth: int, across: bool) -> list[tuple[int, int, int, int, str]]:
    """Spans (line, pos, lines, width, label) merging equal keys of a depth × len(paths) label matrix.

    With ``across`` the paths run along columns (a header: line = level); otherwise along rows (a label
    block: line = row, pos = level). Equal neighbours merge first along a line, then across lines.
    """
    padded = [_padded(p, depth) for p in paths]
    if across:
        matrix = [[_key(p, level) for p in padded] for level in range(depth)]
    else:
        matrix = [[_key(p, level) for level in range(depth)] for p in padded]
    lines, positions = len(matrix), len(matrix[0])
    covered = [[False] * positions for _ in range(lines)]
    spans = []
    for line in range(lines):
        for pos in range(positions):
            if covered[line][pos]:
                continue
            key = matrix[line][pos]
            width = 1
            while pos + width < positions and matrix[line][pos + width] == key and not covered[line][pos + width]:
                width += 1
            height = 1
            while line + height < lines and all(matrix[line + height][p] == key for p in range(pos, pos + width)):
                height += 1
            for dl in range(height):
                for dp in range(width):
                    covered[line + dl][pos + dp] = True
            spans.append((line, pos, height, width, key[-1]))
    return spans


def _number(
    report: Report, table: Table, row_index: int, col: int, grid_row: int, grid_col: int, **span: int
) -> GridCell:
    row = table.rows[row_index]
    value = report.cells(table, row)[col]
    return GridCell(
        grid_row,
        grid_col,
        format_number(value),
        Kind.NUMBER,
        place=table.cell_path(row, col),
        unfilled=value is None,
        **span,
    )


def matrix_grid(report: Report, table: Table) -> Grid:
    """A table with a label block on the left and a header on top (table 三)."""
    label_depth = max(len(r.groups) for r in table.rows) + 1
    header_depth = max(len(c.groups) for c in table.columns) + 1
    cells = [GridCell(0, 0, table.corner, Kind.CORNER, rowspan=header_depth, colspan=label_depth)]
    for level, col, lines, width, label in _merge(
        [(*c.groups, c.label) for c in table.columns], header_depth, across=True
    ):
        cells.append(GridCell(level, label_depth + col, label, Kind.HEADER, rowspan=lines, colspan=width))
    for row, level, lines, width, label in _merge(
        [(*r.groups, r.label) for r in table.rows], label_depth, across=False
    ):
        cells.append(GridCell(header_depth + row, level, label, Kind.LABEL, rowspan=lines, colspan=width))
    for r in range(len(table.rows)):
        for c in range(len(table.columns)):
            cells.append(_number(report, table, r, c, header_depth + r, label_depth + c))
    return Grid(label_depth + len(table.columns), header_depth + len(table.rows), tuple(cells))


def blocks_grid(report: Report, table: Table) -> Grid:
    """A table whose rows stand side by side as column blocks over one line of numbers (table 四)."""
    block_depth = max(len(r.groups) for r in table.rows) + 1
    paths = [(*_padded((*r.groups, r.label), block_depth), c.label) for r in table.rows for c in table.columns]
    header_depth = block_depth + 1
    cells = [
        GridCell(level, col, label, Kind.HEADER, rowspan=lines, colspan=width)
        for level, col, lines, width, label in _merge(paths, header_depth, across=True)
    ]
    width = len(table.columns)
    for r in range(len(table.rows)):
        for c in range(width):
            cells.append(_number(report, table, r, c, header_depth, r * width + c))
    return Grid(len(paths), header_depth + 1, tuple(cells))


def articles_grid(report: Report, tables: tuple[Table, ...]) -> Grid:
    """The sub-tables of table 二 stacked in one grid, each under its article caption."""
    width = 1 + max(len(t.columns) for t in tables)
    cells: list[GridCell] = []
    line = 0
    for table in tables:
        cells.append(GridCell(line, 0, table.caption or "", Kind.CAPTION, colspan=width))
        line += 1
        cells.append(GridCell(line, 0, table.corner, Kind.CORNER))
        last = len(table.columns) - 1
        stretch = width - 1 - last  # the last column widens so every sub-table fills the grid
        for c, column in enumerate(table.columns):
            cells.append(GridCell(line, 1 + c, column.label, Kind.HEADER, colspan=stretch if c == last else 1))
        line += 1
        for r, row in enumerate(table.rows):
            cells.append(GridCell(line, 0, row.label, Kind.LABEL))
            for c in range(len(table.columns)):
                cells.append(_number(report, table, r, c, line, 1 + c, colspan=stretch if c == last else 1))
            line += 1
    return Grid(width, line, tuple(cells))


def section_grid(report: Report, tables: tuple[Table, ...]) -> Grid:
    """The one printed table of a section: 二 stacks its articles, 三 is a matrix, 四 a row of blocks."""
    if len(tables) > 1 or tables[0].caption:
        return articles_grid(report, tables)
    if tables[0].transposed:
        return blocks_grid(report, tables[0])
    return matrix_grid(report, tables[0])
