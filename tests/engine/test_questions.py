"""The next step is a pure function of stored answers: what a restart resumes from."""

from __future__ import annotations

from bot.engine.questions import Ask, Done, Fix, Kind, Progress, Skipped, next_step, question, questions
from bot.report.model import Report, with_totals
from bot.schema import CURRENT, Level
from tests.conftest import replace_values


def empty() -> Report:
    return Report("某局", Level.DEPARTMENT, 2026)


def test_questions_follow_the_schema_in_report_order() -> None:
    qs = questions(CURRENT)
    assert [q.id for q in qs if q.kind is Kind.GATE] == ["gate:T3", "gate:T4"]
    assert [q.id for q in qs if q.kind is not Kind.GATE] == list(CURRENT.field_keys[:31]) + list(
        k for k in CURRENT.field_keys[31:] if k != "applications.total_handled"
    )
    assert len(question(CURRENT, "applications.withheld_state_secret").zero_rows) == 8  # type: ignore[union-attr]


def test_an_empty_report_starts_with_the_preamble() -> None:
    step = next_step(Progress(empty()))
    assert isinstance(step, Ask) and step.question.id == "text.preamble"


def test_a_draft_and_a_chosen_question_come_first() -> None:
    draft = Progress(empty(), drafts={"text.problems": "写了一半"})
    step = next_step(draft)
    assert isinstance(step, Ask) and step.question.id == "text.problems" and step.draft == "写了一半"
    chosen = Progress(empty(), drafts={"text.problems": "x"}, editing="proactive.licensing")
    assert next_step(chosen).question.id == "proactive.licensing"  # type: ignore[union-attr]


def test_the_seed_is_done_and_a_gap_is_asked(seed: Report) -> None:
    assert isinstance(next_step(Progress(seed)), Done)
    gap = dict(seed.values)
    del gap["applications.disclosed"]
    step = next_step(Progress(Report(seed.agency, seed.level, seed.year, values=gap)))
    assert isinstance(step, Ask) and step.question.id == "applications.disclosed"


def test_a_gate_is_passed_once_any_row_of_its_table_is_answered(seed: Report) -> None:
    values = {k: v for k, v in seed.values.items() if not k.startswith("applications.")}
    before = Report(seed.agency, seed.level, seed.year, values=values)
    assert next_step(Progress(before)).question.id == "gate:T3"  # type: ignore[union-attr]
    after = replace_values(before, applications__new=(1, 0, 0, 0, 0, 0, 1))
    assert next_step(Progress(after)).question.id == "applications.carried_over"  # type: ignore[union-attr]


def test_a_broken_identity_is_a_fix_step_until_left_for_later(seed: Report) -> None:
    broken = with_totals(replace_values(seed, applications__new=(1, 0, 0, 0, 0, 0, None)))
    step = next_step(Progress(broken))
    assert isinstance(step, Fix) and step.table.id == "T3"
    assert [f.rule for f in step.findings] == ["T3-IDENTITY", "T3-IDENTITY"]
    assert isinstance(next_step(Progress(broken, skipped=frozenset({"fix:T3"}))), Done)


def test_skipped_questions_are_listed_at_the_end(seed: Report) -> None:
    values = dict(seed.values)
    del values["text.other"]
    report = Report(seed.agency, seed.level, seed.year, values=values)
    step = next_step(Progress(report, skipped=frozenset({"text.other"})))
    assert isinstance(step, Skipped) and [q.id for q in step.open] == ["text.other"]
    assert Progress(report).counted() == (41, 42)
