"""Settings from the environment and `.env`: one class, secrets kept as SecretStr."""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.reminders import calendar
from bot.reminders.schedule import Schedule

# How each schedule setting is read (ValueError when it cannot be), the same way Settings.schedule reads it.
_CHECKS: dict[str, Callable[[str], object]] = {
    "reminder_time": lambda value: Schedule.parse(at=value),
    "reminder_kickoff": lambda value: Schedule.parse(kickoff=value),
    "deadline_department": lambda value: Schedule.parse(deadline_department=value),
    "deadline_government": lambda value: Schedule.parse(deadline_government=value),
    "reminder_days_before": lambda value: Schedule.parse(days_before=value),
    "calendar_holidays": calendar.parse_days,
    "calendar_workdays": calendar.parse_days,
}


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
    # Webhook mode (several bot processes on one PostgreSQL behind a load balancer) instead of long polling.
    webhook_url: str | None = None  # the public https URL Telegram posts to
    webhook_secret: SecretStr | None = None  # checked on every request (Telegram's secret_token)
    webhook_listen: str = "127.0.0.1:8443"  # where this process listens (the load balancer's upstream)
    # The web channel (the chat page, bot/web), started by `nianbao run` when no TELEGRAM_BOT_TOKEN is set.
    web_listen: str = "127.0.0.1:8080"
    # The page's address as people open it (behind a reverse proxy: its https address); invite links point at
    # it. Unset: the WEB_LISTEN address.
    web_public_url: str | None = None

    def instance_name(self) -> str:
        """This process among several: stable across its restarts, so it takes back what it left unsent."""
        where = self.webhook_listen if self.webhook_url else "polling"
        return f"{socket.gethostname()[:20]}@{where}"[:32]

    @field_validator("webhook_url", "webhook_secret", "web_public_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("web_public_url")
    @classmethod
    def _page_address(cls, value: str | None) -> str | None:
        """An http(s) address, kept with one trailing slash (links add ``?start=CODE``)."""
        if value is None:
            return None
        if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value.strip()):
            raise ValueError("an http(s) address, e.g. https://nianbao.example.gov.cn/")
        return value.strip().rstrip("/") + "/"

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        """Telegram takes 1-256 characters A-Z, a-z, 0-9, _ and -."""
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", value.get_secret_value()):
            raise ValueError("16 to 256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("webhook_listen", "web_listen")
    @classmethod
    def _listen_shape(cls, value: str) -> str:
        if not re.fullmatch(r"[^\s:]*:\d{1,5}", value) and not re.fullmatch(r"\[[0-9a-fA-F:]+\]:\d{1,5}", value):
            raise ValueError("host:port, e.g. 127.0.0.1:8443")
        return value

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
    @field_validator(*_CHECKS)
    @classmethod
    def _parses(cls, value: str, info: ValidationInfo) -> str:
        _CHECKS[info.field_name or ""](value)
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
        if settings.webhook_url and settings.webhook_secret is None:
            raise ValueError(
                "WEBHOOK_SECRET: required with WEBHOOK_URL (16 to 256 characters of A-Z, a-z, 0-9, _ and -)"
            )
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(part) for part in first["loc"]).upper()
        message = first["msg"].removeprefix("Value error, ")
        shown = repr(first.get("input"))
        raise SettingsError(f"{name}: {message}" + ("" if shown in message else f" ({shown})")) from None
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
    return settings
