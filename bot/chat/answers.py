"""Where an answer lands: in the question the member was shown, with a colleague's answer given meanwhile
offered to keep or overwrite, an answer that may belong to either of two questions held until the member
says which, and the kinds of answer (numbers, prose in several messages, the yes/no of a table).

``Answers`` is a part of ``Walk`` (bot/chat/service.py), which provides the screens and the storing steps.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot import texts
from bot.chat import screens
from bot.chat.actions import Action, Verb
from bot.chat.context import Context
from bot.chat.screens import Reply, Screen
from bot.delivery.turn import Seen
from bot.engine.parse import ParseError, parse_numbers
from bot.engine.questions import Ask, Kind, Question, next_step, question, questions
from bot.report.model import RowValue, complete_row, format_number
from storage import repo

if TYPE_CHECKING:
    from bot.chat.service import Walk as _Walk
else:
    _Walk = object


class Answers(_Walk):
    def _answer(self, ctx: Context, text: str) -> Reply:
        """A typed answer belongs to the question the member was shown last, wherever the report stands now
        (a colleague may have moved it on); when that is not known, to the current question."""
        addressed = self._addressed(ctx, text, texts.NOT_A_QUESTION)
        if isinstance(addressed, Reply):
            return addressed
        target, seen = addressed
        return self._answer_to(ctx, target, text, seen)

    def _addressed(self, ctx: Context, text: str, nothing: str) -> tuple[Question, Seen | None] | Reply:
        """The question a message (typed or uploaded) answers, or the reply when that cannot be told: shown
        before any question, possibly meant for either of two (then held until the member says which), or
        no question at all (``nothing`` says so)."""
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
            return Reply([Screen(nothing), self._screen(ctx)])
        return target, seen

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
            if not none and answer not in ("有", "是"):  # numbers for the rows come after the yes
                return Reply([self._asked(ctx, q).after(texts.GATE_HINT)])
            if ctx.progress.answered(q):  # a colleague began the table meanwhile: nothing is overwritten
                return Reply([self._screen(ctx).after(texts.GATE_TAKEN)])
            return self._gate(ctx, q, none=none)
        assert q.table is not None and q.row is not None
        parsed = parse_numbers(text, q.count, q.table.number, total=q.has_total)
        if isinstance(parsed, ParseError):
            error = texts.ROW_ERROR.format(reason=parsed.message, hint=screens.row_hint(q))
            return Reply([self._asked(ctx, q).after(error)])
        stored = ctx.report.row(q.id)
        theirs = tuple(stored[i] for i in q.table.input_columns) if stored is not None else None
        if theirs == parsed:
            if q.id not in ctx.progress.skipped and ctx.member.editing != q.id:
                same = texts.SAVED_SAME.format(name=self._name(q), values=screens.values_text(parsed))
                return Reply([self._screen(ctx).after(same)])
        elif theirs is not None and (conflict := self._conflict(ctx, q, seen)) is not None:
            ctx.hold(json.dumps({"q": q.id, "text": text}, ensure_ascii=False))
            who, at = conflict
            return Reply([self._conflict_screen(q, who, at, screens.values_text(theirs), screens.values_text(parsed))])
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
            return Reply([self._screen(ctx).after(texts.KEPT.format(name=self._name(q)))])
        parsed = parse_numbers(held["text"], q.count, q.table.number, total=q.has_total)
        if isinstance(parsed, ParseError):
            return self._stale(ctx)
        return self._store_answer(ctx, q, parsed)

    def _prose_chunk(self, ctx: Context, q: Question, draft: str | None, text: str) -> Reply:
        assert q.prose is not None
        text = text.strip()
        if not text:
            return Reply([Screen(texts.PROSE_EMPTY)])
        done = [
            [
                (texts.BUTTON_DONE, Action(Verb.DONE, q.id).encode()),
                (texts.BUTTON_REWRITE, Action(Verb.REWRITE, q.id).encode()),
            ]
        ]
        if draft and (draft == text or draft.endswith("\n" + text)):  # the same paragraph sent again
            return Reply([Screen(texts.PROSE_REPEATED.format(chars=len(draft)), done, asks=q.id)])
        combined = f"{draft}\n{text}" if draft else text
        if len(combined) > screens.MAX_PROSE:
            limit = screens.MAX_PROSE
            return Reply([Screen(texts.PROSE_TOO_LONG.format(chars=len(combined), limit=limit), done, asks=q.id)])
        ctx.set_draft(q.id, combined)
        return Reply([Screen(texts.PROSE_DRAFT.format(chars=len(combined)), done, asks=q.id)])

    def _upload(self, ctx: Context, text: str) -> Reply:
        """A file that is no report: the text of the prose part the member was shown, found as for a typed
        answer; shown as the draft it became."""
        addressed = self._addressed(ctx, text, texts.UPLOAD_NOT_NOW)
        if isinstance(addressed, Reply):
            return addressed
        q, _ = addressed
        if q.kind is not Kind.PROSE or q.prose is None:
            return Reply([Screen(texts.UPLOAD_NOT_NOW), self._screen(ctx)])
        reply = self._prose_chunk(ctx, q, None, text)
        taken = text.strip()
        if ctx.progress.drafts.get(q.id) == taken:  # taken as the draft: show what it became
            shown = texts.UPLOAD_AS_DRAFT.format(name=q.prose.name, chars=len(taken), excerpt=screens.excerpt(taken))
            return Reply([replace(reply.screens[0], text=shown)])
        return reply

    def _gate(self, ctx: Context, q: Question, *, none: bool) -> Reply:
        assert q.table is not None
        rows = [r for r in questions(ctx.report.format) if r.table is q.table and r.kind is Kind.ROW]
        if not none:
            ctx.set_cursor(rows[0].id, ctx.member.return_to)
            return self._show(ctx)
        self._store_rows(ctx, q.table, {r.id: (0,) * r.count for r in rows})
        self._finish(ctx, *rows)
        return self._after_change(ctx, texts.SAVED_GATE_NONE, table=q.table.name)
