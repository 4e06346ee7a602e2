"""One update's turn: what the walk needs of delivery inside its transaction.

The walk claims the update (it acts only once), records its reply in the outbox (sent after the commit)
and asks which question the member saw last; it does not know how updates arrive or replies leave.
"""

from __future__ import annotations

import json
import secrets
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from bot.chat.screens import Reply, Screen
from storage import mailbox

LEASE = timedelta(seconds=20)  # after this another process may send a message this one has not
_owner = [f"{socket.gethostname()[:16]}-{secrets.token_hex(4)}"]


def owner() -> str:
    """This process, as the owner of the messages it sends: stable across restarts of one deployment slot
    (``set_owner``), so that a restarted bot takes its own undelivered messages back at once."""
    return _owner[0]


def set_owner(name: str) -> None:
    _owner[0] = name[:32]


MAX_MESSAGE = 4000  # Telegram allows 4096 characters; leave room

# The other chats an update's reply told something (a reviewer, a member), for the inbox to deliver to right
# after the update (the sweep would only take them over once their lease has run out). A hint only: the
# outbox holds what is to be sent.
_noticed: dict[int, set[int]] = {}


def noticed(update_id: int) -> set[int]:
    """The other chats the update's committed reply staged messages for (forgotten once asked)."""
    return _noticed.pop(update_id, set())


Seen = mailbox.Shown  # what the member had seen when they wrote


@dataclass(frozen=True)
class Turn:
    """An update as the walk sees it. ``chat_id`` None: nothing is delivered (a direct call, as in tests).
    ``seen_before``: the member's message id (typed) or the tapped message's id + 1 (a button): the messages
    the bot delivered before it are what the member had seen."""

    update_id: int
    user_id: int
    chat_id: int | None = None
    seen_before: int | None = None
    owner: str = field(default_factory=owner)
    shared: bool = False  # several bot processes share the database (webhook mode): serialise the member

    def claim(self, session: Session) -> bool:
        """The update is being acted on, in the open transaction; False if it already was."""
        if self.shared:
            mailbox.lock_user(session=session, user_id=self.user_id)
        return mailbox.stage_claim_update(session=session, update_id=self.update_id, user_id=self.user_id)

    def record(self, session: Session, reply: Reply) -> None:
        """Stage the reply in the outbox, to be committed with the change it acknowledges."""
        if self.chat_id is None or not reply.handled:
            return
        messages = outgoing(reply.screens)
        if reply.files:
            messages.append(mailbox.Outgoing(text=f"{reply.files}:{self.user_id}", kind="report"))
        lease = datetime.now(UTC) + LEASE
        mailbox.stage_messages(
            session=session,
            chat_id=self.chat_id,
            update_id=self.update_id,
            messages=messages,
            owner=self.owner,
            lease=lease,
        )
        others: dict[int, list[Screen]] = {}
        for notice in reply.notices:
            others.setdefault(notice.chat_id, []).append(notice.screen)
        for chat_id, screens in others.items():
            mailbox.stage_messages(
                session=session,
                chat_id=chat_id,
                update_id=self.update_id,
                messages=outgoing(screens),
                owner=self.owner,
                lease=lease,
            )
        if others.keys() - {self.chat_id}:
            _noticed.setdefault(self.update_id, set()).update(others.keys() - {self.chat_id})

    def seen(self, session: Session) -> Seen | None:
        if self.chat_id is None or self.seen_before is None:
            return None
        return mailbox.shown_question(
            session=session, chat_id=self.chat_id, before_message_id=self.seen_before, update_id=self.update_id
        )


def _chunks(text: str) -> list[str]:
    parts: list[str] = []
    while len(text) > MAX_MESSAGE:
        cut = text.rfind("\n", 0, MAX_MESSAGE)
        cut = cut if cut > 0 else MAX_MESSAGE
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return [*parts, text]


def outgoing(screens: list[Screen]) -> list[mailbox.Outgoing]:
    """The screens as few messages as possible: a screen without buttons joins the next one when both fit
    in one message (one paced call per action); a long text is split, its buttons on the last part."""
    merged: list[Screen] = []
    for screen in screens:
        if merged and not merged[-1].buttons and len(merged[-1].text) + len(screen.text) + 2 <= MAX_MESSAGE:
            merged[-1] = screen.after(merged[-1].text)
        else:
            merged.append(screen)
    messages: list[mailbox.Outgoing] = []
    for screen in merged:
        chunks = _chunks(screen.text)
        messages += [mailbox.Outgoing(text=chunk) for chunk in chunks[:-1]]
        buttons = json.dumps(screen.buttons, ensure_ascii=False) if screen.buttons else None
        messages.append(mailbox.Outgoing(text=chunks[-1], buttons_json=buttons, asks=screen.asks))
    return messages
