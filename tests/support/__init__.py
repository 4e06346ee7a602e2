"""Test support: a fake Telegram Bot API server and a chat client that talks to the bot through it."""

from tests.support.chat import ChatClient
from tests.support.fake_bot_api import (
    DEFAULT_TOKEN,
    DOWNLOAD,
    ApiCall,
    ChatMessage,
    FakeBotApi,
    InlineButton,
    StoredFile,
    application_builder,
    polling,
)
from tests.support.webhook import WebhookDelivery

__all__ = [
    "DEFAULT_TOKEN",
    "DOWNLOAD",
    "ApiCall",
    "ChatClient",
    "ChatMessage",
    "FakeBotApi",
    "InlineButton",
    "StoredFile",
    "WebhookDelivery",
    "application_builder",
    "polling",
]
