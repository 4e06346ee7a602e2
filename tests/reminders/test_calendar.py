"""Working days: the official calendar with 调休, the fallbacks beyond it, and counting around holidays."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest

from bot.reminders import calendar
from bot.reminders.calendar import (
    Source,
    add_working_days,
    is_working_day,
    next_working_day,
    source_for,
    working_day_on_or_after,
    working_day_on_or_before,
    working_days_before,
)

SPRING_FESTIVAL_2025 = [date(2025, 1, 28) + timedelta(days=i) for i in range(8)]  # 28 Jan – 4 Feb


def test_spring_festival_2025_is_off_and_its_weekend_make_up_days_are_worked() -> None:
    assert source_for(2025) is Source.CHINESE_CALENDAR
    assert not any(is_working_day(day) for day in SPRING_FESTIVAL_2025)
    assert is_working_day(date(2025, 1, 26))  # Sunday, 调休
    assert is_working_day(date(2025, 2, 8))  # Saturday, 调休
    assert not is_working_day(date(2025, 2, 9))  # an ordinary Sunday
    assert is_working_day(date(2024, 2, 4)) and is_working_day(date(2024, 2, 18))  # Sundays, 调休 of 2024


def test_counting_before_a_deadline_inside_the_holiday_ends_before_the_holiday() -> None:
    deadline = date(2025, 1, 31)  # Friday, inside the Spring Festival holiday
    assert working_days_before(deadline, 1) == date(2025, 1, 27)
    assert working_days_before(deadline, 2) == date(2025, 1, 26)  # the 调休 Sunday counts
    assert working_days_before(deadline, 3) == date(2025, 1, 24)
    assert working_days_before(deadline, 20) == date(2024, 12, 31)  # 1 January is skipped
    assert working_day_on_or_before(deadline) == date(2025, 1, 27)
    assert next_working_day(deadline) == date(2025, 2, 5)


def test_the_deadline_day_itself_is_not_counted() -> None:
    deadline = date(2025, 3, 31)  # Monday, a working day
    assert working_day_on_or_before(deadline) == deadline
    assert working_days_before(deadline, 1) == date(2025, 3, 28)  # the Friday before
    with pytest.raises(ValueError, match="at least 1"):
        working_days_before(deadline, 0)


def test_add_working_days_goes_both_ways_from_any_day() -> None:
    assert add_working_days(date(2025, 1, 25), 0) == date(2025, 1, 25)  # a Saturday stays itself
    assert add_working_days(date(2025, 1, 25), 1) == date(2025, 1, 26)
    assert add_working_days(date(2025, 1, 27), 2) == date(2025, 2, 6)
    assert add_working_days(date(2025, 2, 6), -2) == date(2025, 1, 27)
    assert working_day_on_or_after(date(2024, 12, 1)) == date(2024, 12, 2)  # 1 December 2024 was a Sunday
    assert working_day_on_or_after(date(2025, 12, 1)) == date(2025, 12, 1)


def test_a_year_beyond_chinesecalendar_falls_back_to_holidays_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    source_for.cache_clear()  # so that the fallback is logged again here
    with caplog.at_level(logging.WARNING, logger="bot.reminders.calendar"):
        assert source_for(2040) is Source.HOLIDAYS
    assert "2040" in caplog.text and "holidays" in caplog.text
    assert not is_working_day(date(2040, 2, 13))  # Spring Festival 2040, from holidays' lunar calendar
    assert not is_working_day(date(2040, 1, 1))
    assert is_working_day(date(2040, 1, 31))  # a Tuesday


def test_beyond_every_calendar_working_days_are_monday_to_friday(caplog: pytest.LogCaptureFixture) -> None:
    source_for.cache_clear()
    with caplog.at_level(logging.WARNING, logger="bot.reminders.calendar"):
        assert source_for(2101) is Source.WEEKDAYS
    assert "Monday to Friday" in caplog.text
    assert is_working_day(date(2101, 1, 31))  # a Monday
    assert not is_working_day(date(2101, 1, 29))  # a Saturday


@pytest.fixture
def no_override():
    yield
    calendar.override()


def test_days_of_a_notice_given_in_the_settings_win_over_every_source(no_override: None) -> None:
    # A made-up notice for 2027: 5–11 February off, Sunday 14 and Saturday 20 February worked.
    off = calendar.parse_days("2027-02-05..2027-02-11")
    on = calendar.parse_days("2027-02-14, 2027-02-20")
    assert len(off) == 7 and on == {date(2027, 2, 14), date(2027, 2, 20)}
    calendar.override(days_off=off, days_on=on)
    assert not any(is_working_day(day) for day in off)
    assert is_working_day(date(2027, 2, 14)) and is_working_day(date(2027, 2, 20))
    assert next_working_day(date(2027, 2, 4)) == date(2027, 2, 12)
    assert working_days_before(date(2027, 2, 16), 2) == date(2027, 2, 14)  # Sunday, worked
    calendar.override()
    assert not is_working_day(date(2027, 2, 14))  # without the notice: an ordinary Sunday


@pytest.mark.parametrize("text", ["2027-2-5", "2027-02-11..2027-02-05", "tomorrow", "2027-02-30"])
def test_malformed_days_are_named(text: str) -> None:
    with pytest.raises(ValueError, match=text):
        calendar.parse_days(text)


def test_a_day_cannot_be_both_off_and_worked(no_override: None) -> None:
    with pytest.raises(ValueError, match="2027-02-14"):
        calendar.override(days_off=[date(2027, 2, 14)], days_on=[date(2027, 2, 14)])
