"""What may be opened at all: the suffix, the size, the text encoding, and a .docx checked before unpacking.

This is the one gate for every file a person hands over (a report to import, prose uploaded in the
chat). A .docx is a zip archive: its central directory states each entry's size, so an obvious zip
bomb is refused from that directory alone. The directory is the sender's claim, not a fact: before
python-docx opens the archive, every entry is inflated in small chunks and the bytes that actually
come out are counted, per entry and in total, stopping at the first chunk past a limit.

Text is read only in the encodings people save Chinese text in: UTF-8, GB18030 (which covers GBK and
GB2312) and UTF-16 with a byte order mark. A page that declares anything else is refused: Python
knows codecs (punycode, utf-7…) that take minutes on a crafted megabyte.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from enum import StrEnum

import docx
from docx.document import Document

from bot import texts

MAX_BYTES = 10 * 1024 * 1024
MAX_ENTRIES = 1000
MAX_UNPACKED = 50 * 1024 * 1024  # a report unpacks to a few MB at most: more is a zip bomb
MAX_MEMBER = 20 * 1024 * 1024  # one entry: the body of a long report is 1 MB, a photo a few MB
CHUNK = 256 * 1024
MAX_RATIO = 200  # XML compresses ~10:1; an entry inflating far more than that is built to
RATIO_FLOOR = 1024 * 1024  # small entries may compress arbitrarily well without harm


class FileKind(StrEnum):
    TEXT = "text"
    DOCX = "docx"
    HTML = "html"
    JSON = "json"
    PDF = "pdf"


SUFFIXES = {
    ".txt": FileKind.TEXT,
    ".docx": FileKind.DOCX,
    ".html": FileKind.HTML,
    ".htm": FileKind.HTML,
    ".json": FileKind.JSON,
    ".pdf": FileKind.PDF,
}

# File signatures of what people most often rename to .docx by mistake.
FOREIGN = {b"%PDF": texts.IMPORT_NOT_DOCX_PDF, b"\xd0\xcf\x11\xe0": texts.IMPORT_NOT_DOCX_DOC}


class ImportFailed(Exception):
    """The file cannot be used; the message says why, in Chinese, fit to show the person who sent it."""


def _unreadable(reason: str) -> ImportFailed:
    return ImportFailed(texts.UPLOAD_UNREADABLE.format(reason=reason))


def kind_of(filename: str) -> FileKind:
    """The kind of file its name announces; anything else is refused."""
    suffix = filename[filename.rfind(".") :].lower() if "." in filename else ""
    if suffix not in SUFFIXES:
        raise ImportFailed(texts.IMPORT_WRONG_KIND.format(suffix=suffix or filename))
    return SUFFIXES[suffix]


def check_size(data: bytes) -> None:
    if len(data) > MAX_BYTES:
        raise ImportFailed(texts.UPLOAD_TOO_LARGE.format(limit=MAX_BYTES // 1024 // 1024))


def _check_archive(data: bytes) -> None:
    for signature, reason in FOREIGN.items():
        if data.startswith(signature):
            raise _unreadable(reason)
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()  # reads the central directory only
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _unreadable(texts.IMPORT_NOT_DOCX) from None
    if len(infos) > MAX_ENTRIES:
        raise _unreadable(texts.IMPORT_ZIP_ENTRIES.format(count=len(infos), limit=MAX_ENTRIES))
    if sum(i.file_size for i in infos) > MAX_UNPACKED:
        raise _unreadable(texts.IMPORT_ZIP_UNPACKED.format(limit=MAX_UNPACKED // 1024 // 1024))
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _unreadable(texts.IMPORT_ZIP_RATIO.format(name=info.filename))
    if "word/document.xml" not in {i.filename for i in infos}:
        raise _unreadable(texts.IMPORT_NOT_DOCX)
    _inflate_counting(data, infos)


def _inflate_counting(data: bytes, infos: list[zipfile.ZipInfo]) -> None:
    """Inflate every entry, counting what comes out; refuse past MAX_MEMBER or MAX_UNPACKED in total."""
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in infos:
                size = 0
                with archive.open(info) as entry:
                    while chunk := entry.read(CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if size > MAX_MEMBER:
                            raise _unreadable(texts.IMPORT_ZIP_MEMBER.format(name=info.filename))
                        if total > MAX_UNPACKED:
                            raise _unreadable(texts.IMPORT_ZIP_UNPACKED.format(limit=MAX_UNPACKED // 1024 // 1024))
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, ValueError, OSError):
        raise _unreadable(texts.IMPORT_NOT_DOCX) from None  # damaged, encrypted, or sizes that lie


def open_docx(data: bytes) -> Document:
    """A Word document from the bytes of a .docx, refused when it is not one or is dangerous to unpack."""
    check_size(data)
    _check_archive(data)
    try:
        return docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises many kinds for a damaged package
        raise _unreadable(texts.IMPORT_NOT_DOCX) from None


CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.IGNORECASE)
# The labels a page may declare, and the codec that reads each: GB2312 and GBK are subsets of GB18030,
# ASCII of UTF-8. UTF-16 is read only from its byte order mark.
CHARSETS = {
    **dict.fromkeys(("utf-8", "utf8", "us-ascii", "ascii"), "utf-8-sig"),
    **dict.fromkeys(("gb18030", "gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "x-euc-cn"), "gb18030"),
    **dict.fromkeys(("utf-16", "utf-16le", "utf-16be", "unicode"), "utf-16"),
}


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Text in UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 (which covers GBK and GB2312).

    ``declared`` is the charset a page names: tried first, and refused when it is none of these.
    """
    check_size(data)
    if declared and declared.lower() not in CHARSETS:
        raise _unreadable(texts.IMPORT_CHARSET.format(charset=declared[:40]))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    elif b"\x00" in data:
        raise _unreadable(texts.IMPORT_BINARY)
    elif declared and CHARSETS[declared.lower()] == "gb18030":
        encodings = ["gb18030", "utf-8-sig"]  # short GBK text may happen to be valid UTF-8 too
    else:
        encodings = ["utf-8-sig", "gb18030"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _unreadable(texts.IMPORT_ENCODING)


def decode_html(data: bytes) -> str:
    """A web page as text, honouring the charset its <meta> declares."""
    declared = CHARSET.search(data[:4096])
    return decode_text(data, declared.group(1).decode("ascii") if declared else None)
