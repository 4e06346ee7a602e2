"""The chat page in a real browser (Playwright driving Debian's chromium): a person who types, taps, uploads
and downloads on the page, with the chat read back from what the page shows."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class PageChat:
    """One browser tab on the chat page. Each action remembers what the page showed; ``expect`` waits for a
    bot message, new or edited since then, that holds a fragment."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.before: list[str] = []

    def shown(self) -> list[str]:
        """Each message of the chat as the page shows it: "bot: …" or "me: …" (its buttons' labels too)."""
        return self.page.eval_on_selector_all(
            "#messages li",
            "items => items.map(li => li.className + ': ' + li.innerText)",
        )

    def _acted(self) -> None:
        self.before = self.shown()

    def join(self, link: str, name: str) -> None:
        """Open an invite link; the code is filled in from ``?start=``, the person types a name and enters."""
        self.page.goto(link)
        assert self.page.is_visible("#join") and not self.page.is_visible("#chat"), "one view at a time"
        assert self.page.input_value("#code"), "the page did not take the code from the link"
        self.page.fill("#name", name)
        self.page.click("#join-button")
        self.page.wait_for_selector("#chat:not([hidden])")
        assert not self.page.is_visible("#join"), "one view at a time"
        self.before = []  # a new chat: all of it is news

    def type(self, text: str) -> None:
        """Type into the message box and press Enter."""
        self._acted()
        self.page.fill("#text", text)
        self.page.press("#text", "Enter")
        deadline = time.monotonic() + 10
        while self.page.input_value("#text"):  # the page empties the box once the server took the text
            assert time.monotonic() < deadline, "the page did not send the text"
            self.page.wait_for_timeout(50)

    def tap(self, label: str) -> None:
        """Tap the button of the newest message that shows it."""
        self._acted()
        button = self.page.get_by_role("button", name=label, exact=True)
        button.last.click()

    def upload(self, name: str, content: bytes, mime_type: str = "text/plain") -> None:
        self._acted()
        self.page.set_input_files("#file", files=[{"name": name, "mimeType": mime_type, "buffer": content}])

    def expect(self, fragment: str, timeout: float = 30) -> str:
        """The first bot message, sent or edited since the last action, whose text holds ``fragment``."""
        deadline = time.monotonic() + timeout
        while True:
            now = self.shown()
            for index, message in enumerate(now):
                changed = index >= len(self.before) or self.before[index] != message
                if changed and message.startswith("bot:") and fragment in message:
                    self.before = now[: index + 1] + self.before[index + 1 :]
                    return message
            if time.monotonic() > deadline:
                raise AssertionError(f"no message with {fragment!r}:\n" + "\n".join(now))
            self.page.wait_for_timeout(100)

    def download(self, suffix: str, into: Path) -> Path:
        """Click the newest document link whose name ends with ``suffix``; the file as the browser saved it."""
        link = self.page.locator(f"#messages li.bot a.file[download$='{suffix}']").last
        with self.page.expect_download() as info:
            link.click()
        saved = into / info.value.suggested_filename
        info.value.save_as(saved)
        return saved
