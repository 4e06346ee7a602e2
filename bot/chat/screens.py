"""Each step of the walk as a screen: Chinese text and button rows (and, at the edge, Telegram's keyboard)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.chat.actions import Action, Verb
from bot.engine.questions import Ask, Done, Fix, Kind, Progress, Question, Skipped, Step, question, questions
from bot.importer import Imported
from bot.report.checks import Finding, errors, failing_sides, row_name
from bot.report.drafts import DRAFTED, disagreements, draft, draft_notes
from bot.report.model import Cell, Report, RowValue, Value, format_number
from bot.schema import Row, Table

Buttons = list[list[tuple[str, str]]]  # rows of (label, callback data)
EXCERPT = 150  # characters of the current text shown when a prose part is asked again (beginning and end)
MAX_PROSE = 20_000  # characters per prose part: far beyond any real report section


@dataclass(frozen=True)
class Screen:
    """What one message shows. ``asks`` is the question it asks (its id), "" for a step of the walk that
    asks none (a mismatch to fix, the end), None for anything else (help, status, review)."""

    text: str
    buttons: Buttons = field(default_factory=list)
    asks: str | None = None

    def after(self, text: str) -> Screen:
        """This screen with ``text`` (an acknowledgement, an error) in front of it."""
        return replace(self, text=f"{text}\n\n{self.text}")


@dataclass(frozen=True)
class Notice:
    """A message to another chat than the update's (reviewers told of a submission, members of a return),
    stored in the outbox in the same transaction as the change it tells of."""

    chat_id: int
    screen: Screen


@dataclass
class Reply:
    """What an update is answered with: screens in order, and the report's files to make and send after
    them (``files``: docx, draft, html, picture, or review-<report id> for a reviewer). ``notices`` go to
    other chats. ``handled`` is False for an update that was acted on before."""

    screens: list[Screen] = field(default_factory=list)
    handled: bool = True
    files: str | None = None
    notices: list[Notice] = field(default_factory=list)


def markup_rows(screen: Screen) -> InlineKeyboardMarkup | None:
    """The screen's buttons as Telegram's inline keyboard (None without buttons)."""
    if not screen.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in screen.buttons if row]
    )


def _b(label: str, verb: Verb, arg: str = "") -> tuple[str, str]:
    return label, Action(verb, arg).encode()


def values_text(cells: RowValue) -> str:
    return " ".join(format_number(c) for c in cells)


def named_values(table: Table, cells: RowValue) -> str:
    """A stored row in words: 总计 81（自然人 80，商业企业 1）; 本年制发件数 12，…; 均为 0. Each number with
    its column's name, zeros left out of a row that has a total."""
    if None in cells:
        return texts.REVIEW_UNFILLED
    if len(table.columns) == 1:
        return format_number(cells[0])
    if all(c == 0 for c in cells):
        return texts.ALL_ZERO
    named = [(c.label, cell) for c, cell in zip(table.columns, cells, strict=True)]
    if table.columns[-1].sums:
        parts = texts.LIST_SEPARATOR.join(f"{label} {format_number(v)}" for label, v in named[:-1] if v)
        return texts.NAMED_TOTAL.format(total=format_number(cells[-1]), parts=parts)
    return texts.LIST_SEPARATOR.join(f"{label} {format_number(v)}" for label, v in named)


def excerpt(text: str) -> str:
    """A long text's beginning and end, so a member sees what is stored without a wall of text."""
    if len(text) <= EXCERPT:
        return text
    return f"{text[: EXCERPT * 2 // 3]}……{text[-EXCERPT // 3 :]}"


def full_text_button(q: Question) -> tuple[str, str]:
    return _b(texts.BUTTON_FULL_TEXT, Verb.FULL_TEXT, q.id)


def where(q: Question) -> str:
    section = q.section.heading or (q.prose.name if q.prose else "")
    if q.prose and q.prose.heading:
        return texts.WHERE_PART.format(section=section, part=q.prose.heading)
    if q.table and q.table.caption:
        return texts.WHERE_PART.format(section=section, part=q.table.caption)
    return texts.WHERE.format(section=section)


def example(table: Table, count: int) -> str:
    if table.number.is_integer:
        return " ".join(["1"] + ["0"] * (count - 1)) if count > 1 else "3"
    return "12.5"


def _row_prompt(q: Question) -> str:
    assert q.table and q.row
    columns = [q.table.columns[i].label for i in q.table.input_columns]
    label = row_name(q.row)
    if q.count == 1:
        return texts.ROW_ASK_ONE.format(label=label, column=columns[0], example=example(q.table, 1))
    return texts.ROW_ASK.format(
        label=label, count=q.count, columns=" ".join(columns), example=example(q.table, q.count)
    )


def row_hint(q: Question) -> str:
    assert q.table
    if q.count == 1:
        return texts.ROW_HINT_ONE.format(example=example(q.table, 1))
    return texts.ROW_HINT_MANY.format(count=q.count, example=example(q.table, q.count))


def _zero_buttons(q: Question) -> list[tuple[str, str]]:
    """0 for this row; where the row opens an article or group, also 0 for all of it."""
    one = _b(texts.BUTTON_ZERO if q.count == 1 else texts.BUTTON_ZERO_ROW, Verb.ZERO_ONE, q.id)
    if len(q.zero_rows) == 1:
        return [one]
    if q.table and q.table.caption:
        return [one, _b(texts.BUTTON_ZERO_ARTICLE, Verb.ZERO, q.id)]
    return [one, _b(texts.BUTTON_ZERO_GROUP.format(group=q.zero_rows[0].groups[-1]), Verb.ZERO, q.id)]


def carried_forward_last_year(last_year: Report | None, q: Question) -> RowValue | None:
    """Last year's 结转下年度 is this year's 上年结转: offered with one tap."""
    if last_year is None or q.id != "applications.carried_over":
        return None
    cells = last_year.row("applications.carried_forward")
    return cells if cells and None not in cells else None


def ask_screen(step: Ask, progress: Progress, last_year: Report | None) -> Screen:
    q = step.question
    nav = [_b(texts.BUTTON_BACK, Verb.BACK, q.id), _b(texts.BUTTON_SKIP, Verb.SKIP, q.id)]
    if q.kind is Kind.GATE:
        assert q.table
        buttons = [
            [
                _b(texts.BUTTON_GATE_NONE, Verb.GATE_NONE, q.table.id),
                _b(texts.BUTTON_GATE_SOME, Verb.GATE_SOME, q.table.id),
            ]
        ]
        text = f"{where(q)}\n{texts.GATE_ASK[q.table.id]}"
        if progress.answered(q):  # reached by 上一步: the table is filled
            text += texts.GATE_CURRENT.format(table=q.table.name)
            return Screen(text, [*buttons, [_b(texts.BUTTON_KEEP_STORED, Verb.KEEP_STORED, q.id), nav[0]]])
        return Screen(text, [*buttons, nav[:1]])
    if q.kind is Kind.PROSE:
        assert q.prose
        covers = "\n".join(texts.PROSE_COVER.format(topic=t) for t in q.prose.covers)
        if progress.report.level == "government" and q.prose.government_covers:
            covers += "\n" + "\n".join(texts.PROSE_COVER.format(topic=t) for t in q.prose.government_covers)
        text = f"{where(q)}\n" + texts.PROSE_ASK.format(name=q.prose.name, covers=covers)
        current = step.draft if step.draft is not None else progress.report.text(q.id)
        if current:
            text += texts.PROSE_CURRENT.format(chars=len(current), excerpt=excerpt(current))
        first: list[tuple[str, str]] = []
        if step.draft:
            nav.insert(0, _b(texts.BUTTON_REWRITE, Verb.REWRITE, q.id))
        if step.draft is None and progress.answered(q):  # written before: keep it, or change it
            text += texts.PROSE_KEEP_HINT
            keep = _b(texts.BUTTON_KEEP_STORED, Verb.KEEP_STORED, q.id)
            nav = [keep, _b(texts.BUTTON_FULL_TEXT, Verb.FULL_TEXT, q.id), _b(texts.BUTTON_BACK, Verb.BACK, q.id)]
        if step.draft:
            first.append(_b(texts.BUTTON_DONE, Verb.DONE, q.id))
        if last_year and (old := last_year.text(q.id)):
            text += texts.PROSE_LAST_YEAR.format(chars=len(old), excerpt=excerpt(old))
            first.append(_b(texts.BUTTON_REUSE_TEXT, Verb.REUSE, q.id))
        if q.id == "text.preamble":
            first.append(_b(texts.BUTTON_STANDARD, Verb.STANDARD, q.id))
        if q.id in DRAFTED and step.draft is None:
            offer = _draft_offer(progress.report, q)
            if offer:
                text += offer
                first.insert(0, _b(texts.BUTTON_USE_DRAFT, Verb.USE_DRAFT, q.id))
            elif not current:
                text += texts.DRAFT_LATER
        return Screen(text, [first, nav] if first else [nav])
    text = f"{where(q)}\n{_row_prompt(q)}"
    current = progress.report.row(q.id)
    if current and None not in current:
        text += texts.ROW_CURRENT.format(values=row_text(q, current))
        text += texts.ROW_KEEP_HINT
        nav = [_b(texts.BUTTON_KEEP_STORED, Verb.KEEP_STORED, q.id), nav[0]]
    first = _zero_buttons(q)
    if (carried := carried_forward_last_year(last_year, q)) is not None:
        inputs = tuple(carried[i] for i in q.table.input_columns)  # type: ignore[union-attr]
        text += texts.ROW_LAST_YEAR.format(values=values_text(inputs), total=format_number(carried[-1]))
        first.insert(0, _b(texts.BUTTON_REUSE_ROW.format(values=values_text(inputs)), Verb.REUSE, q.id))
    return Screen(text, [first, nav])


def brief(row: Row) -> str:
    """A row's name for a button: the format's numbering and its key words, never cut mid-word."""
    return row.brief or row_name(row)


def _identity_lines(report: Report, table: Table) -> list[str]:
    """Both sides of each of the table's identities that fails, column by column, with their numbers."""
    lines: list[str] = []
    for equation in report.format.equations:
        if equation.table != table.id:
            continue
        for i, left, right in failing_sides(report, equation):
            sums = [sum(c for _, c in side) for side in (left, right)]  # type: ignore[misc]
            lines.append(
                texts.FIX_IDENTITY.format(
                    column=table.columns[i].label,
                    left=_side(left),
                    left_sum=format_number(sums[0]),
                    right=_side(right),
                    right_sum=format_number(sums[1]),
                    difference=format_number(abs(sums[0] - sums[1])),
                )
            )
    return lines


def _side(side: list[tuple[Row, Cell]]) -> str:
    return texts.FIX_PLUS.join(f"{brief(row)} {format_number(cell)}" for row, cell in side)


def _draft_offer(report: Report, q: Question) -> str:
    """The part written from the tables, offered while nothing is written or what is written disagrees
    with the tables; "" when there is no draft (its cells are unfilled) or nothing to offer it for."""
    written = draft(report, q.id)
    stored = report.text(q.id)
    if written is None or written == stored:
        return ""
    if stored and not (found := disagreements(stored, report, q.id)):
        return ""
    lines = [texts.DRAFT_OFFER.format(draft=written), *draft_notes(report, q.id)]
    if q.id in texts.DRAFT_COVERS_ONLY:  # a draft of one topic of the part: say what it leaves to the member
        lines.append(texts.DRAFT_COVERS_ONLY[q.id])
    if stored:
        lines.insert(0, texts.DRAFT_DISAGREES_HERE.format(findings=_listed(found)))
    return "\n\n" + "\n".join(lines)


def fix_screen(step: Fix, report: Report) -> Screen:
    """A complete table whose 勾稽关系 fail: both sides of the identity with their numbers, and every row of
    the table one tap away (its total on the button)."""
    table = step.table
    identities = _identity_lines(report, table)
    rules = {e.rule for e in report.format.equations if e.table == table.id}
    others = [f"• {f.message}" for f in step.findings if f.rule not in rules or not identities]
    lines = identities + others
    buttons: list[tuple[str, str]] = []
    for row in table.input_rows:
        cells = report.row(row.key)
        total = format_number(cells[-1]) if cells and cells[-1] is not None else texts.UNFILLED_CELL
        buttons.append(_b(texts.BUTTON_FIX_ROW.format(name=brief(row), total=total), Verb.EDIT, row.key))
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([_b(texts.BUTTON_FIX_LATER, Verb.FIX_LATER, table.id)])
    equation = texts.FIX_EQUATION.get(table.id, "")
    return Screen(texts.FIX_ASK.format(table=table.name, equation=equation, findings="\n".join(lines)), rows)


def results_screen(table: Table) -> Screen:
    rows = [r for r in table.input_rows if r.groups]
    buttons = [_b(brief(r), Verb.EDIT, r.key) for r in rows]
    return Screen(texts.FIX_RESULTS_ASK, [buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def question_name(q: Question) -> str:
    if q.prose:
        return q.prose.name
    assert q.row and q.table
    return f"{q.table.name} {row_name(q.row)}"


def history_choice_screen(found: list[Question]) -> Screen:
    """Several fields answer to the words: which one's history."""
    items = "\n".join(f"{i}. {question_name(q)}" for i, q in enumerate(found, 1))
    buttons = [[_b(question_name(q)[:30], Verb.HISTORY, q.id)] for q in found[:MAX_LISTED]]
    return Screen(texts.HISTORY_WHICH.format(count=len(found), items=items), buttons)


def history_screen(q: Question, changes: list[tuple[Value | None, int | None, datetime, str]]) -> Screen:
    """Who changed a field and when, newest first (times in the bot's time zone)."""
    if not changes:
        return Screen(texts.HISTORY_NONE.format(name=question_name(q)))
    lines = [texts.HISTORY_HEAD.format(name=question_name(q), count=len(changes))]
    for value, by, at, name in changes[:MAX_HISTORY]:
        who = texts.HISTORY_IMPORT if by is None else name or texts.HISTORY_FORMER_MEMBER
        lines.append(texts.HISTORY_LINE.format(when=at.strftime("%m-%d %H:%M"), who=who, value=_shown(q, value)))
    if len(changes) > MAX_HISTORY:
        lines.append(texts.MORE_ITEMS.format(count=len(changes) - MAX_HISTORY))
    return Screen("\n".join(lines))


def _shown(q: Question, value: Value | None) -> str:
    if value is None:
        return texts.HISTORY_CLEARED
    if isinstance(value, str):
        return excerpt(value)
    return row_text(q, value)


def row_text(q: Question, cells: RowValue) -> str:
    """A stored row as the member typed it, its total apart: 80 1 0 0 0 0（总计 81）."""
    inputs = tuple(cells[i] for i in q.table.input_columns)  # type: ignore[union-attr]
    if q.has_total and cells[-1] is not None:
        return texts.ROW_WITH_TOTAL.format(values=values_text(inputs), total=format_number(cells[-1]))
    return values_text(inputs)


def skipped_screen(step: Skipped) -> Screen:
    items = "\n".join(f"{i}. {question_name(q)}" for i, q in enumerate(step.open, 1))
    buttons = [[_b(question_name(q)[:30], Verb.EDIT, q.id)] for q in step.open[:8]]
    return Screen(texts.SKIPPED_LIST.format(count=len(step.open), items=items), buttons)


def done_screen() -> Screen:
    return Screen(
        texts.DONE,
        [[_b(texts.BUTTON_REPORT, Verb.REPORT, "docx"), _b(texts.BUTTON_REVIEW, Verb.REVIEW, "")]],
    )


def step_screen(step: Step, progress: Progress, last_year: Report | None = None) -> Screen:
    if isinstance(step, Ask):
        return replace(ask_screen(step, progress, last_year), asks=step.question.id)
    if isinstance(step, Fix):
        return replace(fix_screen(step, progress.report), asks="")
    if isinstance(step, Skipped):
        return replace(skipped_screen(step), asks="")
    assert isinstance(step, Done)
    return replace(done_screen(), asks="")


def previous_question(progress: Progress, current: Question) -> Question | None:
    """The question before this one in report order, skipping gates whose table was answered row by row."""
    all_questions = questions(progress.report.format)
    index = all_questions.index(current)
    for q in reversed(all_questions[:index]):
        if q.kind is Kind.GATE and any(
            progress.answered(r) for r in all_questions if r.table is q.table and r.kind is Kind.ROW
        ):
            continue
        return q
    return None


def next_question(progress: Progress, current: Question) -> Question | None:
    """The question after this one in report order, skipping gates whose table was answered row by row."""
    all_questions = questions(progress.report.format)
    for q in all_questions[all_questions.index(current) + 1 :]:
        if q.kind is Kind.GATE and progress.answered(q):
            continue
        return q
    return None


def _section_lines(progress: Progress, section_questions: list[Question]) -> list[str]:
    report = progress.report
    lines: list[str] = []
    tables_done: set[str] = set()
    for q in section_questions:
        mark = "✅" if progress.answered(q) else ("⏭" if q.id in progress.skipped else "⬜")
        if q.prose:
            text = report.text(q.id)
            summary = texts.REVIEW_PROSE_FILLED.format(chars=len(text)) if text else texts.REVIEW_UNFILLED
            lines.append(texts.REVIEW_PROSE.format(mark=mark, name=q.prose.name, summary=summary))
        elif q.table and q.row and q.table.id in ("T3",):
            if q.table.id in tables_done:
                continue
            tables_done.add(q.table.id)
            lines.extend(_table_summary(progress, q.table))
        elif q.table and q.row:
            cells = report.row(q.id)
            values = named_values(q.table, cells) if cells else texts.REVIEW_UNFILLED
            lines.append(texts.REVIEW_ROW.format(mark=mark, name=brief(q.row), values=values))
    return lines


def _table_summary(progress: Progress, table: Table) -> list[str]:
    """Table 三 in a few lines: its non-zero rows with their totals, and how many rows are still open."""
    rows = [(r, progress.report.row(r.key)) for r in table.rows]
    open_count = sum(1 for r, cells in rows if not r.computed and (cells is None or None in cells))
    nonzero = [(r, cells) for r, cells in rows if cells and None not in cells and any(cells)]
    lines = [
        texts.REVIEW_ROW.format(mark="•", name=brief(r), values=named_values(table, cells)) for r, cells in nonzero
    ]
    if open_count:
        lines.append(
            texts.REVIEW_ROW.format(mark="⬜", name=table.name, values=f"{open_count} 行{texts.REVIEW_UNFILLED}")
        )
    return lines or [texts.REVIEW_ALL_ZERO]


def _item_name(q: Question) -> str:
    """An item of the review as a button: a prose part's name, a row's short name."""
    if q.prose:
        return q.prose.name
    assert q.row is not None
    return brief(q.row)


def review_screen(progress: Progress, section_number: str | None = None) -> Screen:
    """The whole report compactly with a 修改 button per section, or one section's items to pick from."""
    fmt = progress.report.format
    by_section: dict[str, list[Question]] = {}
    for q in questions(fmt):
        if q.kind is not Kind.GATE:
            by_section.setdefault(q.section.number, []).append(q)
    if section_number is not None and section_number in by_section:
        qs = by_section[section_number]
        heading = qs[0].section.heading or qs[0].prose.name  # type: ignore[union-attr]
        buttons = [_b(_item_name(q), Verb.EDIT_FROM_REVIEW, q.id) for q in qs]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        rows.append([_b(texts.BUTTON_REVIEW_ALL, Verb.REVIEW, ""), _b(texts.BUTTON_CONTINUE, Verb.CONTINUE)])
        lines = [texts.REVIEW_PICK.format(heading=heading), *_section_lines(progress, qs)]
        return Screen("\n".join(lines), rows)
    report = progress.report
    lines = [texts.REVIEW_HEAD.format(agency=report.agency, year=report.year)]
    edit_buttons = []
    for number, qs in by_section.items():
        heading = qs[0].section.heading or qs[0].prose.name  # type: ignore[union-attr]
        lines.append("")
        lines.append(texts.REVIEW_SECTION.format(heading=heading))
        lines.extend(_section_lines(progress, qs))
        edit_buttons.append(_b(texts.BUTTON_EDIT_SECTION.format(number=number or "开篇"), Verb.REVIEW, number))
    rows = [edit_buttons[i : i + 4] for i in range(0, len(edit_buttons), 4)]
    rows.append([_b(texts.BUTTON_CONTINUE, Verb.CONTINUE), _b(texts.BUTTON_REPORT, Verb.REPORT, "docx")])
    return Screen("\n".join(lines), rows)


def preview_screen(report: Report) -> Screen:
    """Tables 二, 三 and 四 as short text lines; table 三 lists only its non-zero rows."""
    lines = [texts.PREVIEW_HEAD]
    for section in report.format.sections:
        if not section.tables:
            continue
        lines += ["", section.heading or ""]
        for table in section.tables:
            if table.caption:
                lines.append(table.caption)
            shown = [(r, report.cells(table, r)) for r in table.rows]
            if table.id == "T3":
                shown = [(r, c) for r, c in shown if any(x != 0 for x in c)] or []
                if not shown:
                    lines.append(texts.REVIEW_ALL_ZERO)
                    continue
            for row, cells in shown:
                lines.append(texts.REVIEW_ROW.format(mark="•", name=brief(row), values=named_values(table, cells)))
    return Screen("\n".join(lines))


MAX_LISTED = 8  # findings listed in one message; the rest are counted
MAX_HISTORY = 15  # changes of a field listed in one message


def _listed(findings: list[Finding]) -> str:
    lines = [f"• {f.message}" for f in findings[:MAX_LISTED]]  # the rule codes are for the command line
    if len(findings) > MAX_LISTED:
        lines.append(texts.MORE_ITEMS.format(count=len(findings) - MAX_LISTED))
    return "\n".join(lines)


def place_question(report: Report, place: str) -> Question | None:
    """The question that fills a finding's place (applications.new[6], proactive.regulations.issued)."""
    key = re.sub(r"\[\d+\]$", "", place)
    for candidate in (key, key.rsplit(".", 1)[0]):
        q = question(report.format, candidate)
        if q is not None and not (q.row and q.row.computed):
            return q
    return None


def report_errors_screen(report: Report, findings: list[Finding]) -> Screen:
    """The errors that stop the report, a button to each place, and the offer of a draft anyway."""
    errs = errors(findings)
    targets: list[Question] = []
    for finding in errs:
        for place in finding.places:
            q = place_question(report, place)
            if q is not None:
                if q not in targets:
                    targets.append(q)
                break
    buttons = [
        [_b(texts.BUTTON_EDIT.format(name=question_name(q))[:40], Verb.EDIT, q.id)] for q in targets[:MAX_LISTED]
    ]
    buttons.append([_b(texts.BUTTON_REPORT_DRAFT, Verb.REPORT, "draft")])
    return Screen(texts.REPORT_ERRORS.format(count=len(errs), items=_listed(errs)), buttons)


def report_ready_screen(findings: list[Finding]) -> Screen:
    """Before the file: no errors (or a draft on request), the warnings, and a preview button."""
    errs = errors(findings)
    warnings = [f for f in findings if f not in errs]
    text = texts.REPORT_DRAFT.format(count=len(errs)) if errs else texts.REPORT_OK
    text += "\n" + texts.FILES_PENDING  # updated in place when the files have gone out
    if warnings:
        text += "\n\n" + texts.REPORT_WARNINGS.format(items=_listed(warnings))
    return Screen(text, [[_b(texts.BUTTON_PREVIEW, Verb.REPORT, "preview")]])


def finalize_blocked_screen(report: Report, errs: list[Finding]) -> Screen:
    """Why the report cannot be final yet, with the same jump buttons as /report."""
    screen = report_errors_screen(report, errs)
    return Screen(texts.FINALIZE_BLOCKED.format(count=len(errs), items=_listed(errs)), screen.buttons[:-1])


def finalize_confirm_screen(report: Report, day: date, example: str, *, submit: bool = False) -> Screen:
    """The date the report will print, how to change it, and the button that makes it final (or, in an
    agency that needs review, submits it to the reviewers)."""
    when = texts.DATE_CN.format(d=day)
    if submit:
        template, label, later = texts.SUBMIT_CONFIRM, texts.BUTTON_SUBMIT_CONFIRM, texts.BUTTON_NOT_NOW_SUBMIT
    else:
        template, label, later = texts.FINALIZE_CONFIRM, texts.BUTTON_FINALIZE_CONFIRM, texts.BUTTON_NOT_NOW
    text = template.format(year=report.year, agency=report.agency, date=when, example=example)
    confirm = _b(label.format(date=when), Verb.FINALIZE, day.strftime("%Y%m%d"))
    return Screen(text, [[confirm], [_b(later, Verb.CONTINUE)]])


def import_screen(imported: Imported, ours: str, this_year: int, overwrites: list[str], pending_id: int) -> Screen:
    """What an uploaded report holds, what could not be read, what it would overwrite; confirm or cancel."""
    report = imported.report
    last, ask_year = report.year != this_year, "year" in imported.unnamed
    summary = texts.IMPORT_SUMMARY_LAST if last else texts.IMPORT_SUMMARY_THIS
    summary = texts.IMPORT_SUMMARY_NO_YEAR if ask_year else summary
    agency = ours if "agency" in imported.unnamed else report.agency
    lines = [summary.format(year=report.year, agency=agency, date=_date_or_dash(report))]
    if agency != ours:
        lines.append(texts.IMPORT_OTHER_AGENCY.format(file=report.agency, ours=ours))

    def total(key: str, column: int = -1) -> str:
        cells = report.row(key)
        return format_number(cells[column]) if cells else texts.UNFILLED_CELL

    lines.append(
        texts.IMPORT_TABLES.format(
            regulations=total("proactive.regulations"),
            normative=total("proactive.normative_docs"),
            licensing=total("proactive.licensing"),
            new=total("applications.new"),
            carried_over=total("applications.carried_over"),
            carried_forward=total("applications.carried_forward"),
            review=total("reviews_litigation.review"),
            litigation=_sum_text(
                report, "reviews_litigation.litigation_direct", "reviews_litigation.litigation_after_review"
            ),
        )
    )
    lines.append(texts.IMPORT_PROSE.format(count=sum(1 for p in report.format.prose if report.text(p.key))))
    if imported.warnings:
        items = [f"• {w}" for w in imported.warnings[:MAX_LISTED]]
        if len(imported.warnings) > MAX_LISTED:
            items.append(texts.MORE_ITEMS.format(count=len(imported.warnings) - MAX_LISTED))
        lines.append(texts.IMPORT_UNREADABLE.format(count=len(imported.warnings), items="\n".join(items)))
    if overwrites:
        names = "、".join(question_name(q) for k in overwrites if (q := question(report.format, k)))
        lines.append(texts.IMPORT_OVERWRITES.format(count=len(overwrites), items=names))
    if ask_year:
        lines.append(texts.IMPORT_ASK_YEAR)
        choices = ((texts.BUTTON_IMPORT_YEAR_LAST, this_year - 1), (texts.BUTTON_IMPORT_YEAR_THIS, this_year))
        years = [_b(label.format(year=year), Verb.IMPORT_YEAR, f"{pending_id}-{year}") for label, year in choices]
        return Screen("\n".join(lines), [years, [_b(texts.BUTTON_IMPORT_CANCEL, Verb.IMPORT_CANCEL, str(pending_id))]])
    lines.append(texts.IMPORT_CONFIRM_LAST if last else texts.IMPORT_CONFIRM_THIS)
    return Screen("\n".join(lines), _import_buttons(pending_id))


def import_year_screen(report: Report, this_year: int, overwrites: list[str], pending_id: int) -> Screen:
    """An upload's year, once the member said it: what confirming would do, and the buttons to do it."""
    last = report.year != this_year
    lines = [(texts.IMPORT_YEAR_LAST if last else texts.IMPORT_YEAR_THIS).format(year=report.year)]
    if overwrites:
        names = "、".join(question_name(q) for k in overwrites if (q := question(report.format, k)))
        lines.append(texts.IMPORT_OVERWRITES.format(count=len(overwrites), items=names))
    lines.append(texts.IMPORT_CONFIRM_LAST if last else texts.IMPORT_CONFIRM_THIS)
    return Screen("\n".join(lines), _import_buttons(pending_id))


def _import_buttons(pending_id: int) -> list[list[tuple[str, str]]]:
    return [
        [
            _b(texts.BUTTON_IMPORT_CONFIRM, Verb.IMPORT_CONFIRM, str(pending_id)),
            _b(texts.BUTTON_IMPORT_CANCEL, Verb.IMPORT_CANCEL, str(pending_id)),
        ]
    ]


def _date_or_dash(report: Report) -> str:
    return texts.DATE_CN.format(d=report.date) if report.date else "—"


def _sum_text(report: Report, *keys: str) -> str:
    cells = [report.row(k) for k in keys]
    if any(c is None or c[-1] is None for c in cells):
        return texts.UNFILLED_CELL
    return format_number(sum(c[-1] for c in cells))  # type: ignore[index,misc]
