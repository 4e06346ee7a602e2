"""Drafts from the stored numbers: they agree with their own tables, every figure is a stored cell, zeros read as
zeros; a saved text that the tables no longer bear out is noticed; stale parts of last year's text are pointed out."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

import pytest

from bot import texts
from bot.report import prose
from bot.report.checks import check
from bot.report.datafile import load
from bot.report.drafts import DRAFTED, disagreements, draft, draft_notes, stale_marks
from bot.report.model import Report, with_totals
from bot.schema import CURRENT
from tests.conftest import DATA, replace_values
from tests.importer.conftest import generated

ON_REQUEST, OTHER = "text.overview.on_request", "text.other"
COUNTY = DATA / "county-2025-government.json"


@pytest.fixture
def county() -> Report:
    return with_totals(load(COUNTY))


def cell_figures(report: Report) -> set[Decimal]:
    """What a draft may state: a stored cell of 表三 or 表四, or the sum of a 表三 category's or 诉讼's rows."""
    figures: set[Decimal] = set()
    for table in (CURRENT.table_of("applications.new"), CURRENT.table_of("reviews_litigation.review")):
        for row in table.rows:
            figures |= {Decimal(c) for c in report.cells(table, row) if c is not None}
    for quantity in prose.quantities(CURRENT):
        if (value := prose.table_value(report, quantity)) is not None:
            figures.add(Decimal(value))
    return figures


def assert_faithful(report: Report, key: str) -> str:
    """The draft disagrees with nothing, says every figure it reads, and each figure is one of the report's."""
    text = draft(report, key)
    assert text is not None
    assert disagreements(text, report, key) == [], text
    checked = replace_values(report, **{key.replace(".", "__"): text})
    assert not [f for f in check(checked) if f.rule in ("TEXT-NUMBERS", "S6-FEE") and key in f.places], text
    numbers = {Decimal(n) for n in re.findall(r"(\d+)件", text)}
    assert numbers <= cell_figures(report), (numbers - cell_figures(report), text)
    quotes = prose.quotes(text, report.format, report.year, on_request=key == ON_REQUEST)
    assert all(prose.agrees(report, q) for q in quotes), text
    return text


def test_the_county_draft_retells_tables_three_and_four(county: Report) -> None:
    text = assert_faithful(county, ON_REQUEST)
    assert text == (
        "本年度共收到政府信息公开申请81件，其中自然人80件、商业企业1件；上年结转2件。"
        "本年度办结79件，其中予以公开31件，部分公开5件，不予公开17件，无法提供17件，不予处理5件，其他处理4件；"
        "结转下年度继续办理4件。"
        "本年度因政府信息公开工作被申请行政复议2件，被提起行政诉讼7件。"
    )


def test_every_figure_of_the_draft_is_read_back_by_the_checks(county: Report) -> None:
    """The checks read each figure the draft states, so a later change of any of them is noticed."""
    text = draft(county, ON_REQUEST) or ""
    read = {q.quantity.id for q in prose.quotes(text, CURRENT, county.year, on_request=True)}
    categories = {rows[0] for _, rows in prose.result_categories(CURRENT.table_of("applications.new"))}
    expected = {prose.RECEIVED, prose.CARRIED_OVER, prose.TOTAL_HANDLED, prose.CARRIED_FORWARD}
    assert read == expected | categories | {prose.REVIEWS, prose.LAWSUITS}


def test_the_seed_gets_the_zero_sentences() -> None:
    seed = with_totals(load(DATA / "example-2023-suifenhe.json"))
    assert (
        assert_faithful(seed, ON_REQUEST)
        == "本年度未收到政府信息公开申请。本年度未发生因政府信息公开引起的行政复议、行政诉讼。"
    )
    assert assert_faithful(seed, OTHER) == "本年度未收取信息处理费。"
    assert draft_notes(seed, OTHER) == []


@pytest.mark.parametrize("n", range(40))
def test_generated_reports_get_faithful_drafts(n: int) -> None:
    report = generated(n)
    for key in DRAFTED:
        assert_faithful(report, key)


def test_only_applicants_who_asked_are_named_and_only_when_several_did(county: Report) -> None:
    one = with_totals(
        replace_values(
            county,
            applications__new=(81, 0, 0, 0, 0, 0, None),
            applications__carried_forward=(4, 1, 0, 0, 0, 0, None),
        )
    )
    assert assert_faithful(one, ON_REQUEST).startswith("本年度共收到政府信息公开申请81件，上年结转2件。")
    many = with_totals(replace_values(county, applications__new=(70, 1, 0, 0, 0, 10, None)))
    assert "其中自然人70件、商业企业1件、其他法人或其他组织10件" in (draft(many, ON_REQUEST) or "")


def test_carried_over_alone_and_a_single_kind_of_dispute(county: Report) -> None:
    report = with_totals(
        replace_values(
            county,
            applications__new=(0, 0, 0, 0, 0, 0, None),
            reviews_litigation__review=(0, 0, 0, 0, None),
            reviews_litigation__litigation_after_review=(0, 0, 0, 0, None),
        )
    )
    text = assert_faithful(report, ON_REQUEST)
    assert text.startswith("本年度未收到政府信息公开申请，上年结转2件。")
    assert text.endswith("本年度因政府信息公开工作未被申请行政复议，被提起行政诉讼5件。")


def test_unfilled_cells_leave_their_sentence_out(county: Report) -> None:
    values = {k: v for k, v in county.values.items() if not k.startswith("reviews_litigation.")}
    no_table_four = dataclasses.replace(county, values=values)
    assert "行政复议" not in (draft(no_table_four, ON_REQUEST) or "")
    assert "本年度共收到政府信息公开申请81件" in (draft(no_table_four, ON_REQUEST) or "")
    unknown = replace_values(county, applications__disclosed=(30, None, 0, 0, 0, 0, None))
    assert "办结" not in (draft(with_totals(unknown), ON_REQUEST) or "")
    empty = dataclasses.replace(county, values={})
    assert draft(empty, ON_REQUEST) is None and draft(empty, OTHER) is None
    assert draft(county, "text.problems") is None


def test_fee_notices_are_said_without_an_amount(county: Report) -> None:
    report = with_totals(
        replace_values(
            county,
            applications__other_no_fee=(1, 0, 0, 0, 0, 0, None),
            applications__other_other=(1, 0, 0, 0, 0, 0, None),
        )
    )
    text = assert_faithful(report, OTHER)
    assert "收费通知" in text and "1件" in text and "处理费" in text
    assert "元" not in text and "未收取" not in text
    assert draft_notes(report, OTHER) == [texts.DRAFT_FEE_AMOUNTS]


def test_a_saved_draft_disagrees_once_the_tables_change(county: Report) -> None:
    text = draft(county, ON_REQUEST) or ""
    changed = with_totals(
        replace_values(
            county,
            applications__new=(80, 2, 0, 0, 0, 0, None),
            applications__disclosed=(30, 2, 0, 0, 0, 0, None),
            applications__carried_forward=(4, 0, 0, 0, 0, 0, None),
            reviews_litigation__review=(1, 1, 0, 1, None),
        )
    )
    messages = [f.message for f in disagreements(text, changed, ON_REQUEST)]
    assert messages == [
        "正文“依申请公开情况”写收到申请 81 件，表三“一、本年新收”总计为 82 件",
        "正文“依申请公开情况”写办结 79 件，表三“（七）总计”为 80 件",
        "正文“依申请公开情况”写予以公开 31 件，表三“（一）予以公开”为 32 件",
        "正文“依申请公开情况”写行政复议 2 件，表四行政复议总计为 3 件",
    ]
    assert disagreements(draft(changed, ON_REQUEST) or "", changed, ON_REQUEST) == []
    fee = draft(county, OTHER) or ""
    unpaid = with_totals(replace_values(county, applications__other_no_fee=(1, 0, 0, 0, 0, 0, None)))
    assert [f.rule for f in disagreements(fee, unpaid, OTHER)] == ["S6-FEE"]


# --- text reused from last year's report ---------------------------------------------------------------------
def test_last_years_year_and_figures_are_marked(county: Report) -> None:
    reused = "2024年，我局共收到政府信息公开申请5件。全年因政府信息公开引起行政复议2件。"
    assert stale_marks(reused, county, key=ON_REQUEST) == [
        "“2024年，我局共收到政府信息公开申请5件”写的是 2024 年，本报告是 2025 年度的，请核对是否为上年内容"
    ]
    this_year = "本年度共收到政府信息公开申请5件，全年因政府信息公开引起行政复议1件。"
    assert stale_marks(this_year, county, key=ON_REQUEST) == [
        "“本年度共收到政府信息公开申请5件”与本年表格不一致：表三“一、本年新收”总计为 81 件",
        "“全年因政府信息公开引起行政复议1件”与本年表格不一致：表四行政复议总计为 2 件",
    ]


def test_a_figure_equal_to_last_years_table_is_named_as_such(county: Report) -> None:
    last = replace_values(dataclasses.replace(county, year=2024), applications__new=(5, 0, 0, 0, 0, 0, 5))
    text = "本年度共收到政府信息公开申请5件。"
    assert stale_marks(text, county, last, ON_REQUEST) == [
        "“本年度共收到政府信息公开申请5件”是上年报告的数字（5 件），本年表三“一、本年新收”总计为 81 件"
    ]
    unfilled = dataclasses.replace(county, values={ON_REQUEST: text})
    assert stale_marks(text, unfilled, last, ON_REQUEST) == [
        "“本年度共收到政府信息公开申请5件”是上年报告的数字（5 件），请改为本年数字"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "针对2024年度报告指出的依申请公开答复不规范问题，已全部整改。",
        "与2024年相比，本年度主动公开信息数量有所增加。",
        "对照上年度报告，2024年提出的问题已整改到位。",
        "本年度共收到政府信息公开申请81件，办结79件。",
        "本报告所列数据统计期限为2025年1月1日至2025年12月31日。",
        "1．本年度未收取信息处理费。2．认真落实《2025年政务公开工作要点》。",
        "印发《2024—2026年政务公开工作规划》，2024年以来持续推进。",
        "较2024年，本年度政策解读数量增加15篇。",
    ],
)
def test_what_is_not_stale_is_not_marked(county: Report, text: str) -> None:
    assert stale_marks(text, county, key=ON_REQUEST) == []


def test_the_county_prose_has_nothing_stale(county: Report) -> None:
    for part in CURRENT.prose:
        assert stale_marks(county.text(part.key) or "", county, key=part.key) == [], part.key


def test_the_seed_reused_a_year_later_is_marked() -> None:
    seed = with_totals(load(DATA / "example-2023-suifenhe.json"))
    next_year = dataclasses.replace(seed, year=2024)
    marks = stale_marks(seed.text(ON_REQUEST) or "", next_year, seed, ON_REQUEST)
    assert marks == ["“2023 年我局未收到需要公开信息的申请”写的是 2023 年，本报告是 2024 年度的，请核对是否为上年内容"]
    assert any("二〇二三年" in m for m in stale_marks("二〇二三年，我局进一步加强组织领导。", next_year))


def test_a_sentence_is_marked_once_and_shown_around_the_year(county: Report) -> None:
    reused = (
        "我局坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实条例要求，本年度报告所列数据统计期限为 2024 年"
        " 1 月 1 日至 2024 年 12 月 31 日。2024年，我局共收到政府信息公开申请5件，比上年增加2件。"
    )
    assert stale_marks(reused, county) == [
        "“…数据统计期限为 2024 年 1 月 1 日至 2024 年…”写的是 2024 年，本报告是 2025 年度的，请核对是否为上年内容",
        "“2024年，我局共收到政府信息公开申请5件，比上年增加2件”写的是 2024 年，本报告是 2025 年度的，"
        "请核对是否为上年内容",
    ]
