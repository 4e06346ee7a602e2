"""What a tired official meets at 23:00 on 30 January: totals typed as shown, going back and keeping,
fixing 表三 in one tap per row, reviews that read like the format. Each against a real database."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session

from bot.chat.actions import Action, Verb
from bot.chat.service import Walk
from bot.delivery.turn import Turn
from bot.engine.questions import Kind, questions
from bot.report import datafile
from bot.report.model import Report, format_number
from bot.schema import Level
from storage import repo
from tests.chat.test_service import IDS, USER, Member, join, to_table_two, walk, zero_table_two
from tests.conftest import DATA

__all__ = ["walk"]  # the fixture


def buttons(member: Member, verb: Verb, arg: str = "") -> list[tuple[str, str]]:
    reply = member.walk.act(Turn(member._next(), member.user_id), Action(verb, arg))
    assert reply is not None
    return [b for row in reply.screens[-1].buttons for b in row]


def to_table_three(member: Member) -> None:
    to_table_two(member)
    zero_table_two(member)
    member.tap(Verb.GATE_SOME, "T3")


def test_a_row_typed_with_its_total_is_taken_when_the_total_is_the_sum(walk: Walk) -> None:
    member = join(walk)
    to_table_three(member)
    saved = member.say("80 1 0 0 0 0 81")  # as the screen shows it: six numbers and the total
    assert "✅ 一、本年新收政府信息公开申请数量：80 1 0 0 0 0（总计 81）" in saved
    assert member.report().row("applications.new") == (80, 1, 0, 0, 0, 0, 81)
    wrong = member.say("2 0 0 0 0 0 3")
    assert "但 2+0+0+0+0+0 = 2" in wrong and "二、上年结转" in wrong
    assert member.report().row("applications.carried_over") is None  # nothing stored
    member.tap(Verb.BACK, "applications.carried_over")
    shown = member.tap(Verb.BACK, "applications.carried_over")
    assert "当前：80 1 0 0 0 0（总计 81）" in shown  # the total apart: six numbers are asked


def test_going_back_shows_what_is_stored_and_keeps_it(walk: Walk) -> None:
    member = join(walk)
    to_table_two(member)
    member.tap(Verb.ZERO, "proactive.regulations")
    member.say("3")  # 行政许可
    back = member.tap(Verb.BACK, "proactive.punishment")
    assert "行政许可" in back and "当前：3" in back and "保留" in back
    labels = [label for label, _ in buttons(member, Verb.BACK, "proactive.licensing")]
    assert "保留" in labels and "跳过" not in labels  # on 行政规范性文件 now: answered, so no 跳过
    kept = member.tap(Verb.KEEP_STORED, "proactive.normative_docs")
    assert "“行政规范性文件”保持不变" in kept and "行政许可" in kept.split("保持不变")[1]  # one step forward
    kept = member.tap(Verb.KEEP_STORED, "proactive.licensing")
    assert "行政处罚" in kept.split("保持不变")[1]  # and on to where the walk stands
    assert member.report().row("proactive.licensing") == (3,)


def test_going_back_onto_a_written_part_offers_keep_and_the_whole_text(walk: Walk) -> None:
    member = join(walk)
    member.tap(Verb.STANDARD, "text.preamble")
    text = "本年度，我局认真贯彻落实《条例》。" * 20
    member.say(text)
    member.tap(Verb.DONE, "text.overview.intro")
    back = member.tap(Verb.BACK, "text.overview.proactive")
    assert "当前内容（340 字）" in back and "……" in back and "点“保留”" in back
    assert "稍后会再提醒您" not in member.tap(Verb.SKIP, "text.overview.intro")  # an old 跳过 keeps the text too
    member.tap(Verb.BACK, "text.overview.proactive")
    full = member.tap(Verb.FULL_TEXT, "text.overview.intro")
    assert text in full and "新内容会替换原文" in full
    member.say("新的概述。")
    saved = member.tap(Verb.DONE, "text.overview.intro")
    assert "✅ 已保存“总体情况概述”（5 字）" in saved
    assert member.report().text("text.overview.intro") == "新的概述。"


def test_a_gate_reached_by_going_back_offers_keep(walk: Walk) -> None:
    member = join(walk)
    to_table_three(member)
    member.tap(Verb.BACK, "applications.new")  # onto the gate of 表三 (no row answered yet)
    member.tap(Verb.GATE_NONE, "T3")
    back = member.tap(Verb.BACK, "gate:T4")
    assert "四、结转下年度继续办理" in back and "保留" in back  # the last row of 表三, all 0


def test_fixing_table_three_shows_both_sides_and_every_row_one_tap_away(walk: Walk) -> None:
    member = join(walk)
    to_table_three(member)
    member.say("80 1 0 0 0 0")
    member.say("2 0 0 0 0 0")
    member.say("30 1 0 0 0 0")
    member.tap(Verb.ZERO_ONE, "applications.partially_disclosed")
    for key in ("withheld_state_secret", "unavailable_not_held", "not_processed_petition", "other_no_correction"):
        member.tap(Verb.ZERO, f"applications.{key}")
    member.say("48 0 0 0 0 0")  # 结转下年度: 80 + 2 ≠ 30 + 48
    fix = member.tap(Verb.CONTINUE)
    assert "一、本年新收 80 ＋ 二、上年结转 2 ＝ 82" in fix
    assert "三、办理结果（七）总计 30 ＋ 四、结转下年度 48 ＝ 78" in fix and "相差 4" in fix
    assert "T3-" not in fix
    labels = dict(buttons(member, Verb.CONTINUE))
    assert len(labels) == 25  # 24 input rows and 稍后再改
    assert labels["（五）5.确认或重新出具：0"] == "e:applications.not_processed_confirmation"
    assert labels["（一）予以公开：31"] == "e:applications.disclosed"
    assert all(len(label) <= 16 for label in labels)  # short enough for a phone, never cut
    member.tap(Verb.EDIT, "applications.carried_forward")
    balanced = member.say("52 0 0 0 0 0")
    assert "✅ 表三已平衡" in balanced and "行政复议" in balanced


def test_a_review_after_one_edit_shows_that_section_with_column_names(walk: Walk) -> None:
    member = join(walk)
    to_table_three(member)
    member.say("80 1 0 0 0 0")
    member.tap(Verb.EDIT_FROM_REVIEW, "proactive.regulations")
    after = member.say("0 0 0")
    assert "年度报告概览" not in after and "二、主动公开政府信息情况" in after
    whole = walk.review(Turn(next(IDS), USER))
    assert whole is not None
    text = whole.screens[0].text
    assert "一、本年新收：总计 81（自然人 80，商业企业 1）" in text
    assert "（七）总计 总计" not in text and "规章：均为 0" in text


COUNTY = datafile.load(DATA / "county-2025-government.json")


def fill_from(member: Member, report: Report) -> None:
    """Answer every row of a report as typed numbers, on from where the member stands; prose parts skipped."""
    for q in questions(report.format):
        if q.kind is Kind.PROSE:
            if not member.report().text(q.id):
                member.tap(Verb.SKIP, q.id)
        elif q.kind is Kind.GATE:
            member.tap(Verb.GATE_SOME, q.table.id)  # type: ignore[union-attr]
        elif q.kind is Kind.ROW:
            inputs = [report.cells(q.table, q.row)[i] for i in q.table.input_columns]  # type: ignore[arg-type,union-attr]
            member.say(" ".join(format_number(v) for v in inputs))


def test_a_draft_from_the_numbers_is_offered_and_a_changed_number_flags_the_text(walk: Walk) -> None:
    member = join(walk, agency="某某县人民政府", level=Level.GOVERNMENT)
    member.tap(Verb.STANDARD, "text.preamble")
    member.tap(Verb.SKIP, "text.overview.intro")
    member.tap(Verb.SKIP, "text.overview.proactive")
    assert "填完表三、表四后" in member.tap(Verb.CONTINUE)  # no numbers yet: the draft comes later
    fill_from(member, COUNTY)
    asked = member.tap(Verb.EDIT, "text.overview.on_request")
    assert "根据已填写的表格" in asked and "本年度共收到政府信息公开申请81件" in asked
    assert "使用草稿" in [label for label, _ in buttons(member, Verb.EDIT, "text.overview.on_request")]
    saved = member.tap(Verb.USE_DRAFT, "text.overview.on_request")
    assert "✅ 已保存“依申请公开情况”" in saved and "⚠️" not in saved.split("\n\n")[0]
    text = member.report().text("text.overview.on_request") or ""
    assert text.startswith("本年度共收到政府信息公开申请81件") and "被提起行政诉讼7件" in text
    member.tap(Verb.EDIT, "applications.new")
    changed = member.say("85 1 0 0 0 0")
    assert "“依申请公开情况”中的数字与现在的表格不一致" in changed and "85" in changed.split("不一致")[1]
    labels = [label for label, _ in buttons(member, Verb.CONTINUE)]
    assert "使用草稿" not in labels  # the offer is on the part itself, one tap away:
    reopened = member.tap(Verb.EDIT, "text.overview.on_request")
    assert "当前内容与表格不一致" in reopened and "收到政府信息公开申请86件" in reopened


def test_reused_prose_is_shown_with_what_is_likely_stale(engine: Engine) -> None:
    walk = Walk(engine, clock=lambda: datetime(2026, 12, 10, 9, 0, tzinfo=UTC))
    member = join(walk, agency="某某县人民政府", level=Level.GOVERNMENT)
    year = member.report().year
    assert year == 2026
    last = dataclasses.replace(COUNTY, year=year - 1, date=None)
    with Session(engine) as session:
        agency = repo.get_agency_by_name(session=session, name="某某县人民政府")
        assert agency is not None
        repo.store_report(session=session, agency=agency, report=last)
    member.tap(Verb.STANDARD, "text.preamble")
    asked = member.tap(Verb.CONTINUE)
    assert "上年报告中这一部分（122 字）：\n2025年，某某县人民政府坚持" in asked  # what would be reused
    reused = member.tap(Verb.REUSE, "text.overview.intro")
    assert "已沿用上年内容" in reused and "可能有需要更新的地方" in reused
    assert f"{year - 1}" in reused.split("可能有需要更新的地方")[1]  # last year's year in the text
