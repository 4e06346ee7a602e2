"""What members wait for under load: K members walk their reports at once against the fake Bot API.

The real bot runs as in production (`python -m bot run`, a subprocess; SQLite file by default) against
the fake Bot API, which answers every call after ``--latency`` seconds, like Telegram over the network.
Each configuration (members × think time) gets a fresh server, database and bot: agencies and invites are
written to the database first (one agency per member, and a few agencies whose 3 members answer at once),
every member joins with ``/start <code>``, then answers whatever the latest bot message in their chat
asks (a tap or a message: see ``Person.decide``), waits ``think`` seconds, and so on. After ``--warmup``
seconds the measurement runs ``--seconds``; then the members stop and the bot gets a few seconds to
answer what is outstanding. Nothing is ever sent twice.

Figures, all from the fake server's clock: updates/s handled (members' actions that got their first
reply), replies/s (messages the bot sent to members), the reply latency (from the moment a member's
action was queued at the server to the bot's first new message in that chat after it), Bot API calls
per action by method, the most paced calls (messages, edits, chat actions…) that arrived within any one
second, and the most any one chat got within a second.

``--fanout N``: each configuration runs twice, without and then with N extra agencies, each with one
member whose reminder is due the moment the bot starts, so that the measurement runs while thousands of
reminders go out (the members start once the first reminder has arrived: the bot derives every plan
first, about 20 s for 2,000 overdue agencies); members' p95 is compared. What makes it due, with the
bot's real clock and default settings: the extra agencies joined in January 2026 and never finished
their 2025 report, so until 30 November that report is overdue and its latest overdue notice (every 2
working days) is unsent; from 1 December (after 09:30 Asia/Shanghai) the 2026 report's kickoff is due
for everyone, the members too.

Usage: python bench/load.py [--members 1,20,100,300] [--think 0,10] [--latency 0.1] [--seconds 60]
       [--warmup 10] [--fanout 2000] [--database-url URL] [--bot-env KEY=VALUE ...] [--quick] [--trace]
Targets (issue "Deadline rush"): at 100 ms latency, saturation ≥ 27 replies/s; 200 members acting every
10 s answered with p95 ≤ 1 s; never more than 30 paced calls in any second; with a 2,000-reminder
fan-out, members' p95 at most 1.5 × without it.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fanout import populate
from machine import describe

from bot.chat.service import Walk
from bot.schema import Level
from storage.db import make_engine, upgrade
from tests.support import ChatMessage, FakeBotApi

ROOT = Path(__file__).resolve().parents[1]
FIRST_MEMBER = 2_000_000
FIRST_FANOUT = 10_000_000
SHARED = 3  # members of one agency answering at once
REPLY_METHODS = {"sendmessage", "senddocument", "sendphoto"}
SHANGHAI = ZoneInfo("Asia/Shanghai")
PROSE = "本年度，我单位认真贯彻落实《中华人民共和国政府信息公开条例》，主动公开各类政府信息，依法办理依申请公开。"


# The members


@dataclass
class Person:
    """One member in one private chat: decides the next action from the latest bot message only."""

    server: FakeBotApi
    user_id: int
    code: str
    rng: random.Random
    trace: bool = False
    typed: int = 0  # row answers typed so far; every other one is typed, the others tapped
    actions: int = 0
    asked_at: int = 0  # the chat's last message id when the member last acted
    changed: asyncio.Event = field(default_factory=asyncio.Event)  # set when the bot changes the chat

    @property
    def user(self) -> dict[str, object]:
        return {"id": self.user_id, "is_bot": False, "first_name": f"成员{self.user_id}", "language_code": "zh-hans"}

    def send(self, text: str) -> None:
        content: dict[str, object] = {"text": text}
        if text.startswith("/"):
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        chat = {"id": self.user_id, "type": "private", "first_name": f"成员{self.user_id}"}
        self.asked_at = self.server.last_message_id(self.user_id) + 1
        self.server.receive_message(user=self.user, chat=chat, **content)
        self._log(f"→ {text[:30]!r}")

    def tap(self, message: ChatMessage, label: str) -> None:
        button = next(b for b in message.buttons if b.text == label)
        self.asked_at = self.server.last_message_id(self.user_id)
        self.server.receive_callback_query(
            user=self.user, chat_id=self.user_id, message_id=message.message_id, data=button.callback_data or ""
        )
        self._log(f"→ [{label}]")

    def question(self) -> ChatMessage | None:
        """The latest bot message, if it came after the member's last action and asks something."""
        message = self.server.latest_bot_message(self.user_id)
        if message is None or message.message_id <= self.asked_at or self.decide(message) is None:
            return None
        return message

    def act(self, message: ChatMessage) -> None:
        decision = self.decide(message)
        assert decision is not None
        kind, what = decision
        self._log(f"← {message}")
        self.actions += 1
        if kind == "tap":
            self.tap(message, what)
        else:
            self.send(what)

    def decide(self, message: ChatMessage) -> tuple[str, str] | None:
        """("tap", label) or ("send", text) answering the message; None if it asks nothing."""
        text, buttons = message.text or "", message.button_texts
        edits = [b for b in buttons if b.startswith("修改")]
        if edits:  # the review, or a table's items: change one (the walk goes on from there)
            return "tap", self.rng.choice(edits)
        for label in ("使用标准开篇", "完成", "没有，全部填 0", "继续填写", "稍后再改"):
            if label in buttons:
                return "tap", label
        zero = next((b for b in buttons if b == "0" or b.endswith("均为 0")), None)
        many = re.search(r"请依次发送 (\d+) 个数字", text) or re.search(r"请发送 (\d+) 个数字", text)
        one = "是多少？" in text or "请发送一个数字" in text
        if zero or many or one:
            self.typed += 1
            if zero and self.typed % 2:
                return "tap", zero
            if many:
                return "send", " ".join("0" for _ in range(int(many[1])))
            if one:
                return "send", str(self.rng.randint(0, 9))
            return "tap", zero or ""
        if "请填写“" in text or "没有收到文字内容" in text:
            return "send", PROSE
        if "全部填写完成" in text:
            return "send", "/review"
        others = [b for b in buttons if b not in ("上一步", "稍后提醒", "查看进度", "生成报告", "仍生成草稿")]
        if others:
            return "tap", others[0]
        return None

    def _log(self, line: str) -> None:
        if self.trace:
            print(f"  [{self.user_id}] {line}", flush=True)


async def play(member: Person, think: float, until: float, stop_fill_after: float = 15.0) -> None:
    """Act on each question as it comes, ``think`` seconds after it came, until ``until``. A member whose
    chat has stayed quiet with nothing to answer for a while asks for the current question (/fill)."""
    member.send(f"/start {member.code}")
    waiting_since = time.monotonic()
    while time.monotonic() < until:
        member.changed.clear()
        message = member.question()
        if message is None:
            latest = member.server.latest_bot_message(member.user_id)
            quiet = time.monotonic() - (member.server.last_activity(member.user_id) or waiting_since)
            newer = latest is not None and latest.message_id > member.asked_at
            if newer and quiet > stop_fill_after and time.monotonic() - waiting_since > stop_fill_after:
                member.send("/fill")  # the bot said something that asks nothing, and then nothing more
                waiting_since = time.monotonic()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(member.changed.wait(), timeout=min(1.0, max(0.01, until - time.monotonic())))
            continue
        if think:
            await asyncio.sleep(think * member.rng.uniform(0.5, 1.5))
            if time.monotonic() >= until:
                return
        member.act(member.server.latest_bot_message(member.user_id) or message)
        waiting_since = time.monotonic()


# One configuration


@dataclass
class Figures:
    members: int
    think: float
    fanout: int
    seconds: float
    actions: int = 0
    answered: int = 0
    replies: int = 0
    latencies: list[float] = field(default_factory=list)
    per_action: dict[str, float] = field(default_factory=dict)
    paced_max: int = 0
    chat_max: int = 0
    reminders_sent: int = 0
    reminders_in_window: int = 0
    reminders_span: tuple[float, float] = (0.0, 0.0)  # first and last reminder, seconds after the bot was ready
    bot_failed: str | None = None
    log_errors: list[str] = field(default_factory=list)  # the bot's ERROR lines and exception lines

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def seed(database_url: str, members: int, fanout: int, stamp: str) -> list[str]:
    """Agencies and single-use invites for the members (the last ones three to an agency), and the fan-out's
    agencies with one member each; returns the members' invite codes in order."""
    engine = make_engine(database_url)
    upgrade(engine)
    walk = Walk(engine)
    shared = (members // 10) * SHARED
    codes = []
    for i in range(members):
        agency = f"负载测试局{stamp}-{i if i < members - shared else 'S' + str((i - (members - shared)) // SHARED)}"
        codes.append(walk.invite(name=agency, level=Level.DEPARTMENT, created_by=None)[0])
    engine.dispose()
    if fanout:  # joined before the 2025 reports' deadline and never finished them: they are overdue
        joined = datetime(2026, 1, 5, tzinfo=SHANGHAI)
        populate(database_url, fanout, joined=joined, name=f"提醒局{stamp}-{{i}}", first_chat=FIRST_FANOUT)
    return codes


def start_bot(
    server: FakeBotApi, workdir: Path, database_url: str, extra_env: dict[str, str]
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": server.token,
        "TELEGRAM_API_URL": server.root,
        "DATABASE_URL": database_url,
        "BOT_ADMINS": "42",
        "LOG_LEVEL": "WARNING",
        **extra_env,
    }
    with (workdir / "bot.log").open("ab") as log:
        process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=workdir, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while not (server.calls("getUpdates") or server.calls("setWebhook")):  # polling, or a webhook: ready
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the bot did not start:\n{(workdir / 'bot.log').read_text(errors='replace')[-3000:]}")
        time.sleep(0.05)
    return process


def stop_bot(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run(members: int, think: float, fanout: int, args: argparse.Namespace) -> Figures:
    stamp = f"{int(time.time() * 1000)}"
    figures = Figures(members, think, fanout, args.seconds)
    with tempfile.TemporaryDirectory() as tmp, FakeBotApi(first_update_id=int(stamp)) as server:
        database_url = args.database_url or f"sqlite:///{tmp}/load.db"
        codes = seed(database_url, members, fanout, stamp)
        server.latency(args.latency)
        process = start_bot(server, Path(tmp), database_url, dict(kv.split("=", 1) for kv in args.bot_env))
        ready = time.monotonic()
        if fanout:  # the start-up tick derives every plan first: measure while the reminders go out
            deadline = ready + 300
            while not any((c.chat_id or 0) >= FIRST_FANOUT for c in server.calls("sendMessage")[-50:]):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit("no reminder went out within 300 s of the start: nothing due?")
                time.sleep(0.2)
        rng = random.Random(members * 1000 + int(think))
        crew = [
            Person(server, FIRST_MEMBER + i, code, random.Random(rng.random()), trace=args.trace and i == 0)
            for i, code in enumerate(codes)
        ]
        started = time.monotonic()
        start, end = started + args.warmup, started + args.warmup + args.seconds
        try:
            asyncio.run(_play_all(crew, think, end))
            drain = time.monotonic() + args.drain
            while time.monotonic() < drain and not _all_answered(server, crew, start, end):
                time.sleep(0.5)
        finally:
            if process.poll() is not None:
                figures.bot_failed = (Path(tmp) / "bot.log").read_text(errors="replace")[-2000:]
            stop_bot(process)
            log = (Path(tmp) / "bot.log").read_text(errors="replace").splitlines()
            figures.log_errors = [
                line for line in log if "ERROR" in line or re.match(r"^\w+(\.\w+)*(Error|Exception):", line)
            ]
        measure(server, figures, {m.user_id for m in crew}, start, end)
        fanout_sends = [c.at - ready for c in server.calls("sendMessage") if (c.chat_id or 0) >= FIRST_FANOUT]
        figures.reminders_span = (min(fanout_sends, default=0.0), max(fanout_sends, default=0.0))
    return figures


async def _play_all(crew: list[Person], think: float, until: float) -> None:
    loop = asyncio.get_running_loop()
    by_chat = {member.user_id: member for member in crew}
    for member in crew:
        member.changed = asyncio.Event()  # of this loop

    def changed(chat_id: int) -> None:  # from the server's threads, also after this loop has closed
        if (member := by_chat.get(chat_id)) is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(member.changed.set)

    crew[0].server.watch(changed)

    async def one(member: Person, delay: float) -> None:
        await asyncio.sleep(delay)
        await play(member, think, until)

    # Joins spread over a second (or over the think time), as people do not tap at the same instant.
    spread = max(1.0, think)
    await asyncio.gather(*(one(m, m.rng.uniform(0, spread)) for m in crew))


def _first_replies(server: FakeBotApi, chats: set[int]) -> dict[int, list[float]]:
    """For each chat, when each message the bot sent there appeared (processing time), in order."""
    sent: dict[int, list[float]] = {}
    for call in server.calls():
        if call.method.lower() in REPLY_METHODS and call.status == 200 and call.chat_id in chats:
            sent.setdefault(call.chat_id, []).append(call.processed_at)
    for times in sent.values():
        times.sort()
    return sent


def _latencies(server: FakeBotApi, chats: set[int], start: float, end: float) -> tuple[int, list[float]]:
    """(actions queued within [start, end), the latency of each that got a reply)."""
    sent = _first_replies(server, chats)
    actions, latencies = 0, []
    for queued in server.queued_updates():
        if queued.chat_id not in chats or not start <= queued.at < end:
            continue
        actions += 1
        times = sent.get(queued.chat_id, [])
        index = bisect.bisect_right(times, queued.at)
        if index < len(times):
            latencies.append(times[index] - queued.at)
    return actions, latencies


def _all_answered(server: FakeBotApi, crew: list[Person], start: float, end: float) -> bool:
    actions, latencies = _latencies(server, {m.user_id for m in crew}, start, end)
    return len(latencies) >= actions


def measure(server: FakeBotApi, figures: Figures, chats: set[int], start: float, end: float) -> None:
    figures.actions, figures.latencies = _latencies(server, chats, start, end)
    figures.answered = len(figures.latencies)
    window = [call for call in server.calls() if start <= call.at < end]
    figures.replies = sum(
        1 for c in window if c.method.lower() in REPLY_METHODS and c.status == 200 and c.chat_id in chats
    )
    fanout_chats = [c for c in server.calls("sendMessage") if c.status == 200 and (c.chat_id or 0) >= FIRST_FANOUT]
    figures.reminders_sent = len(fanout_chats)
    figures.reminders_in_window = sum(1 for c in fanout_chats if start <= c.at < end)
    by_method = Counter(c.method for c in window if c.chat_id is None or c.chat_id in chats)
    figures.per_action = {m: n / max(1, figures.actions) for m, n in by_method.most_common()}
    figures.paced_max = server.paced_calls_per_window(1.0)
    per_chat = server.paced_calls_per_chat_window(1.0)
    figures.chat_max = max((n for chat, n in per_chat.items() if chat in chats), default=0)


# Output


def show(f: Figures) -> None:
    label = f"{f.members} members, think {f.think:g} s" + (f", fan-out {f.fanout}" if f.fanout else "")
    print(f"\n== {label}")
    if f.bot_failed:
        print(f"   the bot stopped during the run:\n{f.bot_failed}")
    if f.log_errors:
        print(f"   the bot logged {len(f.log_errors)} errors; the first ones:")
        for line in dict.fromkeys(f.log_errors[:40]):
            print(f"     {line[:200]}")
    print(
        f"   updates/s handled {f.answered / f.seconds:.1f}; replies/s {f.replies / f.seconds:.1f}; "
        f"actions {f.actions}, answered {f.answered} (the latencies below leave out the unanswered)"
    )
    print(
        f"   reply latency p50 {f.percentile(0.5):.2f} s, p95 {f.percentile(0.95):.2f} s, "
        f"p99 {f.percentile(0.99):.2f} s, max {max(f.latencies, default=float('nan')):.2f} s"
    )
    print("   calls per action: " + ", ".join(f"{m} {n:.2f}" for m, n in f.per_action.items()))
    print(f"   most paced calls in any 1 s (whole run): {f.paced_max} (target ≤ 30); per chat: {f.chat_max}")
    if f.fanout:
        first, last = f.reminders_span
        print(
            f"   reminders sent: {f.reminders_sent} of {f.fanout}, {f.reminders_in_window} during the measurement; "
            f"from {first:.1f} s to {last:.1f} s after the bot was ready"
        )


def summary(results: list[Figures], pairs: list[tuple[Figures, Figures]]) -> None:
    print("\n== targets")
    saturated = [f.replies / f.seconds for f in results if f.think == 0 and not f.fanout]
    if saturated:
        best = max(saturated)
        print(f"   saturation (think 0): {best:.1f} replies/s (target ≥ 27): {'met' if best >= 27 else 'NOT met'}")
    crowd = [f for f in results if f.think == 10 and f.members >= 200 and not f.fanout]
    for f in crowd:
        p95 = f.percentile(0.95)
        print(f"   {f.members} members every 10 s: p95 {p95:.2f} s (target ≤ 1 s): {'met' if p95 <= 1 else 'NOT met'}")
    if not crowd:
        print("   200 members every 10 s: not run (add 200 or more to --members and 10 to --think)")
    paced = max(f.paced_max for f in results)
    print(f"   most paced calls in any second: {paced} (target ≤ 30): {'met' if paced <= 30 else 'NOT met'}")
    for without, with_ in pairs:
        ratio = with_.percentile(0.95) / without.percentile(0.95)
        print(
            f"   {without.members} members, think {without.think:g} s: p95 {without.percentile(0.95):.2f} s without, "
            f"{with_.percentile(0.95):.2f} s with {with_.fanout} reminders: ×{ratio:.2f} (target ≤ 1.5): "
            f"{'met' if ratio <= 1.5 else 'NOT met'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", help="members at once, per configuration (default 1,20,100,300)")
    parser.add_argument("--think", default="0,10", help="seconds between a question and the answer")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds the fake Bot API takes per call")
    parser.add_argument("--seconds", type=float, help="measured seconds per configuration (default 60)")
    parser.add_argument("--warmup", type=float, help="seconds of joining and acting before that (default 10)")
    parser.add_argument("--drain", type=float, help="seconds to wait for outstanding replies (default 10)")
    parser.add_argument("--fanout", type=int, default=0, help="also run each with N reminders due (e.g. 2000)")
    parser.add_argument("--database-url", help="default: a fresh SQLite file per configuration")
    parser.add_argument("--bot-env", action="append", default=[], help="KEY=VALUE for the bot's environment")
    parser.add_argument("--quick", action="store_true", help="a 2-minute smoke: 1 and 20 members, 12 s each")
    parser.add_argument("--trace", action="store_true", help="print the first member's conversation")
    args = parser.parse_args()
    defaults = ("1,20", 12, 3, 8) if args.quick else ("1,20,100,300", 60, 10, 10)
    for name, default in zip(("members", "seconds", "warmup", "drain"), defaults, strict=True):
        if getattr(args, name) is None:
            setattr(args, name, default)
    members = [int(k) for k in args.members.split(",")]
    thinks = [float(t) for t in args.think.split(",")]

    print(describe())
    database = (args.database_url or "sqlite").split("://")[0]
    print(f"database: {database}; latency {args.latency * 1000:.0f} ms per call; {args.seconds:g} s measured")
    results, pairs = [], []
    for think in thinks:
        for k in members:
            figures = run(k, think, 0, args)
            show(figures)
            results.append(figures)
            if args.fanout:
                loaded = run(k, think, args.fanout, args)
                show(loaded)
                results.append(loaded)
                pairs.append((figures, loaded))
    summary(results, pairs)


if __name__ == "__main__":
    main()
