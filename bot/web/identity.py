"""Who is on the page: web people (user ids of their own range), their browsers' sessions, the admin's
first-start code. Only hashes of cookies and codes are stored; every function takes an open session."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage import repo
from storage.models import InboxUpdate, OutboxMessage, WebSession, WebUser

# Telegram's user ids have at most 52 significant bits (< 2^52 ≈ 4.5·10^15): a web person's id starts at
# 9·10^15, so it can never be a Telegram user's, and a private chat's id (its user's) never a Telegram chat's.
WEB_USER_BASE = 9 * 10**15
# The inbox is keyed by update_id: the web channel numbers its updates from 2^52 upwards, far above any
# Telegram update id (Telegram's are 32-bit), so the two channels' updates can never collide.
WEB_UPDATE_BASE = 2**52
COOKIE = "nianbao_session"
SEEN_EVERY = 3600  # seconds between writes of a session's seen_at


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def csrf_token(cookie: str) -> str:
    """The token every POST of this session carries (derived from the cookie, so bound to it)."""
    return hmac.new(cookie.encode(), b"nianbao-csrf", hashlib.sha256).hexdigest()


def csrf_ok(cookie: str, given: str) -> bool:
    return hmac.compare_digest(csrf_token(cookie).encode(), given.encode())


def new_user(session: Session, display_name: str, *, admin: bool = False, claim: str | None = None) -> int:
    """A new web person (committed); their user id."""
    for _ in range(5):  # two people joining at once may pick the same next id: the second tries again
        last = session.exec(select(func.max(WebUser.user_id))).one()
        user_id = max(WEB_USER_BASE, (last or 0) + 1)
        session.add(
            WebUser(
                user_id=user_id,
                display_name=display_name[:255],
                admin=admin,
                claim_hash=_hash(claim) if claim else None,
            )
        )
        try:
            session.commit()
            return user_id
        except IntegrityError:
            session.rollback()
    raise RuntimeError("no web user id could be taken")


def new_session(session: Session, user_id: int) -> str:
    """A new signed-in browser of the person (committed): the cookie's value, 256 random bits."""
    token = secrets.token_urlsafe(32)
    session.add(WebSession(token_hash=_hash(token), user_id=user_id))
    session.commit()
    return token


def session_user(session: Session, token: str) -> WebUser | None:
    """The person a cookie signs in, or None (unknown, forged, or their session ended)."""
    if not 20 <= len(token) <= 100:
        return None
    found = session.get(WebSession, _hash(token))
    if found is None:
        return None
    now = datetime.now(UTC)
    seen = found.seen_at if found.seen_at.tzinfo else found.seen_at.replace(tzinfo=UTC)
    if (now - seen).total_seconds() > SEEN_EVERY:
        found.seen_at = now
        session.add(found)
        session.commit()
    return session.get(WebUser, found.user_id)


def end_session(session: Session, token: str) -> None:
    found = session.get(WebSession, _hash(token))
    if found is not None:
        session.delete(found)
        session.commit()


def claim_admin(session: Session, code: str, display_name: str) -> int | None:
    """The admin's place held for this one-time code, now taken (committed); None for any other code."""
    claimed = session.connection().execute(
        update(WebUser)
        .where(col(WebUser.claim_hash) == _hash(code), col(WebUser.admin).is_(True))
        .values(claim_hash=None, display_name=display_name[:255])
        .returning(WebUser.user_id)
    )
    user_id = claimed.scalar()
    session.commit()
    return user_id


def admin_ids(session: Session) -> tuple[int, ...]:
    """Every web admin's user id, their place claimed or still held for the first-start code."""
    return tuple(session.exec(select(WebUser.user_id).where(col(WebUser.admin).is_(True))).all())


def first_admin_code(session: Session, configured: tuple[int, ...]) -> str | None:
    """A one-time code for the first admin when there is none yet (no BOT_ADMINS, no web admin signed in):
    the place held for it gets a new code at each start until someone takes it. None when there is an admin."""
    if configured:
        return None
    admins = session.exec(select(WebUser).where(col(WebUser.admin).is_(True))).all()
    if any(admin.claim_hash is None for admin in admins):
        return None
    code = secrets.token_urlsafe(16)
    if admins:
        admins[0].claim_hash = _hash(code)
        session.add(admins[0])
        session.commit()
    else:
        new_user(session, "", admin=True, claim=code)
    return code


def invite_usable(session: Session, code: str) -> bool:
    """The code is an agency's invite, unused and not expired (the walk itself then takes it)."""
    invite = repo.find_invite(session=session, code=code)
    if invite is None or invite.used_at is not None:
        return False
    expires = invite.expires_at if invite.expires_at.tzinfo else invite.expires_at.replace(tzinfo=UTC)
    return expires > datetime.now(UTC)


def next_numbers(session: Session) -> tuple[int, int]:
    """Where this start numbers the web channel's updates and messages from: past every one stored before,
    so the inbox never takes a new update for an old one and message ids only grow in a chat."""
    last_update = session.exec(
        select(func.max(InboxUpdate.update_id)).where(col(InboxUpdate.update_id) >= WEB_UPDATE_BASE)
    ).one()
    last_message = session.exec(
        select(func.max(OutboxMessage.message_id)).where(col(OutboxMessage.chat_id) >= WEB_USER_BASE)
    ).one()
    return max(WEB_UPDATE_BASE, (last_update or 0) + 1), (last_message or 0) + 1
