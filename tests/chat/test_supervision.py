"""The supervising office's overview, and which report year an agency works on as the seasons turn."""

from __future__ import annotations

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from bot.chat.actions import Verb
from bot.chat.service import Walk
from bot.chat.supervision import AgencyState, overview, overview_table, overview_text
from bot.schema import Level
from tests.chat.test_service import Member, complete, finalized

SHANGHAI = ZoneInfo("Asia/Shanghai")

IDS = itertools.count(500_000)  # update ids of calls outside a Member's sequence


class Clock:
    def __init__(self, *when: int) -> None:
        self.at = datetime(*when, 9, 30, tzinfo=SHANGHAI)  # type: ignore[misc]

    def __call__(self) -> datetime:
        return self.at

    def set(self, *when: int) -> None:
        self.at = datetime(*when, 9, 30, tzinfo=SHANGHAI)  # type: ignore[misc]


def invite_and_join(walk: Walk, name: str, user_id: int, level: Level = Level.DEPARTMENT) -> Member:
    code, _ = walk.invite(name=name, level=level, created_by=None)
    walk.join(code=code, user_id=user_id, display_name="某")
    return Member(walk, user_id)


def test_overview_states_late_first(engine: Engine) -> None:
    clock = Clock(2026, 12, 10)
    walk = Walk(engine, clock=clock)
    started = invite_and_join(walk, "甲局", 1)
    done = invite_and_join(walk, "乙局", 2)
    invite_and_join(walk, "丙政府", 3, Level.GOVERNMENT)
    walk.invite(name="丁局", level=Level.DEPARTMENT, created_by=None)
    started.tap(Verb.STANDARD, "text.preamble")
    complete(done)
    finalized(walk, 2)
    rows = {r.agency: r for r in overview(walk)}
    assert rows["甲局"].state is AgencyState.IN_PROGRESS and rows["甲局"].percent == 2
    assert rows["乙局"].state is AgencyState.FINISHED and rows["乙局"].percent == 100
    assert rows["丁局"].state is AgencyState.NOT_STARTED and rows["丁局"].members == 0
    clock.set(2027, 2, 3)  # departments are late now; the government has until 31 March
    ordered = overview(walk)
    assert [(r.agency, r.state) for r in ordered[:2]] == [("丁局", AgencyState.LATE), ("甲局", AgencyState.LATE)]
    assert {r.agency: r.year for r in ordered} == {"甲局": 2026, "丁局": 2026, "丙政府": 2026, "乙局": 2027}
    text = overview_text(ordered)
    assert "🔴 甲局（部门，2026 年度）2% · 逾期 · 截止 2027-01-31" in text
    assert overview_table(ordered)[0][0] == "状态"


def test_an_unfinished_report_stays_current_after_its_deadline(engine: Engine) -> None:
    clock = Clock(2027, 1, 20)
    walk = Walk(engine, clock=clock)
    member = invite_and_join(walk, "甲局", 1)
    assert member.report().year == 2026
    clock.set(2027, 2, 10)
    assert member.report().year == 2026  # overdue: still the 2026 report
    complete(member)
    finalized(walk, 1)
    assert member.report().year == 2027  # finished: on to the next one
    clock.set(2027, 6, 1)
    late_comer = invite_and_join(walk, "新局", 2)
    assert late_comer.report().year == 2027  # joined after the 2026 deadline: starts with 2027


def test_invites_expire_by_the_clock(engine: Engine) -> None:
    clock = Clock(2026, 12, 1)
    walk = Walk(engine, clock=clock, invite_ttl_days=14)
    code, _ = walk.invite(name="甲局", level=Level.DEPARTMENT, created_by=None)
    clock.set(2026, 12, 16)
    assert "已过期" in walk.join(code=code, user_id=1, display_name="某")
