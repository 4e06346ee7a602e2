"""The chat page in a real browser (issue #13): Playwright drives Debian's chromium against `nianbao run`
without a token. A person joins by an invite link, answers with taps and typed text, uploads last year's
report, downloads the .docx; a reload resumes at the same question; another agency's browser sees nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest

from bot.report import datafile
from tests.conftest import SEED_JSON
from tests.e2e.test_uploads_land import COUNTY_ONE_LINE
from tests.support.page import CHROMIUM, PageChat
from tests.support.web import WebBot

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")

AGENCY = "绥芬河市文体广电和旅游局"
OTHER = "东宁市财政局"
THIRD = "穆棱市教育局"
SEED = datafile.load(SEED_JSON)
PROSE = [p.key for p in SEED.format.prose if p.key != "text.preamble"][:6]  # asked before table 二


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebBot]:
    workdir = tmp_path_factory.mktemp("web")
    bot = WebBot(workdir, f"sqlite:///{workdir / 'nianbao.db'}")
    bot.start()
    yield bot
    bot.stop()
    log = bot.log.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def test_join_walk_reload_upload_and_download_the_report(web: WebBot, browser: Any, tmp_path: Path) -> None:
    context = browser.new_context(locale="zh-CN", accept_downloads=True)
    chat = PageChat(context.new_page())
    chat.join(f"{web.url}?start={web.invite(AGENCY)}", "小李")
    chat.expect("请填写“开篇说明”")
    chat.tap("使用标准开篇")
    chat.expect("✅ 已保存“开篇说明”")
    for key in PROSE:
        chat.type(SEED.text(key).split("\n")[0])
        chat.expect("已记录")
        chat.tap("完成")
        chat.expect("✅ 已保存")
    chat.tap("本条各项均为 0")  # 规章 and 行政规范性文件
    chat.expect("行政许可")
    chat.type("3件")  # a table row, typed
    asked = chat.expect("行政处罚")

    # A reload in the middle: the page shows the conversation again, and its last question still answers.
    chat.page.reload()
    chat.page.wait_for_selector("#messages li.bot")
    shown = chat.shown()
    assert shown[-1] == asked and any("3件" in line for line in shown if line.startswith("me:"))
    chat.before = shown
    chat.tap("本条各项均为 0")  # 行政处罚 and 行政强制
    chat.expect("行政事业性收费")

    chat.upload("2025年报告.txt", COUNTY_ONE_LINE.encode())
    chat.expect("已读取上年（2025 年度）报告：某某县人民政府")
    chat.tap("确认导入")
    chat.expect("✅ 已保存 2025 年度报告")

    chat.type("/report draft")
    chat.expect("政府信息公开工作年度报告", timeout=60)  # the document's caption
    saved = chat.download(".docx", tmp_path)
    assert saved.name == f"{AGENCY}_2026年政府信息公开工作年度报告.docx"
    text = "\n".join(p.text for p in docx.Document(str(saved)).paragraphs)
    assert SEED.text(PROSE[0]).split("\n")[0] in text
    context.close()


def test_another_agencys_browser_sees_nothing_of_the_first(web: WebBot, browser: Any) -> None:
    first, second = (browser.new_context(locale="zh-CN") for _ in range(2))
    alice, bob = PageChat(first.new_page()), PageChat(second.new_page())
    alice.join(f"{web.url}?start={web.invite(THIRD)}", "小张")
    alice.expect("请填写“开篇说明”")
    alice.upload("开篇说明.txt", "本报告根据《条例》编制，仅供甲局。".encode())
    alice.page.wait_for_selector("#messages li.me a.file")
    file_link = alice.page.get_attribute("#messages li.me a.file", "href")
    assert file_link is not None

    bob.join(f"{web.url}?start={web.invite(OTHER)}", "小王")
    bob.expect("请填写“开篇说明”")
    seen = "\n".join(bob.shown())
    assert "小张" not in seen and "仅供甲局" not in seen and "开篇说明.txt" not in seen
    assert bob.page.request.get(web.url.rstrip("/") + file_link).status == 404
    assert alice.page.request.get(web.url.rstrip("/") + file_link).status == 200
    assert {c["value"] for c in first.cookies()}.isdisjoint(c["value"] for c in second.cookies())
    first.close()
    second.close()
