"""The reminder slots of a report, with exact dates and times in Asia/Shanghai."""

from __future__ import annotations

import itertools
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.reminders.schedule import ReminderPlan, Schedule, SlotKind, parse_time, reminder_plan
from bot.schema import Level

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    """'2025-01-27 09:30' in Shanghai."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


def plan(year: int, level: Level, schedule: Schedule | None = None, **member: time) -> ReminderPlan:
    return reminder_plan(year, level, schedule=schedule or Schedule(), tz="Asia/Shanghai", **member)


def first(p: ReminderPlan, n: int) -> list[tuple[str, datetime]]:
    return [(slot.key, slot.due) for slot in itertools.islice(p.slots(), n)]


def test_department_2024_deadline_in_the_spring_festival_reminds_before_the_holiday() -> None:
    p = plan(2024, Level.DEPARTMENT)
    assert p.deadline.isoformat() == "2025-01-31"
    assert first(p, 10) == [
        ("kickoff", at("2024-12-02 09:30")),  # 1 December 2024 was a Sunday
        ("before-20", at("2024-12-31 09:30")),
        ("before-10", at("2025-01-15 09:30")),
        ("before-5", at("2025-01-22 09:30")),
        ("before-3", at("2025-01-24 09:30")),
        ("before-2", at("2025-01-26 09:30")),  # Sunday, a 调休 working day
        # The last working day before the holiday (28 Jan – 4 Feb) is both "1 day before" and the
        # deadline reminder's day: only the deadline reminder is sent.
        ("deadline", at("2025-01-27 09:30")),
        ("overdue-1", at("2025-02-06 09:30")),  # 2 working days after the deadline: 5 and 6 February
        ("overdue-2", at("2025-02-08 09:30")),  # Saturday, a 调休 working day
        ("overdue-3", at("2025-02-11 09:30")),
    ]


def test_government_2024() -> None:
    assert first(plan(2024, Level.GOVERNMENT), 10) == [
        ("kickoff", at("2024-12-02 09:30")),
        ("before-20", at("2025-03-03 09:30")),
        ("before-10", at("2025-03-17 09:30")),
        ("before-5", at("2025-03-24 09:30")),
        ("before-3", at("2025-03-26 09:30")),
        ("before-2", at("2025-03-27 09:30")),
        ("before-1", at("2025-03-28 09:30")),
        ("deadline", at("2025-03-31 09:30")),
        ("overdue-1", at("2025-04-02 09:30")),
        ("overdue-2", at("2025-04-07 09:30")),  # 4 April (清明) and the weekend are off
    ]


def test_department_2025_deadline_on_a_saturday_comes_on_the_friday() -> None:
    p = plan(2025, Level.DEPARTMENT)
    assert first(p, 8)[-3:] == [
        ("before-2", at("2026-01-29 09:30")),
        ("deadline", at("2026-01-30 09:30")),
        ("overdue-1", at("2026-02-03 09:30")),
    ]


def test_a_report_beyond_chinesecalendar_is_still_planned_on_working_days() -> None:
    p = plan(2039, Level.DEPARTMENT)
    assert first(p, 9)[-3:] == [
        ("before-1", at("2040-01-30 09:30")),
        ("deadline", at("2040-01-31 09:30")),
        ("overdue-1", at("2040-02-02 09:30")),
    ]


def test_overdue_notices_come_every_2_working_days_without_end() -> None:
    overdue = [slot for slot in itertools.islice(plan(2024, Level.GOVERNMENT).slots(), 40) if slot.key.startswith("o")]
    assert len(overdue) == 40 - 8
    assert [slot.due.date().isoformat() for slot in overdue[:6]] == [
        "2025-04-02",
        "2025-04-07",
        "2025-04-09",
        "2025-04-11",
        "2025-04-15",
        "2025-04-17",
    ]
    assert all(slot.kind is SlotKind.OVERDUE for slot in overdue)


def test_a_member_time_changes_the_hour_but_not_the_keys() -> None:
    usual, early = plan(2024, Level.DEPARTMENT), plan(2024, Level.DEPARTMENT, at=time(8, 30))
    pairs = list(zip(itertools.islice(usual.slots(), 20), itertools.islice(early.slots(), 20), strict=True))
    assert all(a.key == b.key and a.due.date() == b.due.date() for a, b in pairs)
    assert {b.due.time() for _, b in pairs} == {time(8, 30)}
    assert early.fixed[0].due == at("2024-12-02 08:30")


def test_keys_are_unique_and_stable() -> None:
    keys = [slot.key for slot in itertools.islice(plan(2024, Level.DEPARTMENT).slots(), 100)]
    assert len(set(keys)) == len(keys)
    assert keys == [slot.key for slot in itertools.islice(plan(2024, Level.DEPARTMENT).slots(), 100)]
    assert keys[:3] == ["kickoff", "before-20", "before-10"] and keys[-1] == "overdue-93"


def test_the_latest_missed_slot_is_the_one_to_send_after_downtime() -> None:
    p = plan(2024, Level.DEPARTMENT)
    assert p.to_send(at("2024-12-02 09:29")) is None
    assert p.to_send(at("2024-12-02 09:30")).key == "kickoff"  # due exactly now
    assert p.to_send(at("2025-01-23 12:00")).key == "before-5"
    assert p.to_send(at("2025-02-12 08:00")).key == "overdue-3"  # down since January: only the latest
    assert p.to_send(datetime(2025, 1, 27, 1, 30, tzinfo=ZoneInfo("UTC"))).key == "deadline"  # 09:30 in Shanghai


def test_a_missed_slot_is_not_caught_up_when_a_later_one_comes_the_same_day() -> None:
    """Started at 09:29:45 on 24 January after being down at before-5 (22 January): before-3 comes at
    09:30, so before-5 is not sent 15 seconds ahead of it; nothing is, until 09:30."""
    p = plan(2024, Level.DEPARTMENT)
    started = at("2025-01-24 09:29") + timedelta(seconds=45)
    assert p.to_send(started) is None
    assert p.to_send(at("2025-01-24 09:30")).key == "before-3"
    assert p.to_send(at("2025-01-24 00:01")) is None  # the whole morning before it
    assert p.to_send(at("2025-01-23 23:59")).key == "before-5"  # no slot on the 23rd: the missed one goes out
    member = plan(2024, Level.DEPARTMENT, at=time(8, 0))  # the member's own day starts earlier
    assert member.to_send(at("2025-01-24 07:59")) is None
    assert member.to_send(at("2025-01-24 08:00")).key == "before-3"
    # The day is Shanghai's: 01:29:45 UTC is 09:29:45 there.
    assert p.to_send(datetime(2025, 1, 24, 1, 29, 45, tzinfo=ZoneInfo("UTC"))) is None


def test_next_slot_is_strictly_after() -> None:
    p = plan(2024, Level.DEPARTMENT)
    assert p.next_slot(at("2024-06-01 00:00")).key == "kickoff"
    assert p.next_slot(at("2025-01-22 09:30")).key == "before-3"
    assert p.next_slot(at("2025-01-27 09:30")).key == "overdue-1"
    assert p.next_slot(at("2026-06-01 00:00")).kind is SlotKind.OVERDUE


def test_slots_between() -> None:
    p = plan(2024, Level.DEPARTMENT)
    keys = [slot.key for slot in p.slots_between(at("2025-01-22 09:30"), at("2025-02-08 09:30"))]
    assert keys == ["before-3", "before-2", "deadline", "overdue-1", "overdue-2"]


def test_without_overdue_notices_the_plan_ends_at_the_deadline() -> None:
    p = plan(2024, Level.GOVERNMENT, Schedule(overdue_every=0, on_deadline=False))
    assert [slot.key for slot in p.slots()][-1] == "before-1"
    assert p.next_slot(at("2025-03-28 09:30")) is None
    assert p.to_send(at("2030-01-01 00:00")).key == "before-1"


def test_snooze_comes_back_the_next_working_day_at_the_member_time() -> None:
    p = plan(2024, Level.DEPARTMENT, at=time(8, 30))
    assert p.snooze(at("2025-01-24 10:00")) == at("2025-01-26 08:30")  # Friday → the 调休 Sunday
    assert p.snooze(at("2025-01-27 18:00")) == at("2025-02-05 08:30")  # over the Spring Festival holiday
    assert p.snooze(datetime(2025, 1, 22, 20, 0, tzinfo=ZoneInfo("UTC"))) == at("2025-01-24 08:30")  # 04:00 Thu


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        plan(2024, Level.DEPARTMENT).to_send(datetime(2025, 1, 1))


def test_schedule_from_settings_strings() -> None:
    assert Schedule.parse() == Schedule()
    schedule = Schedule.parse(
        kickoff="11-15",
        at="8:00",
        days_before="1, 5,3",
        on_deadline=False,
        overdue_every=3,
        deadline_department="01-20",
        deadline_government="03-15",
    )
    assert schedule == Schedule(
        kickoff=(11, 15),
        at=time(8, 0),
        before=(5, 3, 1),
        on_deadline=False,
        overdue_every=3,
        deadline_department=(1, 20),
        deadline_government=(3, 15),
    )
    p = plan(2024, Level.DEPARTMENT, schedule)
    assert first(p, 5) == [
        ("kickoff", at("2024-11-15 08:00")),
        ("before-5", at("2025-01-13 08:00")),
        ("before-3", at("2025-01-15 08:00")),
        ("before-1", at("2025-01-17 08:00")),  # 20 January 2025 is a Monday
        ("overdue-1", at("2025-01-23 08:00")),
    ]


def test_empty_settings_turn_kickoff_and_countdown_off() -> None:
    p = plan(2024, Level.GOVERNMENT, Schedule.parse(kickoff="", days_before=""))
    assert [slot.key for slot in itertools.islice(p.slots(), 2)] == ["deadline", "overdue-1"]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"at": "9.30"}, "HH:MM"),
        ({"at": "25:00"}, "HH:MM"),
        ({"kickoff": "12/01"}, "MM-DD"),
        ({"deadline_government": "02-29"}, "not a day of every year: 02-29"),
        ({"deadline_department": "13-01"}, "not a day of every year"),
        ({"days_before": "20,ten"}, "whole numbers"),
        ({"days_before": "5,5"}, "distinct"),
        ({"days_before": "0"}, "at least 1"),
        ({"overdue_every": -1}, "negative"),
    ],
)
def test_bad_settings_are_refused_with_the_value(setting: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Schedule.parse(**setting)  # type: ignore[arg-type]


def test_parse_time() -> None:
    assert parse_time(" 08:30 ") == time(8, 30)
