"""When to remind the members of one report: a pure function of the report year, level and schedule.

The default schedule (issue 4): a kickoff on the first working day of December of the report year;
reminders 20, 10, 5, 3, 2 and 1 working days before the deadline and on the deadline day; then an
overdue notice every 2 working days until the report is final; all at 09:30 local time.

How working days are counted (see ``bot.reminders.calendar``):

- "n working days before the deadline" is the n-th working day strictly before the deadline day;
- the deadline reminder comes on the last working day on or before the deadline, so when the deadline
  falls in a holiday (31 January 2025, Spring Festival) it comes before the holiday;
- overdue notice k comes ``k × overdue_every`` working days after the deadline day;
- two reminders due on the same day are one: the more urgent is kept (the deadline over "1 day
  before", "1 day before" over "2 days before", any reminder over the kickoff).

Every slot has a key that is stable and unique within a report ("kickoff", "before-5", "deadline",
"overdue-3"), so a sent-log keyed by (report, member, slot key) sends each slot once even when the
configured time or a member's time changes.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.reminders.calendar import (
    add_working_days,
    next_working_day,
    working_day_on_or_after,
    working_day_on_or_before,
    working_days_before,
)
from bot.schema import CURRENT, Level

MonthDay = tuple[int, int]


class SlotKind(StrEnum):
    """What a reminder says: you can start, n working days left, today is the day, you are late."""

    KICKOFF = "kickoff"
    BEFORE = "before"
    DEADLINE = "deadline"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Slot:
    """One reminder of one report: ``key`` names it in the sent-log, ``due`` is when it goes out."""

    key: str
    kind: SlotKind
    due: datetime


@dataclass(frozen=True)
class Schedule:
    """The configured reminder schedule, the same for every report of a level."""

    kickoff: MonthDay | None = (12, 1)  # the first working day on or after this day of the report year
    at: time = time(9, 30)
    before: tuple[int, ...] = (20, 10, 5, 3, 2, 1)  # working days before the deadline
    on_deadline: bool = True
    overdue_every: int = 2  # working days between overdue notices; 0 sends none
    deadline_department: MonthDay = CURRENT.deadlines[Level.DEPARTMENT]  # of the year after the report year
    deadline_government: MonthDay = CURRENT.deadlines[Level.GOVERNMENT]

    def __post_init__(self) -> None:
        if any(n < 1 for n in self.before) or len(set(self.before)) != len(self.before):
            raise ValueError(f"days before the deadline must be distinct and at least 1: {self.before}")
        if self.overdue_every < 0:
            raise ValueError(f"overdue_every must not be negative: {self.overdue_every}")
        for month_day in (self.kickoff, self.deadline_department, self.deadline_government):
            if month_day is not None:
                _check_month_day(month_day)

    @classmethod
    def parse(
        cls,
        *,
        kickoff: str | None = None,
        at: str | None = None,
        days_before: str | None = None,
        on_deadline: bool | None = None,
        overdue_every: int | None = None,
        deadline_department: str | None = None,
        deadline_government: str | None = None,
    ) -> Schedule:
        """The schedule from settings strings; None keeps the default, an empty kickoff or days_before
        turns it off. E.g. ``kickoff="12-01", at="09:30", days_before="20,10,5,3,2,1",
        deadline_department="01-31"``. Raises ValueError naming the bad value."""
        values: dict[str, object] = {}
        if kickoff is not None:
            values["kickoff"] = _parse_month_day(kickoff) if kickoff.strip() else None
        if at is not None:
            values["at"] = parse_time(at)
        if days_before is not None:
            try:
                days = [int(part) for part in days_before.replace(",", " ").split()]
            except ValueError:
                raise ValueError(f"days before the deadline are whole numbers like 20,10,5: {days_before!r}") from None
            values["before"] = tuple(sorted(days, reverse=True))
        if on_deadline is not None:
            values["on_deadline"] = on_deadline
        if overdue_every is not None:
            values["overdue_every"] = overdue_every
        if deadline_department is not None:
            values["deadline_department"] = _parse_month_day(deadline_department)
        if deadline_government is not None:
            values["deadline_government"] = _parse_month_day(deadline_government)
        return cls(**values)

    def deadline(self, year: int, level: Level) -> date:
        """The deadline of the report on ``year``: a day of the following year."""
        month, day = self.deadline_department if level is Level.DEPARTMENT else self.deadline_government
        return date(year + 1, month, day)


def parse_time(text: str) -> time:
    """A time of day written HH:MM, e.g. 09:30 or 8:30 (a member's own reminder time, too)."""
    try:
        hours, minutes = (int(part) for part in text.strip().split(":"))
        return time(hours, minutes)
    except ValueError:
        raise ValueError(f"a time of day is written HH:MM, e.g. 09:30: {text!r}") from None


def _parse_month_day(text: str) -> MonthDay:
    try:
        month, day = (int(part) for part in text.strip().split("-"))
    except ValueError:
        raise ValueError(f"a day of the year is written MM-DD, e.g. 01-31: {text!r}") from None
    return _check_month_day((month, day))


def _check_month_day(month_day: MonthDay) -> MonthDay:
    try:
        date(2001, *month_day)  # a common year: 02-29 would have no deadline three years in four
    except ValueError:
        raise ValueError(f"not a day of every year: {month_day[0]:02d}-{month_day[1]:02d}") from None
    return month_day


@dataclass(frozen=True)
class ReminderPlan:
    """Every reminder slot of one report for one member, in due order.

    Overdue notices never end (the bot stops when the report is final), so the slots are a lazy
    sequence; ask for a range or a neighbour of a moment instead of the whole list.
    """

    deadline: date
    fixed: tuple[Slot, ...]  # kickoff, before-n and deadline slots, in due order
    overdue_every: int
    at: time
    tz: ZoneInfo

    def slots(self) -> Iterator[Slot]:
        """All slots in due order; endless when overdue notices are on."""
        return itertools.chain(self.fixed, self._overdue())

    def slots_between(self, start: datetime, end: datetime) -> list[Slot]:
        """The slots due after ``start`` and at or before ``end``."""
        _require_aware(start, end)
        due = itertools.takewhile(lambda slot: slot.due <= end, self.slots())
        return [slot for slot in due if slot.due > start]

    def next_slot(self, after: datetime) -> Slot | None:
        """The first slot due strictly after ``after`` (for scheduling the next job); None if none is left."""
        _require_aware(after)
        return next((slot for slot in self.slots() if slot.due > after), None)

    def to_send(self, now: datetime) -> Slot | None:
        """The one slot to send at ``now``: the last one due at or before it, or None.

        After a downtime only the latest missed slot is worth sending (send it if the sent-log lacks it),
        never the older ones it supersedes; and not even that one when the next slot comes later the same
        day, which supersedes it in turn: a bot started at 09:29 would otherwise remind yesterday and
        then today a minute apart.
        """
        _require_aware(now)
        latest, upcoming = None, None
        for slot in self.slots():
            if slot.due > now:
                upcoming = slot
                break
            latest = slot
        today = now.astimezone(self.tz).date()
        if latest is not None and upcoming is not None and latest.due.date() < today == upcoming.due.date():
            return None
        return latest

    def snooze(self, now: datetime) -> datetime:
        """When a reminder the member postponed at ``now`` comes back: the next working day at their time."""
        _require_aware(now)
        return _moment(next_working_day(now.astimezone(self.tz).date()), self.at, self.tz)

    def _overdue(self) -> Iterator[Slot]:
        if not self.overdue_every:
            return
        day = self.deadline
        for number in itertools.count(1):
            day = add_working_days(day, self.overdue_every)
            yield Slot(f"overdue-{number}", SlotKind.OVERDUE, _moment(day, self.at, self.tz))


def reminder_plan(
    year: int,
    level: Level,
    *,
    schedule: Schedule,
    tz: ZoneInfo | str,
    at: time | None = None,
) -> ReminderPlan:
    """The reminders of the report on ``year`` of an agency at ``level``, in time zone ``tz``, at the
    member's own time of day ``at`` if they chose one, else at the schedule's."""
    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
    deadline = schedule.deadline(year, level)
    # In order of urgency, so that of two slots on one day the later one in this list wins.
    candidates: list[tuple[str, SlotKind, date]] = []
    if schedule.kickoff is not None:
        kickoff = working_day_on_or_after(date(year, *schedule.kickoff))
        candidates.append(("kickoff", SlotKind.KICKOFF, kickoff))
    for n in sorted(schedule.before, reverse=True):
        candidates.append((f"before-{n}", SlotKind.BEFORE, working_days_before(deadline, n)))
    if schedule.on_deadline:
        candidates.append(("deadline", SlotKind.DEADLINE, working_day_on_or_before(deadline)))
    by_day = {day: (key, kind) for key, kind, day in candidates}
    at = schedule.at if at is None else at
    fixed = tuple(Slot(key, kind, _moment(day, at, zone)) for day, (key, kind) in sorted(by_day.items()))
    return ReminderPlan(deadline, fixed, schedule.overdue_every, at, zone)


def _moment(day: date, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz)


def _require_aware(*moments: datetime) -> None:
    if any(moment.tzinfo is None for moment in moments):
        raise ValueError("reminder times are compared as aware datetimes; got a naive one")
