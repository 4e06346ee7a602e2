"""What an upload is: a published report (to import), or the text of a prose part (.txt or .docx).

The checks themselves (size, zip bomb, file signature, text encoding) are bot.importer.files, the one
gate every uploaded file passes. The bot reads an upload with ``read_upload``, which does all of the
reading in a child process within a time and a memory limit (bot.importer.sandbox).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from multiprocessing.reduction import ForkingPickler

from bot import texts
from bot.importer import Imported, ImportFailed, files, import_report, sandbox
from bot.schema import FORMAT_2019, FORMAT_2021, Format

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt",)
DOCX_SUFFIXES = (".docx",)
FORMATS = {fmt.id: fmt for fmt in (FORMAT_2021, FORMAT_2019)}


class UploadError(Exception):
    """The file cannot be used; the message says why, in Chinese."""


def _format(format_id: str) -> Format:
    return FORMATS[format_id]


# A report read in the child process comes back with the parent's own format objects, not copies.
ForkingPickler.register(Format, lambda fmt: (_format, (fmt.id,)))


def accepted(filename: str) -> bool:
    return filename.lower().endswith(TEXT_SUFFIXES + DOCX_SUFFIXES)


def extract_text(filename: str, data: bytes) -> str:
    if not accepted(filename):
        raise UploadError(texts.UPLOAD_WRONG_KIND)
    try:
        if filename.lower().endswith(DOCX_SUFFIXES):
            text = "\n".join(p.text for p in files.open_docx(data).paragraphs)
        else:
            text = files.decode_text(data)
    except files.ImportFailed as exc:
        raise UploadError(str(exc)) from None
    text = text.strip()
    if not text:
        raise UploadError(texts.UPLOAD_EMPTY)
    return text


def read_report(filename: str, data: bytes) -> Imported:
    """The upload read as an annual report; ImportFailed, saying why, when it is none.

    A report that does not name its agency or its year is still one: it is read for the member's
    agency, and ``unnamed`` tells the chat to ask the year.
    """
    try:
        return import_report(filename, data)
    except ImportFailed as exc:
        if str(exc) != texts.IMPORT_NO_TITLE:
            raise
    return import_report(filename, data, agency=texts.IMPORT_UNNAMED, year=date.today().year, fill_in=True)


def as_report(filename: str, data: bytes) -> Imported | None:
    """The upload read as an annual report; None when it shows no sign of one (then it is prose)."""
    try:
        return read_report(filename, data)
    except ImportFailed:
        return None  # not a report, or not a file at all: read as prose, which says why it cannot be


def _has_tables(imported: Imported) -> bool:
    values = imported.report.values.values()
    return any(isinstance(value, tuple) and any(c is not None for c in value) for value in values)


def report_kind(filename: str) -> bool:
    """A file only a report import can use (a web page, a PDF or a data file)."""
    return filename.lower().endswith((".html", ".htm", ".pdf", ".json"))


@dataclass(frozen=True)
class _Refused:
    message: str


def _read(filename: str, data: bytes) -> Imported | str | _Refused:
    """The upload as a report to import, else as prose, else why not (what the child process runs).

    A page or a data file only an import can use: when that fails, the import's reason is the answer.
    """
    try:
        if not report_kind(filename):
            return as_report(filename, data) or extract_text(filename, data)
        imported = read_report(filename, data)
    except (UploadError, ImportFailed) as exc:
        return _Refused(str(exc))
    return imported if _has_tables(imported) else _Refused(texts.UPLOAD_WRONG_KIND)


async def read_upload(filename: str, data: bytes, limits: sandbox.Limits = sandbox.LIMITS) -> Imported | str:
    """The upload as a published report to import, else the prose text it holds; UploadError, with a
    message to show, for a file refused or too costly to read. Never blocks the event loop."""
    try:
        outcome = await sandbox.run(_read, filename, data, limits=limits)
    except sandbox.TimedOut:
        raise UploadError(texts.UPLOAD_TIMEOUT.format(seconds=round(limits.seconds))) from None
    except sandbox.OutOfMemory:
        raise UploadError(texts.UPLOAD_OUT_OF_MEMORY) from None
    except sandbox.Crashed as exc:
        log.error("reading upload %r failed: %s", filename, exc)
        raise UploadError(texts.UPLOAD_FAILED) from None
    if isinstance(outcome, _Refused):
        raise UploadError(outcome.message)
    return outcome
