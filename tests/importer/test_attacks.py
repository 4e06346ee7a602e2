"""Files built to hurt the bot: each is answered within seconds, in a child process, with a clear refusal.

Uploads are read by ``read_upload`` in a child process with a time and a memory limit; the gate in
bot.importer.files counts what an archive really inflates to, and reads only UTF-8, GB18030 and
UTF-16 with a byte order mark.
"""

from __future__ import annotations

import asyncio
import io
import os
import struct
import time
import zipfile
import zlib
from collections.abc import Awaitable
from typing import TypeVar

import pytest

from bot.chat import uploads
from bot.chat.uploads import UploadError, read_upload
from bot.importer import ImportFailed, files, import_report, sandbox
from bot.importer.read import Imported
from bot.render.docx import render_docx
from bot.report.model import Report

T = TypeVar("T")
MB = 1024 * 1024
ZEROS = bytes(4 * MB)  # deflates to a few KB


def _rss() -> int:
    """This process's resident memory in bytes."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) * 1024


def _understated(entries: dict[str, bytes], declared: int = 100, honest_crc: bool = True) -> bytes:
    """A zip whose local headers and central directory both claim each entry unpacks to ``declared``
    bytes; with ``honest_crc`` False the checksum is that of the first ``declared`` bytes, so that a
    reader stopping there finds nothing wrong."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    data = bytearray(buffer.getvalue())
    contents = list(entries.values())
    for signature, size_at, crc_at in ((b"PK\x03\x04", 22, 14), (b"PK\x01\x02", 24, 16)):
        start = 0
        for content in contents:
            start = data.index(signature, start)
            struct.pack_into("<I", data, start + size_at, declared)
            if not honest_crc:
                struct.pack_into("<I", data, start + crc_at, zlib.crc32(content[:declared]))
            start += 4
    return bytes(data)


def _word(body: bytes) -> dict[str, bytes]:
    return {"[Content_Types].xml": b"<Types/>", "word/document.xml": body}


def _within(seconds: float, awaitable: Awaitable[T]) -> T:
    started = time.perf_counter()
    result = asyncio.run(asyncio.wait_for(awaitable, seconds + 5))
    assert time.perf_counter() - started < seconds
    return result


def _refused(filename: str, data: bytes, seconds: float = 5) -> str:
    async def read() -> str:
        with pytest.raises(UploadError) as refused:
            await read_upload(filename, data)
        return str(refused.value)

    return _within(seconds, read())


@pytest.mark.parametrize("honest_crc", [True, False])
@pytest.mark.parametrize(
    ("filename", "entries"),
    [("年报.docx", _word(ZEROS)), ("年报.docx", {"readme.txt": ZEROS, "word/document.xml": ZEROS})],
    ids=["docx", "plain-zip"],
)
def test_an_archive_that_understates_its_sizes_is_refused(
    filename: str, entries: dict[str, bytes], honest_crc: bool
) -> None:
    data = _understated(entries, honest_crc=honest_crc)
    assert len(data) < 64 * 1024
    before = _rss()
    assert "不是有效的 .docx 文件" in _refused(filename, data)
    with pytest.raises(ImportFailed, match=r"不是有效的 \.docx 文件"):
        import_report(filename, data)  # in this process too: the gate alone holds
    assert _rss() - before < 200 * MB


def test_what_an_entry_really_inflates_to_is_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    """An entry within the directory's limits is still inflated and counted before python-docx opens it."""
    monkeypatch.setattr(files, "MAX_MEMBER", MB)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:  # its directory tells the truth
        for name, content in _word(os.urandom(2 * MB)).items():
            archive.writestr(name, content)
    data = buffer.getvalue()
    monkeypatch.setattr(files.docx, "Document", lambda *_: pytest.fail("python-docx opened the archive"))
    with pytest.raises(ImportFailed, match=r"“word/document\.xml”解压后过大"):
        files.open_docx(data)


@pytest.mark.parametrize("charset", ["x-mac-chinesetrad", "punycode", "utf-7", "big5", "iso-8859-1"])
def test_a_page_in_an_encoding_people_do_not_use_is_refused(charset: str) -> None:
    page = f'<html><head><meta charset="{charset}"></head><body>'.encode() + b"<p>" + b"x" * MB + b"</p></body></html>"
    message = _refused("年报.html", page)
    assert message == f"无法读取这个文件：文件编码（{charset}）不受支持，请另存为 UTF-8 或 GBK 后再发送"


@pytest.mark.parametrize("charset", ["utf-8", "GBK", "gb2312", "GB18030"])
def test_the_encodings_people_use_are_read(charset: str) -> None:
    page = f'<html><head><meta charset="{charset}"></head><body><p>第一段。</p></body></html>'
    assert files.decode_html(page.encode("gb18030" if charset != "utf-8" else "utf-8")).endswith(
        "<p>第一段。</p></body></html>"
    )


def test_a_page_nested_100000_deep_is_answered() -> None:
    page = b"<html><body>" + b"<div>" * 100_000 + "年报".encode() + b"</div>" * 100_000 + b"</body></html>"
    assert "文件中没有" in _refused("年报.html", page)


def test_a_data_file_nested_100000_deep_is_refused() -> None:
    assert "嵌套过深" in _refused("年报.json", b"[" * 100_000 + b"]" * 100_000)


def test_ten_megabytes_of_gb18030_text_are_read() -> None:
    line = "本年度共主动公开政府信息一千二百三十四条，同比增长百分之五。\n"
    data = (line * (files.MAX_BYTES // len(line.encode("gb18030")))).encode("gb18030")
    assert files.MAX_BYTES - len(data) < 1024
    text = _within(5, read_upload("正文.txt", data))
    assert isinstance(text, str) and text.startswith(line.strip())


@pytest.mark.parametrize("kind", ["txt", "docx"])
def test_a_published_report_comes_back_with_this_process_formats(
    kind: str, seed_text: str, seed_report: Report
) -> None:
    data = seed_text.encode() if kind == "txt" else render_docx(seed_report)
    imported = _within(5, read_upload(f"年报.{kind}", data))
    assert isinstance(imported, Imported)
    assert imported.report.format is uploads.FORMATS[imported.report.format.id]
    assert imported.report.agency == "绥芬河市文体广电和旅游局"


def test_a_child_that_never_ends_is_killed_while_the_bot_goes_on() -> None:
    async def scenario() -> float:
        late = 0.0

        async def ticker() -> None:
            nonlocal late
            while True:
                started = time.perf_counter()
                await asyncio.sleep(0.1)
                late = max(late, time.perf_counter() - started - 0.1)

        ticking = asyncio.create_task(ticker())
        with pytest.raises(sandbox.TimedOut):
            await sandbox.run(time.sleep, 3600, limits=sandbox.Limits(seconds=1))
        ticking.cancel()
        return late

    assert _within(3, scenario()) < 0.5


def test_at_most_two_children_run_at_once() -> None:
    async def three() -> None:
        await asyncio.gather(*(sandbox.run(time.sleep, 0.5) for _ in range(3)))

    started = time.perf_counter()
    asyncio.run(three())
    assert time.perf_counter() - started >= 1.0


def test_a_child_past_its_memory_limit_is_refused_and_the_bot_is_not() -> None:
    before = _rss()
    with pytest.raises(sandbox.OutOfMemory):
        sandbox.run_blocking(bytearray, 2 * 1024 * MB)
    assert _rss() - before < 200 * MB


def test_a_child_that_dies_gives_no_result() -> None:
    with pytest.raises(sandbox.Crashed, match="exited with 3"):
        sandbox.run_blocking(os._exit, 3)


@pytest.mark.parametrize(
    ("failure", "says"),
    [
        (sandbox.TimedOut("x"), "文件太复杂，无法在限定时间（10 秒）内读取"),
        (sandbox.OutOfMemory("x"), "读取所需的内存超过上限"),
        (sandbox.Crashed("x"), "读取这个文件时出错"),
    ],
)
def test_what_the_member_is_told_when_reading_fails(
    failure: sandbox.SandboxError, says: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def fails(*_: object, **__: object) -> None:
        raise failure

    monkeypatch.setattr(sandbox, "run", fails)
    with pytest.raises(UploadError, match=says):
        asyncio.run(read_upload("正文.txt", b"x"))
