"""Webhook mode: two bot processes on one PostgreSQL behind a load balancer (the fake Bot API posts to both
in turn). Every update is handled once, each member's in order, and a reminder slot is sent once although
both processes' reminder jobs reach it at the same moment."""

from __future__ import annotations

import asyncio
import socket
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from bot.reminders import calendar
from storage.db import make_engine
from tests.e2e.conftest import BotProcess, joined
from tests.e2e.test_robustness import to_licensing
from tests.support import ChatClient, FakeBotApi

SECRET = "test-webhook-secret-0123456789"
MEMBERS = (1001, 1002, 1003, 1004)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _webhook_bots(server: FakeBotApi, tmp_path: Path, database_url: str, **env: str) -> list[BotProcess]:
    bots = []
    for n in (1, 2):
        workdir = tmp_path / f"bot{n}"
        workdir.mkdir(exist_ok=True)
        bot = BotProcess(server, workdir, database_url)
        port = _free_port()
        bot.env |= {
            "WEBHOOK_URL": "https://bot.example.gov.cn/telegram",
            "WEBHOOK_SECRET": SECRET,
            "WEBHOOK_LISTEN": f"127.0.0.1:{port}",
            **env,
        }
        bots.append(bot)
    server.webhook_backends([f"http://{b.env['WEBHOOK_LISTEN']}" for b in bots])
    return bots


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_processes_handle_each_update_once_and_send_each_reminder_once(
    server: FakeBotApi, tmp_path: Path, database_url: str
) -> None:
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    remind_today = today.month >= 2 and calendar.is_working_day(today)  # the department report of this year
    later = {"REMINDER_KICKOFF": "12-31", "REMINDER_DAYS_BEFORE": "1", "REMINDER_ON_DEADLINE": "false"}
    bots = _webhook_bots(server, tmp_path, database_url, **later)
    for bot in bots:
        bot.start()

    async def conversation() -> list[ChatClient]:
        chats = [await joined(server, bots[0], user_id=user, agency=f"测试局{user}") for user in MEMBERS]
        await asyncio.gather(*(to_licensing(chat) for chat in chats))
        for value, chat in enumerate(chats, 11):
            await chat.send(str(value))
        for value, chat in enumerate(chats, 11):
            await chat.expect(f"✅ 行政许可：{value}")
        return chats

    try:
        chats = asyncio.run(conversation())
        backends = {d.backend for d in server.webhook_deliveries() if d.status == 200}
        assert len(backends) == 2, backends  # the updates were spread over both processes
        for chat in chats:
            said = [m.text or "" for m in chat.history() if m.from_bot]
            assert len(said) == len(set(said)), said  # no reply twice: each update handled once
            assert not any("出了点问题" in t for t in said)
        engine = make_engine(database_url)
        with engine.connect() as connection:
            unhandled = connection.execute(text("SELECT count(*) FROM inbox WHERE handled_at IS NULL")).scalar()
            pending = connection.execute(text("SELECT count(*) FROM outbox WHERE status = 'pending'")).scalar()
        engine.dispose()
        assert unhandled == 0 and pending == 0
        if not remind_today:
            return
        for bot in bots:
            bot.stop()
        kickoff = {"REMINDER_KICKOFF": today.strftime("%m-%d"), "REMINDER_TIME": "00:00"}
        bots = _webhook_bots(server, tmp_path, database_url, **kickoff)
        for bot in bots:
            bot.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            reminded = [c for c in server.calls("sendMessage") if "现在可以开始填写" in (c.params.get("text") or "")]
            if len(reminded) >= len(MEMBERS):
                break
            time.sleep(0.2)
        time.sleep(2)  # both processes' start-up ticks have run
        reminded = [c for c in server.calls("sendMessage") if "现在可以开始填写" in (c.params.get("text") or "")]
        assert sorted(int(c.params["chat_id"]) for c in reminded) == sorted(MEMBERS)  # once each
    finally:
        for bot in bots:
            bot.stop()
