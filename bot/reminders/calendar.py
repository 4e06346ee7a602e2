"""Working days in mainland China, the unit in which reminders are counted.

Which days are working days is set each year by the State Council's holiday notice, usually published
in November for the next year. It includes 调休: weekend days made working days to bridge a holiday (in
2025, Sunday 26 January and Saturday 8 February). Each year is decided by the first source that knows
it:

1. ``chinesecalendar`` transcribes the notices; it knows the years it has data for (2004–2026 in 1.11)
   and raises ``NotImplementedError`` for any other.
2. ``holidays``' China calendar computes the statutory holidays of 1950–2100 and knows the make-up days
   of the years its maintainers transcribed; for a later year its bridges are estimates and make-up
   working days are missing, so a reminder may fall on a holiday's bridge day or skip a 调休 Saturday.
3. Monday to Friday, beyond ``holidays``' range.

A year decided by anything but ``chinesecalendar`` is logged once, since it usually means the package
needs an upgrade.

Until it is upgraded, the days of a new notice can be given in the settings (``CALENDAR_HOLIDAYS`` and
``CALENDAR_WORKDAYS``, see ``override``): they win over every source.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, timedelta
from enum import StrEnum
from functools import cache

import chinese_calendar
import holidays

log = logging.getLogger(__name__)

_DAY = timedelta(days=1)


class Source(StrEnum):
    """What decided whether the days of a year are working days."""

    CHINESE_CALENDAR = "chinesecalendar"
    HOLIDAYS = "holidays"
    WEEKDAYS = "weekdays"


# Days off and make-up working days from a State Council notice no package knows yet (the settings).
_days_off: frozenset[date] = frozenset()
_days_on: frozenset[date] = frozenset()


def override(*, days_off: Iterable[date] = (), days_on: Iterable[date] = ()) -> None:
    """Declare holidays and 调休 make-up working days, e.g. from the notice for a year the packages do
    not know yet; they win over every source. Replaces any earlier override; ValueError if a day is both."""
    global _days_off, _days_on
    off, on = frozenset(days_off), frozenset(days_on)
    if both := sorted(off & on):
        raise ValueError(f"a day cannot be both a holiday and a working day: {both[0].isoformat()}")
    _days_off, _days_on = off, on
    for year in sorted({day.year for day in off | on}):
        log.info(
            "working days of %d: %d holidays and %d make-up working days from the settings",
            year,
            len([d for d in off if d.year == year]),
            len([d for d in on if d.year == year]),
        )


def parse_days(text: str) -> frozenset[date]:
    """Days written ``2027-02-05..2027-02-11, 2027-02-14`` (single days and ranges, commas or spaces
    between them); ValueError naming the part that is not one."""
    days: set[date] = set()
    for part in text.replace(",", " ").replace("，", " ").split():
        first, _, last = part.partition("..")
        try:
            start, end = date.fromisoformat(first), date.fromisoformat(last or first)
        except ValueError:
            raise ValueError(f"days are written YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD: {part!r}") from None
        if end < start or (end - start).days > 366:
            raise ValueError(f"a range of days runs forwards, within a year: {part!r}")
        days.update(start + timedelta(days=i) for i in range((end - start).days + 1))
    return frozenset(days)


@cache
def source_for(year: int) -> Source:
    """The source that decides the working days of ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        pass
    else:
        return Source.CHINESE_CALENDAR
    if holidays.China.start_year <= year <= holidays.China.end_year:
        log.warning("chinesecalendar has no data for %d: working days from holidays, without 调休", year)
        return Source.HOLIDAYS
    log.warning("no holiday calendar knows %d: working days are Monday to Friday", year)
    return Source.WEEKDAYS


@cache
def _holidays_of(year: int) -> holidays.HolidayBase:
    return holidays.China(years=year)


def is_working_day(day: date) -> bool:
    """Whether government offices work on ``day``, 调休 make-up days included where known."""
    if day in _days_on or day in _days_off:
        return day in _days_on
    match source_for(day.year):
        case Source.CHINESE_CALENDAR:
            return chinese_calendar.is_workday(day)
        case Source.HOLIDAYS:
            return _holidays_of(day.year).is_working_day(day)
        case Source.WEEKDAYS:
            return day.weekday() < 5


def add_working_days(day: date, n: int) -> date:
    """The ``n``-th working day after ``day`` (before it when ``n`` is negative), ``day`` itself not
    counted and not required to be a working day; ``day`` when ``n`` is 0."""
    step = _DAY if n > 0 else -_DAY
    for _ in range(abs(n)):
        day += step
        while not is_working_day(day):
            day += step
    return day


def working_days_before(deadline: date, n: int) -> date:
    """The day that is ``n`` working days before ``deadline``: the ``n``-th working day strictly before it.

    The deadline day does not count even when it is a working day, and a deadline inside a holiday
    counts from the last working day before the holiday: 1 working day before Friday 31 January 2025
    (Spring Festival, 28 January–4 February) is Monday 27 January, 2 before is Sunday 26 January (调休).
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    return add_working_days(deadline, -n)


def next_working_day(day: date) -> date:
    """The first working day strictly after ``day``."""
    return add_working_days(day, 1)


def working_day_on_or_after(day: date) -> date:
    """``day`` if it is a working day, else the next one (e.g. the first working day of a month)."""
    return day if is_working_day(day) else next_working_day(day)


def working_day_on_or_before(day: date) -> date:
    """``day`` if it is a working day, else the last one before it (a deadline inside a holiday)."""
    return day if is_working_day(day) else add_working_days(day, -1)
