"""The walk against the database: each call is one transaction that loads, decides, stores, commits.

Handlers call these methods with plain values (user id, update id, text, action) and get screens
back. Every change is committed before the method returns, so the reply the handler then sends
("已保存") is never ahead of the database. A repeated update id is recognised and changes nothing.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session

from bot import texts
from bot.chat import review, screens
from bot.chat.actions import Action, Verb
from bot.chat.answers import Answers
from bot.chat.context import Context
from bot.chat.screens import Reply, Screen
from bot.delivery.turn import Turn
from bot.engine.parse import parse_date
from bot.engine.questions import (
    FIX_PREFIX,
    GATED_TABLES,
    Ask,
    Fix,
    Kind,
    Progress,
    Question,
    Step,
    named,
    next_step,
    question,
    questions,
    unbalanced,
)
from bot.importer import Imported
from bot.report import datafile
from bot.report.checks import COPY_CHECKED, check, copied_from_last_year, errors
from bot.report.drafts import DRAFTED, disagreements, draft, stale_marks
from bot.report.model import Report, RowValue, complete_row, with_totals
from bot.schema import CURRENT, Level, Table
from storage import mailbox, repo
from storage.models import Agency, Member, ReportRow, ReportStatus

REVIEW = "review"  # the member's cursor returns to the review (review:<section> to that section's)
BACK = "back"  # the member stepped back with 上一步: 保留 steps forward again


def returns_to_review(return_to: str | None) -> bool:
    return return_to is not None and return_to.startswith(REVIEW)


PENDING_IMPORT_KEPT = timedelta(days=7)


Deadlines = dict[Level, tuple[int, int]]  # (month, day) in the year after the report year


def due_year(today: date, level: Level, deadlines: Deadlines = CURRENT.deadlines) -> int:
    """The report year due next: last year's until its deadline has passed, then this year's."""
    return today.year - 1 if today <= date(today.year, *deadlines[level]) else today.year


class Walk(Answers):
    """The walk against the database: one method per kind of update, each one transaction."""

    def __init__(
        self,
        engine: Engine,
        *,
        timezone: str = "Asia/Shanghai",
        invite_ttl_days: int = 14,
        deadlines: Deadlines = CURRENT.deadlines,
        clock: Callable[[], datetime] | None = None,
        admins: tuple[int, ...] = (),
    ) -> None:
        self.engine = engine
        self.admins = admins  # the supervising office (BOT_ADMINS): reviewers of every agency's report
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

    def start(self, turn: Turn, *, display_name: str, code: str | None, note: str | None = None) -> Reply | None:
        """/start: join with the invite, if one is given, then greet the member and show the step they stand
        at; all in one transaction with the reply. ``note`` (an admin's) follows the greeting. None for a
        stranger without a valid invite."""
        with self.session() as session:
            if not turn.claim(session):
                return Reply(handled=False)
            user_id = turn.user_id
            said = [Screen(self._join(session, code=code, user_id=user_id, display_name=display_name))] if code else []
            if (found := repo.latest_membership(session=session, telegram_user_id=user_id)) is None:
                if not said:
                    return None
                reply = Reply(said + ([Screen(note)] if note else []))
            else:
                member, agency = found
                year = self.report_year(session, agency)
                row = repo.get_or_create_report(session=session, agency=agency, year=year, commit=False)
                if not code:
                    said.append(Screen(texts.WELCOME_BACK.format(name=display_name, agency=agency.name, year=row.year)))
                if note:
                    said.append(Screen(note))
                said.append(self._screen(self._load(session, member, agency, row, turn)))
                reply = Reply(said)
            turn.record(session, reply)
            session.commit()
            return reply

    def blocked(self, user_id: int) -> None:
        """Telegram refused a reply with 403: the member blocked the bot; reminders skip them until they write."""
        with self.session() as session:
            repo.stage_blocked(session=session, telegram_user_id=user_id, at=self.now())
            session.commit()

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
        if returns_to_review(ctx.member.return_to) and not ctx.member.editing:
            section = (ctx.member.return_to or "").partition(":")[2]
            return self._review(ctx, section=section or None)
        screen = screens.step_screen(next_step(ctx.progress), ctx.progress, ctx.last_year)
        return review.with_comments(screen, ctx.comments, ctx.report.format, self.zone)

    def _after_change(self, ctx: Context, ack: str, **fields: object) -> Reply:
        """The acknowledgement with the progress, and the next step (or the review to return to).

        Only ``_update`` commits, before the handler sends this reply: "已保存" is never ahead of the database.
        """
        done, total = ctx.progress.counted()
        said = "\n".join([ack.format(done=done, total=total, **fields), *ctx.notes])
        if ctx.offers:  # the acknowledgement with what it brought about, then where the walk goes on
            first = ctx.offers[0].after(said)
            return Reply([first, *ctx.offers[1:], self._screen(ctx)])
        return Reply([self._screen(ctx).after(said)])

    def _show(self, ctx: Context) -> Reply:
        """Where the member now stands, after a change of place (no answer changed)."""
        return Reply([self._screen(ctx)])

    def _finish(self, ctx: Context, *answered: Question) -> None:
        """The questions are answered: none is skipped any more, and the member's detour (if any) ends.
        One statement for all of them, however many rows a tap filled."""
        ids = [q.id for q in answered]
        ids += sorted({FIX_PREFIX + q.table.id for q in answered if q.table is not None})  # checked afresh
        ctx.unskip(ids)
        back_to = ctx.member.return_to if returns_to_review(ctx.member.return_to) else None
        if ctx.member.editing in ids:
            ctx.set_cursor(None, back_to)
        elif back_to is None and (ctx.member.editing, ctx.member.return_to) != (None, None):
            ctx.set_cursor(None)

    def _store_rows(self, ctx: Context, table: Table, rows: dict[str, RowValue]) -> None:
        """Input rows with their totals, and the table's computed rows recalculated: all stored together."""
        was_off, before = unbalanced(ctx.progress, table), ctx.report
        full = {key: complete_row(table, inputs) for key, inputs in rows.items()}
        totals = with_totals(replace(ctx.report, values={**ctx.report.values, **full}))
        computed = {r.key: totals.row(r.key) for r in table.rows if r.computed and totals.row(r.key) is not None}
        ctx.set_values({**full, **computed})  # type: ignore[dict-item]
        if was_off and not unbalanced(ctx.progress, table):
            ctx.notes.append(texts.BALANCED.format(table=table.name))
        if table.id in GATED_TABLES:  # the tables the drafted parts retell (三 and 四)
            self._check_drafted(ctx, before)

    def _check_drafted(self, ctx: Context, before: Report) -> None:
        """A saved text that retells the tables and now disagrees with them (a number was changed after it
        was written): the member is told, with a button to the part, where the new draft is offered."""
        for key in DRAFTED:
            text = ctx.report.text(key)
            if not text or not (now := disagreements(text, ctx.report, key)):
                continue
            new = [f for f in now if f.message not in {b.message for b in disagreements(text, before, key)}]
            if not new:
                continue
            q = question(ctx.report.format, key)
            assert q is not None and q.prose is not None
            listed = "\n".join(f"• {f.message}" for f in now)
            button = (texts.BUTTON_SEE_DRAFT.format(name=q.prose.name), Action(Verb.EDIT, key).encode())
            ctx.offers.append(Screen(texts.DRAFT_DISAGREES.format(name=q.prose.name, findings=listed), [[button]]))

    def _update(
        self,
        turn: Turn,
        body: Callable[[Context], Reply],
        *,
        when_final: bool = False,
        first: Callable[[Session], Reply | None] | None = None,
    ) -> Reply | None:
        """One update in one transaction: the update is claimed first (a repeated one changes nothing and
        gets nothing), then ``body`` acts, and the change, the claim and the reply are committed together.
        A stranger gets None (nothing committed); a final or submitted report no change (unless
        ``when_final``). ``first`` may take the update before the walk does (a reviewer's comment)."""
        with self.session() as session:
            if not turn.claim(session):
                return Reply(handled=False)
            if first is not None and (taken := first(session)) is not None:
                turn.record(session, taken)
                session.commit()
                return taken
            ctx = self._member_context(session, turn.user_id, turn)
            if ctx is None:
                return None
            if ctx.member.blocked_at is not None:  # writing again: they unblocked the bot, remind them again
                repo.stage_blocked(session=session, telegram_user_id=turn.user_id, at=None)
                ctx.member.blocked_at = None
            reply = self._read_only(ctx) if (ctx.final or ctx.submitted) and not when_final else body(ctx)
            turn.record(session, reply)
            ctx.commit()
            return reply

    def transact(self, turn: Turn, body: Callable[[Session], Reply | None]) -> Reply | None:
        """One update in one transaction for a body that needs only the session (the admins', reviewers' and
        roll-up commands): claimed first, then the change and its reply committed together; None (nothing
        committed) when the body found a stranger."""
        with self.session() as session:
            if not turn.claim(session):
                return Reply(handled=False)
            reply = body(session)
            if reply is None:
                return None
            turn.record(session, reply)
            session.commit()
            return reply

    def answer_text(self, turn: Turn, text: str) -> Reply | None:
        """A typed message: the answer to the question the member was shown (or a reviewer's comments)."""
        comment = lambda session: review.comment_text(session, turn, text, self.now())  # noqa: E731
        return self._update(turn, lambda ctx: self._answer(ctx, text), first=comment)

    def replace_draft(self, turn: Turn, text: str) -> Reply | None:
        """An uploaded file becomes the whole draft of the prose part being asked."""
        return self._update(turn, lambda ctx: self._upload(ctx, text))

    def act(self, turn: Turn, action: Action) -> Reply | None:
        """A button tap. Buttons naming another question than the current one are stale."""
        looking = action.verb in (Verb.REVIEW, Verb.STATUS, Verb.HISTORY)
        return self._update(turn, lambda ctx: self._act(ctx, next_step(ctx.progress), action), when_final=looking)

    def _read_only(self, ctx: Context) -> Reply:
        if ctx.submitted:
            return Reply([Screen(texts.SUBMITTED_READONLY)])
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
        if verb is Verb.HISTORY:
            q = question(ctx.report.format, arg)
            return Reply([self._changes(ctx, q)]) if q is not None and q.kind is not Kind.GATE else self._stale(ctx)
        if verb in (Verb.KEEP, Verb.OVERWRITE, Verb.ANSWER_FOR):
            return self._held(ctx, verb, arg)
        if verb in (Verb.IMPORT_CONFIRM, Verb.IMPORT_CANCEL):
            return self._import_decision(ctx, verb, arg)
        if verb is Verb.IMPORT_YEAR:
            return self._import_year(ctx, arg)
        if verb in (Verb.EDIT, Verb.EDIT_FROM_REVIEW):
            if question(ctx.report.format, arg) is None:
                return self._stale(ctx)
            target = question(ctx.report.format, arg)
            back = f"{REVIEW}:{target.section.number}" if verb is Verb.EDIT_FROM_REVIEW else None  # type: ignore[union-attr]
            ctx.set_cursor(arg, back)
            return self._show(ctx)
        if verb is Verb.FULL_TEXT:
            return self._full_text(ctx, arg)
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
            back_to = ctx.member.return_to if returns_to_review(ctx.member.return_to) else BACK
            ctx.set_cursor(previous.id if previous else None, back_to if previous else None)
            return self._show(ctx)
        if verb is Verb.KEEP_STORED or (verb is Verb.SKIP and ctx.progress.answered(q)):
            return self._keep_stored(ctx, q)  # an old 跳过 on an answered question keeps it too
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

    def _full_text(self, ctx: Context, key: str) -> Reply:
        """修改 on a written part: its whole text to copy and change; what the member sends next replaces it."""
        q = question(ctx.report.format, key)
        stored = ctx.report.text(key) if q is not None and q.prose is not None else None
        if not stored or q is None or q.prose is None:
            return self._stale(ctx)
        if ctx.member.editing != key:
            back = ctx.member.return_to if returns_to_review(ctx.member.return_to) else BACK
            ctx.set_cursor(key, back)
        head = texts.FULL_TEXT_HEAD.format(name=q.prose.name, chars=len(stored))
        keep = [[(texts.BUTTON_KEEP_STORED, Action(Verb.KEEP_STORED, key).encode())]]
        return Reply([Screen(head), Screen(stored, keep, asks=key)])

    def _keep_stored(self, ctx: Context, q: Question) -> Reply:
        """保留: what is stored stays. After 上一步 the walk steps forward one question (to the next answered
        one, or to where the walk stands); after 修改 it returns where the member came from."""
        if not ctx.progress.answered(q):
            return self._stale(ctx)
        following = screens.next_question(ctx.progress, q) if ctx.member.return_to == BACK else None
        if following is not None and ctx.progress.answered(following) and following.id not in ctx.progress.drafts:
            ctx.set_cursor(following.id, BACK)
        else:
            ctx.set_cursor(None, ctx.member.return_to if returns_to_review(ctx.member.return_to) else None)
        name = q.table.name if q.kind is Kind.GATE and q.table else self._name(q)
        return Reply([self._screen(ctx).after(texts.KEPT_STORED.format(name=name))])

    def _prose_action(self, ctx: Context, q: Question, step: Ask, verb: Verb) -> Reply:
        assert q.prose is not None
        if verb is Verb.DONE and step.draft:
            if (conflict := self._conflict(ctx, q, ctx.seen())) is not None:
                who, at = conflict
                theirs = texts.CHARS.format(chars=len(ctx.report.text(q.id) or ""))
                mine = texts.CHARS.format(chars=len(step.draft))
                return Reply([self._conflict_screen(q, who, at, theirs, mine)])
            return self._save_prose(ctx, q, step.draft, texts.SAVED_PROSE)
        if verb is Verb.REUSE and ctx.last_year and (old := ctx.last_year.text(q.id)):
            return self._reuse_prose(ctx, q, old)
        if verb is Verb.REWRITE and step.draft is not None:
            ctx.drop_draft(q.id)
            return Reply([self._screen(ctx).after(texts.DRAFT_CLEARED.format(name=q.prose.name))])
        if verb is Verb.USE_DRAFT and (written := draft(ctx.report, q.id)):
            return self._save_prose(ctx, q, written, texts.SAVED_PROSE)
        if verb is Verb.STANDARD and q.id == "text.preamble":
            return self._save_prose(ctx, q, texts.STANDARD_PREAMBLE.format(year=ctx.report.year), texts.SAVED_PROSE)
        return self._stale(ctx)

    def _reuse_prose(self, ctx: Context, q: Question, old: str) -> Reply:
        """Last year's text taken over: shown (its beginning and end) with what in it is likely stale, so
        nobody saves 350 characters unseen."""
        assert q.prose is not None
        reply = self._save_prose(ctx, q, old, texts.SAVED_PROSE)
        notes = stale_marks(old, ctx.report, ctx.last_year, q.id)
        said = [texts.PROSE_REUSED.format(chars=len(old), excerpt=screens.excerpt(old))]
        if notes:
            said.append(texts.STALE_HEAD.format(marks="\n".join(texts.PROSE_STALE_ITEM.format(note=n) for n in notes)))
        said.append(texts.PROSE_REUSED_CHECK)
        shown = Screen("\n".join(said), [[screens.full_text_button(q)]])
        return Reply([shown, *reply.screens])

    def _save_prose(self, ctx: Context, q: Question, text: str, ack: str) -> Reply:
        assert q.prose is not None
        ctx.set_text(q.id, text)
        if q.id in ctx.progress.drafts:
            ctx.drop_draft(q.id)
        self._finish(ctx, q)
        copied = copied_from_last_year(ctx.report, ctx.last_year) if q.id in COPY_CHECKED else []
        ack += "".join(f"\n⚠️ {f.message}" for f in copied if q.id in f.places)
        if q.id in DRAFTED:  # a text that retells the tables is checked against them the moment it is saved
            ack += "".join(f"\n⚠️ {f.message}" for f in disagreements(text, ctx.report, q.id))
        return self._after_change(ctx, ack, name=q.prose.name, chars=len(text))

    # --- overviews -----------------------------------------------------------------------------
    def status(self, turn: Turn) -> Reply | None:
        """/status: a progress bar per section."""
        return self._update(turn, lambda ctx: Reply([self._status(ctx)]), when_final=True)

    def history(self, turn: Turn, words: str) -> Reply | None:
        """/history <名称>: who changed a field and when, newest first; a choice where the words name several."""

        def body(ctx: Context) -> Reply:
            found = named(ctx.report.format, words)
            if not words.strip():
                return Reply([Screen(texts.HISTORY_USAGE)])
            if not found:
                return Reply([Screen(texts.HISTORY_NOT_FOUND.format(words=words.strip()[:40]))])
            if len(found) > 1:
                return Reply([screens.history_choice_screen(found)])
            return Reply([self._changes(ctx, found[0])])

        return self._update(turn, body, when_final=True)

    def _changes(self, ctx: Context, q: Question) -> Screen:
        changes = repo.changes_of(session=ctx.session, report=ctx.row, field_key=q.id)
        local = [(value, by, at.astimezone(self.zone), name) for value, by, at, name in changes]
        return screens.history_screen(q, local)

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
        if ctx.row.status == ReportStatus.SUBMITTED:
            lines.append(texts.STATUS_SUBMITTED)
        elif ctx.row.status == ReportStatus.FINAL:
            lines.append(texts.STATUS_FINAL.format(date=_cn_date(ctx.row.date)))
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
        screen = screens.review_screen(ctx.progress, section)
        return review.review_with_comments(screen, ctx.comments, ctx.report.format, self.zone, section)

    # --- importing a published report --------------------------------------------------------
    def stage_import(self, turn: Turn, filename: str, imported: Imported) -> Reply | None:
        """Show what an uploaded report holds and ask to confirm; only the pending import is stored."""
        return self._update(turn, lambda ctx: self._stage_import(ctx, filename, imported))

    def _stage_import(self, ctx: Context, filename: str, imported: Imported) -> Reply:
        year, this = imported.report.year, ctx.row.year
        if "year" in imported.unnamed:  # staged as last year's until the member says which year it is
            report = replace(imported.report, agency=ctx.agency.name, level=ctx.agency.level, year=this - 1)
            pending = repo.stage_pending_import(
                session=ctx.session, member=ctx.member, filename=filename, data_json=datafile.dumps(report)
            )
            return Reply([screens.import_screen(imported, ctx.agency.name, this, [], pending.id)])  # type: ignore[arg-type]
        if year not in (this, this - 1):
            return Reply([Screen(texts.IMPORT_WRONG_YEAR.format(year=year, last=this - 1, this=this))])
        report = replace(imported.report, agency=ctx.agency.name, level=ctx.agency.level)
        pending = repo.stage_pending_import(
            session=ctx.session, member=ctx.member, filename=filename, data_json=datafile.dumps(report)
        )
        overwrites = [] if year != this else [k for k, v in report.values.items() if ctx.report.values.get(k, v) != v]
        screen = screens.import_screen(imported, ctx.agency.name, this, overwrites, pending.id)  # type: ignore[arg-type]
        return Reply([screen])

    def _import_year(self, ctx: Context, arg: str) -> Reply:
        """The year of an upload that named none: what confirming would do in that year."""
        pending_id, year = (int(part) for part in arg.split("-"))
        pending = repo.pending_import(session=ctx.session, member=ctx.member, pending_id=pending_id)
        this = ctx.row.year
        if pending is None:
            return Reply([Screen(texts.IMPORT_GONE)])
        if year not in (this, this - 1):
            return self._stale(ctx)
        report = replace(datafile.loads(pending.data_json), year=year)
        pending.data_json = datafile.dumps(report)
        ctx.session.add(pending)
        overwrites = [] if year != this else [k for k, v in report.values.items() if ctx.report.values.get(k, v) != v]
        return Reply([screens.import_year_screen(report, this, overwrites, pending_id)])

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
                return Reply([screens.preview_screen(current)], files="picture")
            findings = check(current, ctx.last_year)
            if ctx.report.date is None:  # dated today by the bot, not by the member: /finalize sets the date
                findings = [f for f in findings if f.rule != "DATE-DEADLINE"]
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

    def finalize(self, turn: Turn, day: str = "", *, confirmed: bool = False) -> Reply | None:
        """/finalize [date]: the date the report will print (today, or the one given) and a button to confirm;
        with ``confirmed`` (that button) the report becomes final with that date and reminders stop. A date
        before the statistical period ends, or after today, is refused; so is a report with errors."""

        def body(ctx: Context) -> Reply:
            if ctx.final:
                return Reply([Screen(texts.FINALIZE_ALREADY.format(date=_cn_date(ctx.row.date)))])
            if ctx.submitted:
                return Reply([Screen(texts.SUBMIT_ALREADY)])
            year = ctx.row.year
            chosen = parse_date(day, year + 1) if day.strip() else self.today()
            if chosen is None:
                said = texts.FINALIZE_BAD_DATE.format(text=day.strip()[:40], example=self._example(ctx))
                return Reply([Screen(said)])
            if chosen <= date(year, 12, 31) or self.today() <= date(year, 12, 31):  # the year is not over yet
                said = texts.FINALIZE_TOO_EARLY.format(year=year, date=_cn_date(chosen))
                return Reply([Screen(said)])
            if chosen > self.today():
                return Reply([Screen(texts.FINALIZE_FUTURE.format(date=_cn_date(chosen), example=self._example(ctx)))])
            report = replace(with_totals(ctx.report), date=chosen)
            errs = errors(check(report, ctx.last_year))
            if errs:
                return Reply([screens.finalize_blocked_screen(report, errs)])
            if not confirmed:
                submit = ctx.agency.needs_review
                return Reply([screens.finalize_confirm_screen(report, chosen, self._example(ctx), submit=submit)])
            if ctx.agency.needs_review:  # to the reviewers, who make it final
                return review.submit(ctx, chosen, self.admins, self.now())
            ctx.row.status, ctx.row.date = ReportStatus.FINAL, chosen
            repo.stage_event(session=ctx.session, report=ctx.row, kind="finalize", by=turn.user_id)
            repo.stage_resolve_comments(session=ctx.session, report=ctx.row)
            ctx.session.add(ctx.row)
            return Reply([Screen(texts.FINALIZED.format(date=_cn_date(chosen)))])

        return self._update(turn, body, when_final=True)

    def _example(self, ctx: Context) -> str:
        """A date to show in the instructions: today once the period is over, else the first working day."""
        today = self.today()
        return (today if today.year > ctx.row.year else date(ctx.row.year + 1, 1, 5)).isoformat()

    def reopen(self, turn: Turn) -> Reply | None:
        """Make a final report editable again, or withdraw a submitted one; recorded with who and when."""

        def body(ctx: Context) -> Reply:
            if ctx.submitted:
                return review.withdraw(ctx, self.admins, self.now())
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
