"""Hostile uploads through the real bot: each is answered within 5 s with a clear message, the bot's memory
grows by less than 200 MB, and a colleague answering questions meanwhile is answered within a second."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from tests.e2e.conftest import BotProcess, joined, run
from tests.importer.test_attacks import MB, _understated, _word
from tests.support import FakeBotApi

GB18030_LINE = "本年度共主动公开政府信息一千二百三十四条，同比增长百分之五。\n"
ATTACKS = {  # the file, and what the member is told
    "2025年报告.docx": (
        _understated(_word(b"<w:document>" + b"\0" * (200 * MB) + b"</w:document>")),
        "不是有效的 .docx 文件",
    ),
    "年报.html": (
        b'<html><head><meta charset="x-mac-chinesetrad"></head><body>' + b"x" * MB + b"</body></html>",
        "文件编码（x-mac-chinesetrad）不受支持",
    ),
    "嵌套.html": (b"<html><body>" + b"<div>" * 100_000 + b"</div>" * 100_000 + b"</body></html>", "没有文字内容"),
    "年报.json": (b"[" * 100_000 + b"]" * 100_000, "嵌套过深"),
    "数字.json": (b'{"year": ' + b"9" * 100_000 + b"}", "过长"),
    "正文.txt": ((GB18030_LINE * (9 * MB // len(GB18030_LINE.encode("gb18030")))).encode("gb18030"), "内容过长"),
}


def _rss(pid: int) -> int:
    with Path(f"/proc/{pid}/status").open() as status:
        return int(next(line for line in status if line.startswith("VmRSS:")).split()[1]) * 1024


def test_hostile_uploads_are_answered_quickly_and_hold_up_nobody(server: FakeBotApi, bot: BotProcess) -> None:
    async def conversation() -> None:
        attacker = await joined(server, bot)
        colleague = await joined(server, bot, user_id=1002, agency="东宁市民政局")
        await attacker.click("使用标准开篇")
        await attacker.expect("总体情况概述")  # a prose part is asked: a text file would be its draft
        assert bot.process is not None
        before = _rss(bot.process.pid)
        waits: list[float] = []
        for name, (content, told) in ATTACKS.items():
            started = time.monotonic()
            await attacker.upload(name, content)
            for _ in range(3):  # the colleague goes on meanwhile
                asked = time.monotonic()
                await colleague.send("/status")
                await colleague.expect("填写进度", timeout=5)
                waits.append(time.monotonic() - asked - colleague.quiet)  # expect() waits for quiet too
            reply = await attacker.expect(told, timeout=5)
            assert time.monotonic() - started < 5 + 2 * 1.5, name
            assert "出了点问题" not in (reply.text or ""), (name, reply.text)
            await asyncio.sleep(0.2)
        grown = _rss(bot.process.pid) - before
        assert grown < 200 * MB, f"the bot grew by {grown // MB} MB"
        assert max(waits) < 1, waits

    run(conversation())
