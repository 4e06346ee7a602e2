"""Fan-out of one reminder slot to many agencies at once, through the bot's own pipeline.

N agencies with one member each sit in a SQLite database; at a reminder slot (09:30 five working days
before the 2026 departments' deadline) the reminders are derived from the database, each claimed in the
sent-log, sent through the pacer to the fake Bot API and recorded, exactly as the bot's job does. A
share P of sendMessage calls is answered 429 retry_after=1.

Usage: python bench/fanout.py [--agencies N] [--p429 P] [--seed S]
Targets (issue 4): 0 duplicates, 0 misses, at most 30 sends in any one-second window, total ≤ 8 minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import logging
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from machine import describe
from sqlmodel import Session

from bot.chat import jobs
from bot.chat.reminders import Reminders
from bot.chat.service import Walk
from bot.reminders.pacing import Pacer
from bot.reminders.schedule import Schedule
from bot.schema import Level
from storage.db import make_engine, upgrade
from storage.models import Agency, Member
from tests.support import FakeBotApi, application_builder

FIRST_CHAT = 10_000_000
SHANGHAI = ZoneInfo("Asia/Shanghai")


def max_in_window(times: list[float], span: float = 1.0) -> int:
    """The largest number of moments in any closed window [t, t + span]."""
    times = sorted(times)
    return max((bisect.bisect_right(times, t + span) - i for i, t in enumerate(times)), default=0)


def populate(
    database_url: str,
    agencies: int,
    *,
    joined: datetime = datetime(2026, 11, 1, tzinfo=SHANGHAI),
    name: str = "第{i}局",
    first_chat: int = FIRST_CHAT,
) -> None:
    """N department agencies with one member each, written in bulk (as years of invites would have): agency
    ``name.format(i=i)``, member ``first_chat + i``, both from ``joined``."""
    engine = make_engine(database_url)
    upgrade(engine)
    with Session(engine) as session:
        rows = [Agency(name=name.format(i=i), level=Level.DEPARTMENT, created_at=joined) for i in range(agencies)]
        session.add_all(rows)
        session.flush()
        session.add_all(
            Member(agency_id=a.id, telegram_user_id=first_chat + i, display_name=f"成员{i}", joined_at=joined)
            for i, a in enumerate(rows)
        )
        session.commit()
    engine.dispose()


async def fan_out(server: FakeBotApi, database_url: str, now: datetime) -> tuple[int, dict[str, int], float]:
    """One tick of the reminder job at ``now``: returns the deliveries found, the outcome counts, and the
    seconds spent deriving them from the database."""
    walk = Walk(make_engine(database_url), clock=lambda: now)
    reminders = Reminders(walk, Schedule())
    app = application_builder(server).rate_limiter(Pacer()).build()
    started = time.monotonic()
    deliveries = await asyncio.to_thread(reminders.due, now)
    derived = time.monotonic() - started
    async with app:
        counts = await jobs.deliver(app.bot, reminders, deliveries)
        again = await jobs.deliver(app.bot, reminders, await asyncio.to_thread(reminders.due, now))
    counts["sent twice"] = again["sent"]
    return len(deliveries), counts, derived


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agencies", type=int, default=10_000)
    parser.add_argument("--p429", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    # One 429 a second is the point of this run; the pacer's warning for each would drown the figures.
    logging.getLogger("bot.reminders.pacing").setLevel(logging.ERROR)

    print(describe())
    print(f"agencies: {args.agencies}, 429 share: {args.p429:.0%} (retry_after=1), batch: {jobs.BATCH}")

    chats = list(range(FIRST_CHAT, FIRST_CHAT + args.agencies))
    slot = datetime(2027, 1, 22, 9, 30, tzinfo=SHANGHAI)  # "before-5" of the 2026 departments' reports
    with tempfile.TemporaryDirectory() as tmp, FakeBotApi() as server:
        database_url = f"sqlite:///{tmp}/fanout.db"
        populate(database_url, args.agencies)
        if args.p429:
            server.flood_control("sendMessage", retry_after=1, probability=args.p429, seed=args.seed)
        start = time.monotonic()
        found, counts, derived = asyncio.run(fan_out(server, database_url, slot))
        total = time.monotonic() - start
        calls = server.calls("sendMessage")

    delivered = Counter(call.params["chat_id"] for call in calls if call.status == 200)
    duplicates = sum(1 for count in delivered.values() if count > 1)
    misses = sum(1 for chat_id in chats if chat_id not in delivered)
    answered_429 = sum(1 for call in calls if call.status == 429)
    window_ok = max_in_window([call.at for call in calls if call.status == 200])
    window_all = max_in_window([call.at for call in calls])

    print(f"reminders due: {found}; derived from the database in {derived:.1f} s")
    print(f"total: {total:.1f} s ({args.agencies / total:.1f} agencies/s)")
    print(f"sendMessage calls: {len(calls)}, answered 429: {answered_429}")
    print(f"max successful sends in any 1-s window: {window_ok} (all sendMessage calls: {window_all})")
    print(f"duplicates: {duplicates}, misses: {misses}; a second tick sent {counts['sent twice']}")
    print("outcomes:", ", ".join(f"{kind} {count}" for kind, count in counts.items() if kind != "sent twice"))
    met = duplicates == 0 and misses == 0 and window_all <= 30 and total <= 8 * 60
    print("targets (0 duplicates, 0 misses, max window ≤ 30, total ≤ 8 min):", "met" if met else "NOT met")


if __name__ == "__main__":
    main()
