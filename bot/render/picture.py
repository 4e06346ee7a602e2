"""Tables 二、三、四 as pictures a member can read on a phone, drawn from the printed grids.

A chat shows a table of 7 columns and 25 rows badly as text lines, so the bot can send the tables as
photos. Each picture draws a section's grid from bot.render.layout, the grid the .docx and the web
page print, so it has the same merged cells and labels. Telegram scales a photo down to 1280 px on
its long side; a picture is laid out to stay within that at a legible size. Column widths are chosen
to make the table as short as possible: long labels wrap inside their cells and are never cut,
numbers never wrap. The type steps down (never below 20 px) when a table would be too tall at the
larger size; a picture grows past 1280 px only when huge numbers leave no other way.

Text is drawn with a Chinese font found at run time; without one, NoCjkFont tells the caller to fall
back to text. Pillow's basic layout engine and a fixed palette make a picture the same bytes on
every machine with the same font.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bot import texts
from bot.render.document import NOT_XML
from bot.render.errors import RenderError
from bot.render.layout import Grid, GridCell, Kind, section_grid
from bot.report.model import Report
from bot.schema import Section

Box = tuple[int, int, int, int]  # left, top, right, bottom in pixels
Font = ImageFont.FreeTypeFont

# Telegram scales a photo down to 1280 px on its long side, and refuses one beyond width + height
# 10000 or a side ratio of 20.
MAX_SIDE = 1280
WIDER = (1600, 1920, 2400)  # widths to try when huge numbers keep a table from fitting MAX_SIDE
MIN_WIDTH = 1080  # a narrow table still gets this width, so that every picture reads at one scale
MARGIN = 28
PAD_X = 10  # between a cell's side borders and its text
GAP = 14  # between the captions and the table, and between stacked sections
MIN_LABEL_CHARS = 6  # a row label column gives way to wide numbers, but not below six characters a line
WRAP_COST = 0.1  # a wrapped line that does not make the table taller still costs this share of its height


@dataclass(frozen=True)
class Style:
    """Type sizes (px) and spacing; a tall table steps down to a smaller style to fit the screen."""

    label: int
    number: int
    corner: int  # table 三's long note in its corner
    heading: int
    title: int
    pad_y: int  # between a cell's top and bottom borders and its text
    spacing: float  # line height as a multiple of the type size


STYLES = (
    Style(label=22, number=24, corner=20, heading=28, title=20, pad_y=7, spacing=1.32),
    Style(label=21, number=22, corner=20, heading=26, title=20, pad_y=5, spacing=1.25),
    Style(label=20, number=20, corner=20, heading=24, title=20, pad_y=4, spacing=1.2),
)

PAPER = (255, 255, 255)
HEADER_FILL = (238, 238, 238)
CAPTION_FILL = (220, 220, 220)
TOTAL_FILL = (226, 236, 249)
UNFILLED_FILL = (255, 242, 204)
INK = (0, 0, 0)
TITLE_INK = (85, 85, 85)
UNFILLED_INK = (192, 0, 0)

# Line breaking: no line starts with closing punctuation, none ends with opening punctuation.
NO_LINE_START = frozenset("）)】》」』”’，,。.、：:；;！!？?%…")
NO_LINE_END = frozenset("（(【《「『“‘")
# A label that names a group starts with its number, which keeps a line of its own when it wraps.
ENUMERATOR = re.compile(r"（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、")

FONT_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Serif CJK SC", "Source Han Serif SC")
# Where distributions put Noto Sans CJK, for a system without fontconfig's fc-match.
KNOWN_FONT_DIRS = (
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/opentype/noto-cjk",
)


class NoCjkFont(RenderError):
    """No font with Chinese characters is installed: the caller shows the tables as text instead."""


# --- fonts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FontFile:
    path: str
    index: int  # the face within a .ttc collection


def _fc_match(pattern: str) -> tuple[FontFile, str] | None:
    """The face fontconfig picks for the pattern, and its style, if that face covers Chinese."""
    if not shutil.which("fc-match"):
        return None
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}|%{index}|%{style}|%{lang}", pattern],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, index, style, langs = [*out.split("|", 3), "", "", ""][:4]
    if "zh-cn" not in langs.split("|") or not Path(path).is_file():
        return None  # fontconfig's stand-in for a missing family, e.g. DejaVu Sans
    return FontFile(path, int(index or 0)), style


def _known_file(bold: bool) -> FontFile | None:
    """Noto Sans CJK at a distribution's usual place: the SC face of the collection, found by name."""
    name = "NotoSansCJK-Bold.ttc" if bold else "NotoSansCJK-Regular.ttc"
    for folder in KNOWN_FONT_DIRS:
        path = Path(folder) / name
        if not path.is_file():
            continue
        for index in range(16):
            try:
                face = ImageFont.truetype(str(path), 12, index=index)
            except OSError:
                break
            if face.getname()[0] == "Noto Sans CJK SC":
                return FontFile(str(path), index)
    return None


@cache
def font_files() -> tuple[FontFile, FontFile]:
    """The regular and the bold Chinese face; the regular one stands in for a missing bold."""
    for family in FONT_FAMILIES:
        regular = _fc_match(f"{family}:style=Regular")
        if regular is None:
            continue
        bold = _fc_match(f"{family}:style=Bold")
        return regular[0], bold[0] if bold and "Bold" in bold[1] else regular[0]
    regular_file = _known_file(bold=False)
    if regular_file is None:
        raise NoCjkFont(texts.PICTURE_NO_FONT)
    return regular_file, _known_file(bold=True) or regular_file


@cache
def _font(size: int, bold: bool = False) -> Font:
    file = font_files()[1 if bold else 0]
    return ImageFont.truetype(file.path, size, index=file.index, layout_engine=ImageFont.Layout.BASIC)


# --- line breaking -------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _advance(font: Font, char: str) -> float:
    return font.getlength(char)


def _width(text: str, font: Font) -> float:
    return sum(_advance(font, char) for char in text)


@lru_cache(maxsize=16384)
def wrap(text: str, width: int, font: Font) -> tuple[str, ...]:
    """The text broken into lines no wider than ``width`` px, between any two characters as Chinese
    allows, keeping punctuation with its word. A character wider than ``width`` gets a line of its
    own: text is never cut."""
    lines: list[str] = []
    line, used = "", 0.0
    for char in text:
        advance = _advance(font, char)
        if line and used + advance > width:
            # Move characters down while the new line would start with a closing mark or this one
            # end with an opening mark, as long as the new line still fits.
            carry = ""
            while len(line) > 1 and ((carry + char)[0] in NO_LINE_START or line[-1] in NO_LINE_END):
                if _width(line[-1] + carry + char, font) > width:
                    break
                line, carry = line[:-1], line[-1] + carry
            lines.append(line)
            line, used = carry, _width(carry, font)
        line += char
        used += advance
    lines.append(line)
    return tuple(lines)


@lru_cache(maxsize=16384)
def narrowest(text: str, lines: int, font: Font) -> int:
    """The narrowest width (px) at which the text takes at most ``lines`` lines."""
    low, high = int(max((_advance(font, c) for c in text), default=0)), int(_width(text, font)) + 1
    while low < high:
        middle = (low + high) // 2
        if len(wrap(text, middle, font)) <= lines:
            high = middle
        else:
            low = middle + 1
    return low


@lru_cache(maxsize=16384)
def arrange(text: str, width: int, font: Font, group: bool) -> tuple[str, ...]:
    """The lines a cell shows: as few as ``width`` allows, as even as they go (结果/维持, not
    结果维/持). A group label's number keeps a line of its own when that costs no extra line."""
    lines = wrap(text, width, font)
    if len(lines) == 1:
        return lines
    number = ENUMERATOR.match(text) if group else None
    if number and number.end() < len(text) and _width(number.group(), font) <= width:
        rest = text[number.end() :]
        if len(wrap(rest, width, font)) < len(lines):
            return (number.group(), *wrap(rest, narrowest(rest, len(lines) - 1, font), font))
    return wrap(text, narrowest(text, len(lines), font), font)


# --- what each cell looks like -------------------------------------------------------------------


@dataclass(frozen=True)
class Look:
    font: Font
    ink: tuple[int, int, int]
    fill: tuple[int, int, int]
    group: bool  # a header or a label over several rows: centred, its number on a line of its own
    wraps: bool  # numbers stay on one line
    line_height: int
    pad_y: int


def _look(cell: GridCell, total: bool, style: Style) -> Look:
    size, ink, fill, group, bold = style.label, INK, PAPER, True, False
    if cell.kind is Kind.NUMBER and cell.unfilled:
        ink, fill = UNFILLED_INK, UNFILLED_FILL
    elif cell.kind is Kind.NUMBER:
        size, fill, bold = style.number, TOTAL_FILL if total else PAPER, total
    elif cell.kind is Kind.CAPTION:
        fill, bold = CAPTION_FILL, True
    elif cell.kind is Kind.CORNER:
        size, fill = style.corner, HEADER_FILL
    elif cell.kind is Kind.HEADER:
        fill = HEADER_FILL
    else:
        group = cell.rowspan > 1  # a row label reads from the left
    wraps = cell.kind is not Kind.NUMBER
    return Look(_font(size, bold), ink, fill, group, wraps, round(size * style.spacing), style.pad_y)


def _totals(section: Section) -> frozenset[str]:
    """The places of the section's computed cells: those of a computed row or a computed column."""
    return frozenset(
        table.cell_path(row, c)
        for table in section.tables
        for row in table.rows
        for c, column in enumerate(table.columns)
        if row.computed or column.sums
    )


class _Item:
    """A cell to lay out, with what its width depends on measured once."""

    def __init__(self, cell: GridCell, look: Look, total: bool) -> None:
        self.cell, self.look, self.total = cell, look, total
        self.cols = range(cell.col, cell.col + cell.colspan)
        self.start, self.end = cell.col, cell.col + cell.colspan
        self.natural = int(_width(cell.text, look.font)) + 1  # the text on one line
        self.floor = self._floor()

    def _floor(self) -> int:
        """The narrowest the text may get: a number or a row label (up to a few characters) its one
        line, a group label its number, any other text one character."""
        text, font = self.cell.text, self.look.font
        if not self.look.wraps:
            return self.natural
        if self.cell.kind is Kind.LABEL and self.cell.rowspan == 1:
            return min(self.natural, MIN_LABEL_CHARS * font.size)
        number = ENUMERATOR.match(text) if self.look.group else None
        return int(max([_width(number.group() if number else "", font), *(_advance(font, c) for c in text)]))

    def span(self, edges: Sequence[int]) -> int:
        """The room for text between the cell's borders, given the columns' edges (px from the left)."""
        return edges[self.end] - edges[self.start] - 2 * PAD_X - 1

    def lines(self, edges: Sequence[int]) -> tuple[str, ...]:
        if not self.look.wraps:
            return (self.cell.text,)
        return arrange(self.cell.text, self.span(edges), self.look.font, self.look.group)

    def height(self, edges: Sequence[int]) -> int:
        lines = len(wrap(self.cell.text, self.span(edges), self.look.font)) if self.look.wraps else 1
        return lines * self.look.line_height + 2 * self.look.pad_y + 1

    def slack(self, edges: Sequence[int]) -> int:
        """How many px the cell can give up before its text takes another line (or, for a number,
        before it no longer fits); negative when it already does not fit."""
        span = self.span(edges)
        if not self.look.wraps:
            return span - self.floor
        text, font = self.cell.text, self.look.font
        return min(span - narrowest(text, len(wrap(text, span, font)), font), span - self.floor)


# --- geometry ------------------------------------------------------------------------------------


class _Table:
    """One section's grid with its cells' looks, and the arithmetic that sizes its rows and columns."""

    def __init__(self, section: Section, grid: Grid, style: Style) -> None:
        totals = _totals(section)
        self.section = section
        self.grid = grid
        self.items = tuple(_Item(c, _look(c, c.place in totals, style), c.place in totals) for c in grid.cells)
        self.base = [0] * grid.height  # what the rows need for their numbers, which never wrap
        for item in self.items:
            if not item.look.wraps and item.cell.rowspan == 1:
                self.base[item.cell.row] = max(self.base[item.cell.row], item.height(()))
        self.texts = [i for i in self.items if i.look.wraps and i.cell.rowspan == 1]
        self.merged = sorted((i for i in self.items if i.cell.rowspan > 1), key=lambda i: i.cell.rowspan)
        # The number columns share one width, as on paper; every other column has its own.
        numbers = sorted({i.cell.col for i in self.items if i.cell.kind is Kind.NUMBER})
        self.groups = [[c] for c in range(grid.width) if c not in numbers] + ([numbers] if numbers else [])
        # What each group's width answers to: every text over it, and the widest number of each span.
        widest: dict[range, _Item] = {}
        for item in self.items:
            if not item.look.wraps and item.floor > getattr(widest.get(item.cols), "floor", -1):
                widest[item.cols] = item
        needs = [i for i in self.items if i.look.wraps] + list(widest.values())
        self.covering = [[(i, len(set(i.cols) & set(g))) for i in needs if set(i.cols) & set(g)] for g in self.groups]
        self.natural = self._natural_widths()

    def _heights(self, widths: Sequence[int]) -> tuple[list[int], int]:
        """The rows' heights, and the sum of the heights the texts need on their own.

        Each row is as tall as its tallest cell; a cell merged down several rows that needs more room
        than they give adds the difference to them evenly."""
        edges = list(accumulate(widths, initial=0))
        heights = list(self.base)
        texts = 0
        for item in self.texts:
            need = item.height(edges)
            texts += need
            heights[item.cell.row] = max(heights[item.cell.row], need)
        for item in self.merged:
            need = item.height(edges)
            texts += need
            first, span = item.cell.row, item.cell.rowspan
            short = max(need - sum(heights[first : first + span]), 0)
            for k in range(span):
                heights[first + k] += short // span + (k < short % span)
        return heights, texts

    def row_heights(self, widths: Sequence[int]) -> list[int]:
        return self._heights(widths)[0]

    def cost(self, widths: Sequence[int]) -> float:
        """The table's height, plus a little for every wrapped line that does not add to it."""
        rows, texts = self._heights(widths)
        return sum(rows) + WRAP_COST * texts

    def _natural_widths(self) -> list[int]:
        """Column widths that put every text on one line (the number columns alike)."""
        widths = [2 * PAD_X + 1] * self.grid.width
        for item in sorted(self.items, key=lambda i: i.cell.colspan):
            need = max(0, item.natural - item.span(list(accumulate(widths, initial=0))))
            for k, c in enumerate(item.cols):
                widths[c] += need // len(item.cols) + (k < need % len(item.cols))
        for group in self.groups:
            for c in group:
                widths[c] = max(widths[g] for g in group)
        return widths

    def _give_up(self, widths: list[int], group: int, step: int) -> list[int]:
        trial = list(widths)
        for c in self.groups[group]:
            trial[c] -= step
        return trial

    def _free(self, widths: list[int], group: int) -> int:
        """How many px each column of the group can give up before a text covering it wraps again
        (or a number no longer fits); negative when one already does not fit."""
        edges = list(accumulate(widths, initial=0))
        return min(item.slack(edges) // shared for item, shared in self.covering[group])

    def column_widths(self, total: int) -> list[int]:
        """Column widths (px) adding up to about ``total`` that keep the table short.

        From one line per text, columns give up width until the table fits: widths no text needs
        first, then at each step the column (or the number columns together) that costs the least
        height per pixel, up to just before its next line break. So a label merged down many rows
        stacks into a narrow column, where its rows leave it room, before a header row grows a line;
        long labels wrap before the numbers lose room. When even the numbers' widths add up to more
        than ``total``, the table is wider than asked.
        """
        widths = list(self.natural)
        groups = range(len(self.groups))
        while (excess := sum(widths) - total) > 0:
            free = [self._free(widths, g) * len(self.groups[g]) for g in groups]
            if max(free) > 0:
                g = free.index(max(free))
                size = len(self.groups[g])
                widths = self._give_up(widths, g, min(max(free) // size, -(-excess // size)))
                continue
            cost = self.cost(widths)
            best: tuple[float, list[int]] | None = None
            for g in groups:
                size = len(self.groups[g])
                free_after = self._free(self._give_up(widths, g, 1), g)
                if free_after < 0:
                    continue  # a number, or a single character, would no longer fit
                step = 1 + min(free_after, -(-excess // size) - 1)
                trial = self._give_up(widths, g, step)
                score = (self.cost(trial) - cost) / (step * size)
                if best is None or score < best[0]:
                    best = (score, trial)
            if best is None:
                break
            widths = best[1]
        spare = total - sum(widths)
        if spare > 0:
            widths = [w + spare // len(widths) for w in widths]
            rest = total - sum(widths)
            if len(self.groups) > 1:  # the rest to the first label column: the numbers stay alike
                widths[self.groups[0][0]] += rest
            else:
                widths = [w + (k < rest) for k, w in enumerate(widths)]
        return widths


# --- drawing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    text: str
    box: Box  # where the line's glyphs are drawn


@dataclass(frozen=True)
class PlacedCell:
    """One grid cell as drawn: where, its lines of text, and whether it is a computed total."""

    section: str  # the section's number: 二, 三 or 四
    cell: GridCell
    box: Box  # its borders lie on the edges: the inside runs from left + 1 to right - 1
    lines: tuple[Line, ...]
    fill: tuple[int, int, int]
    ink: tuple[int, int, int]
    total: bool


@dataclass(frozen=True)
class Picture:
    png: bytes
    size: tuple[int, int]
    cells: tuple[PlacedCell, ...]
    captions: tuple[Line, ...]  # the report's title and the section headings above the tables


@lru_cache(maxsize=2048)
def _glyphs(text: str, font: Font, anchor: str) -> tuple[Image.Image, Box]:
    """The text as a mask, and its box around the anchor point: drawn once, pasted wherever it recurs
    (a table 三 holds a hundred zeros)."""
    box = tuple(int(v) for v in font.getbbox(text, anchor=anchor))
    mask = Image.new("L", (max(box[2] - box[0], 1), max(box[3] - box[1], 1)))
    ImageDraw.Draw(mask).text((-box[0], -box[1]), text, font=font, fill=255, anchor=anchor)
    return mask, box  # type: ignore[return-value]


def _draw_lines(image: Image.Image, lines: Sequence[str], look: Look, box: Box, centred: bool) -> tuple[Line, ...]:
    """Lines as a block centred between the box's top and bottom, centred across or from the left."""
    left, top, right, bottom = box
    y = (top + bottom - look.line_height * len(lines)) // 2 + look.line_height // 2
    drawn = []
    for line in lines:
        x = (left + right) // 2 if centred else left
        mask, (x0, y0, x1, y1) = _glyphs(line, look.font, "mm" if centred else "lm")
        image.paste(look.ink, (x + x0, y + y0), mask)
        drawn.append(Line(line, (x + x0, y + y0, x + x1, y + y1)))
        y += look.line_height
    return tuple(drawn)


@dataclass
class _Sheet:
    """A picture's parts, laid out: the report's title, then each table under its section heading."""

    width: int
    style: Style
    tables: list[tuple[_Table, list[int]]]
    title: str

    def draw(self, image: Image.Image | None) -> tuple[int, list[PlacedCell], list[Line]]:
        """Draws onto ``image``, or only measures without one; returns the height it takes."""
        title = Look(_font(self.style.title), TITLE_INK, PAPER, False, True, round(self.style.title * 1.4), 0)
        size = self.style.heading
        heading = Look(_font(size, bold=True), INK, PAPER, False, True, round(size * 1.4), 0)
        cells: list[PlacedCell] = []
        captions: list[Line] = []

        def caption(look: Look, text: str, top: int) -> int:
            lines = wrap(text, self.width - 2 * MARGIN, look.font)
            bottom = top + look.line_height * len(lines)
            if image:
                captions.extend(_draw_lines(image, lines, look, (MARGIN, top, self.width - MARGIN, bottom), False))
            return bottom

        top = caption(title, self.title, MARGIN)
        for k, (table, widths) in enumerate(self.tables):
            top = caption(heading, table.section.heading or "", top + (GAP if k else 0)) + GAP // 2
            heights = table.row_heights(widths)
            if image:
                cells += _draw_grid(image, table, widths, heights, MARGIN, top)
            top += sum(heights) + 1 + GAP
        return top - GAP + MARGIN, cells, captions


def _draw_grid(
    image: Image.Image, table: _Table, widths: Sequence[int], heights: Sequence[int], left: int, top: int
) -> list[PlacedCell]:
    edges = list(accumulate(widths, initial=0))
    xs = [left + x for x in edges]
    ys = list(accumulate(heights, initial=top))
    draw = ImageDraw.Draw(image)
    placed = []
    for item in table.items:
        cell, look = item.cell, item.look
        box = (xs[cell.col], ys[cell.row], xs[cell.col + cell.colspan], ys[cell.row + cell.rowspan])
        draw.rectangle(box, fill=look.fill, outline=INK)
        inside = (box[0] + 1 + PAD_X, box[1] + 1, box[2] - PAD_X, box[3])
        centred = look.group or not look.wraps
        lines = _draw_lines(image, item.lines(edges), look, inside, centred)
        placed.append(PlacedCell(table.section.number, cell, box, lines, look.fill, look.ink, item.total))
    draw.rectangle((xs[0] - 1, ys[0] - 1, xs[-1] + 1, ys[-1] + 1), outline=INK)  # a heavier frame
    return placed


@cache
def _palette() -> Image.Image:
    """Every blend of an ink over a fill in 16 steps: the picture's colours, so PNG stores a byte
    a pixel (half the time and size of RGB) and antialiasing keeps its smoothness."""
    colours: dict[tuple[int, ...], None] = {}
    for fill in (PAPER, HEADER_FILL, CAPTION_FILL, TOTAL_FILL, UNFILLED_FILL):
        for ink in (INK, TITLE_INK, UNFILLED_INK):
            for a in range(0, 256, 17):
                colours[tuple(round(f + (i - f) * a / 255) for f, i in zip(fill, ink, strict=True))] = None
    flat = [v for colour in colours for v in colour]
    palette = Image.new("P", (1, 1))
    palette.putpalette(flat + [0] * (768 - len(flat)))
    return palette


def _sections(report: Report, numbers: Sequence[str] | None) -> list[Section]:
    with_tables = [s for s in report.format.sections if s.tables]
    if numbers is None:
        return with_tables
    by_number = {s.number: s for s in with_tables}
    if not numbers or any(n not in by_number for n in numbers):
        raise ValueError(f"tables {list(numbers)!r}: choose section numbers from {list(by_number)}")
    return [by_number[n] for n in numbers]


def _sheet(report: Report, sections: Sequence[Section], style: Style, widest: int) -> tuple[_Sheet, int]:
    """The sections laid out in this style, no wider than ``widest`` unless numbers force it; and the
    height that takes."""
    tables = [_Table(s, section_grid(report, s.tables), style) for s in sections]
    natural = max(sum(t.natural) for t in tables) + 2 * MARGIN
    width = min(max(natural, MIN_WIDTH), widest)
    laid = [(t, t.column_widths(width - 2 * MARGIN)) for t in tables]
    width = max(sum(w) for _, w in laid) + 2 * MARGIN
    title = texts.TITLE.format(agency=NOT_XML.sub("", report.agency), year=report.year)
    sheet = _Sheet(width, style, laid, title)
    return sheet, sheet.draw(None)[0]


def _fitted(report: Report, section: Section) -> tuple[_Sheet, int]:
    """A section laid out for a phone: in the largest style that keeps within MAX_SIDE; failing that
    (huge numbers), in the style and width whose text is largest once Telegram has scaled it down."""
    tried = []
    for style in STYLES:
        sheet, height = _sheet(report, [section], style, MAX_SIDE)
        if max(sheet.width, height) <= MAX_SIDE:
            return sheet, height
        tried.append((sheet, height))
    tried += [_sheet(report, [section], style, widest) for style in STYLES for widest in WIDER]
    return max(tried, key=lambda laid: laid[0].style.label / max(laid[0].width, laid[1]))


def draw_tables(report: Report, tables: Sequence[str] | None = None) -> Picture:
    """One picture of the tables of the sections numbered ``tables`` (e.g. ("三",); all by default),
    each under its section heading, below the report's title.

    One section is fitted to a phone's screen (see _fitted). Several are stacked in the largest
    style at full width: a tall picture to send as a file, which Telegram does not scale down.
    """
    sections = _sections(report, tables)
    if len(sections) == 1:
        sheet, height = _fitted(report, sections[0])
    else:
        sheet, height = _sheet(report, sections, STYLES[0], MAX_SIDE)
    image = Image.new("RGB", (sheet.width, height), PAPER)
    _, cells, captions = sheet.draw(image)
    out = io.BytesIO()
    image.quantize(palette=_palette(), dither=Image.Dither.NONE).save(out, "PNG")
    return Picture(out.getvalue(), image.size, tuple(cells), tuple(captions))


def table_pictures(report: Report) -> tuple[Picture, ...]:
    """One picture per section with tables (表二, 表三, 表四), each legible on a phone."""
    return tuple(draw_tables(report, (s.number,)) for s in report.format.sections if s.tables)


def render_tables_png(report: Report, *, tables: Sequence[str] | None = None) -> bytes:
    """The tables of the sections numbered ``tables`` (二、三、四 by default) as one PNG."""
    return draw_tables(report, tables).png
