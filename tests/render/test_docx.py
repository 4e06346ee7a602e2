"""The Word document: every label and number in its cell, the outline in order, any text intact."""

from __future__ import annotations

import dataclasses
import io
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot import texts
from bot.render import document
from bot.render.docx import TABLE_SPACING_STYLE, TITLE_STYLE, UNFILLED_STYLE, render_docx
from bot.render.layout import Grid, Kind
from bot.report import datafile
from bot.report.model import Report, format_number, with_totals
from bot.schema import CURRENT
from tests.conftest import SEED_JSON, replace_values

TEMPLATE = Path(__file__).parents[2] / "templates" / "report.docx"


def read(report: Report) -> DocxDocument:
    return docx.Document(io.BytesIO(render_docx(report)))


def written(doc: DocxDocument) -> list[str]:
    """The text of every paragraph outside the tables, without the empty ones that space the tables
    apart; the title's line break (after the agency) joined up."""
    return [
        p.text.replace("\n", "") if p.style.name == TITLE_STYLE else p.text
        for p in doc.paragraphs
        if p.style.name != TABLE_SPACING_STYLE
    ]


def joined(text: str) -> str:
    """A cell's text with the line breaks the layout sets between a label's words taken out."""
    return text.replace("\n", "")


def grids(report: Report) -> list[Grid]:
    return [part.grid for section in document.build(report).sections for part in section.parts if part.grid]


def xml_text(text: str) -> str:
    """What a Word document can hold of a text: XML 1.0 has no control characters but tab and line ends."""
    return "".join(
        ch
        for ch in text
        if ch in "\t\n\r" or (ord(ch) >= 0x20 and ch not in "\ufffe\uffff" and not 0xD800 <= ord(ch) <= 0xDFFF)
    )


def outline(report: Report) -> list[str]:
    """Every paragraph outside the tables, in order, as the document outline lays them out."""
    doc = document.build(report)
    lines = [doc.title]
    for section in doc.sections:
        lines += [section.heading] if section.heading else []
        for part in section.parts:
            lines += [part.heading] if part.heading else []
            lines += part.paragraphs
    return [*lines, doc.agency, doc.date or texts.UNFILLED_DATE]


def nonzero(seed: Report) -> Report:
    """Every input cell a different number, so a number in the wrong cell cannot go unnoticed."""
    values = dict(seed.values)
    counter = iter(range(1, 10_000))
    for table in seed.format.tables:
        for row in table.input_rows:
            values[row.key] = tuple(None if column.sums else next(counter) for column in table.columns)
    values["proactive.fees_wan_yuan"] = (Decimal("5949.088667"),)
    return with_totals(dataclasses.replace(seed, values=values))


def assert_tables_match(report: Report, tables: list[Table]) -> None:
    expected = {
        table.cell_path(row, i): format_number(value)
        for table in report.format.tables
        for row in table.rows
        for i, value in enumerate(report.cells(table, row))
    }
    assert len(tables) == 3
    for grid, table in zip(grids(report), tables, strict=True):
        assert (len(table.rows), len(table.columns)) == (grid.height, grid.width)
        # python-docx gives a merged cell at every position it covers
        positions = [table.row_cells(r) for r in range(grid.height)]
        for cell in grid.cells:
            top_left = positions[cell.row][cell.col]
            assert joined(top_left.text) == cell.text
            if cell.kind is Kind.NUMBER:
                assert cell.text == expected[cell.place]
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    assert positions[r][c]._tc is top_left._tc


def table_texts(table: Table) -> set[str]:
    return {joined(cell.text) for row in table.rows for cell in row.cells}


def test_seed_tables_hold_every_label_and_number_in_its_cell(seed: Report) -> None:
    doc = read(seed)
    assert_tables_match(seed, doc.tables)
    for section, table in zip([s for s in seed.format.sections if s.tables], doc.tables, strict=True):
        printed = table_texts(table)
        for t in section.tables:
            labels = {t.corner, t.caption, *(r.label for r in t.rows), *(c.label for c in t.columns)}
            labels |= {g for r in t.rows for g in r.groups} | {g for c in t.columns for g in c.groups}
            assert labels - {"", None} <= printed
    t3 = doc.tables[1]
    assert joined(t3.cell(0, 0).text) == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert t3.cell(0, 3).text == "申请人情况"
    assert t3.cell(27, 0).text == "四、结转下年度继续办理"
    assert doc.tables[0].cell(6, 1).text == "3"  # 行政许可 本年处理决定数量


def test_seed_outline_title_headings_prose_and_signature(seed: Report) -> None:
    doc = read(seed)
    lines = written(doc)
    assert lines == outline(seed)
    assert lines[0] == "绥芬河市文体广电和旅游局2023年政府信息公开工作年度报告"
    headings = [p.text for p in doc.paragraphs if p.style.name == "Report Heading 1"]
    assert headings == [s.heading for s in seed.format.sections if s.heading]
    assert lines[-2:] == ["绥芬河市文体广电和旅游局", "2024年1月12日"]
    for prose in seed.format.prose:
        for paragraph in document.paragraphs(seed.text(prose.key) or ""):
            assert paragraph in lines


def test_nonzero_numbers_land_in_their_cells(seed: Report) -> None:
    report = nonzero(seed)
    doc = read(report)
    assert_tables_match(report, doc.tables)
    t2, t3, t4 = doc.tables
    assert t2.cell(13, 1).text == "5949.088667"
    assert [t3.cell(3, c).text for c in range(3, 10)] == ["11", "12", "13", "14", "15", "16", "81"]
    assert [t4.cell(3, c).text for c in range(5)] == ["155", "156", "157", "158", "626"]


def test_page_and_tables_fit_an_a4_page(seed: Report) -> None:
    doc = read(seed)
    section = doc.sections[0]
    page = (section.page_width, section.page_height, section.top_margin, section.bottom_margin)
    margins = (section.left_margin, section.right_margin)
    assert [round(length.cm, 2) for length in (*page, *margins)] == [21, 29.7, 3.7, 3.5, 2.8, 2.6]
    text_width = (section.page_width - section.left_margin - section.right_margin) / 635  # EMU → twips
    for table in doc.tables:
        widths = [int(col.get(docx.oxml.ns.qn("w:w"))) for col in table._tbl.tblGrid.gridCol_lst]
        assert abs(sum(widths) - text_width) <= len(widths)  # rounding of each column to whole twips
        assert min(widths) >= Cm(0.8) / 635
        assert table.style.name == "Report Table"


def test_styles_name_the_official_fonts(seed: Report) -> None:
    styles = read(seed).styles
    expected = {
        "Report Title": ("方正小标宋简体", 22),
        "Report Heading 1": ("黑体", 16),
        "Report Heading 2": ("楷体_GB2312", 16),
        "Report Body": ("仿宋_GB2312", 16),
        "Report Table Text": ("宋体", 10.5),
    }
    for name, (font, size) in expected.items():
        style = styles[name]
        assert style.element.rPr.rFonts.get(docx.oxml.ns.qn("w:eastAsia")) == font
        assert style.font.size == Pt(size)
    body = styles["Report Body"].paragraph_format
    assert body.first_line_indent == Pt(32)
    assert body.line_spacing == Pt(28)


def test_template_holds_no_label_of_the_report(seed: Report) -> None:
    template = zipfile.ZipFile(TEMPLATE).read("word/document.xml").decode()
    for label in ("申请人情况", "行政复议", "第二十条", "一、总体情况", "绥芬河"):
        assert label not in template
    assert "{{ title }}" in template


PROSE_KEYS = tuple(p.key for p in CURRENT.prose)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(), min_size=len(PROSE_KEYS), max_size=len(PROSE_KEYS)))
@example(
    ["<b>&amp;</b> \"'引号'\" 😀", "a\nb\r\nc\rd", "\x00\x01\x08\x0b\x0c\x1f", "{{ title }} {_{ }_} {%p x %}"] * 2
    + [""]
)
@example(["\t缩进\t中\t", "  \n\n  ", "", "\u2028\u0085\ufeff", "x" * 50, "]]><![CDATA[", "&#123;", "\\n", "a\x00b"])
def test_any_prose_comes_out_intact(prose: list[str]) -> None:
    seed = datafile.load(SEED_JSON)  # not the fixture: hypothesis runs the test many times per fixture
    report = dataclasses.replace(seed, values={**seed.values, **dict(zip(PROSE_KEYS, prose, strict=True))})
    writable = {key: xml_text(value) if isinstance(value, str) else value for key, value in report.values.items()}
    assert written(read(report)) == outline(dataclasses.replace(report, values=writable))


def test_a_5000_character_paragraph_is_kept_whole(seed: Report) -> None:
    long = ("政府信息公开<&>“引号”😀 " * 500)[:5000].strip()
    report = replace_values(seed, text__problems=long)
    assert long in written(read(report))


def test_a_draft_marks_what_is_missing(seed: Report) -> None:
    draft = replace_values(seed, applications__new=(None,) * 7, proactive__licensing=(None,))
    del draft.values["text.problems"]
    del draft.values["text.overview.proactive"]
    draft = dataclasses.replace(draft, date=None)
    doc = read(draft)
    unfilled = doc.styles[UNFILLED_STYLE]
    assert unfilled.font.color.rgb == RGBColor(0xC0, 0x00, 0x00)

    marked = [p.text for p in doc.paragraphs if any(r.style.name == UNFILLED_STYLE for r in p.runs)]
    assert marked == [
        texts.UNFILLED_TEXT.format(name="主动公开情况"),
        texts.UNFILLED_TEXT.format(name="存在的主要问题及改进情况"),
        texts.UNFILLED_DATE,
    ]
    marked_cells = [
        (t, r, c)
        for t, table in enumerate(doc.tables)
        for r, row in enumerate(table.rows)
        for c, cell in enumerate(row.cells)
        if any(run.style.name == UNFILLED_STYLE for p in cell.paragraphs for run in p.runs)
    ]
    assert marked_cells == [(0, 6, 1), (0, 6, 2), (0, 6, 3)] + [(1, 3, c) for c in range(3, 10)]
    assert all(doc.tables[1].cell(3, c).text == texts.UNFILLED_CELL for c in range(3, 10))


def test_an_office_template_restyles_the_document(seed: Report, tmp_path: Path, monkeypatch) -> None:
    template = docx.Document(str(TEMPLATE))
    template.styles["Report Body"].font.size = Pt(14)
    template.styles["Report Table Text"].font.size = Pt(9)
    template.save(str(tmp_path / "report.docx"))
    shutil.copy(TEMPLATE.parent / "fonts.conf", tmp_path / "fonts.conf")
    monkeypatch.setenv("NIANBAO_TEMPLATES_DIR", str(tmp_path))
    doc = read(seed)
    assert doc.styles["Report Body"].font.size == Pt(14)
    assert doc.tables[1].cell(3, 3).paragraphs[0].style.name == "Report Table Text"
    assert doc.styles["Report Table Text"].font.size == Pt(9)
    assert_tables_match(seed, doc.tables)


@pytest.mark.parametrize("agency", ["A&B<局>", "局\"'"])
def test_agency_name_is_escaped_in_title_and_signature(seed: Report, agency: str) -> None:
    lines = written(read(dataclasses.replace(seed, agency=agency)))
    assert lines[0] == f"{agency}2023年政府信息公开工作年度报告"
    assert lines[-2] == agency
