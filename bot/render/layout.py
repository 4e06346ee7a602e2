"""The printed geometry of the format's tables, derived from the schema.

Header and label cells are merged wherever the schema's label paths share a prefix, which yields the
official layout: the 勾稽 note over three label columns, 申请人情况 over seven columns, （三）不予公开
down eight rows, 行政复议 over two header rows. HTML and .docx both draw from this one grid.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

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


# Line breaks inside a table's labels. Chinese text may break between any two characters, and a
# narrow column does so wherever its width runs out: 不予公/开, 三、本/年度办/理结果, 自然/人. A label
# is therefore cut into words that a line never splits, and the .docx sets the line breaks itself.
#
# A word is what lies between punctuation: after a closing mark (、，）”) or before an opening one
# (（“) a line may break, and a run of up to LONG_WORD characters between them stays whole (不予公开,
# 本年度办理结果). A longer run is a phrase (本机关不掌握相关政府信息) and breaks anywhere, as
# Chinese text does. Column headings of the format are compounds of two-character words (商业企业,
# 社会公益组织, 结果维持), printed two characters a line in the official tables: a heading of even length
# may break between its pairs, one of odd length (自然人) stays whole.

OPENING = frozenset("（(《「『“‘〔【")
CLOSING = frozenset("、，,。；;：:！!？?）)》」』”’〕】%")
LONG_WORD = 8  # characters; a longer run between punctuation is a phrase, breakable anywhere
_NARROW = 0.6  # printed width of a Latin letter or digit, in full-width characters
_WIDE_PUNCTUATION = frozenset("“”‘’…—·")  # full width in a Chinese font, though below U+2E80


def _wide(ch: str) -> bool:
    return ord(ch) > 0x2E7F or ch in _WIDE_PUNCTUATION


@lru_cache(maxsize=4096)
def text_width(text: str) -> float:
    """Printed width in full-width characters: Latin letters and digits take a little over half of one."""
    return sum(1 if _wide(ch) else _NARROW for ch in text)


@lru_cache(maxsize=4096)
def _atoms(text: str) -> tuple[str, ...]:
    """The pieces no line break ever splits: a Chinese character, a run of Latin letters and digits
    (1., 2021), with the opening marks before and the closing marks after it."""
    atoms: list[str] = []
    opening = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in OPENING:
            opening += ch
            i += 1
            continue
        if ch in CLOSING and atoms and not opening:
            atoms[-1] += ch
            i += 1
            continue
        j = i + 1
        if not _wide(ch) and not ch.isspace():
            while j < len(text) and not _wide(text[j]) and not text[j].isspace() and text[j] not in OPENING | CLOSING:
                j += 1
        atoms.append(opening + text[i:j])
        opening = ""
        i = j
    if opening:
        atoms.append(opening)
    return tuple(atoms)


@lru_cache(maxsize=4096)
def words(text: str, *, heading: bool = False) -> tuple[str, ...]:
    """The label cut where a line may break (see above); ``heading`` for a column heading. Cached: the
    format's labels are the same in every report."""
    runs: list[list[str]] = []
    for atom in _atoms(text):
        if not runs or atom[0] in OPENING or atom.isspace() or runs[-1][-1][-1] in CLOSING or runs[-1][-1].isspace():
            runs.append([])
        runs[-1].append(atom)
    pieces: list[str] = []
    for run in runs:
        if text_width("".join(run)) > LONG_WORD:
            pieces += run
        elif heading and len(run) >= 4 and len(run) % 2 == 0 and all(len(a) == 1 and _wide(a) for a in run):
            pieces += ["".join(run[i : i + 2]) for i in range(0, len(run), 2)]
        else:
            pieces.append("".join(run))
    return tuple(pieces)


@lru_cache(maxsize=4096)
def longest_word(text: str, *, heading: bool = False) -> float:
    """The width a column needs so that no word of the label breaks."""
    return max((text_width(w) for w in words(text, heading=heading) if not w.isspace()), default=0.0)


def wrap(text: str, width: float, *, heading: bool = False) -> list[str]:
    """The label's lines in a column ``width`` characters wide, broken between words only, unless a
    word is wider than the column (then between its characters)."""
    if text_width(text) <= width + 1e-6 and text == text.strip():
        return [text]  # most labels: one line
    pending = list(reversed(words(text, heading=heading)))
    lines: list[str] = []
    line, used = "", 0.0
    while pending:
        word = pending.pop()
        size = text_width(word)
        if used + size <= width + 1e-6:
            line, used = line + word, used + size
            continue
        if line:
            lines.append(line.rstrip())
            line, used = "", 0.0
            if not word.isspace():
                pending.append(word)
            continue
        atoms = _atoms(word)
        if len(atoms) > 1:
            pending += reversed(atoms)
        else:
            line, used = word, size  # one character wider than the column: it stays on a line of its own
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def balanced_wrap(text: str, width: float, *, heading: bool = False) -> list[str]:
    """As wrap, with lines of even length: the narrowest width that needs no more lines than
    ``width`` does (5.要求行政机关确认或 / 重新出具已获取信息 rather than a stub on the last line)."""
    lines = wrap(text, width, heading=heading)
    if len(lines) < 2:
        return lines
    low, high = max(longest_word(text, heading=heading), text_width(text) / len(lines)), width
    if low >= high:
        return lines
    for _ in range(8):  # to a few hundredths of a character: as fine as a line's length matters
        middle = (low + high) / 2
        if len(wrap(text, middle, heading=heading)) > len(lines):
            low = middle
        else:
            high = middle
    return wrap(text, high, heading=heading)
