"""Telegram's errors on every Bot API method the walk uses: the answer is saved, its reply arrives (retried
until Telegram takes it), and nobody is told that something went wrong when only the network did."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from sqlalchemy import text

from storage.db import make_engine
from tests.e2e.conftest import BotProcess, joined, run
from tests.e2e.test_robustness import to_licensing
from tests.support import ChatClient, FakeBotApi

APOLOGY = "出了点问题"
SLOW = 30.0  # a time-out costs the client 5 s, and a second one as long, then the retry


def _blocked(bot: BotProcess, user_id: int) -> bool:
    engine = make_engine(bot.env["DATABASE_URL"])
    with engine.connect() as connection:
        query = text("SELECT blocked_at FROM member WHERE telegram_user_id = :user")
        blocked = connection.execute(query, {"user": user_id}).scalar()
    engine.dispose()
    return blocked is not None


def _no_apology(chat: ChatClient) -> None:
    said = [m.text or "" for m in chat.history() if m.from_bot]
    assert not any(APOLOGY in text for text in said), said


FAULTS: dict[str, Callable[[FakeBotApi, str], None]] = {
    "500": lambda server, method: server.fail(method, 500),
    "502": lambda server, method: server.fail(method, 502, times=3),
    "429": lambda server, method: server.flood_control(method, retry_after=1, times=2),
    "timeout after processing": lambda server, method: server.time_out(method, after_processing=True),
    "timeout before processing": lambda server, method: server.time_out(method, after_processing=False),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_reply_survives_telegrams_errors(server: FakeBotApi, bot: BotProcess, fault: str) -> None:
    async def conversation() -> None:
        chat = await joined(server, bot)
        await to_licensing(chat)
        FAULTS[fault](server, "sendMessage")
        await chat.send("11")  # typed: its reply is a sendMessage
        await chat.expect("✅ 行政许可：11", timeout=SLOW)
        FAULTS[fault](server, "answerCallbackQuery")
        FAULTS[fault](server, "sendMessage")
        await chat.click("本条各项均为 0")  # a tap: the spinner's answer and the reply both fail first
        await chat.expect("✅ 已填 0：行政处罚、行政强制", timeout=SLOW)
        await chat.send("/review 二")
        text = (await chat.expect("概览", timeout=SLOW)).text
        assert "行政许可：11" in text and "行政处罚：0" in text and "行政强制：0" in text, text
        _no_apology(chat)

    run(conversation())


def test_a_report_reaches_the_member_although_senddocument_fails(server: FakeBotApi, bot: BotProcess) -> None:
    async def conversation() -> None:
        chat = await joined(server, bot)
        server.fail("sendDocument", 502, times=2)
        await chat.send("/report draft")
        name, content = await chat.document(".docx", timeout=SLOW)
        assert name.endswith("年政府信息公开工作年度报告.docx") and content.startswith(b"PK")
        _no_apology(chat)

    run(conversation())


def test_a_member_who_blocked_the_bot_is_skipped_and_served_again_after_unblocking(
    server: FakeBotApi, bot: BotProcess
) -> None:
    async def conversation() -> None:
        chat = await joined(server, bot)
        other = await joined(server, bot, user_id=1002)
        server.block_chat(chat.chat_id)
        await chat.click("使用标准开篇")  # saved; its reply refused with 403 and dropped
        for _ in range(100):  # the reply is attempted only after the answer was committed
            if any(c.status == 403 for c in server.calls("sendMessage") if c.chat_id == chat.chat_id):
                break
            await asyncio.sleep(0.05)
        await other.send("/fill")
        await other.expect("总体情况概述")  # nobody else waits for the blocked chat
        for _ in range(50):  # recorded right after Telegram's 403
            if _blocked(bot, chat.chat_id):
                break
            await asyncio.sleep(0.05)
        assert _blocked(bot, chat.chat_id)  # reminders skip the member now
        server.unblock_chat(chat.chat_id)
        await chat.send("/fill")
        await chat.expect("总体情况概述")  # the tap before the block was kept
        assert not _blocked(bot, chat.chat_id)  # writing again: reminded again
        _no_apology(chat)

    run(conversation())
