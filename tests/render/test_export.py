"""The export of a year: every agency's .docx (and PDF) in a .zip under its official name, and an .xlsx with
one row per agency holding every cell of tables 二, 三 and 四, each number in its place."""

from __future__ import annotations

import dataclasses
import io
import shutil
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from bot import texts
from bot.render import pdf
from bot.render.errors import RenderError
from bot.render.export import Entry, cell_columns, default_year, export, load_entries, unique_names
from bot.schema import CURRENT, Level
from storage import repo
from storage.db import make_engine, upgrade
from storage.models import ReportStatus
from tests.support.databases import database_url
from tests.support.exports import assert_archive, assert_workbook, county_reports, store_reports

__all__ = ["database_url"]

YEAR = 2025
SHANGHAI = ZoneInfo("Asia/Shanghai")


def entries_of(reports: list, finals: int = 0) -> list[Entry]:
    return [
        Entry(r.agency, r.level, "final" if i < finals else "draft", r.date, None, r) for i, r in enumerate(reports)
    ]


def test_five_agencies_every_number_in_its_place_in_the_docx_files_and_the_workbook(tmp_path: Path) -> None:
    reports = county_reports(5, YEAR)
    entries = [*entries_of(reports, finals=2), Entry("某某县第9局", Level.DEPARTMENT)]
    made = export(entries, YEAR, tmp_path, pdf=False)
    assert [a.name for a in made.archives] == [f"{YEAR}年政府信息公开工作年度报告.zip"]
    assert made.workbook.name == f"{YEAR}年政府信息公开工作年度报告汇总表.xlsx"
    assert (made.agencies, made.reports, made.pdf) == (6, 5, False)
    archive = made.archives[0].read_bytes()
    names = assert_archive(archive, reports, YEAR, pdf=False)
    assert made.workbook.name in names and not any("第9局" in n for n in names)  # no report: no file
    statuses = {r.agency: "已定稿" if i < 2 else "草稿" for i, r in enumerate(reports)}
    rows = assert_workbook(
        made.workbook.read_bytes(), reports, statuses=statuses, dates={r.agency: r.date for r in reports}
    )
    assert rows["某某县第9局"][2] == texts.EXPORT_NO_REPORT
    assert all(cell is None for cell in rows["某某县第9局"][5:])
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        assert z.read(made.workbook.name) == made.workbook.read_bytes()
        readme = z.read(texts.EXPORT_README_FILE).decode()
    assert "共 6 个机构：已定稿 2 个，未定稿 3 个，无报告 1 个" in readme
    assert "无报告：某某县第9局" in readme and "未定稿：某某县第3局、某某县第4局、某某县第5局" in readme
    assert texts.EXPORT_README_NO_PDF.format(reason=texts.EXPORT_PDF_OFF) in readme
    assert made.pdf_note() == texts.EXPORT_PDF_NOTE.format(reason=texts.EXPORT_PDF_OFF)


def test_the_workbook_header_names_each_cell_by_the_format_labels_and_numbers_are_numbers(tmp_path: Path) -> None:
    reports = county_reports(2, YEAR)
    made = export(entries_of(reports), YEAR, tmp_path, pdf=False)
    sheet = load_workbook(made.workbook).active
    assert sheet is not None
    columns = cell_columns()
    assert len(columns) == sum(len(t.rows) * len(t.columns) for t in CURRENT.tables) == 200
    assert sheet.max_column == 5 + 200 and sheet.max_row == 2 + 2
    assert sheet.freeze_panes == "B3"
    header = {(c.row_label, c.label): i for i, c in enumerate(columns, 6)}
    fee = header[("表二 第二十条第（八）项 行政事业性收费", "本年收费金额（单位：万元）")]
    assert sheet.cell(3, fee).value == pytest.approx(1.123456) and sheet.cell(4, fee).value == pytest.approx(2.123456)
    secret = header[("表三 三、本年度办理结果 （三）不予公开 1.属于国家秘密", "申请人情况 法人或其他组织 商业企业")]
    t3 = CURRENT.table("T3")
    want = reports[0].cells(t3, t3.row("applications.withheld_state_secret"))[1]
    assert sheet.cell(3, secret).value == want and isinstance(want, int)
    lawsuit = header[("表四 行政诉讼 复议后起诉", "总计")]
    t4 = CURRENT.table("T4")
    assert sheet.cell(4, lawsuit).value == reports[1].cells(t4, t4.row("reviews_litigation.litigation_after_review"))[4]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:A2", "E1:E2", "F1:H1"} <= merged  # 规章's three columns under one label


def test_an_archive_over_the_limit_is_split_and_each_agency_stays_whole(tmp_path: Path) -> None:
    reports = county_reports(5, YEAR)
    made = export(entries_of(reports), YEAR, tmp_path, pdf=False, limit=60_000)
    assert len(made.archives) >= 3
    total = len(made.archives)
    seen: list[str] = []
    for n, archive in enumerate(made.archives, 1):
        assert archive.name == f"{YEAR}年政府信息公开工作年度报告（第{n}部分，共{total}部分）.zip"
        assert archive.stat().st_size <= 60_000
        with zipfile.ZipFile(archive) as z:
            seen += [name for name in z.namelist() if name.endswith(".docx")]
            readme = z.read(texts.EXPORT_README_FILE).decode()
            assert f"本压缩包为第 {n} 部分，共 {total} 部分" in readme
            assert (made.workbook.name in z.namelist()) == (n == 1)
    assert sorted(seen) == sorted(f"{r.agency}_{YEAR}年政府信息公开工作年度报告.docx" for r in reports)
    for archive in made.archives:  # every number in its place, whichever part holds the agency
        with zipfile.ZipFile(archive) as z:
            held = [r for r in reports if f"{r.agency}_{YEAR}年政府信息公开工作年度报告.docx" in z.namelist()]
        assert_archive(archive.read_bytes(), held, YEAR)


def test_file_names_are_safe_and_never_the_same() -> None:
    entries = [Entry(name, Level.DEPARTMENT) for name in ("某/局", "某_局", "某\\局", "..", "某某县民政局")]
    names = list(unique_names(entries, YEAR))
    assert names[0] == f"某_局_{YEAR}年政府信息公开工作年度报告"
    assert names[1:3] == [names[0] + "_2", names[0] + "_3"]
    assert len(set(names)) == 5 and not any("/" in n or "\\" in n for n in names)
    assert names[4] == f"某某县民政局_{YEAR}年政府信息公开工作年度报告"


def test_colliding_names_each_get_their_own_file(tmp_path: Path) -> None:
    reports = [
        dataclasses.replace(r, agency=name) for r, name in zip(county_reports(2, YEAR), ("某/局", "某_局"), strict=True)
    ]
    made = export(entries_of(reports), YEAR, tmp_path, pdf=False)
    with zipfile.ZipFile(made.archives[0]) as z:
        docx_names = sorted(n for n in z.namelist() if n.endswith(".docx"))
    assert docx_names == [
        f"某_局_{YEAR}年政府信息公开工作年度报告.docx",
        f"某_局_{YEAR}年政府信息公开工作年度报告_2.docx",
    ]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_pdfs_are_made_in_one_run_and_packed_beside_their_docx(tmp_path: Path) -> None:
    reports = county_reports(2, YEAR)
    made = export(entries_of(reports), YEAR, tmp_path, pdf=True)
    assert made.pdf and not made.pdf_missing and made.pdf_note() == ""
    assert_archive(made.archives[0].read_bytes(), reports, YEAR, pdf=True)


def test_without_libreoffice_the_pdfs_are_left_out_and_the_summary_says_so(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("bot.render.pdf.soffice", lambda: None)
    reports = county_reports(1, YEAR)
    made = export(entries_of(reports), YEAR, tmp_path, pdf=True)
    assert not made.pdf and made.pdf_reason == texts.EXPORT_PDF_NO_SOFFICE
    assert texts.EXPORT_PDF_NO_SOFFICE in made.pdf_note()
    with zipfile.ZipFile(made.archives[0]) as z:
        assert texts.EXPORT_PDF_NO_SOFFICE in z.read(texts.EXPORT_README_FILE).decode()
    assert_archive(made.archives[0].read_bytes(), reports, YEAR, pdf=False)


def test_the_docx_files_are_the_same_rendered_in_worker_processes(tmp_path: Path) -> None:
    reports = county_reports(5, YEAR)
    one = export(entries_of(reports), YEAR, tmp_path / "one", pdf=False, workers=1)
    two = export(entries_of(reports), YEAR, tmp_path / "two", pdf=False, workers=2)
    assert_archive(two.archives[0].read_bytes(), reports, YEAR, pdf=False)
    with zipfile.ZipFile(one.archives[0]) as a, zipfile.ZipFile(two.archives[0]) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())


def test_the_entries_come_from_the_database_with_status_dates_and_no_report(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    reports = county_reports(3, YEAR)
    changed = datetime(2026, 1, 20, 2, 30, tzinfo=UTC)
    store_reports(engine, reports, final=[True, False, False], updated_at=changed)
    store_reports(engine, [dataclasses.replace(reports[1], year=YEAR + 1)])  # another year's report is not this one's
    with Session(engine) as session:
        repo.create_agency(session=session, name="某某县新局", level=Level.DEPARTMENT)
        session.commit()
        entries = load_entries(session, YEAR, SHANGHAI)
    engine.dispose()
    assert [e.agency for e in entries] == ["某某县人民政府", "某某县新局", "某某县第2局", "某某县第3局"]
    by = {e.agency: e for e in entries}
    assert by["某某县人民政府"].status_label == "已定稿" and by["某某县第2局"].status_label == "草稿"
    assert by["某某县新局"].report is None and by["某某县新局"].status_label == texts.EXPORT_NO_REPORT
    assert by["某某县人民政府"].updated_at == datetime(2026, 1, 20, 10, 30)  # Beijing time
    assert by["某某县人民政府"].date == reports[0].date
    for report in reports:
        assert by[report.agency].report is not None and by[report.agency].report.values == report.values


def test_the_default_year_is_last_years_until_december() -> None:
    assert default_year(date(2027, 1, 15)) == 2026
    assert default_year(date(2027, 11, 30)) == 2026
    assert default_year(date(2027, 12, 1)) == 2027


def test_a_pdf_that_could_not_be_made_is_named_and_the_others_are_packed(tmp_path: Path, monkeypatch) -> None:
    def some(docx_files: list[Path], outdir: Path) -> None:  # LibreOffice made the first PDF, then failed
        (outdir / docx_files[0].with_suffix(".pdf").name).write_bytes(b"%PDF-1.7 made")
        raise RenderError("LibreOffice stopped")

    monkeypatch.setattr(pdf, "soffice", lambda: "soffice")
    monkeypatch.setattr(pdf, "convert_files", some)
    reports = county_reports(2, YEAR)
    made = export(entries_of(reports), YEAR, tmp_path, pdf=True)
    assert made.pdf and made.pdf_missing == ["某某县第2局"]
    assert made.pdf_note() == texts.EXPORT_PDF_SOME.format(count=1, agencies="某某县第2局")
    names = assert_archive(made.archives[0].read_bytes(), reports, YEAR)
    assert f"某某县人民政府_{YEAR}年政府信息公开工作年度报告.pdf" in names
    assert f"某某县第2局_{YEAR}年政府信息公开工作年度报告.pdf" not in names
    with zipfile.ZipFile(made.archives[0]) as z:
        assert "以下机构的 PDF 未能生成：某某县第2局" in z.read(texts.EXPORT_README_FILE).decode()


def test_every_report_status_has_its_name_in_the_workbook() -> None:
    assert {status.value for status in ReportStatus} <= set(texts.EXPORT_STATUS)
