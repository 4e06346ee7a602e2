"""The sender: delivers the outbox, in order per chat, until Telegram accepts each message or refuses it.

Telegram's 5xx answers, time-outs and network errors are retried with growing pauses (a time-out may mean
the message arrived: then it arrives twice, which is better than never); 429 is retried by the pacer, and
here again if the pacer gave up. 403 (the member blocked the bot) and 400 (a message Telegram will never
take) settle the message. A message not yet delivered holds back the later ones of its chat, so a member
always reads the replies in the order of their updates. A "report" message makes the report's files when it
is sent, in a task of its own (two reports at a time), so nobody waits for LibreOffice.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.chat.screens import Screen, markup_rows
from bot.delivery.database import Database
from bot.delivery.turn import LEASE, owner
from bot.reminders.pacing import retry_after_seconds
from storage import mailbox
from storage.models import OutboxMessage

log = logging.getLogger(__name__)
PAUSES = (0.5, 1, 2, 4, 8, 15, 30)  # seconds between attempts; the last one repeats
GIVE_UP = timedelta(days=1)  # Telegram itself forgets a conversation's updates after a day

# Makes and sends a report's files: (chat id, member's user id, kind, the message they follow).
Documents = Callable[[int, int, str, OutboxMessage | None], Awaitable[None]]


def markup(buttons_json: str | None) -> InlineKeyboardMarkup | None:
    """The stored buttons as Telegram's keyboard, the way every screen is shown."""
    return markup_rows(Screen("", json.loads(buttons_json) if buttons_json else []))


class Sender:
    def __init__(self, bot: Bot, db: Database, documents: Documents) -> None:
        self.bot, self.db, self.documents = bot, db, documents
        self._chats: dict[int, asyncio.Lock] = {}
        self._reports: dict[int, asyncio.Task[None]] = {}
        self.on_blocked: Callable[[int], Awaitable[None]] | None = None

    async def flush(self, chat_id: int) -> None:
        """Deliver every pending message of the chat, oldest first; one flush per chat at a time."""
        lock = self._chats.setdefault(chat_id, asyncio.Lock())
        async with lock:
            try:
                pending = await self.db.run(
                    lambda s: mailbox.pending_messages(session=s, chat_id=chat_id, owner=owner())
                )
                for message in pending:
                    if message.kind == "report":
                        self._report(message)
                    elif not await self._deliver(message):
                        return
            finally:
                # Forget an idle chat's lock (memory stays bounded with many chats); only while nobody waits
                # for it, or a later flush could run beside the waiting one and send a message twice.
                if not lock._waiters:  # type: ignore[attr-defined]
                    self._chats.pop(chat_id, None)

    async def _deliver(self, message: OutboxMessage) -> bool:
        """Send until settled; False if another process has taken the message over (it sends the rest)."""
        assert message.id is not None
        attempt = 0
        while True:
            await self.db.run(lambda s: mailbox.begin_attempt(session=s, message_id=message.id))
            try:
                sent = await self.bot.send_message(
                    message.chat_id, message.text, reply_markup=markup(message.buttons_json)
                )
            except Forbidden:
                log.info("chat %s blocked the bot: its messages are dropped", message.chat_id)
                await self._settle(message, mailbox.DROPPED)
                if self.on_blocked is not None:
                    await self.on_blocked(message.chat_id)
                return True
            except BadRequest as exc:
                log.error("message %s refused by Telegram: %s", message.id, exc)
                await self._settle(message, mailbox.FAILED)
                return True
            except (NetworkError, RetryAfter) as exc:  # 5xx, time-outs, connection errors, a long flood pause
                pause = (
                    retry_after_seconds(exc) if isinstance(exc, RetryAfter) else PAUSES[min(attempt, len(PAUSES) - 1)]
                )
                attempt += 1
                log.warning(
                    "message %s not delivered (%s); attempt %d again in %.1f s", message.id, exc, attempt, pause
                )
                if _age(message) > GIVE_UP:
                    await self._settle(message, mailbox.FAILED)
                    return True
                mine = await self._keep(message.id, datetime.now(UTC) + LEASE + timedelta(seconds=pause))
                if not mine:
                    return False
                await asyncio.sleep(pause)
                continue
            await self._settle(message, mailbox.SENT, sent.message_id)
            return True

    async def _keep(self, message_id: int, lease: datetime) -> bool:
        return await self.db.run(
            lambda s: mailbox.retry_later(session=s, message_id=message_id, owner=owner(), lease=lease)
        )

    async def _settle(self, message: OutboxMessage, status: str, telegram_id: int | None = None) -> None:
        assert message.id is not None
        await self.db.run(
            lambda s: mailbox.settle(session=s, message_id=message.id, status=status, telegram_id=telegram_id)
        )

    def _report(self, message: OutboxMessage) -> None:
        """Make and send the report's files in a task of its own; settled once they went out."""
        assert message.id is not None
        if message.id in self._reports:
            return
        self._reports[message.id] = asyncio.get_running_loop().create_task(self._send_report(message))

    async def _send_report(self, message: OutboxMessage) -> None:
        assert message.id is not None
        kind, _, user = message.text.partition(":")
        shown = await self.db.run(lambda s: mailbox.sent_before(session=s, message=message))
        try:
            for attempt in range(len(PAUSES)):
                try:
                    await self.documents(message.chat_id, int(user or message.chat_id), kind, shown)
                    break
                except Forbidden:
                    await self._settle(message, mailbox.DROPPED)
                    return
                except NetworkError as exc:
                    if isinstance(exc, BadRequest):
                        raise
                    log.warning("report files for chat %s not delivered (%s); again", message.chat_id, exc)
                    await asyncio.sleep(PAUSES[attempt])
            await self._settle(message, mailbox.SENT)
        except Exception:
            log.exception("report files for chat %s failed", message.chat_id)
            await self._settle(message, mailbox.FAILED)
        finally:
            self._reports.pop(message.id, None)

    async def idle(self) -> None:
        """Wait for the reports being made (at shutdown)."""
        if self._reports:
            await asyncio.gather(*self._reports.values(), return_exceptions=True)


def _age(message: OutboxMessage) -> timedelta:
    created: Any = message.created_at
    created = created if created.tzinfo else created.replace(tzinfo=UTC)
    return datetime.now(UTC) - created
