"""The inbox and the outbox on both databases: updates stored once and handled once, messages sent by their
owner until its lease runs out, and what a member had seen when they wrote."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from storage import mailbox
from storage.models import OutboxMessage

CHAT = 1001
NOW = datetime.now(UTC)


def _stage(session: Session, *asks: str | None, owner: str = "a", lease: datetime | None = None) -> list[int]:
    messages = [mailbox.Outgoing(text=f"q {a}", asks=a) for a in asks]
    mailbox.stage_messages(
        session=session, chat_id=CHAT, update_id=None, messages=messages, owner=owner, lease=lease or NOW
    )
    session.commit()
    return [m.id for m in mailbox.pending_messages(session=session, chat_id=CHAT, owner=owner)]  # type: ignore[misc]


def _deliver(session: Session, message_id: int, telegram_id: int) -> None:
    mailbox.begin_attempt(session=session, message_id=message_id)
    mailbox.settle(session=session, message_id=message_id, status=mailbox.SENT, telegram_id=telegram_id)


def test_an_update_is_stored_once_and_handled_once(engine: Engine) -> None:
    with Session(engine) as session:
        received = [mailbox.Received(7, CHAT, '{"update_id": 7}'), mailbox.Received(8, CHAT, '{"update_id": 8}')]
        mailbox.store_updates(session=session, updates=received)
        mailbox.store_updates(session=session, updates=received[:1])  # Telegram delivered it again
        assert mailbox.unhandled_users(session=session) == [CHAT]
        assert mailbox.next_unhandled(session=session, user_id=CHAT) == (7, '{"update_id": 7}')
        assert mailbox.stage_claim_update(session=session, update_id=7, user_id=CHAT)
        session.commit()
        assert not mailbox.stage_claim_update(session=session, update_id=7, user_id=CHAT)  # acts only once
        session.rollback()
        assert mailbox.next_unhandled(session=session, user_id=CHAT) == (8, '{"update_id": 8}')
        assert mailbox.stage_claim_update(session=session, update_id=99, user_id=CHAT)  # never in the inbox
        session.commit()
        assert mailbox.is_handled(session=session, update_id=99)


def test_a_process_sends_its_own_messages_and_takes_over_others_when_their_lease_ran_out(engine: Engine) -> None:
    with Session(engine) as session:
        _stage(session, "q1", owner="a", lease=NOW + timedelta(seconds=20))
        _stage(session, "q2", owner="b", lease=NOW - timedelta(seconds=1))
        assert [m.asks for m in mailbox.pending_messages(session=session, chat_id=CHAT, owner="a")] == ["q1"]
        assert mailbox.take_over(session=session, owner="a", now=NOW, lease=NOW + timedelta(seconds=20)) == [CHAT]
        assert [m.asks for m in mailbox.pending_messages(session=session, chat_id=CHAT, owner="a")] == ["q1", "q2"]
        assert mailbox.take_over(session=session, owner="b", now=NOW, lease=NOW) == []  # "a" holds them now


def test_what_the_member_had_seen_when_they_wrote(engine: Engine) -> None:
    with Session(engine) as session:
        first, second = _stage(session, "q1", "q2")
        _deliver(session, first, telegram_id=10)
        mailbox.store_updates(session=session, updates=[mailbox.Received(50, CHAT, "{}")])
        seen = mailbox.shown_question(session=session, chat_id=CHAT, before_message_id=11, update_id=50)
        assert seen is not None and (seen.asks, seen.maybe) == ("q1", None)  # q2 was not even being sent
        mailbox.begin_attempt(session=session, message_id=second)  # q2 goes out; the bot learns nothing more
        mailbox.store_updates(session=session, updates=[mailbox.Received(51, CHAT, "{}")])
        seen = mailbox.shown_question(session=session, chat_id=CHAT, before_message_id=12, update_id=51)
        assert seen is not None and (seen.asks, seen.maybe) == ("q1", "q2")  # either may have been seen
        mailbox.settle(session=session, message_id=second, status=mailbox.SENT, telegram_id=13)
        seen = mailbox.shown_question(session=session, chat_id=CHAT, before_message_id=12, update_id=51)
        assert seen is not None and (seen.asks, seen.maybe) == ("q1", None)  # q2 arrived after message 12
        seen = mailbox.shown_question(session=session, chat_id=CHAT, before_message_id=14, update_id=51)
        assert seen is not None and seen.asks == "q2"
        assert mailbox.shown_question(session=session, chat_id=CHAT, before_message_id=9, update_id=51) is None
        row = session.get(OutboxMessage, second)
        assert row is not None and row.attempts == 1 and row.first_attempt_at is not None
