"""Text from an uploaded .txt or .docx, refusing anything else or anything dangerous to open.

The checks themselves (size, zip bomb, file signature, text encoding) are bot.importer.files, the one
gate every uploaded file passes.
"""

from __future__ import annotations

from bot import texts
from bot.importer import files

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
