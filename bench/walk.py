"""A scripted member walks the whole seed report against the fake Bot API.

Prints the number of user actions (messages and taps; each prose answer counts once, however many
messages and taps it took) and the bot's handling time per update (p50/p99), without the time spent
waiting for the Bot API. Targets (issue 3): the all-zero seed in ≤ 20 actions besides its 8 prose
answers; p99 ≤ 10 ms. A second member then walks a non-zero county government report (every table used;
issue 10: ≤ 45 actions besides the prose parts), typing each row as a person reads it off last year's
spreadsheet and using the 0 buttons where a whole group is 0.

The bot runs in a process of its own, as in production, so the fake server and the scripted user (in
this process) never compete with it for the interpreter; the bot reports its timings when it stops.

Usage: python bench/walk.py [--database-url URL] [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import tempfile
import time
from contextvars import ContextVar
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from machine import describe
from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from bot.chat.app import build_application
from bot.chat.service import Walk
from bot.config import Settings
from bot.delivery.run import serve
from bot.engine.questions import Kind, questions
from bot.reminders.pacing import Pacer
from bot.render.pdf import soffice
from bot.report import datafile
from bot.report.model import Report, format_number
from bot.schema import Level
from storage.db import make_engine, upgrade
from tests.support import ChatClient, FakeBotApi

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
SEED = datafile.load(DATA / "example-2023-suifenhe.json")
COUNTY = datafile.load(DATA / "county-2025-government.json")


# The time the update being handled has spent in Bot API calls so far (seconds), in a one-item list.
SPENT: ContextVar[list[float] | None] = ContextVar("spent", default=None)


class TimedPacer(Pacer):
    """Counts the time each update spends in Bot API calls, to subtract it: the wait for a free slot
    within Telegram's 30 messages a second (a scripted user taps faster than any person, and reaches it),
    then the call itself (encoding, HTTP, decoding). Calls of other tasks are not counted."""

    async def process_request(self, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return await super().process_request(*args, **kwargs)
        finally:
            if (spent := SPENT.get()) is not None:
                spent[0] += time.perf_counter() - start


def bot_process(settings: dict[str, Any], conn: Connection) -> None:
    """The bot, as `nianbao run` builds it, with two extra handlers around the real ones that time each
    update; it runs until the parent says stop, then sends back (label, milliseconds) per update."""
    asyncio.run(_serve(Settings(**settings, _env_file=None), conn))


async def _serve(settings: Settings, conn: Connection) -> None:
    app = build_application(settings, pacer=TimedPacer())
    timings: list[tuple[str, float]] = []
    started: dict[int, tuple[float, list[float]]] = {}

    async def begin(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        spent = [0.0]
        SPENT.set(spent)  # the handlers of one update run in one task, after this one
        started[update.update_id] = (time.perf_counter(), spent)

    async def end(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        wall, spent = started.pop(update.update_id)
        elapsed = (time.perf_counter() - wall - spent[0]) * 1000
        query = update.callback_query
        label = query.data if query else (update.effective_message.text if update.effective_message else "")
        timings.append(((label or "")[:24], elapsed))

    app.add_handler(TypeHandler(Update, begin), group=-1)
    app.add_handler(TypeHandler(Update, end), group=1)
    stop, ready = asyncio.Event(), asyncio.Event()
    bot = asyncio.create_task(serve(app, settings, stop, ready))  # as `nianbao run` does
    await ready.wait()
    conn.send("ready")
    await asyncio.get_running_loop().run_in_executor(None, conn.recv)
    stop.set()
    await bot
    conn.send(timings)


async def walk(server: FakeBotApi, code: str, user_id: int) -> tuple[int, int, str, int, float]:
    chat = ChatClient(server, user_id=user_id, first_name="小李", quiet=0.05)
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
        nonlocal prose_answers
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
    asked = time.perf_counter()
    await send("/report", "正在生成")
    await chat.document(".pdf" if soffice() else ".docx", timeout=60)  # the last file to arrive
    name, body = await chat.document(".docx")
    delivered = (time.perf_counter() - asked) * 1000
    return actions, prose_answers, name, len(body), delivered


async def walk_nonzero(server: FakeBotApi, code: str, user_id: int, report: Report) -> tuple[int, int]:
    """A member fills a non-zero report as the questions come: a row's numbers typed, 0 buttons where a
    whole article or group is 0, 有/没有 at a table's gate. Returns (actions besides prose, prose answers)."""
    chat = ChatClient(server, user_id=user_id + 500, first_name="小王", quiet=0.05)
    actions = prose_answers = 0
    await chat.send(f"/start {code}")
    await chat.expect("开篇说明", timeout=30)
    actions += 1
    await chat.click("使用标准开篇")
    await chat.expect("✅", timeout=30)
    actions += 1
    filled: set[str] = {"text.preamble"}
    for q in questions(report.format):
        if q.id in filled:
            continue
        if q.kind is Kind.PROSE:
            await chat.send(report.text(q.id) or "")
            await chat.expect("已记录", timeout=30)
            await chat.click("完成")
            await chat.expect("✅ 已保存", timeout=30)
            prose_answers += 1
            continue
        assert q.table is not None
        if q.kind is Kind.GATE:
            rows = [r for r in q.table.input_rows]
            if all(not any(report.cells(q.table, r)) for r in rows):
                await chat.click("没有，全部填 0")
                await chat.expect("已全部填 0", timeout=30)
                filled.update(r.key for r in rows)
            else:
                await chat.click("有")
                await chat.expect("请依次发送", timeout=30)
            actions += 1
            continue
        assert q.row is not None
        inputs = [report.cells(q.table, q.row)[i] for i in q.table.input_columns]
        group = [r.key for r in q.zero_rows]
        if len(group) > 1 and all(not any(report.cells(q.table, q.table.row(k))) for k in group):
            label = "本条各项均为 0" if q.table.caption else f"{q.zero_rows[0].groups[-1]}各项均为 0"
            await chat.click(label)
            filled.update(group)
        else:
            await chat.send(" ".join(format_number(v) for v in inputs))
        await chat.expect("✅", timeout=30)
        actions += 1
    await chat.expect("全部填写完成", timeout=30)
    await chat.send("/report")
    actions += 1
    await chat.expect("检查通过", timeout=30)
    return actions, prose_answers


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--rounds", type=int, default=3, help="members walking one after another (default 3)")
    args = parser.parse_args()
    # Update ids go on from those of earlier runs, as Telegram's do: a database that is not new (say
    # PostgreSQL) remembers the handled ones and would take a repeated id for a repeated delivery.
    first_update_id = int(time.time() * 1000)
    with tempfile.TemporaryDirectory() as tmp, FakeBotApi(first_update_id=first_update_id) as server:
        database_url = args.database_url or f"sqlite:///{tmp}/bench.db"
        engine = make_engine(database_url)
        upgrade(engine)
        stamp = int(time.time())
        codes = []
        for round_ in range(args.rounds):  # one agency per round: each walk starts from an empty report
            name = f"{SEED.agency}（{stamp}-{round_}）"
            codes.append(Walk(engine).invite(name=name, level=Level.DEPARTMENT, created_by=None)[0])
        county = f"{COUNTY.agency}（{stamp}）"
        county_code = Walk(engine).invite(name=county, level=Level.GOVERNMENT, created_by=None)[0]
        engine.dispose()
        settings = {
            "telegram_bot_token": server.token,
            "telegram_api_url": server.root,
            "database_url": database_url,
            "bot_admins": (42,),
        }
        ours, theirs = multiprocessing.Pipe()
        child = multiprocessing.get_context("spawn").Process(target=bot_process, args=(settings, theirs))
        child.start()
        if not ours.poll(60) or ours.recv() != "ready":
            raise SystemExit("the bot did not start")
        walks = [asyncio.run(walk(server, code, 1001 + i)) for i, code in enumerate(codes)]
        nonzero = asyncio.run(walk_nonzero(server, county_code, 1001, COUNTY))
        ours.send("stop")
        timings: list[tuple[str, float]] = ours.recv()
        child.join(30)

    actions, prose_answers, name, size, _ = walks[0]
    figures = [ms for _, ms in timings]
    seed_updates = sum(w[0] + 2 * w[1] for w in walks)  # each prose answer: its text and 完成
    seed, county = figures[:seed_updates], figures[seed_updates:]
    print(describe())
    print(f"database: {database_url.split('://')[0]}; {len(walks)} members, one after another")
    print(f"document: {name} ({size:,} bytes)")
    print(f"user actions besides prose: {actions} (target ≤ 20); prose answers: {prose_answers}")
    print(f"non-zero county report: {nonzero[0]} actions besides prose (target ≤ 45); prose answers: {nonzero[1]}")
    print("per update (ms):", " ".join(f"{ms:.1f}" for ms in figures))
    slowest = sorted(timings, key=lambda t: -t[1])[:3]
    print("slowest:", ", ".join(f"{label!r} {ms:.1f}" for label, ms in slowest))
    print(
        f"updates handled: {len(figures)}; handling time p50 {statistics.median(figures):.1f} ms, "
        f"p99 {percentile(figures, 0.99):.1f} ms (target ≤ 10 ms), max {max(figures):.1f} ms"
    )
    for label, part in (("the all-zero seed walks", seed), ("the non-zero county walk", county)):
        print(
            f"  {label}: {len(part)} updates, p50 {statistics.median(part):.1f} ms, p99 {percentile(part, 0.99):.1f} ms"
        )
    print("/report to its last file received (ms):", " ".join(f"{w[4]:.0f}" for w in walks))


if __name__ == "__main__":
    main()
