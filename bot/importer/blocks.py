"""The common form every input is read into: paragraphs and table grids, in document order.

A plain-text copy of a web page yields only paragraphs (one per line: its table cells stay in the
line, separated by tabs); a .docx or .html page yields paragraphs and real grids. A grid has one
position per row and column; a merged cell repeats its text in every position it covers, and all but
its first position are marked ``merged`` so a reader can take each cell once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

# Bounds on what a document may make us build. The format's widest span is 10 columns, its tallest
# 22 rows, its largest table 28 × 15 positions; a report has a handful of tables and a few hundred
# paragraphs, even with every table cell on a line of its own. Anything far beyond is damage or
# malice, and is cut off rather than read.
MAX_SPAN = 32
MAX_WIDTH = 64
MAX_POSITIONS = 2_000
MAX_GRIDS = 50
MAX_BLOCKS = 5_000


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class GridCell:
    text: str
    merged: bool = False  # a later position of a cell spanning several


@dataclass(frozen=True)
class Grid:
    rows: tuple[tuple[GridCell, ...], ...]


Block = Paragraph | Grid


@dataclass(frozen=True)
class SourceCell:
    """One cell as a table markup states it: where it starts is implied by the cells before it."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    continued: bool = False  # Word's vertical merge: this is the part of the cell above in a lower row


def _span(value: int) -> int:
    return min(max(value, 1), MAX_SPAN)


def expand(rows: list[list[SourceCell | None]]) -> Grid:
    """A grid from rows of cells with HTML-style spans, or Word-style continued cells.

    HTML leaves out the positions a rowspan covers; Word writes a continuing cell in each lower row.
    Both end as the same grid: every covered position repeats the text and is marked merged. A None
    is a position the row leaves empty (Word's gridBefore).
    """
    taken: dict[tuple[int, int], GridCell] = {}
    for r, row in enumerate(rows):
        if len(taken) > MAX_POSITIONS:
            break
        col = 0
        for cell in row:
            while (r, col) in taken:
                col += 1
            if col >= MAX_WIDTH:
                break
            if cell is None:
                col += 1
                continue
            colspan = min(_span(cell.colspan), MAX_WIDTH - col)
            if cell.continued:
                above = taken.get((r - 1, col))
                text = above.text if above else ""
                for c in range(col, col + colspan):
                    taken[(r, c)] = GridCell(text, merged=True)
            else:
                for dr in range(_span(cell.rowspan)):
                    for dc in range(colspan):
                        taken[(r + dr, col + dc)] = GridCell(cell.text, merged=(dr, dc) != (0, 0))
            col += colspan
    height = max((r for r, _ in taken), default=-1) + 1
    width = max((c for _, c in taken), default=-1) + 1
    blank = GridCell("", merged=True)  # a position no cell covers (a short row) holds nothing to read
    return Grid(tuple(tuple(taken.get((r, c), blank) for c in range(width)) for r in range(height)))


def lines(text: str) -> Iterator[Paragraph]:
    """Each non-blank line of a text as a paragraph."""
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            yield Paragraph(line)


def read_text(text: str) -> list[Block]:
    """Plain text copied from a web page: its lines, the first MAX_BLOCKS of them."""
    return list(islice(lines(text), MAX_BLOCKS))
