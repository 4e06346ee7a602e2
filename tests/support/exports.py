"""Reports of many agencies for export tests and benchmarks, and the checks that an export holds them.

``varied_report`` gives each agency a report in which every input cell holds a number no other cell of it
holds (and that differs between agencies), so a number in the wrong place, or another agency's number,
cannot go unnoticed. ``assert_archive`` and ``assert_workbook`` open an export's files with python-docx and
openpyxl and compare every cell of tables 二, 三 and 四 with the report.
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import docx
from sqlalchemy import Engine
from sqlmodel import Session

from bot import texts
from bot.render import document, report_filename
from bot.render.export import cell_columns
from bot.render.layout import Kind
from bot.report import datafile
from bot.report.model import Report, format_number, with_totals
from bot.schema import Level
from storage import repo
from storage.models import ReportStatus

COUNTY = Path(__file__).resolve().parents[1] / "data" / "county-2025-government.json"


def varied_report(
    seed: Report, n: int, agency: str, level: Level = Level.DEPARTMENT, year: int | None = None
) -> Report:
    """The seed as agency number ``n``'s report: every input cell a different non-zero number, the fee a
    decimal with six places, the totals computed."""
    values = dict(seed.values)
    counter = iter(range(n * 1000 + 1, n * 1000 + 1000))
    for table in seed.format.tables:
        for row in table.input_rows:
            values[row.key] = tuple(None if column.sums else next(counter) for column in table.columns)
    values["proactive.fees_wan_yuan"] = (Decimal(n) + Decimal("0.123456"),)
    report = dataclasses.replace(seed, agency=agency, level=level, values=values, year=year or seed.year)
    return with_totals(report)


def county_reports(count: int, year: int = 2025, prefix: str = "某某县") -> list[Report]:
    """``count`` agencies' reports made from the county's government report: the first a government, the rest
    departments, each with numbers of its own."""
    seed = datafile.load(COUNTY)
    reports = []
    for n in range(1, count + 1):
        level = Level.GOVERNMENT if n == 1 else Level.DEPARTMENT
        agency = f"{prefix}人民政府" if n == 1 else f"{prefix}第{n}局"
        reports.append(varied_report(seed, n, agency, level, year))
    return reports


def store_reports(
    engine: Engine, reports: Iterable[Report], *, final: Iterable[bool] = (), updated_at: datetime | None = None
) -> None:
    """Each report's agency created (if new) and the report stored; final where ``final`` says so."""
    finals = iter(final)
    with Session(engine, expire_on_commit=False) as session:
        for report in reports:
            agency = repo.get_agency_by_name(session=session, name=report.agency)
            if agency is None:
                agency = repo.create_agency(session=session, name=report.agency, level=report.level)
            row = repo.store_report(session=session, agency=agency, report=report)
            if next(finals, False):
                row.status = ReportStatus.FINAL
            if updated_at is not None:
                row.updated_at = updated_at
            session.add(row)
            session.commit()


def docx_cells(data: bytes, report: Report) -> Iterator[tuple[str, str, str]]:
    """Per number cell of the report's tables: its place (e.g. applications.new[2]), the text the .docx holds
    there, and the text it should hold."""
    doc = docx.Document(io.BytesIO(data))
    grids = [part.grid for section in document.build(report).sections for part in section.parts if part.grid]
    assert len(doc.tables) == len(grids) == 3
    expected = {
        table.cell_path(row, i): format_number(value)
        for table in report.format.tables
        for row in table.rows
        for i, value in enumerate(report.cells(table, row))
    }
    for grid, table in zip(grids, doc.tables, strict=True):
        positions = [table.row_cells(r) for r in range(grid.height)]
        for cell in grid.cells:
            if cell.kind is Kind.NUMBER:
                yield cell.place, positions[cell.row][cell.col].text, expected[cell.place]


def assert_archive(archive: bytes, reports: list[Report], year: int, *, pdf: bool | None = None) -> set[str]:
    """Every report's .docx is in the archive under its official name, with its title and every number in its
    place (and its PDF, when ``pdf`` is True; none when False); the archive's file names are UTF-8 flagged and
    hold no path. The names in the archive are returned."""
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        names = {info.filename for info in z.infolist()}
        for info in z.infolist():
            assert "/" not in info.filename and "\\" not in info.filename
            if not info.filename.isascii():
                assert info.flag_bits & 0x800, f"{info.filename}: UTF-8 flag not set"
        assert texts.EXPORT_README_FILE in names
        for report in reports:
            name = report_filename(dataclasses.replace(report, year=year), ".docx")
            assert name == f"{report.agency}_{year}年政府信息公开工作年度报告.docx"
            data = z.read(name)
            title = texts.TITLE.format(agency=report.agency, year=year)
            assert title in "".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs).replace("\n", "")
            wrong = [(place, got, want) for place, got, want in docx_cells(data, report) if got != want]
            assert not wrong, f"{report.agency}: numbers out of place (place, found, expected): {wrong[:5]}"
            pdf_name = name.removesuffix(".docx") + ".pdf"
            if pdf is True:
                assert z.read(pdf_name).startswith(b"%PDF")
            elif pdf is False:
                assert pdf_name not in names
        return names


def assert_workbook(
    data: bytes, reports: list[Report], *, statuses: dict[str, str] | None = None, dates: dict[str, date] | None = None
) -> dict[str, list[object]]:
    """Every report's row of the workbook holds its agency, level, status and date, then every cell of tables
    二, 三 and 四 as a number under the format's labels (two header rows); the rows by agency are returned."""
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    fixed = len(texts.EXPORT_FIXED_COLUMNS)
    assert tuple(rows[0][:fixed]) == texts.EXPORT_FIXED_COLUMNS
    columns = cell_columns()
    # A merged header cell holds its text in its first column only.
    top = rows[0][fixed:]
    for i, column in enumerate(columns):
        label = next(t for t in reversed(top[: i + 1]) if t is not None)
        assert label == column.row_label and label.startswith(column.table.name.split()[0])
        assert rows[1][fixed + i] == column.label
        assert column.table.columns[column.column].label in rows[1][fixed + i]
    by_agency = {row[0]: row for row in rows[2:]}
    for report in reports:
        row = by_agency[report.agency]
        assert row[1] == texts.LEVEL_NAMES[report.level]
        if statuses is not None:
            assert row[2] == statuses[report.agency]
        if dates is not None and dates.get(report.agency) is not None:
            assert row[3] is not None and row[3].date() == dates[report.agency]
        for i, column in enumerate(columns):
            want = report.cells(column.table, column.row)[column.column]
            got = row[fixed + i]
            if isinstance(want, Decimal):
                assert isinstance(got, float | int) and Decimal(str(got)) == want, (report.agency, column.label)
            else:
                assert got == want and type(got) is type(want), (report.agency, column.row_label, column.label)
    return by_agency
