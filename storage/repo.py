"""Reading and writing agencies, members, reports and answers: short keyword-only functions.

Every function that changes data commits before it returns, because the bot tells a person "saved"
only after that. An answer's value is stored as JSON in the data file's shape for its field (a string,
a number, an object or an array), with every number written exactly as it is held: an int stays an
int, a Decimal stays the same Decimal (digits and exponent), and an unknown cell stays null.
"""

import hashlib
import json
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import String, bindparam, cast, func, insert, literal_column, null, union_all
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, delete, select, update

from bot.report.model import Cell, Report, Value
from bot.schema import CURRENT, FORMAT_2019, FORMAT_2021, CellShape, Format, Level, Table
from storage.models import (
    Agency,
    AgencyLink,
    Answer,
    AnswerChange,
    Invite,
    Member,
    MemberRole,
    PendingImport,
    PendingInvite,
    ProseDraft,
    ReminderLog,
    ReportEvent,
    ReportRow,
    ReportStatus,
    ReviewComment,
    ReviewWriting,
    Skip,
)

FORMATS = {fmt.id: fmt for fmt in (FORMAT_2021, FORMAT_2019)}


def _now() -> datetime:
    return datetime.now(UTC)


# The bot reads these on every update: built once, they skip SQLAlchemy's per-call construction.
_MEMBERSHIPS = select(Member).where(Member.telegram_user_id == bindparam("user_id")).order_by(col(Member.id))
_REPORT = select(ReportRow).where(ReportRow.agency_id == bindparam("agency_id"), ReportRow.year == bindparam("year"))
_ANSWERS = select(Answer.field_key, Answer.value_json).where(Answer.report_id == bindparam("report_id"))
_MEMBERSHIP = (
    select(Member, Agency)
    .join(Agency, col(Agency.id) == col(Member.agency_id))
    .where(Member.telegram_user_id == bindparam("user_id"))
    .order_by(col(Member.id).desc())
    .limit(1)
)
# Everything the walk needs of a report besides the row itself, in one round trip.
_STATE = union_all(
    select(literal_column("'a'"), Answer.field_key, Answer.value_json).where(
        Answer.report_id == bindparam("report_id")
    ),
    select(literal_column("'d'"), ProseDraft.field_key, ProseDraft.text).where(
        ProseDraft.report_id == bindparam("report_id"), ProseDraft.updated_by == bindparam("member")
    ),
    select(literal_column("'s'"), Skip.question_id, cast(null(), String)).where(
        Skip.report_id == bindparam("report_id")
    ),
)


def _cell_json(cell: Cell) -> str:
    if cell is None:
        return "null"
    if isinstance(cell, int) and not isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, Decimal) and cell.is_finite():
        text = str(cell)
        # JSON reads 100 back as an int; 1.00E+2 reads back (with parse_float=Decimal) as Decimal("100").
        return text if "." in text or "E" in text else f"{cell:E}"
    raise ValueError(f"a cell must be an int, a finite Decimal or None, not {cell!r}")


def _encode(fmt: Format, field_key: str, value: Value) -> str:
    """The value as JSON in the data file's shape for the field, after checking it fits the field."""
    if field_key not in fmt.field_keys:
        raise ValueError(f"{field_key!r} is not a field of {fmt.id}")
    if any(prose.key == field_key for prose in fmt.prose):
        if not isinstance(value, str):
            raise ValueError(f"{field_key} holds text, not {value!r}")
        return json.dumps(value, ensure_ascii=False)
    table = fmt.table_of(field_key)
    if not isinstance(value, tuple) or len(value) != len(table.columns):
        raise ValueError(f"{field_key} holds {len(table.columns)} cells, not {value!r}")
    cells = [_cell_json(cell) for cell in value]
    if table.shape is CellShape.SCALAR:
        return cells[0]
    if table.shape is CellShape.OBJECT:
        members = (f"{json.dumps(c.key)}: {cell}" for c, cell in zip(table.columns, cells, strict=True))
        return "{" + ", ".join(members) + "}"
    return "[" + ", ".join(cells) + "]"


@cache
def _tables_by_key(format_id: str) -> dict[str, Table]:
    return {row.key: table for table in FORMATS[format_id].tables for row in table.rows}


def _decode(fmt: Format, field_key: str, value_json: str) -> Value:
    raw = json.loads(value_json, parse_float=Decimal)
    if isinstance(raw, str):
        return raw
    known = _tables_by_key(fmt.id) if FORMATS.get(fmt.id) is fmt else {}
    table = known.get(field_key) or fmt.table_of(field_key)
    if table.shape is CellShape.SCALAR:
        return (raw,)
    if table.shape is CellShape.OBJECT:
        return tuple(raw[column.key] for column in table.columns)
    return tuple(raw)


def _insert(session: Session, table: type[Any]) -> Any:
    """An INSERT that can take an ON CONFLICT clause, which makes concurrent saves safe on both databases."""
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
    return insert(table)


@cache
def _upsert(dialect: str, table: type[Any], keys: tuple[str, ...], changed: tuple[str, ...] = ()) -> Any:
    """INSERT … ON CONFLICT (keys) DO UPDATE the ``changed`` columns (or DO NOTHING), built once."""
    insert = (sqlite_insert if dialect == "sqlite" else postgresql_insert)(table)
    if not changed:
        return insert.on_conflict_do_nothing(index_elements=list(keys))
    return insert.on_conflict_do_update(
        index_elements=list(keys), set_={name: insert.excluded[name] for name in changed}
    )


# Plain statements go through the session's connection: same transaction, no ORM bulk-insert path.
def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


_ANSWER_KEYS, _ANSWER_CHANGED = ("report_id", "field_key"), ("value_json", "answered_by", "answered_at")
_DROP_DRAFT = delete(ProseDraft).where(
    col(ProseDraft.report_id) == bindparam("report_id"),
    col(ProseDraft.field_key) == bindparam("field_key"),
    col(ProseDraft.updated_by) == bindparam("by"),
)
_UNSKIP = delete(Skip).where(
    col(Skip.report_id) == bindparam("report_id"), col(Skip.question_id).in_(bindparam("ids", expanding=True))
)


def _upsert_answers(*, session: Session, report: ReportRow, encoded: dict[str, str], by: int | None) -> None:
    """Insert or replace several answers in one statement, each change logged beside them."""
    now = _now()
    rows = [
        {"report_id": report.id, "field_key": key, "value_json": value_json, "answered_by": by, "answered_at": now}
        for key, value_json in encoded.items()
    ]
    session.connection().execute(_upsert(_dialect(session), Answer, _ANSWER_KEYS, _ANSWER_CHANGED), rows)
    _log_changes(session=session, report=report, encoded=encoded, by=by, at=now)


def _log_changes(
    *, session: Session, report: ReportRow, encoded: Mapping[str, str | None], by: int | None, at: datetime
) -> None:
    changes = [
        {"report_id": report.id, "field_key": key, "value_json": value_json, "by": by, "at": at}
        for key, value_json in encoded.items()
    ]
    if changes:
        session.connection().execute(insert(AnswerChange), changes)


Change = tuple[Value | None, int | None, datetime, str]  # value (None: cleared), by (None: an import), at, name


def changes_of(*, session: Session, report: ReportRow, field_key: str) -> list[Change]:
    """Every known change of a field, newest first: the value it was given (None: cleared), by whom (None:
    an import), when, and that member's name. An answer older than the log counts as its one change."""
    fmt = FORMATS[report.format_id]
    rows = session.exec(
        select(AnswerChange.value_json, AnswerChange.by, AnswerChange.at, Member.display_name)
        .outerjoin(
            Member,
            (col(Member.telegram_user_id) == col(AnswerChange.by)) & (col(Member.agency_id) == report.agency_id),
        )
        .where(AnswerChange.report_id == report.id, AnswerChange.field_key == field_key)
        .order_by(col(AnswerChange.at).desc(), col(AnswerChange.id).desc())
    ).all()
    changes = [
        (None if value_json is None else _decode(fmt, field_key, value_json), by, _aware(at), name or "")
        for value_json, by, at, name in rows
    ]
    stored = answered(session=session, report=report, field_key=field_key)
    if stored is not None and not changes:  # given before changes were logged
        by, at, name = stored
        changes.append((answers_of(session=session, report=report).get(field_key), by, at, name))
    return changes


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _upsert_answer(*, session: Session, report: ReportRow, field_key: str, value_json: str, by: int | None) -> None:
    _upsert_answers(session=session, report=report, encoded={field_key: value_json}, by=by)


def _touch(*, session: Session, report: ReportRow) -> None:
    report.updated_at = _now()
    session.add(report)


def create_agency(*, session: Session, name: str, level: Level, created_at: datetime | None = None) -> Agency:
    agency = Agency(name=name, level=level, created_at=created_at or _now())
    session.add(agency)
    session.commit()
    session.refresh(agency)
    return agency


def get_agency_by_name(*, session: Session, name: str) -> Agency | None:
    return session.exec(select(Agency).where(Agency.name == name)).first()


def stage_member(
    *,
    session: Session,
    agency: Agency,
    telegram_user_id: int,
    display_name: str,
    role: MemberRole = MemberRole.MEMBER,
) -> Member:
    """A new member in the open transaction (flushed, so queries see it), for a caller that commits."""
    member = Member(agency_id=agency.id, telegram_user_id=telegram_user_id, display_name=display_name, role=role)
    session.add(member)
    session.flush()
    return member


def get_member(*, session: Session, agency: Agency, telegram_user_id: int) -> Member | None:
    query = select(Member).where(Member.agency_id == agency.id, Member.telegram_user_id == telegram_user_id)
    return session.exec(query).first()


def latest_membership(*, session: Session, telegram_user_id: int) -> tuple[Member, Agency] | None:
    """The user's newest membership and its agency, in one query; None for a stranger."""
    row = session.exec(_MEMBERSHIP, params={"user_id": telegram_user_id}).first()
    return (row[0], row[1]) if row else None


def stage_blocked(*, session: Session, telegram_user_id: int, at: datetime | None) -> None:
    """Record that the user blocked the bot (Telegram answered 403), or with ``at`` None that they are back."""
    session.exec(
        update(Member).where(col(Member.telegram_user_id) == telegram_user_id).values(blocked_at=at)  # type: ignore[call-overload]
    )


def memberships(*, session: Session, telegram_user_id: int) -> list[Member]:
    """Every agency membership of a Telegram user, oldest first."""
    return list(session.exec(_MEMBERSHIPS, params={"user_id": telegram_user_id}).all())


def get_report(*, session: Session, agency: Agency, year: int) -> ReportRow | None:
    return session.exec(_REPORT, params={"agency_id": agency.id, "year": year}).first()


def get_or_create_report(
    *, session: Session, agency: Agency, year: int, fmt: Format = CURRENT, commit: bool = True
) -> ReportRow:
    """The agency's report of the year, created as an empty draft if it has none yet (committed at once,
    unless the caller commits it with the rest of its transaction)."""
    report = get_report(session=session, agency=agency, year=year)
    if report is None:
        # Two members may start the same report at once; the second insert quietly yields to the first.
        insert = _insert(session, ReportRow).values(agency_id=agency.id, year=year, format_id=fmt.id)
        session.exec(insert.on_conflict_do_nothing(index_elements=["agency_id", "year"]))
        if commit:
            session.commit()
        report = get_report(session=session, agency=agency, year=year)
    assert report is not None
    return report


def set_status(*, session: Session, report: ReportRow, status: ReportStatus) -> None:
    report.status = status
    _touch(session=session, report=report)
    session.commit()


def stage_answers(*, session: Session, report: ReportRow, values: dict[str, Value], by: int | None) -> None:
    """Store several fields' values in the open transaction, for a caller that commits once for all."""
    fmt = FORMATS[report.format_id]
    encoded = {key: _encode(fmt, key, value) for key, value in values.items()}
    _upsert_answers(session=session, report=report, encoded=encoded, by=by)
    _touch(session=session, report=report)


def stage_answer(*, session: Session, report: ReportRow, field_key: str, value: Value, by: int | None) -> None:
    """Store one field's value in the open transaction, for a caller that commits several changes at once."""
    stage_answers(session=session, report=report, values={field_key: value}, by=by)


def save_answer(*, session: Session, report: ReportRow, field_key: str, value: Value, by: int | None) -> None:
    """Store one field's value (replacing any earlier one); ValueError if the field or value does not fit."""
    stage_answer(session=session, report=report, field_key=field_key, value=value, by=by)
    session.commit()


def delete_answer(*, session: Session, report: ReportRow, field_key: str) -> None:
    """Make a field unanswered again."""
    session.exec(delete(Answer).where(col(Answer.report_id) == report.id, col(Answer.field_key) == field_key))
    _log_changes(session=session, report=report, encoded={field_key: None}, by=None, at=_now())
    _touch(session=session, report=report)
    session.commit()


def _decoded(fmt: Format, answers: list[tuple[str, str]]) -> dict[str, Value]:
    order = {key: i for i, key in enumerate(fmt.field_keys)}
    return {key: _decode(fmt, key, value_json) for key, value_json in sorted(answers, key=lambda a: order[a[0]])}


def answers_of(*, session: Session, report: ReportRow) -> dict[str, Value]:
    """The report's answered fields and their values, in report order."""
    return _decoded(FORMATS[report.format_id], list(session.exec(_ANSWERS, params={"report_id": report.id}).all()))


def load_report(*, session: Session, report_id: int) -> Report:
    row = session.get(ReportRow, report_id)
    if row is None:
        raise LookupError(f"no report with id {report_id}")
    agency = session.get_one(Agency, row.agency_id)
    values = answers_of(session=session, report=row)
    fmt = FORMATS[row.format_id]
    return Report(agency=agency.name, level=agency.level, year=row.year, date=row.date, values=values, format=fmt)


def load_state(
    *, session: Session, agency: Agency, report: ReportRow, member: Member | None = None
) -> tuple[Report, frozenset[str], dict[str, str]]:
    """The report with its answers, the questions skipped and the member's own prose drafts, in one query."""
    answers: list[tuple[str, str]] = []
    skipped: set[str] = set()
    drafts: dict[str, str] = {}
    by = member.telegram_user_id if member is not None else None
    for kind, key, value in session.connection().execute(_STATE, {"report_id": report.id, "member": by}):
        if kind == "a":
            answers.append((key, value))
        elif kind == "d":
            drafts[key] = value
        else:
            skipped.add(key)
    fmt = FORMATS[report.format_id]
    values = _decoded(fmt, answers)
    loaded = Report(
        agency=agency.name, level=agency.level, year=report.year, date=report.date, values=values, format=fmt
    )
    return loaded, frozenset(skipped), drafts


def store_report(*, session: Session, agency: Agency, report: Report, by: int | None = None) -> ReportRow:
    """Make the agency's stored report of that year equal to ``report``, in one commit.

    Fields absent from ``report`` become unanswered; unchanged answers keep who gave them and when.
    The report must name the agency and its level exactly (ValueError otherwise), since both are
    properties of the agency: storing it must not lose or silently change them.
    """
    if (report.agency, report.level) != (agency.name, agency.level):
        raise ValueError(f"the report is of {report.agency} ({report.level}), not {agency.name} ({agency.level})")
    encoded = {key: _encode(report.format, key, value) for key, value in report.values.items()}
    row = get_or_create_report(session=session, agency=agency, year=report.year, fmt=report.format)
    stored = {a.field_key: a.value_json for a in session.exec(select(Answer).where(Answer.report_id == row.id))}
    session.exec(delete(Answer).where(col(Answer.report_id) == row.id, col(Answer.field_key).not_in(encoded)))
    cleared = {key: None for key in stored if key not in encoded}
    _log_changes(session=session, report=row, encoded=cleared, by=by, at=_now())
    for key, value_json in encoded.items():
        if stored.get(key) != value_json:
            _upsert_answer(session=session, report=row, field_key=key, value_json=value_json, by=by)
    row.date = report.date
    row.format_id = report.format.id
    _touch(session=session, report=row)
    session.commit()
    session.refresh(row)
    return row


# --- invites ---------------------------------------------------------------------------------------
def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def create_invite(*, session: Session, agency: Agency, created_by: int | None, expires_at: datetime) -> str:
    """A new single-use code (128 random bits, URL-safe for a deep link); only its hash is kept."""
    code = secrets.token_urlsafe(16)
    session.add(Invite(code_hash=_hash(code), agency_id=agency.id, created_by=created_by, expires_at=expires_at))
    session.commit()
    return code


def find_invite(*, session: Session, code: str) -> Invite | None:
    return session.exec(select(Invite).where(Invite.code_hash == _hash(code))).first()


def stage_use_invite(*, session: Session, invite: Invite, user_id: int) -> bool:
    """Mark the invite used by this user, unless someone used it first (False then)."""
    claimed = session.connection().execute(
        update(Invite)
        .where(col(Invite.id) == invite.id, col(Invite.used_at).is_(None))
        .values(used_at=_now(), used_by=user_id)
        .returning(Invite.id)
    )
    return claimed.first() is not None


# --- the walk: cursor, drafts, skips, handled updates ----------------------------------------------
def stage_cursor(*, session: Session, member: Member, editing: str | None, return_to: str | None = None) -> None:
    member.editing, member.return_to = editing, return_to
    session.add(member)


def stage_draft(*, session: Session, report: ReportRow, field_key: str, text: str, by: int) -> None:
    """The member's own draft of a prose part (a colleague's draft of the same part is another row)."""
    upsert = _upsert(_dialect(session), ProseDraft, ("report_id", "field_key", "updated_by"), ("text", "updated_at"))
    row = {"report_id": report.id, "field_key": field_key, "text": text, "updated_by": by, "updated_at": _now()}
    session.connection().execute(upsert, row)


def stage_drop_draft(*, session: Session, report: ReportRow, field_key: str, by: int) -> None:
    session.connection().execute(_DROP_DRAFT, {"report_id": report.id, "field_key": field_key, "by": by})


def answered(*, session: Session, report: ReportRow, field_key: str) -> tuple[int | None, datetime, str] | None:
    """Who gave a field's stored answer and when, with that member's name; None if it has none."""
    row = session.exec(
        select(Answer.answered_by, Answer.answered_at, Member.display_name)
        .outerjoin(
            Member,
            (col(Member.telegram_user_id) == col(Answer.answered_by)) & (col(Member.agency_id) == report.agency_id),
        )
        .where(Answer.report_id == report.id, Answer.field_key == field_key)
    ).first()
    if row is None:
        return None
    by, at, name = row
    return by, at if at.tzinfo else at.replace(tzinfo=UTC), name or ""


def stage_skip(*, session: Session, report: ReportRow, question_id: str) -> None:
    insert = _upsert(_dialect(session), Skip, ("report_id", "question_id"))
    session.connection().execute(insert, {"report_id": report.id, "question_id": question_id})


def stage_unskip(*, session: Session, report: ReportRow, question_ids: list[str]) -> None:
    session.connection().execute(_UNSKIP, {"report_id": report.id, "ids": question_ids})


# --- finishing and reminding ---------------------------------------------------------------------
def stage_event(
    *, session: Session, report: ReportRow, kind: str, by: int | None, at: datetime | None = None
) -> ReportEvent:
    """Record a change of the report's status in the open transaction; the event, with its id."""
    event = ReportEvent(report_id=report.id, kind=kind, by=by, at=at or _now())
    session.add(event)
    session.flush()
    return event


def events_of(*, session: Session, report: ReportRow) -> list[ReportEvent]:
    return list(
        session.exec(select(ReportEvent).where(ReportEvent.report_id == report.id).order_by(col(ReportEvent.id)))
    )


def agencies(*, session: Session) -> list[Agency]:
    return list(session.exec(select(Agency).order_by(col(Agency.id))))


def year_reports(*, session: Session, year: int) -> list[tuple[Agency, ReportRow | None, Report | None]]:
    """Every agency with its report of the year (None: none stored) and that report's answers (None: nothing
    answered yet), in three queries however many agencies there are."""
    rows = {row.agency_id: row for row in session.exec(select(ReportRow).where(ReportRow.year == year))}
    answers: dict[int, list[tuple[str, str]]] = {}
    query = (
        select(Answer.report_id, Answer.field_key, Answer.value_json)
        .join(ReportRow, col(ReportRow.id) == col(Answer.report_id))
        .where(ReportRow.year == year)
    )
    for report_id, key, value_json in session.exec(query):
        answers.setdefault(report_id, []).append((key, value_json))
    found: list[tuple[Agency, ReportRow | None, Report | None]] = []
    for agency in agencies(session=session):
        row = rows.get(agency.id)  # type: ignore[arg-type]
        given = answers.get(row.id) if row is not None else None  # type: ignore[arg-type]
        report = None
        if row is not None and given:
            fmt = FORMATS[row.format_id]
            values = _decoded(fmt, given)
            report = Report(agency.name, agency.level, row.year, row.date, values, fmt)
        found.append((agency, row, report))
    return found


def members_of(*, session: Session, agency: Agency) -> list[Member]:
    return list(session.exec(select(Member).where(Member.agency_id == agency.id).order_by(col(Member.id))))


def claim_reminders(*, session: Session, slots: list[tuple[int | None, int, str]]) -> set[tuple[int, str]]:
    """Record reminders (report id, recipient, slot) as being sent, in one commit before the sends;
    returns the (recipient, slot) pairs claimed now, leaving out any an earlier run has (at most once)."""
    if not slots:
        return set()
    now = _now()
    rows = [{"report_id": r, "recipient": to, "slot": slot, "status": "sending", "at": now} for r, to, slot in slots]
    insert = _upsert(_dialect(session), ReminderLog, ("recipient", "slot")).values(rows)
    claimed = session.connection().execute(insert.returning(ReminderLog.recipient, ReminderLog.slot)).all()
    session.commit()
    return {(recipient, slot) for recipient, slot in claimed}


_MARK = (
    update(ReminderLog)
    .where(col(ReminderLog.recipient) == bindparam("to"), col(ReminderLog.slot) == bindparam("key"))
    .values(status=bindparam("new_status"), at=bindparam("now"))
)
_RELEASE = delete(ReminderLog).where(
    col(ReminderLog.recipient) == bindparam("to"), col(ReminderLog.slot) == bindparam("key")
)


def record_reminders(*, session: Session, outcomes: list[tuple[int, str, str]]) -> None:
    """The outcome of each send (recipient, slot, status); "failed" ones are removed so a later run may retry."""
    now = _now()
    marked = [
        {"to": to, "key": key, "new_status": status, "now": now} for to, key, status in outcomes if status != "failed"
    ]
    released = [{"to": to, "key": key} for to, key, status in outcomes if status == "failed"]
    if marked:
        session.connection().execute(_MARK, marked)
    if released:
        session.connection().execute(_RELEASE, released)
    session.commit()


def reminders_sent(*, session: Session, recipient: int) -> set[str]:
    return set(session.exec(select(ReminderLog.slot).where(ReminderLog.recipient == recipient)))


# --- imports waiting for confirmation ---------------------------------------------------------------
def stage_pending_import(*, session: Session, member: Member, filename: str, data_json: str) -> PendingImport:
    pending = PendingImport(member_id=member.id, filename=filename[:255], data_json=data_json)
    session.add(pending)
    session.flush()
    return pending


def forget_pending_imports(*, session: Session, before: datetime) -> int:
    """Drop uploads never confirmed or cancelled since ``before`` (each holds a whole report); how many."""
    gone = session.connection().execute(
        delete(PendingImport).where(col(PendingImport.created_at) < before).returning(PendingImport.id)
    )
    count = len(gone.all())
    session.commit()
    return count


def pending_import(*, session: Session, member: Member, pending_id: int) -> PendingImport | None:
    """The member's own pending import, left in place."""
    pending = session.get(PendingImport, pending_id)
    return pending if pending is not None and pending.member_id == member.id else None


def take_pending_import(*, session: Session, member: Member, pending_id: int) -> PendingImport | None:
    """The member's own pending import, removed in the open transaction (a second tap finds nothing)."""
    pending = pending_import(session=session, member=member, pending_id=pending_id)
    if pending is not None:
        session.delete(pending)
    return pending


# --- the supervising office: invites of new agencies, and agencies created by mistake ---------------
PENDING_INVITE_KEPT = timedelta(days=7)


def stage_invite(*, session: Session, agency: Agency, created_by: int | None, expires_at: datetime) -> str:
    """A new single-use code in the open transaction, for a caller that commits it with its reply."""
    code = secrets.token_urlsafe(16)
    session.add(Invite(code_hash=_hash(code), agency_id=agency.id, created_by=created_by, expires_at=expires_at))
    return code


def stage_pending_invite(*, session: Session, name: str, created_by: int | None, now: datetime) -> PendingInvite:
    """An invite of a new agency waiting for its level to be chosen; those never chosen in a week are dropped."""
    session.connection().execute(delete(PendingInvite).where(col(PendingInvite.created_at) < now - PENDING_INVITE_KEPT))
    pending = PendingInvite(name=name[:255], created_by=created_by, created_at=now)
    session.add(pending)
    session.flush()
    return pending


def take_pending_invite(*, session: Session, pending_id: int) -> PendingInvite | None:
    """The pending invite, removed in the open transaction (a second tap finds nothing)."""
    pending = session.get(PendingInvite, pending_id)
    if pending is not None:
        session.delete(pending)
    return pending


def agency_content(*, session: Session, agency: Agency) -> int:
    """How many answers and prose drafts the agency's reports hold, every year counted."""
    reports = select(ReportRow.id).where(ReportRow.agency_id == agency.id)
    answers = select(func.count()).select_from(Answer).where(col(Answer.report_id).in_(reports))
    drafts = select(func.count()).select_from(ProseDraft).where(col(ProseDraft.report_id).in_(reports))
    return session.exec(answers).one() + session.exec(drafts).one()


def has_final_report(*, session: Session, agency: Agency) -> bool:
    query = select(ReportRow.id).where(ReportRow.agency_id == agency.id, ReportRow.status == ReportStatus.FINAL)
    return session.exec(query).first() is not None


def stage_remove_agency(*, session: Session, agency: Agency) -> None:
    """Delete an agency that holds no answers, with its members, invites, empty reports and their records,
    in the open transaction. ValueError if it holds an answer: answers are never deleted here."""
    if agency_content(session=session, agency=agency):
        raise ValueError(f"{agency.name} holds answers")
    reports = select(ReportRow.id).where(ReportRow.agency_id == agency.id)
    members = select(Member.id).where(Member.agency_id == agency.id)
    for statement in (
        delete(Skip).where(col(Skip.report_id).in_(reports)),
        delete(ReviewComment).where(col(ReviewComment.report_id).in_(reports)),
        delete(ReviewWriting).where(col(ReviewWriting.report_id).in_(reports)),
        delete(ReportEvent).where(col(ReportEvent.report_id).in_(reports)),
        delete(ReminderLog).where(col(ReminderLog.report_id).in_(reports)),
        # Reminders of a report not created yet carry the agency in their key only ("a12y2026:kickoff").
        delete(ReminderLog).where(col(ReminderLog.slot).startswith(f"a{agency.id}y")),
        delete(PendingImport).where(col(PendingImport.member_id).in_(members)),
        delete(Member).where(col(Member.agency_id) == agency.id),
        delete(AgencyLink).where(
            (col(AgencyLink.government_id) == agency.id) | (col(AgencyLink.agency_id) == agency.id)
        ),
        delete(Invite).where(col(Invite.agency_id) == agency.id),
        delete(ReportRow).where(col(ReportRow.agency_id) == agency.id),
        delete(Agency).where(col(Agency.id) == agency.id),
    ):
        session.connection().execute(statement)


# --- review before publishing (审核) --------------------------------------------------------------------
def reviewers(*, session: Session, agency: Agency, admins: tuple[int, ...]) -> list[tuple[int, str]]:
    """Who reviews the agency's report: the admins, then the agency's members with the reviewer role, each
    once, as (Telegram user id, name); an admin's name is "" unless they are a member of the agency."""
    members = members_of(session=session, agency=agency)
    names = {m.telegram_user_id: m.display_name for m in members}
    found = {admin: names.get(admin, "") for admin in admins}
    for m in members:
        if m.role == MemberRole.REVIEWER:
            found.setdefault(m.telegram_user_id, m.display_name)
    return list(found.items())


def is_reviewer(*, session: Session, agency: Agency, user_id: int, admins: tuple[int, ...]) -> bool:
    if user_id in admins:
        return True
    member = get_member(session=session, agency=agency, telegram_user_id=user_id)
    return member is not None and member.role == MemberRole.REVIEWER


def last_event(*, session: Session, report: ReportRow) -> ReportEvent | None:
    query = select(ReportEvent).where(ReportEvent.report_id == report.id).order_by(col(ReportEvent.id).desc())
    return session.exec(query.limit(1)).first()


def submitted_reports(*, session: Session) -> list[tuple[ReportRow, Agency, ReportEvent]]:
    """Every report waiting for its reviewers, with its agency and the submission (its latest submit event)."""
    rows = session.exec(
        select(ReportRow, Agency)
        .join(Agency, col(Agency.id) == col(ReportRow.agency_id))
        .where(ReportRow.status == ReportStatus.SUBMITTED)
        .order_by(col(ReportRow.id))
    ).all()
    if not rows:
        return []
    ids = [row.id for row, _ in rows]
    events = session.exec(
        select(ReportEvent)
        .where(col(ReportEvent.report_id).in_(ids), ReportEvent.kind == "submit")
        .order_by(col(ReportEvent.id))
    ).all()
    latest = {event.report_id: event for event in events}
    return [(row, agency, latest[row.id]) for row, agency in rows if row.id in latest]


def stage_comment(
    *,
    session: Session,
    report: ReportRow,
    target: str,
    column_index: int | None,
    text: str,
    by: int,
    by_name: str,
    at: datetime | None = None,
) -> None:
    """A comment the reviewer is writing (not sent yet), in the open transaction."""
    comment = ReviewComment(
        report_id=report.id, target=target, column_index=column_index, text=text, by=by, by_name=by_name[:255]
    )
    comment.at = at or comment.at
    session.add(comment)
    session.flush()


def unsent_comments(*, session: Session, report_id: int, by: int) -> list[ReviewComment]:
    """The comments this reviewer is writing on the report, in the order written."""
    query = select(ReviewComment).where(
        ReviewComment.report_id == report_id, ReviewComment.by == by, col(ReviewComment.sent_at).is_(None)
    )
    return list(session.exec(query.order_by(col(ReviewComment.id))))


def open_comments(*, session: Session, report: ReportRow) -> list[ReviewComment]:
    """The comments the report was returned with and that still apply (until it is submitted again)."""
    query = select(ReviewComment).where(
        ReviewComment.report_id == report.id,
        col(ReviewComment.sent_at).is_not(None),
        col(ReviewComment.resolved_at).is_(None),
    )
    return list(session.exec(query.order_by(col(ReviewComment.id))))


def stage_send_comments(*, session: Session, comments: list[ReviewComment], at: datetime | None = None) -> None:
    now = at or _now()
    for comment in comments:
        comment.sent_at = now
        session.add(comment)


def stage_resolve_comments(*, session: Session, report: ReportRow, at: datetime | None = None) -> None:
    """The returned comments no longer apply: the report was submitted again, or made final."""
    session.connection().execute(
        update(ReviewComment)
        .where(
            col(ReviewComment.report_id) == report.id,
            col(ReviewComment.sent_at).is_not(None),
            col(ReviewComment.resolved_at).is_(None),
        )
        .values(resolved_at=at or _now())
    )


def stage_drop_unsent(*, session: Session, report_id: int, by: int) -> None:
    session.connection().execute(
        delete(ReviewComment).where(
            col(ReviewComment.report_id) == report_id,
            col(ReviewComment.by) == by,
            col(ReviewComment.sent_at).is_(None),
        )
    )


def writing(*, session: Session, reviewer: int) -> ReviewWriting | None:
    """The report this reviewer is writing comments on, if any: their typed messages are comments then."""
    return session.get(ReviewWriting, reviewer)


def stage_writing(*, session: Session, reviewer: int, report: ReportRow, event_id: int, by_name: str) -> None:
    """The reviewer now writes comments on this submission (replacing any other they were writing)."""
    changed = ("report_id", "event_id", "by_name", "started_at")
    upsert = _upsert(_dialect(session), ReviewWriting, ("reviewer",), changed)
    row = {
        "reviewer": reviewer,
        "report_id": report.id,
        "event_id": event_id,
        "by_name": by_name[:255],
        "started_at": _now(),
    }
    session.connection().execute(upsert, row)


def stage_stop_writing(*, session: Session, reviewer: int) -> None:
    session.connection().execute(delete(ReviewWriting).where(col(ReviewWriting.reviewer) == reviewer))


# --- the roll-up: a government linked to the agencies it covers -------------------------------------
def covered(*, session: Session, government: Agency) -> list[Agency]:
    """The agencies a government covers, by name."""
    query = (
        select(Agency)
        .join(AgencyLink, col(AgencyLink.agency_id) == col(Agency.id))
        .where(AgencyLink.government_id == government.id)
        .order_by(col(Agency.name))
    )
    return list(session.exec(query))


def links(*, session: Session) -> list[tuple[Agency, list[Agency]]]:
    """Every government that covers agencies, with them, by name: two queries however many there are."""
    governments = {
        a.id: a for a in session.exec(select(Agency).where(col(Agency.id).in_(select(AgencyLink.government_id))))
    }
    covering: dict[int, list[Agency]] = {key: [] for key in governments}
    query = select(AgencyLink.government_id, Agency).join(Agency, col(Agency.id) == col(AgencyLink.agency_id))
    for government_id, agency in session.exec(query):
        covering[government_id].append(agency)
    ordered = sorted(governments.values(), key=lambda a: a.name)
    return [(g, sorted(covering[g.id], key=lambda a: a.name)) for g in ordered]  # type: ignore[index]


def covers(*, session: Session, government: Agency, agency: Agency) -> bool:
    """True when ``government`` covers ``agency``, directly or through a government it covers."""
    seen: set[int] = set()
    frontier = {government.id}
    while frontier:
        seen |= frontier  # type: ignore[arg-type]
        query = select(AgencyLink.agency_id).where(col(AgencyLink.government_id).in_(frontier))
        found = set(session.exec(query))
        if agency.id in found:
            return True
        frontier = found - seen  # type: ignore[assignment]
    return False


def stage_link(*, session: Session, government: Agency, agency: Agency, by: int | None) -> bool:
    """Link a government to an agency it covers, in the open transaction; False if it was linked already."""
    insert = _upsert(_dialect(session), AgencyLink, ("government_id", "agency_id")).values(
        government_id=government.id, agency_id=agency.id, created_by=by, created_at=_now()
    )
    return session.connection().execute(insert.returning(AgencyLink.id)).first() is not None


def stage_unlink(*, session: Session, government: Agency, agency: Agency) -> bool:
    """Remove the link, in the open transaction; False if there was none."""
    gone = session.connection().execute(
        delete(AgencyLink)
        .where(col(AgencyLink.government_id) == government.id, col(AgencyLink.agency_id) == agency.id)
        .returning(AgencyLink.id)
    )
    return gone.first() is not None


def covered_reports(
    *, session: Session, government: Agency, year: int
) -> list[tuple[Agency, ReportRow | None, dict[str, Value]]]:
    """Each agency the government covers, with its report of ``year`` (None if it has none) and that report's
    table rows (prose is not read): two queries however many agencies, none per agency or per cell."""
    linked = select(AgencyLink.agency_id).where(AgencyLink.government_id == government.id)
    query = (
        select(Agency, ReportRow)
        .outerjoin(ReportRow, (col(ReportRow.agency_id) == col(Agency.id)) & (col(ReportRow.year) == year))
        .where(col(Agency.id).in_(linked))
        .order_by(col(Agency.name))
    )
    found = list(session.exec(query))
    answers: dict[int, list[tuple[str, str]]] = {}
    rows = (
        select(Answer.report_id, Answer.field_key, Answer.value_json)
        .join(ReportRow, col(ReportRow.id) == col(Answer.report_id))
        .where(col(ReportRow.agency_id).in_(linked), ReportRow.year == year)
        .where(col(Answer.field_key).not_like("text.%"))  # prose: never summed, and the bulk of a report
    )
    for report_id, key, value_json in session.exec(rows):
        answers.setdefault(report_id, []).append((key, value_json))
    result: list[tuple[Agency, ReportRow | None, dict[str, Value]]] = []
    for agency, row in found:
        if row is None:
            result.append((agency, None, {}))
            continue
        fmt, keys = FORMATS[row.format_id], _table_keys(row.format_id)
        values = {k: _decode(fmt, k, v) for k, v in answers.get(row.id, []) if k in keys}  # type: ignore[arg-type]
        result.append((agency, row, values))
    return result


@cache
def _table_keys(format_id: str) -> frozenset[str]:
    return frozenset(row.key for table in FORMATS[format_id].tables for row in table.rows)
