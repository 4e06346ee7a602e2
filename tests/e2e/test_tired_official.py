"""A tired official's evening with the real bot: a row typed with its total, 上一步 and 保留, the tables as
pictures, and a status line that says when the files have arrived."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Callable

from PIL import Image

from tests.e2e.conftest import BotProcess, joined, run
from tests.e2e.test_table_three import skip_to_table_three
from tests.support import ChatClient, FakeBotApi


def photos(chat: ChatClient) -> list[bytes]:
    return [m.file.content for m in chat.bot_messages() if m.raw.get("photo") and m.file is not None]


async def until(done: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not done() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)


def test_totals_typed_going_back_pictures_and_file_status(server: FakeBotApi, bot: BotProcess) -> None:
    async def conversation() -> None:
        chat = await joined(server, bot)
        await skip_to_table_three(chat)
        await chat.click("有")
        await chat.expect("一、本年新收政府信息公开申请数量")
        await chat.send("80 1 0 0 0 0 81")  # copied from last year's table, total included
        await chat.expect("✅ 一、本年新收政府信息公开申请数量：80 1 0 0 0 0（总计 81）")
        await chat.send("2 0 0 0 0 0 3")
        refused = await chat.expect("但 2+0+0+0+0+0 = 2")
        assert "二、上年结转政府信息公开申请数量" in refused.text  # the question again, nothing stored
        await chat.click("上一步")
        back = await chat.expect("当前：80 1 0 0 0 0（总计 81）")
        assert "保留" in back.button_texts and "跳过" not in back.button_texts
        await chat.click("保留")
        kept = await chat.expect("保持不变")
        assert "二、上年结转" in kept.text
        await chat.send("/report preview")
        listed = await chat.expect("表格预览")
        assert "一、本年新收：总计 81（自然人 80，商业企业 1）" in listed.text
        assert "二、上年结转：未填写" in listed.text and "规章：均为 0" in listed.text
        await until(lambda: len(photos(chat)) == 3)  # the pictures follow the list
        pictures = [Image.open(io.BytesIO(png)) for png in photos(chat)]
        assert len(pictures) == 3 and all(p.format == "PNG" and max(p.size) <= 1280 for p in pictures)
        await chat.send("/report draft")
        status = await chat.expect("按您的要求生成草稿")
        await chat.document(".pdf", timeout=60)

        def current() -> str:
            return next(m for m in chat.bot_messages() if m.message_id == status.message_id).text or ""

        await until(lambda: "✅ Word 和 PDF 文件已发出" in current())
        assert "✅ Word 和 PDF 文件已发出" in current() and "正在生成" not in current()
        edited = next(m for m in chat.bot_messages() if m.message_id == status.message_id)
        assert edited.button_texts == status.button_texts  # the buttons stay

    run(conversation())
