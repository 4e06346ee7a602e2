"""Reminders derived from the database with a controlled clock: who gets what, exactly once."""

from __future__ import annotations

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from bot.chat.actions import Verb
from bot.chat.reminders import Delivery, Reminders
from bot.chat.service import Walk
from bot.delivery.turn import Turn
from bot.reminders.schedule import Schedule
from bot.schema import Level
from tests.chat.test_service import Member, complete, finalized

SHANGHAI = ZoneInfo("Asia/Shanghai")
ADMIN = 42

IDS = itertools.count(500_000)  # update ids of calls outside a Member's sequence


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI)

    def __call__(self) -> datetime:
        return self.at

    def set(self, *when: int) -> None:
        self.at = datetime(*when, tzinfo=SHANGHAI)  # type: ignore[misc]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def walk(engine: Engine, clock: Clock) -> Walk:
    return Walk(engine, clock=clock)


@pytest.fixture
def reminders(walk: Walk) -> Reminders:
    return Reminders(walk, Schedule(), admins=(ADMIN,))


def join(walk: Walk, name: str, user_id: int) -> Member:
    code, _ = walk.invite(name=name, level=Level.DEPARTMENT, created_by=None)
    walk.join(code=code, user_id=user_id, display_name="某")
    return Member(walk, user_id)


def send(reminders: Reminders, deliveries: list[Delivery]) -> list[Delivery]:
    """What a tick delivers: claimed in the sent-log, then recorded as sent."""
    sent = reminders.claim(deliveries)
    reminders.record([(d, "sent") for d in sent])
    return sent


def test_reminders_go_to_unfinished_agencies_once(walk: Walk, reminders: Reminders, clock: Clock) -> None:
    busy = join(walk, "甲局", 1)
    done = join(walk, "乙局", 2)
    busy.tap(Verb.STANDARD, "text.preamble")
    complete(done)
    finalized(walk, 2)
    assert reminders.due(clock()) == []  # November: nothing is due yet
    assert reminders.next_wakeup(clock()) == datetime(2026, 12, 1, 9, 30, tzinfo=SHANGHAI)
    clock.set(2026, 12, 1, 9, 30)
    due = reminders.due(clock())
    members = [d for d in due if d.recipient != ADMIN]
    assert [(d.recipient, d.slot) for d in members] == [(1, "a1y2026:kickoff")]
    assert "现在可以开始填写了" in members[0].screen.text and "已填写 1/42" in members[0].screen.text
    assert [b[0] for b in members[0].screen.buttons[0]] == ["继续填写", "查看进度", "稍后提醒"]
    assert len(send(reminders, due)) == 2  # the member's and the admin's digest
    assert reminders.due(clock()) == []
    assert send(reminders, due) == []  # a second tick (or a restart) claims nothing again


def test_only_the_latest_missed_slot_goes_out(walk: Walk, reminders: Reminders, clock: Clock) -> None:
    join(walk, "甲局", 1)
    clock.set(2027, 1, 28, 10, 0)  # down since before the 20-, 10-, 5- and 3-days reminders
    due = [d for d in reminders.due(clock()) if d.recipient == 1]
    assert [d.slot for d in due] == ["a1y2026:before-2"]
    assert "距截止还有 2 个工作日" in due[0].screen.text


def test_started_just_before_a_reminder_the_missed_one_is_not_sent_too(
    walk: Walk, reminders: Reminders, clock: Clock
) -> None:
    """Down at before-3 (27 January 2027), started at 09:29:45 on the 28th, when before-2 is due at 09:30:
    one reminder that day, not yesterday's and then today's 15 seconds later."""
    join(walk, "甲局", 1)
    clock.set(2027, 1, 28, 9, 29, 45)
    assert reminders.due(clock()) == []
    assert reminders.next_wakeup(clock()) == datetime(2027, 1, 28, 9, 30, tzinfo=SHANGHAI)
    clock.set(2027, 1, 28, 9, 30)
    due = reminders.due(clock())
    assert [d.slot for d in due if d.recipient == 1] == ["a1y2026:before-2"]
    assert [d.slot for d in due if d.recipient == ADMIN] == ["digest:2027-01-28"]


def test_a_member_with_an_own_time_is_told_their_own_slot(walk: Walk, reminders: Reminders, clock: Clock) -> None:
    """At 08:00 a member reminded at 08:00 gets before-2, although the others' before-2 comes at 09:30."""
    join(walk, "甲局", 1)
    walk.remind(Turn(next(IDS), 1), "08:00", "09:30")
    clock.set(2027, 1, 28, 8, 0)
    [due] = reminders.due(clock())
    assert due.slot == "a1y2026:before-2" and "距截止还有 2 个工作日" in due.screen.text


def test_blocked_members_and_members_who_turned_reminders_off_are_skipped(
    walk: Walk, reminders: Reminders, clock: Clock
) -> None:
    join(walk, "甲局", 1)
    join(walk, "甲局二", 2)
    walk.remind(Turn(next(IDS), 2), "off", "09:30")
    clock.set(2026, 12, 1, 10, 0)
    [first] = [d for d in reminders.due(clock()) if d.recipient == 1]
    assert reminders.claim([first]) == [first]
    reminders.record([(first, "blocked")])  # Telegram answered 403
    clock.set(2027, 1, 5, 10, 0)
    assert [d for d in reminders.due(clock()) if d.recipient in (1, 2)] == []


def test_a_member_time_and_a_snooze(walk: Walk, reminders: Reminders, clock: Clock) -> None:
    join(walk, "甲局", 1)
    walk.remind(Turn(next(IDS), 1), "08:00", "09:30")
    clock.set(2026, 12, 1, 8, 0)
    [kickoff] = [d for d in reminders.due(clock()) if d.recipient == 1]
    send(reminders, [kickoff])
    clock.set(2026, 12, 1, 8, 1)
    answer = reminders.snooze(1, "1-2026")
    assert "2026年12月2日 08:00" in answer
    assert [d for d in reminders.due(clock()) if d.recipient == 1] == []
    clock.set(2026, 12, 2, 8, 0)
    [again] = [d for d in reminders.due(clock()) if d.recipient == 1]
    assert again.slot == "a1y2026:snooze-2026-12-02" and "尚未完成" in again.screen.text
    assert reminders.snooze(1, "9-2026") == "报告已定稿，无需再提醒。"  # a stale button


def test_overdue_notices_and_the_deadline_digest(walk: Walk, reminders: Reminders, clock: Clock) -> None:
    join(walk, "甲局", 1)
    join(walk, "乙局", 2)
    clock.set(2027, 1, 29, 9, 30)  # Friday: 31 January 2027 is a Sunday, so the deadline reminder is today
    due = reminders.due(clock())
    assert {d.slot for d in due if d.recipient != ADMIN} == {"a1y2026:deadline", "a2y2026:deadline"}
    [digest] = [d for d in due if d.recipient == ADMIN]
    assert "今天是部门的报送截止日，以下 2 个机构尚未完成：乙局、甲局" in digest.screen.text  # sorted by name
    send(reminders, due)
    clock.set(2027, 2, 3, 9, 30)  # two working days after the deadline
    overdue = [d for d in reminders.due(clock()) if d.recipient == 1]
    assert overdue[0].slot == "a1y2026:overdue-1" and "已逾期 3 天" in overdue[0].screen.text


def test_nudge_sends_now_once_per_command(walk: Walk, reminders: Reminders) -> None:
    join(walk, "甲局", 1)
    agency, deliveries = reminders.nudge("甲局", update_id=77)
    assert agency is not None and [d.recipient for d in deliveries] == [1]
    send(reminders, deliveries)
    assert reminders.nudge("甲局", update_id=77)[1] == []
    assert reminders.nudge("无此局", update_id=78) == (None, [])


def test_a_joining_member_s_own_wakeup_needs_only_their_plan(reminders: Reminders, clock: Clock) -> None:
    assert reminders.next_wakeup_of(7, clock()) is None  # a stranger
    join(reminders.walk, "甲局", 1)
    kickoff = datetime(2026, 12, 1, 9, 30, tzinfo=SHANGHAI)
    assert reminders.next_wakeup_of(1, clock()) == kickoff == reminders.next_wakeup(clock())
    clock.set(2026, 12, 3, 10, 0)  # joined after the kickoff went out to others: theirs is due now
    join(reminders.walk, "乙局", 2)
    assert reminders.next_wakeup_of(2, clock()) == clock()
    send(reminders, reminders.due(clock()))
    assert reminders.next_wakeup_of(2, clock()) > clock()  # sent: the next one is days away
    Member(reminders.walk, 2).tap(Verb.STANDARD, "text.preamble")
    complete(Member(reminders.walk, 2))
    finalized(reminders.walk, 2)
    assert reminders.next_wakeup_of(2, clock()) is None  # final: nothing more for this member
