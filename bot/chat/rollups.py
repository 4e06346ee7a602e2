"""The roll-up in the chat and against the database: a government linked to the agencies it covers, and its
tables 二/三/四 filled from the sum of their reports once a member (or an admin) has seen it and confirmed.

The sums come from bot/report/rollup.py; this module finds the sources (final reports, or the current drafts
when an admin chooses so), shows what would be filled, and stores it through the walk's own path
(``Context.set_values`` and ``Walk._finish``), so totals, checks and progress follow as for a typed answer.
A confirmation carries the preview's fingerprint: if the sums or the sources changed since, nothing is stored
and the new preview is shown; a second tap finds nothing left to change.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlmodel import Session

from bot import texts
from bot.chat.actions import Action, Verb
from bot.chat.context import Context
from bot.chat.screens import Buttons, Reply, Screen, named_values
from bot.chat.service import Walk
from bot.delivery.turn import Turn
from bot.engine.questions import Kind, questions
from bot.report.checks import row_name
from bot.report.model import Report, Value, format_number
from bot.report.rollup import RollUp, Source, names, problems, roll_up
from bot.schema import Level
from storage import repo
from storage.models import Agency, Member, ReportStatus

# /link 政府 机构、机构: names split at these; without any of them, at spaces.
SEPARATORS = re.compile(r"\s*[\n、，,；;]\s*")
ROLLUP_VERBS = (Verb.ROLLUP_CONFIRM, Verb.ROLLUP_DRAFTS)


def split_names(text: str) -> list[str]:
    """The agency names of /link and /unlink, in order, each once."""
    text = text.strip()
    parts = SEPARATORS.split(text) if SEPARATORS.search(text) else text.split()
    if SEPARATORS.search(text) and " " in parts[0]:
        head, _, rest = parts[0].partition(" ")  # "/link 政府 机构、机构": the government ends at the first space
        parts = [head, rest.strip(), *parts[1:]]
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))


# --- linking: shared by the chat and the command line -------------------------------------------------
def _named(session: Session, names_given: list[str]) -> tuple[list[Agency], list[str]]:
    found = [(name, repo.get_agency_by_name(session=session, name=name)) for name in names_given]
    return [a for _, a in found if a is not None], [name for name, a in found if a is None]


def _quoted(items: list[str]) -> str:
    return "、".join(f"“{name}”" for name in items)


def links_of(session: Session, government: Agency) -> str:
    """The agencies a government covers, as one line."""
    covered = [a.name for a in repo.covered(session=session, government=government)]
    if not covered:
        return texts.LINKS_OF_NONE.format(government=government.name)
    return texts.LINKS_OF.format(government=government.name, count=len(covered), agencies=names(covered))


def links_text(session: Session) -> str:
    """Every government with the agencies it covers."""
    found = repo.links(session=session)
    if not found:
        return texts.LINKS_NONE
    lines = [texts.LINKS_HEAD]
    for government, covered in found:
        listed = names([a.name for a in covered])
        lines.append(texts.LINKS_LINE.format(government=government.name, count=len(covered), agencies=listed))
    return "\n".join(lines)


def link(session: Session, government_name: str, names_given: list[str], by: int | None) -> tuple[bool, str]:
    """Link a government to the agencies named, in the open transaction: all of them or, when one is unknown,
    not a department, itself or covering the government, none. Whether it was done (False: refused, nothing
    changed), and what to say."""
    government = repo.get_agency_by_name(session=session, name=government_name)
    if government is None:
        return False, texts.AGENCY_UNKNOWN.format(agency=government_name)
    if government.level is not Level.GOVERNMENT:
        return False, texts.LINK_NOT_GOVERNMENT.format(agency=government.name)
    agencies, unknown = _named(session, names_given)
    if unknown:
        return False, texts.LINK_UNKNOWN.format(agencies=_quoted(unknown))
    for agency in agencies:
        if agency.id == government.id:
            return False, texts.LINK_SELF.format(agency=agency.name)
        if repo.covers(session=session, government=agency, agency=government):
            return False, texts.LINK_CYCLE.format(agency=agency.name, government=government.name)
    linked = [a.name for a in agencies if repo.stage_link(session=session, government=government, agency=a, by=by)]
    already = [a.name for a in agencies if a.name not in linked]
    lines = [texts.LINKED.format(agencies=_quoted(linked))] if linked else []
    if already:
        lines.append(texts.LINKED_ALREADY.format(agencies=_quoted(already)))
    lines.append(links_of(session, government))
    return True, "\n".join(lines)


def unlink(session: Session, government_name: str, names_given: list[str]) -> tuple[bool, str]:
    """Remove the links to the agencies named, in the open transaction; whether it was done (False: an unknown
    name, nothing changed), and what to say."""
    government = repo.get_agency_by_name(session=session, name=government_name)
    if government is None:
        return False, texts.AGENCY_UNKNOWN.format(agency=government_name)
    agencies, unknown = _named(session, names_given)
    if unknown:
        return False, texts.LINK_UNKNOWN.format(agencies=_quoted(unknown))
    gone = [a.name for a in agencies if repo.stage_unlink(session=session, government=government, agency=a)]
    kept = [a.name for a in agencies if a.name not in gone]
    lines = [texts.UNLINKED.format(agencies=_quoted(gone))] if gone else []
    if kept:
        lines.append(texts.UNLINKED_NONE.format(agencies=_quoted(kept)))
    lines.append(links_of(session, government))
    return True, "\n".join(lines)


# --- the sums from the database ------------------------------------------------------------------------
def gather(session: Session, government: Agency, year: int, *, drafts: bool = False) -> RollUp:
    """The roll-up of the government's covered agencies for ``year``: their final reports, and their current
    drafts too when ``drafts``; the others listed as missing or unfinished. Two queries, then the pure sum."""
    sources: list[Source] = []
    missing: list[str] = []
    unfinished: list[str] = []
    for agency, row, values in repo.covered_reports(session=session, government=government, year=year):
        if row is None:
            missing.append(agency.name)
            continue
        final = row.status == ReportStatus.FINAL
        if not final and not drafts:
            unfinished.append(agency.name)
            continue
        fmt = repo.FORMATS[row.format_id]
        report = Report(agency.name, agency.level, row.year, row.date, values, fmt)
        sources.append(Source(agency.name, report, draft=not final))
    result = roll_up(sources, year)
    result.missing, result.unfinished = missing, unfinished
    return result


# --- the preview ---------------------------------------------------------------------------------------
def _row_text(fee: bool, label: str, values: str) -> str:
    return texts.ROLLUP_ROW.format(row=label, values=texts.ROLLUP_FEE.format(value=values) if fee else values)


def tables_text(result: RollUp) -> list[str]:
    """Per table (二, 三, 四), each row's sums in words; rows all 0 counted in one line."""
    lines: list[str] = []
    for section in result.format.sections:
        if not section.tables:
            continue
        lines.append(texts.ROLLUP_TABLE.format(table=f"表{section.number}"))
        zero = 0
        for table in section.tables:
            for row in table.rows:
                cells = result.values[row.key]
                if len(table.columns) > 1 and all(c == 0 for c in cells):
                    zero += 1
                    continue
                fee = not table.number.is_integer and None not in cells
                shown = format_number(cells[0]) if fee else named_values(table, cells)
                lines.append(_row_text(fee, row.brief or row_name(row), shown))
        if zero:
            lines.append(texts.ROLLUP_ZERO_ROWS.format(count=zero))
    return lines


def _overwritten(result: RollUp, stored: dict[str, Value]) -> list[str]:
    return [k for k, v in result.values.items() if stored.get(k) is not None and stored[k] != v]


def preview_screen(result: RollUp, government: Agency, stored: dict[str, Value], *, admin: bool) -> Screen:
    """What the roll-up would fill, its sources and problems, and the buttons to confirm (and, for an admin,
    to take the current drafts as well)."""
    drafts = {s.name for s in result.drafts}
    lines = [texts.ROLLUP_HEAD.format(agency=government.name, year=result.year)]
    if drafts:
        lines.append(texts.ROLLUP_HEAD_DRAFTS)
    listed = [texts.ROLLUP_SOURCE_DRAFT.format(agency=s.name) if s.draft else s.name for s in result.used]
    lines.append(texts.ROLLUP_SOURCES.format(count=len(listed), agencies=names(listed) or "—"))
    if said := problems(result):
        lines += ["", texts.ROLLUP_PROBLEMS, *(f"• {line}" for line in said)]
    buttons: Buttons = []
    if result.used:
        lines += ["", *tables_text(result), ""]
        if overwrites := _overwritten(result, stored):
            lines.append(texts.ROLLUP_OVERWRITES.format(count=len(overwrites)))
        if unknown := sum(None in cells for cells in result.values.values()):
            lines.append(texts.ROLLUP_UNKNOWN_STORED.format(count=unknown))
        lines.append(texts.ROLLUP_ASK_DRAFTS if drafts else texts.ROLLUP_ASK)
        arg = f"{government.id}-{result.year}-{'d' if drafts else 'f'}-{result.fingerprint()}"
        label = texts.BUTTON_ROLLUP_CONFIRM_DRAFTS if drafts else texts.BUTTON_ROLLUP_CONFIRM
        buttons.append([(label, Action(Verb.ROLLUP_CONFIRM, arg).encode())])
    else:
        lines.append(texts.ROLLUP_NOTHING)
    if admin and result.unfinished:
        buttons.append(
            [(texts.BUTTON_ROLLUP_DRAFTS, Action(Verb.ROLLUP_DRAFTS, f"{government.id}-{result.year}").encode())]
        )
    return Screen("\n".join(lines), buttons)


class RollUps:
    """/link, /unlink (admins), /rollup and its buttons: each one transaction that also stores its reply."""

    def __init__(self, walk: Walk) -> None:
        self.walk = walk

    def _respond(self, turn: Turn, body: Callable[[Session], Reply | None]) -> Reply | None:
        return self.walk.transact(turn, body)  # None: a stranger, whom the handler tells how to get an invite

    def link(self, turn: Turn, text: str, *, undo: bool = False) -> Reply | None:
        """/link 政府 机构…: link (or with ``undo``, /unlink); without names, the usage and every link."""
        parts = split_names(text)

        def body(session: Session) -> Reply:
            if len(parts) < 2:
                usage = texts.UNLINK_USAGE if undo else texts.LINK_USAGE
                return Reply([Screen(f"{usage}\n\n{links_text(session)}")])
            if undo:
                return Reply([Screen(unlink(session, parts[0], parts[1:])[1])])
            return Reply([Screen(link(session, parts[0], parts[1:], turn.user_id)[1])])

        return self._respond(turn, body)

    def _government(self, session: Session, turn: Turn, name: str, admin: bool) -> Agency | str | None:
        """The government the user may roll up (named, or their own agency), or what to say; None for a stranger."""
        if name:
            agency = repo.get_agency_by_name(session=session, name=name)
            if agency is None:
                return texts.AGENCY_UNKNOWN.format(agency=name)
            if not admin and repo.get_member(session=session, agency=agency, telegram_user_id=turn.user_id) is None:
                return texts.ROLLUP_NOT_MEMBER.format(agency=agency.name)
        else:
            found = repo.latest_membership(session=session, telegram_user_id=turn.user_id)
            if found is None:
                return texts.ROLLUP_USAGE if admin else None
            agency = found[1]
        if agency.level is not Level.GOVERNMENT:
            return texts.ROLLUP_NOT_GOVERNMENT.format(agency=agency.name)
        if not repo.covered(session=session, government=agency):
            return texts.ROLLUP_NO_LINKS.format(agency=agency.name)
        return agency

    def _stored(self, session: Session, agency: Agency, year: int) -> dict[str, Value]:
        row = repo.get_report(session=session, agency=agency, year=year)
        return repo.answers_of(session=session, report=row) if row is not None else {}

    def preview(self, turn: Turn, name: str, *, admin: bool) -> Reply | None:
        """/rollup [政府名称]: the sums the government's tables would be filled with, to confirm."""

        def body(session: Session) -> Reply | None:
            government = self._government(session, turn, name, admin)
            if government is None or isinstance(government, str):
                return None if government is None else Reply([Screen(government)])
            year = self.walk.report_year(session, government)
            result = gather(session, government, year)
            stored = self._stored(session, government, year)
            return Reply([preview_screen(result, government, stored, admin=admin)])

        return self._respond(turn, body)

    def tap(self, turn: Turn, action: Action, *, admin: bool) -> Reply | None:
        """确认填入 (stores the sums if they are still what was shown) or 包含草稿 (an admin's new preview)."""
        number, year_text, *rest = action.arg.split("-")

        def body(session: Session) -> Reply:
            government = session.get(Agency, int(number))
            if government is None:
                return Reply([Screen(texts.AGENCY_GONE)])
            member = repo.get_member(session=session, agency=government, telegram_user_id=turn.user_id)
            if member is None and not admin:
                return Reply([Screen(texts.ROLLUP_NOT_MEMBER.format(agency=government.name))])
            year = self.walk.report_year(session, government)
            if int(year_text) != year:
                return Reply([Screen(texts.ROLLUP_STALE_YEAR.format(year=year_text))])
            drafts = action.verb is Verb.ROLLUP_DRAFTS or rest[0] == "d"
            if drafts and not admin:
                return Reply([Screen(texts.ROLLUP_DRAFTS_ADMIN)])
            result = gather(session, government, year, drafts=drafts)
            if action.verb is Verb.ROLLUP_DRAFTS:
                stored = self._stored(session, government, year)
                return Reply([preview_screen(result, government, stored, admin=admin)])
            row = repo.get_or_create_report(session=session, agency=government, year=year, commit=False)
            if row.status == ReportStatus.FINAL:
                return Reply([Screen(texts.ROLLUP_FINAL.format(agency=government.name, year=year))])
            if row.status == ReportStatus.SUBMITTED:  # with its reviewers: nothing changes until they decide
                return Reply([Screen(texts.SUBMITTED_READONLY)])
            if not result.used or result.fingerprint() != rest[1]:
                stored = self._stored(session, government, year)
                return Reply([Screen(texts.ROLLUP_CHANGED), preview_screen(result, government, stored, admin=admin)])
            return self._store(session, turn, government, member, result)

        return self._respond(turn, body)

    def _store(self, session: Session, turn: Turn, government: Agency, member: Member | None, result: RollUp) -> Reply:
        """The sums stored as the walk stores answers: the values with their totals, the questions they answer
        no longer skipped, the member's detour ended; then the member's next step (an admin's just the note)."""
        row = repo.get_or_create_report(session=session, agency=government, year=result.year, commit=False)
        # An admin who is not a member stores as themself: a Member never added to the session, for the walk's
        # context only (answered_by is their Telegram id).
        acting = member or Member(agency_id=government.id, telegram_user_id=turn.user_id, display_name="")
        ctx: Context = self.walk._load(session, acting, government, row, turn)
        changed = {k: v for k, v in result.values.items() if ctx.report.values.get(k) != v}
        if not changed:
            return Reply([Screen(texts.ROLLUP_SAME.format(agency=government.name, year=result.year))])
        ctx.set_values(changed)  # type: ignore[arg-type]
        keys = set(result.values)
        filled = [q for q in questions(ctx.report.format) if q.kind is Kind.ROW and q.id in keys]
        self.walk._finish(ctx, *(q for q in filled if ctx.progress.answered(q)))
        template = texts.ROLLUP_DONE
        drafts = [s.name for s in result.drafts]
        if drafts:
            template += "\n" + texts.ROLLUP_DONE_DRAFTS
        fields = {
            "agency": government.name,
            "year": result.year,
            "count": len(changed),
            "sources": names([s.name for s in result.used]),
            "agencies": names(drafts),
        }
        latest = repo.latest_membership(session=session, telegram_user_id=turn.user_id)
        if member is not None and latest is not None and latest[1].id == government.id:
            return self.walk._after_change(ctx, template + "\n" + texts.ROLLUP_DONE_PROGRESS, **fields)
        return Reply([Screen(template.format(**fields))])
