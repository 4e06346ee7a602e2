"""The supervising office: where every agency stands with its report, and the admins' commands that
invite agencies and correct an agency created by mistake (renamed, its level switched, or removed while
it holds no answers). Each command is one transaction that also stores its reply, like the walk's."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlmodel import Session

from bot import texts
from bot.chat.actions import Action, Verb
from bot.chat.screens import Buttons, Reply, Screen
from bot.chat.service import Walk
from bot.delivery.turn import Turn
from bot.engine.questions import Progress
from bot.report.checks import check, errors
from bot.report.model import Report, with_totals
from bot.schema import Level
from storage import repo
from storage.models import Agency, ReportRow, ReportStatus


class AgencyState(StrEnum):
    NOT_STARTED = "未开始"
    IN_PROGRESS = "填报中"
    SUBMITTED = "待审核"
    FINISHED = "已完成"
    LATE = "逾期"


@dataclass(frozen=True)
class AgencyStatus:
    """One line of the supervisor's overview."""

    agency: str
    level: Level
    year: int
    deadline: date
    percent: int
    errors: int  # 勾稽 and value errors; what is merely unfilled shows in the percentage
    state: AgencyState
    members: int


def _state(report: Report, row: ReportRow | None, deadline: date, today: date) -> AgencyState:
    if row is not None and row.status == ReportStatus.FINAL:
        return AgencyState.FINISHED
    if row is not None and row.status == ReportStatus.SUBMITTED:
        return AgencyState.SUBMITTED
    if today > deadline:
        return AgencyState.LATE
    return AgencyState.IN_PROGRESS if report.values else AgencyState.NOT_STARTED


COMPLETENESS_RULES = {"CELL-FILLED", "TEXT-FILLED"}


def agency_status(walk: Walk, session: Session, agency: Agency) -> AgencyStatus:
    """Where one agency stands, for the supervisor."""
    year = walk.report_year(session, agency)
    row = repo.get_report(session=session, agency=agency, year=year)
    if row is not None:
        report = repo.load_report(session=session, report_id=row.id)  # type: ignore[arg-type]
    else:
        report = Report(agency.name, agency.level, year)
    done, total = Progress(report).counted()
    deadline = walk.deadline(agency.level, year)
    open_errors = [f for f in errors(check(with_totals(report))) if f.rule not in COMPLETENESS_RULES]
    return AgencyStatus(
        agency=agency.name,
        level=agency.level,
        year=year,
        deadline=deadline,
        percent=round(100 * done / total),
        errors=len(open_errors),
        state=_state(report, row, deadline, walk.today()),
        members=len(repo.members_of(session=session, agency=agency)),
    )


STATE_ORDER = [
    AgencyState.LATE,
    AgencyState.NOT_STARTED,
    AgencyState.IN_PROGRESS,
    AgencyState.SUBMITTED,
    AgencyState.FINISHED,
]


def overview(walk: Walk) -> list[AgencyStatus]:
    """Every agency, late ones first, then the least advanced."""
    with walk.session() as session:
        rows = [agency_status(walk, session, agency) for agency in repo.agencies(session=session)]
    return sorted(rows, key=lambda r: (STATE_ORDER.index(r.state), r.deadline, r.percent, r.agency))


def overview_text(rows: list[AgencyStatus]) -> str:
    """The overview as chat lines (long lists are split into several messages by the handler)."""
    if not rows:
        return texts.NO_AGENCIES
    finished = sum(r.state is AgencyState.FINISHED for r in rows)
    late = sum(r.state is AgencyState.LATE for r in rows)
    lines = [texts.AGENCIES_HEAD.format(count=len(rows), finished=finished, late=late)]
    if submitted := [r.agency for r in rows if r.state is AgencyState.SUBMITTED]:
        lines.append(texts.AGENCIES_SUBMITTED.format(agencies="、".join(submitted)))
    for r in rows:
        lines.append(
            texts.AGENCY_LINE.format(
                mark=texts.AGENCY_MARKS[r.state.value],
                agency=r.agency,
                level=texts.LEVEL_NAMES[r.level],
                year=r.year,
                percent=r.percent,
                errors=texts.AGENCY_ERRORS.format(count=r.errors) if r.errors else "",
                state=r.state.value,
                deadline=r.deadline.isoformat(),
            )
        )
    return "\n".join(lines)


def overview_table(rows: list[AgencyStatus]) -> list[tuple[str, ...]]:
    """The overview as rows of cells for a terminal table, header first."""
    body = [
        (
            r.state.value,
            r.agency,
            texts.LEVEL_NAMES[r.level],
            str(r.year),
            f"{r.percent}%",
            str(r.errors),
            r.deadline.isoformat(),
            str(r.members),
        )
        for r in rows
    ]
    return [texts.STATUS_COLUMNS, *body]


# --- the admins' commands -------------------------------------------------------------------------
# /rename 原名称 -> 新名称: an arrow (ASCII, full-width or typed with a dash) or a line break between the names.
RENAME_SEPARATOR = re.compile(r"\s*(?:[-－—=]*[>＞]|→|\n)\s*")


def rename_names(text: str) -> tuple[str, str] | None:
    """The old and the new name of ``/rename``: split at an arrow or a line break, or, for two names without
    spaces, at the space between them; None if the text does not say both."""
    parts = [part.strip() for part in RENAME_SEPARATOR.split(text.strip(), maxsplit=1)]
    if len(parts) == 1:
        parts = text.split()
    return (parts[0], parts[1]) if len(parts) == 2 and all(parts) else None


def rename_agency(session: Session, *, old: str, new: str) -> tuple[Agency | None, str]:
    """Rename an agency in the open transaction; the agency (None if nothing changed) and what to say.
    A final report was signed with the name, so an agency with one keeps it."""
    agency = repo.get_agency_by_name(session=session, name=old)
    if agency is None:
        return None, texts.AGENCY_UNKNOWN.format(agency=old)
    if new == old:
        return None, texts.RENAME_SAME.format(agency=old)
    if repo.get_agency_by_name(session=session, name=new) is not None:
        return None, texts.RENAME_TAKEN.format(agency=new)
    if repo.has_final_report(session=session, agency=agency):
        return None, texts.AGENCY_FINAL.format(agency=old)
    agency.name = new
    session.add(agency)
    session.flush()
    return agency, texts.RENAMED.format(old=old, new=new, level=texts.LEVEL_NAMES[agency.level])


def change_level(
    session: Session, agency: Agency, level: Level, deadlines: dict[Level, tuple[int, int]]
) -> tuple[bool, str]:
    """Switch an agency between 部门 and 政府 (which moves its deadline) in the open transaction, unless a
    report of it is final; whether it was, and what to say."""
    if repo.has_final_report(session=session, agency=agency):
        return False, texts.AGENCY_FINAL.format(agency=agency.name)
    agency.level = level
    session.add(agency)
    month, day = deadlines[level]
    return True, texts.LEVEL_CHANGED.format(agency=agency.name, level=texts.LEVEL_NAMES[level], month=month, day=day)


def removal(session: Session, name: str) -> tuple[Agency | None, str | None, int]:
    """Whether an agency may be removed: the agency, why not (None if it may) and how many members it has.
    Answers are never removed: an agency holding any (or a draft) is refused."""
    agency = repo.get_agency_by_name(session=session, name=name)
    if agency is None:
        return None, texts.AGENCY_UNKNOWN.format(agency=name), 0
    if content := repo.agency_content(session=session, agency=agency):
        return agency, texts.REMOVE_REFUSED.format(agency=agency.name, count=content), 0
    return agency, None, len(repo.members_of(session=session, agency=agency))


EXPORT_FILES = "export-"  # the files of a reply to /export: "export-2025", made and sent by the sender


class Office:
    """The admins' commands in the chat: each claims its update, changes, and stores its reply in one
    transaction (``turn.record``), as the walk does for members. The caller checks that the user is an admin."""

    def __init__(self, walk: Walk, *, invite_page: str | None = None) -> None:
        """``invite_page``: the chat page's address when the bot runs as the web channel (bot/web), where
        invite links then point; None: Telegram's t.me links."""
        self.walk, self.invite_page = walk, invite_page

    def invite_link(self, code: str, bot_username: str) -> str:
        """The link that opens this bot with ``code``: on the chat page, or in Telegram."""
        if self.invite_page is not None:
            return f"{self.invite_page}?start={code}"
        return f"https://t.me/{bot_username}?start={code}"

    def _respond(self, turn: Turn, body: Callable[[Session], Reply]) -> Reply:
        reply = self.walk.transact(turn, body)
        assert reply is not None  # the body always answers: the handler has checked who is asking
        return reply

    def _level_label(self, template: str, level: Level) -> str:
        month, day = self.walk.deadlines[level]
        return template.format(level=texts.LEVEL_NAMES[level], month=month, day=day)

    def _invited(self, session: Session, agency: Agency, turn: Turn, bot_username: str) -> Reply:
        expires_at = self.walk.now() + self.walk.invite_ttl
        code = repo.stage_invite(session=session, agency=agency, created_by=turn.user_id, expires_at=expires_at)
        created = texts.INVITE_CREATED.format(
            agency=agency.name,
            level=texts.LEVEL_NAMES[agency.level],
            days=self.walk.invite_ttl.days,
            link=self.invite_link(code, bot_username),
            code=code,
        )
        return Reply([Screen(created)])

    def invite(self, turn: Turn, name: str, bot_username: str) -> Reply:
        """/invite 机构名称: a new link for a known agency; for a new one, first the question 部门 or 政府
        (the agency is created by the tap, from the name kept in the database meanwhile)."""

        def body(session: Session) -> Reply:
            agency = repo.get_agency_by_name(session=session, name=name)
            if agency is not None:
                return self._invited(session, agency, turn, bot_username)
            now = self.walk.now()
            pending = repo.stage_pending_invite(session=session, name=name, created_by=turn.user_id, now=now)
            choices: Buttons = [
                [
                    (
                        self._level_label(texts.BUTTON_INVITE_LEVEL, level),
                        Action(Verb.INVITE_LEVEL, f"{pending.id}-{level}").encode(),
                    )
                    for level in Level
                ]
            ]
            return Reply([Screen(texts.INVITE_LEVEL_ASK.format(agency=name), choices)])

        return self._respond(turn, body)

    def rename(self, turn: Turn, old: str, new: str) -> Reply:
        """/rename 原名称 -> 新名称, with a button to switch the agency's level as well."""

        def body(session: Session) -> Reply:
            agency, said = rename_agency(session, old=old, new=new)
            if agency is None:
                return Reply([Screen(said)])
            other = Level.GOVERNMENT if agency.level is Level.DEPARTMENT else Level.DEPARTMENT
            switch = Action(Verb.LEVEL, f"{agency.id}-{other.value}").encode()
            return Reply([Screen(said, [[(self._level_label(texts.BUTTON_LEVEL, other), switch)]])])

        return self._respond(turn, body)

    def remove(self, turn: Turn, name: str) -> Reply:
        """/remove 机构名称: asks to confirm by tap (saying how many members lose access); refused while the
        agency holds answers."""

        def body(session: Session) -> Reply:
            agency, refused, members = removal(session, name)
            return Reply([Screen(refused)] if refused or agency is None else [self._confirm_removal(agency, members)])

        return self._respond(turn, body)

    def _confirm_removal(self, agency: Agency, members: int) -> Screen:
        lines = [texts.REMOVE_CONFIRM.format(agency=agency.name, level=texts.LEVEL_NAMES[agency.level])]
        if members:
            lines.append(texts.REMOVE_CONFIRM_MEMBERS.format(count=members))
        button = (texts.BUTTON_REMOVE, Action(Verb.REMOVE, f"{agency.id}-{members}").encode())
        return Screen("\n".join(lines), [[button]])

    def export(self, turn: Turn, year: int) -> Reply:
        """/export [年度]: that the files are being made; the sender makes and sends them after this reply."""

        def body(session: Session) -> Reply:
            count = len(repo.agencies(session=session))
            if not count:
                return Reply([Screen(texts.EXPORT_NO_AGENCIES)])
            said = texts.EXPORT_HEAD.format(year=year, count=count, pending=texts.EXPORT_PENDING)
            return Reply([Screen(said)], files=f"{EXPORT_FILES}{year}")

        return self._respond(turn, body)

    def tap(self, turn: Turn, action: Action, bot_username: str) -> Reply:
        """An admin's button: the level of a new agency, a level switch, or a removal confirmed."""
        number, _, rest = action.arg.partition("-")

        def body(session: Session) -> Reply:
            if action.verb is Verb.INVITE_LEVEL:
                return self._create(session, turn, int(number), Level(rest), bot_username)
            agency = session.get(Agency, int(number))
            if agency is None:
                return Reply([Screen(texts.AGENCY_GONE)])
            if action.verb is Verb.LEVEL:
                return Reply([Screen(change_level(session, agency, Level(rest), self.walk.deadlines)[1])])
            return self._remove(session, agency, int(rest))

        return self._respond(turn, body)

    def _create(self, session: Session, turn: Turn, pending_id: int, level: Level, bot_username: str) -> Reply:
        pending = repo.take_pending_invite(session=session, pending_id=pending_id)
        if pending is None:
            return Reply([Screen(texts.INVITE_LEVEL_GONE)])
        agency = repo.get_agency_by_name(session=session, name=pending.name)
        if agency is not None:  # created meanwhile (another admin, or the command line): keep its level
            return self._invited(session, agency, turn, bot_username)
        agency = Agency(name=pending.name, level=level, created_at=self.walk.now())
        session.add(agency)
        session.flush()
        return self._invited(session, agency, turn, bot_username)

    def _remove(self, session: Session, agency: Agency, members_asked: int) -> Reply:
        _, refused, members = removal(session, agency.name)
        if refused:
            return Reply([Screen(refused)])
        if members != members_asked:  # someone joined (or left) since the question: ask again
            return Reply([Screen(texts.REMOVE_CHANGED), self._confirm_removal(agency, members)])
        name = agency.name
        repo.stage_remove_agency(session=session, agency=agency)
        return Reply([Screen(texts.REMOVED.format(agency=name))])
