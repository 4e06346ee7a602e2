"""Every agency's report of one year in one download, for the website and the archive.

The reader gets .zip archives holding each agency's .docx and (with LibreOffice installed) .pdf, named
``<机构>_<年>年政府信息公开工作年度报告``, a 说明.txt that says what is in them (drafts, agencies without a report,
PDFs left out and why), and an .xlsx with one row per agency: its status, dates and every cell of tables 二, 三
and 四 under the format's own labels, numbers as numbers (the fee as a decimal), unfilled cells empty. With a
size limit (Telegram takes at most 50 MB from a bot) the files are split over several archives, an agency's
.docx and .pdf always in the same one.

The .docx files are rendered in worker processes when more than one is asked for (the slow part after the
PDFs), the PDFs in batches of one LibreOffice run each.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import threading
import zipfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot import texts
from bot.render import report_filename
from bot.render.errors import RenderError
from bot.report.model import Cell, Report, with_totals
from bot.schema import CURRENT, Format, Level, Row, Table

if TYPE_CHECKING:
    from sqlmodel import Session

TELEGRAM_LIMIT = 49_000_000  # bytes: Telegram's 50 MB for a bot's upload, less room for the request around it
PDF_BATCH = 40  # .docx files converted by one LibreOffice run: a failing run loses only its batch
ZIP_ENTRY_OVERHEAD = 200  # bytes an archive spends on one file besides its content and (twice) its name
LEVEL_ORDER = (Level.GOVERNMENT, Level.DEPARTMENT)


@dataclass(frozen=True)
class Entry:
    """One agency's line of the export: its report of the year, or why it has none."""

    agency: str
    level: Level
    status: str | None = None  # the stored report's status (draft, final, …); None: no report that year
    date: date | None = None  # the date the report is signed with
    updated_at: datetime | None = None  # its last change, local time without a zone
    report: Report | None = None  # None: nothing written yet, so no files

    @property
    def status_label(self) -> str:
        if self.status is None:
            return texts.EXPORT_NO_REPORT
        if self.report is None:
            return texts.EXPORT_NOT_STARTED
        return texts.EXPORT_STATUS.get(self.status, self.status)

    @property
    def final(self) -> bool:
        return self.status == "final" and self.report is not None


@dataclass
class Export:
    """What an export made: the archives (in order), the workbook, and what they hold or leave out."""

    year: int
    archives: list[Path]
    workbook: Path
    agencies: int
    reports: int  # agencies with files
    pdf: bool  # PDFs were made (some may still be missing: pdf_missing)
    pdf_reason: str | None = None  # why no PDF is included at all
    pdf_missing: list[str] = field(default_factory=list)  # agencies whose PDF could not be made
    docx_failed: list[str] = field(default_factory=list)  # agencies whose .docx could not be made

    def pdf_note(self) -> str:
        """What the summary says about PDFs: nothing when every report has one."""
        if self.pdf_reason:
            return texts.EXPORT_PDF_NOTE.format(reason=self.pdf_reason)
        if self.pdf_missing:
            return texts.EXPORT_PDF_SOME.format(count=len(self.pdf_missing), agencies="、".join(self.pdf_missing))
        return ""


def default_year(today: date) -> int:
    """The year an export is of when none is named: last year's reports, until the next reporting season
    starts in December (the same turn as the walk's report year)."""
    return today.year if today.month == 12 else today.year - 1


# --- the entries, from the database ---------------------------------------------------------------------
def _local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A stored moment (UTC, with or without its zone) as local time without a zone, to the second."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone).replace(tzinfo=None, microsecond=0)


def load_entries(session: Session, year: int, zone: ZoneInfo) -> list[Entry]:
    """Every agency of the database with its report of the year, governments first, then by name."""
    from storage import repo

    entries = [
        Entry(
            agency=agency.name,
            level=agency.level,
            status=row.status.value if row is not None else None,
            date=row.date if row is not None else None,
            updated_at=_local(row.updated_at, zone) if row is not None else None,
            report=report,
        )
        for agency, row, report in repo.year_reports(session=session, year=year)
    ]
    return sorted(entries, key=lambda e: (LEVEL_ORDER.index(e.level), e.agency))


# --- the workbook ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CellColumn:
    """One cell of a table as a column of the workbook."""

    table: Table
    row: Row
    column: int

    @property
    def row_label(self) -> str:
        """表三 三、本年度办理结果 （三）不予公开 1.属于国家秘密: the table and the row, as the format labels them."""
        return texts.EXPORT_CELL_HEADER.format(table=self.table.name, row=" ".join([*self.row.groups, self.row.label]))

    @property
    def label(self) -> str:
        """申请人情况 法人或其他组织 商业企业: the column, as the format labels it."""
        column = self.table.columns[self.column]
        return " ".join([*column.groups, column.label])


def cell_columns(fmt: Format = CURRENT) -> list[CellColumn]:
    """Every cell of the format's tables, table by table, row by row, in column order."""
    return [CellColumn(t, r, i) for t in fmt.tables for r in t.rows for i in range(len(t.columns))]


def _number(cell: Cell) -> int | Decimal | None:
    """A cell as the workbook holds it: an int, or the fee as a plain decimal (never in exponent form)."""
    if isinstance(cell, Decimal):
        return Decimal(format(cell, "f"))
    return cell


def workbook(entries: list[Entry], year: int, fmt: Format = CURRENT) -> bytes:
    """The .xlsx: two header rows (table and row over the column's label; the fixed columns merged over both),
    then one row per agency."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    columns = cell_columns(fmt)
    fixed = len(texts.EXPORT_FIXED_COLUMNS)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = texts.EXPORT_SHEET.format(year=year)
    sheet.append([*texts.EXPORT_FIXED_COLUMNS, *(c.row_label for c in columns)])
    sheet.append([None] * fixed + [c.label for c in columns])
    for i in range(1, fixed + 1):
        sheet.merge_cells(start_row=1, start_column=i, end_row=2, end_column=i)
    start = 0
    for i in range(1, len(columns) + 1):  # one merged cell over each table row's columns
        if i == len(columns) or columns[i].row is not columns[start].row:
            if i - start > 1:
                sheet.merge_cells(start_row=1, start_column=fixed + start + 1, end_row=1, end_column=fixed + i)
            start = i
    header = Alignment(wrap_text=True, vertical="center", horizontal="center")
    bold = Font(bold=True)
    for row in sheet.iter_rows(min_row=1, max_row=2):
        for cell in row:
            cell.alignment, cell.font = header, bold
    for entry in entries:
        sheet.append(_sheet_row(entry, columns, fmt))
    sheet.freeze_panes = "B3"
    sheet.column_dimensions["A"].width = 32
    for i in range(2, fixed + len(columns) + 1):
        sheet.column_dimensions[get_column_letter(i)].width = 18 if i <= fixed else 14
    sheet.row_dimensions[1].height = 60
    sheet.row_dimensions[2].height = 45
    for row in sheet.iter_rows(min_row=3, min_col=4, max_col=5):
        row[0].number_format, row[1].number_format = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_row(entry: Entry, columns: list[CellColumn], fmt: Format) -> list[object]:
    status = entry.status_label
    cells: list[object] = [None] * len(columns)
    report = entry.report
    if report is not None and report.format is not fmt:
        status += texts.EXPORT_OTHER_FORMAT.format(format=report.format.name)
    elif report is not None:
        totals = with_totals(report)
        cells = [_number(totals.cells(c.table, c.row)[c.column]) for c in columns]
    level = texts.LEVEL_NAMES[entry.level]
    return [entry.agency, level, status, entry.date, entry.updated_at, *cells]


# --- the documents --------------------------------------------------------------------------------------
def _write_docx(job: tuple[Report, str]) -> str | None:
    """Render one report's .docx to the path; None, or why it could not be made."""
    from bot.render.docx import render_docx

    report, path = job
    try:
        Path(path).write_bytes(render_docx(report))
    except RenderError as exc:
        return str(exc)
    except Exception as exc:  # one report the renderer chokes on must not cost the others their files
        return f"{type(exc).__name__}: {exc}"
    return None


def render_documents(jobs: list[tuple[Report, Path]], workers: int = 1) -> list[str | None]:
    """Each report's .docx written to its path, in worker processes when ``workers`` > 1; per job, None or
    why its file could not be made."""
    from bot.render.docx import render_docx

    work = [(report, str(path)) for report, path in jobs]
    if workers <= 1 or len(work) < 2 * workers:
        return [_write_docx(job) for job in work]
    render_docx(Report("", Level.DEPARTMENT, 2000))  # the template read once, before any worker forks
    # A process with threads (the bot) must not fork: its workers come from a fork server. A single-threaded one
    # (the command line) forks, and its workers start with everything imported and the template read.
    context = multiprocessing.get_context("fork" if threading.active_count() == 1 else "forkserver")
    chunk = max(1, len(work) // (workers * 8))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(_write_docx, work, chunksize=chunk))


def _pdfs(docx_files: list[Path], outdir: Path) -> str | None:
    """The PDFs of the .docx files in ``outdir``, in batches; None, or why none could be made at all."""
    from bot.render.pdf import convert_files, soffice

    if soffice() is None:
        return texts.EXPORT_PDF_NO_SOFFICE
    for start in range(0, len(docx_files), PDF_BATCH):
        # A failed run: the PDFs it did make are used, the others are named as missing.
        with contextlib.suppress(RenderError):
            convert_files(docx_files[start : start + PDF_BATCH], outdir)
    return None


def unique_names(entries: Iterable[Entry], year: int) -> Iterator[str]:
    """Each agency's file name without its suffix, safe in an archive (no path separators) and never twice
    the same (names that differ only in characters a file name cannot hold get a number)."""
    seen: set[str] = set()
    for entry in entries:
        base = report_filename(Report(entry.agency, entry.level, year), "")
        name, n = base, 1
        while name.casefold() in seen:
            n += 1
            name = f"{base}_{n}"
        seen.add(name.casefold())
        yield name


# --- the archives ---------------------------------------------------------------------------------------
def _entry_size(name: str, size: int) -> int:
    return size + 2 * len(name.encode()) + ZIP_ENTRY_OVERHEAD


def _groups_within(groups: list[list[Path]], limit: int | None, reserved: int) -> list[list[list[Path]]]:
    """The agencies' files in archives of at most ``limit`` bytes (``reserved`` for the first archive's
    workbook and every archive's 说明.txt), keeping each agency's files together; an agency too large alone
    gets an archive of its own."""
    parts: list[list[list[Path]]] = [[]]
    used = reserved
    for group in groups:
        size = sum(_entry_size(p.name, p.stat().st_size) for p in group)
        if limit is not None and parts[-1] and used + size > limit:
            parts.append([])
            used = reserved
        parts[-1].append(group)
        used += size
    return parts


def _readme(entries: list[Entry], year: int, xlsx_name: str, pdf: str, failed: list[str], part: tuple[int, int]) -> str:
    drafts = [e.agency for e in entries if e.report is not None and not e.final]
    none = [e.agency for e in entries if e.report is None]
    text = texts.EXPORT_README.format(
        year=year,
        agencies=len(entries),
        final=sum(e.final for e in entries),
        drafts=len(drafts),
        none=len(none),
        xlsx=xlsx_name,
        pdf=pdf,
    )
    if failed:
        text += texts.EXPORT_DOCX_FAILED.format(agencies="、".join(failed))
    if drafts:
        text += texts.EXPORT_README_DRAFTS.format(agencies="、".join(drafts))
    if none:
        text += texts.EXPORT_README_NONE.format(agencies="、".join(none))
    if part[1] > 1:
        text += texts.EXPORT_README_PART.format(n=part[0], total=part[1])
    return text


def _write_archive(path: Path, files: list[Path], readme: str, workbook_file: Path | None) -> None:
    """A .zip with the files stored as they are (.docx, .pdf and .xlsx are compressed already), names in UTF-8."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(
            zipfile.ZipInfo(texts.EXPORT_README_FILE, date_time=_zip_time()),
            readme.encode(),
            compress_type=zipfile.ZIP_DEFLATED,
        )
        if workbook_file is not None:
            archive.write(workbook_file, workbook_file.name)
        for file in files:
            archive.write(file, file.name)


def _zip_time() -> tuple[int, int, int, int, int, int]:
    now = datetime.now()
    return (now.year, now.month, now.day, now.hour, now.minute, now.second)


def export(
    entries: list[Entry],
    year: int,
    workdir: Path,
    *,
    pdf: bool = True,
    workers: int = 1,
    limit: int | None = None,
    fmt: Format = CURRENT,
) -> Export:
    """Make the export in ``workdir`` (the caller's, removed by the caller): the workbook, every report's .docx
    and (``pdf``) .pdf, and the archives, each of at most ``limit`` bytes when a limit is given."""
    files = workdir / "files"
    files.mkdir(parents=True, exist_ok=True)
    xlsx = workdir / texts.EXPORT_XLSX_FILE.format(year=year)
    xlsx.write_bytes(workbook(entries, year, fmt))
    with_files = [e for e in entries if e.report is not None]
    names = dict(zip((e.agency for e in with_files), unique_names(with_files, year), strict=True))
    jobs = [(with_totals(e.report), files / f"{names[e.agency]}.docx") for e in with_files]  # type: ignore[arg-type]
    problems = render_documents(jobs, workers)
    failed = [e.agency for e, problem in zip(with_files, problems, strict=True) if problem is not None]
    made = [e for e, problem in zip(with_files, problems, strict=True) if problem is None]
    docx = {e.agency: files / f"{names[e.agency]}.docx" for e in made}

    result = Export(year, [], xlsx, len(entries), len(made), pdf=pdf, docx_failed=failed)
    if not pdf:
        result.pdf_reason = texts.EXPORT_PDF_OFF
    else:
        result.pdf_reason = _pdfs(list(docx.values()), files)
        result.pdf = result.pdf_reason is None
    pdfs = {a: p.with_suffix(".pdf") for a, p in docx.items()} if result.pdf else {}
    result.pdf_missing = [a for a, p in pdfs.items() if not p.exists()]
    groups = [[docx[a], *([pdfs[a]] if a in pdfs and pdfs[a].exists() else [])] for a in docx]

    reserved = _entry_size(xlsx.name, xlsx.stat().st_size) + 8_000  # the workbook and a 说明.txt
    parts = _groups_within(groups, limit, reserved)
    if result.pdf_reason:
        pdf_line = texts.EXPORT_README_NO_PDF.format(reason=result.pdf_reason)
    elif result.pdf_missing:
        pdf_line = texts.EXPORT_README_PDF_MISSING.format(agencies="、".join(result.pdf_missing))
    else:
        pdf_line = texts.EXPORT_README_PDF
    for n, part in enumerate(parts, 1):
        name = (
            texts.EXPORT_ZIP_FILE.format(year=year)
            if len(parts) == 1
            else texts.EXPORT_ZIP_PART_FILE.format(year=year, n=n, total=len(parts))
        )
        readme = _readme(entries, year, xlsx.name, pdf_line, failed, (n, len(parts)))
        path = workdir / name
        _write_archive(path, [f for group in part for f in group], readme, xlsx if n == 1 else None)
        result.archives.append(path)
    return result
