"""The inbox: updates stored before Telegram is told they arrived, then handled member by member.

Each member's updates are handled strictly in order (update id), one at a time; different members'
concurrently. A member's worker takes the oldest unhandled update of that member from the database,
runs it through the application's handlers (which commit the change, the claim and the reply together),
then has the sender deliver the reply before the member's next update is taken. After a crash, every
stored and unhandled update is handled first, in the same way; several bot processes on one PostgreSQL
may share the work (a member's updates are serialised by the claim and a per-member lock).
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime, timedelta

from telegram import Update
from telegram.ext import Application

from bot.delivery.database import Database
from bot.delivery.sender import Sender
from bot.delivery.turn import LEASE, noticed, owner
from storage import mailbox

log = logging.getLogger(__name__)
SWEEP_EVERY = 5.0  # seconds between looks for work another process (or this one, before a crash) left


def received(update: Update) -> mailbox.Received:
    """The update as the inbox stores it: whose it is (its sender's, or its chat's) and its JSON."""
    user = update.effective_user
    chat = update.effective_chat
    owner = user.id if user is not None else (chat.id if chat is not None else 0)
    return mailbox.Received(update.update_id, owner, json.dumps(update.to_dict(), ensure_ascii=True))


class Inbox:
    def __init__(self, app: Application, db: Database, sender: Sender) -> None:
        self.app, self.db, self.sender = app, db, sender
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._again: set[int] = set()
        self._stopping = False
        self._sweeper: asyncio.Task[None] | None = None
        self._notices: set[asyncio.Task[None]] = set()

    async def store(self, updates: list[Update]) -> None:
        """Commit the updates; only then may Telegram be told they arrived. Then their members' turns."""
        rows = [received(update) for update in updates]
        await self.db.run(lambda s: mailbox.store_updates(session=s, updates=rows))
        self.wake(row.user_id for row in rows)

    def wake(self, users: object) -> None:
        for user_id in users:  # type: ignore[attr-defined]
            if self._stopping:
                return
            if user_id in self._workers:
                self._again.add(user_id)
            else:
                self._workers[user_id] = asyncio.get_running_loop().create_task(self._work(user_id))

    async def _work(self, user_id: int) -> None:
        try:
            last = -1
            while not self._stopping:
                found = await self.db.run(lambda s: mailbox.next_unhandled(session=s, user_id=user_id))
                if found is None or found[0] == last:
                    if user_id in self._again and found is None:
                        self._again.discard(user_id)
                        continue
                    return
                last = found[0]
                await self._handle(*found)
        except Exception:
            log.exception("the updates of %s stopped; they are taken up again by the next sweep", user_id)
        finally:
            self._workers.pop(user_id, None)
            self._again.discard(user_id)

    async def _handle(self, update_id: int, payload: str) -> None:
        data = json.loads(payload)
        if not data:  # recorded as handled by an older version; nothing to act on
            await self.db.run(lambda s: mailbox.mark_handled(session=s, update_id=update_id))
            return
        update = Update.de_json(data, self.app.bot)
        await self.app.process_update(update)
        # An update no handler acted on (nothing to answer) is done all the same, so it is not taken again.
        if not await self.db.run(lambda s: mailbox.is_handled(session=s, update_id=update_id)):
            await self.db.run(lambda s: mailbox.mark_handled(session=s, update_id=update_id))
        if update.effective_chat is not None:
            await self.sender.flush(update.effective_chat.id)
        for chat_id in noticed(update_id):  # reviewers or members told of a change: theirs go out beside
            task = asyncio.get_running_loop().create_task(self.sender.flush(chat_id))
            self._notices.add(task)
            task.add_done_callback(self._notices.discard)

    async def recover(self) -> None:
        """At start-up: messages never delivered are sent, updates never handled are handled, in order."""
        await self.sweep(at_start=True)
        self._sweeper = asyncio.get_running_loop().create_task(self._sweep_forever())

    async def sweep(self, *, at_start: bool = False) -> None:
        now, me = datetime.now(UTC), owner()
        # At start-up this slot's own undelivered messages (from before a crash) are taken back at once.
        chats = await self.db.run(
            lambda s: mailbox.take_over(session=s, owner=me, now=now, lease=now + LEASE, mine=at_start)
        )
        for chat_id in chats:
            asyncio.get_running_loop().create_task(self.sender.flush(chat_id))
        before = None if at_start else now - timedelta(seconds=2 * SWEEP_EVERY)
        users = await self.db.run(lambda s: mailbox.unhandled_users(session=s, received_before=before))
        self.wake(users)

    async def _sweep_forever(self) -> None:
        while not self._stopping:
            await asyncio.sleep(SWEEP_EVERY)
            try:
                await self.sweep()
            except Exception:
                log.exception("sweep failed; trying again")

    async def stop(self) -> None:
        """Finish the updates being handled; the others stay stored for the next start."""
        self._stopping = True
        if self._sweeper is not None:
            self._sweeper.cancel()
        if self._workers:
            await asyncio.gather(*self._workers.values(), return_exceptions=True)
        if self._notices:
            await asyncio.gather(*self._notices, return_exceptions=True)
        await self.sender.idle()
