"""Every database table of nianbao, as SQLModel classes (Alembic owns the schema; see migrations/).

An agency has members (Telegram users) and one report per year; a report holds one answer per schema
field key, its value kept as JSON in the data file's shape for that field (exchange-format.md), so a
report read back from the database is exactly the report that was stored.
"""

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, Enum, Index, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlmodel import Field, SQLModel

from bot.schema import Level

# Deterministic constraint names, so later migrations (SQLite batch mode included) can address them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class MemberRole(StrEnum):
    MEMBER = "member"
    ADMIN = "admin"
    REVIEWER = "reviewer"  # reviews their own agency's report before it is final (e.g. the 分管领导)


class ReportStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # with the reviewers: the members cannot change it until it is approved or returned
    FINAL = "final"


def _str_enum(enum: type[StrEnum]) -> Enum:
    """A plain VARCHAR holding the enum's values: no native PostgreSQL type to migrate when a value is added."""
    return Enum(enum, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Agency(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=255, unique=True)
    level: Level = Field(sa_type=_str_enum(Level))
    created_at: dt.datetime = Field(default_factory=_now)
    # /finalize submits the report to the reviewers (admins and the agency's reviewers) instead.
    needs_review: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})


class Member(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("agency_id", "telegram_user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id")
    # Telegram user ids exceed 32 bits.
    telegram_user_id: int = Field(sa_type=BigInteger, index=True)
    display_name: str = Field(max_length=255)
    role: MemberRole = Field(default=MemberRole.MEMBER, sa_type=_str_enum(MemberRole))
    joined_at: dt.datetime = Field(default_factory=_now)
    # Where this member chose to go in the walk (a question id), and where to return afterwards
    # ("review"); None means "the first open question", which is derived from the answers.
    editing: str | None = Field(default=None, max_length=100)
    return_to: str | None = Field(default=None, max_length=16)
    # Reminders: off by the member's choice, at their own time of day ("08:30"), postponed, or
    # impossible because the member blocked the bot (Telegram answered 403).
    reminders_on: bool = True
    remind_at: str | None = Field(default=None, max_length=5)
    snoozed_until: dt.datetime | None = None
    blocked_at: dt.datetime | None = None
    # An answer the member sent to a question a colleague had answered meanwhile, held until the member
    # chooses to keep the colleague's value or overwrite it: {"q": question id, "text": what was sent}.
    held_answer: str | None = Field(default=None, sa_type=Text)


class ReportRow(SQLModel, table=True):
    """One agency's report for one year (``bot.report.model.Report`` is its in-memory form)."""

    __tablename__ = "report"
    __table_args__ = (UniqueConstraint("agency_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id")
    year: int
    status: ReportStatus = Field(default=ReportStatus.DRAFT, sa_type=_str_enum(ReportStatus))
    date: dt.date | None = None  # the date the report is signed with
    format_id: str = Field(max_length=100)
    created_at: dt.datetime = Field(default_factory=_now)
    updated_at: dt.datetime = Field(default_factory=_now)


class Answer(SQLModel, table=True):
    """The value of one field of one report; a field without a row was never answered."""

    __table_args__ = (UniqueConstraint("report_id", "field_key"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", ondelete="CASCADE")
    field_key: str = Field(max_length=100)
    value_json: str = Field(sa_type=Text)
    answered_by: int | None = Field(default=None, sa_type=BigInteger)  # Telegram user id; None for an import
    answered_at: dt.datetime = Field(default_factory=_now)


class AnswerChange(SQLModel, table=True):
    """One change of an answer, appended with it: who changed a field and when, and to what (None: cleared)."""

    __tablename__ = "answer_change"
    __table_args__ = (Index("ix_answer_change_report_field", "report_id", "field_key"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", ondelete="CASCADE")
    field_key: str = Field(max_length=100)
    value_json: str | None = Field(default=None, sa_type=Text)
    by: int | None = Field(default=None, sa_type=BigInteger)  # Telegram user id; None for an import
    at: dt.datetime = Field(default_factory=_now)


class Invite(SQLModel, table=True):
    """A single-use code that makes a Telegram user a member of an agency. Only its hash is stored."""

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)
    agency_id: int = Field(foreign_key="agency.id")
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: dt.datetime = Field(default_factory=_now)
    expires_at: dt.datetime
    used_at: dt.datetime | None = None
    used_by: int | None = Field(default=None, sa_type=BigInteger)


class ProseDraft(SQLModel, table=True):
    """A prose answer being written over several messages, until the member taps 完成. Each member's
    draft is their own: two colleagues writing one part do not merge into one text."""

    __table_args__ = (UniqueConstraint("report_id", "field_key", "updated_by"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", ondelete="CASCADE")
    field_key: str = Field(max_length=100)
    text: str = Field(sa_type=Text)
    updated_by: int | None = Field(default=None, sa_type=BigInteger)
    updated_at: dt.datetime = Field(default_factory=_now)


class Skip(SQLModel, table=True):
    """A question the members chose to answer later (or fix:<table> for a mismatch left for later)."""

    __table_args__ = (UniqueConstraint("report_id", "question_id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", ondelete="CASCADE")
    question_id: str = Field(max_length=100)


class InboxUpdate(SQLModel, table=True):
    """A Telegram update as received, stored before Telegram is told it arrived (the getUpdates offset
    moves past it, or the webhook answers 200, only after this row is committed). ``handled_at`` is set in
    the transaction that acts on it, together with the reply in the outbox: each update acts exactly once."""

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_user_pending", "user_id", "handled_at", "update_id"),)

    update_id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False})
    user_id: int = Field(sa_type=BigInteger)  # whose updates are handled in order (the sender, or the chat)
    payload: str = Field(sa_type=Text)  # the update's JSON
    received_at: dt.datetime = Field(default_factory=_now)
    handled_at: dt.datetime | None = None


class OutboxMessage(SQLModel, table=True):
    """A message to send, stored in the transaction of the change it acknowledges; a sender delivers it
    (retrying Telegram's errors) and records Telegram's message id. ``kind`` is "message" (text and
    buttons) or "report" (the report's files, made when they are sent). ``asks`` is the question the
    message shows: a member's typed answer belongs to the question of the last message delivered before it."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_chat_pending", "chat_id", "status", "id"),
        Index("ix_outbox_chat_message", "chat_id", "message_id"),
        Index("ix_outbox_status_lease", "status", "lease_until"),
    )

    id: int | None = Field(default=None, primary_key=True)
    update_id: int | None = Field(default=None, sa_type=BigInteger)  # the update it answers
    chat_id: int = Field(sa_type=BigInteger)
    kind: str = Field(default="message", max_length=16)
    text: str = Field(default="", sa_type=Text)
    buttons_json: str | None = Field(default=None, sa_type=Text)
    asks: str | None = Field(default=None, max_length=100)
    status: str = Field(default="pending", max_length=16)  # pending, sent, failed, dropped
    attempts: int = 0
    # When the first attempt to send it began: from then on the member may have seen it, even if the bot
    # never learnt its message id (a crash, or a time-out after Telegram took it).
    first_attempt_at: dt.datetime | None = None
    owner: str | None = Field(default=None, max_length=32)  # the process sending it (several may run)
    lease_until: dt.datetime | None = None  # another process may take it over after this
    message_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: dt.datetime = Field(default_factory=_now)
    sent_at: dt.datetime | None = None


class ReportEvent(SQLModel, table=True):
    """A change of a report's status (finalize, reopen, submit, approve, return, withdraw): who and when."""

    __tablename__ = "report_event"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", ondelete="CASCADE")
    kind: str = Field(max_length=16)
    by: int | None = Field(default=None, sa_type=BigInteger)
    at: dt.datetime = Field(default_factory=_now)


class ReminderLog(SQLModel, table=True):
    """One reminder slot for one recipient: written before the send, so a slot goes out at most once.

    ``report_id`` is None for the admins' digests; ``recipient`` is the Telegram user id.
    """

    __tablename__ = "reminder_log"
    __table_args__ = (UniqueConstraint("recipient", "slot"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int | None = Field(default=None, foreign_key="report.id", ondelete="CASCADE")
    recipient: int = Field(sa_type=BigInteger)
    slot: str = Field(max_length=64)  # e.g. "r12:before-5" or "digest:2027-01-26"
    status: str = Field(max_length=16)  # sending, sent, uncertain, blocked
    at: dt.datetime = Field(default_factory=_now)


class PendingImport(SQLModel, table=True):
    """A report read from an upload, waiting for the member to confirm; nothing else changes before that."""

    __tablename__ = "pending_import"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    filename: str = Field(max_length=255)
    data_json: str = Field(sa_type=Text)  # the imported report as a data file
    created_at: dt.datetime = Field(default_factory=_now)


class PendingInvite(SQLModel, table=True):
    """An admin's /invite of a new agency, waiting for the tap that says whether it is a 部门 or a 政府: the
    agency is created only then. Its name is kept here because a button's 64 bytes cannot hold it."""

    __tablename__ = "pending_invite"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=255)
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: dt.datetime = Field(default_factory=_now)


class ReviewComment(SQLModel, table=True):
    """A reviewer's comment on a report, attached where it applies. ``target`` is a field key
    (applications.new, text.problems), a section's number (五) or "" for the report as a whole;
    ``column_index`` a column of that row's table. ``sent_at`` is None while the reviewer is still writing;
    ``resolved_at`` is set when the report is submitted again (or made final)."""

    __tablename__ = "review_comment"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", ondelete="CASCADE", index=True)
    target: str = Field(default="", max_length=100)
    column_index: int | None = None
    text: str = Field(sa_type=Text)
    by: int | None = Field(default=None, sa_type=BigInteger)  # the reviewer's Telegram user id
    by_name: str = Field(default="", max_length=255)
    at: dt.datetime = Field(default_factory=_now)
    sent_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None


class ReviewWriting(SQLModel, table=True):
    """A reviewer writing comments to return a report with (after 退回修改, until 退回 or 取消): their typed
    messages are comments then, not answers. ``event_id`` is the submission being reviewed."""

    __tablename__ = "review_writing"

    reviewer: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False})
    report_id: int = Field(foreign_key="report.id", ondelete="CASCADE")
    event_id: int
    by_name: str = Field(default="", max_length=255)
    started_at: dt.datetime = Field(default_factory=_now)


class AgencyLink(SQLModel, table=True):
    """A government agency covers another agency: its tables 二/三/四 may be filled from the sum of the
    reports of the agencies it covers (bot/report/rollup.py)."""

    __tablename__ = "agency_link"
    __table_args__ = (UniqueConstraint("government_id", "agency_id"),)

    id: int | None = Field(default=None, primary_key=True)
    government_id: int = Field(foreign_key="agency.id", ondelete="CASCADE")
    agency_id: int = Field(foreign_key="agency.id", ondelete="CASCADE", index=True)
    created_by: int | None = Field(default=None, sa_type=BigInteger)  # Telegram user id; None from the CLI
    created_at: dt.datetime = Field(default_factory=_now)


class WebUser(SQLModel, table=True):
    """A person of the web channel (the chat page): their user id, in a range of its own that no Telegram user
    id reaches (bot/web/identity.py), stands for them everywhere a Telegram user id would. ``claim_hash``: an
    admin's place printed at the first start, held for whoever enters its one-time code (hash only)."""

    __tablename__ = "web_user"

    user_id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False})
    display_name: str = Field(default="", max_length=255)
    admin: bool = Field(default=False)
    claim_hash: str | None = Field(default=None, max_length=64, unique=True)
    created_at: dt.datetime = Field(default_factory=_now)


class WebSession(SQLModel, table=True):
    """A signed-in browser: only the hash of its cookie is kept, so the table cannot be used to sign in."""

    __tablename__ = "web_session"

    token_hash: str = Field(max_length=64, primary_key=True)
    user_id: int = Field(sa_type=BigInteger, foreign_key="web_user.user_id", ondelete="CASCADE", index=True)
    created_at: dt.datetime = Field(default_factory=_now)
    seen_at: dt.datetime = Field(default_factory=_now)
