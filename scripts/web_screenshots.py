"""Screenshots of the chat page in a real conversation, at a phone's width and at a desktop's (issue 13).

Usage: python scripts/web_screenshots.py [--out docs]

Starts `nianbao run` without a token on a temporary SQLite database, joins an agency by its invite link in
Debian's chromium (Playwright), answers the first questions with a tap and typed text, and saves
web-page-phone.png (390 px wide) and web-page-desktop.png (1280 px) of the same chat.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright

from tests.support.page import CHROMIUM, PageChat
from tests.support.web import WebBot

ROOT = Path(__file__).resolve().parents[1]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    if CHROMIUM is None:
        print("chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as workdir, sync_playwright() as playwright:
        bot = WebBot(Path(workdir), f"sqlite:///{workdir}/nianbao.db")
        bot.start()
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
            chat = PageChat(phone.new_page())
            chat.join(f"{bot.url}?start={bot.invite('绥芬河市文体广电和旅游局')}", "小李")
            chat.expect("请填写“开篇说明”")
            chat.tap("使用标准开篇")
            chat.expect("请填写“总体情况概述”")
            chat.type("2026年，我局认真贯彻落实《中华人民共和国政府信息公开条例》，政府信息公开工作取得新进展。")
            chat.expect("已记录")
            chat.page.wait_for_timeout(300)
            chat.page.screenshot(path=str(args.out / "web-page-phone.png"))
            desktop = browser.new_context(viewport=DESKTOP, locale="zh-CN")
            desktop.add_cookies(phone.cookies())
            wide = desktop.new_page()
            wide.goto(bot.url)
            wide.wait_for_selector("#messages li.bot")
            wide.wait_for_timeout(300)
            wide.screenshot(path=str(args.out / "web-page-desktop.png"))
            browser.close()
        finally:
            bot.stop()
    print(f"saved {args.out / 'web-page-phone.png'} and {args.out / 'web-page-desktop.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
