"""The report as a Word document (.docx) in the official layout, filled into templates/report.docx.

The template (built by scripts/build_docx_template.py, restylable by an office) holds the page, the
styles and the Jinja placeholders; this module supplies the text of the document outline and draws
each table from its layout grid as a docxtpl sub-document. The sub-document shares the template's
document part, as one from ``new_subdoc()`` does, and its cells name the template's table and
paragraph styles: restyling the template restyles the tables. Widths are fitted to the template's
text width and table font size so that no label breaks inside a word (the line breaks are set in the
cells), rows keep together where a page break would read badly, and the title breaks after the
agency's name. All text is escaped, and characters XML cannot hold are dropped.
"""

from __future__ import annotations

import dataclasses
import io
import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2
import jinja2.nodes
from docx.document import Document as DocxDocument
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.table import CT_Tbl
from docx.shared import Length, Pt
from docx.styles.style import BaseStyle
from docxtpl import DocxTemplate
from docxtpl.subdoc import Subdoc
from lxml import etree
from markupsafe import Markup, escape

from bot import texts
from bot.render import document
from bot.render.layout import Grid, GridCell, Kind, balanced_wrap, longest_word, text_width, wrap
from bot.render.templates import template_path
from bot.report.model import Report

TEMPLATE = "report.docx"

# Style names in the template (scripts/build_docx_template.py creates them).
TABLE_STYLE = "Report Table"
CELL_STYLES = {
    Kind.CAPTION: "Report Table Header",
    Kind.CORNER: "Report Table Header",
    Kind.HEADER: "Report Table Header",
    Kind.LABEL: "Report Table Label",
    Kind.NUMBER: "Report Table Text",
}
UNFILLED_STYLE = "Report Unfilled"
SIGNATURE_STYLE = "Report Signature"
TITLE_STYLE = "Report Title"
TABLE_SPACING_STYLE = "Report Table Spacing"  # the empty paragraphs above and below each table

# Characters XML 1.0 cannot hold; python-docx and Word reject them, so they are dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

MIN_COLUMN_CHARS = 2  # no column narrower than two characters
HEADER_LINES = 3  # a column header may wrap onto three lines (社会/公益/组织), as in the official format
LABEL_LINES = 3  # a label merged down several rows may wrap onto three
SLACK_CHARS = 0.3  # layout engines round glyph advances: a column exactly n characters wide may fit n − 1
MIN_SLACK_CHARS = 0.1  # the least of that slack a column may be left with (table 四's fifteen columns)
KEEP_ROWS = 8  # a label merged down at most this many rows keeps them on one page (（三）不予公开)
SMALL_TABLE = 6  # a table of at most this many rows is never split (table 四)
VERTICAL = "tbRl"  # text direction of a vertical label: top to bottom, Chinese characters upright
VERTICAL_PAGE_SHARE = 1.0  # a vertical label's rows fit on one page: LibreOffice may lose one spread wider
MIN_LABEL_CHARS = 4  # a label column gives way to large numbers, but not below four characters a line
SCALES = (1.0, 0.9, 0.8, 0.7)  # of the table font: a smaller one only where the labels would break otherwise


def clean(text: str) -> str:
    """The text without the control characters a Word document cannot hold (tab and line ends stay)."""
    return _NOT_XML.sub("", text)


def _xml_text(text: str) -> Markup:
    """Text escaped for the template's XML. Braces become character references because docxtpl
    rewrites ``{_{`` and the like in its output, which would alter text that happens to contain them."""
    return Markup(str(escape(text)).replace("{", "&#123;").replace("}", "&#125;"))


@cache
def _template_bytes(path: str, mtime_ns: int) -> bytes:
    """The template file, read once per version (an office may replace it while the bot runs)."""
    with open(path, "rb") as file:
        return file.read()


class _CompilingOnce(jinja2.Environment):
    """docxtpl's Jinja environment, compiling each template source once: docxtpl compiles the document body
    (the same source on every render of a template version) and its properties on every render otherwise."""

    SOURCES = 64  # distinct sources kept: the template's parts, over a few versions of the template

    def __init__(self) -> None:
        super().__init__(autoescape=True)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source: str | jinja2.nodes.Template, globals: Any = None, template_class: Any = None) -> Any:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        compiled = self._compiled.get(source)
        if compiled is None:
            if len(self._compiled) >= self.SOURCES:
                self._compiled.clear()
            compiled = self._compiled[source] = super().from_string(source)
        return compiled


_JINJA = _CompilingOnce()


def _template() -> DocxTemplate:
    path = template_path(TEMPLATE)
    tpl = DocxTemplate(io.BytesIO(_template_bytes(str(path), path.stat().st_mtime_ns)))
    tpl.init_docx()
    return tpl


def _sanitised(report: Report) -> Report:
    values = {key: clean(value) if isinstance(value, str) else value for key, value in report.values.items()}
    return dataclasses.replace(report, agency=clean(report.agency), values=values)


def _cell_margins(style: BaseStyle) -> dict[str, int]:
    """The cell margins (twips) the table style names, by side. They are repeated on every table:
    LibreOffice ignores a table style's cell margins, and the text would touch the borders."""
    margins = style.element.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}")
    sides = {"top": 0, "left": 0, "bottom": 0, "right": 0}
    for side in margins if margins is not None else ():
        name = etree.QName(side).localname
        if name in sides:
            sides[name] = int(side.get(qn("w:w"), 0))
    return sides


def _font_size(style: BaseStyle) -> Length:
    """The style's font size, or the one it inherits (Word's default is 10 pt)."""
    while style is not None:
        if style.font.size:
            return style.font.size
        style = style.base_style
    return Pt(10)


def _line_height(style: BaseStyle, size: Length) -> Length:
    """The height of one line of the style: its exact line spacing, or 1.3 times its font size."""
    while style is not None:
        spacing = style.paragraph_format.line_spacing
        if isinstance(spacing, Length):
            return spacing
        style = style.base_style
    return Length(int(size * 1.3))


@dataclass(frozen=True)
class Measures:
    """What the column widths depend on, in EMU: the text width, one full-width character and one
    line of the table font, and the cell margins."""

    width: int
    char: int
    line: int
    padding: int  # left plus right cell margin
    padding_vertical: int  # top plus bottom cell margin
    page: int  # the text height of a page


@dataclass(frozen=True)
class TablePlan:
    """How a grid is printed: its column widths (EMU), the cells set vertically, each text cell's lines."""

    widths: list[int]
    vertical: frozenset[tuple[int, int]]  # (row, col) of the cells set vertically
    lines: dict[tuple[int, int], list[str]]  # (row, col) of each text cell set horizontally
    measures: Measures  # those of its font, which is smaller than the style's when scale < 1
    height: int = 0  # in lines, as estimated
    scale: float = 1.0


def _is_heading(cell: GridCell) -> bool:
    return cell.kind in (Kind.HEADER, Kind.CORNER, Kind.CAPTION)


def _can_stand(cell: GridCell, m: Measures) -> bool:
    """Whether a label can be set vertically: a column of its own, rows enough for its characters."""
    return (
        cell.kind is Kind.LABEL
        and cell.colspan == 1
        and cell.rowspan * m.line >= text_width(cell.text) * m.char + m.padding_vertical
    )


def _vertical_columns(grid: Grid, m: Measures) -> list[int]:
    """Columns whose labels could all stand vertically, widest need first."""
    alone: dict[int, list[GridCell]] = {}
    for cell in grid.cells:
        if cell.colspan == 1:
            alone.setdefault(cell.col, []).append(cell)
    columns = [c for c, cells in alone.items() if all(_can_stand(cell, m) for cell in cells)]
    return sorted(columns, key=lambda c: -max(longest_word(cell.text) for cell in alone[c]))


def _needs(grid: Grid, vertical: frozenset[int], m: Measures) -> tuple[list[float], list[float], list[float]]:
    """Per column, in characters: what it wants on one line, the fewest it does with when no word is to
    break, and the fewest it does with at all (its numbers whole, its labels four characters a line),
    judged from the cells that sit in it alone. A vertical column needs one line's height."""
    upright = m.line / m.char
    wants = [upright if c in vertical else float(MIN_COLUMN_CHARS) for c in range(grid.width)]
    floors, hard = list(wants), list(wants)
    for cell in grid.cells:
        if cell.colspan != 1 or cell.col in vertical:
            continue
        if cell.kind is Kind.NUMBER:
            floor = want = text_width(cell.text)
            hard[cell.col] = max(hard[cell.col], floor)
        else:
            heading = _is_heading(cell)
            floor = longest_word(cell.text, heading=heading)
            lines = HEADER_LINES if heading else min(cell.rowspan, LABEL_LINES)
            want = max(floor, math.ceil(text_width(cell.text) / lines))
            if not heading:
                hard[cell.col] = max(hard[cell.col], min(floor, MIN_LABEL_CHARS))
        wants[cell.col] = max(wants[cell.col], want)
        floors[cell.col] = max(floors[cell.col], floor)
    return wants, floors, hard


def _cap(wants: list[float], floors: list[float], total: float) -> float:
    """The width that, given to every column wanting more (none going below its floor), makes the
    columns add up to ``total``. Found by bisection: the sum grows with the cap."""
    low, high = 0.0, max(wants)
    for _ in range(50):
        middle = (low + high) / 2
        if sum(max(f, min(w, middle)) for w, f in zip(wants, floors, strict=True)) > total:
            high = middle
        else:
            low = middle
    return low


def _widths(needs: tuple[list[float], list[float], list[float]], m: Measures) -> list[int]:
    """Column widths (EMU) that fill the text width exactly.

    When every column fits, the spare width is shared out equally (tables 二 and 四). When not, the
    columns wanting most give way first, down to their floors: table 三's long row labels wrap onto
    more lines while its number columns keep their width. When even the floors do not fit (large
    numbers), the labels give way further, in proportion to what they can give, and the numbers keep
    their width; only when the numbers alone do not fit does every column shrink in proportion.
    """
    total = m.width
    wants, floors, hard = ([(n + SLACK_CHARS) * m.char + m.padding for n in ns] for ns in needs)
    if sum(wants) <= total:
        spare = (total - sum(wants)) / len(wants)
        widths = [w + spare for w in wants]
    elif sum(floors) <= total:
        cap = _cap(wants, floors, total)
        widths = [max(f, min(w, cap)) for w, f in zip(wants, floors, strict=True)]
    elif sum(hard) < total:
        share = (total - sum(hard)) / (sum(floors) - sum(hard))
        widths = [h + (f - h) * share for f, h in zip(floors, hard, strict=True)]
    else:
        widths = [h * total / sum(hard) for h in hard]
    rounded = [int(w) for w in widths]
    rounded[-1] += total - sum(rounded)
    return rounded


def _room(cell: GridCell, widths: list[int], m: Measures) -> float:
    """The characters a line of the cell holds."""
    return (sum(widths[cell.col : cell.col + cell.colspan]) - m.padding) / m.char


def _fitted(grid: Grid, vertical_columns: frozenset[int], m: Measures) -> tuple[bool, list[int]]:
    """Column widths with these columns set vertically, and whether they break no word."""
    needs = _needs(grid, vertical_columns, m)
    widths = _widths(needs, m)
    return all((w - m.padding) / m.char >= f + MIN_SLACK_CHARS for w, f in zip(widths, needs[1], strict=True)), widths


def _plan_with(grid: Grid, vertical_columns: frozenset[int], widths: list[int], m: Measures) -> TablePlan | None:
    """The plan with these columns set vertically and these widths; None when a vertical label's rows
    would not fit on one page."""
    vertical = frozenset((c.row, c.col) for c in grid.cells if c.col in vertical_columns and c.colspan == 1)
    lines = {
        (c.row, c.col): wrap(c.text, _room(c, widths, m), heading=_is_heading(c))
        for c in grid.cells
        if c.kind is not Kind.NUMBER and (c.row, c.col) not in vertical
    }
    row_lines = [1] * grid.height
    for cell in grid.cells:
        if cell.rowspan == 1 and (cell.row, cell.col) in lines:
            row_lines[cell.row] = max(row_lines[cell.row], len(lines[cell.row, cell.col]))
    for cell in grid.cells:
        if cell.rowspan > 1 and (cell.row, cell.col) in lines:
            short = len(lines[cell.row, cell.col]) - sum(row_lines[cell.row : cell.row + cell.rowspan])
            row_lines[cell.row + cell.rowspan - 1] += max(0, short)
    for row, col in vertical:
        rowspan = next(c.rowspan for c in grid.cells if (c.row, c.col) == (row, col))
        if sum(row_lines[row : row + rowspan]) * m.line > VERTICAL_PAGE_SHARE * m.page:
            return None
    return TablePlan(widths, vertical, lines, m, height=sum(row_lines))


def plan(grid: Grid, m: Measures) -> TablePlan:
    """Column widths wide enough for every label's widest word, when the text width allows.

    A label merged down enough rows (三、本年度办理结果) may instead stand vertically in a narrow
    column, leaving the width to the long row labels beside it: of the layouts with no word broken,
    the shortest table is taken, and of equally short ones the one with fewer vertical columns. (With
    no vertical column at all, there is always a layout.)

    Where no layout keeps every word whole (large numbers leave the labels too little room), the
    table's font is made smaller, a step at a time, down to SCALES[-1] of the style's size.
    """
    for scale in SCALES:
        scaled = dataclasses.replace(m, char=int(m.char * scale), line=int(m.line * scale))
        candidates = _vertical_columns(grid, scaled)
        options = [frozenset(candidates[:n]) for n in range(len(candidates) + 1)]
        layouts = [(option, *_fitted(grid, option, scaled)) for option in options]
        fitting = [(option, widths) for option, fits, widths in layouts if fits]
        plans = [found for found in (_plan_with(grid, option, widths, scaled) for option, widths in fitting) if found]
        if plans:
            break
    else:  # words break at any size: the shortest of all layouts at the smallest
        every = ((option, widths) for option, _, widths in layouts)
        plans = [found for found in (_plan_with(grid, option, widths, scaled) for option, widths in every) if found]
    best = min(plans, key=lambda found: (found.height, len(found.vertical)))
    # The lines as printed, evened out (the search above only needs how many there are).
    lines = {
        (c.row, c.col): balanced_wrap(c.text, _room(c, best.widths, scaled), heading=_is_heading(c))
        for c in grid.cells
        if (c.row, c.col) in best.lines
    }
    return dataclasses.replace(best, lines=lines, scale=scale)


class _Styles:
    """The template's style ids and the measures the tables depend on, read once per render."""

    def __init__(self, tpl: DocxTemplate) -> None:
        styles = tpl.docx.styles
        self.table = styles[TABLE_STYLE].style_id
        self.cells = {kind: styles[name].style_id for kind, name in CELL_STYLES.items()}
        self.unfilled = styles[UNFILLED_STYLE].style_id
        text = styles[CELL_STYLES[Kind.NUMBER]]
        char = _font_size(text)
        self.margins = _cell_margins(styles[TABLE_STYLE])
        section = tpl.docx.sections[-1]
        self.width = section.page_width - section.left_margin - section.right_margin
        self.measures = Measures(
            width=self.width,
            char=char,
            line=_line_height(text, char),
            padding=Pt((self.margins["left"] + self.margins["right"]) / 20),
            padding_vertical=Pt((self.margins["top"] + self.margins["bottom"]) / 20),
            page=section.page_height - section.top_margin - section.bottom_margin,
        )
        self.title_size = _font_size(styles[TITLE_STYLE])


class TableSubdoc(Subdoc):
    """A docxtpl sub-document holding one table, sharing the template's part and so its styles.

    ``tpl.new_subdoc()`` loads python-docx's default document (≈15 ms) only to keep its empty body;
    this starts from an empty body directly.
    """

    def __init__(self, tpl: DocxTemplate, table: CT_Tbl) -> None:
        self.tpl = tpl
        self.docx = tpl.docx
        self.subdocx = DocxDocument(parse_xml(f"<w:document {nsdecls('w')}><w:body/></w:document>"), tpl.docx.part)
        self.subdocx.element.body.append(table)


def _run(lines: list[str], run_style: str | None, size: str) -> str:
    """One run holding the lines, with line breaks between them; ``size`` a smaller font's <w:sz>."""
    marked = f'<w:rStyle w:val="{run_style}"/>' if run_style else ""
    properties = f"<w:rPr>{marked}{size}</w:rPr>" if marked or size else ""
    texts_ = "<w:br/>".join(f'<w:t xml:space="preserve">{_xml_text(line)}</w:t>' for line in lines)
    return f"<w:r>{properties}{texts_}</w:r>"


def _paragraph(
    style: str,
    keep: bool,
    table: TablePlan,
    lines: list[str] | None = None,
    run_style: str | None = None,
    *,
    centred: bool = False,
) -> str:
    keep_next = "<w:keepNext/>" if keep else ""
    align = '<w:jc w:val="center"/>' if centred else ""
    spacing, size = "", ""
    if table.scale < 1:  # the table's smaller font, set on the text itself: the styles stay as they are
        m = table.measures
        spacing = f'<w:spacing w:line="{Length(m.line).twips}" w:lineRule="exact"/>'
        size = f'<w:sz w:val="{round(m.char / 6350)}"/><w:szCs w:val="{round(m.char / 6350)}"/>'
    run = _run(lines, run_style, size) if lines is not None else ""
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{keep_next}{spacing}{align}</w:pPr>{run}</w:p>'


def _tc(cell: GridCell, table: TablePlan, styles: _Styles, *, continued: bool, keep: bool) -> str:
    """One <w:tc>: the cell itself, or the part of a vertically merged cell in a row below its start.

    ``keep`` keeps the row with the next, as Word and LibreOffice keep table rows together."""
    width = Length(sum(table.widths[cell.col : cell.col + cell.colspan])).twips
    span = f'<w:gridSpan w:val="{cell.colspan}"/>' if cell.colspan > 1 else ""
    merge = ("<w:vMerge/>" if continued else '<w:vMerge w:val="restart"/>') if cell.rowspan > 1 else ""
    vertical = (cell.row, cell.col) in table.vertical
    direction = f'<w:textDirection w:val="{VERTICAL}"/>' if vertical else ""
    style = styles.cells[cell.kind]
    if continued:
        content = _paragraph(style, keep, table)  # styled all the same, so its empty line is as short as the text's
    else:
        lines = table.lines.get((cell.row, cell.col), [cell.text])
        # A vertical label is centred along its column, as a horizontal one is centred across its row.
        content = _paragraph(style, keep, table, lines, styles.unfilled if cell.unfilled else None, centred=vertical)
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span}{merge}{direction}<w:vAlign w:val="center"/>'
        f"</w:tcPr>{content}</w:tc>"
    )


def _header_rows(grid: Grid) -> int:
    """How many rows at the top hold only column headers: they repeat when a table runs onto a new page."""
    body = [c.row for c in grid.cells if c.kind not in (Kind.HEADER, Kind.CORNER)]
    return min(body, default=0)


def row_keeps(grid: Grid, table: TablePlan, m: Measures) -> set[int]:
    """The rows that keep with the row below: where a table must not break across pages.

    A table may break between rows, so that a long one (table 三) fills the page it starts on rather
    than leave it half empty, but not where the break would read badly: after its column headers or
    first row, inside a label merged down a few rows, before its last row, between a caption and its
    rows (table 二 breaks only before a caption), nor within the first rows of a vertical label, which
    is printed where it starts. A small table is never broken.
    """
    last = grid.height - 1
    if grid.height <= SMALL_TABLE:
        return set(range(last))
    keeps = set(range(_header_rows(grid) + 1)) | {last - 1}
    captions = {c.row for c in grid.cells if c.kind is Kind.CAPTION}
    if captions:
        keeps |= {r for r in range(last) if r + 1 not in captions}
    for cell in grid.cells:
        if (cell.row, cell.col) in table.vertical:
            needed = math.ceil((text_width(cell.text) * m.char + m.padding_vertical) / m.line)
        elif cell.rowspan <= KEEP_ROWS:
            needed = cell.rowspan
        else:
            needed = len(table.lines.get((cell.row, cell.col), ()))
        keeps |= set(range(cell.row, cell.row + min(needed, cell.rowspan) - 1))
    return {r for r in keeps if 0 <= r < last}


def table_xml(grid: Grid, styles: _Styles) -> str:
    """The grid as a <w:tbl> of grid.width × grid.height positions, merged cells spanning them.

    A cell spanning columns is one <w:tc> with w:gridSpan; one spanning rows starts with
    w:vMerge="restart" and continues in each row below. Written as XML in one pass: python-docx's
    cell.merge() searches the table on every step and takes ~100 ms for table 三.
    """
    table = plan(grid, styles.measures)
    keeps = row_keeps(grid, table, table.measures)
    starts = {(c.row, c.col): c for c in grid.cells}
    below = {(c.row + r, c.col): c for c in grid.cells for r in range(1, c.rowspan)}
    header_rows = _header_rows(grid)
    rows = []
    for r in range(grid.height):
        tcs = []
        col = 0
        while col < grid.width:
            cell = starts.get((r, col)) or below[(r, col)]
            tcs.append(_tc(cell, table, styles, continued=cell.row != r, keep=r in keeps))
            col += cell.colspan
        header = "<w:tblHeader/>" if r < header_rows else ""
        rows.append(f"<w:tr><w:trPr><w:cantSplit/>{header}</w:trPr>{''.join(tcs)}</w:tr>")
    columns = "".join(f'<w:gridCol w:w="{Length(w).twips}"/>' for w in table.widths)
    margins = "".join(f'<w:{side} w:w="{twips}" w:type="dxa"/>' for side, twips in styles.margins.items())
    return (
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        f'<w:tblStyle w:val="{styles.table}"/><w:tblW w:w="{Length(styles.width).twips}" w:type="dxa"/>'
        f'<w:tblLayout w:type="fixed"/><w:tblCellMar>{margins}</w:tblCellMar>'
        f"</w:tblPr><w:tblGrid>{columns}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def table_subdoc(tpl: DocxTemplate, grid: Grid, styles: _Styles) -> TableSubdoc:
    return TableSubdoc(tpl, parse_xml(table_xml(grid, styles)))


def title_lines(title: str, agency: str, room: float) -> list[str]:
    """The title's lines: one if it fits ``room`` characters, else broken after the agency's name
    (某某县人民政府 / 2025年政府信息公开工作年度报告), so no word is split at the line's end."""
    rest = title.removeprefix(agency)
    if text_width(title) <= room or not agency or rest == title or not rest:
        return [title]
    return [agency, rest]


def _context(tpl: DocxTemplate, doc: document.Document) -> dict[str, object]:
    styles = _Styles(tpl)
    sections = [
        {
            "heading": _xml_text(section.heading) if section.heading else None,
            "parts": [
                {
                    "heading": _xml_text(part.heading) if part.heading else None,
                    "paragraphs": [_xml_text(p) for p in part.paragraphs],
                    "unfilled": part.unfilled,
                    "table": table_subdoc(tpl, part.grid, styles) if part.grid else None,
                }
                for part in section.parts
            ],
        }
        for section in doc.sections
    ]
    lines = title_lines(doc.title, doc.agency, styles.width / styles.title_size)
    return {
        "title": Markup('</w:t><w:br/><w:t xml:space="preserve">').join(_xml_text(line) for line in lines),
        "sections": sections,
        "agency": _xml_text(doc.agency),
        "date": _xml_text(doc.date or texts.UNFILLED_DATE),
        "date_unfilled": not doc.date,
    }


def _keep_with_signature(tpl: DocxTemplate) -> None:
    """The paragraph before the signature keeps with it: a report never ends on a page holding only
    its signature and date. (The rendered body is plain lxml, so this works on elements.)"""
    signature = tpl.docx.styles[SIGNATURE_STYLE].style_id
    for paragraph in tpl.docx.element.body.iterchildren(qn("w:p")):
        style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is None or style.get(qn("w:val")) != signature:
            continue
        previous = paragraph.getprevious()
        properties = previous.find(qn("w:pPr")) if previous is not None and previous.tag == qn("w:p") else None
        if properties is not None and properties.find(qn("w:keepNext")) is None:
            first = properties.find(qn("w:pStyle"))
            properties.insert(0 if first is None else 1, etree.Element(qn("w:keepNext")))
        return


def render_docx(report: Report) -> bytes:
    tpl = _template()
    tpl.render(_context(tpl, document.build(_sanitised(report))), jinja_env=_JINJA, autoescape=True)
    _keep_with_signature(tpl)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()
