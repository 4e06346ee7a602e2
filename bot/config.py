"""Settings from the environment and `.env`: one class, secrets kept as SecretStr."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

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

    def schedule(self) -> Schedule:
        """The reminder schedule; ValueError names a malformed setting."""
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

    @field_validator("telegram_api_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")
