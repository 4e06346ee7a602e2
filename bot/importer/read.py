"""A published report read into a Report: each kind of file to blocks, blocks to outline and tables.

The agency, year and level can be given by whoever imports (a copied web text often starts below the
title); what is given wins over what the file says, with a warning naming what the file said.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot import texts
from bot.importer import files
from bot.importer.blocks import Block, read_text
from bot.importer.files import FileKind, ImportFailed
from bot.importer.outline import read_outline
from bot.importer.pdf import read_pdf
from bot.importer.runon import split_run_on
from bot.importer.tables import read_tables
from bot.importer.tokens import stream
from bot.importer.web import read_html
from bot.importer.word import read_docx
from bot.report import datafile
from bot.report.checks import Finding, check
from bot.report.model import Report
from bot.schema import FORMAT_2019, FORMAT_2021, Format, Level
from bot.schema.format2019 import MISSING_IN_2019

GOVERNMENT_SUFFIX = "人民政府"  # 某某县人民政府 reports as a government; its 办公室 and bureaus are departments


@dataclass(frozen=True)
class Imported:
    report: Report
    warnings: list[str]  # what could not be read, each naming its place
    format_detected: Format  # FORMAT_2021, or FORMAT_2019 for a report in the 2019 trial format
    findings: list[Finding]  # the checks of the imported report
    unnamed: tuple[str, ...] = ()  # "agency", "year": what the file did not say and was given instead


def _blocks(kind: FileKind, data: bytes) -> list[Block]:
    if kind is FileKind.DOCX:
        return read_docx(files.open_docx(data))
    if kind is FileKind.HTML:
        return read_html(files.decode_html(data))
    if kind is FileKind.PDF:
        return read_pdf(data)
    return read_text(files.decode_text(data))


def _same(one: str, other: str) -> bool:
    return "".join(one.split()) == "".join(other.split())


def _given(
    said_agency: str | None, said_year: int | None, agency: str | None, year: int | None
) -> tuple[str | None, int | None, list[str]]:
    """The agency and year to use, the given ones first, and a warning for each the file said otherwise."""
    warnings = []
    if agency and said_agency and not _same(agency, said_agency):
        warnings.append(texts.IMPORT_AGENCY_GIVEN.format(file=said_agency, given=agency))
    if year is not None and said_year is not None and year != said_year:
        warnings.append(texts.IMPORT_YEAR_GIVEN.format(file=said_year, given=year))
    return agency or said_agency, said_year if year is None else year, warnings


def from_blocks(
    blocks: list[Block],
    *,
    agency: str | None = None,
    year: int | None = None,
    level: Level | None = None,
    fill_in: bool = False,
) -> Imported:
    """The report a document's blocks hold, or ImportFailed when they hold none.

    ``agency``, ``year`` and ``level`` replace what the file says; with ``fill_in`` they are used only
    where the file says nothing.
    """
    blocks = split_run_on(blocks)
    outline = read_outline(blocks)
    tables = read_tables(stream(outline.tables))
    if not outline.recognised and not tables.values:
        raise ImportFailed(texts.IMPORT_NOT_A_REPORT)
    unnamed = tuple(name for name, said in (("agency", outline.agency), ("year", outline.year)) if said is None)
    if fill_in:
        agency, year, overridden = outline.agency or agency, outline.year or year, []
    else:
        agency, year, overridden = _given(outline.agency, outline.year, agency, year)
    if not agency or year is None:
        raise ImportFailed(texts.IMPORT_NO_TITLE)
    warnings = [texts.IMPORT_FORMAT_2019.format(missing="；".join(MISSING_IN_2019))] if tables.old_format else []
    warnings += overridden + outline.warnings + tables.warnings
    if outline.date is None:
        warnings.append(texts.IMPORT_NO_DATE)
    if level is None:
        level = Level.GOVERNMENT if agency.endswith(GOVERNMENT_SUFFIX) else Level.DEPARTMENT
    values = {**outline.texts, **tables.values}
    report = Report(agency=agency, level=level, year=year, date=outline.date, values=values)
    return Imported(report, warnings, FORMAT_2019 if tables.old_format else FORMAT_2021, check(report), unnamed)


def import_report(
    filename: str,
    data: bytes,
    *,
    agency: str | None = None,
    year: int | None = None,
    level: Level | None = None,
    fill_in: bool = False,
) -> Imported:
    """Read a report from a .txt copied from a web page, a .docx, a text PDF, an .html page or a data file (.json).

    ``agency``, ``year`` and ``level``, when given, replace what the file says; the warnings name what it
    said otherwise. With ``fill_in`` they are used only where the file says nothing (``unnamed`` says
    where). Without them a file that names no agency or year is refused. Raises ImportFailed, with a
    message fit to show, for a file that is refused or holds no report.
    """
    kind = files.kind_of(filename)
    files.check_size(data)
    if kind is FileKind.JSON:
        try:
            report = datafile.loads(files.decode_text(data))
        except datafile.DataFileError as exc:
            raise ImportFailed(str(exc)) from None
        warnings = _given(report.agency, report.year, agency, year)[2]
        given = {"agency": agency or None, "year": year, "level": level}
        report = replace(report, **{name: value for name, value in given.items() if value is not None})
        return Imported(report, warnings, FORMAT_2021, check(report))
    blocks = _blocks(kind, data)
    if not blocks:
        raise ImportFailed(texts.UPLOAD_EMPTY)
    return from_blocks(blocks, agency=agency, year=year, level=level, fill_in=fill_in)
