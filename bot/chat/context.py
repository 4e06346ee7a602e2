"""Everything one update needs, loaded in its transaction: the member, their agency, the report and where the
walk stands; every change is staged through it and mirrored in memory."""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property

from sqlmodel import Session

from bot.chat.screens import Screen
from bot.delivery.turn import Seen, Turn
from bot.engine.questions import Progress
from bot.report.model import Report, Value
from storage import repo
from storage.models import Agency, Member, ReportRow, ReportStatus, ReviewComment


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
        self.notes: list[str] = []  # what a change brought about besides itself (a table now balances)
        self.offers: list[Screen] = []  # and what it asks of the member (a text that now disagrees)

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

    @property
    def submitted(self) -> bool:
        """With the reviewers: the members cannot change it until it is approved or returned."""
        return self.row.status == ReportStatus.SUBMITTED

    @cached_property
    def comments(self) -> list[ReviewComment]:
        """The reviewers' comments the report was returned with, until it is submitted again; read only in
        an agency that needs review (the others pay no query)."""
        return repo.open_comments(session=self.session, report=self.row) if self.agency.needs_review else []

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
