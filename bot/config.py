"""Settings from the environment and `.env`: one class, secrets kept as SecretStr."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


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
    reminder_time: str = "09:30"

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
