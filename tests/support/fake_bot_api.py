"""A fake Telegram Bot API server for end-to-end tests.

It speaks enough of https://core.telegram.org/bots/api over real HTTP for a python-telegram-bot
``Application`` using long polling or a webhook: the bot under test is pointed at ``server.root`` and
cannot tell the difference, while tests queue what users do, read everything the bot sent, and inject
what Telegram and the network do (latency, flood control, 5xx answers, blocked users, answers that never
come back). With a webhook set, a thread posts each update to it (or, playing a load balancer, to
several backends in turn) until it is acknowledged, keeping each chat's updates in order.

The server is ``http.server.ThreadingHTTPServer`` in a background thread, so it works the same
whether the bot runs in the test's event loop or in a subprocess. Every piece of state lives behind
one lock; the handler threads and the test only meet there.
"""

from __future__ import annotations

import bisect
import copy
import json
import random
import re
import socket
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import PurePosixPath
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, unquote, urlsplit

from telegram.ext import Application, ApplicationBuilder

from tests.support.webhook import Poster, Webhook, WebhookDelivery
from tests.support.webhook import target as webhook_target

DEFAULT_TOKEN = "123456789:TEST-token-of-the-fake-bot-api"
DOWNLOAD = "download"
"""``ApiCall.method`` of a file download (``GET /file/bot<token>/<path>``)."""

_METHOD_PATH = re.compile(r"/bot(?P<token>[^/]+)/(?P<method>[A-Za-z]+)")
_FILE_PATH = re.compile(r"/file/bot(?P<token>[^/]+)/(?P<path>.+)")
# PTB JSON-encodes every form value except strings, so these stay as sent (see RequestParameter).
_STRING_PARAMS = frozenset(
    {"text", "caption", "parse_mode", "callback_query_id", "inline_message_id", "file_id", "action"}
    | {"language_code", "url", "document", "photo", "business_connection_id", "message_effect_id"}
    | {"secret_token", "ip_address"}
)
_CHAT_ACTIONS = frozenset(
    {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice"}
    | {"upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note"}
)
_HTML_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code", "pre"}
    | {"blockquote", "tg-emoji"}
)
# Calls that put something in a chat, which Telegram holds to about 30 a second: those with a chat_id whose
# method starts so (sendMessage, sendDocument, editMessageText, deleteMessage, sendChatAction…).
_PACED_PREFIXES = ("send", "edit", "delete", "copy", "forward", "stop")
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_MAX_TEXT, _MAX_CAPTION, _MAX_CALLBACK_DATA = 4096, 1024, 64
_MAX_DOWNLOAD = 20 * 1024 * 1024
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    content: bytes
    mime_type: str


@dataclass(frozen=True)
class StoredFile:
    """A file the server holds: uploaded by a test user or sent by the bot."""

    file_id: str
    file_unique_id: str
    file_path: str
    filename: str
    mime_type: str
    content: bytes

    def as_document(self) -> dict[str, Any]:
        """The Bot API ``Document`` object for this file."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.filename,
            "mime_type": self.mime_type,
            "file_size": len(self.content),
        }


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made, in the order the server processed them."""

    method: str
    params: dict[str, Any]
    files: dict[str, UploadedFile]
    status: int
    """The HTTP status answered; 0 when the request was dropped unanswered (``time_out``)."""
    response: dict[str, Any]
    at: float
    """``time.monotonic()`` when the request arrived, before any injected latency or delay."""
    processed_at: float = 0.0
    """``time.monotonic()`` when the server acted on it (a sent message appeared in the chat)."""
    withheld: bool = False
    """The answer was withheld (``time_out``): the client timed out, whether or not it was processed."""

    @property
    def description(self) -> str | None:
        """Telegram's error description, ``None`` for a successful call."""
        return self.response.get("description")

    @property
    def chat_id(self) -> int | None:
        try:
            return int(self.params["chat_id"])
        except (KeyError, TypeError, ValueError):
            return None

    @property
    def paced(self) -> bool:
        """Addressed to a chat, and so within Telegram's 30 messages a second: sendMessage, editMessage*,
        deleteMessage, sendChatAction… (not answerCallbackQuery, getUpdates, setMyCommands)."""
        return self.chat_id is not None and self.method.lower().startswith(_PACED_PREFIXES)


@dataclass(frozen=True)
class QueuedUpdate:
    """An update as a user's action queued it."""

    update_id: int
    chat_id: int | None
    at: float
    """``time.monotonic()`` when it was queued: the moment the user acted."""


@dataclass(frozen=True)
class InlineButton:
    """A button of an inline keyboard."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class ChatMessage:
    """A snapshot of a message as it currently stands in a chat."""

    raw: dict[str, Any]
    """The Bot API ``Message`` object."""
    file: StoredFile | None = None

    @property
    def message_id(self) -> int:
        return self.raw["message_id"]

    @property
    def chat_id(self) -> int:
        return self.raw["chat"]["id"]

    @property
    def from_bot(self) -> bool:
        return bool(self.raw.get("from", {}).get("is_bot"))

    @property
    def text(self) -> str | None:
        """The text, or the caption of a document; HTML markup already stripped, as users see it."""
        return self.raw.get("text", self.raw.get("caption"))

    @property
    def edited(self) -> bool:
        return "edit_date" in self.raw

    @property
    def keyboard(self) -> list[list[InlineButton]]:
        rows = self.raw.get("reply_markup", {}).get("inline_keyboard", [])
        return [[InlineButton(b["text"], b.get("callback_data"), b.get("url")) for b in row] for row in rows]

    @property
    def buttons(self) -> list[InlineButton]:
        return [button for row in self.keyboard for button in row]

    @property
    def button_texts(self) -> list[str]:
        return [button.text for button in self.buttons]

    def __str__(self) -> str:
        sender = "bot" if self.from_bot else "user"
        parts = [f"#{self.message_id} {sender}: {self.text!r}"]
        if self.file is not None:
            parts.append(f"[document {self.file.filename}, {len(self.file.content)} bytes]")
        if self.buttons:
            parts.append("[buttons: " + " | ".join(self.button_texts) + "]")
        if self.edited:
            parts.append("(edited)")
        return " ".join(parts)


class _ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def response(self) -> dict[str, Any]:
        response = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            response["parameters"] = self.parameters
        return response


_STATUS_DESCRIPTIONS = {
    403: "Forbidden: bot was blocked by the user",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass
class _Trigger:
    """When a fault fires: the next ``remaining`` calls, or a seeded random fraction ``probability``."""

    remaining: int | None
    probability: float
    rng: random.Random

    @classmethod
    def of(cls, times: int | None, probability: float | None, seed: int | None) -> _Trigger:
        if probability is not None and not 0 <= probability <= 1:
            raise ValueError(f"a probability is between 0 and 1: {probability}")
        if probability is None:
            return cls(1 if times is None else times, 0.0, random.Random(seed))
        return cls(None, probability, random.Random(seed))

    def fires(self) -> bool:
        if self.remaining is None:
            return self.rng.random() < self.probability
        if self.remaining == 0:
            return False
        self.remaining -= 1
        return True


@dataclass
class _FailRule:
    """An error answer instead of processing: 429 (flood control), 5xx, 403…"""

    trigger: _Trigger
    error: _ApiError


@dataclass
class _TimeOutRule:
    """The answer is held back ``hold`` seconds: the client times out."""

    trigger: _Trigger
    after_processing: bool
    hold: float


@dataclass
class _CallbackQuery:
    chat_id: int
    answer: dict[str, Any] | None = None


@dataclass
class _Faults:
    # Per method (lower case), then per HTTP status: a new rule for the same status replaces the old one.
    failures: dict[str, dict[int, _FailRule]] = field(default_factory=dict)
    time_outs: dict[str, _TimeOutRule] = field(default_factory=dict)
    blocked_chats: set[int] = field(default_factory=set)
    delays: dict[str | None, float] = field(default_factory=dict)


class FakeBotApi:
    """The fake server: ``with FakeBotApi() as server:`` then point the bot at ``server.root``."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "nianbao_test_bot",
        first_update_id: int = 1,
        webhook_timeout: float = 10.0,
        webhook_retry: tuple[float, float] = (0.1, 2.0),
    ) -> None:
        """``first_update_id``: Telegram numbers a bot's updates upwards from some positive number; a server
        started again on a database that remembers handled updates must not start from the same one.
        ``webhook_timeout``: how long a webhook POST may take before it counts as failed;
        ``webhook_retry``: the first and the longest wait before posting a failed update again (doubling)."""
        self.token = token
        self.bot_user: dict[str, Any] = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "Nianbao Test Bot",
            "username": bot_username,
        }
        self._closing = threading.Event()
        # Guards everything below; notified when an update is queued or the server closes.
        self._state = threading.Condition()
        self._calls: list[ApiCall] = []
        self._updates: list[dict[str, Any]] = []
        self._last_update_id = first_update_id - 1
        self._queued: dict[int, QueuedUpdate] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._last_message_id: dict[int, int] = {}
        self._seq = 0
        self._touched: dict[tuple[int, int], int] = {}
        self._chat_activity: dict[int, float] = {}
        self._reply_keyboards: dict[int, dict[str, Any]] = {}
        self._files: dict[str, StoredFile] = {}
        self._callback_queries: dict[str, _CallbackQuery] = {}
        self._commands: dict[str, list[dict[str, Any]]] = {}
        self._menu_buttons: dict[int | None, dict[str, Any]] = {}
        self._faults = _Faults()
        self._latency = 0.0
        # Webhook mode: what setWebhook registered, the updates being posted, every attempt so far.
        self._webhook: Webhook | None = None
        self._backends: list[str] | None = None
        self._backend_turn = 0
        self._in_flight: set[int] = set()
        self._deliveries: list[WebhookDelivery] = []
        self._webhook_error: tuple[int, str] | None = None
        self._delivery_threads: set[threading.Thread] = set()
        self._poster = Poster(webhook_timeout)
        self._webhook_retry = webhook_retry
        self._pusher: threading.Thread | None = None
        self._watchers: list[Callable[[int], None]] = []
        self._methods: dict[str, Callable[[dict[str, Any], dict[str, UploadedFile]], Any]] = {
            "getme": lambda params, files: dict(self.bot_user, can_join_groups=True, supports_inline_queries=False),
            "logout": lambda params, files: True,
            "close": lambda params, files: True,
            "deletewebhook": self._delete_webhook,
            "setwebhook": self._set_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "getupdates": self._get_updates,
            "sendmessage": self._send_message,
            "senddocument": self._send_document,
            "sendphoto": self._send_photo,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "sendchataction": self._send_chat_action,
            "setmycommands": self._set_my_commands,
            "getmycommands": lambda params, files: self._commands.get(_commands_key(params), []),
            "deletemycommands": lambda params, files: self._commands.pop(_commands_key(params), None) is not None,
            "setchatmenubutton": self._set_chat_menu_button,
            "getchatmenubutton": lambda params, files: self._menu_buttons.get(
                params.get("chat_id"), self._menu_buttons.get(None, {"type": "default"})
            ),
            "getfile": self._get_file,
        }
        self._httpd: _HttpServer | None = None
        self._thread: threading.Thread | None = None

    # Lifecycle

    @property
    def root(self) -> str:
        """The API root URL, e.g. ``http://127.0.0.1:40123``."""
        if self._httpd is None:
            raise RuntimeError("the fake Bot API is not running")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Self:
        """Listen on a free port of 127.0.0.1 and serve from a background thread."""
        self._closing.clear()
        self._httpd = _HttpServer(self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="fake-bot-api", daemon=True
        )
        self._thread.start()
        self._poster.reopen()
        self._pusher = threading.Thread(target=self._push_updates, name="fake-bot-api-webhook", daemon=True)
        self._pusher.start()
        return self

    def stop(self) -> None:
        """Answer pending long polls, close every connection and join every server thread."""
        if self._httpd is None or self._thread is None:
            return
        self._closing.set()
        with self._state:
            self._state.notify_all()
        self._poster.close_all()
        self._httpd.shutdown()
        self._httpd.close_connections()
        self._httpd.server_close()
        self._thread.join()
        if self._pusher is not None:
            self._pusher.join()
        with self._state:
            deliveries = list(self._delivery_threads)
        for thread in deliveries:
            thread.join()
        self._httpd = self._thread = self._pusher = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # What the bot did

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """Every request so far (or those to one method), in processing order."""
        with self._state:
            return [call for call in self._calls if method is None or call.method.lower() == method.lower()]

    @property
    def unknown_calls(self) -> list[ApiCall]:
        """Requests to methods this fake does not implement."""
        with self._state:
            return [call for call in self._calls if call.status == 404 and call.method != DOWNLOAD]

    def messages(self, chat_id: int) -> list[ChatMessage]:
        """The chat as it stands: every message not deleted, user's and bot's, oldest first."""
        with self._state:
            keys = sorted(key for key in self._messages if key[0] == chat_id)
            return [self._snapshot(self._messages[key]) for key in keys]

    @property
    def seq(self) -> int:
        """A counter that grows each time the bot sends or edits a message."""
        with self._state:
            return self._seq

    def changed_since(self, chat_id: int, seq: int) -> list[ChatMessage]:
        """Bot messages in the chat sent or edited after ``seq``, in the order of their last change."""
        with self._state:
            keys = sorted((s, key) for key, s in self._touched.items() if key[0] == chat_id and s > seq)
            return [self._snapshot(self._messages[key]) for _, key in keys]

    def last_activity(self, chat_id: int) -> float | None:
        """``time.monotonic()`` of the bot's latest request concerning the chat."""
        with self._state:
            return self._chat_activity.get(chat_id)

    def queued_at(self, update_id: int) -> float:
        """``time.monotonic()`` when the update was queued: the moment the user acted."""
        with self._state:
            return self._queued[update_id].at

    def queued_updates(self) -> list[QueuedUpdate]:
        """Every update queued so far, oldest first."""
        with self._state:
            return list(self._queued.values())

    def last_message_id(self, chat_id: int) -> int:
        """The id of the latest message of the chat, user's or bot's (0 before the first)."""
        with self._state:
            return self._last_message_id.get(chat_id, 0)

    def latest_bot_message(self, chat_id: int) -> ChatMessage | None:
        """The bot's newest message in the chat still there (as it stands now), without copying the chat."""
        with self._state:
            for message_id in range(self._last_message_id.get(chat_id, 0), 0, -1):
                message = self._messages.get((chat_id, message_id))
                if message is not None and message["from"] == self.bot_user:
                    return self._snapshot(message)
            return None

    @property
    def pending_updates(self) -> int:
        """Updates queued and not yet confirmed by ``getUpdates``' offset (or delivered to the webhook)."""
        with self._state:
            return len(self._updates)

    def paced_calls_per_window(self, window: float = 1.0, *, since: float = float("-inf")) -> int:
        """The most paced calls (see ``ApiCall.paced``; failed ones too) that ARRIVED within any window
        [t, t + ``window``), counting those that arrived at or after ``since``: Telegram's 30 a second."""
        return max_in_window([call.at for call in self.calls() if call.paced and call.at >= since], window)

    def paced_calls_per_chat_window(self, window: float = 1.0, *, since: float = float("-inf")) -> dict[int, int]:
        """For each chat, the most paced calls addressed to it that arrived within any ``window``."""
        arrivals: dict[int, list[float]] = {}
        for call in self.calls():
            if call.paced and call.at >= since and call.chat_id is not None:
                arrivals.setdefault(call.chat_id, []).append(call.at)
        return {chat_id: max_in_window(times, window) for chat_id, times in arrivals.items()}

    def watch(self, callback: Callable[[int], None]) -> None:
        """Call ``callback(chat_id)`` whenever the bot sends, edits or deletes a message in a chat, from the
        server's thread and holding its lock: it must only hand the news on (``loop.call_soon_threadsafe``),
        so that many scripted users can wait for the bot without polling."""
        with self._state:
            self._watchers.append(callback)

    def _tell_watchers(self, chat_id: int) -> None:
        for watcher in self._watchers:
            try:
                watcher(chat_id)
            except Exception as error:  # a watcher's bug must not turn the bot's call into a failure
                print(f"fake Bot API: watcher {watcher!r} failed: {error!r}", file=sys.stderr)

    def file(self, file_id: str) -> StoredFile:
        with self._state:
            return self._files[file_id]

    def callback_answer(self, query_id: str) -> dict[str, Any] | None:
        """The parameters of ``answerCallbackQuery`` for the query, ``None`` while unanswered."""
        with self._state:
            return self._callback_queries[query_id].answer

    def reply_keyboard(self, chat_id: int) -> dict[str, Any] | None:
        """The custom reply keyboard the user currently sees, if any."""
        with self._state:
            return self._reply_keyboards.get(chat_id)

    def commands(self, *, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict[str, Any]]:
        with self._state:
            return self._commands.get(_commands_key({"scope": scope, "language_code": language_code}), [])

    # What users do (used by tests.support.chat.ChatClient)

    def enqueue_update(self, update: dict[str, Any]) -> int:
        """Queue an update for ``getUpdates``; returns its ``update_id``."""
        with self._state:
            self._last_update_id += 1
            self._updates.append({"update_id": self._last_update_id, **copy.deepcopy(update)})
            queued = QueuedUpdate(self._last_update_id, _update_chat(self._updates[-1]), time.monotonic())
            self._queued[self._last_update_id] = queued
            self._state.notify_all()
            return self._last_update_id

    def receive_message(self, *, user: dict[str, Any], chat: dict[str, Any], **content: Any) -> ChatMessage:
        """A user writes to the bot: store the message and queue its update."""
        with self._state:
            self._chats[chat["id"]] = chat
            message = self._new_message(chat["id"], sender=user, **content)
            self._messages[chat["id"], message["message_id"]] = message
            self.enqueue_update({"message": message})
            return self._snapshot(message)

    def receive_callback_query(self, *, user: dict[str, Any], chat_id: int, message_id: int, data: str) -> str:
        """A user presses an inline button of a message; returns the query id."""
        with self._state:
            message = self._messages[chat_id, message_id]
            query_id = f"{len(self._callback_queries) + 1:019d}"
            self._callback_queries[query_id] = _CallbackQuery(chat_id)
            query = {"id": query_id, "from": user, "message": message, "chat_instance": str(chat_id), "data": data}
            self.enqueue_update({"callback_query": query})
            return query_id

    def add_file(self, filename: str, content: bytes, mime_type: str) -> StoredFile:
        """Store a file so a message can carry it and ``getFile`` can serve it."""
        with self._state:
            number = len(self._files)
            stored = StoredFile(
                file_id=f"BQACAgIAAxkBAAI{number:06d}",
                file_unique_id=f"AgAD{number:06d}",
                file_path=f"documents/file_{number}{PurePosixPath(filename).suffix}",
                filename=filename,
                mime_type=mime_type,
                content=content,
            )
            self._files[stored.file_id] = stored
            return stored

    # Webhook mode

    @property
    def webhook(self) -> Webhook | None:
        """What ``setWebhook`` registered; ``None`` while the bot polls."""
        with self._state:
            return self._webhook

    def webhook_backends(self, urls: list[str] | None) -> None:
        """Play the load balancer in front of several bot processes: post each attempt to the next of
        ``urls`` (``scheme://host:port``) in turn, on the registered URL's path; ``None`` posts to the
        registered URL itself again."""
        with self._state:
            self._backends = list(urls) if urls else None
            self._backend_turn = 0

    def webhook_deliveries(self) -> list[WebhookDelivery]:
        """Every attempt to post an update to the webhook, in the order they were answered."""
        with self._state:
            return list(self._deliveries)

    # Fault injection

    def flood_control(
        self,
        method: str,
        *,
        retry_after: int = 1,
        times: int | None = None,
        probability: float | None = None,
        seed: int = 0,
    ) -> None:
        """Answer ``method`` with 429 and ``retry_after``: the next ``times`` calls (default 1), or a seeded
        random fraction ``probability`` of calls."""
        if times is not None and probability is not None:
            raise ValueError("give either times or probability")
        error = _ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})
        with self._state:
            rules = self._faults.failures.setdefault(method.lower(), {})
            rules[429] = _FailRule(_Trigger.of(times, probability, seed), error)

    def fail(
        self,
        method: str,
        status: int,
        *,
        times: int = 1,
        description: str | None = None,
        p: float | None = None,
        seed: int | None = None,
    ) -> None:
        """Answer ``method`` with an error instead of processing it: the next ``times`` calls, or (with ``p``)
        each call with probability ``p``, reproducibly given ``seed``. The body is Telegram's, e.g.
        ``{"ok": false, "error_code": 502, "description": "Bad Gateway"}``; 403 says the user blocked the
        bot. python-telegram-bot raises ``Forbidden`` for 403 and ``NetworkError`` for 5xx."""
        if not 400 <= status <= 599:
            raise ValueError(f"an error status is 4xx or 5xx: {status}")
        text = description or _STATUS_DESCRIPTIONS.get(status) or HTTPStatus(status).phrase
        with self._state:
            rules = self._faults.failures.setdefault(method.lower(), {})
            rules[status] = _FailRule(_Trigger.of(times, p, seed), _ApiError(status, text))

    def time_out(self, method: str, *, times: int = 1, after_processing: bool = True, hold: float = 6.0) -> None:
        """Let the next ``times`` calls of ``method`` time out in the client: the answer is held back
        ``hold`` seconds (python-telegram-bot gives up after 5 s by default), then sent to whoever still
        listens. ``after_processing``: the call takes effect first (a sendMessage's message does appear in
        the chat, as when Telegram's answer is lost on the way back); otherwise it is dropped unprocessed
        and the connection closed without an answer. Stopping the server cuts the hold short."""
        with self._state:
            self._faults.time_outs[method.lower()] = _TimeOutRule(
                _Trigger.of(times, None, None), after_processing, hold
            )

    def block_chat(self, chat_id: int) -> None:
        """Answer every request about the chat with 403, as when the user blocked the bot."""
        with self._state:
            self._faults.blocked_chats.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        with self._state:
            self._faults.blocked_chats.discard(chat_id)

    def delay(self, seconds: float, *, method: str | None = None) -> None:
        """Wait before processing ``method`` (every method when ``None``), on top of ``latency``; 0 removes
        the delay. A slow Telegram; ``clear_faults`` removes it."""
        with self._state:
            self._faults.delays[method.lower() if method else None] = seconds

    def latency(self, seconds: float) -> None:
        """The network: every request (file downloads too) waits ``seconds`` before it is processed, like a
        round trip to Telegram (about 0.1 s). Requests wait concurrently, each in its own thread;
        ``ApiCall.at`` stays the arrival time. Not a fault: ``clear_faults`` keeps it; 0 removes it."""
        if seconds < 0:
            raise ValueError(f"latency cannot be negative: {seconds}")
        with self._state:
            self._latency = seconds

    def clear_faults(self) -> None:
        with self._state:
            self._faults = _Faults()

    # HTTP entry point, called from handler threads

    def respond(
        self, path: str, query: str, content_type: str, body: bytes, *, arrived: float | None = None
    ) -> tuple[int, str, bytes]:
        """Answer one HTTP request: (status, content type, body); status 0 means hang up without an answer.
        ``arrived``: when its first line was read (default: now)."""
        arrived = time.monotonic() if arrived is None else arrived
        if match := _FILE_PATH.fullmatch(path):
            return self._download(match["token"], match["path"], arrived)
        if not (match := _METHOD_PATH.fullmatch(path)):
            return 404, "application/json", _json({"ok": False, "error_code": 404, "description": "Not Found"})
        method = match["method"]
        try:
            params, files = _parse_request(content_type, body, query)
        except ValueError as error:
            params, files = {}, {}
            failure: _ApiError | None = _ApiError(400, f"Bad Request: {error}")
        else:
            failure = None
        with self._state:
            wait = self._latency + self._faults.delays.get(method.lower(), self._faults.delays.get(None, 0.0))
            time_out = self._faults.time_outs.get(method.lower())
            if time_out is not None and not time_out.trigger.fires():
                time_out = None
        if wait:
            self._closing.wait(wait)
        if time_out is not None and not time_out.after_processing:
            with self._state:
                dropped = {"ok": False, "description": "dropped unanswered (time_out)"}
                self._calls.append(ApiCall(method, params, files, 0, dropped, arrived, time.monotonic(), True))
            self._closing.wait(time_out.hold)
            return 0, "", b""
        with self._state:
            status, response = self._answer(match["token"], method, params, files, failure)
            processed = time.monotonic()
            self._calls.append(
                ApiCall(method, params, files, status, response, arrived, processed, time_out is not None)
            )
            if (chat_id := self._chat_of(params)) is not None:
                self._chat_activity[chat_id] = processed
        if time_out is not None:
            self._closing.wait(time_out.hold)
        return status, "application/json", _json(response)

    def _answer(
        self,
        token: str,
        method: str,
        params: dict[str, Any],
        files: dict[str, UploadedFile],
        failure: _ApiError | None,
    ) -> tuple[int, dict[str, Any]]:
        handler = self._methods.get(method.lower())
        try:
            if failure is not None:
                raise failure
            if token != self.token:
                raise _ApiError(401, "Unauthorized")
            if handler is None:
                raise _ApiError(404, "Not Found: method not found")
            self._check_faults(method, params)
            result = handler(params, files)
        except _ApiError as error:
            return error.status, error.response()
        except Exception as error:  # a bug in this fake: say so instead of dropping the connection
            return 500, _ApiError(500, f"Internal Server Error: fake Bot API failed: {error!r}").response()
        return 200, {"ok": True, "result": copy.deepcopy(result)}

    def _check_faults(self, method: str, params: dict[str, Any]) -> None:
        for rule in self._faults.failures.get(method.lower(), {}).values():
            if rule.trigger.fires():
                raise rule.error
        if self._chat_of(params) in self._faults.blocked_chats:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")

    def _download(self, token: str, file_path: str, arrived: float) -> tuple[int, str, bytes]:
        with self._state:
            wait = self._latency + self._faults.delays.get(DOWNLOAD, 0.0)
        if wait:
            self._closing.wait(wait)
        with self._state:
            stored = next((f for f in self._files.values() if f.file_path == file_path), None)
            if token != self.token:
                status, response = 401, _ApiError(401, "Unauthorized").response()
            elif stored is None:
                status, response = 404, _ApiError(404, "Not Found").response()
            else:
                status, response = 200, {"ok": True}
            download = ApiCall(DOWNLOAD, {"file_path": file_path}, {}, status, response, arrived, time.monotonic())
            self._calls.append(download)
        if stored is None or status != 200:
            return status, "application/json", _json(response)
        return status, stored.mime_type, stored.content

    # Bot API methods; each runs holding the lock and returns the "result" or raises _ApiError

    def _delete_webhook(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._webhook = None
        self._state.notify_all()
        return True

    def _set_webhook(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        """Like Telegram, except that plain http is accepted (the bot under test has no certificate)."""
        url = str(params.get("url") or "")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        if not url:
            self._webhook = None
            self._state.notify_all()
            return True
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise _ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN.fullmatch(str(secret)):
            raise _ApiError(400, "Bad Request: secret token contains unallowed characters")
        max_connections = int(params.get("max_connections") or 40)
        if not 1 <= max_connections <= 100:
            raise _ApiError(400, "Bad Request: bad webhook: max_connections must be between 1 and 100")
        allowed = params.get("allowed_updates")
        if allowed is None:  # as in Telegram: the previous setting stays
            kept = self._webhook.allowed_updates if self._webhook else ()
        else:
            kept = tuple(str(kind) for kind in allowed)
        self._webhook = Webhook(url, str(secret) if secret else None, kept, max_connections)
        self._webhook_error = None
        self._state.notify_all()
        return True

    def _get_webhook_info(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
        hook = self._webhook
        info: dict[str, Any] = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if hook is not None:
            info["max_connections"] = hook.max_connections
            if hook.allowed_updates:
                info["allowed_updates"] = list(hook.allowed_updates)
        if self._webhook_error is not None:
            info["last_error_date"], info["last_error_message"] = self._webhook_error
        return info

    def _get_updates(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> list[dict[str, Any]]:
        if self._webhook is not None:
            raise _ApiError(409, _WEBHOOK_CONFLICT)
        offset = params.get("offset")
        if offset is not None:
            offset = int(offset)
            # A negative offset keeps the last -offset updates; otherwise it confirms those below it.
            self._updates = (
                self._updates[offset:]
                if offset < 0
                else [update for update in self._updates if update["update_id"] >= offset]
            )
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        deadline = time.monotonic() + float(params.get("timeout", 0))
        while (
            not self._updates
            and self._webhook is None
            and not self._closing.is_set()
            and (remaining := deadline - time.monotonic()) > 0
        ):
            self._state.wait(remaining)
        return [] if self._webhook is not None else self._updates[:limit]

    # Webhook delivery: a pusher thread starts one delivery thread per update, each posting it until a 2xx

    def _push_updates(self) -> None:
        with self._state:
            while not self._closing.is_set():
                self._start_deliveries()
                self._state.wait(0.5)

    def _start_deliveries(self) -> None:
        """Post the waiting updates in order, at most ``max_connections`` at once, and never an update of a
        chat while an earlier one of that chat is unacknowledged."""
        hook = self._webhook
        if hook is None:
            return
        if hook.allowed_updates:  # Telegram drops what the bot did not ask for
            self._updates = [u for u in self._updates if _update_kind(u) in hook.allowed_updates]
        busy = {_update_chat(u) for u in self._updates if u["update_id"] in self._in_flight}
        for update in self._updates:
            if len(self._in_flight) >= hook.max_connections:
                return
            update_id, chat = update["update_id"], _update_chat(update)
            if update_id in self._in_flight or (chat is not None and chat in busy):
                continue
            busy.add(chat)
            self._in_flight.add(update_id)
            thread = threading.Thread(
                target=self._deliver, args=(update,), name=f"fake-bot-api-webhook-{update_id}", daemon=True
            )
            self._delivery_threads.add(thread)
            thread.start()

    def _deliver(self, update: dict[str, Any]) -> None:
        update_id, body = update["update_id"], _json(update)
        wait, longest = self._webhook_retry
        try:
            while not self._closing.is_set():
                with self._state:
                    hook = self._webhook
                    if hook is None or all(u["update_id"] != update_id for u in self._updates):
                        return  # the webhook was deleted (getUpdates will have it), or the update dropped
                    backend = None
                    if self._backends:
                        backend = self._backends[self._backend_turn % len(self._backends)]
                        self._backend_turn += 1
                    url = webhook_target(hook.url, backend)
                started = time.monotonic()
                status, error = self._poster.post(url, body, hook.secret_token)
                with self._state:
                    attempt = WebhookDelivery(update_id, url, backend, status, error, started, time.monotonic())
                    self._deliveries.append(attempt)
                    if error is None:
                        self._updates = [u for u in self._updates if u["update_id"] != update_id]
                        return
                    if not self._closing.is_set():
                        self._webhook_error = (int(time.time()), error)
                self._closing.wait(wait)
                wait = min(wait * 2, longest)
        finally:
            with self._state:
                self._in_flight.discard(update_id)
                self._delivery_threads.discard(threading.current_thread())
                self._state.notify_all()

    def _send_message(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
        chat_id = _chat_id(params)
        text = _visible_text(params.get("text"), params.get("parse_mode"))
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if len(text) > _MAX_TEXT:
            raise _ApiError(400, "Bad Request: message is too long")
        return self._post(chat_id, params, text=text)

    def _send_document(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
        chat_id = _chat_id(params)
        if upload := files.get("document"):
            stored = self.add_file(upload.filename, upload.content, upload.mime_type)
        elif (stored := self._files.get(str(params.get("document")))) is None:
            raise _ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        content: dict[str, Any] = {"document": stored.as_document()}
        if params.get("caption"):
            content["caption"] = _visible_text(params["caption"], params.get("parse_mode"))
            if len(content["caption"]) > _MAX_CAPTION:
                raise _ApiError(400, "Bad Request: message caption is too long")
        return self._post(chat_id, params, **content)

    def _send_photo(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
        """A photo as Telegram takes it: at most 10 MB, width + height at most 10000, sides at most 20:1."""
        chat_id = _chat_id(params)
        upload = files.get("photo")
        if upload is None:
            raise _ApiError(400, "Bad Request: there is no photo in the request")
        if len(upload.content) > 10 * 1024 * 1024:
            raise _ApiError(400, "Bad Request: PHOTO_SAVE_FILE_INVALID")
        width, height = _png_size(upload.content)
        if width + height > 10_000 or max(width, height) > 20 * min(width, height):
            raise _ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        stored = self.add_file(upload.filename or "photo.png", upload.content, upload.mime_type or "image/png")
        size = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "width": width, "height": height}
        content: dict[str, Any] = {"photo": [{**size, "file_size": len(upload.content)}]}
        if params.get("caption"):
            content["caption"] = _visible_text(params["caption"], params.get("parse_mode"))
        return self._post(chat_id, params, **content)

    def _edit_message_text(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
        message = self._editable(params)
        if "text" not in message:
            raise _ApiError(400, "Bad Request: there is no text in the message to edit")
        text = _visible_text(params.get("text"), params.get("parse_mode"))
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        return self._replace(message, params, text=text)

    def _edit_message_reply_markup(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
        return self._replace(self._editable(params), params)

    def _delete_message(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        key = (_chat_id(params), int(params.get("message_id", 0)))
        if self._messages.pop(key, None) is None:
            raise _ApiError(400, "Bad Request: message to delete not found")
        self._touched.pop(key, None)
        self._tell_watchers(key[0])
        return True

    def _answer_callback_query(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        query = self._callback_queries.get(str(params.get("callback_query_id")))
        if query is None or query.answer is not None:
            raise _ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        query.answer = {key: value for key, value in params.items() if key != "callback_query_id"}
        return True

    def _send_chat_action(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        _chat_id(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _set_my_commands(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _ApiError(400, "Bad Request: can't parse commands JSON object")
        if any(not _COMMAND_NAME.fullmatch(str(command.get("command", ""))) for command in commands):
            raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        self._commands[_commands_key(params)] = commands
        return True

    def _set_chat_menu_button(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        self._menu_buttons[params.get("chat_id")] = params.get("menu_button") or {"type": "default"}
        return True

    def _get_file(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
        stored = self._files.get(str(params.get("file_id")))
        if stored is None:
            raise _ApiError(400, "Bad Request: invalid file_id")
        if len(stored.content) > _MAX_DOWNLOAD:
            raise _ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    # Chat state

    def _new_message(self, chat_id: int, *, sender: dict[str, Any], **content: Any) -> dict[str, Any]:
        # Private chats share one message_id sequence between the user and the bot.
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        chat = self._chats.get(chat_id) or {"id": chat_id, "type": "private" if chat_id > 0 else "group"}
        return {
            "message_id": self._last_message_id[chat_id],
            "from": sender,
            "chat": chat,
            "date": int(time.time()),
            **content,
        }

    def _post(self, chat_id: int, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        message = self._new_message(chat_id, sender=self.bot_user, **content)
        reply_to = (params.get("reply_parameters") or {}).get("message_id") or params.get("reply_to_message_id")
        if (replied := self._messages.get((chat_id, reply_to or 0))) is not None:
            message["reply_to_message"] = {key: value for key, value in replied.items() if key != "reply_to_message"}
        self._apply_markup(chat_id, message, params.get("reply_markup"))
        self._store(message)
        return message

    def _editable(self, params: dict[str, Any]) -> dict[str, Any]:
        if "inline_message_id" in params:
            raise _ApiError(400, "Bad Request: inline messages are not supported by the fake Bot API")
        message = self._messages.get((_chat_id(params), int(params.get("message_id", 0))))
        if message is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        if message["from"] != self.bot_user:
            raise _ApiError(400, "Bad Request: message can't be edited")
        return message

    def _replace(self, message: dict[str, Any], params: dict[str, Any], **content: Any) -> dict[str, Any]:
        edited = {**message, **content, "edit_date": int(time.time())}
        # As in Telegram, an edit without reply_markup removes the inline keyboard.
        self._apply_markup(message["chat"]["id"], edited, params.get("reply_markup"))
        if edited.get("text") == message.get("text") and edited.get("reply_markup") == message.get("reply_markup"):
            raise _ApiError(400, _NOT_MODIFIED)
        self._store(edited)
        return edited

    def _apply_markup(self, chat_id: int, message: dict[str, Any], markup: Any) -> None:
        message.pop("reply_markup", None)
        if markup is None:
            return
        if not isinstance(markup, dict):
            raise _ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            for button in (button for row in markup["inline_keyboard"] for button in row):
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= _MAX_CALLBACK_DATA:
                    raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            message["reply_markup"] = markup
        elif "keyboard" in markup:
            self._reply_keyboards[chat_id] = markup
        elif markup.get("remove_keyboard"):
            self._reply_keyboards.pop(chat_id, None)

    def _store(self, message: dict[str, Any]) -> None:
        key = (message["chat"]["id"], message["message_id"])
        self._messages[key] = message
        self._seq += 1
        self._touched[key] = self._seq
        self._tell_watchers(key[0])

    def _snapshot(self, message: dict[str, Any]) -> ChatMessage:
        document = message.get("document") or (message["photo"][-1] if message.get("photo") else None)
        return ChatMessage(copy.deepcopy(message), self._files.get(document["file_id"]) if document else None)

    def _chat_of(self, params: dict[str, Any]) -> int | None:
        if (query := self._callback_queries.get(str(params.get("callback_query_id")))) is not None:
            return query.chat_id
        try:
            return int(params["chat_id"])
        except (KeyError, TypeError, ValueError):
            return None


class _HttpServer(ThreadingHTTPServer):
    """Joins its handler threads on close and can cut keep-alive connections so that close returns."""

    daemon_threads = False
    block_on_close = True
    # socketserver's default backlog (5) drops the SYNs of a burst of new connections, which the client
    # then repeats a second later: a whole second of made-up latency.
    request_queue_size = 1024

    def __init__(self, api: FakeBotApi) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.api = api
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._connections_lock:
            for connection in self._connections:
                with suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hung up (a cancelled long poll, a closed connection) is no news.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server: _HttpServer

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def parse_request(self) -> bool:
        self.arrived = time.monotonic()  # the request line has just been read
        return super().parse_request()

    def _serve(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        url = urlsplit(self.path)
        status, content_type, payload = self.server.api.respond(
            unquote(url.path), url.query, self.headers.get("Content-Type", ""), body, arrived=self.arrived
        )
        if status == 0:  # dropped unanswered: hang up
            self.close_connection = True
            return
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Stay silent: ``FakeBotApi.calls()`` is the log."""


# Request parsing


def _parse_request(content_type: str, body: bytes, query: str) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    params = {key: _decode(key, value) for key, value in parse_qsl(query, keep_blank_values=True)}
    files: dict[str, UploadedFile] = {}
    mime_type, _, options = content_type.partition(";")
    mime_type = mime_type.strip().lower()
    if mime_type == "application/json":
        params.update(json.loads(body or b"{}"))
    elif mime_type == "application/x-www-form-urlencoded":
        pairs = parse_qsl(body.decode(), keep_blank_values=True)
        params.update({key: _decode(key, value) for key, value in pairs})
    elif mime_type == "multipart/form-data":
        boundary = _header_params(options).get("boundary")
        if not boundary:
            raise ValueError("multipart body without boundary")
        for headers, content in _multipart_parts(body, boundary):
            disposition = _header_params(headers.get("content-disposition", "").partition(";")[2])
            name = disposition.get("name", "")
            if "filename" in disposition:
                mime = headers.get("content-type", "application/octet-stream")
                files[name] = UploadedFile(disposition["filename"], content, mime)
            else:
                params[name] = _decode(name, content.decode())
    elif body:
        raise ValueError(f"unsupported content type {content_type!r}")
    return params, files


def _decode(key: str, value: str) -> Any:
    if key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _header_params(options: str) -> dict[str, str]:
    """``name="document"; filename="年报.docx"`` as a dict, undoing httpx's HTML5 escaping of quoted values."""
    params = {}
    for match in re.finditer(r'([\w*-]+)\s*=\s*(?:"([^"]*)"|([^;]*))', options):
        quoted = match[2] is not None
        value = match[2] if quoted else match[3].strip()
        if quoted:
            value = re.sub(r"%(1[0-9A-F]|0[0-9A-F]|22)", lambda m: chr(int(m[1], 16)), value).replace("\\\\", "\\")
        params[match[1].lower()] = value
    return params


def _multipart_parts(body: bytes, boundary: str) -> Iterator[tuple[dict[str, str], bytes]]:
    for chunk in body.split(b"--" + boundary.encode())[1:]:
        if chunk.startswith(b"--"):
            return
        head, _, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        headers = {}
        for line in head.decode("utf-8").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        yield headers, content.removesuffix(b"\r\n")


def _chat_id(params: dict[str, Any]) -> int:
    value = params.get("chat_id")
    if value in (None, ""):
        raise _ApiError(400, "Bad Request: chat_id is empty")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _ApiError(400, "Bad Request: chat not found") from None


def _update_kind(update: dict[str, Any]) -> str:
    """``message``, ``callback_query``…: the one field of an update besides its id."""
    return next((key for key in update if key != "update_id"), "")


def _update_chat(update: dict[str, Any]) -> int | None:
    """The chat an update concerns (a button's message's chat), ``None`` if none."""
    content = update.get(_update_kind(update))
    if not isinstance(content, dict):
        return None
    chat = content.get("chat") or (content.get("message") or {}).get("chat") or content.get("from") or {}
    return chat.get("id")


def _commands_key(params: dict[str, Any]) -> str:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True) + "|" + str(params.get("language_code") or "")


class _TelegramHtml(HTMLParser):
    """Telegram's HTML parse mode: the supported tags, properly nested; collects the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.visible: list[str] = []
        self.open_tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS:
            raise _ApiError(400, f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}"')
        self.open_tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open_tags or self.open_tags.pop() != tag:
            raise _ApiError(400, f'Bad Request: can\'t parse entities: Unexpected end tag "{tag}"')

    def handle_data(self, data: str) -> None:
        self.visible.append(data)


def _visible_text(text: Any, parse_mode: Any) -> str:
    """The text users see. Only HTML markup is checked and stripped; Markdown is kept as sent."""
    text = "" if text is None else str(text)
    if str(parse_mode).upper() != "HTML":
        return text
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    if parser.open_tags:
        unclosed = parser.open_tags[-1]
        raise _ApiError(
            400, f"Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"{unclosed}\""
        )
    return "".join(parser.visible)


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """The largest number of moments within any half-open window [t, t + ``window``)."""
    ordered = sorted(times)
    return max((bisect.bisect_left(ordered, t + window) - i for i, t in enumerate(ordered)), default=0)


def _png_size(content: bytes) -> tuple[int, int]:
    """Width and height of a PNG (the only kind of picture the bot sends); a 400 for anything else."""
    if content[:8] != b"\x89PNG\r\n\x1a\n" or content[12:16] != b"IHDR":
        raise _ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
    return int.from_bytes(content[16:20], "big"), int.from_bytes(content[20:24], "big")


def _json(payload: Any) -> bytes:
    try:
        return json.dumps(payload, ensure_ascii=False).encode()
    except UnicodeEncodeError:  # half of a UTF-16 pair, which Telegram sends escaped as \ud800
        return json.dumps(payload).encode()


# Pointing python-telegram-bot at the fake


def application_builder(server: FakeBotApi) -> ApplicationBuilder:
    """An ``ApplicationBuilder`` with the fake's token and URLs, as the bot builds it from TELEGRAM_API_URL."""
    return (
        Application.builder()
        .token(server.token)
        .base_url(f"{server.root}/bot")
        .base_file_url(f"{server.root}/file/bot")
    )


@asynccontextmanager
async def polling(app: Application, *, timeout: float = 10) -> AsyncIterator[Application]:
    """Run ``app`` with long polling for the duration of the block, then shut it down completely."""
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=timedelta(seconds=timeout))
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
