"""Only reports may come in: a known suffix, at most 10 MB, and a .docx checked before it is unpacked."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from bot.chat.uploads import UploadError, extract_text
from bot.importer import ImportFailed, files, import_report

BLOCK = bytes(1024 * 1024)


def _zip(entries: dict[str, bytes | int]) -> bytes:
    """A zip archive; an int entry is that many MB of zeros, written without holding them in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            with archive.open(name, "w", force_zip64=True) as entry:
                for _ in range(content):
                    entry.write(BLOCK)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """60 MB of zeros packed into a few dozen KB, named as a Word document's body."""
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": 60})


def _refused(filename: str, data: bytes) -> str:
    with pytest.raises(ImportFailed) as refused:
        import_report(filename, data)
    return str(refused.value)


def test_a_zip_bomb_is_refused_from_its_directory_alone(zip_bomb: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(zip_bomb) < 1024 * 1024
    monkeypatch.setattr(files.docx, "Document", lambda *_: pytest.fail("the archive was opened"))
    monkeypatch.setattr(zipfile.ZipFile, "read", lambda *_: pytest.fail("an entry was unpacked"))
    started = time.perf_counter()
    message = _refused("bomb.docx", zip_bomb)
    assert time.perf_counter() - started < 0.5
    assert "文件解压后超过 50 MB" in message


def test_an_entry_compressed_beyond_reason_is_refused() -> None:
    message = _refused("bomb.docx", _zip({"word/document.xml": 5}))
    assert "“word/document.xml”压缩比异常" in message


def test_too_many_entries_are_refused() -> None:
    entries: dict[str, bytes | int] = {f"word/media/{i}.xml": b"x" for i in range(1000)}
    assert "1001 个条目" in _refused("many.docx", _zip({"word/document.xml": b"<w/>", **entries}))


def test_a_pdf_renamed_to_docx() -> None:
    message = _refused("年报.docx", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    assert message == "无法读取这个文件：" + files.texts.IMPORT_NOT_DOCX_PDF


def test_an_old_word_file_renamed_to_docx() -> None:
    assert "旧版 Word 的 .doc 文件" in _refused("年报.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))


def test_a_zip_that_is_no_word_document() -> None:
    assert "不是有效的 .docx 文件" in _refused("年报.docx", _zip({"readme.txt": b"hello"}))


def test_a_damaged_word_document() -> None:
    data = _zip({"[Content_Types].xml": b"<not xml", "word/document.xml": b"<not xml"})
    assert "不是有效的 .docx 文件" in _refused("年报.docx", data)


@pytest.mark.parametrize("filename", ["年报.doc", "年报", "年报.txt.exe", "年报.md", "年报.pdf.zip"])
def test_other_kinds_of_file_are_refused(filename: str) -> None:
    assert "只能导入 .txt（从网页复制的文字）、.docx、.pdf（文字版）、.html 或 .json" in _refused(filename, b"text")


@pytest.mark.parametrize("filename", ["年报.TXT", "年报.Docx", "page.HTM", "data.json", "年报.PDF"])
def test_suffixes_are_read_in_any_case(filename: str) -> None:
    assert files.kind_of(filename) in files.FileKind


def test_more_than_10_mb_is_refused() -> None:
    assert _refused("big.txt", b"a" * (10 * 1024 * 1024 + 1)) == "文件太大（超过 10 MB）。"


def test_binary_and_unknown_text_is_refused() -> None:
    assert "这不是文字文件" in _refused("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert "文件中没有找到政府信息公开工作年度报告" in _refused("note.txt", "随便写的一段话。".encode())
    assert "文件中没有找到政府信息公开工作年度报告" in _refused("page.html", b"<html><body><p>hello</p></body></html>")
    assert _refused("empty.txt", b"  \n ") == "文件中没有文字内容。"


def test_a_page_in_gbk_declares_its_charset(seed_text: str) -> None:
    page = f'<html><head><meta charset="gb2312"></head><body><h1>{seed_text.splitlines()[2]}</h1></body></html>'
    report = import_report("page.html", page.encode("gb18030")).report
    assert (report.agency, report.year) == ("绥芬河市文体广电和旅游局", 2023)


def test_prose_uploads_pass_the_same_gate(zip_bomb: bytes) -> None:
    with pytest.raises(UploadError, match="文件解压后超过 50 MB"):
        extract_text("intro.docx", zip_bomb)
    with pytest.raises(UploadError, match=r"只能上传 \.txt 或 \.docx 文件"):
        extract_text("intro.html", b"<p>x</p>")
    assert extract_text("intro.txt", "第一段。\n第二段。".encode("gb18030")) == "第一段。\n第二段。"
