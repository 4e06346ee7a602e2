"""The inbox of received updates and the outbox of messages to send: short keyword-only functions.

An update is stored before Telegram is told it arrived; it is marked handled in the transaction that acts
on it, which also stages the reply in the outbox. A sender then delivers the outbox, row by row, in order
per chat, and records Telegram's message id, from which the question a member last saw is known.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import bindparam, func, literal, or_
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, delete, select, update

from storage.models import InboxUpdate, OutboxMessage

PENDING, SENT, FAILED, DROPPED = "pending", "sent", "failed", "dropped"


def _now() -> datetime:
    return datetime.now(UTC)


def _insert(session: Session, table: type) -> object:
    return (sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert)(table)


# --- the inbox ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Received:
    update_id: int
    user_id: int
    payload: str  # the update's JSON


def store_updates(*, session: Session, updates: list[Received]) -> None:
    """Store received updates in one commit; one already stored (a redelivery) is left as it is."""
    if not updates:
        return
    now = _now()
    rows = [{"update_id": u.update_id, "user_id": u.user_id, "payload": u.payload, "received_at": now} for u in updates]
    insert = _insert(session, InboxUpdate)
    session.connection().execute(insert.on_conflict_do_nothing(index_elements=["update_id"]), rows)  # type: ignore[attr-defined]
    session.commit()


def stage_claim_update(*, session: Session, update_id: int, user_id: int = 0) -> bool:
    """Mark the update handled in the open transaction; False if it already was (it acts only once).

    An update that never went through the inbox (a direct call) is recorded as handled all the same.
    """
    now = _now()
    insert = _insert(session, InboxUpdate).values(  # type: ignore[attr-defined]
        update_id=update_id, user_id=user_id, payload="{}", received_at=now, handled_at=now
    )
    upsert = insert.on_conflict_do_update(
        index_elements=["update_id"],
        set_={"handled_at": insert.excluded.handled_at},
        where=col(InboxUpdate.handled_at).is_(None),
    ).returning(InboxUpdate.update_id)
    return session.connection().execute(upsert).first() is not None


def lock_user(*, session: Session, user_id: int) -> None:
    """Serialise one member's updates across bot processes (PostgreSQL; one process on SQLite does it)."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(select(func.pg_advisory_xact_lock(literal(user_id))))


_NEXT = (
    select(InboxUpdate.update_id, InboxUpdate.payload)
    .where(col(InboxUpdate.user_id) == bindparam("user_id"), col(InboxUpdate.handled_at).is_(None))
    .order_by(col(InboxUpdate.update_id))
    .limit(1)
)


def next_unhandled(*, session: Session, user_id: int, after: int = -1) -> tuple[int, str] | None:
    """The member's oldest update not yet handled (after ``after``): their updates are handled in order."""
    query = _NEXT.where(col(InboxUpdate.update_id) > after)
    row = session.exec(query, params={"user_id": user_id}).first()  # type: ignore[call-overload]
    return (row[0], row[1]) if row else None


def unhandled_users(*, session: Session, received_before: datetime | None = None) -> list[int]:
    """Members with updates waiting (received before a moment: another process may be handling newer ones)."""
    query = select(InboxUpdate.user_id).where(col(InboxUpdate.handled_at).is_(None))
    if received_before is not None:
        query = query.where(col(InboxUpdate.received_at) < received_before)
    return sorted(set(session.exec(query.distinct()).all()))


def is_handled(*, session: Session, update_id: int) -> bool:
    row = session.get(InboxUpdate, update_id)
    return row is not None and row.handled_at is not None


def mark_handled(*, session: Session, update_id: int) -> None:
    """An update no handler acted on (nothing to answer) is done all the same."""
    stage_claim_update(session=session, update_id=update_id)
    session.commit()


def forget(*, session: Session, before: datetime) -> None:
    """Telegram never redelivers an update after a day: drop handled updates and settled messages older
    than ``before`` (the last question shown to a member stays: only older messages go)."""
    session.exec(delete(InboxUpdate).where(col(InboxUpdate.handled_at) < before))  # type: ignore[call-overload]
    session.exec(
        delete(OutboxMessage).where(  # type: ignore[call-overload]
            col(OutboxMessage.created_at) < before, col(OutboxMessage.status) != PENDING
        )
    )
    session.commit()


# --- the outbox --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outgoing:
    """One message as staged: ``kind`` "message" (text with buttons as JSON) or "report" (text: the kind
    of report file)."""

    text: str
    buttons_json: str | None = None
    asks: str | None = None
    kind: str = "message"


def stage_messages(
    *, session: Session, chat_id: int, update_id: int | None, messages: list[Outgoing], owner: str, lease: datetime
) -> None:
    """Stage messages for a chat in the open transaction (committed with the change they acknowledge)."""
    if not messages:
        return
    now = _now()
    rows = [
        {
            "update_id": update_id,
            "chat_id": chat_id,
            "kind": m.kind,
            "text": m.text,
            "buttons_json": m.buttons_json,
            "asks": m.asks,
            "status": PENDING,
            "attempts": 0,
            "owner": owner,
            "lease_until": lease,
            "created_at": now,
        }
        for m in messages
    ]
    session.connection().execute(_insert(session, OutboxMessage), rows)  # type: ignore[arg-type]


_PENDING = (
    select(OutboxMessage)
    .where(
        col(OutboxMessage.chat_id) == bindparam("chat_id"),
        col(OutboxMessage.status) == PENDING,
        col(OutboxMessage.owner) == bindparam("owner"),
    )
    .order_by(col(OutboxMessage.id))
)


def pending_messages(*, session: Session, chat_id: int, owner: str) -> list[OutboxMessage]:
    """The chat's messages this process is to deliver and has not yet, oldest first (another process's are
    its own to send, until their lease runs out and ``take_over`` makes them ours)."""
    return list(session.exec(_PENDING, params={"chat_id": chat_id, "owner": owner}).all())  # type: ignore[call-overload]


def sent_before(*, session: Session, message: OutboxMessage) -> OutboxMessage | None:
    """The message of the same update delivered just before this one (the "正在生成" a report's files
    follow), to be updated when the files have gone out."""
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.chat_id == message.chat_id,
            OutboxMessage.update_id == message.update_id,
            OutboxMessage.id < message.id,  # type: ignore[operator]
            OutboxMessage.kind == "message",
            OutboxMessage.status == SENT,
        )
        .order_by(OutboxMessage.id.desc())  # type: ignore[union-attr]
        .limit(1)
    )
    return session.exec(query).first()


def settle(*, session: Session, message_id: int, status: str, telegram_id: int | None = None) -> None:
    """Record the outcome of a send: sent (with Telegram's message id), failed or dropped."""
    values = {"status": status, "sent_at": _now(), "message_id": telegram_id, "lease_until": None}
    session.exec(update(OutboxMessage).where(col(OutboxMessage.id) == message_id).values(**values))  # type: ignore[call-overload]
    session.commit()


def begin_attempt(*, session: Session, message_id: int) -> None:
    """Record, before it is sent, that the message is being sent (again): from now on the member may see it."""
    session.exec(
        update(OutboxMessage)  # type: ignore[call-overload]
        .where(col(OutboxMessage.id) == message_id)
        .values(
            attempts=OutboxMessage.attempts + 1,
            first_attempt_at=func.coalesce(OutboxMessage.first_attempt_at, _now()),
        )
    )
    session.commit()


def retry_later(*, session: Session, message_id: int, owner: str, lease: datetime) -> bool:
    """Keep a message that failed ours until ``lease``; False if another process took it over."""
    result = session.connection().execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.owner) == owner)
        .values(lease_until=lease)
        .returning(OutboxMessage.id)
    )
    taken = result.first() is not None
    session.commit()
    return taken


def take_over(*, session: Session, owner: str, now: datetime, lease: datetime, mine: bool = False) -> list[int]:
    """Pending messages whose sender's lease ran out (a crash, or another process that stopped), and with
    ``mine`` those of this owner whatever their lease (after a restart): ours now, to send until ``lease``;
    returns their chats."""
    expired = (col(OutboxMessage.lease_until) < now) | col(OutboxMessage.lease_until).is_(None)
    result = session.connection().execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.status) == PENDING, expired | (col(OutboxMessage.owner) == owner) if mine else expired)
        .values(owner=owner, lease_until=lease)
        .returning(OutboxMessage.chat_id)
    )
    chats = sorted({row[0] for row in result})
    session.commit()
    return chats


_RECEIVED = select(InboxUpdate.received_at).where(col(InboxUpdate.update_id) == bindparam("update_id"))
_CERTAIN = aliased(OutboxMessage, name="certain")
# Newer walk messages the member may have seen before writing although their message id does not say so: a
# send was under way when the update arrived, and either it never reported its message id (a crash) or an
# earlier attempt of it may have arrived (a time-out after Telegram took it).
_MAYBE = (
    select(OutboxMessage.asks)
    .where(
        col(OutboxMessage.chat_id) == bindparam("chat_id"),
        col(OutboxMessage.asks).is_not(None),
        col(OutboxMessage.id) > _CERTAIN.id,
        col(OutboxMessage.status).in_((PENDING, SENT)),
        col(OutboxMessage.first_attempt_at) < _RECEIVED.scalar_subquery(),
        or_(
            col(OutboxMessage.message_id).is_(None),
            col(OutboxMessage.message_id) < bindparam("before"),
            col(OutboxMessage.attempts) > 1,
        ),
    )
    .order_by(col(OutboxMessage.id).desc())
    .limit(1)
    .correlate(_CERTAIN)
    .scalar_subquery()
)
# The last walk message known to have reached the chat before the member's message, with any newer one the
# member may have seen instead: one round trip.
_SHOWN = (
    select(_CERTAIN.asks, _CERTAIN.sent_at, _MAYBE)
    .where(
        _CERTAIN.chat_id == bindparam("chat_id"),
        _CERTAIN.status == SENT,
        _CERTAIN.asks.is_not(None),
        _CERTAIN.message_id < bindparam("before"),
    )
    .order_by(_CERTAIN.message_id.desc())
    .limit(1)
)


@dataclass(frozen=True)
class Shown:
    """The question of the last walk message delivered before the member's message ("" for a step that
    asks none), when it was delivered, and a newer question the member may have seen instead (None: none)."""

    asks: str
    at: datetime
    maybe: str | None = None


def shown_question(*, session: Session, chat_id: int, before_message_id: int, update_id: int) -> Shown | None:
    """What the member had seen when they wrote message ``before_message_id`` (a private chat numbers the
    bot's and the member's messages in one sequence); None if no walk message was delivered before it."""
    params = {"chat_id": chat_id, "before": before_message_id, "update_id": update_id}
    row = session.connection().execute(_SHOWN, params).first()
    if row is None:
        return None
    asks, at, maybe = row
    return Shown(asks, at if at.tzinfo else at.replace(tzinfo=UTC), maybe if maybe != asks else None)
