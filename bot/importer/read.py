"""A published report read into a Report: each kind of file to blocks, blocks to outline and tables."""

from __future__ import annotations

from dataclasses import dataclass

from bot import texts
from bot.importer import files
from bot.importer.blocks import Block, read_text
from bot.importer.files import FileKind, ImportFailed
from bot.importer.outline import read_outline
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


def _blocks(kind: FileKind, data: bytes) -> list[Block]:
    if kind is FileKind.DOCX:
        return read_docx(files.open_docx(data))
    if kind is FileKind.HTML:
        return read_html(files.decode_html(data))
    return read_text(files.decode_text(data))


def from_blocks(blocks: list[Block]) -> Imported:
    """The report a document's blocks hold, or ImportFailed when they hold none."""
    outline = read_outline(blocks)
    tables = read_tables(stream(outline.tables))
    if not outline.recognised and not tables.values:
        raise ImportFailed(texts.IMPORT_NOT_A_REPORT)
    if not outline.agency or outline.year is None:
        raise ImportFailed(texts.IMPORT_NO_TITLE)
    warnings = [texts.IMPORT_FORMAT_2019.format(missing="；".join(MISSING_IN_2019))] if tables.old_format else []
    warnings += outline.warnings + tables.warnings
    if outline.date is None:
        warnings.append(texts.IMPORT_NO_DATE)
    level = Level.GOVERNMENT if outline.agency.endswith(GOVERNMENT_SUFFIX) else Level.DEPARTMENT
    values = {**outline.texts, **tables.values}
    report = Report(agency=outline.agency, level=level, year=outline.year, date=outline.date, values=values)
    return Imported(report, warnings, FORMAT_2019 if tables.old_format else FORMAT_2021, check(report))


def import_report(filename: str, data: bytes) -> Imported:
    """Read a report from a .txt copied from a web page, a .docx, an .html page or a data file (.json).

    Raises ImportFailed, with a message fit to show, for a file that is refused or holds no report.
    """
    kind = files.kind_of(filename)
    files.check_size(data)
    if kind is FileKind.JSON:
        try:
            report = datafile.loads(files.decode_text(data))
        except datafile.DataFileError as exc:
            raise ImportFailed(str(exc)) from None
        return Imported(report, [], FORMAT_2021, check(report))
    blocks = _blocks(kind, data)
    if not blocks:
        raise ImportFailed(texts.UPLOAD_EMPTY)
    return from_blocks(blocks)
