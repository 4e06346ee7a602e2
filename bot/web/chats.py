"""The web channel's conversations in memory: each chat's messages (text, buttons, edits, documents,
photos), the files in them, and the updates waiting for the bot's getUpdates. Everything is bounded: a
chat keeps its latest messages, the files their latest bytes, the queue a fixed number of updates."""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

from bot.web.identity import WEB_USER_BASE

MESSAGES_KEPT = 300  # per chat: older ones leave the page (the report itself stays in the database)
FILE_BYTES_KEPT = 256 * 1024 * 1024  # every chat's files together; the oldest go first
PENDING_MAX = 2000  # updates waiting for the bot, every chat together
PENDING_PER_CHAT = 30  # a person cannot fill the queue alone
CALLBACKS_KEPT = 5000
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@\w+)?")


@dataclass
class File:
    """A file in a chat: uploaded by its person or sent by the bot; only that chat's person may fetch it."""

    file_id: str
    chat_id: int
    name: str
    mime_type: str
    content: bytes
    path: str = ""

    def __post_init__(self) -> None:
        self.path = self.path or f"documents/{self.file_id}"

    def as_document(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_id[:16],
            "file_name": self.name,
            "mime_type": self.mime_type,
            "file_size": len(self.content),
        }


@dataclass
class Message:
    chat_id: int
    message_id: int
    from_bot: bool
    date: int
    text: str | None = None
    buttons: list[list[dict[str, str]]] = field(default_factory=list)
    file: File | None = None
    photo: bool = False
    edited: bool = False
    seq: int = 0  # the chat's change counter when it was last sent or edited

    def for_page(self) -> dict[str, Any]:
        """What the page shows: never a user id, only this chat's own message and file ids."""
        shown: dict[str, Any] = {"id": self.message_id, "bot": self.from_bot, "text": self.text or "", "seq": self.seq}
        if self.buttons:
            shown["buttons"] = [
                [{"text": b.get("text", ""), "data": b.get("callback_data", ""), "url": b.get("url", "")} for b in row]
                for row in self.buttons
            ]
        if self.file is not None:
            kind = "photo" if self.photo else "document"
            file = self.file
            shown["file"] = {"id": file.file_id, "name": file.name, "size": len(file.content), "kind": kind}
        if self.edited:
            shown["edited"] = True
        return shown


class ApiError(Exception):
    """A Bot API error answer (Telegram's status and description)."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


class Full(Exception):
    """Too many updates wait for the bot: the person is asked to try again in a moment."""


class Chats:
    def __init__(self, bot_user: dict[str, Any], *, first_update_id: int, first_message_id: int) -> None:
        self.bot_user = bot_user
        self._next_update = first_update_id
        self._next_message = first_message_id
        self._pending: deque[dict[str, Any]] = deque()
        self._arrived = asyncio.Event()
        self._messages: dict[int, OrderedDict[int, Message]] = {}
        self._seq: dict[int, int] = {}
        self._notices: dict[int, deque[tuple[int, str]]] = {}
        self._changed: dict[int, asyncio.Event] = {}
        self._files: OrderedDict[str, File] = OrderedDict()
        self._file_bytes = 0
        self._callbacks: OrderedDict[str, int] = OrderedDict()
        self._closing = False

    # --- the person's side ---

    def person_text(self, user: dict[str, Any], text: str) -> None:
        """The person writes; a leading command carries its bot_command entity, as in Telegram."""
        content: dict[str, Any] = {"text": text}
        if match := _COMMAND.match(text):
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(match[0])}]
        self._person_message(user, content, Message(user["id"], 0, False, int(time.time()), text=text))

    def person_file(self, user: dict[str, Any], name: str, mime_type: str, content: bytes) -> None:
        """The person sends a file, as a document."""
        stored = self._keep_file(File(_file_id(), user["id"], name, mime_type or "application/octet-stream", content))
        message = Message(user["id"], 0, False, int(time.time()), file=stored)
        self._person_message(user, {"document": stored.as_document()}, message)

    def person_tap(self, user: dict[str, Any], message_id: int, data: str) -> bool:
        """The person taps a button; False unless that message of their own chat shows a button with this data."""
        chat_id = user["id"]
        message = self._messages.get(chat_id, OrderedDict()).get(message_id)
        if message is None or not message.from_bot:
            return False
        if not any(b.get("callback_data") == data for row in message.buttons for b in row):
            return False
        self._room(chat_id)
        query_id = secrets.token_hex(8)
        self._callbacks[query_id] = chat_id
        while len(self._callbacks) > CALLBACKS_KEPT:
            self._callbacks.popitem(last=False)
        query = {
            "id": query_id,
            "from": user,
            "message": self._as_api(message),
            "chat_instance": str(chat_id),
            "data": data,
        }
        self._enqueue(chat_id, {"callback_query": query})
        return True

    def _person_message(self, user: dict[str, Any], content: dict[str, Any], message: Message) -> None:
        chat_id = user["id"]
        self._room(chat_id)
        message.message_id = self._take_message_id()
        self._store(message)
        api = {"message_id": message.message_id, "from": user, "chat": _chat(user), "date": message.date, **content}
        self._enqueue(chat_id, {"message": api})

    def _room(self, chat_id: int) -> None:
        mine = sum(1 for u in self._pending if u["_chat"] == chat_id)
        if len(self._pending) >= PENDING_MAX or mine >= PENDING_PER_CHAT:
            raise Full

    def _enqueue(self, chat_id: int, update: dict[str, Any]) -> None:
        self._pending.append({"update_id": self._next_update, "_chat": chat_id, **update})
        self._next_update += 1
        self._arrived.set()

    # --- what the page reads ---

    def history(self, chat_id: int, after: int = 0) -> tuple[int, list[dict[str, Any]], list[str]]:
        """The chat's change counter, its messages sent or edited after ``after``, and the notices since."""
        messages = [m.for_page() for m in self._messages.get(chat_id, OrderedDict()).values() if m.seq > after]
        messages.sort(key=lambda m: m["seq"])
        notices = [text for seq, text in self._notices.get(chat_id, ()) if seq > after]
        return self._seq.get(chat_id, 0), messages, notices

    async def wait_change(self, chat_id: int, after: int, timeout: float) -> None:
        """Return when the chat changed after ``after`` (at once if it already has), or after ``timeout``."""
        if self._seq.get(chat_id, 0) > after or self._closing:
            return
        event = self._changed.setdefault(chat_id, asyncio.Event())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)

    def file_of(self, chat_id: int, file_id: str) -> File | None:
        """The file, only if it belongs to this chat."""
        found = self._files.get(file_id)
        return found if found is not None and found.chat_id == chat_id else None

    @property
    def closing(self) -> bool:
        return self._closing

    def close(self) -> None:
        """Wake every waiting request: the server is stopping."""
        self._closing = True
        self._arrived.set()
        for event in self._changed.values():
            event.set()

    # --- the bot's side (Bot API methods) ---

    async def get_updates(self, offset: int | None, limit: int, timeout: float) -> list[dict[str, Any]]:
        if offset is not None:
            while self._pending and self._pending[0]["update_id"] < offset:
                self._pending.popleft()
        if not self._pending and timeout > 0 and not self._closing:
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), timeout)
        return [{k: v for k, v in u.items() if k != "_chat"} for u in list(self._pending)[: max(1, min(limit, 100))]]

    def send(
        self,
        chat_id: int,
        *,
        text: str | None = None,
        markup: Any = None,
        file: File | None = None,
        photo: bool = False,
    ) -> dict[str, Any]:
        if chat_id < WEB_USER_BASE:
            raise ApiError(400, "Bad Request: chat not found")
        message = Message(chat_id, self._take_message_id(), True, int(time.time()), text=text, photo=photo)
        message.buttons = _buttons(markup)
        if file is not None:
            message.file = self._keep_file(file)
        self._store(message)
        return self._as_api(message)

    def edit(self, chat_id: int, message_id: int, *, text: str | None, markup: Any) -> dict[str, Any]:
        message = self._messages.get(chat_id, OrderedDict()).get(message_id)
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if not message.from_bot:
            raise ApiError(400, "Bad Request: message can't be edited")
        buttons = _buttons(markup)
        new_text = message.text if text is None else text
        if new_text == message.text and buttons == message.buttons:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply markup are exactly"
                " the same as a current content and reply markup of the message",
            )
        message.text, message.buttons, message.edited = new_text, buttons, True
        self._store(message)
        return self._as_api(message)

    def delete(self, chat_id: int, message_id: int) -> None:
        if self._messages.get(chat_id, OrderedDict()).pop(message_id, None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        self._touch(chat_id)

    def answer_callback(self, query_id: str, text: str | None) -> None:
        chat_id = self._callbacks.pop(query_id, None)
        if chat_id is None:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        if text:
            seq = self._touch(chat_id)
            self._notices.setdefault(chat_id, deque(maxlen=20)).append((seq, text))

    def file_by_id(self, file_id: str) -> File | None:
        return self._files.get(file_id)

    def file_by_path(self, path: str) -> File | None:
        file_id = path.removeprefix("documents/")
        found = self._files.get(file_id)
        return found if found is not None and found.path == path else None

    def new_file(self, chat_id: int, name: str, mime_type: str, content: bytes) -> File:
        return File(_file_id(), chat_id, name, mime_type, content)

    # --- keeping ---

    def _take_message_id(self) -> int:
        # One counter for every chat: a chat's ids only grow, also across restarts (see identity.next_numbers).
        self._next_message += 1
        return self._next_message - 1

    def _store(self, message: Message) -> None:
        chat = self._messages.setdefault(message.chat_id, OrderedDict())
        message.seq = self._touch(message.chat_id)
        chat[message.message_id] = message
        while len(chat) > MESSAGES_KEPT:
            chat.popitem(last=False)

    def _touch(self, chat_id: int) -> int:
        self._seq[chat_id] = self._seq.get(chat_id, 0) + 1
        event = self._changed.pop(chat_id, None)
        if event is not None:
            event.set()
        return self._seq[chat_id]

    def _keep_file(self, file: File) -> File:
        self._files[file.file_id] = file
        self._file_bytes += len(file.content)
        while self._file_bytes > FILE_BYTES_KEPT and len(self._files) > 1:
            _, oldest = self._files.popitem(last=False)
            self._file_bytes -= len(oldest.content)
        return file

    def _as_api(self, message: Message) -> dict[str, Any]:
        """The Bot API Message object."""
        sender = self.bot_user if message.from_bot else {"id": message.chat_id, "is_bot": False, "first_name": "-"}
        api: dict[str, Any] = {
            "message_id": message.message_id,
            "from": sender,
            "chat": {"id": message.chat_id, "type": "private", "first_name": "-"},
            "date": message.date,
        }
        if message.edited:
            api["edit_date"] = int(time.time())
        if message.file is not None and message.photo:
            api["photo"] = [{**message.file.as_document(), "width": 0, "height": 0}]
        elif message.file is not None:
            api["document"] = message.file.as_document()
        if message.text is not None:
            api["caption" if message.file is not None else "text"] = message.text
        if message.buttons:
            api["reply_markup"] = {"inline_keyboard": message.buttons}
        return api


def _chat(user: dict[str, Any]) -> dict[str, Any]:
    return {"id": user["id"], "type": "private", "first_name": user.get("first_name", "")}


def _file_id() -> str:
    return secrets.token_urlsafe(18)  # unguessable: a file id is never enough to reach another chat's file


def _buttons(markup: Any) -> list[list[dict[str, str]]]:
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return []
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    kept: list[list[dict[str, str]]] = []
    for row in rows:
        kept.append([])
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            kept[-1].append({k: str(v) for k, v in button.items() if k in ("text", "callback_data", "url")})
    return kept
