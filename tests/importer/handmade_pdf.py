"""PDFs as agencies publish them, made by LibreOffice from Word documents built here by hand.

``published_pdf`` lays a report out unlike nianbao does: a running header and "第 N 页 共 M 页" footer on
every page, narrow label columns so labels wrap over several lines, half-width brackets, table 二 as
four small tables under their captions, table 三 in a large font so that it runs over two pages with
its header rows repeated, and table 四 turned into three rows of five; its tables may also be drawn
without any lines, as some agencies print them. ``borderless_pdf`` is nianbao's own layout with its
tables' lines taken away and every cell's text set in the middle of its height (labels wrapped over
lines centred on their row's numbers, cells touching), table 四 as the format prints it. ``tabbed_pdf`` turns
lines of text with tab-separated cells (as the tests write reports) into ruled tables.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import tempfile
from pathlib import Path

import docx
from docx.document import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from bot.render import pdf
from bot.render.docx import render_docx
from bot.report.model import Report
from bot.schema import CURRENT
from tests.importer.handmade import T2, table_three

NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
HEADER = "某某市数据局（市政务服务管理局）　　　　　　　　政务公开专栏"


def to_pdf(document: Document, password: str | None = None) -> bytes:
    """The document converted to PDF by LibreOffice, as bot.render.pdf converts a report; locked with
    ``password`` when one is given."""
    program = pdf.soffice()
    assert program is not None
    with tempfile.TemporaryDirectory(prefix="nianbao-test-pdf-") as work, pdf._profile() as profile:
        source = Path(work) / "report.docx"
        document.save(str(source))
        if password is None:
            pdf._convert(program, source, Path(work), profile)
        else:
            options = {
                "EncryptFile": {"type": "boolean", "value": "true"},
                "DocumentOpenPassword": {"type": "string", "value": password},
            }
            target = f"pdf:writer_pdf_Export:{json.dumps(options)}"
            command = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", target]
            subprocess.run([*command, "--outdir", work, str(source)], capture_output=True, check=True, timeout=120)
        return source.with_suffix(".pdf").read_bytes()


def text_pdf(lines: list[str], password: str | None = None) -> bytes:
    """A PDF of a few lines of text."""
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    return to_pdf(document, password)


def _field(paragraph: DocxParagraph, instruction: str) -> None:
    paragraph._p.append(
        parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" {instruction} "><w:r><w:t>1</w:t></w:r></w:fldSimple>')
    )


def _furniture(document: Document) -> None:
    """A running header, and a footer 第 N 页 共 M 页, on every page."""
    section = document.sections[0]
    section.header.paragraphs[0].text = HEADER
    footer = section.footer.paragraphs[0]
    footer.alignment = 1
    footer.add_run("第 ")
    _field(footer, "PAGE")
    footer.add_run(" 页 共 ")
    _field(footer, "NUMPAGES")
    footer.add_run(" 页")


def _widths(table: DocxTable, widths: list[float]) -> None:
    """Fixed column widths in cm, in the grid and in every cell (Word and LibreOffice read either)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _font(table: DocxTable, size: float) -> None:
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(size)


def _repeat_header(table: DocxTable, rows: int) -> None:
    """The first rows repeat at the top of every page the table runs onto; no row breaks across pages."""
    for n, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        properties.append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
        if n < rows:
            properties.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))


def _lines(table: DocxTable, ruled: bool) -> None:
    """Ruled with a line around every cell, or drawn without any line (the default style)."""
    if ruled:
        table.style = "Table Grid"


def _table_two(document: Document, report: Report, ruled: bool) -> None:
    for table_id, caption, header, labels in T2:
        document.add_paragraph(caption.replace("（", "(").replace("）", ")"))
        schema = CURRENT.table(table_id)
        table = document.add_table(rows=1 + len(labels), cols=len(header))
        _lines(table, ruled)
        for c, text in enumerate(header):
            table.cell(0, c).text = text
        for r, (label, row) in enumerate(zip(labels, schema.rows, strict=True), start=1):
            table.cell(r, 0).text = label
            for c, value in enumerate(report.cells(schema, row), start=1):
                table.cell(r, c).text = str(value)
        first = 2.2  # narrow: 行政规范性文件 and 本年收费金额(单位:万元) wrap
        _widths(table, [first] + [(14.0 - first) / (len(header) - 1)] * (len(header) - 1))


def _table_three(document: Document, report: Report, ruled: bool) -> None:
    table = table_three(document, report)
    _lines(table, ruled)
    _widths(table, [1.0, 1.7, 3.2] + [1.5] * 7)
    _font(table, 12)
    _repeat_header(table, 3)


def _table_four(document: Document, report: Report, ruled: bool) -> None:
    """Three rows of five, each review or lawsuit on a row of its own."""
    t4 = CURRENT.table("T4")
    table = document.add_table(rows=4, cols=7)
    _lines(table, ruled)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "类别"
    for c, column in enumerate(t4.columns, start=2):
        table.cell(0, c).text = column.label
    table.cell(1, 0).merge(table.cell(1, 1)).text = "行政复议"
    table.cell(2, 0).merge(table.cell(3, 0)).text = "行政诉讼"
    table.cell(2, 1).text = "未经复议直接起诉"
    table.cell(3, 1).text = "复议后起诉"
    for r, row in enumerate(t4.rows, start=1):
        for c, value in enumerate(report.cells(t4, row), start=2):
            table.cell(r, c).text = str(value)
    _widths(table, [1.5, 2.5] + [2.0] * 5)


def published_pdf(report: Report, ruled: bool = True) -> bytes:
    """The report as an agency might publish it: a Word document of its own layout, as PDF; its tables
    ruled, or (``ruled=False``) drawn without lines, their columns only lined up."""
    document = docx.Document()
    _furniture(document)
    style = document.styles["Normal"]
    style.font.size = Pt(14)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "SimSun")
    title = document.add_paragraph(f"{report.agency}{report.year}年政府信息公开工作年度报告")
    title.alignment = 1
    title.runs[0].font.size = Pt(20)
    title.runs[0].bold = True
    document.add_paragraph("\u3000\u3000" + (report.text("text.preamble") or ""))
    for section in CURRENT.sections[1:]:
        heading = document.add_paragraph(section.heading or "")
        heading.runs[0].bold = True
        for prose in section.prose:
            if prose.heading:
                document.add_paragraph(prose.heading.replace("（", "(").replace("）", ")"))
            for paragraph in (report.text(prose.key) or "").split("\n\n"):
                document.add_paragraph("\u3000\u3000" + paragraph)
        if section.number == "二":
            _table_two(document, report, ruled)
        elif section.number == "三":
            _table_three(document, report, ruled)
        elif section.number == "四":
            _table_four(document, report, ruled)
    signature = document.add_paragraph(report.agency)
    signature.alignment = 2
    date = document.add_paragraph(f"{report.date.year}年{report.date.month}月{report.date.day}日")
    date.alignment = 2
    return to_pdf(document)


def _tabbed_table(document: Document, rows: list[list[str]]) -> None:
    """Lines of tab-separated cells as a ruled table: labels from the left, numbers lined up at the right."""
    width = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        numbers = len(row) - next((i for i in range(len(row), 0, -1) if not NUMBER.fullmatch(row[i - 1])), 0)
        labels = row[: len(row) - numbers]
        for c, text in enumerate(labels):
            table.cell(r, c).text = text
        for c, text in enumerate(row[len(labels) :], start=width - numbers):
            table.cell(r, c).text = text
        if numbers and labels and len(labels) < width - numbers:
            table.cell(r, len(labels) - 1).merge(table.cell(r, width - numbers - 1))
    _widths(table, [3.0] + [13.5 / (width - 1)] * (width - 1) if width > 1 else [16.5])
    _font(table, 8 if width > 10 else 10)


def tabbed_pdf(text: str) -> bytes:
    """Lines of text as paragraphs, and each run of lines holding tabs as a ruled table."""
    document = docx.Document()
    _furniture(document)
    pending: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if "\t" in line:
            pending.append(line.split("\t"))
            continue
        if pending:
            _tabbed_table(document, pending)
            pending = []
        if line.strip():
            document.add_paragraph(line)
    return to_pdf(document)


def borderless_pdf(report: Report) -> bytes:
    """The report as nianbao lays it out, its tables without any line and each cell's text vertically
    centred in it, as PDF."""
    document = docx.Document(io.BytesIO(render_docx(report)))
    sides = "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    for table in document.tables:
        properties = table._tbl.tblPr
        for old in properties.findall(qn("w:tblBorders")):
            properties.remove(old)
        properties.append(parse_xml(f"<w:tblBorders {nsdecls('w')}>{sides}</w:tblBorders>"))
        for cell in table._tbl.iter(qn("w:tc")):
            cell_properties = cell.get_or_add_tcPr()
            for old in cell_properties.findall(qn("w:tcBorders")) + cell_properties.findall(qn("w:vAlign")):
                cell_properties.remove(old)
            cell_properties.append(parse_xml(f'<w:vAlign {nsdecls("w")} w:val="center"/>'))
    return to_pdf(document)
