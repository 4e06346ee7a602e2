"""The `nianbao` command: check, render, run and invite, as a person runs them in a terminal."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import httpx
import pytest

from bot.chat.service import Walk
from bot.cli import RedactToken
from storage.db import make_engine
from tests.conftest import ROOT, SEED_JSON
from tests.support import FakeBotApi
from tests.support.exports import assert_archive, assert_workbook, county_reports, store_reports
from tests.support.web import WebBot


def nianbao(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    for name in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL"):
        if env is None or name not in env:
            environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=120
    )


def test_check_the_seed(tmp_path: Path) -> None:
    result = nianbao("check", str(SEED_JSON), cwd=tmp_path)
    assert result.returncode == 0
    assert "提示 S6-FEE 第六部分没有写明信息处理费的收取情况" in result.stdout
    assert "0 个错误" in result.stdout


def test_check_finds_errors_and_cross_year_warnings(tmp_path: Path) -> None:
    doc = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    doc["applications"]["new"] = [3, 0, 0, 0, 0, 0, 3]
    (tmp_path / "this.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    last = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    last["year"], last["applications"]["carried_forward"] = 2022, [1, 0, 0, 0, 0, 0, 1]
    (tmp_path / "last.json").write_text(json.dumps(last, ensure_ascii=False), encoding="utf-8")
    result = nianbao("check", "this.json", "--previous", "last.json", cwd=tmp_path)
    assert result.returncode == 1
    assert "错误 T3-IDENTITY 表三 自然人列：第一项(3)+第二项(0) ≠ 第三项(0)+第四项(0)" in result.stdout
    assert "提示 X-CARRIED-OVER 表三 自然人列" in result.stdout


def test_an_unreadable_file_names_the_place(tmp_path: Path) -> None:
    doc = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    doc["applications"]["new"][2] = "三"
    (tmp_path / "bad.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = nianbao("check", "bad.json", cwd=tmp_path)
    assert result.returncode == 2
    assert "applications.new[2]：应为数字或 null，实际是文字" in result.stderr
    assert "Traceback" not in result.stderr
    missing = nianbao("check", "missing.json", cwd=tmp_path)
    assert missing.returncode == 2 and "找不到文件" in missing.stderr


@pytest.mark.parametrize("suffix", [".docx", ".html", ".md"])
def test_render(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"report{suffix}"
    result = nianbao("render", str(SEED_JSON), "-o", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "已生成" in result.stdout and out.stat().st_size > 1000


def test_render_refuses_what_it_cannot_write(tmp_path: Path) -> None:
    unknown = nianbao("render", str(SEED_JSON), "-o", "report.odt", cwd=tmp_path)
    assert unknown.returncode == 1 and "不支持的文件类型“.odt”" in unknown.stderr
    nowhere = nianbao("render", str(SEED_JSON), "-o", str(tmp_path / "no" / "such" / "dir" / "r.html"), cwd=tmp_path)
    assert nowhere.returncode == 1 and "无法写入" in nowhere.stderr and "Traceback" not in nowhere.stderr


def test_the_first_start_without_a_token_opens_the_web_page(tmp_path: Path) -> None:
    """The README's run command on a fresh machine: the bot starts with its chat page, the console names the
    page and a one-time admin code, and says how to add Telegram (Chinese and English, naming the .env file
    the bot reads); no traceback. A port already taken is said in one line."""
    bot = WebBot(tmp_path, f"sqlite:///{tmp_path / 'nianbao.db'}")
    bot.start()
    try:
        assert bot.admin_code is not None
        assert f"{bot.url}?start={bot.admin_code}" in bot.out.read_text()
        assert httpx.get(bot.url).status_code == 200
        busy = nianbao("run", cwd=tmp_path, env={"WEB_LISTEN": f"127.0.0.1:{bot.port}"})
    finally:
        bot.stop()
    log = bot.log.read_text()
    env = str(tmp_path / ".env")
    assert f"把这一行写入 {env}：TELEGRAM_BOT_TOKEN=令牌" in log and "@BotFather" in log
    assert "cp .env.example .env" in log  # there is no .env yet
    assert "TELEGRAM_BOT_TOKEN is not set" in log and f"Put this line into {env}" in log
    assert "Traceback" not in log
    assert busy.returncode == 2 and "网页版无法在" in busy.stderr and "Traceback" not in busy.stderr
    assert "WEB_LISTEN" in nianbao("run", cwd=tmp_path, env={"WEB_LISTEN": "nowhere"}).stderr
    assert "WEB_PUBLIC_URL" in nianbao("run", cwd=tmp_path, env={"WEB_PUBLIC_URL": "nianbao.gov.cn"}).stderr


def test_run_without_a_usable_token_says_so_in_one_line(tmp_path: Path) -> None:
    malformed = nianbao("run", cwd=tmp_path, env={"TELEGRAM_BOT_TOKEN": "not a token"})
    assert malformed.returncode == 2 and "格式不正确" in malformed.stderr
    with FakeBotApi() as server:
        wrong = "987654321:" + "x" * 35
        env = {
            "TELEGRAM_BOT_TOKEN": wrong,
            "TELEGRAM_API_URL": server.root,
            "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
        }
        rejected = nianbao("run", cwd=tmp_path, env=env)
    assert rejected.returncode == 2 and "拒绝了这个机器人令牌" in rejected.stderr
    assert wrong not in rejected.stderr + rejected.stdout


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("REMINDER_TIME", "9h30"),
        ("INVITE_TTL_DAYS", "abc"),
        ("DEADLINE_GOVERNMENT", "02-30"),
        ("CALENDAR_HOLIDAYS", "2027-2-5"),
    ],
)
def test_a_malformed_setting_is_named_in_one_line(tmp_path: Path, setting: str, value: str) -> None:
    token = "123456789:" + "A" * 35
    for command in ("run", "status"):
        result = nianbao(command, cwd=tmp_path, env={"TELEGRAM_BOT_TOKEN": token, setting: value})
        assert result.returncode == 2 and result.stderr.strip().count("\n") == 0, result.stderr
        assert result.stderr.startswith("设置有误") and setting in result.stderr and value in result.stderr


def test_invite_from_the_command_line(tmp_path: Path) -> None:
    database = {"DATABASE_URL": f"sqlite:///{tmp_path}/n.db"}
    with FakeBotApi() as server:
        env = {"TELEGRAM_BOT_TOKEN": server.token, "TELEGRAM_API_URL": server.root, **database}
        result = nianbao("invite", "东宁市民政局", "--level", "government", cwd=tmp_path, env=env)
        again = nianbao("invite", "东宁市民政局", cwd=tmp_path, env=env)  # known: its level is its own
        assert [call.method for call in server.calls()] == ["getMe", "getMe"]  # asked of the configured API
    assert result.returncode == 0, result.stderr
    assert "已为“东宁市民政局”（政府）生成邀请" in result.stdout
    assert "https://t.me/nianbao_test_bot?start=" in result.stdout
    assert again.returncode == 0 and "已为“东宁市民政局”（政府）生成邀请" in again.stdout
    new = nianbao("invite", "东宁市财政局", cwd=tmp_path, env=database)
    assert new.returncode == 2 and "请用 --level department（部门）或 government（政府）指明类别" in new.stderr


def test_invite_without_the_bot_prints_the_code_and_says_why_there_is_no_link(tmp_path: Path) -> None:
    """No made-up link when the bot's username cannot be asked: the code, how to use it, and why."""
    database = {"DATABASE_URL": f"sqlite:///{tmp_path}/n.db"}
    no_token = nianbao("invite", "东宁市财政局", "--level", "department", cwd=tmp_path, env=database)
    assert no_token.returncode == 0, no_token.stderr
    code = no_token.stdout.rsplit("邀请码：", 1)[1].strip()
    assert "https://" not in no_token.stdout and "<bot>" not in no_token.stdout
    assert "未能生成邀请链接：没有设置 TELEGRAM_BOT_TOKEN" in no_token.stdout
    assert f"发送：/start {code}" in no_token.stdout
    token = "123456789:" + "A" * 35
    with FakeBotApi() as server:
        rejected = nianbao(
            "invite",
            "东宁市财政局",
            cwd=tmp_path,
            env={"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": server.root, **database},
        )
        root = server.root
    assert rejected.returncode == 0 and "Telegram 拒绝了机器人令牌" in rejected.stdout and token not in rejected.stdout
    down = nianbao(  # the fake server has stopped: nothing listens there any more
        "invite", "东宁市财政局", cwd=tmp_path, env={"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": root, **database}
    )
    assert down.returncode == 0 and f"无法连接 Telegram 服务器 {root}" in down.stdout
    assert "https://t.me/" not in rejected.stdout + down.stdout


def test_an_agency_created_by_mistake_is_corrected_from_the_command_line(tmp_path: Path) -> None:
    database = {"DATABASE_URL": f"sqlite:///{tmp_path}/n.db"}
    assert nianbao("invite", "某某管委会政府", "--level", "department", cwd=tmp_path, env=database).returncode == 0
    renamed = nianbao("agency", "rename", "某某管委会政府", "某某管委会", cwd=tmp_path, env=database)
    assert renamed.returncode == 0 and "已将“某某管委会政府”改名为“某某管委会”（部门）" in renamed.stdout
    level = nianbao("agency", "level", "某某管委会", "government", cwd=tmp_path, env=database)
    assert level.returncode == 0 and "已将“某某管委会”改为政府，报送截止日期为次年3月31日" in level.stdout
    unknown = nianbao("agency", "remove", "某某管委会政府", cwd=tmp_path, env=database)
    assert unknown.returncode == 1 and "没有名为“某某管委会政府”的机构" in unknown.stderr
    code = nianbao("invite", "某某管委会", cwd=tmp_path, env=database).stdout.rsplit("邀请码：", 1)[1].strip()
    engine = make_engine(database["DATABASE_URL"])
    assert Walk(engine).join(code=code, user_id=1001, display_name="小李").startswith("您好")
    engine.dispose()
    asked = nianbao("agency", "remove", "某某管委会", cwd=tmp_path, env=database)
    assert asked.returncode == 1 and "已有 1 名填报人员加入" in asked.stderr and "--yes" in asked.stderr
    removed = nianbao("agency", "remove", "某某管委会", "--yes", cwd=tmp_path, env=database)
    assert removed.returncode == 0 and "已删除“某某管委会”" in removed.stdout
    again = nianbao("invite", "某某管委会", cwd=tmp_path, env=database)
    assert again.returncode == 2 and "是新机构" in again.stderr  # gone: a new invite asks its level again


def test_an_agency_is_set_to_need_review_from_the_command_line(tmp_path: Path) -> None:
    database = {"DATABASE_URL": f"sqlite:///{tmp_path}/n.db", "BOT_ADMINS": "42"}
    assert nianbao("invite", "东宁市民政局", "--level", "department", cwd=tmp_path, env=database).returncode == 0
    on = nianbao("agency", "review", "东宁市民政局", "on", cwd=tmp_path, env=database)
    assert on.returncode == 0 and "“东宁市民政局”的报告今后需要审核" in on.stdout
    off = nianbao("agency", "review", "东宁市民政局", "off", cwd=tmp_path, env=database)
    assert off.returncode == 0 and "不再需要审核" in off.stdout
    unknown = nianbao("agency", "review", "东宁市财政局", "on", cwd=tmp_path, env=database)
    assert unknown.returncode == 1 and "没有名为“东宁市财政局”的机构" in unknown.stderr


def test_the_token_is_redacted_from_every_log_record() -> None:
    token = "123456789:" + "A" * 35
    record = logging.LogRecord(
        "httpx", logging.INFO, "", 0, "POST https://api.telegram.org/bot%s/getMe", (token,), None
    )
    RedactToken(token).filter(record)
    assert token not in record.getMessage() and "<token>" in record.getMessage()


@pytest.mark.skipif(shutil.which("nianbao") is None, reason="the nianbao command is not installed (pip install .)")
def test_the_installed_command_works_from_another_directory(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = tmp_path / "seed.docx"
    result = subprocess.run(
        ["nianbao", "render", str(SEED_JSON), "-o", str(out)],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    title = docx.Document(str(out)).paragraphs[0].text.replace("\n", "")  # broken after the agency's name
    assert "绥芬河市文体广电和旅游局2023年政府信息公开工作年度报告" in title


def test_export_of_a_year_from_the_database(tmp_path: Path) -> None:
    database = {"DATABASE_URL": f"sqlite:///{tmp_path}/n.db"}
    assert nianbao("invite", "某某县新局", "--level", "department", cwd=tmp_path, env=database).returncode == 0
    engine = make_engine(database["DATABASE_URL"])
    reports = county_reports(5, 2025)
    store_reports(engine, reports, final=[True, True])
    engine.dispose()
    out = tmp_path / "reports.zip"
    result = nianbao("export", "--year", "2025", "-o", str(out), "--no-pdf", cwd=tmp_path, env=database)
    assert result.returncode == 0, result.stderr
    assert f"已导出 2025 年度 6 个机构（5 份报告）到 {out}" in result.stdout and "未包含 PDF" in result.stdout
    archive = out.read_bytes()
    names = assert_archive(archive, reports, 2025, pdf=False)
    workbook = "2025年政府信息公开工作年度报告汇总表.xlsx"
    assert workbook in names
    with zipfile.ZipFile(out) as z:
        rows = assert_workbook(
            z.read(workbook), reports, statuses={r.agency: "已定稿" if i < 2 else "草稿" for i, r in enumerate(reports)}
        )
    assert rows["某某县新局"][2] == "无报告（本年度尚未填写）"
    bad = nianbao("export", "--year", "二〇二五", "-o", str(out), cwd=tmp_path, env=database)
    assert bad.returncode == 2 and "--year" in bad.stderr
