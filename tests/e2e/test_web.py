"""The same bot in the browser (issue #13): `nianbao run` without a token serves the chat page; a person
joins with an invite, walks, uploads, gets the .docx; nobody reaches another's chat, files or session."""

from __future__ import annotations

import io
import secrets
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import docx
import httpx
import pytest

from tests.e2e.test_uploads_land import COUNTY_ONE_LINE
from tests.support.web import Browser, WebBot

AGENCY = "绥芬河市文体广电和旅游局"


@pytest.fixture
def web(tmp_path: Path) -> Iterator[WebBot]:
    bot = WebBot(tmp_path, f"sqlite:///{tmp_path / 'nianbao.db'}")
    bot.start()
    yield bot
    bot.stop()
    log = bot.log.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]


def test_join_walk_upload_report_and_come_back(web: WebBot) -> None:
    """The first start prints the page and an admin code; a member joins by invite, answers with text and
    buttons, imports last year's report from a .txt, gets the .docx; after a reload and a restart of the bot
    the same cookie still signs them in."""
    assert web.admin_code is not None and f"{web.url}?start={web.admin_code}" in web.out.read_text()
    browser = Browser(web.url)
    assert browser.load() == "join"
    assert browser.join(web.invite(AGENCY), "小李").status_code == 200
    browser.expect("请填写“开篇说明”")
    browser.click("使用标准开篇")
    browser.expect("✅ 已保存“开篇说明”")
    browser.send("2026年，我局认真贯彻落实《条例》，政府信息公开工作取得新进展。")
    browser.expect("已记录")
    browser.click("完成")
    browser.expect("✅ 已保存")
    browser.upload("2025年报告.txt", COUNTY_ONE_LINE.encode())
    summary = browser.expect("已读取上年（2025 年度）报告：某某县人民政府")
    assert [b["text"] for row in summary["buttons"] for b in row] == ["确认导入", "取消"]
    browser.click("确认导入")
    browser.expect("✅ 已保存 2025 年度报告")
    browser.send("/report draft")
    browser.expect("政府信息公开工作年度报告", timeout=90)  # the document's caption
    name, body = browser.last_document(".docx")
    assert name == f"{AGENCY}_2026年政府信息公开工作年度报告.docx"
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(body)).paragraphs)
    assert "2026年，我局认真贯彻落实《条例》" in text

    # A reload: the page shows the whole conversation again.
    again = Browser(web.url)
    again.http.cookies = browser.http.cookies
    assert again.load() == "chat"
    history = again.read()
    assert any("已保存 2025 年度报告" in m["text"] for m in history["messages"])
    assert any(m.get("file", {}).get("name") == name for m in history["messages"])
    # The page's live feed (server-sent events): the chat so far at once, then each change as it comes.
    with again.http.stream("GET", "/api/events", params={"after": history["seq"] - 1}) as events:
        assert events.headers["content-type"].startswith("text/event-stream")
        lines = events.iter_lines()
        assert next(lines) == f"id: {history['seq']}"
        assert next(lines).startswith("data: {")
    # A restart: the cookie still signs in (the conversation so far is not kept; the report is).
    web.stop()
    web.start()
    assert web.admin_code is not None  # nobody took the admin's place: a new code
    assert again.load() == "chat"
    again.seq = again.cursor = 0
    again.send("/status")
    again.expect("开篇说明")
    again.close()
    browser.close()


def test_nobody_reaches_another_persons_chat_files_or_session(web: WebBot) -> None:
    """No cookie or a forged one: only the join page. Another person's message, button or file, a POST
    without this session's CSRF token or from another site: refused, and nothing changes."""
    stranger = Browser(web.url)
    assert stranger.load() == "join"
    for path in ("/api/messages", "/api/events", "/files/abc"):
        assert stranger.http.get(path).status_code == 401
    assert stranger.http.post("/api/send", json={"text": "/start"}).status_code == 401
    assert stranger.join("not-a-real-code-123", "某人").status_code == 400
    forged = Browser(web.url)
    forged.http.cookies.set("nianbao_session", secrets.token_urlsafe(32))
    assert forged.load() == "join" and forged.http.get("/api/messages").status_code == 401

    admin = Browser(web.url)
    assert web.admin_code is not None
    joined = admin.join(web.admin_code, "王主任")
    assert joined.status_code == 200
    cookie = joined.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    admin.expect("您是政府信息公开工作主管部门的管理员")
    assert Browser(web.url).join(web.admin_code, "冒名者").status_code == 400  # one time only

    alice, bob = Browser(web.url), Browser(web.url)
    alice.join(web.invite(AGENCY), "小李")
    bob.join(web.invite("东宁市财政局"), "小王")
    alice.expect("请填写“开篇说明”")
    bob.expect("请填写“开篇说明”")
    alice.upload("开篇说明.txt", "本报告根据《条例》编制。".encode())
    alice.read(wait=1)
    mine = [m for m in alice.messages.values() if m.get("file")]
    assert mine, alice.transcript()
    file_id = mine[0]["file"]["id"]
    assert alice.http.get(f"/files/{file_id}").status_code == 200
    assert bob.http.get(f"/files/{file_id}").status_code == 404
    before = alice.read(wait=2)["seq"], len(alice.messages)
    asked = next(m for m in alice.messages.values() if m["bot"] and m.get("buttons"))
    data = asked["buttons"][0][0]["data"]
    assert bob.post("/api/tap", json={"message_id": asked["id"], "data": data}).status_code == 404
    assert alice.post("/api/tap", json={"message_id": asked["id"], "data": "x" + data}).status_code == 404
    assert alice.http.post("/api/send", json={"text": "没有令牌"}).status_code == 403
    assert (
        alice.http.post("/api/send", json={"text": "别人的令牌"}, headers={"X-CSRF-Token": bob.csrf}).status_code == 403
    )
    foreign = {"X-CSRF-Token": alice.csrf, "Origin": "https://evil.example"}
    assert alice.http.post("/api/send", json={"text": "别的网站"}, headers=foreign).status_code == 403
    form = alice.http.post("/api/send", data={"text": "表单"}, headers={"X-CSRF-Token": alice.csrf})
    assert form.status_code == 415
    time.sleep(1)
    assert (alice.read()["seq"], len(alice.messages)) == before  # nothing arrived, nothing was sent
    assert not any("小李" in m["text"] or "本报告根据" in m["text"] for m in bob.read()["messages"])

    # Only hashes of the cookies are stored.
    with sqlite3.connect(web.workdir / "nianbao.db") as db:
        stored = [row[0] for row in db.execute("SELECT token_hash FROM web_session")]
    assert len(stored) == 3 and alice.http.cookies["nianbao_session"] not in stored
    # Signing out ends the session for good, while another person's stays.
    kept = alice.http.cookies["nianbao_session"]
    assert alice.post("/api/leave", json={}).status_code == 200
    old = Browser(web.url)
    old.http.cookies.set("nianbao_session", kept)
    assert old.load() == "join" and old.http.get("/api/messages").status_code == 401
    assert bob.load() == "chat"
    for browser in (stranger, forged, admin, alice, bob, old):
        browser.close()
    assert httpx.get(web.url + "static/passwd").status_code == 404  # only the page's own two files


def test_an_admins_invite_link_opens_the_page(tmp_path: Path) -> None:
    """In web mode an admin's /invite gives a link to the page (WEB_PUBLIC_URL, the address behind a reverse
    proxy; unset, the listen address), not t.me; following the whole link joins the invited agency."""
    public = "https://nianbao.example.gov.cn/gk"
    web = WebBot(tmp_path, f"sqlite:///{tmp_path / 'nianbao.db'}")
    web.env["WEB_PUBLIC_URL"] = public
    web.start()
    try:
        assert f"{public}/?start={web.admin_code}" in web.out.read_text()
        admin = Browser(web.url)
        assert web.admin_code is not None and admin.join(web.admin_code, "王主任").status_code == 200
        admin.expect("您是政府信息公开工作主管部门的管理员")
        admin.send("/invite 东宁市财政局")
        admin.expect("“东宁市财政局”是新机构")
        admin.click("部门（次年1月31日前报送）")
        created = admin.expect("已为“东宁市财政局”（部门）生成邀请")["text"]
        assert "t.me" not in created
        link = next(line for line in created.splitlines() if line.startswith(f"{public}/?start="))
        member = Browser(web.url)
        assert member.join(link, "小王").status_code == 200  # the page takes the whole link, as pasted
        member.expect("请填写“开篇说明”")
        member.send("/status")
        member.expect("东宁市财政局")
        for browser in (admin, member):
            browser.close()
    finally:
        web.stop()
    assert "Traceback" not in web.log.read_text(errors="replace")
