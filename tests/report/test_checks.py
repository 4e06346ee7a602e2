"""Every rule of the format: a report that passes it and one that breaks it, named by rule ID."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from bot.report.checks import check, errors
from bot.report.model import Report, with_totals
from bot.schema import FORMAT_2021, Level, Severity
from tests.conftest import replace_values

ZERO7 = (0,) * 7


def busy(clean: Report) -> Report:
    """A consistent report with real numbers in tables 三 and 四 (totals computed by the product)."""
    report = replace_values(
        clean,
        applications__new=(3, 1, 0, 0, 1, 0, None),
        applications__carried_over=(1, 0, 0, 0, 0, 0, None),
        applications__disclosed=(2, 1, 0, 0, 0, 0, None),
        applications__unavailable_not_held=(1, 0, 0, 0, 0, 0, None),
        applications__other_no_fee=(0, 0, 0, 0, 1, 0, None),
        applications__carried_forward=(1, 0, 0, 0, 0, 0, None),
        reviews_litigation__review=(1, 0, 0, 1, None),
        text__overview__on_request="本年度共收到政府信息公开申请5件，上年结转1件。",
        text__other="本年度发出信息处理费收费通知1件，申请人逾期未缴纳。政务公开工作要点已落实，建议提案办理结果已公开。",
    )
    return with_totals(report)


def rules(findings: list) -> set[str]:
    return {f.rule for f in findings}


def test_clean_report_has_no_finding(clean: Report) -> None:
    assert check(clean) == []


def test_busy_report_is_consistent(clean: Report) -> None:
    report = busy(clean)
    assert report.row("applications.total_handled") == (3, 1, 0, 0, 1, 0, 5)
    assert check(report) == []


def test_seed_has_no_error_and_warns_about_the_fee(seed: Report) -> None:
    findings = check(seed)
    assert errors(findings) == []
    assert "S6-FEE" in rules(findings)


FAILING = {
    "T3-ROW-TOTAL": (
        lambda r: replace_values(r, applications__new=(3, 1, 0, 0, 1, 0, 4)),
        "表三 一、本年新收政府信息公开申请数量：总计(4) ≠ 自然人(3)+商业企业(1)",
    ),
    "T3-COL-TOTAL": (
        lambda r: replace_values(r, applications__total_handled=(4, 1, 0, 0, 1, 0, 6)),
        "表三 自然人列：（七）总计(4) ≠ （一）至（六）各项之和(3)",
    ),
    "T3-IDENTITY": (
        lambda r: with_totals(replace_values(r, applications__carried_forward=(0, 0, 0, 0, 0, 0, None))),
        "表三 自然人列：第一项(3)+第二项(1) ≠ 第三项(3)+第四项(0)",
    ),
    "T4-TOTAL": (
        lambda r: replace_values(r, reviews_litigation__review=(1, 0, 0, 1, 3)),
        "表四 行政复议：总计(3) ≠ 结果维持(1)+结果纠正(0)+其他结果(0)+尚未审结(1)(=2)",
    ),
    "CELL-FILLED": (
        lambda r: replace_values(r, applications__withheld_state_secret=(0, None, 0, 0, 0, 0, 0)),
        "表三 （三）1.属于国家秘密 商业企业：未填写",
    ),
    "CELL-VALUE": (
        lambda r: replace_values(r, proactive__licensing=(-2,)),
        "表二 第二十条第（五）项 行政许可：不能为负数（-2）",
    ),
    "TEXT-FILLED": (
        lambda r: replace_values(r, text__overview__platforms="  "),
        "一、总体情况“政府信息公开平台建设情况”尚未填写",
    ),
    "TEXT-NUMBERS": (
        lambda r: replace_values(r, text__overview__on_request="本年度共收到政府信息公开申请6件。"),
        "正文“依申请公开情况”写收到申请 6 件，表三“一、本年新收”总计为 5 件；6 件是新收加上年结转之和",
    ),
    "S6-FEE": (
        lambda r: replace_values(r, text__other="政务公开工作要点已落实，建议提案办理结果已公开。"),
        "第六部分没有写明信息处理费的收取情况",
    ),
    "S6-TOPICS": (
        lambda r: replace_values(r, text__other="本年度未收取信息处理费。建议提案办理结果已公开。"),
        "第六部分没有写明本年度政务公开工作要点的落实情况",
    ),
    "S5-LAST-YEAR": (
        lambda r: replace_values(r, text__problems="信息更新不够及时，下一步将加强审核。"),
        "第五部分没有提到上年度问题的整改情况",
    ),
    "S1-GOVERNMENT": (
        lambda r: dataclasses.replace(r, level=Level.GOVERNMENT),
        "政府的报告应写明工作考核、社会评议和责任追究结果情况",
    ),
    "DATE-DEADLINE": (
        lambda r: dataclasses.replace(r, date=date(2024, 2, 1)),
        "成文日期 2024-02-01 晚于报送期限 2024-01-31",
    ),
    "OLD-FORMAT": (
        lambda r: replace_values(r, text__overview__proactive="本年新制作数量 3 件。"),
        "“主动公开情况”中出现了 2019 年试行格式的内容“本年新制作数量”",
    ),
}


@pytest.mark.parametrize("rule_id", sorted(FAILING))
def test_rule_fails(clean: Report, rule_id: str) -> None:
    mutate, expected = FAILING[rule_id]
    findings = check(mutate(busy(clean)))
    messages = [str(f) for f in findings if f.rule == rule_id]
    assert any(m.startswith(expected) for m in messages), messages
    assert all(f.severity is FORMAT_2021.rule(rule_id).severity for f in findings if f.rule == rule_id)


@pytest.mark.parametrize("rule_id", sorted(FAILING))
def test_rule_passes(clean: Report, rule_id: str) -> None:
    assert rule_id not in rules(check(busy(clean)))


def test_every_rule_of_the_schema_has_a_failing_case() -> None:
    cross_year = {"X-CARRIED-OVER", "X-IN-FORCE", "X-COPIED"}
    assert {r.id for r in FORMAT_2021.rules} == set(FAILING) | cross_year


def test_cross_year_rules(clean: Report) -> None:
    this = busy(clean)
    last = replace_values(
        dataclasses.replace(clean, year=2022),
        applications__carried_forward=(1, 0, 0, 0, 0, 0, 1),
        proactive__normative_docs=(2, 0, 5),
        text__problems="去年的问题：" + "信息更新不够及时。" * 5,
    )
    this = replace_values(
        this, proactive__normative_docs=(1, 1, 5), text__problems="上年的问题：" + "信息更新不够及时。" * 5
    )
    assert rules(check(this, last)) == {"X-COPIED"}
    moved = replace_values(this, proactive__normative_docs=(2, 0, 5), text__problems=clean.text("text.problems"))
    carried = replace_values(moved, applications__carried_over=(2, 0, 0, 0, 0, 0, 2))
    messages = [str(f) for f in check(carried, last)]
    expected = "表二 行政规范性文件：现行有效件数(5) ≠ 上年现行有效(5) + 本年制发(2) − 本年废止(0) = 7"
    assert any(m.startswith(expected) for m in messages), messages
    assert "表三 自然人列：本年“二、上年结转”(2) ≠ 上年“四、结转下年度继续办理”(1)" in messages


def test_null_cells_are_errors_not_zeros(clean: Report) -> None:
    draft = replace_values(clean, applications__new=(None,) * 7)
    findings = check(draft)
    assert [f.rule for f in errors(findings)] == ["CELL-FILLED"]
    assert errors(findings)[0].places[0] == "applications.new[0]"


def test_cell_value_variants(clean: Report) -> None:
    findings = check(
        replace_values(
            clean,
            proactive__fees_wan_yuan=(Decimal("1.1234567"),),
            proactive__punishment=(Decimal("2.5"),),
            proactive__enforcement=(10**12,),
        )
    )
    messages = {str(f) for f in findings}
    assert "表二 第二十条第（八）项 行政事业性收费：最多保留六位小数（1.1234567）" in messages
    assert "表二 第二十条第（六）项 行政处罚：应为整数（2.5）" in messages
    assert "表二 第二十条第（六）项 行政强制：数值过大（1000000000000），请核对" in messages
    fee = replace_values(clean, proactive__fees_wan_yuan=(Decimal("5949.088667"),))
    assert check(fee) == []


def test_prose_that_says_none_received_contradicts_the_table(clean: Report) -> None:
    report = replace_values(busy(clean), text__overview__on_request="本年度未收到政府信息公开申请。")
    assert "正文“依申请公开情况”写未收到申请，但表三“一、本年新收”总计为 5 件" in [str(f) for f in check(report)]


def test_prose_in_chinese_numerals_and_other_counts(clean: Report) -> None:
    report = replace_values(
        busy(clean),
        text__overview__on_request="全年共收到政府信息公开申请五件。收到行政复议申请3件。",
        text__overview__supervision="本年度因政府信息公开发生行政诉讼2起，现行有效的行政规范性文件4件。",
    )
    messages = [str(f) for f in check(report)]
    assert not any("收到申请" in m for m in messages)  # 五 matches the table; 复议申请 is not an application
    assert "正文“依申请公开情况”写行政复议 3 件，表四行政复议总计为 2 件" in messages
    assert "正文“监督保障情况”写行政诉讼 2 件，表四行政诉讼总计为 0 件" in messages
    assert "正文“监督保障情况”写现行有效的行政规范性文件 4 件，表二为 0 件" in messages


def test_fee_notices_contradiction(clean: Report) -> None:
    report = replace_values(
        busy(clean), text__other="本年度未发出信息处理费收费通知。工作要点已落实，建议提案结果已公开。"
    )
    assert any(f.rule == "S6-FEE" and "（六）2 有 1 件" in f.message for f in check(report))


def test_government_report_that_states_assessment(clean: Report) -> None:
    report = replace_values(
        dataclasses.replace(clean, level=Level.GOVERNMENT),
        text__overview__supervision="将政务公开纳入绩效考核，开展社会评议，本年度未发生责任追究情况。",
    )
    assert check(report) == []


def test_government_deadline_is_31_march(clean: Report) -> None:
    report = dataclasses.replace(clean, level=Level.GOVERNMENT, date=date(2024, 3, 15))
    assert "DATE-DEADLINE" not in rules(check(report))
    assert [f.severity for f in check(dataclasses.replace(clean, date=None))] == [Severity.WARNING]


def test_findings_name_cells_for_jumping_back(clean: Report) -> None:
    broken = replace_values(busy(clean), applications__new=(3, 1, 0, 0, 1, 0, 4))
    finding = next(f for f in check(broken) if f.rule == "T3-ROW-TOTAL")
    assert finding.places[0] == "applications.new[6]"


def test_a_finding_reads_as_its_message_without_the_rule_id(clean: Report) -> None:
    broken = replace_values(busy(clean), applications__new=(3, 1, 0, 0, 1, 0, 4))
    findings = check(broken)
    assert findings
    for finding in findings:
        assert str(finding) == finding.message
        assert finding.rule not in str(finding)
    assert f"• {findings[0]}".startswith("• 表三 一、本年新收政府信息公开申请数量：总计(4) ≠ 自然人(3)+商业企业(1)")
