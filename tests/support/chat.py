"""A Telegram user talking to the bot through the fake Bot API, so an end-to-end test reads like the chat.

    chat = ChatClient(server)
    await chat.send("/start CODE")
    reply = await chat.expect("Welcome")
    await chat.click("Confirm")
    assert (await chat.wait_reply()).text == "Confirmed"

The client only touches the fake server's state, never the bot, so it works whether the bot runs in the
test's event loop or in a subprocess. Waiting polls that state with short ``asyncio.sleep`` calls, which
also lets a bot in the same loop do its work.
"""

from __future__ import annotations

import asyncio
import mimetypes
import re
import time
from collections.abc import Callable
from typing import Any

from tests.support.fake_bot_api import ChatMessage, FakeBotApi, InlineButton

_POLL_INTERVAL = 0.01
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?(?=\s|$)")


class ChatClient:
    """One user in one chat. Each action starts a new turn; the bot's answers to it are its replies."""

    def __init__(
        self,
        server: FakeBotApi,
        *,
        user_id: int = 1001,
        first_name: str = "Tester",
        username: str | None = None,
        chat_id: int | None = None,
        language_code: str = "zh-hans",
        quiet: float = 0.3,
    ) -> None:
        """``chat_id`` defaults to the private chat with the user; another id makes it a group.
        The bot counts as done replying once it has said something and then been ``quiet`` seconds silent."""
        self.server = server
        self.user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            self.user["username"] = username
        self.user["language_code"] = language_code
        self.chat_id = user_id if chat_id is None else chat_id
        if self.chat_id == user_id:
            self.chat: dict[str, Any] = {"id": user_id, "type": "private", "first_name": first_name}
        else:
            self.chat = {"id": self.chat_id, "type": "group", "title": f"Test group {self.chat_id}"}
        self.quiet = quiet
        self.last_query_id: str | None = None
        self._turn_seq = server.seq
        self._turn_started = time.monotonic()

    # What the user does

    async def send(self, text: str) -> ChatMessage:
        """Write a message; a leading command carries its ``bot_command`` entity as in Telegram."""
        content: dict[str, Any] = {"text": text}
        if command := _COMMAND.match(text):
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": _utf16_length(command[0])}]
        self._start_turn()
        return self.server.receive_message(user=self.user, chat=self.chat, **content)

    async def upload(
        self, filename: str, content: bytes, mime_type: str | None = None, *, caption: str | None = None
    ) -> ChatMessage:
        """Send a file as a document; the bot can fetch it with ``getFile``."""
        mime_type = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        stored = self.server.add_file(filename, content, mime_type)
        extra = {"caption": caption} if caption is not None else {}
        self._start_turn()
        return self.server.receive_message(user=self.user, chat=self.chat, document=stored.as_document(), **extra)

    async def click(self, label: str, *, message: ChatMessage | None = None) -> None:
        """Press a button by its text or callback data: an inline button of ``message`` (default: the latest
        bot message with an inline keyboard), else a button of the reply keyboard, which sends its text."""
        target = message or next((m for m in reversed(self.bot_messages()) if m.buttons), None)
        button = _find_button(target.buttons if target else [], label)
        if button is not None and target is not None:
            if button.callback_data is None:
                raise AssertionError(f"button {button.text!r} opens {button.url!r}, it has no callback data")
            self._start_turn()
            self.last_query_id = self.server.receive_callback_query(
                user=self.user, chat_id=self.chat_id, message_id=target.message_id, data=button.callback_data
            )
            return
        keyboard = self.server.reply_keyboard(self.chat_id) or {}
        texts = [b if isinstance(b, str) else b["text"] for row in keyboard.get("keyboard", []) for b in row]
        if label in texts:
            await self.send(label)
            return
        shown = f"inline {target.button_texts}" if target else "no inline keyboard"
        raise AssertionError(f"no button {label!r}; the user sees {shown} and reply keyboard {texts}")

    # What the bot said

    async def replies(self, timeout: float = 5.0) -> list[ChatMessage]:
        """The bot's messages sent or edited in this chat since the user's last action, once it is done."""
        return await self._wait(bool, "the bot did not reply", timeout)

    async def wait_reply(self, timeout: float = 5.0) -> ChatMessage:
        """The latest message the bot sent or edited in answer to the user's last action."""
        return (await self.replies(timeout))[-1]

    async def expect(self, fragment: str, timeout: float = 5.0) -> ChatMessage:
        """The latest reply containing ``fragment``; fails listing what the bot said instead."""

        def matching(replies: list[ChatMessage]) -> list[ChatMessage]:
            return [reply for reply in replies if fragment in (reply.text or "")]

        replies = await self._wait(lambda replies: bool(matching(replies)), f"no reply contains {fragment!r}", timeout)
        return matching(replies)[-1]

    async def expect_no_reply(self) -> None:
        """Wait ``quiet`` seconds and fail if the bot said anything to this chat since the last action."""
        await asyncio.sleep(self.quiet)
        if self.server.changed_since(self.chat_id, self._turn_seq):
            raise self._failure("the bot replied, but no reply was expected")

    def history(self) -> list[ChatMessage]:
        """The whole chat as it stands, user's and bot's messages."""
        return self.server.messages(self.chat_id)

    def bot_messages(self) -> list[ChatMessage]:
        return [message for message in self.history() if message.from_bot]

    def last_document(self) -> tuple[str, bytes]:
        """(filename, content) of the latest document the bot sent to this chat."""
        for message in reversed(self.bot_messages()):
            if message.file is not None:
                return message.file.filename, message.file.content
        raise self._failure("the bot sent no document to this chat")

    async def document(self, suffix: str = "", timeout: float = 30.0) -> tuple[str, bytes]:
        """(filename, content) of the latest document whose name ends with ``suffix``, once it has arrived."""

        def sent() -> list[tuple[str, bytes]]:
            files = [m.file for m in self.bot_messages() if m.file is not None]
            return [(f.filename, f.content) for f in files if f.filename.endswith(suffix)]

        deadline = time.monotonic() + timeout
        while not sent():
            if time.monotonic() >= deadline:
                raise self._failure(f"no document named *{suffix} within {timeout} s")
            await asyncio.sleep(_POLL_INTERVAL)
        return sent()[-1]

    @property
    def callback_answer(self) -> dict[str, Any] | None:
        """How the bot answered the latest button press (``text``, ``show_alert``…), ``None`` if not yet."""
        if self.last_query_id is None:
            raise AssertionError("no inline button was pressed")
        return self.server.callback_answer(self.last_query_id)

    # Waiting

    def _start_turn(self) -> None:
        self._turn_seq = self.server.seq
        self._turn_started = time.monotonic()

    async def _wait(self, done: Callable[[list[ChatMessage]], bool], problem: str, timeout: float) -> list[ChatMessage]:
        deadline = time.monotonic() + timeout
        while True:
            replies = self.server.changed_since(self.chat_id, self._turn_seq)
            last_activity = self.server.last_activity(self.chat_id) or 0.0
            if done(replies) and time.monotonic() - last_activity >= self.quiet:
                return replies
            if time.monotonic() >= deadline:
                raise self._failure(f"{problem} within {timeout} s")
            await asyncio.sleep(_POLL_INTERVAL)

    def _failure(self, problem: str) -> AssertionError:
        replies = self.server.changed_since(self.chat_id, self._turn_seq)
        replied_ids = {reply.message_id for reply in replies}
        lines = [problem + "."]
        if replies:
            lines.append("Since the user's last action the bot said:")
            lines += [f"  {reply}" for reply in replies]
        else:
            lines.append("Since the user's last action the bot said nothing to this chat.")
        earlier = [message for message in self.history() if message.message_id not in replied_ids][-6:]
        if earlier:
            lines.append("Before that the chat read:")
            lines += [f"  {message}" for message in earlier]
        failed = [call for call in self.server.calls() if call.at >= self._turn_started and call.status != 200]
        if failed:
            lines.append("Bot API calls that failed meanwhile:")
            lines += [f"  {call.method} -> {call.status} {call.description}" for call in failed]
        return AssertionError("\n".join(lines))


def _find_button(buttons: list[InlineButton], label: str) -> InlineButton | None:
    return next((b for b in buttons if b.text == label), None) or next(
        (b for b in buttons if b.callback_data == label), None
    )


def _utf16_length(text: str) -> int:
    """Telegram measures entities in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2
