"""The walk against the database: each call is one transaction that loads, decides, stores, commits.

Handlers call these methods with plain values (user id, update id, text, action) and get screens
back. Every change is committed before the method returns, so the reply the handler then sends
("已保存") is never ahead of the database. A repeated update id is recognised and changes nothing.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session

from bot import texts
from bot.chat import screens
from bot.chat.actions import Action, Verb
from bot.chat.screens import Reply, Screen
from bot.delivery.turn import Seen, Turn
from bot.engine.parse import ParseError, parse_numbers
from bot.engine.questions import (
    FIX_PREFIX,
    Ask,
    Fix,
    Kind,
    Progress,
    Question,
    Step,
    next_step,
    question,
    questions,
)
from bot.importer import Imported
from bot.report import datafile
from bot.report.checks import COPY_CHECKED, check, copied_from_last_year, errors
from bot.report.model import Report, RowValue, Value, complete_row, format_number, with_totals
from bot.schema import CURRENT, Level, Table
from storage import mailbox, repo
from storage.models import Agency, Member, ReportRow, ReportStatus

REVIEW = "review"
PENDING_IMPORT_KEPT = timedelta(days=7)


Deadlines = dict[Level, tuple[int, int]]  # (month, day) in the year after the report year


def due_year(today: date, level: Level, deadlines: Deadlines = CURRENT.deadlines) -> int:
    """The report year due next: last year's until its deadline has passed, then this year's."""
    return today.year - 1 if today <= date(today.year, *deadlines[level]) else today.year


class Context:
    """Everything one update needs, loaded in its transaction.

    Every change goes through a method here that stages it in the database and mirrors it in
    ``progress``, so after the commit the in-memory state is what a fresh load would give, without
    loading again.
    """

    def __init__(
        self,
        session: Session,
        member: Member,
        agency: Agency,
        row: ReportRow,
        progress: Progress,
        turn: Turn | None = None,
    ) -> None:
        self.session, self.member, self.agency, self.row, self.progress = session, member, agency, row, progress
        self.turn = turn

    def seen(self) -> Seen | None:
        """The question of the last message the member saw before this update ("" for a step that asks
        none); None when not known: nothing delivered yet, or a call without delivery."""
        return self.turn.seen(self.session) if self.turn else None

    @property
    def report(self) -> Report:
        return self.progress.report

    @property
    def final(self) -> bool:
        return self.row.status == ReportStatus.FINAL

    @cached_property
    def last_year(self) -> Report | None:
        """Last year's report of the agency, read only when a screen offers something from it."""
        previous = repo.get_report(session=self.session, agency=self.agency, year=self.row.year - 1)
        return repo.load_report(session=self.session, report_id=previous.id) if previous else None  # type: ignore[arg-type]

    def set_values(self, values: dict[str, Value]) -> None:
        repo.stage_answers(session=self.session, report=self.row, values=values, by=self.member.telegram_user_id)
        self.progress = replace(self.progress, report=replace(self.report, values={**self.report.values, **values}))

    def set_text(self, key: str, text: str) -> None:
        by = self.member.telegram_user_id
        repo.stage_answer(session=self.session, report=self.row, field_key=key, value=text, by=by)
        self.progress = replace(self.progress, report=replace(self.report, values={**self.report.values, key: text}))

    def set_draft(self, key: str, text: str) -> None:
        repo.stage_draft(
            session=self.session, report=self.row, field_key=key, text=text, by=self.member.telegram_user_id
        )
        self.progress = replace(self.progress, drafts={**self.progress.drafts, key: text})

    def drop_draft(self, key: str) -> None:
        repo.stage_drop_draft(session=self.session, report=self.row, field_key=key, by=self.member.telegram_user_id)
        self.progress = replace(self.progress, drafts={k: v for k, v in self.progress.drafts.items() if k != key})

    def skip(self, question_id: str) -> None:
        repo.stage_skip(session=self.session, report=self.row, question_id=question_id)
        self.progress = replace(self.progress, skipped=self.progress.skipped | {question_id})

    def unskip(self, question_ids: list[str]) -> None:
        repo.stage_unskip(session=self.session, report=self.row, question_ids=question_ids)
        self.progress = replace(self.progress, skipped=self.progress.skipped - set(question_ids))

    def set_cursor(self, editing: str | None, return_to: str | None = None) -> None:
        repo.stage_cursor(session=self.session, member=self.member, editing=editing, return_to=return_to)
        self.progress = replace(self.progress, editing=editing)

    def hold(self, held: str | None) -> None:
        """Keep (or forget) an answer that waits for the member's choice against a colleague's."""
        self.member.held_answer = held
        self.session.add(self.member)

    def commit(self) -> None:
        self.session.commit()


class Walk:
    def __init__(
        self,
        engine: Engine,
        *,
        timezone: str = "Asia/Shanghai",
        invite_ttl_days: int = 14,
        deadlines: Deadlines = CURRENT.deadlines,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.engine = engine
        self.zone = ZoneInfo(timezone)
        self.invite_ttl = timedelta(days=invite_ttl_days)
        self.deadlines = deadlines
        self.clock = clock or (lambda: datetime.now(self.zone))  # tests move time; the bot uses the real one

    def deadline(self, level: Level, year: int) -> date:
        return date(year + 1, *self.deadlines[level])

    def report_year(self, session: Session, agency: Agency) -> int:
        """The year the agency works on: the one due next, or last year's while it is overdue.

        After a deadline an unfinished report stays current (and overdue) until it is final, or until
        December when the next reporting season starts; an agency that joined after that deadline
        starts with the next report instead.
        """
        today = self.today()
        year = due_year(today, agency.level, self.deadlines)
        passed = self.deadline(agency.level, year - 1)
        if year == today.year and today.month < 12 and agency.created_at.date() <= passed:
            last = repo.get_report(session=session, agency=agency, year=year - 1)
            if last is None or last.status != ReportStatus.FINAL:
                return year - 1
        return year

    def session(self) -> Session:
        # Objects stay readable after commit: a handler formats its reply from them afterwards.
        return Session(self.engine, expire_on_commit=False)

    def now(self) -> datetime:
        return self.clock().astimezone(self.zone)

    def today(self) -> date:
        return self.now().date()

    def warm_up(self) -> tuple[int, int]:
        """At start-up: forget handled updates too old to be delivered again and uploads never confirmed
        within a week (a tap on their 确认导入 then says the file is gone), then walk a made-up member
        through the whole questionnaire in a transaction that is rolled back. Every statement, screen and
        cache an update needs is then ready before the first real update arrives, and nothing is stored.
        Returns how many of how many items the rehearsal answered."""
        with self.session() as session:
            mailbox.forget(session=session, before=self.now() - timedelta(days=2))
            repo.forget_pending_imports(session=session, before=self.now() - PENDING_IMPORT_KEPT)
        with self.session() as session:
            try:
                return self._rehearse(session)
            finally:
                session.rollback()

    def _rehearse(self, session: Session) -> tuple[int, int]:
        agency = Agency(name=f"warm-up {secrets.token_hex(8)}", level=Level.DEPARTMENT, created_at=self.now())
        session.add(agency)
        session.flush()
        member = Member(agency_id=agency.id, telegram_user_id=0, display_name="")
        row = ReportRow(agency_id=agency.id, year=self.today().year, format_id=CURRENT.id)
        session.add_all([member, row])
        session.flush()
        repo.find_invite(session=session, code="")
        repo.get_member(session=session, agency=agency, telegram_user_id=0)
        repo.latest_membership(session=session, telegram_user_id=0)
        self.report_year(session, agency)
        turn = Turn(-1, 0, chat_id=0, seen_before=1)  # the delivery statements are rehearsed too
        turn.claim(session)
        ctx = self._load(session, member, agency, row, turn)
        for _ in questions(ctx.report.format):  # at most one step per question
            step = next_step(ctx.progress)
            if not isinstance(step, Ask):
                break
            q = step.question
            if q.kind is Kind.PROSE:
                self._answer(ctx, "warm-up")
                self._act(ctx, next_step(ctx.progress), Action(Verb.DONE, q.id))
            elif q.kind is Kind.GATE:
                self._act(ctx, step, Action(Verb.GATE_NONE, q.table.id if q.table else ""))
            else:
                self._answer(ctx, "0")
        self._act(ctx, next_step(ctx.progress), Action(Verb.EDIT_FROM_REVIEW, "text.preamble"))
        self._act(ctx, next_step(ctx.progress), Action(Verb.SKIP, "text.preamble"))
        turn.record(session, Reply([self._review(ctx)]))
        return ctx.progress.counted()

    # --- who is who ----------------------------------------------------------------------------
    def membership(self, user_id: int) -> tuple[Member, Agency, int] | None:
        """The member, their agency and the report year they work on; None for a stranger."""
        with self.session() as session:
            if (found := repo.latest_membership(session=session, telegram_user_id=user_id)) is None:
                return None
            member, agency = found
            return member, agency, self.report_year(session, agency)

    def invite(self, *, name: str, level: Level, created_by: int | None) -> tuple[str, Agency]:
        with self.session() as session:
            agency = repo.get_agency_by_name(session=session, name=name)
            if agency is None:
                agency = repo.create_agency(session=session, name=name, level=level, created_at=self.now())
            expires_at = self.now() + self.invite_ttl
            code = repo.create_invite(session=session, agency=agency, created_by=created_by, expires_at=expires_at)
            return code, agency

    def join(self, *, code: str, user_id: int, display_name: str) -> str:
        """Redeem an invite; returns the Chinese message to show."""
        with self.session() as session:
            said = self._join(session, code=code, user_id=user_id, display_name=display_name)
            session.commit()
            return said

    def _join(self, session: Session, *, code: str, user_id: int, display_name: str) -> str:
        """Stage the membership an invite grants (the caller commits); the Chinese message to show."""
        invite = repo.find_invite(session=session, code=code)
        if invite is None:
            return texts.INVITE_INVALID
        agency = session.get_one(Agency, invite.agency_id)
        if repo.get_member(session=session, agency=agency, telegram_user_id=user_id):
            return texts.INVITE_ALREADY.format(agency=agency.name)
        if invite.used_at is not None:
            return texts.INVITE_USED
        if invite.expires_at.replace(tzinfo=invite.expires_at.tzinfo or UTC) < self.now():
            return texts.INVITE_EXPIRED
        if not repo.stage_use_invite(session=session, invite=invite, user_id=user_id):
            return texts.INVITE_USED
        repo.stage_member(session=session, agency=agency, telegram_user_id=user_id, display_name=display_name)
        year = self.report_year(session, agency)
        return texts.WELCOME.format(name=display_name, agency=agency.name, year=year, hint=texts.IMPORT_HINT)

    def start(self, turn: Turn, *, display_name: str, code: str | None) -> Reply | None:
        """/start: join with the invite, if one is given, then greet the member and show the step they stand
        at; all in one transaction with the reply. None for a stranger without a valid invite."""
        with self.session() as session:
            if not turn.claim(session):
                return Reply(handled=False)
            user_id = turn.user_id
            said = [Screen(self._join(session, code=code, user_id=user_id, display_name=display_name))] if code else []
            if (found := repo.latest_membership(session=session, telegram_user_id=user_id)) is None:
                if not said:
                    return None
                reply = Reply(said)
            else:
                member, agency = found
                year = self.report_year(session, agency)
                row = repo.get_or_create_report(session=session, agency=agency, year=year, commit=False)
                if not code:
                    said.append(Screen(texts.WELCOME_BACK.format(name=display_name, agency=agency.name, year=row.year)))
                said.append(self._screen(self._load(session, member, agency, row, turn)))
                reply = Reply(said)
            turn.record(session, reply)
            session.commit()
            return reply

    def respond(self, turn: Turn, reply: Reply) -> Reply:
        """An answer that changes nothing (help, a refusal), stored with the update's claim in one transaction."""
        with self.session() as session:
            if not turn.claim(session):
                return Reply(handled=False)
            turn.record(session, reply)
            session.commit()
            return reply

    # --- loading -------------------------------------------------------------------------------
    def _member_context(self, session: Session, user_id: int, turn: Turn | None = None) -> Context | None:
        if (found := repo.latest_membership(session=session, telegram_user_id=user_id)) is None:
            return None
        member, agency = found
        year = self.report_year(session, agency)
        row = repo.get_or_create_report(session=session, agency=agency, year=year, commit=False)
        return self._load(session, member, agency, row, turn)

    @contextmanager
    def _context(self, user_id: int) -> Iterator[Context | None]:
        with self.session() as session:
            yield self._member_context(session, user_id)

    def _load(
        self, session: Session, member: Member, agency: Agency, row: ReportRow, turn: Turn | None = None
    ) -> Context:
        report, skipped, drafts = repo.load_state(session=session, agency=agency, report=row, member=member)
        progress = Progress(report=report, skipped=skipped, drafts=drafts, editing=member.editing)
        return Context(session, member, agency, row, progress, turn)

    # --- the walk ------------------------------------------------------------------------------
    def show(self, turn: Turn, *said: Screen) -> Reply | None:
        """The screen of the step the member stands at, after ``said`` (None for a stranger)."""
        return self._update(turn, lambda ctx: Reply([*said, self._screen(ctx)]), when_final=True)

    def _screen(self, ctx: Context) -> Screen:
        if ctx.member.return_to == REVIEW and not ctx.member.editing:
            return self._review(ctx)
        return screens.step_screen(next_step(ctx.progress), ctx.progress, ctx.last_year)

    def _after_change(self, ctx: Context, ack: str, **fields: object) -> Reply:
        """The acknowledgement with the progress, and the next step (or the review to return to).

        Only ``_update`` commits, before the handler sends this reply: "已保存" is never ahead of the database.
        """
        done, total = ctx.progress.counted()
        return Reply([self._screen(ctx).after(ack.format(done=done, total=total, **fields))])

    def _show(self, ctx: Context) -> Reply:
        """Where the member now stands, after a change of place (no answer changed)."""
        return Reply([self._screen(ctx)])

    def _finish(self, ctx: Context, *answered: Question) -> None:
        """The questions are answered: none is skipped any more, and the member's detour (if any) ends.
        One statement for all of them, however many rows a tap filled."""
        ids = [q.id for q in answered]
        ids += sorted({FIX_PREFIX + q.table.id for q in answered if q.table is not None})  # checked afresh
        ctx.unskip(ids)
        if ctx.member.editing in ids:
            ctx.set_cursor(None, ctx.member.return_to)
        elif ctx.member.return_to != REVIEW and (ctx.member.editing, ctx.member.return_to) != (None, None):
            ctx.set_cursor(None)

    def _store_rows(self, ctx: Context, table: Table, rows: dict[str, RowValue]) -> None:
        """Input rows with their totals, and the table's computed rows recalculated: all stored together."""
        full = {key: complete_row(table, inputs) for key, inputs in rows.items()}
        totals = with_totals(replace(ctx.report, values={**ctx.report.values, **full}))
        computed = {r.key: totals.row(r.key) for r in table.rows if r.computed and totals.row(r.key) is not None}
        ctx.set_values({**full, **computed})  # type: ignore[dict-item]

    def _update(self, turn: Turn, body: Callable[[Context], Reply], *, when_final: bool = False) -> Reply | None:
        """One update in one transaction: the update is claimed first (a repeated one changes nothing and
        gets nothing), then ``body`` acts, and the change, the claim and the reply are committed together.
        A stranger gets None (nothing committed); a final report no change (unless ``when_final``)."""
        with self.session() as session:
            if not turn.claim(session):
                return Reply(handled=False)
            ctx = self._member_context(session, turn.user_id, turn)
            if ctx is None:
                return None
            reply = self._read_only(ctx) if ctx.final and not when_final else body(ctx)
            turn.record(session, reply)
            ctx.commit()
            return reply

    def answer_text(self, turn: Turn, text: str) -> Reply | None:
        """A typed message: the answer to the question the member was shown."""
        return self._update(turn, lambda ctx: self._answer(ctx, text))

    def _answer(self, ctx: Context, text: str) -> Reply:
        """A typed answer belongs to the question the member was shown last, wherever the report stands now
        (a colleague may have moved it on); when that is not known, to the current question."""
        step = next_step(ctx.progress)
        current = step.question if isinstance(step, Ask) else None
        seen = ctx.seen()
        if seen is not None and seen.asks == "" and current is not None:
            return Reply([self._screen(ctx).after(texts.ANSWER_UNSEEN)])  # typed before the question was shown
        if seen is not None and seen.maybe:  # a newer question may have reached the member unbeknown to the bot
            shown = question(ctx.report.format, seen.asks) if seen.asks else None
            newer = question(ctx.report.format, seen.maybe)
            if shown is not None and newer is not None:
                ctx.hold(json.dumps({"q": "", "text": text}, ensure_ascii=False))
                return Reply([self._which_screen(text, shown, newer)])
            seen = replace(seen, asks=seen.maybe) if newer is not None else seen
        target = question(ctx.report.format, seen.asks) if seen is not None and seen.asks else current
        if target is None:
            return Reply([Screen(texts.NOT_A_QUESTION), self._screen(ctx)])
        return self._answer_to(ctx, target, text, seen)

    def _asked(self, ctx: Context, q: Question) -> Screen:
        """The screen that asks ``q`` (the current step's, or that question's again)."""
        step = next_step(ctx.progress)
        if not (isinstance(step, Ask) and step.question is q):
            step = Ask(q, ctx.progress.drafts.get(q.id))
        return screens.step_screen(step, ctx.progress, ctx.last_year)

    def _answer_to(self, ctx: Context, q: Question, text: str, seen: Seen | None) -> Reply:
        if q.kind is Kind.PROSE:
            return self._prose_chunk(ctx, q, ctx.progress.drafts.get(q.id), text)
        if q.kind is Kind.GATE:
            answer = text.strip().strip("。.!！")
            none = answer in ("没有", "无", "否", "0")
            if not none and answer not in ("有", "是"):
                return Reply([self._asked(ctx, q)])
            if ctx.progress.answered(q):  # a colleague began the table meanwhile: nothing is overwritten
                return Reply([self._screen(ctx).after(texts.GATE_TAKEN)])
            return self._gate(ctx, q, none=none)
        assert q.table is not None and q.row is not None
        parsed = parse_numbers(text, q.count, q.table.number)
        if isinstance(parsed, ParseError):
            error = texts.ROW_ERROR.format(reason=parsed.message, hint=screens.row_hint(q))
            return Reply([self._asked(ctx, q).after(error)])
        name = screens.row_name(q.row)
        stored = ctx.report.row(q.id)
        if stored is not None and tuple(stored[i] for i in q.table.input_columns) == parsed:
            if q.id not in ctx.progress.skipped and ctx.member.editing != q.id:
                return Reply(
                    [self._screen(ctx).after(texts.SAVED_SAME.format(name=name, values=screens.values_text(parsed)))]
                )
        elif stored is not None and (conflict := self._conflict(ctx, q, seen)) is not None:
            ctx.hold(json.dumps({"q": q.id, "text": text}, ensure_ascii=False))
            who, at = conflict
            theirs = screens.values_text(tuple(stored[i] for i in q.table.input_columns))
            return Reply([self._conflict_screen(q, who, at, theirs, screens.values_text(parsed))])
        return self._store_answer(ctx, q, parsed)

    def _store_answer(self, ctx: Context, q: Question, parsed: RowValue) -> Reply:
        assert q.table is not None
        if ctx.member.held_answer:
            ctx.hold(None)
        self._store_rows(ctx, q.table, {q.id: parsed})
        self._finish(ctx, q)
        name = self._name(q)  # short: the row's own label
        if q.count > 1 and any(c.sums for c in q.table.columns):
            row_total = format_number(complete_row(q.table, parsed)[-1])
            return self._after_change(
                ctx, texts.SAVED_ROW, name=name, values=screens.values_text(parsed), row_total=row_total
            )
        return self._after_change(
            ctx, texts.SAVED_VALUES, name=name, values=screens.values_text(parsed)
        )  # as it was read

    def _conflict(self, ctx: Context, q: Question, seen: Seen | None) -> tuple[str, datetime] | None:
        """A colleague's answer given after the member was shown the question: who and when; else None."""
        if seen is None:
            return None
        found = repo.answered(session=ctx.session, report=ctx.row, field_key=q.id)
        if found is None:
            return None
        by, at, name = found
        if by is None or by == ctx.member.telegram_user_id or at <= seen.at:
            return None
        return name or str(by), at

    def _conflict_screen(self, q: Question, who: str, at: datetime, theirs: str, mine: str) -> Screen:
        when = at.astimezone(self.zone).strftime("%m-%d %H:%M")
        text = texts.CONFLICT.format(name=self._name(q), who=who, when=when, theirs=theirs, mine=mine)
        buttons = [
            [
                (texts.BUTTON_KEEP.format(value=theirs)[:40], Action(Verb.KEEP, q.id).encode()),
                (texts.BUTTON_OVERWRITE.format(value=mine)[:40], Action(Verb.OVERWRITE, q.id).encode()),
            ]
        ]
        return Screen(text, buttons, asks=q.id)

    def _which_screen(self, text: str, *asked: Question) -> Screen:
        """Ask which question an answer was for, when a message may have been sent twice (a crash or a
        time-out right after Telegram took it) and the member may have seen either question."""
        excerpt = text if len(text) <= 30 else text[:30] + "…"
        buttons = [[(self._name(q)[:40], Action(Verb.ANSWER_FOR, q.id).encode())] for q in asked]
        return Screen(texts.WHICH_QUESTION.format(text=excerpt), buttons)

    @staticmethod
    def _name(q: Question) -> str:
        return screens.row_name(q.row) if q.row else screens.question_name(q)

    def _held(self, ctx: Context, verb: Verb, arg: str) -> Reply:
        """The member's choice between a colleague's answer and their own, or of the question an answer
        was for."""
        held = json.loads(ctx.member.held_answer) if ctx.member.held_answer else {}
        q = question(ctx.report.format, arg)
        if q is None:
            return self._stale(ctx)
        if verb is Verb.ANSWER_FOR:
            if "text" not in held:
                return self._stale(ctx)
            ctx.hold(None)
            return self._answer_to(ctx, q, held["text"], None)
        if q.kind is Kind.PROSE:
            draft = ctx.progress.drafts.get(q.id)
            if draft is None:
                return self._stale(ctx)
            if verb is Verb.KEEP:
                ctx.drop_draft(q.id)
                return Reply([self._screen(ctx).after(texts.KEPT_PROSE.format(name=screens.question_name(q)))])
            return self._save_prose(ctx, q, draft, texts.SAVED_PROSE)
        if held.get("q") != q.id or q.table is None:
            return self._stale(ctx)
        ctx.hold(None)
        if verb is Verb.KEEP:
            return Reply([self._screen(ctx).after(texts.KEPT.format(name=screens.question_name(q)))])
        parsed = parse_numbers(held["text"], q.count, q.table.number)
        if isinstance(parsed, ParseError):
            return self._stale(ctx)
        return self._store_answer(ctx, q, parsed)

    def _prose_chunk(self, ctx: Context, q: Question, draft: str | None, text: str) -> Reply:
        assert q.prose is not None
        text = text.strip()
        if not text:
            return Reply([Screen(texts.PROSE_EMPTY)])
        done = [[(texts.BUTTON_DONE, Action(Verb.DONE, q.id).encode())]]
        if draft and (draft == text or draft.endswith("\n" + text)):  # the same paragraph sent again
            return Reply([Screen(texts.PROSE_REPEATED.format(chars=len(draft)), done, asks=q.id)])
        combined = f"{draft}\n{text}" if draft else text
        if len(combined) > screens.MAX_PROSE:
            limit = screens.MAX_PROSE
            return Reply([Screen(texts.PROSE_TOO_LONG.format(chars=len(combined), limit=limit), done, asks=q.id)])
        ctx.set_draft(q.id, combined)
        return Reply([Screen(texts.PROSE_DRAFT.format(chars=len(combined)), done, asks=q.id)])

    def replace_draft(self, turn: Turn, text: str) -> Reply | None:
        """An uploaded file becomes the whole draft of the prose part being asked."""
        return self._update(turn, lambda ctx: self._upload(ctx, text))

    def _upload(self, ctx: Context, text: str) -> Reply:
        step = next_step(ctx.progress)
        seen = ctx.seen()
        q = question(ctx.report.format, seen.asks) if seen and seen.asks else None
        if q is None and seen is None and isinstance(step, Ask):
            q = step.question
        if q is None or q.kind is not Kind.PROSE:
            return Reply([Screen(texts.UPLOAD_NOT_NOW), self._screen(ctx)])
        return self._prose_chunk(ctx, q, None, text)

    def _gate(self, ctx: Context, q: Question, *, none: bool) -> Reply:
        assert q.table is not None
        rows = [r for r in questions(ctx.report.format) if r.table is q.table and r.kind is Kind.ROW]
        if not none:
            ctx.set_cursor(rows[0].id, ctx.member.return_to)
            return self._show(ctx)
        self._store_rows(ctx, q.table, {r.id: (0,) * r.count for r in rows})
        self._finish(ctx, *rows)
        return self._after_change(ctx, texts.SAVED_GATE_NONE, table=q.table.name)

    def act(self, turn: Turn, action: Action) -> Reply | None:
        """A button tap. Buttons naming another question than the current one are stale."""
        looking = action.verb in (Verb.REVIEW, Verb.STATUS)
        return self._update(turn, lambda ctx: self._act(ctx, next_step(ctx.progress), action), when_final=looking)

    def _read_only(self, ctx: Context) -> Reply:
        return Reply([Screen(texts.FINAL_READONLY.format(date=_cn_date(ctx.row.date)))])

    def _stale(self, ctx: Context) -> Reply:
        return Reply([Screen(texts.STALE), self._screen(ctx)])

    def _act(self, ctx: Context, step: Step, action: Action) -> Reply:
        verb, arg = action.verb, action.arg
        if verb is Verb.CONTINUE:
            ctx.set_cursor(None)
            return self._show(ctx)
        if verb is Verb.REVIEW:
            return Reply([self._review(ctx, section=arg or None)])
        if verb is Verb.STATUS:
            return Reply([self._status(ctx)])
        if verb in (Verb.KEEP, Verb.OVERWRITE, Verb.ANSWER_FOR):
            return self._held(ctx, verb, arg)
        if verb in (Verb.IMPORT_CONFIRM, Verb.IMPORT_CANCEL):
            return self._import_decision(ctx, verb, arg)
        if verb in (Verb.EDIT, Verb.EDIT_FROM_REVIEW):
            if question(ctx.report.format, arg) is None:
                return self._stale(ctx)
            back = REVIEW if verb is Verb.EDIT_FROM_REVIEW else None
            ctx.set_cursor(arg, back)
            return self._show(ctx)
        if isinstance(step, Fix):
            if arg != step.table.id or verb not in (Verb.FIX_LATER, Verb.FIX_RESULTS):
                return self._stale(ctx)
            if verb is Verb.FIX_RESULTS:
                return Reply([screens.results_screen(step.table)])
            ctx.skip(FIX_PREFIX + step.table.id)
            return self._after_change(ctx, texts.SKIPPED, name=step.table.name)
        if not isinstance(step, Ask):
            return self._stale(ctx)
        q = step.question
        if verb in (Verb.GATE_NONE, Verb.GATE_SOME):
            if q.kind is not Kind.GATE or q.table is None or arg != q.table.id:
                return self._stale(ctx)
            return self._gate(ctx, q, none=verb is Verb.GATE_NONE)
        if arg != q.id:
            return self._stale(ctx)
        if verb is Verb.BACK:
            previous = screens.previous_question(ctx.progress, q)
            ctx.set_cursor(previous.id if previous else None)
            return self._show(ctx)
        if verb is Verb.SKIP:
            if q.kind is Kind.GATE:
                return self._stale(ctx)
            ctx.skip(q.id)
            if ctx.member.editing == q.id:
                ctx.set_cursor(None, ctx.member.return_to)
            return self._after_change(ctx, texts.SKIPPED, name=screens.question_name(q))
        if q.kind is Kind.PROSE:
            return self._prose_action(ctx, q, step, verb)
        assert q.table is not None and q.row is not None
        if verb in (Verb.ZERO, Verb.ZERO_ONE):
            rows = q.zero_rows if verb is Verb.ZERO else (q.row,)
            self._store_rows(ctx, q.table, {r.key: (0,) * q.count for r in rows})
            self._finish(ctx, *(question(ctx.report.format, r.key) for r in rows))  # type: ignore[misc]
            names = (
                "、".join(screens.row_name(r) for r in rows)
                if len(rows) <= 2
                else f"{rows[0].groups[-1] if rows[0].groups else q.table.caption}"
            )
            return self._after_change(ctx, texts.SAVED_ZERO, rows=names)
        if verb is Verb.REUSE and (carried := screens.carried_forward_last_year(ctx.last_year, q)) is not None:
            return self._store_answer(ctx, q, tuple(carried[i] for i in q.table.input_columns))
        return self._stale(ctx)

    def _prose_action(self, ctx: Context, q: Question, step: Ask, verb: Verb) -> Reply:
        assert q.prose is not None
        if verb is Verb.DONE and step.draft:
            found = repo.answered(session=ctx.session, report=ctx.row, field_key=q.id)
            seen = ctx.seen()
            if found and seen and found[0] not in (None, ctx.member.telegram_user_id) and found[1] > seen.at:
                who, at = found[2] or str(found[0]), found[1]
                theirs = texts.CHARS.format(chars=len(ctx.report.text(q.id) or ""))
                mine = texts.CHARS.format(chars=len(step.draft))
                return Reply([self._conflict_screen(q, who, at, theirs, mine)])
            return self._save_prose(ctx, q, step.draft, texts.SAVED_PROSE)
        if verb is Verb.REUSE and ctx.last_year and (old := ctx.last_year.text(q.id)):
            return self._save_prose(ctx, q, old, texts.PROSE_REUSED + "\n" + texts.SAVED_PROSE)
        if verb is Verb.STANDARD and q.id == "text.preamble":
            return self._save_prose(ctx, q, texts.STANDARD_PREAMBLE.format(year=ctx.report.year), texts.SAVED_PROSE)
        return self._stale(ctx)

    def _save_prose(self, ctx: Context, q: Question, text: str, ack: str) -> Reply:
        assert q.prose is not None
        ctx.set_text(q.id, text)
        if q.id in ctx.progress.drafts:
            ctx.drop_draft(q.id)
        self._finish(ctx, q)
        copied = copied_from_last_year(ctx.report, ctx.last_year) if q.id in COPY_CHECKED else []
        ack += "".join(f"\n⚠️ {f.message}" for f in copied if q.id in f.places)
        return self._after_change(ctx, ack, name=q.prose.name, chars=len(text))

    # --- overviews -----------------------------------------------------------------------------
    def status(self, turn: Turn) -> Reply | None:
        """/status: a progress bar per section."""
        return self._update(turn, lambda ctx: Reply([self._status(ctx)]), when_final=True)

    def _status(self, ctx: Context) -> Screen:
        done, total = ctx.progress.counted()
        lines = [texts.STATUS_HEAD.format(agency=ctx.agency.name, year=ctx.report.year, done=done, total=total)]
        for section, answered, count in ctx.progress.by_section():
            name = section.heading or section.prose[0].name
            bar = "▓" * round(8 * answered / count) + "░" * (8 - round(8 * answered / count))
            lines.append(texts.STATUS_LINE.format(bar=bar, section=name, done=answered, total=count))
        open_skips = [q for q in ctx.progress.open_questions() if q.id in ctx.progress.skipped]
        if open_skips:
            lines.append(texts.STATUS_SKIPPED.format(count=len(open_skips)))
        buttons = [
            [
                (texts.BUTTON_CONTINUE, Action(Verb.CONTINUE).encode()),
                (texts.BUTTON_REVIEW, Action(Verb.REVIEW).encode()),
            ]
        ]
        return Screen("\n".join(lines), buttons)

    def review(self, turn: Turn) -> Reply | None:
        """/review: the report at a glance, each section with a 修改 button."""

        def body(ctx: Context) -> Reply:
            ctx.set_cursor(None)
            return Reply([self._review(ctx)])

        return self._update(turn, body, when_final=True)

    def _review(self, ctx: Context, section: str | None = None) -> Screen:
        return screens.review_screen(ctx.progress, section)

    # --- importing a published report --------------------------------------------------------
    def stage_import(self, turn: Turn, filename: str, imported: Imported) -> Reply | None:
        """Show what an uploaded report holds and ask to confirm; only the pending import is stored."""
        return self._update(turn, lambda ctx: self._stage_import(ctx, filename, imported))

    def _stage_import(self, ctx: Context, filename: str, imported: Imported) -> Reply:
        year, this = imported.report.year, ctx.row.year
        if year not in (this, this - 1):
            return Reply([Screen(texts.IMPORT_WRONG_YEAR.format(year=year, last=this - 1, this=this))])
        report = replace(imported.report, agency=ctx.agency.name, level=ctx.agency.level)
        pending = repo.stage_pending_import(
            session=ctx.session, member=ctx.member, filename=filename, data_json=datafile.dumps(report)
        )
        overwrites = [] if year != this else [k for k, v in report.values.items() if ctx.report.values.get(k, v) != v]
        screen = screens.import_screen(imported, ctx.agency.name, this, overwrites, pending.id)  # type: ignore[arg-type]
        return Reply([screen])

    def _import_decision(self, ctx: Context, verb: Verb, arg: str) -> Reply:
        pending = repo.take_pending_import(
            session=ctx.session, member=ctx.member, pending_id=int(arg) if arg.isdigit() else 0
        )
        if pending is None:
            return Reply([Screen(texts.IMPORT_GONE)])
        if verb is Verb.IMPORT_CANCEL:
            return Reply([Screen(texts.IMPORT_CANCELLED)])
        report = datafile.loads(pending.data_json)
        if report.year == ctx.row.year:
            values = {k: v for k, v in report.values.items() if k in ctx.report.format.field_keys}
            ctx.set_values(values)
            return self._after_change(ctx, texts.IMPORT_DONE_THIS, count=len(values))
        repo.store_report(session=ctx.session, agency=ctx.agency, report=report, by=ctx.member.telegram_user_id)
        ctx.__dict__.pop("last_year", None)  # read again: the screens below offer from the report just stored
        return self._after_change(ctx, texts.IMPORT_DONE_LAST, year=report.year)

    # --- reminder settings ---------------------------------------------------------------------
    def remind(self, turn: Turn, arg: str, default_time: str) -> Reply | None:
        """/remind on|off|HH:MM for this member (in every agency they belong to)."""
        with self.session() as session:
            if not turn.claim(session):
                return Reply(handled=False)
            members = repo.memberships(session=session, telegram_user_id=turn.user_id)
            if not members:
                return None
            arg = arg.strip().lower().replace("：", ":")
            for member in members:
                if arg in ("on", "off"):
                    member.reminders_on = arg == "on"
                elif TIME_OF_DAY.fullmatch(arg):
                    hours, minutes = arg.split(":")
                    member.remind_at, member.reminders_on = f"{int(hours):02d}:{minutes}", True
                session.add(member)
            member = members[-1]
            time = member.remind_at or default_time
            if arg == "off":
                screen = Screen(texts.REMIND_OFF)
            elif arg == "on":
                screen = Screen(texts.REMIND_ON.format(time=time))
            elif TIME_OF_DAY.fullmatch(arg):
                screen = Screen(texts.REMIND_TIME.format(time=time))
            else:
                screen = Screen(texts.REMIND_USAGE.format(state=texts.REMIND_STATE[member.reminders_on], time=time))
            reply = Reply([screen])
            turn.record(session, reply)
            session.commit()
            return reply

    # --- the report ----------------------------------------------------------------------------
    def report(self, turn: Turn, kind: str) -> Reply | None:
        """/report: the errors to fix, or that the files are on their way (they are made after the reply)."""

        def body(ctx: Context) -> Reply:
            current = self._dated(ctx)
            if kind == "preview":
                return Reply([screens.preview_screen(current)])
            findings = check(current, ctx.last_year)
            if errors(findings) and kind != "draft":
                return Reply([screens.report_errors_screen(current, findings)])
            return Reply([screens.report_ready_screen(findings)], files=kind)

        return self._update(turn, body, when_final=True)

    def _dated(self, ctx: Context) -> Report:
        report = with_totals(ctx.report)
        if report.date is None:  # a draft is dated the day it is printed; /finalize fixes the date
            report = replace(report, date=self.today())
        return report

    def report_data(self, user_id: int) -> tuple[Report, Report | None] | None:
        """The report as it stands (totals computed, dated today if undated) and last year's."""
        with self._context(user_id) as ctx:
            return None if ctx is None else (self._dated(ctx), ctx.last_year)

    def finalize(self, turn: Turn) -> Reply | None:
        """Mark the report final (no errors allowed), dated today; reminders stop."""

        def body(ctx: Context) -> Reply:
            if ctx.final:
                return Reply([Screen(texts.FINALIZE_ALREADY.format(date=_cn_date(ctx.row.date)))])
            report = replace(with_totals(ctx.report), date=self.today())
            errs = errors(check(report, ctx.last_year))
            if errs:
                return Reply([screens.finalize_blocked_screen(report, errs)])
            ctx.row.status, ctx.row.date = ReportStatus.FINAL, report.date
            repo.stage_event(session=ctx.session, report=ctx.row, kind="finalize", by=turn.user_id)
            ctx.session.add(ctx.row)
            return Reply([Screen(texts.FINALIZED.format(date=_cn_date(report.date)))])

        return self._update(turn, body, when_final=True)

    def reopen(self, turn: Turn) -> Reply | None:
        """Make a final report editable again; recorded with who and when."""

        def body(ctx: Context) -> Reply:
            if not ctx.final:
                return Reply([Screen(texts.REOPEN_NOT_FINAL)])
            ctx.row.status = ReportStatus.DRAFT
            repo.stage_event(session=ctx.session, report=ctx.row, kind="reopen", by=turn.user_id)
            ctx.session.add(ctx.row)
            return Reply([Screen(texts.REOPENED)])

        return self._update(turn, body, when_final=True)


def _cn_date(day: date | None) -> str:
    return texts.DATE_CN.format(d=day) if day else ""


TIME_OF_DAY = re.compile(r"([01]?\d|2[0-3]):[0-5]\d")
FILENAME_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def report_filename(report: Report, suffix: str) -> str:
    name = texts.REPORT_FILE.format(agency=report.agency, year=report.year, suffix=suffix)
    return FILENAME_UNSAFE.sub("_", name)
