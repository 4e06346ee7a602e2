"""A PDF's text layer as paragraphs and grids, in reading order.

A PDF holds no paragraphs or tables, only characters at positions and the lines drawn between them.
Ruled tables are found from their lines (pdfplumber's table finder) and become grids: a cell spanning
several columns or rows repeats in every position it covers, marked merged, as ``blocks.expand``
makes it; a label wrapped over several lines in its cell is one text again. The rest of a page is read
line by line from its characters. Wide gaps split a line into tab-separated fields, as a table
copied from a web page is, so a table drawn without lines still reads row by row; a label wrapped over
several lines in its cell there is joined to its row's numbers again where it certainly belongs to them.
Lines that fill the text width and run on in the next line at the left margin are one paragraph, joined
again; Chinese characters are joined without a space, Latin words with one.

Page furniture is dropped so that nothing stands between the rows of a table split over two pages:
page numbers (- 3 -, 第 3 页, 3/7) at the top or bottom of a page, and running headers and footers
repeated on most pages. A scanned PDF (no text layer), a damaged or a password-protected one is
refused with a message saying so; so is one with more pages than any report has.
"""

from __future__ import annotations

import io
import re
import statistics
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from bot import texts
from bot.importer.blocks import MAX_BLOCKS, MAX_GRIDS, MAX_POSITIONS, MAX_WIDTH, Block, Grid, GridCell, Paragraph
from bot.importer.files import ImportFailed, check_size
from bot.importer.labels import split_numbering

if TYPE_CHECKING:
    from pdfplumber.page import Page
    from pdfplumber.table import Table as PdfTable

MAX_PAGES = 60  # a report is 5 to 20 pages
MAX_SECONDS = 8.0  # within the upload sandbox's 10 s, so that a slow file gets a clear message
MAX_CHARS = 20_000  # characters on one page: a dense A4 page holds some 2,000
MAX_EDGES = 5_000  # drawn lines on one page worth looking for tables in; a drawing has more
MIN_TEXT = 20  # characters in a whole file below which it is taken for a scan (a page-number stamp)
SIGNATURE = b"%PDF-"

SPACE_EM = 0.15  # a gap this wide (in font sizes) between Latin characters is a space
WIDE_GAP_EM = 0.4  # a gap this much wider than the line's usual one parts Chinese text (table cells)
TAB_EM = 1.5  # a gap this wide is a column boundary: the line's fields are split by a tab
EVEN = 1.25  # gaps within this ratio of each other are letter spacing (distributed text), not columns
LINE_EM = 0.5  # characters whose centres are this close vertically stand on one line
SLACK_EM = 0.3  # a line is full when the next line's first word would not fit with this to spare
INDENT_EM = 0.8  # a line starting this far right of the left margin is indented: a new paragraph
FURNITURE_LINES = 2  # lines at the top and at the bottom of a page that may be headers or footers
REPEATED_Y = 6.0  # points: a running header stands at the same height on every page
SENTENCE_END = "。！？；：!?;:"
OPENING = "《（(“‘〈【「『〔［[{"  # never ends a line: goes to the next with the character after it
NO_START = "，。、；：？！）)》”’〉】」』〕］]},.;:?!%…·"  # never starts a line: goes with the character before
NUMBER_PIECE = re.compile(r"[\d.,]+")
ALIGNED_EM = 0.3  # words whose edges or centres are this close stand in one column
CELL_GAP_EM = 0.7  # at least this much space parts a table's columns (twice a cell's padding)
MAX_CELL_LINES = 8  # lines of a label in one cell: the longest label wraps into six in a narrow column
CELL_LINES_EM = 0.9  # lines of one cell stand closer than this; the next cell down stands further off
SUBSET = re.compile(r"^[A-Z]{6}\+")  # ABCDEF+NotoSerifCJK: a subset of the font embedded, named by its subset

PAGE_NUMBER = re.compile(
    r"[-－—–‐·•\s]*(?:第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?|共\s*\d+\s*页\s*[，,]?\s*第\s*\d+\s*页"
    r"|\d+\s*/\s*\d+|\d+|page\s*\d+(?:\s*of\s*\d+)?|[ivxlc]+)[-－—–‐·•\s]*",
    re.IGNORECASE,
)


def _wide(ch: str) -> bool:
    """Chinese characters and full-width or CJK punctuation: joined to their neighbours without a space."""
    if not ch:
        return False
    code = ord(ch)
    return (
        unicodedata.east_asian_width(ch) in ("W", "F")
        or 0x2010 <= code <= 0x206F  # general punctuation: “ ” — …
        or 0x3000 <= code <= 0x303F
    )


@dataclass
class _Line:
    """One line of text on a page: its text (fields split by tabs) and where and how it is set."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    fonts: frozenset[str]  # a heading is set in other fonts than the paragraph it follows
    tabbed: bool
    lead: float  # the width of the line's first word: a line above ending closer to the margin was full
    pieces: list[_Piece] = field(default_factory=list)  # its words, each with the separator before it


@dataclass
class _Piece:
    """A word of a line: what separates it from the word before ("", " " or a tab) and where it stands."""

    before: str
    text: str
    x0: float
    x1: float
    top: float = 0.0
    bottom: float = 0.0


@dataclass
class _Page:
    """What one page holds, top to bottom: lines outside tables, and tables as grids with their tops."""

    height: float
    lines: list[_Line] = field(default_factory=list)
    grids: list[tuple[float, Grid]] = field(default_factory=list)


def _rows(chars: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Characters grouped into lines, top to bottom, each left to right."""
    rows: list[list[dict[str, Any]]] = []
    centre = 0.0
    for ch in sorted(chars, key=lambda c: (c["top"] + c["bottom"]) / 2):
        middle = (ch["top"] + ch["bottom"]) / 2
        if rows and middle - centre <= LINE_EM * max(ch["size"], 1.0):
            rows[-1].append(ch)
        else:
            rows.append([ch])
            centre = middle
    return [sorted(row, key=lambda c: c["x0"]) for row in rows]


def _lead(shown: list[dict[str, Any]], size: float) -> float:
    """The width of the first word of a line, as line breaking sees it: one Chinese character, or a
    Latin word, with the punctuation that may not be parted from it."""
    i = 0
    while i < len(shown) - 1 and shown[i]["text"] in OPENING:
        i += 1
    if not _wide(shown[i]["text"][0]):
        while i < len(shown) - 1 and not _wide(shown[i + 1]["text"][0]):
            if shown[i + 1]["x0"] - shown[i]["x1"] > SPACE_EM * size:
                break
            i += 1
    while i < len(shown) - 1 and shown[i + 1]["text"] in NO_START:
        i += 1
    return float(shown[i]["x1"] - shown[0]["x0"])


def _line(chars: list[dict[str, Any]]) -> _Line | None:
    """A line's text: no space between Chinese characters, one between Latin words, a tab at a column gap."""
    shown: list[dict[str, Any]] = []
    space_before: list[bool] = []  # a space character stands between this character and the one before
    for ch in chars:
        if ch["text"].strip():
            shown.append(ch)
            space_before.append(False)
        elif space_before:
            space_before[-1] = True  # marks the last shown one: moved onto the next below
    if not shown:
        return None
    space_before = [False, *space_before[:-1]]
    size = statistics.median(c["size"] for c in shown) or 10.0
    gaps = [b["x0"] - a["x1"] for a, b in pairwise(shown)]
    spread = len(gaps) >= 2 and min(gaps) > SPACE_EM * size and max(gaps) <= EVEN * min(gaps)
    within = [gap for gap in gaps if gap < TAB_EM * size]  # column gaps aside: a row of cells has many
    typical = statistics.median(within) if within else 0.0
    pieces = [_Piece("", shown[0]["text"], shown[0]["x0"], shown[0]["x1"], shown[0]["top"], shown[0]["bottom"])]
    for before, after, gap, spaced_out in zip(shown, shown[1:], gaps, space_before[1:], strict=False):
        wide = _wide(before["text"][-1]) or _wide(after["text"][0])
        piece = _Piece("", after["text"], after["x0"], after["x1"], after["top"], after["bottom"])
        if gap >= TAB_EM * size and not spread:
            piece.before = "\t"
            pieces.append(piece)
        elif (not wide and (spaced_out or gap > SPACE_EM * size)) or (
            wide and not spread and gap > typical + WIDE_GAP_EM * size
        ):
            piece.before = " "
            pieces.append(piece)
        else:
            last = pieces[-1]
            last.text += after["text"]
            last.x1, last.top, last.bottom = after["x1"], min(last.top, piece.top), max(last.bottom, piece.bottom)
    return _Line(
        text=_text(pieces),
        x0=shown[0]["x0"],
        x1=shown[-1]["x1"],
        top=min(c["top"] for c in shown),
        bottom=max(c["bottom"] for c in shown),
        size=size,
        fonts=frozenset(SUBSET.sub("", c["fontname"]) for c in shown),
        tabbed=any(p.before == "\t" for p in pieces),
        lead=_lead(shown, size),
        pieces=pieces,
    )


def _text(pieces: list[_Piece]) -> str:
    return "".join(p.before + p.text for p in pieces)


def _aligned(piece: _Piece, above: _Piece, size: float) -> bool:
    """Whether a word stands in the column of the word above: flush left, flush right or centred."""
    near = ALIGNED_EM * size
    return (
        abs(piece.x0 - above.x0) <= near
        or abs(piece.x1 - above.x1) <= near
        or abs(piece.x0 + piece.x1 - above.x0 - above.x1) <= 2 * near
    )


def _wrapped_numbers(lines: list[_Line]) -> list[_Line]:
    """Lines holding only the ends of numbers too wide for their column, joined to the numbers above.

    In a table drawn without lines, a number may wrap in its cell: its last digits stand alone on the
    next line, right under it. Read apart, the row would take the first digits for the whole number.
    """
    kept: list[_Line] = []
    for line in lines:
        above = kept[-1] if kept else None
        if (
            above is not None
            and all(NUMBER_PIECE.fullmatch(p.text) for p in line.pieces)
            and line.top - above.bottom < LINE_EM * line.size
        ):
            targets = [
                next((a for a in above.pieces if NUMBER_PIECE.fullmatch(a.text) and _aligned(p, a, line.size)), None)
                for p in line.pieces
            ]
            if all(targets) and len(set(map(id, targets))) == len(targets):
                for piece, target in zip(line.pieces, targets, strict=True):
                    assert target is not None
                    target.text += piece.text
                    target.bottom = piece.bottom
                above.text = _text(above.pieces)
                above.bottom = line.bottom
                continue
        kept.append(line)
    return kept


def _lines(chars: list[dict[str, Any]]) -> list[_Line]:
    return _wrapped_numbers([line for row in _rows(chars) if (line := _line(row)) is not None])


def _joined(pieces: Iterable[str], separator: str = " ") -> str:
    """Pieces of one text broken over lines: joined directly where either side is Chinese."""
    text = ""
    for piece in pieces:
        piece = piece.strip()
        if text and piece and not (_wide(text[-1]) or _wide(piece[0])):
            text += separator
        text += piece
    return text


def _inside(ch: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x, y = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _edges(values: Iterable[float]) -> list[float]:
    """Cell borders, with those within a point of each other taken as one."""
    found: list[float] = []
    for value in sorted(values):
        if not found or value - found[-1] > 1.0:
            found.append(value)
    return found


def _at(edges: list[float], value: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


def _grid(table: PdfTable, chars: list[dict[str, Any]]) -> Grid | None:
    """A ruled table as a grid, each merged cell repeated in the positions it covers; None when it is
    a single column, or a single row of two cells (a framed paragraph, a label and its text), which is
    read as text instead. A single row of more cells is a table's row: the last one of a table the page
    broke before it, say."""
    boxes = list(table.cells)
    xs = _edges(v for b in boxes for v in (b[0], b[2]))
    ys = _edges(v for b in boxes for v in (b[1], b[3]))
    framed = len(xs) < 3 or (len(ys) < 3 and len(xs) < 4)
    if framed or len(xs) - 1 > MAX_WIDTH or (len(xs) - 1) * (len(ys) - 1) > MAX_POSITIONS:
        return None
    taken: dict[tuple[int, int], GridCell] = {}
    for box in sorted(boxes, key=lambda b: (b[1], b[0])):
        lines = _lines([c for c in chars if _inside(c, box)])  # a number wrapped in its cell is one again
        text = _joined(line.text.replace("\t", " ") for line in lines)
        c0, c1, r0, r1 = _at(xs, box[0]), _at(xs, box[2]), _at(ys, box[1]), _at(ys, box[3])
        for r in range(r0, max(r1, r0 + 1)):
            for c in range(c0, max(c1, c0 + 1)):
                taken.setdefault((r, c), GridCell(text, merged=(r, c) != (r0, c0)))
    blank = GridCell("", merged=True)
    return Grid(tuple(tuple(taken.get((r, c), blank) for c in range(len(xs) - 1)) for r in range(len(ys) - 1)))


def _tables(page: Page) -> list[PdfTable]:
    if len(page.edges) > MAX_EDGES:
        return []
    return list(page.find_tables())


def _page(page: Page) -> _Page:
    chars = [c for c in page.chars if c.get("upright", True) and not c["text"].startswith("(cid:")]
    if len(chars) > MAX_CHARS:
        raise ImportFailed(
            texts.UPLOAD_UNREADABLE.format(reason=texts.IMPORT_PDF_TOO_DENSE.format(page=page.page_number))
        )
    read = _Page(height=float(page.height))
    if not chars:
        return read
    placed: set[int] = set()
    for table in _tables(page):
        inside = [c for c in chars if _inside(c, table.bbox)]
        grid = _grid(table, inside)
        if grid is not None:
            read.grids.append((float(table.bbox[1]), grid))
            placed.update(id(c) for c in inside if any(_inside(c, box) for box in table.cells))
    read.lines = _lines([c for c in chars if id(c) not in placed])
    return read


def _is_page_number(text: str) -> bool:
    return PAGE_NUMBER.fullmatch(text.strip()) is not None


def _furniture(pages: list[_Page]) -> None:
    """Remove page numbers and running headers and footers: the first and last lines of a page that
    are page numbers, or read the same (but for their digits) at the same height on most pages."""

    def ends(page: _Page) -> list[_Line]:
        tops = [top for top, _ in page.grids]
        first_grid = min(tops, default=page.height)
        last_grid = max((top for top, _ in page.grids), default=0.0)
        above = [ln for ln in page.lines if ln.bottom <= first_grid][:FURNITURE_LINES]
        below = [ln for ln in page.lines if ln.top >= last_grid][-FURNITURE_LINES:]
        return above + [ln for ln in below if ln not in above]

    def shape(line: _Line) -> str:
        return re.sub(r"\d+", "#", "".join(line.text.split()))

    texted = [p for p in pages if p.lines or p.grids]
    seen: Counter[str] = Counter()
    for page in texted:
        seen.update({shape(ln) for ln in ends(page)})
    repeated = {s for s, n in seen.items() if n >= 2 and n * 2 >= len(texted)}
    heights: dict[str, list[float]] = {}
    for page in texted:
        for line in ends(page):
            if shape(line) in repeated:
                heights.setdefault(shape(line), []).append(line.top)
    for page in texted:
        drop = [
            ln
            for ln in ends(page)
            if _is_page_number(ln.text)
            or (shape(ln) in repeated and max(heights[shape(ln)]) - min(heights[shape(ln)]) <= REPEATED_Y)
        ]
        page.lines = [ln for ln in page.lines if ln not in drop]


def _numbered(text: str) -> bool:
    """Whether a line starts with a heading's or a list item's number (一、 （二） 3.), not a decimal."""
    numbering, rest = split_numbering(text)
    return bool(numbering) and not rest[:1].isdigit()


def _runs_on(line: _Line, after: _Line, left: float, right: float) -> bool:
    """Whether ``after`` continues the paragraph of ``line``: the line fills the width, the next starts
    at the margin in the same font (or, for a centred title, is centred), and neither is a row of
    fields or the next a numbered heading."""
    if line.tabbed or after.tabbed or line.text.rstrip()[-1:] in SENTENCE_END or _numbered(after.text):
        return False
    full = right - line.x1 < after.lead + SLACK_EM * line.size
    if abs(line.size - after.size) >= 0.5 or not line.fonts & after.fonts or not full:
        return False
    centred = line.x0 <= left + line.size and abs((after.x0 + after.x1) - (left + right)) < line.size
    return after.x0 <= left + INDENT_EM * after.size or centred


def _margins(lines: list[_Line]) -> tuple[float, float]:
    """The text block's left and right edges: where two lines or more start furthest left, and where
    the longest line ends (a row of table cells, which may stand out, aside)."""
    plain = [ln for ln in lines if not ln.tabbed] or lines
    starts = sorted(ln.x0 for ln in plain)
    left = next((a for a, b in pairwise(starts) if b - a <= 1.0), starts[0])
    return left, max(ln.x1 for ln in plain)


def _is_number(text: str) -> bool:
    return NUMBER_PIECE.fullmatch(text.strip()) is not None


def _continued(last: tuple[GridCell, ...], first: tuple[GridCell, ...]) -> tuple[GridCell, ...] | None:
    """The row a page break cut in two (Word lets a row break across pages): the part at the bottom of one
    page and the part at the top of the next as one row; None when the top row is a row of its own (or
    the header repeated), which it is whenever a cell of it faces a number or a merged cell above."""
    if len(last) != len(first) or not any(cell.text.strip() for cell in first):
        return None
    joined = []
    for above, below in zip(last, first, strict=True):
        if not below.text.strip():
            joined.append(above)
        elif above.merged or _is_number(above.text) or (above.text.strip() and _is_number(below.text)):
            return None
        else:
            joined.append(GridCell(_joined([above.text, below.text]), merged=False))
    return tuple(joined)


def _rejoin_rows(pages: list[_Page]) -> None:
    """Where a table runs on from the foot of one page to the top of the next, the row the break cut in
    two is made one again."""
    for page, following in pairwise(pages):
        if not page.grids or not following.grids:
            continue
        bottom, (top, grid) = page.grids[-1], following.grids[0]
        if any(line.top > bottom[0] for line in page.lines) or any(line.top < top for line in following.lines):
            continue  # text stands between them: two tables
        joined = _continued(bottom[1].rows[-1], grid.rows[0])
        if joined is not None:
            page.grids[-1] = (bottom[0], Grid((*bottom[1].rows[:-1], joined)))
            following.grids[0] = (top, Grid(grid.rows[1:]))


@dataclass
class _Fragment:
    """A piece of a label in a table drawn without lines, the line it stands on, and the label column."""

    piece: _Piece
    line: _Line
    column: int = 0


@dataclass
class _Row:
    """A line of a table drawn without lines that holds the numbers of a row, with its label pieces."""

    line: _Line
    labels: list[_Piece]
    numbers: list[_Piece]
    parts: dict[int, list[_Fragment]] = field(default_factory=dict)  # the label's text by column
    fragments: list[_Fragment] = field(default_factory=list)  # the label pieces on its own line

    @property
    def middle(self) -> float:
        return (min(p.top for p in self.numbers) + max(p.bottom for p in self.numbers)) / 2


def _numbers_row(line: _Line) -> _Row | None:
    """The line as a row of a table: label pieces, then numbers set apart from them as a column is."""
    count = 0
    while count < len(line.pieces) and NUMBER_PIECE.fullmatch(line.pieces[-1 - count].text):
        count += 1
    if not count:
        return None
    labels, numbers = line.pieces[: len(line.pieces) - count], line.pieces[len(line.pieces) - count :]
    if labels and numbers[0].x0 - labels[-1].x1 < CELL_GAP_EM * line.size:
        return None  # a number in running text
    return _Row(line, labels, numbers)


def _lines_up(row: _Row, columns: list[_Piece], size: float) -> bool:
    return all(any(_aligned(number, column, size) for column in columns) for number in row.numbers)


def _headed(row: _Row, header: _Line, left: float) -> bool:
    """Whether the line is the header of a table of this one row: a heading over each of its numbers,
    none reaching into the labels."""
    near = ALIGNED_EM * header.size
    over = [p for p in header.pieces if p.x0 >= left - near]
    return _numbers_row(header) is None and all(any(_aligned(n, p, header.size) for p in over) for n in row.numbers)


def _label_only(line: _Line, left: float) -> bool:
    return line.x1 <= left - ALIGNED_EM * line.size


def _label_columns(rows: list[_Row], size: float) -> list[tuple[float, float]]:
    """The label columns, left to right, each as where its labels start and the furthest they reach,
    from the label pieces on the rows' own lines."""
    near = ALIGNED_EM * size
    starts = _edges_within((p.x0 for row in rows for p in row.labels), near)
    reach = [
        max(p.x1 for row in rows for p in row.labels if _column_at(starts, p.x0, near) == c) for c in range(len(starts))
    ]
    return list(zip(starts, reach, strict=True))


def _column_at(starts: list[float], x0: float, near: float) -> int:
    return max((i for i, x in enumerate(starts) if x <= x0 + near), default=0)


def _edges_within(values: Iterable[float], near: float) -> list[float]:
    found: list[float] = []
    for value in sorted(values):
        if not found or value - found[-1] > near:
            found.append(value)
    return found


def _runs(fragments: list[_Fragment], size: float) -> list[list[_Fragment]]:
    """The fragments of one column, top to bottom, in runs of lines set close together."""
    runs: list[list[_Fragment]] = []
    for fragment in sorted(fragments, key=lambda f: f.piece.top):
        if runs and fragment.piece.top - runs[-1][-1].piece.bottom <= CELL_LINES_EM * size:
            runs[-1].append(fragment)
        else:
            runs.append([fragment])
    return runs


def _covered(run: list[_Fragment], rows: list[_Row], size: float) -> list[_Row]:
    """The rows whose numbers stand beside the run of fragments."""
    top, bottom = run[0].piece.top, max(f.piece.bottom for f in run)
    near = ALIGNED_EM * size
    return [row for row in rows if top - near <= row.middle <= bottom + near]


def _cell_of(cell: list[_Fragment], row: _Row, size: float) -> bool:
    """Whether these lines can be the row's cell: set at the top of the row (beginning on its line) or
    in its middle (centred on its numbers), no line after the first beginning with a numbering."""
    if any(_numbered(f.piece.text) for f in cell[1:]):
        return False
    centre = (cell[0].piece.top + max(f.piece.bottom for f in cell)) / 2
    return cell[0].line is row.line or abs(centre - row.middle) <= ALIGNED_EM * size


def _cells(run: list[_Fragment], rows: list[_Row], size: float) -> list[list[_Fragment]] | None:
    """A run of lines over several rows cut into one cell for each row, where exactly one cut puts
    every line in a cell of its row (set at the top or in the middle of it); None otherwise."""

    @cache
    def ways(start: int, row: int) -> tuple[int, tuple[tuple[int, int, int], ...]]:
        """How many cuts (0, 1, or 2 for several) of run[start:] over rows[row:], and the one found."""
        if start == len(run):
            return 1, ()
        found: tuple[int, tuple[tuple[int, int, int], ...]] = (0, ())
        for r in range(row, len(rows)):
            if rows[r].middle < run[start].piece.top - ALIGNED_EM * size:
                continue  # a cell below the row's numbers is none of its
            for end in range(start + 1, len(run) + 1):
                if not _cell_of(run[start:end], rows[r], size):
                    continue
                count, rest = ways(end, r + 1)
                if count:
                    found = (min(found[0] + count, 2), ((start, end, r), *rest))
                    if found[0] > 1:
                        return found
        return found

    if len(run) > MAX_CELL_LINES * len(rows):
        return None
    count, cut = ways(0, 0)
    if count != 1:
        return None
    cells: list[list[_Fragment]] = [[] for _ in rows]
    for start, end, r in cut:
        cells[r] = run[start:end]
    return cells


def _label_text(fragments: list[_Fragment]) -> str:
    return _joined(f.piece.text for f in fragments)


def _complete(row: _Row, taken: set[int]) -> bool:
    """Whether every label piece on the row's own line is read: in its label, in another row's (a group
    label heading rows above it), or before a label of its own further right (kept where it stands)."""
    own = {id(f.piece) for part in row.parts.values() for f in part}
    right = max(row.parts, default=-1)
    return all(id(f.piece) in own or id(f.piece) in taken or f.column < right for f in row.fragments)


def _assemble(rows: list[_Row], lines: list[_Line]) -> list[_Line]:
    """The rows of one table drawn without lines, each with its label whole again (see ``_unruled``);
    the lines of the table as they were where nothing is certain."""
    size = statistics.median(row.line.size for row in rows)
    near = ALIGNED_EM * size
    columns = _label_columns(rows, size)
    starts = [start for start, _ in columns]
    fragments: list[_Fragment] = []
    for line in lines:
        row = next((r for r in rows if r.line is line), None)
        for piece in row.labels if row is not None else line.pieces:
            column = _column_at(starts, piece.x0, near)
            if starts[column] - near <= piece.x0 <= columns[column][1]:
                fragments.append(_Fragment(piece, line, column))
                if row is not None:
                    row.fragments.append(fragments[-1])
    for column in reversed(range(len(columns))):  # row labels first: a group label heads rows labelled further right
        for run in _runs([f for f in fragments if f.column == column], size):
            covered = _covered(run, rows, size)
            if len(covered) == 1:
                covered[0].parts[column] = run
            elif len(covered) > 1 and all(any(c > column for c in row.parts) for row in covered):
                covered[0].parts[column] = run  # a group's label heads its first row, as a grid gives it
            elif len(covered) > 1 and (cells := _cells(run, covered, size)) is not None:
                for row, cell in zip(covered, cells, strict=True):
                    if cell:
                        row.parts[column] = cell
    taken = {id(f.piece) for row in rows for part in row.parts.values() for f in part}
    for row in rows:
        if not _complete(row, taken):
            row.parts = {}
    used = {id(f.piece): row for row in rows for part in row.parts.values() for f in part}
    out: list[_Line] = []
    for line in lines:
        row = next((r for r in rows if r.line is line), None)
        moved = row is not None and (
            any(f.line is not line for part in row.parts.values() for f in part)
            or any(used.get(id(f.piece), row) is not row for f in row.fragments)
        )
        if row is not None and moved:
            fields = {c: _label_text(part) for c, part in row.parts.items()}
            for f in row.fragments:
                if id(f.piece) not in used:
                    fields[f.column] = _joined([fields.get(f.column, ""), f.piece.text])
            labels = [fields[c] for c in sorted(fields)]
            pieces = [_Piece("\t" if i else "", text, 0.0, 0.0) for i, text in enumerate(labels)]
            pieces += [_Piece("\t", p.text, p.x0, p.x1, p.top, p.bottom) for p in row.numbers]
            line.pieces, line.text, line.tabbed = pieces, _text(pieces), True
            out.append(line)
        elif row is not None:
            out.append(line)
        else:
            kept = [p for p in line.pieces if id(p) not in used]
            if kept:
                if len(kept) < len(line.pieces):
                    kept[0] = _Piece("", kept[0].text, kept[0].x0, kept[0].x1, kept[0].top, kept[0].bottom)
                    line.pieces, line.text = kept, _text(kept)
                    line.x0, line.x1 = kept[0].x0, kept[-1].x1
                out.append(line)
    return out


def _unruled(lines: list[_Line]) -> list[_Line]:
    """A page's lines with the rows of tables drawn without lines made whole.

    Such a table reads as lines: those holding a row's numbers, lined up in columns (two rows or more,
    or one under a header over its numbers), and between and around them lines holding only the rest
    of labels wrapped in their cells. Each label column is read down, the row labels' first: lines set
    close together beside one row's numbers are that row's cell; beside several rows', they are a
    group's label where each of those rows has a label of its own further right (set before the first
    row, as a grid gives it), or else the cells of those rows where exactly one cut gives each line to
    a cell set at the top of its row or centred on its numbers. A row is rewritten, its label's columns
    tab-separated, only when every label piece on its own line is read so; whatever is uncertain is
    left where it stands, and the row stays unread rather than read under a label not its own.
    """
    out: list[_Line] = []
    done = 0  # lines before this are read: the next table starts no higher
    i = 0
    while i < len(lines):
        first = _numbers_row(lines[i])
        if first is None:
            out.append(lines[i])
            i += 1
            continue
        rows, columns = [first], list(first.numbers)
        left = first.numbers[0].x0
        end = i + 1  # one past the table's last row
        j = i + 1
        while j < len(lines):
            row = _numbers_row(lines[j])
            size = lines[j].size
            if row is not None and _lines_up(row, columns, size) and (not row.labels or row.labels[-1].x1 < left):
                rows.append(row)
                columns += [n for n in row.numbers if not any(_aligned(n, c, size) for c in columns)]
                left = min(left, row.numbers[0].x0)
                end = j + 1
            elif not _label_only(lines[j], left):
                break
            j += 1
        start = i
        while start > done and _label_only(lines[start - 1], left):
            start -= 1
        if len(rows) < 2 and not (start > 0 and _headed(rows[0], lines[start - 1], left)):
            out.append(lines[i])
            i += 1
            continue
        while end < len(lines) and _label_only(lines[end], left):
            end += 1
        del out[len(out) - (i - start) :]
        out += _assemble(rows, lines[start:end])
        i = done = end
    return out


def _blocks(pages: list[_Page]) -> Iterator[Block]:
    lines = [ln for page in pages for ln in page.lines]
    left, right = _margins(lines) if lines else (0.0, 0.0)
    pending: _Line | None = None
    text = ""
    for page in pages:
        items: list[tuple[float, _Line | Grid]] = [(ln.top, ln) for ln in page.lines]
        items += page.grids
        for _, item in sorted(items, key=lambda pair: pair[0]):
            if isinstance(item, Grid):
                if pending is not None:
                    yield Paragraph(text)
                    pending = None
                yield item
            elif pending is not None and _runs_on(pending, item, left, right):
                text, pending = _joined([text, item.text], " "), item
            else:
                if pending is not None:
                    yield Paragraph(text)
                text, pending = item.text, item
    if pending is not None:
        yield Paragraph(text)


def _refused(reason: str) -> ImportFailed:
    return ImportFailed(texts.UPLOAD_UNREADABLE.format(reason=reason))


def _open(data: bytes) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        count = len(pdf.pages)
    except MemoryError:
        raise
    except Exception as exc:
        cause = exc.__cause__ or exc.__context__ or exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError) or isinstance(
            exc, PDFPasswordIncorrect | PDFEncryptionError
        ):
            raise _refused(texts.IMPORT_PDF_ENCRYPTED) from None
        raise _refused(texts.IMPORT_PDF_DAMAGED) from None
    if count > MAX_PAGES:
        pdf.close()
        raise _refused(texts.IMPORT_PDF_PAGES.format(pages=count, limit=MAX_PAGES))
    return pdf


def read_pdf(data: bytes) -> list[Block]:
    """The paragraphs and grids of a PDF's text layer; ImportFailed for a scan, a damaged, locked or
    oversized file."""
    check_size(data)
    if SIGNATURE not in data[:1024]:
        raise _refused(texts.IMPORT_NOT_PDF)
    deadline = time.monotonic() + MAX_SECONDS
    pdf = _open(data)
    pages: list[_Page] = []
    try:
        for page in pdf.pages:
            if time.monotonic() > deadline:
                raise _refused(texts.IMPORT_PDF_SLOW.format(seconds=round(MAX_SECONDS)))
            pages.append(_page(page.dedupe_chars()))
            page.close()
    except (ImportFailed, MemoryError):
        raise
    except Exception:
        raise _refused(texts.IMPORT_PDF_DAMAGED) from None
    finally:
        pdf.close()
    written = sum(len(ln.text) for p in pages for ln in p.lines) + sum(
        len(cell.text) for p in pages for _, g in p.grids for row in g.rows for cell in row
    )
    if written < MIN_TEXT:
        raise _refused(texts.IMPORT_PDF_SCANNED)
    _furniture(pages)
    for page in pages:
        page.lines = _unruled(page.lines)
    _rejoin_rows(pages)
    blocks: list[Block] = []
    grids = 0
    for block in _blocks(pages):
        if isinstance(block, Grid):
            if grids >= MAX_GRIDS:
                continue
            grids += 1
        blocks.append(block)
        if len(blocks) >= MAX_BLOCKS:
            break
    return blocks
