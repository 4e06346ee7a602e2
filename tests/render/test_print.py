"""The printed report reads well: no label or title broken inside a word, headings kept with their
tables, no forced page breaks, room around and inside the tables, heading levels distinct.

Checked on the .docx (what Word and LibreOffice are told) and on the PDF LibreOffice makes of the
non-zero county report (what a reader sees).
"""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import NamedTuple

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.table import Table

from bot.render import pdf
from bot.render.docx import TABLE_SPACING_STYLE, TITLE_STYLE, render_docx
from bot.report import datafile
from bot.report.model import Report, with_totals
from tests.conftest import DATA

COUNTY_JSON = DATA / "county-2025-government.json"
COUNTY_PAGES = 5  # what the county report needs: four pages of text and tables run onto a fifth

# A label may break after a closing mark or before an opening one; a run between them of at most
# eight characters is a word no line may split (不予公开, 本年度办理结果), except that a column
# heading of even length may break between its character pairs (商业/企业, 社会/公益/组织), as in the
# official tables. This is the rule the layout promises, written out here apart from bot.render.layout.
BREAK = re.compile(r"(?<=[、，,。；：）)”])|(?=[（(“])")
LONGEST_WORD = 8
TABLE_3_WORDS = ("不予公开", "本年度办理结果", "自然人", "无法提供", "不予处理", "其他处理", "予以公开")

needs_soffice = pytest.mark.skipif(pdf.soffice() is None, reason="LibreOffice not installed")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def chars(text: str) -> float:
    """Printed width in full-width characters (Latin letters and digits a little over half of one)."""
    return sum(1 if ord(ch) > 0x2E7F or ch in "“”" else 0.6 for ch in text)


def words(label: str, *, heading: bool = False) -> list[str]:
    found = []
    for run in BREAK.split(label):
        if not run or chars(run) > LONGEST_WORD:
            continue
        if heading and len(run) >= 4 and len(run) % 2 == 0 and chars(run) == len(run):
            found += [run[i : i + 2] for i in range(0, len(run), 2)]
        else:
            found.append(run)
    return found


@pytest.fixture(scope="module")
def county() -> Report:
    return with_totals(datafile.load(COUNTY_JSON))


@pytest.fixture(scope="module")
def county_docx(county: Report) -> DocxDocument:
    return docx.Document(io.BytesIO(render_docx(county)))


def body_elements(doc: DocxDocument) -> list:
    return [child for child in doc.element.body if child.tag in (qn("w:p"), qn("w:tbl"))]


def style_of(doc: DocxDocument, paragraph) -> str:
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    style_id = style.get(qn("w:val")) if style is not None else None
    return doc.styles.get_by_id(style_id, WD_STYLE_TYPE.PARAGRAPH).name


def keeps_with_next(doc: DocxDocument, paragraph) -> bool:
    """The paragraph's keep-with-next, set on itself or by its style."""
    direct = paragraph.find(f"{qn('w:pPr')}/{qn('w:keepNext')}")
    if direct is not None:
        return direct.get(qn("w:val"), "1") not in ("0", "false")
    return bool(doc.styles[style_of(doc, paragraph)].paragraph_format.keep_with_next)


def row_keeps(doc: DocxDocument, table: Table) -> list[bool]:
    """Per row: whether it keeps with the row below (a paragraph of its first cell keeps with next)."""
    return [keeps_with_next(doc, row._tr.tc_lst[0].p_lst[0]) for row in table.rows]


def margins(table: Table) -> dict[str, int]:
    found = table._tbl.tblPr.find(qn("w:tblCellMar"))
    assert found is not None, "cell margins on the table itself: LibreOffice ignores a table style's"
    return {side.tag.split("}")[1]: int(side.get(qn("w:w"))) for side in found}


class Cell(NamedTuple):
    text: str
    heading: bool  # a column heading, in the bold header style
    size: float  # of its font, pt: the style's, or a smaller one set on the text
    width_pt: float  # of its text: the cell less its margins
    vertical: bool
    rows: int


def raw_tc(tr, col: int):
    """The <w:tc> of a row that starts at grid column ``col``, if one does (python-docx's cell() gives
    the merged cell instead)."""
    at = 0
    for tc in tr.tc_lst:
        if at == col:
            return tc
        at += tc.grid_span
    return None


def cells(table: Table) -> list[Cell]:
    """Each cell once, at its top-left position."""
    grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.gridCol_lst]
    side = margins(table)
    found = []
    for tr_index, tr in enumerate(table._tbl.tr_lst):
        col = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            if tc.vMerge != "continue":
                rows = 1
                while tr_index + rows < len(table._tbl.tr_lst):
                    below = raw_tc(table._tbl.tr_lst[tr_index + rows], col)
                    if below is None or below.vMerge != "continue":
                        break
                    rows += 1
                vertical = tc.tcPr.find(qn("w:textDirection")) is not None
                cell = table.cell(tr_index, col)
                heading = cell.paragraphs[0].style.name == "Report Table Header"
                width = (sum(grid[col : col + span]) - side["left"] - side["right"]) / 20
                run = cell.paragraphs[0].runs[0] if cell.paragraphs[0].runs else None
                size = run.font.size if run is not None and run.font.size else cell.paragraphs[0].style.font.size
                found.append(Cell(cell.text, heading, size.pt, width, vertical, rows))
            col += span
    return found


def test_no_heading_forces_a_page_break(county: Report) -> None:
    package = zipfile.ZipFile(io.BytesIO(render_docx(county)))
    for part in ("word/document.xml", "word/styles.xml"):
        xml = package.read(part).decode()
        assert "w:pageBreakBefore" not in xml
        assert 'w:type="page"' not in xml


def test_each_heading_keeps_with_its_table_and_a_long_table_may_split(county_docx: DocxDocument) -> None:
    elements = body_elements(county_docx)
    tables = iter(county_docx.tables)
    for at, element in enumerate(elements):
        if element.tag != qn("w:tbl"):
            continue
        table = next(tables)
        above, heading = elements[at - 1], elements[at - 2]
        assert style_of(county_docx, above) == TABLE_SPACING_STYLE
        assert style_of(county_docx, heading) == "Report Heading 1"
        assert keeps_with_next(county_docx, heading) and keeps_with_next(county_docx, above)
        keeps = row_keeps(county_docx, table)
        header_rows = sum(1 for tr in table._tbl.tr_lst if tr.trPr.find(qn("w:tblHeader")) is not None)
        assert all(keeps[: min(header_rows + 1, len(keeps) - 1)])  # the column headers stay with the first row
        assert not keeps[-1]
    table_3 = county_docx.tables[1]
    keeps = row_keeps(county_docx, table_3)
    assert not all(keeps[:-1])  # it may break across pages rather than leave one half empty
    assert keeps[-2]  # but never leaves its last row alone
    buyao = next(r for r, row in enumerate(table_3.rows) if row.cells[1].text.replace("\n", "") == "（三）不予公开")
    assert all(keeps[buyao : buyao + 7])  # a block merged down eight rows stays on one page


def test_tables_have_space_above_and_below_and_cell_margins(county_docx: DocxDocument) -> None:
    elements = body_elements(county_docx)
    spacing = county_docx.styles[TABLE_SPACING_STYLE].paragraph_format.line_spacing
    assert spacing is not None and spacing.pt >= 6
    for at, element in enumerate(elements):
        if element.tag == qn("w:tbl"):
            assert style_of(county_docx, elements[at - 1]) == TABLE_SPACING_STYLE
            assert style_of(county_docx, elements[at + 1]) == TABLE_SPACING_STYLE
    for table in county_docx.tables:
        side = margins(table)
        assert side["left"] >= 57 and side["right"] >= 57  # 0.1 cm


def assert_no_word_or_number_breaks(doc: DocxDocument) -> None:
    style = doc.styles["Report Table Text"]
    for table in doc.tables:
        for cell in cells(table):
            line = style.paragraph_format.line_spacing.pt * cell.size / style.font.size.pt
            if not cell.text:
                continue
            if cell.text.replace(".", "").isdigit():
                assert chars(cell.text) * cell.size <= cell.width_pt + 0.01, cell.text
                continue
            label = cell.text.replace("\n", "")
            if cell.vertical:  # set upright: its rows are tall enough for its characters
                assert cell.rows * line >= chars(label) * cell.size, label
                continue
            lines = cell.text.split("\n")
            for printed in lines:
                assert chars(printed) * cell.size <= cell.width_pt + 0.01, (label, printed)
            for word in words(label, heading=cell.heading):
                assert any(word in printed for printed in lines), (label, lines)


def test_every_label_fits_its_column_without_breaking_a_word(county_docx: DocxDocument) -> None:
    assert_no_word_or_number_breaks(county_docx)
    assert {cell.size for table in county_docx.tables for cell in cells(table)} == {10.5}  # no smaller font
    table_3 = cells(county_docx.tables[1])
    assert set(TABLE_3_WORDS) <= {
        w for cell in table_3 for w in words(cell.text.replace("\n", ""), heading=cell.heading)
    }


def test_large_numbers_make_the_table_font_smaller_rather_than_break_words(county: Report) -> None:
    """Five-digit counts in every column of table 三 leave its labels too little room at 五号."""
    values = dict(county.values)
    for table in county.format.tables:
        for i, row in enumerate(table.input_rows):
            values[row.key] = tuple(None if column.sums else 12345 + i for column in table.columns)
    doc = docx.Document(io.BytesIO(render_docx(with_totals(dataclasses.replace(county, values=values)))))
    assert_no_word_or_number_breaks(doc)
    sizes = {cell.size for cell in cells(doc.tables[1])}
    assert len(sizes) == 1 and 7 <= sizes.pop() < 10.5
    assert doc.styles["Report Table Text"].font.size.pt == 10.5  # set on the text, the style as it was


def test_a_long_title_breaks_after_the_agency_and_a_short_one_stays_whole(county: Report, seed: Report) -> None:
    doc = docx.Document(io.BytesIO(render_docx(county)))
    title = doc.paragraphs[0]
    assert title.style.name == TITLE_STYLE
    assert title.text == "某某县人民政府\n2025年政府信息公开工作年度报告"
    short = docx.Document(io.BytesIO(render_docx(dataclasses.replace(seed, agency="某局"))))
    assert short.paragraphs[0].text == "某局2023年政府信息公开工作年度报告"


def test_heading_levels_differ_from_the_body_by_weight_as_well(county_docx: DocxDocument) -> None:
    styles = county_docx.styles
    assert styles["Report Heading 1"].font.bold
    assert styles["Report Heading 2"].font.bold
    assert not styles["Report Body"].font.bold


# The PDF.


class Word(NamedTuple):
    page: int
    x: float
    y: float
    text: str


@pytest.fixture(scope="module")
def county_pdf(county: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if pdf.soffice() is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice or poppler-utils not installed")
    out = tmp_path_factory.mktemp("county") / "county.pdf"
    pdf.render_pdf(county, out)
    return out


def pdf_words(path: Path) -> list[Word]:
    """Each line of text pdftotext finds (a CJK line without spaces is one word), with its position."""
    xml = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True, text=True).stdout
    found = []
    for page, body in enumerate(xml.split("<page ")[1:], 1):
        for match in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', body):
            found.append(Word(page, float(match[1]), float(match[2]), match[3]))
    return found


def printed_lines(words_: list[Word]) -> list[str]:
    """Every horizontal line, and every vertical column of single characters read top to bottom."""
    lines = [w.text for w in words_]
    columns: dict[tuple[int, int], list[Word]] = {}
    for w in words_:
        if len(w.text) == 1:
            columns.setdefault((w.page, round(w.x)), []).append(w)
    for column in columns.values():
        column.sort(key=lambda w: w.y)
        lines.append("".join(w.text for w in column))
    return lines


@needs_soffice
@needs_poppler
def test_county_pdf_breaks_no_label_and_no_title_inside_a_word(county_pdf: Path) -> None:
    lines = printed_lines(pdf_words(county_pdf))
    for word in (*TABLE_3_WORDS, "某某县人民政府", "政府信息公开工作年度报告"):
        assert any(word in line for line in lines), word


@needs_soffice
@needs_poppler
def test_county_pdf_takes_no_more_pages_than_it_needs(county_pdf: Path) -> None:
    info = subprocess.run(["pdfinfo", str(county_pdf)], capture_output=True, check=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])
    assert pages <= COUNTY_PAGES
    words_ = pdf_words(county_pdf)
    headings = {w.text: w for w in words_ if re.fullmatch(r"[二三四]、\S+情况", w.text)}
    for heading in headings.values():  # each section heading above a table shares its page with the table
        below = [w for w in words_ if w.page == heading.page and w.y > heading.y]
        assert any(w.text in ("申请人情况", "行政复议", "第二十条第（一）项") for w in below), heading.text


@needs_soffice
@needs_poppler
@pytest.mark.skipif(
    "AR PL UKai" not in subprocess.run(["fc-list"], capture_output=True, text=True).stdout
    if shutil.which("fc-list")
    else True,
    reason="fonts-arphic-ukai not installed",
)
def test_level_2_headings_print_in_a_kai_face(county_pdf: Path) -> None:
    fonts = subprocess.run(["pdffonts", str(county_pdf)], capture_output=True, check=True, text=True).stdout
    assert "UKai" in fonts
