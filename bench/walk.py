"""A scripted member walks the whole seed report against the fake Bot API.

Prints the number of user actions (messages and taps; each prose answer counts once, however many
messages and taps it took) and the bot's handling time per update (p50/p99), without the time spent
waiting for the Bot API. Targets (issue 3): the all-zero seed in ≤ 20 actions besides its 8 prose
answers; p99 ≤ 10 ms.

Usage: python bench/walk.py [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from machine import describe
from telegram import Update
from telegram.ext import ContextTypes, TypeHandler
from telegram.request import HTTPXRequest

from bot.chat.app import build_application
from bot.config import Settings
from bot.report import datafile
from bot.schema import Level
from tests.support import ChatClient, FakeBotApi
from tests.support.fake_bot_api import polling

SEED = datafile.load(Path(__file__).resolve().parents[1] / "tests" / "data" / "example-2023-suifenhe.json")


class TimedRequest(HTTPXRequest):
    """Counts the time spent in Bot API calls (encoding, HTTP, decoding), to subtract it."""

    def __init__(self) -> None:
        super().__init__(connection_pool_size=8)
        self.spent = 0.0

    async def post(self, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return await super().post(*args, **kwargs)
        finally:
            self.spent += time.perf_counter() - start


async def walk(database_url: str) -> None:
    with FakeBotApi() as server:
        settings = Settings(
            telegram_bot_token=server.token,
            telegram_api_url=server.root,
            database_url=database_url,
            bot_admins=(42,),
            _env_file=None,
        )
        request = TimedRequest()
        app = build_application(settings, request=request)
        timings: list[float] = []
        started: dict[int, tuple[float, float]] = {}

        async def begin(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
            started[update.update_id] = (time.perf_counter(), request.spent)

        async def end(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
            wall, api = started.pop(update.update_id)
            timings.append((time.perf_counter() - wall - (request.spent - api)) * 1000)

        app.add_handler(TypeHandler(Update, begin), group=-1)
        app.add_handler(TypeHandler(Update, end), group=1)
        code, _ = app.bot_data["walk"].invite(name=SEED.agency, level=Level.DEPARTMENT, created_by=None)

        async with polling(app):
            await app.post_init(app)  # as run_polling does: warm-up, command menu, reminder job
            chat = ChatClient(server, user_id=1001, first_name="小李", quiet=0.05)
            actions = prose_answers = 0

            async def send(text: str, expect: str) -> None:
                nonlocal actions
                actions += 1
                await chat.send(text)
                await chat.expect(expect, timeout=30)

            async def tap(label: str, expect: str) -> None:
                nonlocal actions
                actions += 1
                await chat.click(label)
                await chat.expect(expect, timeout=30)

            async def prose(key: str) -> None:
                nonlocal actions, prose_answers
                await chat.send(SEED.text(key) or "")
                await chat.expect("已记录")
                await chat.click("完成")
                await chat.expect("✅ 已保存")
                prose_answers += 1

            await send(f"/start {code}", "开篇说明")
            await tap("使用标准开篇", "总体情况概述")
            for prose_field in SEED.format.prose[1:7]:
                await prose(prose_field.key)
            await tap("本条各项均为 0", "行政许可")
            await send("3", "行政处罚")
            await tap("本条各项均为 0", "行政事业性收费")
            await tap("0", "是否收到过政府信息公开申请")
            await tap("没有，全部填 0", "行政复议或行政诉讼")
            await tap("没有，全部填 0", "存在的主要问题")
            for prose_field in SEED.format.prose[7:]:
                await prose(prose_field.key)
            await chat.expect("全部填写完成")
            await send("/report", "政府信息公开工作年度报告")
            name, body = chat.last_document()

    print(describe())
    print(f"database: {database_url.split('://')[0]}")
    print(f"document: {name} ({len(body):,} bytes)")
    print(f"user actions besides prose: {actions} (target ≤ 20); prose answers: {prose_answers}")
    print("per update (ms):", " ".join(f"{t:.0f}" for t in timings))
    ordered = sorted(timings)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    print(f"updates handled: {len(timings)}; handling time p50 {statistics.median(timings):.1f} ms, p99 {p99:.1f} ms")
    print("  (the /report update renders the .docx and PDF; without it:", end=" ")
    rest = sorted(timings)[:-1]
    print(f"p99 {rest[min(len(rest) - 1, round(0.99 * (len(rest) - 1)))]:.1f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(walk(args.database_url or f"sqlite:///{tmp}/bench.db"))


if __name__ == "__main__":
    main()
