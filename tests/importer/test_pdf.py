"""A text PDF imports as its Word original does: nianbao's own PDF, an agency's PDF of another layout
(tables split over pages, page headers and numbers), one with tables drawn without lines, and one in
the 2019 trial format. A scan, a damaged, a locked or an oversized PDF is refused saying why."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from bot import texts
from bot.chat.uploads import read_upload
from bot.importer import Imported, ImportFailed, import_report
from bot.importer.blocks import Grid, Paragraph
from bot.importer.labels import letters
from bot.importer.pdf import MAX_PAGES, _is_page_number, read_pdf
from bot.render import pdf
from bot.report import datafile
from bot.report.model import Report
from bot.schema import CURRENT, FORMAT_2019
from bot.schema.format2019 import MISSING_IN_2019
from tests.conftest import DATA
from tests.importer.handmade import numbered
from tests.importer.handmade_pdf import HEADER, borderless_pdf, published_pdf, tabbed_pdf, text_pdf
from tests.importer.test_cli_and_json import nianbao_import
from tests.importer.test_format2019 import REPORT_2019, T3_VALUES

needs_soffice = pytest.mark.skipif(pdf.soffice() is None, reason="LibreOffice not installed")
needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
COUNTY = DATA / "county-2025-government.json"


def _refused(filename: str, data: bytes) -> str:
    with pytest.raises(ImportFailed) as refused:
        import_report(filename, data)
    return str(refused.value)


def _unreadable(reason: str) -> str:
    return texts.UPLOAD_UNREADABLE.format(reason=reason)


def _numbers(report: Report) -> dict[tuple[str, int], object]:
    """Every cell of tables 二, 三 and 四, by row and column."""
    return {
        (row.key, i): cell
        for table in CURRENT.tables
        for row in table.rows
        for i, cell in enumerate(report.row(row.key) or (None,) * len(table.columns))
    }


def _compare(expected: Report, imported: Imported) -> tuple[int, list[str], list[str]]:
    """How many cells were read right, which were read wrong, and which were not read."""
    want, got = _numbers(expected), _numbers(imported.report)
    right = sum(1 for place, value in want.items() if got[place] == value)
    wrong = [f"{place}: {want[place]!r} ≠ {got[place]!r}" for place in want if got[place] not in (None, want[place])]
    missing = [str(place) for place, value in got.items() if value is None]
    return right, wrong, missing


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, bytes]:
    """tests/data's county report (every table non-zero) as nianbao renders it to PDF."""
    report = datafile.load(COUNTY)
    out = tmp_path_factory.mktemp("county") / "county.pdf"
    pdf.render_pdf(report, out)
    return report, out.read_bytes()


@pytest.fixture(scope="module")
def handmade() -> tuple[Report, bytes]:
    """A report with a different number in every cell, in an agency's own layout, as PDF."""
    report = numbered(datafile.load(COUNTY))
    report = dataclasses.replace(report, agency="某某市数据局（市政务服务管理局）", year=2024, date=date(2025, 1, 20))
    return report, published_pdf(report)


@needs_soffice
def test_nianbao_s_own_pdf_reads_back_cell_for_cell(county: tuple[Report, bytes]) -> None:
    report, data = county
    imported = import_report("某某县2025年报.pdf", data)
    assert imported.warnings == []
    said = (imported.report.agency, imported.report.year, imported.report.date)
    assert said == ("某某县人民政府", 2025, date(2026, 1, 20))
    assert imported.report.level == report.level
    right, wrong, missing = _compare(report, imported)
    assert (wrong, missing) == ([], [])
    assert right == sum(len(t.columns) * len(t.rows) for t in CURRENT.tables)
    for prose in CURRENT.prose:  # lines joined again; LibreOffice drops a comma it hangs past the margin
        assert letters(imported.report.text(prose.key) or "") == letters(report.text(prose.key) or ""), prose.key
    assert imported.report.text("text.overview.platforms") == report.text("text.overview.platforms")


@needs_soffice
def test_an_agency_s_pdf_of_another_layout_reads_every_number(handmade: tuple[Report, bytes]) -> None:
    report, data = handmade
    imported = import_report("2024年报.pdf", data)
    assert imported.warnings == []
    right, wrong, missing = _compare(report, imported)
    assert (wrong, missing) == ([], [])
    assert right == sum(len(t.columns) * len(t.rows) for t in CURRENT.tables)
    assert imported.report.row("applications.total_handled")[6] == 10773  # wrapped in its narrow cell
    assert (imported.report.agency, imported.report.year, imported.report.date) == (
        report.agency,
        2024,
        date(2025, 1, 20),
    )
    for prose in CURRENT.prose:
        assert imported.report.text(prose.key) == report.text(prose.key), prose.key


@needs_soffice
def test_page_headers_and_numbers_are_dropped_and_a_split_table_stays_together(handmade: tuple[Report, bytes]) -> None:
    _, data = handmade
    blocks = read_pdf(data)
    paragraphs = [b.text for b in blocks if isinstance(b, Paragraph)]
    assert not [p for p in paragraphs if "政务公开专栏" in p or "页" in p]
    assert HEADER not in paragraphs
    grids = [n for n, b in enumerate(blocks) if isinstance(b, Grid)]
    heading = next(n for n, b in enumerate(blocks) if isinstance(b, Paragraph) and b.text.startswith("三、收到"))
    first, second = [n for n in grids if n > heading][:2]
    assert second == first + 1  # table 三 over two pages: two grids, nothing between
    continued = blocks[second]
    assert isinstance(continued, Grid)
    assert continued.rows[0][3].text == "申请人情况"  # its header rows repeated on the next page


@needs_soffice
@needs_poppler
def test_the_handmade_pdf_splits_table_three_over_pages(handmade: tuple[Report, bytes], tmp_path: Path) -> None:
    """What the tests above read is laid out as intended: table 三 starts on one page, ends on another."""
    _, data = handmade
    (tmp_path / "report.pdf").write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(tmp_path / "report.pdf"), "-"], capture_output=True, text=True)
    pages = out.stdout.split("\f")
    starts = next(n for n, page in enumerate(pages) if "一、本年新收" in page)
    ends = next(n for n, page in enumerate(pages) if "四、结转下年度继续办理" in page)
    assert ends > starts
    assert all(re.search(r"第\s*\d+\s*页", page) and "政务公开专栏" in page for page in pages if page.strip())


@needs_soffice
def test_tables_without_lines_read_labels_wrapped_in_their_cells(handmade: tuple[Report, bytes]) -> None:
    """Columns only lined up, each label set at the top of its row and wrapped over lines below its
    numbers, group labels (三、本年度办理结果 one character a line) beside several rows: every row reads
    but the one whose label the page broke in two (行政事业性收 / 费), which stays unknown, named."""
    report, _ = handmade
    imported = import_report("2024年报.pdf", published_pdf(report, ruled=False))
    right, wrong, missing = _compare(report, imported)
    assert (wrong, missing) == ([], ["('proactive.fees_wan_yuan', 0)"])
    assert right == sum(len(t.columns) * len(t.rows) for t in CURRENT.tables) - 1
    assert "表二 第二十条第（八）项" in "".join(imported.warnings)  # the table of that one row, named
    for prose in CURRENT.prose:
        assert imported.report.text(prose.key) == report.text(prose.key), prose.key


@needs_soffice
def test_tables_without_lines_read_labels_centred_on_their_numbers(handmade: tuple[Report, bytes]) -> None:
    """Nianbao's layout without lines, every cell centred in its row and touching the next: a label's
    lines stand above and below its numbers, with nothing between one row's label and the next's; table
    四 is three blocks of headers over fifteen numbers. Every number reads."""
    report, _ = handmade
    imported = import_report("2024年报.pdf", borderless_pdf(report))
    right, wrong, missing = _compare(report, imported)
    assert (wrong, missing) == ([], [])
    assert right == sum(len(t.columns) * len(t.rows) for t in CURRENT.tables)
    assert [w for w in imported.warnings if "表" in w] == []


@needs_soffice
def test_a_2019_report_as_pdf_is_recognised_and_its_tables_read() -> None:
    imported = import_report("2020年报.pdf", tabbed_pdf(REPORT_2019))
    assert imported.format_detected is FORMAT_2019
    assert imported.warnings == [texts.IMPORT_FORMAT_2019.format(missing="；".join(MISSING_IN_2019))]
    report = imported.report
    assert (report.agency, report.year, report.date) == ("某某县交通运输局", 2020, date(2021, 1, 20))
    for key, cells in T3_VALUES.items():
        assert report.row(key) == (None if key == "applications.other_handling" else cells)
    assert report.row("reviews_litigation.review") == (0, 1, 0, 0, 1)
    assert report.row("proactive.licensing") == (345,)
    assert report.row("proactive.punishment") == (67,)


@needs_soffice
@needs_poppler
def test_a_scanned_pdf_is_refused_saying_so(handmade: tuple[Report, bytes], tmp_path: Path) -> None:
    _, data = handmade
    (tmp_path / "report.pdf").write_bytes(data)
    source, pages = str(tmp_path / "report.pdf"), ["-f", "1", "-l", "2"]
    subprocess.run(["pdftoppm", "-r", "60", "-png", *pages, source, str(tmp_path / "p")], check=True)
    pictures = [Image.open(p).convert("RGB") for p in sorted(tmp_path.glob("p-*.png"))]
    scan = io.BytesIO()
    pictures[0].save(scan, "PDF", save_all=True, append_images=pictures[1:])
    assert _refused("扫描件.pdf", scan.getvalue()) == _unreadable(texts.IMPORT_PDF_SCANNED)


@needs_soffice
def test_a_damaged_or_locked_pdf_is_refused_saying_so(handmade: tuple[Report, bytes]) -> None:
    _, data = handmade
    assert _refused("年报.pdf", data[: len(data) // 3]) == _unreadable(texts.IMPORT_PDF_DAMAGED)
    assert _refused("年报.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n") == _unreadable(
        texts.IMPORT_PDF_DAMAGED
    )
    locked = text_pdf(["某某县交通运输局2020年政府信息公开工作年度报告"], password="secret")
    assert _refused("年报.pdf", locked) == _unreadable(texts.IMPORT_PDF_ENCRYPTED)


def test_a_file_that_is_no_pdf_or_too_long_is_refused() -> None:
    assert _refused("年报.pdf", "随便写的一段话。".encode()) == _unreadable(texts.IMPORT_NOT_PDF)
    assert _refused("年报.pdf", b"PK\x03\x04" + bytes(100)) == _unreadable(texts.IMPORT_NOT_PDF)
    pages = io.BytesIO()
    blank = Image.new("RGB", (20, 20), "white")
    blank.save(pages, "PDF", save_all=True, append_images=[blank] * MAX_PAGES)
    message = _refused("年报.pdf", pages.getvalue())
    assert message == _unreadable(texts.IMPORT_PDF_PAGES.format(pages=MAX_PAGES + 1, limit=MAX_PAGES))


def test_a_pdf_renamed_to_docx_is_still_refused_and_told_to_send_it_as_pdf() -> None:
    message = _refused("年报.docx", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    assert message == _unreadable(texts.IMPORT_NOT_DOCX_PDF)
    assert ".pdf" in message


@needs_soffice
def test_nianbao_import_reads_a_pdf(
    handmade: tuple[Report, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report, data = handmade
    source, out = tmp_path / "年报.pdf", tmp_path / "out.json"
    source.write_bytes(data)
    assert nianbao_import(str(source), "-o", str(out)) == 0
    assert f"已导入：{out}" in capsys.readouterr().out
    assert datafile.load(out).values == report.values


@needs_soffice
def test_a_pdf_uploaded_in_the_chat_is_read_within_the_sandbox_s_limits(handmade: tuple[Report, bytes]) -> None:
    report, data = handmade
    read = asyncio.run(read_upload("2024年报.pdf", data))
    assert isinstance(read, Imported)
    assert read.report.values == report.values


@pytest.mark.parametrize(
    "text", ["- 3 -", "—3—", "第 3 页", "第3页 共7页", "共 7 页 第 3 页", "3", "3/7", "· 12 ·", "Page 3 of 7"]
)
def test_page_numbers_are_known_in_their_usual_forms(text: str) -> None:
    assert _is_page_number(text)


@pytest.mark.parametrize("text", ["2023年", "第二十条第（一）项", "1.属于国家秘密", "共 3 件"])
def test_other_short_lines_are_no_page_numbers(text: str) -> None:
    assert not _is_page_number(text)
