"""The report as a Word document (.docx) in the official layout, filled into templates/report.docx.

The template (built by scripts/build_docx_template.py, restylable by an office) holds the page, the
styles and the Jinja placeholders; this module supplies the text of the document outline and draws
each table from its layout grid as a docxtpl sub-document. The sub-document shares the template's
document part, as one from ``new_subdoc()`` does, and its cells name the template's table and
paragraph styles: restyling the template restyles the tables. Widths are fitted to the template's
text width and table font size. All text is escaped, and characters XML cannot hold are dropped.
"""

from __future__ import annotations

import dataclasses
import io
import math
import re
from functools import cache

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
from bot.render.layout import Grid, GridCell, Kind
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

# Characters XML 1.0 cannot hold; python-docx and Word reject them, so they are dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

MIN_COLUMN_CHARS = 2  # no column narrower than two characters
HEADER_LINES = 3  # a column header may wrap onto three lines (社会/公益/组织), as in the official format
LABEL_LINES = 3  # a label merged down several rows may wrap onto three
MIN_LABEL_CHARS = 6  # a row label column gives way to wide numbers, but not below six characters a line
SLACK_CHARS = 0.3  # layout engines round glyph advances: a column exactly n characters wide may fit n − 1


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


def _template() -> DocxTemplate:
    path = template_path(TEMPLATE)
    tpl = DocxTemplate(io.BytesIO(_template_bytes(str(path), path.stat().st_mtime_ns)))
    tpl.init_docx()
    return tpl


def _sanitised(report: Report) -> Report:
    values = {key: clean(value) if isinstance(value, str) else value for key, value in report.values.items()}
    return dataclasses.replace(report, agency=clean(report.agency), values=values)


def _cell_padding(style: BaseStyle) -> int:
    """Left plus right cell margin of the table style, in EMU."""
    margins = style.element.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}")
    if margins is None:
        return 0
    twips = sum(int(side.get(qn("w:w"), 0)) for side in margins if side.tag in (qn("w:left"), qn("w:right")))
    return Pt(twips / 20)


def _font_size(style: BaseStyle) -> Length:
    """The style's font size, or the one it inherits (Word's default is 10 pt)."""
    while style is not None:
        if style.font.size:
            return style.font.size
        style = style.base_style
    return Pt(10)


def _chars(text: str) -> float:
    """Printed width in full-width characters: Latin letters and digits take a little over half of one."""
    return sum(1 if ord(ch) > 0x2E7F else 0.6 for ch in text)


def _needs(grid: Grid) -> tuple[list[float], list[float]]:
    """Per column, the characters it wants on one line and the fewest it can do with, judged from the
    cells that sit in it alone: numbers and column headers keep their width, long row labels wrap."""
    wants = [float(MIN_COLUMN_CHARS)] * grid.width
    floors = list(wants)
    for cell in grid.cells:
        if cell.colspan != 1:
            continue
        if cell.kind is Kind.HEADER:
            want = math.ceil(_chars(cell.text) / HEADER_LINES)
        elif cell.kind in (Kind.LABEL, Kind.CORNER):
            want = math.ceil(_chars(cell.text) / min(cell.rowspan, LABEL_LINES))
        else:
            want = _chars(cell.text)
        wants[cell.col] = max(wants[cell.col], want)
        floor = want if cell.kind in (Kind.HEADER, Kind.NUMBER) else min(want, MIN_LABEL_CHARS)
        floors[cell.col] = max(floors[cell.col], floor)
    return wants, floors


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


def column_widths(grid: Grid, total: int, char: int, padding: int) -> list[int]:
    """Column widths (EMU) that fill ``total`` exactly.

    When every column fits, the spare width is shared out equally (tables 二 and 四). When not, the
    columns wanting most give way first, down to their floors: table 三's long row labels wrap onto
    more lines while its number columns keep their width. Only when even the floors do not fit
    (huge numbers in table 四) does every column shrink in proportion.
    """
    wants, floors = ([(n + SLACK_CHARS) * char + padding for n in ns] for ns in _needs(grid))
    if sum(wants) <= total:
        spare = (total - sum(wants)) / len(wants)
        widths = [w + spare for w in wants]
    elif sum(floors) >= total:
        widths = [f * total / sum(floors) for f in floors]
    else:
        cap = _cap(wants, floors, total)
        widths = [max(f, min(w, cap)) for w, f in zip(wants, floors, strict=True)]
    rounded = [int(w) for w in widths]
    rounded[-1] += total - sum(rounded)
    return rounded


class _Styles:
    """The template's style ids and the measures the column widths depend on, read once per render."""

    def __init__(self, tpl: DocxTemplate) -> None:
        styles = tpl.docx.styles
        self.table = styles[TABLE_STYLE].style_id
        self.cells = {kind: styles[name].style_id for kind, name in CELL_STYLES.items()}
        self.unfilled = styles[UNFILLED_STYLE].style_id
        self.char = _font_size(styles[CELL_STYLES[Kind.NUMBER]])
        self.padding = _cell_padding(styles[TABLE_STYLE])
        section = tpl.docx.sections[-1]
        self.width = section.page_width - section.left_margin - section.right_margin


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


def _paragraph(style: str, keep: bool, text: str | None = None, run_style: str | None = None) -> str:
    run = ""
    if text is not None:
        marked = f'<w:rPr><w:rStyle w:val="{run_style}"/></w:rPr>' if run_style else ""
        run = f'<w:r>{marked}<w:t xml:space="preserve">{_xml_text(text)}</w:t></w:r>'
    keep_next = "<w:keepNext/>" if keep else ""
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{keep_next}</w:pPr>{run}</w:p>'


def _tc(cell: GridCell, widths: list[int], styles: _Styles, *, continued: bool, keep: bool) -> str:
    """One <w:tc>: the cell itself, or the part of a vertically merged cell in a row below its start.

    ``keep`` keeps the row with the next, as Word and LibreOffice keep a table on one page."""
    width = Length(sum(widths[cell.col : cell.col + cell.colspan])).twips
    span = f'<w:gridSpan w:val="{cell.colspan}"/>' if cell.colspan > 1 else ""
    merge = ("<w:vMerge/>" if continued else '<w:vMerge w:val="restart"/>') if cell.rowspan > 1 else ""
    style = styles.cells[cell.kind]
    if continued:
        content = _paragraph(style, keep)  # styled all the same, so its empty line is as short as the text's
    else:
        content = _paragraph(style, keep, cell.text, styles.unfilled if cell.unfilled else None)
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span}{merge}<w:vAlign w:val="center"/></w:tcPr>'
        f"{content}</w:tc>"
    )


def _header_rows(grid: Grid) -> int:
    """How many rows at the top hold only column headers: they repeat when a table runs onto a new page."""
    body = [c.row for c in grid.cells if c.kind not in (Kind.HEADER, Kind.CORNER)]
    return min(body, default=0)


def table_xml(grid: Grid, styles: _Styles) -> str:
    """The grid as a <w:tbl> of grid.width × grid.height positions, merged cells spanning them.

    A cell spanning columns is one <w:tc> with w:gridSpan; one spanning rows starts with
    w:vMerge="restart" and continues in each row below. Written as XML in one pass: python-docx's
    cell.merge() searches the table on every step and takes ~100 ms for table 三.
    """
    widths = column_widths(grid, styles.width, styles.char, styles.padding)
    starts = {(c.row, c.col): c for c in grid.cells}
    below = {(c.row + r, c.col): c for c in grid.cells for r in range(1, c.rowspan)}
    header_rows = _header_rows(grid)
    rows = []
    for r in range(grid.height):
        tcs = []
        col = 0
        while col < grid.width:
            cell = starts.get((r, col)) or below[(r, col)]
            tcs.append(_tc(cell, widths, styles, continued=cell.row != r, keep=r < grid.height - 1))
            col += cell.colspan
        header = "<w:tblHeader/>" if r < header_rows else ""
        rows.append(f"<w:tr><w:trPr><w:cantSplit/>{header}</w:trPr>{''.join(tcs)}</w:tr>")
    columns = "".join(f'<w:gridCol w:w="{Length(w).twips}"/>' for w in widths)
    return (
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        f'<w:tblStyle w:val="{styles.table}"/><w:tblW w:w="{Length(styles.width).twips}" w:type="dxa"/>'
        '<w:tblLayout w:type="fixed"/>'
        f"</w:tblPr><w:tblGrid>{columns}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def table_subdoc(tpl: DocxTemplate, grid: Grid, styles: _Styles) -> TableSubdoc:
    return TableSubdoc(tpl, parse_xml(table_xml(grid, styles)))


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
    return {
        "title": _xml_text(doc.title),
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
    tpl.render(_context(tpl, document.build(_sanitised(report))), autoescape=True)
    _keep_with_signature(tpl)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()
