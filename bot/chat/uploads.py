"""Text from an uploaded .txt or .docx, refusing anything else or anything dangerous to open."""

from __future__ import annotations

import io
import zipfile

import docx

from bot import texts

MAX_BYTES = 10 * 1024 * 1024
MAX_ENTRIES = 1000
MAX_UNPACKED = 50 * 1024 * 1024  # a .docx of prose unpacks to a few MB at most: more is a zip bomb
TEXT_SUFFIXES = (".txt",)
DOCX_SUFFIXES = (".docx",)


class UploadError(Exception):
    """The file cannot be used; the message says why, in Chinese."""


def accepted(filename: str) -> bool:
    return filename.lower().endswith(TEXT_SUFFIXES + DOCX_SUFFIXES)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadError(texts.UPLOAD_UNREADABLE.format(reason="未知的文字编码"))


def _docx_text(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UploadError(texts.UPLOAD_UNREADABLE.format(reason="不是有效的 .docx 文件")) from None
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES or sum(i.file_size for i in infos) > MAX_UNPACKED:
        raise UploadError(texts.UPLOAD_UNREADABLE.format(reason="文件解压后过大"))
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises many kinds for a damaged package
        raise UploadError(texts.UPLOAD_UNREADABLE.format(reason="不是有效的 .docx 文件")) from None
    return "\n".join(p.text for p in document.paragraphs)


def extract_text(filename: str, data: bytes) -> str:
    if not accepted(filename):
        raise UploadError(texts.UPLOAD_WRONG_KIND)
    if len(data) > MAX_BYTES:
        raise UploadError(texts.UPLOAD_TOO_LARGE.format(limit=MAX_BYTES // 1024 // 1024))
    text = _docx_text(data) if filename.lower().endswith(DOCX_SUFFIXES) else _decode(data)
    text = text.strip()
    if not text:
        raise UploadError(texts.UPLOAD_EMPTY)
    return text
