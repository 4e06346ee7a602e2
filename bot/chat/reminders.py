"""Deadline reminders against the database: what is due now, sent at most once, and when to wake next.

Nothing is trusted to memory. Each tick derives every member's reminder plan from the database (their
agency's level and report year, their own time of day), takes the latest slot due, and sends it if
the sent-log lacks it. The log row is committed before the send, so a crash between the two loses at
most that one reminder and never sends it twice; a time-out after the send is recorded as uncertain and
not retried. Only the latest missed slot goes out after a downtime: the older ones are superseded, and
so is that one when the next slot comes later the same day.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache

from sqlmodel import Session

from bot import texts
from bot.chat.actions import Action, Verb
from bot.chat.screens import Screen
from bot.chat.service import Walk
from bot.chat.supervision import AgencyState, overview
from bot.engine.questions import Progress
from bot.reminders.calendar import add_working_days, is_working_day, next_working_day
from bot.reminders.schedule import ReminderPlan, Schedule, Slot, SlotKind, parse_time, reminder_plan
from bot.report.checks import check, errors
from bot.report.model import Report, with_totals
from bot.schema import Level
from storage import repo
from storage.models import Agency, Member, MemberRole, ReportEvent, ReportRow, ReportStatus

log = logging.getLogger(__name__)

COMPLETENESS_RULES = {"CELL-FILLED", "TEXT-FILLED"}
# A report no member is reminded of: final, or submitted (its reviewers are reminded instead).
DONE = (ReportStatus.FINAL, ReportStatus.SUBMITTED)
MAX_REVIEW_BUTTONS = 8


@dataclass(frozen=True)
class Delivery:
    """One message to one recipient for one slot of the sent-log."""

    recipient: int  # Telegram user id
    report_id: int | None
    slot: str  # the sent-log key: unique per recipient, e.g. "a12y2026:before-5" or "digest:2027-01-26"
    screen: Screen


class Reminders:
    def __init__(self, walk: Walk, schedule: Schedule, admins: tuple[int, ...] = ()) -> None:
        self.walk, self.schedule, self.admins = walk, schedule, admins

    # --- plans ---------------------------------------------------------------------------------
    def plan(self, level: Level, year: int, member: Member | None = None) -> ReminderPlan:
        at = parse_time(member.remind_at) if member is not None and member.remind_at else None
        return _plan(self.schedule, self.walk.zone.key, level, year, at)

    # --- what is due ---------------------------------------------------------------------------
    def due(self, now: datetime) -> list[Delivery]:
        """Every reminder due at ``now`` and not yet in the sent-log, members' and admins'."""
        with self.walk.session() as session:
            deliveries = [
                d for agency in repo.agencies(session=session) for d in self._agency_due(session, agency, now)
            ]
            deliveries += self._digests_due(session, now)
            deliveries += self._reviews_due(session, now)
        return deliveries

    def _agency_due(
        self, session: Session, agency: Agency, now: datetime, *, nudge: str | None = None
    ) -> list[Delivery]:
        year = self.walk.report_year(session, agency)
        row = repo.get_report(session=session, agency=agency, year=year)
        if row is not None and row.status in DONE:
            return []
        result = []
        screens: dict[str, Screen] = {}  # one text per slot: members with their own time may be at another
        for member in repo.members_of(session=session, agency=agency):
            if not member.reminders_on or member.blocked_at is not None:
                continue
            sent = repo.reminders_sent(session=session, recipient=member.telegram_user_id)
            key = _slot_key(agency, year, nudge) if nudge else self._member_slot(member, agency, year, now, sent)
            if key is None or key in sent:
                continue
            slot = key.split(":", 1)[1]
            if slot not in screens:
                kind, n = self._kind_of(slot, agency.level, year, now)
                screens[slot] = self._message(session, agency, row, year, kind, n, now)
            result.append(Delivery(member.telegram_user_id, row.id if row else None, key, screens[slot]))
        return result

    def _member_slot(self, member: Member, agency: Agency, year: int, now: datetime, sent: set[str]) -> str | None:
        """The key of the one reminder this member should have now, if any."""
        if member.snoozed_until is not None and _aware(member.snoozed_until) > now:
            return None
        plan = self.plan(agency.level, year, member)
        slot = plan.to_send(now)
        if slot is None:
            return None
        key = _slot_key(agency, year, slot.key)
        if key in sent and member.snoozed_until is not None and _aware(member.snoozed_until) > slot.due:
            return _slot_key(agency, year, f"snooze-{_aware(member.snoozed_until).date().isoformat()}")
        return key

    def _kind_of(self, slot: str, level: Level, year: int, now: datetime) -> tuple[SlotKind, int]:
        """What the reminder of a slot key ("before-5", "snooze-2026-12-02", "nudge-77") says: a slot of the
        plan says what it is; a snoozed or nudged one says where the report stands (n 0: no count of days)."""
        name, _, number = slot.partition("-")
        if name in ("kickoff", "before", "deadline", "overdue"):
            return SlotKind(name), int(number) if name == "before" else 0
        if name == "nudge" and now.date() > self.plan(level, year).deadline:
            return SlotKind.OVERDUE, 0
        return SlotKind.BEFORE, 0

    def _message(
        self, session: Session, agency: Agency, row: ReportRow | None, year: int, kind: SlotKind, n: int, now: datetime
    ) -> Screen:
        """The reminder text: which report, how much time, what is left."""
        deadline = self.walk.deadline(agency.level, year)
        names = {"agency": agency.name, "year": year, "deadline": deadline.isoformat()}
        if kind is SlotKind.KICKOFF:
            head = texts.REMIND_KICKOFF.format(level=texts.LEVEL_NAMES[agency.level], **names)
        elif kind is SlotKind.DEADLINE:
            head = texts.REMIND_DEADLINE.format(**names)
        elif kind is SlotKind.OVERDUE:
            head = texts.REMIND_OVERDUE.format(days=(now.date() - deadline).days, **names)
        elif n:
            head = texts.REMIND_BEFORE.format(days=n, **names)
        else:
            head = texts.REMIND_SNOOZED.format(**names)
        report = repo.load_report(session=session, report_id=row.id) if row else Report(agency.name, agency.level, year)  # type: ignore[arg-type]
        lines = [head, *_what_is_left(report), texts.REMIND_FINAL_HINT]
        buttons = [
            [
                (texts.BUTTON_CONTINUE, Action(Verb.CONTINUE).encode()),
                (texts.BUTTON_STATUS, Action(Verb.STATUS).encode()),
                (texts.BUTTON_SNOOZE, Action(Verb.SNOOZE, f"{agency.id}-{year}").encode()),
            ]
        ]
        return Screen("\n".join(lines), buttons)

    def _digests_due(self, session: Session, now: datetime) -> list[Delivery]:
        """On a reminder day of the unfinished reports, after the reminder time, each admin gets one digest."""
        if not self.admins:
            return []
        today = now.date()
        reminder_day, deadline_levels = False, []
        for level, year in self._open_seasons(session):
            slot = self.plan(level, year).to_send(now)
            if slot is not None and slot.due.date() == today:
                reminder_day = True
                if slot.kind is SlotKind.DEADLINE:
                    deadline_levels.append(level)
        if not reminder_day:
            return []
        key = f"digest:{today.isoformat()}"
        pending = [a for a in self.admins if key not in repo.reminders_sent(session=session, recipient=a)]
        if not pending:
            return []
        screen = digest_screen(overview(self.walk), today, deadline_levels)
        return [Delivery(admin, None, key, screen) for admin in pending]

    def _open_seasons(self, session: Session) -> set[tuple[Level, int]]:
        """The (level, report year) of every agency whose current report is not final."""
        seasons = set()
        for agency in repo.agencies(session=session):
            year = self.walk.report_year(session, agency)
            row = repo.get_report(session=session, agency=agency, year=year)
            if row is None or row.status != ReportStatus.FINAL:
                seasons.add((agency.level, year))
        return seasons

    # --- the reviewers: reports waiting for them -----------------------------------------------------
    def _review_day(self, submitted: ReportEvent) -> date:
        """The first day a submission's reviewers are reminded of it: the working day after the one it came."""
        return add_working_days(_aware(submitted.at).astimezone(self.walk.zone).date(), 1)

    def _reviews_due(self, session: Session, now: datetime) -> list[Delivery]:
        """On a working day after the reminder time, each reviewer with a report waiting since before today's
        working day gets one "待审核：N 份" (admins always; reviewer members unless they turned reminders off)."""
        today = now.date()
        if not is_working_day(today) or now.timetz().replace(tzinfo=None) < self.schedule.at:
            return []
        waiting: dict[int, list[tuple[Agency, ReportRow, ReportEvent]]] = {}
        for row, agency, event in repo.submitted_reports(session=session):
            if today < self._review_day(event):
                continue
            reviewers = set(self.admins) | {
                m.telegram_user_id
                for m in repo.members_of(session=session, agency=agency)
                if m.role == MemberRole.REVIEWER and m.reminders_on and m.blocked_at is None
            }
            for reviewer in reviewers:
                waiting.setdefault(reviewer, []).append((agency, row, event))
        key = f"review:{today.isoformat()}"
        return [
            Delivery(reviewer, None, key, self._review_screen(reports))
            for reviewer, reports in waiting.items()
            if key not in repo.reminders_sent(session=session, recipient=reviewer)
        ]

    def _review_screen(self, reports: list[tuple[Agency, ReportRow, ReportEvent]]) -> Screen:
        items = [
            texts.REVIEW_REMINDER_ITEM.format(
                agency=agency.name,
                year=row.year,
                date=texts.DATE_CN.format(d=_aware(event.at).astimezone(self.walk.zone).date()),
            )
            for agency, row, event in reports
        ]
        buttons = [
            [
                (
                    texts.BUTTON_REVIEW_AGENCY.format(agency=agency.name)[:40],
                    Action(Verb.REVIEW_VIEW, str(event.id)).encode(),
                )
            ]
            for agency, _, event in reports[:MAX_REVIEW_BUTTONS]
        ]
        return Screen(texts.REVIEW_REMINDER.format(count=len(reports), items="\n".join(items)), buttons)

    def _review_moments(self, session: Session, now: datetime) -> list[datetime]:
        """When the reviewers of a waiting report are next reminded of it."""
        at, zone = self.schedule.at, self.walk.zone
        moments = []
        for _, _, event in repo.submitted_reports(session=session):
            first = datetime.combine(self._review_day(event), at, tzinfo=zone)
            if first > now:
                moments.append(first)
                continue
            today = now.date()
            day = today if is_working_day(today) and now < datetime.combine(today, at, tzinfo=zone) else None
            moments.append(datetime.combine(day or next_working_day(today), at, tzinfo=zone))
        return moments

    # --- when to wake --------------------------------------------------------------------------
    def next_wakeup(self, now: datetime) -> datetime | None:
        """The earliest moment something may become due after ``now`` (or ``now`` if something is due)."""
        if self.due(now):
            return now
        moments: list[datetime] = []
        with self.walk.session() as session:
            for agency in repo.agencies(session=session):
                moments += self._moments(session, agency, repo.members_of(session=session, agency=agency), now)
            for level, year in self._open_seasons(session) if self.admins else ():
                if (slot := self.plan(level, year).next_slot(now)) is not None:
                    moments.append(slot.due)
            moments += self._review_moments(session, now)
        if moments:
            return min(moments)
        # Every report is final: look again when the next season's reports come due.
        return datetime.combine(date(now.year, 12, 1), time(0), tzinfo=self.walk.zone) if now.month < 12 else None

    def next_wakeup_of(self, user_id: int, now: datetime) -> datetime | None:
        """The earliest moment a reminder of this member may be due (``now`` if one is due already): a few
        queries, for a member who has just joined, instead of every agency's plans."""
        moments: list[datetime] = []
        with self.walk.session() as session:
            sent = repo.reminders_sent(session=session, recipient=user_id)
            for member in repo.memberships(session=session, telegram_user_id=user_id):
                agency = session.get_one(Agency, member.agency_id)
                if not (upcoming := self._moments(session, agency, [member], now)):
                    continue
                year = self.walk.report_year(session, agency)
                if (key := self._member_slot(member, agency, year, now, sent)) is not None and key not in sent:
                    return now
                moments += upcoming
        return min(moments, default=None)

    def _moments(self, session: Session, agency: Agency, members: list[Member], now: datetime) -> list[datetime]:
        """When each of these members of the agency is next reminded (nothing once the report is final)."""
        year = self.walk.report_year(session, agency)
        row = repo.get_report(session=session, agency=agency, year=year)
        if row is not None and row.status in DONE:
            return []
        moments = []
        for member in members:
            if not member.reminders_on or member.blocked_at is not None:
                continue
            if member.snoozed_until is not None and _aware(member.snoozed_until) > now:
                moments.append(_aware(member.snoozed_until))
            elif (slot := self.plan(agency.level, year, member).next_slot(now)) is not None:
                moments.append(slot.due)
        return moments

    # --- the member's side ---------------------------------------------------------------------
    def snooze(self, user_id: int, target: str) -> str:
        """稍后提醒: postpone this member's reminders to the next working day at their time."""
        with self.walk.session() as session:
            members = repo.memberships(session=session, telegram_user_id=user_id)
            if not members:
                return texts.START_STRANGER
            member = members[-1]
            agency = session.get_one(Agency, member.agency_id)
            year = self.walk.report_year(session, agency)
            row = repo.get_report(session=session, agency=agency, year=year)
            if target != f"{agency.id}-{year}" or (row is not None and row.status in DONE):
                return texts.SNOOZE_NOT_NEEDED
            until = self.plan(agency.level, year, member).snooze(self.walk.now())
            member.snoozed_until = until
            session.add(member)
            session.commit()
            return texts.SNOOZED.format(when=texts.DATE_CN.format(d=until) + until.strftime(" %H:%M"))

    def nudge(self, agency_name: str, update_id: int) -> tuple[Agency | None, list[Delivery]]:
        """/nudge: a reminder to every member of one agency now (once per command)."""
        with self.walk.session() as session:
            agency = repo.get_agency_by_name(session=session, name=agency_name)
            if agency is None:
                return None, []
            return agency, self._agency_due(session, agency, self.walk.now(), nudge=f"nudge-{update_id}")

    # --- the sent-log ---------------------------------------------------------------------------
    def claim(self, deliveries: list[Delivery]) -> list[Delivery]:
        """The deliveries now claimed in the sent-log (committed), leaving out any already claimed."""
        with self.walk.session() as session:
            slots = [(d.report_id, d.recipient, d.slot) for d in deliveries]
            claimed = repo.claim_reminders(session=session, slots=slots)
        return [d for d in deliveries if (d.recipient, d.slot) in claimed]

    def record(self, outcomes: list[tuple[Delivery, str]]) -> None:
        """Each send's outcome: sent, uncertain (timed out: never retried), blocked (403), or failed."""
        with self.walk.session() as session:
            repo.record_reminders(session=session, outcomes=[(d.recipient, d.slot, status) for d, status in outcomes])
            for recipient in {d.recipient for d, status in outcomes if status == "blocked"}:
                repo.stage_blocked(session=session, telegram_user_id=recipient, at=self.walk.now())
            session.commit()


def _what_is_left(report: Report) -> list[str]:
    progress = Progress(report)
    done, total = progress.counted()
    if done == 0:
        return [texts.REMIND_NOT_STARTED]
    lines = [texts.REMIND_PROGRESS.format(done=done, total=total)]
    open_sections = [
        (section.heading or section.prose[0].name)
        for section, answered, count in progress.by_section()
        if answered < count
    ]
    if open_sections:
        lines.append(texts.REMIND_OPEN.format(sections="、".join(open_sections)))
    open_errors = [f for f in errors(check(with_totals(report))) if f.rule not in COMPLETENESS_RULES]
    if open_errors:
        lines.append(texts.REMIND_ERRORS.format(count=len(open_errors)))
    return lines


def digest_screen(rows: list, day: date, deadline_levels: list[Level]) -> Screen:  # type: ignore[type-arg]
    count = {state: sum(r.state is state for r in rows) for state in AgencyState}
    lines = [
        texts.DIGEST_HEAD.format(
            day=day.isoformat(),
            count=len(rows),
            finished=count[AgencyState.FINISHED],
            in_progress=count[AgencyState.IN_PROGRESS],
            not_started=count[AgencyState.NOT_STARTED],
            late=count[AgencyState.LATE],
        )
    ]
    late = [r.agency for r in rows if r.state is AgencyState.LATE]
    if late:
        lines.append(texts.DIGEST_LATE.format(agencies="、".join(late)))
    if submitted := [r.agency for r in rows if r.state is AgencyState.SUBMITTED]:
        lines.append(texts.DIGEST_SUBMITTED.format(agencies="、".join(submitted)))
    for level in deadline_levels:
        unfinished = [r.agency for r in rows if r.level is level and r.state is not AgencyState.FINISHED]
        if unfinished:
            lines.append(
                texts.DIGEST_DEADLINE.format(
                    level=texts.LEVEL_NAMES[level], count=len(unfinished), agencies="、".join(unfinished)
                )
            )
    return Screen("\n".join(lines))


def _slot_key(agency: Agency, year: int, slot: str) -> str:
    return f"a{agency.id}y{year}:{slot}"


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes for what was stored as UTC."""
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@cache
def _plan(schedule: Schedule, zone: str, level: Level, year: int, at: time | None) -> ReminderPlan:
    return reminder_plan(year, level, schedule=schedule, tz=zone, at=at)


__all__ = ["Delivery", "Reminders", "Slot"]
