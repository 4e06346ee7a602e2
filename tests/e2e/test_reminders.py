"""Reminders in the running bot: its JobQueue against the fake Bot API, with a controlled clock.

The application is built exactly as `nianbao run` builds it (settings, database, pacer, jobs) and
started the way run_polling starts it; the clock is the only thing a test moves.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from telegram.ext import Application

from bot.chat import jobs
from bot.chat.app import build_application
from bot.chat.service import Walk
from bot.config import Settings
from bot.delivery.run import serve
from bot.schema import Level
from tests.chat.test_service import Member as ServiceMember
from tests.chat.test_service import complete
from tests.e2e.conftest import run
from tests.support import ChatClient, FakeBotApi

SHANGHAI = ZoneInfo("Asia/Shanghai")
ADMIN, MEMBER, COLLEAGUE = 42, 1001, 1002


class Clock:
    def __init__(self, *when: int) -> None:
        self.at = datetime(*when, tzinfo=SHANGHAI)  # type: ignore[misc]

    def __call__(self) -> datetime:
        return self.at


@asynccontextmanager
async def running(server: FakeBotApi, database: Path, clock: Clock) -> AsyncIterator[Application]:
    settings = Settings(
        telegram_bot_token=server.token,
        telegram_api_url=server.root,
        database_url=f"sqlite:///{database}",
        bot_admins=(ADMIN,),
        _env_file=None,  # type: ignore[call-arg]
    )
    app = build_application(settings, clock=clock)
    stop, ready = asyncio.Event(), asyncio.Event()
    bot = asyncio.create_task(serve(app, settings, stop, ready))
    await asyncio.wait_for(ready.wait(), 20)
    await asyncio.sleep(0.5)  # the start-up tick
    try:
        yield app
    finally:
        stop.set()
        await bot


def messages_to(server: FakeBotApi, chat_id: int) -> list[str]:
    return [c.params.get("text", "") for c in server.calls("sendMessage") if int(c.params.get("chat_id", 0)) == chat_id]


def join(walk: Walk, user_id: int, agency: str = "甲局") -> None:
    code, _ = walk.invite(name=agency, level=Level.DEPARTMENT, created_by=None)
    assert walk.join(code=code, user_id=user_id, display_name="某").startswith("您好")


def test_a_slot_missed_while_down_is_sent_once_after_restarts(server: FakeBotApi, tmp_path: Path) -> None:
    database = tmp_path / "nianbao.db"
    clock = Clock(2026, 12, 1, 9, 29)

    async def scenario() -> None:
        async with running(server, database, clock) as app:
            walk: Walk = app.bot_data["walk"]
            join(walk, MEMBER)
            await jobs.reschedule(app)
            [job] = app.job_queue.get_jobs_by_name(jobs.JOB)  # type: ignore[union-attr]
            delay = (job.next_t - datetime.now(job.next_t.tzinfo)).total_seconds()  # type: ignore[operator]
            assert 55 <= delay <= 61  # the kickoff at 09:30, one minute of the test's clock away
            assert messages_to(server, MEMBER) == []
        clock.at = datetime(2026, 12, 1, 10, 15, tzinfo=SHANGHAI)  # the bot was down at 09:30
        async with running(server, database, clock):
            pass
        async with running(server, database, clock):  # and another restart: nothing twice
            pass
        sent = messages_to(server, MEMBER)
        assert len(sent) == 1 and "现在可以开始填写了" in sent[0]
        assert len(messages_to(server, ADMIN)) == 1  # the digest of a reminder day, once

    run(scenario())


def test_blocked_members_are_skipped_and_finalize_stops_reminders(server: FakeBotApi, tmp_path: Path) -> None:
    database = tmp_path / "nianbao.db"
    clock = Clock(2026, 12, 1, 10, 0)

    async def scenario() -> None:
        async with running(server, database, clock) as app:
            walk: Walk = app.bot_data["walk"]
            join(walk, MEMBER)
            join(walk, COLLEAGUE, "乙局")
            server.block_chat(COLLEAGUE)
            await jobs.reschedule(app)  # due now: sent at once
            await asyncio.sleep(1)
        assert len(messages_to(server, MEMBER)) == 1
        blocked_calls = len([c for c in server.calls("sendMessage") if int(c.params["chat_id"]) == COLLEAGUE])
        assert blocked_calls == 1  # tried once, answered 403

        clock.at = datetime(2027, 1, 4, 9, 30, tzinfo=SHANGHAI)  # before-20 (a working day in January)
        async with running(server, database, clock) as app:
            member = ChatClient(server, user_id=MEMBER, first_name="小李", quiet=0.3)
            reminder = member.bot_messages()[-1]
            assert "个工作日" in (reminder.text or "") and reminder.button_texts == ["继续填写", "查看进度", "稍后提醒"]
            await member.click("查看进度")
            await member.expect("填写进度")
            await member.send("/finalize")
            await member.expect("改正后才能定稿")  # not yet: the report is empty
            complete(ServiceMember(app.bot_data["walk"], MEMBER))
            await member.send("/finalize")
            await member.expect("成文日期印为 2027年1月4日")
            await member.click("确认定稿（2027年1月4日）")
            await member.expect("报告已定稿")
        reminded = len(messages_to(server, MEMBER))
        clock.at = datetime(2027, 1, 29, 10, 0, tzinfo=SHANGHAI)  # the deadline reminder's day
        async with running(server, database, clock):
            pass
        assert len(messages_to(server, MEMBER)) == reminded  # final: no more reminders
        assert len([c for c in server.calls("sendMessage") if int(c.params["chat_id"]) == COLLEAGUE]) == 1

    run(scenario())


def test_a_member_who_joins_in_the_chat_is_scheduled_at_once(server: FakeBotApi, tmp_path: Path) -> None:
    """Started with nobody to remind (in December nothing is scheduled then), the bot schedules the
    first member's reminders as soon as they join, without a restart."""
    clock = Clock(2026, 12, 1, 9, 0)

    async def scenario() -> None:
        async with running(server, tmp_path / "nianbao.db", clock) as app:
            assert app.job_queue is not None and not app.job_queue.get_jobs_by_name(jobs.JOB)
            code, _ = app.bot_data["walk"].invite(name="甲局", level=Level.DEPARTMENT, created_by=None)
            member = ChatClient(server, user_id=MEMBER, first_name="小李", quiet=0.3)
            await member.send(f"/start {code}")
            await member.expect("开篇说明")
            await asyncio.sleep(0.5)  # the reschedule runs after the reply
            [job] = app.job_queue.get_jobs_by_name(jobs.JOB)
            delay = (job.next_t - datetime.now(job.next_t.tzinfo)).total_seconds()  # type: ignore[operator]
            assert 29 * 60 <= delay <= 30 * 60 + 1  # the kickoff at 09:30

    run(scenario())


def test_started_just_before_a_reminder_the_bot_sends_that_one_only(server: FakeBotApi, tmp_path: Path) -> None:
    """Down when before-3 was due (27 January 2027), started at 09:29:45 on the 28th: the missed reminder
    is not caught up 15 seconds before before-2 comes; each member and admin hears once that day."""
    database = tmp_path / "nianbao.db"
    clock = Clock(2026, 12, 1, 9, 0)

    async def scenario() -> None:
        async with running(server, database, clock) as app:
            join(app.bot_data["walk"], MEMBER)
        clock.at = datetime(2027, 1, 28, 9, 29, 45, tzinfo=SHANGHAI)
        async with running(server, database, clock) as app:
            assert messages_to(server, MEMBER) == []  # the start-up tick sent nothing
            [job] = app.job_queue.get_jobs_by_name(jobs.JOB)  # type: ignore[union-attr]
            delay = (job.next_t - datetime.now(job.next_t.tzinfo)).total_seconds()  # type: ignore[operator]
            assert delay <= 15  # woken for before-2 at 09:30
            member = ChatClient(server, user_id=MEMBER, first_name="小李", quiet=0.3)
            clock.at = datetime(2027, 1, 28, 9, 30, tzinfo=SHANGHAI)
            await jobs.reschedule(app)
            await member.expect("距截止还有 2 个工作日")
        assert len(messages_to(server, MEMBER)) == 1
        assert len(messages_to(server, ADMIN)) == 1  # the day's digest

    run(scenario())
