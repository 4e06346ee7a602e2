"""The real bot (`python -m bot run`, a subprocess) against the fake Bot API, and a member who has joined.

A test reads like the chat: ``await chat.send("/fill")``, ``await chat.expect("已保存")``,
``await chat.click("没有，全部填 0")``. The bot can be killed (-9) and started again on the same
database, which is how the tests prove that nothing acknowledged is lost.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import ChatClient, FakeBotApi
from tests.support.databases import database_url
from tests.support.process import ROOT, BotSubprocess

ADMIN_ID = 42
MEMBER_ID = 1001


class BotProcess(BotSubprocess):
    """`python -m bot run` against the fake Bot API, started, stopped and killed at will."""

    def __init__(self, server: FakeBotApi, workdir: Path, database_url: str) -> None:
        super().__init__(
            workdir,
            {
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "TELEGRAM_BOT_TOKEN": server.token,
                "TELEGRAM_API_URL": server.root,
                "DATABASE_URL": database_url,
                "BOT_ADMINS": str(ADMIN_ID),
                "LOG_LEVEL": "DEBUG",
            },
        )
        self.server = server
        self.log = workdir / "bot.log"

    def start(self, timeout: float = 20) -> None:
        # Ready once it polls, or in webhook mode once it has registered its webhook.
        method = "setWebhook" if self.env.get("WEBHOOK_URL") else "getUpdates"
        polls = len(self.server.calls(method))
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"], cwd=self.workdir, env=self.env, stdout=log, stderr=log
            )
        deadline = time.monotonic() + timeout
        while len(self.server.calls(method)) <= polls:  # the bot is ready
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the bot did not start:\n{self.log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.05)

    def kill(self) -> None:
        """kill -9: no shutdown code runs, as in a power cut or an OOM kill."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


@pytest.fixture
def server() -> Iterator[FakeBotApi]:
    with FakeBotApi() as api:
        yield api


def _running(server: FakeBotApi, workdir: Path, database_url: str) -> Iterator[BotProcess]:
    process = BotProcess(server, workdir, database_url)
    process.start()
    yield process
    process.stop()
    assert server.token not in process.log.read_text(errors="replace"), "the token leaked into the log"


@pytest.fixture
def bot(server: FakeBotApi, tmp_path: Path) -> Iterator[BotProcess]:
    """The bot on its default database, a SQLite file."""
    yield from _running(server, tmp_path, f"sqlite:///{tmp_path / 'nianbao.db'}")


@pytest.fixture
def bot_on_each_database(server: FakeBotApi, tmp_path: Path, database_url: str) -> Iterator[BotProcess]:
    """The bot on SQLite, then on PostgreSQL (DATABASE_URL switches it)."""
    yield from _running(server, tmp_path, database_url)


def invite_code(bot: BotProcess, agency: str = "绥芬河市文体广电和旅游局", level: str = "department") -> str:
    result = bot.run_cli("invite", agency, "--level", level)
    assert result.returncode == 0, result.stderr
    return result.stdout.rsplit("邀请码：", 1)[1].strip()


async def joined(
    server: FakeBotApi, bot: BotProcess, *, user_id: int = MEMBER_ID, agency: str = "绥芬河市文体广电和旅游局"
) -> ChatClient:
    chat = ChatClient(server, user_id=user_id, first_name="小李", quiet=0.25)
    await chat.send(f"/start {invite_code(bot, agency)}")
    await chat.expect("请填写“开篇说明”")
    return chat


__all__ = ["database_url"]


def run(coroutine: object) -> None:
    asyncio.run(coroutine)  # type: ignore[arg-type]
