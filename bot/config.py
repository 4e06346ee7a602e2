"""Settings from the environment and `.env`: one class, secrets kept as SecretStr."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.reminders import calendar
from bot.reminders.schedule import Schedule


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    database_url: str = "sqlite:///nianbao.db"
    bot_admins: Annotated[tuple[int, ...], NoDecode] = ()
    timezone: str = "Asia/Shanghai"
    invite_ttl_days: int = Field(default=14, ge=1, le=365)
    nianbao_templates_dir: str | None = None
    log_level: str = "INFO"
    # The reminder schedule (see bot/reminders/schedule.py); days are working days, China's calendar.
    reminder_time: str = "09:30"
    reminder_kickoff: str = "12-01"
    reminder_days_before: str = "20,10,5,3,2,1"
    reminder_on_deadline: bool = True
    reminder_overdue_every: int = Field(default=2, ge=0, le=30)
    deadline_department: str = "01-31"
    deadline_government: str = "03-31"
    # The State Council's holiday notice for a year the calendar packages do not know yet.
    calendar_holidays: str = ""
    calendar_workdays: str = ""

    def schedule(self) -> Schedule:
        """The reminder schedule, and the working-day calendar it counts in with the holidays and make-up
        working days of the settings applied (process-wide); ValueError names a malformed setting."""
        calendar.override(
            days_off=calendar.parse_days(self.calendar_holidays), days_on=calendar.parse_days(self.calendar_workdays)
        )
        return Schedule.parse(
            kickoff=self.reminder_kickoff,
            at=self.reminder_time,
            days_before=self.reminder_days_before,
            on_deadline=self.reminder_on_deadline,
            overdue_every=self.reminder_overdue_every,
            deadline_department=self.deadline_department,
            deadline_government=self.deadline_government,
        )

    @field_validator("bot_admins", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """BOT_ADMINS=123,456 (commas or spaces)."""
        if isinstance(value, str):
            return tuple(int(part) for part in value.replace(",", " ").split())
        return value

    # Each schedule setting is checked on its own, so that a mistake is reported under its name.
    @field_validator("reminder_time")
    @classmethod
    def _time_of_day(cls, value: str) -> str:
        Schedule.parse(at=value)
        return value

    @field_validator("reminder_kickoff", "deadline_department", "deadline_government")
    @classmethod
    def _day_of_year(cls, value: str) -> str:
        Schedule.parse(kickoff=value)
        return value

    @field_validator("reminder_days_before")
    @classmethod
    def _days_before(cls, value: str) -> str:
        Schedule.parse(days_before=value)
        return value

    @field_validator("calendar_holidays", "calendar_workdays")
    @classmethod
    def _days(cls, value: str) -> str:
        calendar.parse_days(value)
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")


class SettingsError(Exception):
    """A setting that cannot be used; the message names it (as written in .env) and says why."""


def load_settings() -> Settings:
    """The settings from the environment and .env, checked whole (the reminder schedule and calendar
    too), or SettingsError naming the first bad one."""
    try:
        settings = Settings()
        settings.schedule()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(part) for part in first["loc"]).upper()
        message = first["msg"].removeprefix("Value error, ")
        shown = repr(first.get("input"))
        raise SettingsError(f"{name}: {message}" + ("" if shown in message else f" ({shown})")) from None
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
    return settings
