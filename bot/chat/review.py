"""Review before publishing (审核): an agency that needs it submits its report to its reviewers (the admins
and its members given the reviewer role), who approve it (it becomes final) or return it with comments
attached where they apply (a row, a cell, a section); the members find each comment there until they submit
again. Every submit, approve, return and withdrawal is a report event with who and when.

Each step is one transaction that changes the report, records the event, and stores the reply and the
notices to the other side (``Reply.notices``) in the outbox together. Where a comment applies is read from
its beginning, in the words of the format (行政许可, 表三 （一）予以公开 法律服务机构, 五、…); a comment
whose place is not recognised applies to the report as a whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import texts
from bot.chat.actions import Action, Verb
from bot.chat.context import Context
from bot.chat.screens import Notice, Reply, Screen, brief
from bot.delivery.turn import Turn
from bot.engine.questions import question
from bot.report.model import Report, with_totals
from bot.schema import Format, Prose
from storage import repo
from storage.models import Agency, Member, MemberRole, ReportEvent, ReportRow, ReportStatus, ReviewComment

if TYPE_CHECKING:
    from bot.chat.service import Walk

MAX_COMMENT = 1000  # characters of one comment: a line of a message, far beyond any real remark


# --- where a comment applies ------------------------------------------------------------------------
@dataclass(frozen=True)
class Place:
    """A field key (applications.new, text.problems) with optionally a column of its table, a section's
    number (五), or "" for the report as a whole."""

    target: str = ""
    column: int | None = None


_WIDTH = str.maketrans({"(": "（", ")": "）", "．": ".", ",": "，"})


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).translate(_WIDTH)


_PLACES: dict[str, tuple[tuple[str, Place], ...]] = {}  # by format id: built once


def _places(fmt: Format) -> tuple[tuple[str, Place], ...]:
    """Every name a comment may start with and the place it names, longest first (so 表三（一）予以公开法律服务
    机构 wins over 表三（一）予以公开, and that over 表三)."""
    if fmt.id not in _PLACES:
        _PLACES[fmt.id] = _names(fmt)
    return _PLACES[fmt.id]


def _names(fmt: Format) -> tuple[tuple[str, Place], ...]:
    found: dict[str, Place] = {}

    def add(name: str, place: Place) -> None:
        found.setdefault(_norm(name), place)

    for table in fmt.tables:
        section = fmt.section_of(table.rows[0].key).number
        for row in table.rows:
            names = {row.label, row.brief, *row.alias} | ({row.groups[-1] + row.label} if row.groups else set())
            for name in filter(None, names):
                for prefix in ("", table.name, table.name.split()[0]):  # 表二 第二十条第（五）项, 表二
                    if row.computed:  # a sum has no question of its own: the comment goes to its section
                        add(prefix + name, Place(section))
                        continue
                    add(prefix + name, Place(row.key))
                    for i, column in enumerate(table.columns):
                        add(prefix + name + column.label, Place(row.key, i))
    for prose in fmt.prose:
        add(prose.name, Place(prose.key))
        if prose.heading:
            add(prose.heading, Place(prose.key))
    for section in fmt.sections:
        if not section.number:
            continue
        only = section.prose[0].key if len(section.parts) == 1 and section.prose else None
        place = Place(only or section.number)
        for name in (section.heading or "", f"{section.number}、", f"第{section.number}部分"):
            if name:
                add(name, place)
        for table in section.tables:
            add(table.name.split()[0], Place(section.number))
    return tuple(sorted(found.items(), key=lambda item: -len(item[0])))


def parse_place(fmt: Format, line: str) -> Place:
    """Where a comment applies, read from its beginning; the whole report when no place is named."""
    text = _norm(line)
    return next((place for name, place in _places(fmt) if text.startswith(name)), Place())


def place_name(fmt: Format, place: Place) -> str:
    """The place as the member reads it: 表二 行政许可, 表三 （一）予以公开 法律服务机构, 五、…, 总体意见."""
    if not place.target:
        return texts.PLACE_GENERAL
    if "." not in place.target:
        section = next((s for s in fmt.sections if s.number == place.target), None)
        return section.heading or place.target if section else place.target
    prose = next((p for p in fmt.prose if p.key == place.target), None)
    if prose is not None:
        return prose.name
    table = fmt.table_of(place.target)
    name = f"{table.name.split()[0]} {brief(table.row(place.target))}"  # 表二 行政许可
    if place.column is not None and place.column < len(table.columns):
        name += f" {table.columns[place.column].label}"
    return name


def _order(fmt: Format, comment: ReviewComment) -> float:
    """A comment's position in the report: by its field, a section's before its first field, the report's last."""
    keys = fmt.field_keys
    if comment.target in keys:
        return keys.index(comment.target)
    for section in fmt.sections:
        if section.number and section.number == comment.target:
            first = section.parts[0]
            return keys.index(first.key if isinstance(first, Prose) else first.rows[0].key) - 0.5
    return len(keys)


def _place(comment: ReviewComment) -> Place:
    return Place(comment.target, comment.column_index)


def _local(moment: datetime, zone: tzinfo) -> datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone)


def comment_line(comment: ReviewComment, zone: ZoneInfo) -> str:
    at = texts.COMMENT_TIME.format(d=_local(comment.sent_at or comment.at, zone))
    return texts.COMMENT.format(who=comment.by_name or texts.COMMENT_REVIEWER, at=at, text=comment.text)


def with_comments(screen: Screen, comments: list[ReviewComment], fmt: Format, zone: ZoneInfo) -> Screen:
    """A question's screen with the comments on its field and on its section, at its end."""
    if not comments or not screen.asks:
        return screen
    q = question(fmt, screen.asks)
    if q is None:
        return screen
    lines = [comment_line(c, zone) for c in comments if c.target and c.target in (q.id, q.section.number)]
    return replace(screen, text="\n\n".join([screen.text, *lines])) if lines else screen


def review_with_comments(
    screen: Screen, comments: list[ReviewComment], fmt: Format, zone: ZoneInfo, section: str | None
) -> Screen:
    """The review with the comments that apply: a section's on its fields and itself; the whole report's
    general comments, and how many more there are in the sections."""
    if not comments:
        return screen
    if section is not None:
        shown = [c for c in comments if c.target and _in(fmt, c, section)]
        lines = [comment_line(c, zone) for c in sorted(shown, key=lambda c: _order(fmt, c))]
    else:
        general = [c for c in comments if not c.target]
        lines = [comment_line(c, zone) for c in general]
        if rest := len(comments) - len(general):
            lines.append(texts.COMMENTS_ELSEWHERE.format(count=rest))
    return replace(screen, text="\n\n".join([screen.text, "\n".join(lines)])) if lines else screen


def _in(fmt: Format, comment: ReviewComment, section: str) -> bool:
    """Whether the comment applies to the section or to one of its fields."""
    if comment.target in fmt.field_keys:
        return fmt.section_of(comment.target).number == section
    return comment.target == section


# --- the screens ---------------------------------------------------------------------------------------
def _review_buttons(event: ReportEvent, *, view: bool = True) -> list[list[tuple[str, str]]]:
    row = [
        (texts.BUTTON_APPROVE, Action(Verb.REVIEW_APPROVE, str(event.id)).encode()),
        (texts.BUTTON_RETURN, Action(Verb.REVIEW_RETURN, str(event.id)).encode()),
    ]
    if view:
        row.insert(0, (texts.BUTTON_REVIEW_VIEW, Action(Verb.REVIEW_VIEW, str(event.id)).encode()))
    return [row]


def notice_screen(agency: Agency, row: ReportRow, event: ReportEvent, who: str) -> Screen:
    """What a reviewer is told of a submission, with 查看, 通过 and 退回修改."""
    date = texts.DATE_CN.format(d=row.date) if row.date else ""
    text = texts.REVIEW_NOTICE.format(agency=agency.name, year=row.year, who=who, date=date)
    return Screen(text, _review_buttons(event))


def _items(fmt: Format, comments: list[ReviewComment]) -> list[str]:
    """The comments numbered, each with the place it applies to."""
    return [
        texts.RETURN_ITEM.format(n=n, place=place_name(fmt, _place(c)), text=c.text) for n, c in enumerate(comments, 1)
    ]


def _writing_screen(fmt: Format, comments: list[ReviewComment], event_id: int) -> Screen:
    items = _items(fmt, comments)
    buttons = [
        [
            (texts.BUTTON_RETURN_SEND.format(count=len(comments)), Action(Verb.REVIEW_SEND, str(event_id)).encode()),
            (texts.BUTTON_RETURN_CANCEL, Action(Verb.REVIEW_CANCEL, str(event_id)).encode()),
        ]
    ]
    return Screen(texts.RETURN_NOTED.format(count=len(comments), items="\n".join(items)), buttons)


def _first_button(fmt: Format, comments: list[ReviewComment]) -> tuple[str, str]:
    """A button to where the first comment applies: its question, its section's review, or the review."""
    first = comments[0]
    if first.target and "." in first.target and question(fmt, first.target) is not None:
        action = Action(Verb.EDIT, first.target)
    elif first.target and "." not in first.target:
        action = Action(Verb.REVIEW, first.target)
    else:
        action = Action(Verb.REVIEW)
    return texts.BUTTON_FIRST_COMMENT, action.encode()


def _members(session: Session, agency: Agency) -> list[Member]:
    """The members to tell of a decision: everyone of the agency who has not blocked the bot."""
    return [m for m in repo.members_of(session=session, agency=agency) if m.blocked_at is None]


# --- the member's side, called inside the walk's transaction ----------------------------------------------
def submit(ctx: Context, day: object, admins: tuple[int, ...], now: datetime) -> Reply:
    """/finalize confirmed in an agency that needs review: the report goes to its reviewers, dated ``day``;
    the comments it was returned with are settled."""
    reviewers = repo.reviewers(session=ctx.session, agency=ctx.agency, admins=admins)
    if not reviewers:
        return Reply([Screen(texts.SUBMIT_NO_REVIEWER)])
    ctx.row.status, ctx.row.date = ReportStatus.SUBMITTED, day  # type: ignore[assignment]
    ctx.session.add(ctx.row)
    by = ctx.member.telegram_user_id
    event = repo.stage_event(session=ctx.session, report=ctx.row, kind="submit", by=by, at=now)
    repo.stage_resolve_comments(session=ctx.session, report=ctx.row, at=now)
    notice = notice_screen(ctx.agency, ctx.row, event, ctx.member.display_name)
    said = texts.SUBMITTED.format(date=texts.DATE_CN.format(d=ctx.row.date))
    return Reply([Screen(said)], notices=[Notice(user, notice) for user, _ in reviewers])


def withdraw(ctx: Context, admins: tuple[int, ...], now: datetime) -> Reply:
    """/reopen of a submitted report: back to the members, and the reviewers are told they need not review."""
    ctx.row.status = ReportStatus.DRAFT
    ctx.session.add(ctx.row)
    repo.stage_event(session=ctx.session, report=ctx.row, kind="withdraw", by=ctx.member.telegram_user_id, at=now)
    told = Screen(texts.REVIEW_WITHDRAWN_NOTICE.format(agency=ctx.agency.name, year=ctx.row.year))
    reviewers = repo.reviewers(session=ctx.session, agency=ctx.agency, admins=admins)
    return Reply([Screen(texts.WITHDRAWN)], notices=[Notice(user, told) for user, _ in reviewers])


def waiting_problem(session: Session, row: ReportRow | None, event_id: int, zone: tzinfo) -> str | None:
    """Why a button of submission ``event_id`` no longer applies (approved, returned, submitted again,
    withdrawn); None while the report waits for exactly that submission's review."""
    if row is None:
        return texts.REVIEW_GONE
    last = repo.last_event(session=session, report=row)
    if row.status == ReportStatus.SUBMITTED and last is not None and last.id == event_id:
        return None
    if last is None:
        return texts.REVIEW_NOT_WAITING
    at = texts.COMMENT_TIME.format(d=_local(last.at, zone))
    if row.status == ReportStatus.FINAL and last.kind == "approve":
        return texts.REVIEW_ALREADY_APPROVED.format(at=at)
    if row.status == ReportStatus.SUBMITTED:
        return texts.REVIEW_RESUBMITTED
    if last.kind == "return":
        return texts.REVIEW_ALREADY_RETURNED.format(at=at)
    return texts.REVIEW_NOT_WAITING


def comment_text(session: Session, turn: Turn, text: str, now: datetime) -> Reply | None:
    """A reviewer's typed message while writing comments: one comment per line, placed by its beginning.
    None when the user is writing no comments (the message is an answer of the walk)."""
    writing = repo.writing(session=session, reviewer=turn.user_id)
    if writing is None:
        return None
    row = session.get(ReportRow, writing.report_id)
    if (problem := waiting_problem(session, row, writing.event_id, now.tzinfo or UTC)) is not None:
        repo.stage_stop_writing(session=session, reviewer=turn.user_id)
        return Reply([Screen(texts.RETURN_STALE.format(reason=problem))])
    assert row is not None
    fmt = repo.FORMATS[row.format_id]
    for line in filter(None, (line.strip() for line in text.splitlines())):
        place = parse_place(fmt, line)
        repo.stage_comment(
            session=session,
            report=row,
            target=place.target,
            column_index=place.column,
            text=line[:MAX_COMMENT],
            by=turn.user_id,
            by_name=writing.by_name,
            at=now,
        )
    comments = repo.unsent_comments(session=session, report_id=row.id, by=turn.user_id)  # type: ignore[arg-type]
    return Reply([_writing_screen(fmt, comments, writing.event_id)])


# --- the reviewers' and the admins' side -------------------------------------------------------------------
def needs_review_state(arg: str) -> bool | None:
    """on / off (or 开 / 关) as a state; None for anything else (toggle)."""
    word = arg.strip().lower()
    return True if word in ("on", "开", "是") else False if word in ("off", "关", "否") else None


def set_needs_review(session: Session, name: str, state: bool | None, admins: tuple[int, ...]) -> tuple[bool, str]:
    """Make an agency's report need review (``state`` None: the other way round), in the open transaction;
    whether it was found, and what to say."""
    agency = repo.get_agency_by_name(session=session, name=name)
    if agency is None:
        return False, texts.AGENCY_UNKNOWN.format(agency=name)
    agency.needs_review = (not agency.needs_review) if state is None else state
    session.add(agency)
    if not agency.needs_review:
        return True, texts.NEEDREVIEW_OFF.format(agency=agency.name)
    named = [n for _, n in repo.reviewers(session=session, agency=agency, admins=()) if n]
    reviewers = texts.NEEDREVIEW_REVIEWERS.format(names="、".join(named)) if named else ""
    return True, texts.NEEDREVIEW_ON.format(agency=agency.name, reviewers=reviewers)


def _agency_and_rest(session: Session, text: str) -> tuple[Agency | None, str]:
    """The agency whose name the text starts with (the longest such name) and what follows it."""
    text = text.strip()
    best: Agency | None = None
    for agency in repo.agencies(session=session):
        if (text == agency.name or re.match(re.escape(agency.name) + r"\s", text)) and (
            best is None or len(agency.name) > len(best.name)
        ):
            best = agency
    return best, text[len(best.name) :].strip() if best else text


class Reviews:
    """The reviewers' buttons and the admins' review commands, each one transaction with its reply and
    notices (``turn.record``). Whether a user may review is decided here, from the database and the admins."""

    def __init__(self, walk: Walk) -> None:
        self.walk = walk

    @property
    def admins(self) -> tuple[int, ...]:
        return self.walk.admins

    def _respond(self, turn: Turn, body: Callable[[Session], Reply]) -> Reply:
        reply = self.walk.transact(turn, body)
        assert reply is not None  # the body always answers: the handler has checked who is asking
        return reply

    # --- admins' commands (the handler checks that the user is an admin) ---
    def needs_review(self, turn: Turn, text: str) -> Reply:
        """/needreview 机构名称 [on|off]."""
        words = text.split()
        state = needs_review_state(words[-1]) if len(words) > 1 else None
        name = text.strip().rsplit(maxsplit=1)[0] if state is not None else text.strip()

        def body(session: Session) -> Reply:
            return Reply([Screen(set_needs_review(session, name, state, self.admins)[1])])

        return self._respond(turn, body)

    def reviewer(self, turn: Turn, text: str) -> Reply:
        """/reviewer 机构名称 成员名称: the member becomes a reviewer of the agency's report, or no longer is;
        without a member's name, the agency's members and who reviews."""

        def body(session: Session) -> Reply:
            agency, name = _agency_and_rest(session, text)
            if agency is None:
                return Reply([Screen(texts.AGENCY_UNKNOWN.format(agency=text.split()[0] if text.split() else ""))])
            members = repo.members_of(session=session, agency=agency)
            listed = "、".join(
                m.display_name + (texts.REVIEWER_MARK if m.role == MemberRole.REVIEWER else "") for m in members
            )
            if not members:
                return Reply([Screen(texts.REVIEWER_NO_MEMBERS.format(agency=agency.name))])
            if not name:
                return Reply([Screen(texts.REVIEWER_MEMBERS.format(agency=agency.name, members=listed))])
            chosen = [m for m in members if m.display_name == name]
            if not chosen:
                return Reply([Screen(texts.REVIEWER_UNKNOWN.format(agency=agency.name, name=name, members=listed))])
            on = chosen[0].role != MemberRole.REVIEWER
            for member in chosen:
                member.role = MemberRole.REVIEWER if on else MemberRole.MEMBER
                session.add(member)
            said = (texts.REVIEWER_ON if on else texts.REVIEWER_OFF).format(name=name, agency=agency.name)
            return Reply([Screen(said)])

        return self._respond(turn, body)

    # --- reviewers' buttons ---
    def tap(self, turn: Turn, action: Action, name: str) -> Reply:
        """查看, 通过, 退回修改, 退回（N 条意见）, 取消: acted on by a reviewer of that agency while the report waits
        for that submission's review; anything else is answered politely and changes nothing."""

        def body(session: Session) -> Reply:
            event = session.get(ReportEvent, int(action.arg))
            row = session.get(ReportRow, event.report_id) if event is not None and event.kind == "submit" else None
            if event is None or row is None:
                return Reply([Screen(texts.REVIEW_GONE)])
            agency = session.get_one(Agency, row.agency_id)
            if not repo.is_reviewer(session=session, agency=agency, user_id=turn.user_id, admins=self.admins):
                return Reply([Screen(texts.REVIEW_NOT_REVIEWER)])
            if action.verb is Verb.REVIEW_CANCEL:  # always possible: it only drops what this reviewer wrote
                repo.stage_stop_writing(session=session, reviewer=turn.user_id)
                repo.stage_drop_unsent(session=session, report_id=row.id, by=turn.user_id)  # type: ignore[arg-type]
                return Reply([Screen(texts.RETURN_CANCELLED)])
            if (problem := waiting_problem(session, row, event.id, self.walk.zone)) is not None:  # type: ignore[arg-type]
                return Reply([Screen(problem)])
            if action.verb is Verb.REVIEW_VIEW:
                said = texts.REVIEW_VIEW.format(agency=agency.name, year=row.year) + "\n" + texts.FILES_PENDING
                return Reply([Screen(said, _review_buttons(event, view=False))], files=f"review-{row.id}")
            if action.verb is Verb.REVIEW_APPROVE:
                return self._approve(session, turn, agency, row, name)
            if action.verb is Verb.REVIEW_RETURN:
                repo.stage_writing(session=session, reviewer=turn.user_id, report=row, event_id=event.id, by_name=name)  # type: ignore[arg-type]
                asked = Screen(texts.RETURN_ASK.format(agency=agency.name))
                written = repo.unsent_comments(session=session, report_id=row.id, by=turn.user_id)  # type: ignore[arg-type]
                fmt = repo.FORMATS[row.format_id]
                return Reply([asked, _writing_screen(fmt, written, event.id)] if written else [asked])  # type: ignore[arg-type]
            return self._return(session, turn, agency, row, name)

        return self._respond(turn, body)

    def _approve(self, session: Session, turn: Turn, agency: Agency, row: ReportRow, name: str) -> Reply:
        row.status = ReportStatus.FINAL
        session.add(row)
        repo.stage_event(session=session, report=row, kind="approve", by=turn.user_id, at=self.walk.now())
        repo.stage_drop_unsent(session=session, report_id=row.id, by=turn.user_id)  # type: ignore[arg-type]
        repo.stage_stop_writing(session=session, reviewer=turn.user_id)
        date = texts.DATE_CN.format(d=row.date) if row.date else ""
        who = name or texts.COMMENT_REVIEWER
        told = Screen(texts.APPROVED_NOTICE.format(agency=agency.name, year=row.year, who=who, date=date))
        notices = [Notice(m.telegram_user_id, told) for m in _members(session, agency)]
        return Reply([Screen(texts.APPROVED.format(agency=agency.name, year=row.year))], notices=notices)

    def _return(self, session: Session, turn: Turn, agency: Agency, row: ReportRow, name: str) -> Reply:
        comments = repo.unsent_comments(session=session, report_id=row.id, by=turn.user_id)  # type: ignore[arg-type]
        writing = repo.writing(session=session, reviewer=turn.user_id)
        if not comments:
            return Reply([Screen(texts.RETURN_EMPTY)])
        fmt = repo.FORMATS[row.format_id]
        row.status = ReportStatus.DRAFT
        session.add(row)
        now = self.walk.now()
        repo.stage_event(session=session, report=row, kind="return", by=turn.user_id, at=now)
        repo.stage_send_comments(session=session, comments=comments, at=now)
        repo.stage_stop_writing(session=session, reviewer=turn.user_id)
        ordered = sorted(comments, key=lambda c: _order(fmt, c))
        items = _items(fmt, ordered)
        who = (writing.by_name if writing is not None else "") or name or texts.COMMENT_REVIEWER
        told = Screen(
            texts.RETURNED_NOTICE.format(
                agency=agency.name, year=row.year, who=who, count=len(comments), items="\n".join(items)
            ),
            [[_first_button(fmt, ordered)]],
        )
        notices = [Notice(m.telegram_user_id, told) for m in _members(session, agency)]
        said = texts.RETURNED.format(agency=agency.name, year=row.year, count=len(comments))
        return Reply([Screen(said)], notices=notices)

    # --- the files a reviewer is sent ---
    def report_for(self, user_id: int, report_id: int) -> Report | None:
        """The report as it stands (totals computed) for a reviewer of its agency; None for anyone else."""
        with self.walk.session() as session:
            row = session.get(ReportRow, report_id)
            if row is None:
                return None
            agency = session.get_one(Agency, row.agency_id)
            if not repo.is_reviewer(session=session, agency=agency, user_id=user_id, admins=self.admins):
                return None
            report = with_totals(repo.load_report(session=session, report_id=report_id))
            return report if report.date else replace(report, date=self.walk.today())
