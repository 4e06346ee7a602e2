"""Reports as they appear in the wild: inside a government site's page, with sub-headings run into the
text, with headings Word numbers by itself."""

from __future__ import annotations

from bot.importer import import_report
from bot.render.text import render_html
from bot.report.model import Report
from tests.importer.conftest import differences, generated

SITE = """<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>{title}</title><script>var x = "一、总体情况";</script></head>
<body><table width="100%"><tr><td><div class="nav"><a href="/">首页</a> &gt; <a>政务公开</a> &gt; <a>{title}</a></div>
<table class="meta"><tr><td>索引号：</td><td>11230881MB0000000X/2024-00012</td>
<td>发布日期：</td><td>2024-01-15</td></tr></table>
<div class="article">{article}</div>
<div class="footer"><p>版权所有：某某市人民政府 2024</p><p>网站标识码 2310810001</p></div>
</td></tr></table></body></html>"""


def test_a_report_inside_a_government_page() -> None:
    report = generated(2)
    rendered = render_html(report)
    article = rendered[rendered.index('<div class="nianbao-report">') : rendered.rindex("</div>")]
    title = f"{report.agency}{report.year}年政府信息公开工作年度报告"
    page = SITE.format(title=title, article=article.replace("<p>", '<p class="MsoNormal" style="text-indent:2em">'))
    imported = import_report("page.htm", page.encode("gb18030"))
    assert differences(report, imported.report) == []
    assert imported.warnings == []


def test_sub_headings_run_into_their_text(seed_text: str, seed_report: Report) -> None:
    text = seed_text.replace("（二）依申请公开情况。\n\n", "（二）依申请公开情况。").replace(
        "（一）主动公开情况\n\n", "（一）主动公开情况：\n"
    )
    imported = import_report("seed.txt", text.encode())
    assert imported.warnings == []
    assert differences(seed_report, imported.report) == []


def test_headings_without_their_numbers(seed_text: str, seed_report: Report) -> None:
    """Word's automatic numbering is not in the text: 总体情况, 主动公开情况 … stand alone."""
    text = seed_text
    for numbered, bare in (
        ("一、总体情况", "总体情况"),
        ("五、存在的主要问题及改进情况", "存在的主要问题及改进情况"),
        ("六、其他需要报告的事项", "其他需要报告的事项"),
        ("（一）主动公开情况", "主动公开情况"),
    ):
        assert text.count(numbered + "\n") == 1
        text = text.replace(numbered + "\n", bare + "\n")
    imported = import_report("seed.txt", text.encode())
    assert differences(seed_report, imported.report) == []


def test_sub_headings_missing_leave_everything_in_the_lead_paragraph(seed_text: str) -> None:
    text = seed_text
    for heading in ("（一）主动公开情况", "（二）依申请公开情况。", "（三）政府信息管理情况。"):
        text = text.replace(heading + "\n", "")
    imported = import_report("seed.txt", text.encode())
    assert imported.warnings == [
        "总体情况中没有找到“（一）主动公开情况”，这一部分留空。",
        "总体情况中没有找到“（二）依申请公开情况”，这一部分留空。",
        "总体情况中没有找到“（三）政府信息管理情况”，这一部分留空。",
    ]
    assert imported.report.text("text.overview.intro").count("\n\n") == 3
