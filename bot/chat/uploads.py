"""What an upload is: a published report (to import), or the text of a prose part (.txt or .docx).

The checks themselves (size, zip bomb, file signature, text encoding) are bot.importer.files, the one
gate every uploaded file passes.
"""

from __future__ import annotations

import asyncio

from bot import texts
from bot.importer import Imported, ImportFailed, files, import_report

TEXT_SUFFIXES = (".txt",)
DOCX_SUFFIXES = (".docx",)


class UploadError(Exception):
    """The file cannot be used; the message says why, in Chinese."""


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


def as_report(filename: str, data: bytes) -> Imported | None:
    """The upload read as an annual report, or None when it holds no report tables (then it is prose)."""
    try:
        imported = import_report(filename, data)
    except ImportFailed:
        return None
    has_tables = any(
        isinstance(value, tuple) and any(c is not None for c in value) for value in imported.report.values.values()
    )
    return imported if has_tables else None


def report_kind(filename: str) -> bool:
    """A file only a report import can use (a web page or a data file)."""
    return filename.lower().endswith((".html", ".htm", ".json"))


async def read_upload(filename: str, data: bytes) -> Imported | str:
    """The upload as a report to import, or else as the text of a prose part (UploadError if neither)."""
    imported = await asyncio.to_thread(as_report, filename, data)
    if imported is not None:
        return imported
    return await asyncio.to_thread(extract_text, filename, data)
