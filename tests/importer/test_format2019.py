"""A report of 2019 or 2020 in the trial format: recognised, its tables 三 and 四 read, the rest named."""

from __future__ import annotations

from datetime import date

from bot.importer import import_report
from bot.schema import FORMAT_2019
from bot.schema.format2019 import MISSING_IN_2019, T3_2019

T2_2019 = """二、主动公开政府信息情况
第二十条第（一）项
信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量
规章\t0\t0\t0
规范性文件\t2\t2\t15
第二十条第（五）项
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政许可\t12\t+1\t345
其他对外管理服务事项\t3\t0\t20
第二十条第（六）项
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政处罚\t40\t-2\t67
行政强制\t5\t0\t8
第二十条第（八）项
信息内容\t上一年项目数量\t本年增/减
行政事业性收费\t2\t0
第二十条第（九）项
信息内容\t采购项目数量\t采购总金额
政府集中采购\t4\t123.5"""

T3_VALUES = {
    "applications.new": (3, 1, 0, 0, 0, 0, 4),
    "applications.carried_over": (1, 0, 0, 0, 0, 0, 1),
    "applications.disclosed": (2, 1, 0, 0, 0, 0, 3),
    "applications.unavailable_not_held": (1, 0, 0, 0, 0, 0, 1),
    "applications.other_handling": (1, 0, 0, 0, 0, 0, 1),
    "applications.total_handled": (4, 1, 0, 0, 0, 0, 5),
}
T4_LINE = "\t".join(["0", "1", "0", "0", "1"] + ["0"] * 10)


def _table_three() -> str:
    """Table 三 as a web page copies it: a group label only on the first row of its group."""
    lines = [
        "三、收到和处理政府信息公开申请情况",
        "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)\t申请人情况",
    ]
    lines.append("\t自然人\t法人或其他组织\t\t\t\t\t总计")
    lines.append("\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他")
    shown: tuple[str, ...] = ()
    for row in T3_2019.rows:
        cells = T3_VALUES.get(row.key, (0,) * 7)
        lines.append("\t".join([*(g for g in row.groups if g not in shown), row.label, *map(str, cells)]))
        shown = row.groups
    return "\n".join(lines)


REPORT_2019 = f"""某某县交通运输局2020年政府信息公开工作年度报告

根据《中华人民共和国政府信息公开条例》要求编制本报告。本报告中所列数据的统计期限自2020年1月1日起至2020年12月31日止。

一、总体情况
2020年，我局认真贯彻落实政府信息公开工作。
（一）主动公开
全年主动公开信息120条。
（二）依申请公开
全年收到申请4件。
（三）政府信息管理
加强信息发布审核。
（四）平台建设
完善门户网站。
（五）监督保障
加强考核。
{T2_2019}
{_table_three()}
四、政府信息公开行政复议、行政诉讼情况
行政复议\t\t\t\t\t行政诉讼
结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉
{T4_LINE}
五、存在的主要问题及改进情况
信息更新不够及时。
六、其他需要报告的事项
无。
某某县交通运输局
2021年1月20日
"""


def test_a_2019_report_is_recognised_and_its_lacks_named() -> None:
    imported = import_report("2020.txt", REPORT_2019.encode())
    assert imported.format_detected is FORMAT_2019
    assert imported.warnings == [
        "这份报告使用的是 2019 年试行格式（国办公开办函〔2019〕60号），已读取表三、表四和含义不变的数字；"
        f"2021 年格式的以下内容无法从中得到，已留空：{'；'.join(MISSING_IN_2019)}。"
    ]
    report = imported.report
    assert (report.agency, report.year, report.date) == ("某某县交通运输局", 2020, date(2021, 1, 20))
    assert report.text("text.overview.platforms") == "完善门户网站。"


def test_its_numbers_carry_into_the_2021_rows_that_mean_the_same() -> None:
    report = import_report("2020.txt", REPORT_2019.encode()).report
    assert report.row("proactive.licensing") == (345,)
    assert report.row("proactive.punishment") == (67,)
    assert report.row("proactive.enforcement") == (8,)
    for key in ("proactive.regulations", "proactive.normative_docs", "proactive.fees_wan_yuan"):
        assert report.row(key) is None
    for key, cells in T3_VALUES.items():
        assert report.row(key) == (None if key == "applications.other_handling" else cells)
    for key in ("applications.other_no_correction", "applications.other_no_fee", "applications.other_other"):
        assert report.row(key) is None
    assert report.row("applications.withheld_state_secret") == (0,) * 7
    assert report.row("reviews_litigation.review") == (0, 1, 0, 0, 1)


def test_its_findings_ask_for_the_missing_cells() -> None:
    findings = import_report("2020.txt", REPORT_2019.encode()).findings
    empty = {p for f in findings if f.rule == "CELL-FILLED" for p in f.places}
    assert "applications.other_no_fee[0]" in empty
    assert "proactive.regulations.issued" in empty
    assert not [f for f in findings if f.rule in ("T3-COL-TOTAL", "T3-IDENTITY")]
