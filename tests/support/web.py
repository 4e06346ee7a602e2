"""The web channel from outside: `python -m bot run` without a token, and a person's browser as HTTP calls
to the chat page's endpoints (what the page's script does), with the chat read back like ChatClient's."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from tests.support.process import ROOT, BotSubprocess


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class WebBot(BotSubprocess):
    """The bot in web mode as a subprocess; ``url`` is its page, ``admin_code`` what the console printed."""

    def __init__(self, workdir: Path, database_url: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": database_url, "LOG_LEVEL": "INFO"}
        env.pop("TELEGRAM_BOT_TOKEN", None)
        super().__init__(workdir, env)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.env["WEB_LISTEN"] = f"127.0.0.1:{self.port}"
        self.out, self.log = workdir / "web.out", workdir / "web.log"
        self.admin_code: str | None = None

    def start(self, timeout: float = 30) -> None:
        with self.out.open("wb") as out, self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"], cwd=self.workdir, env=self.env, stdout=out, stderr=log
            )
        deadline = time.monotonic() + timeout
        while self.url not in self.out.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the web bot did not start:\n{self.log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.05)
        time.sleep(0.3)  # the admin code's lines follow the address
        found = re.search(r"管理员邀请码：(\S+)", self.out.read_text())
        self.admin_code = found[1] if found else None
        while True:  # ready once the bot polls the embedded Bot API: the page answers meanwhile anyway
            try:
                httpx.get(self.url, timeout=2)
                return
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def invite(self, agency: str, level: str = "department") -> str:
        result = self.run_cli("invite", agency, "--level", level)
        assert result.returncode == 0, result.stderr
        return result.stdout.rsplit("邀请码：", 1)[1].strip()


class Browser:
    """One browser: its cookie jar, the CSRF token of the page it loaded, and the chat as the page shows it."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=30)
        self.csrf = ""
        self.seq = 0  # how far the chat was read
        self.cursor = 0  # what expect() already matched or what came before the last action
        self.messages: dict[int, dict[str, Any]] = {}

    def close(self) -> None:
        self.http.close()

    def load(self) -> str:
        """GET / as the browser opens the page: which view it shows ("join" or "chat"); keeps its CSRF token."""
        page = self.http.get("/")
        assert page.status_code == 200
        self.csrf = re.search(r'data-csrf="([^"]*)"', page.text)[1]  # type: ignore[index]
        return re.search(r'data-view="(\w+)"', page.text)[1]  # type: ignore[index]

    def join(self, code: str, name: str) -> httpx.Response:
        answer = self.http.post("/api/join", json={"code": code, "name": name})
        if answer.status_code == 200:
            assert self.load() == "chat"
        return answer

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.post(path, headers={"X-CSRF-Token": self.csrf}, **kwargs)

    def _acted(self, answer: httpx.Response) -> httpx.Response:
        assert answer.status_code == 200, answer.text
        self.read()
        self.cursor = self.seq
        return answer

    def send(self, text: str) -> httpx.Response:
        return self._acted(self.post("/api/send", json={"text": text}))

    def click(self, label: str) -> httpx.Response:
        """Tap the button of the newest bot message that shows it."""
        for message in sorted(self.messages.values(), key=lambda m: -m["id"]):
            for row in message.get("buttons", []):
                for button in row:
                    if button["text"] == label:
                        return self._acted(
                            self.post("/api/tap", json={"message_id": message["id"], "data": button["data"]})
                        )
        raise AssertionError(f"no button {label!r} in the chat:\n{self.transcript()}")

    def upload(self, name: str, content: bytes) -> httpx.Response:
        return self._acted(self.post("/api/upload", files={"file": (name, content, "text/plain")}))

    def read(self, wait: float = 0) -> dict[str, Any]:
        answer = self.http.get("/api/messages", params={"after": self.seq, "wait": wait})
        assert answer.status_code == 200, answer.text
        change = answer.json()
        for message in change["messages"]:
            self.messages[message["id"]] = message
        self.seq = max(self.seq, change["seq"])
        return change

    def expect(self, fragment: str, timeout: float = 30) -> dict[str, Any]:
        """The first bot message, sent or edited since the last match or action, whose text holds ``fragment``."""
        deadline = time.monotonic() + timeout
        while True:
            found = sorted(
                (m for m in self.messages.values() if m["bot"] and m["seq"] > self.cursor and fragment in m["text"]),
                key=lambda m: m["seq"],
            )
            if found:
                self.cursor = found[0]["seq"]
                return found[0]
            if time.monotonic() > deadline:
                raise AssertionError(f"no message with {fragment!r}:\n{self.transcript()}")
            self.read(wait=min(2.0, max(0.1, deadline - time.monotonic())))

    def last_document(self, suffix: str) -> tuple[str, bytes]:
        for message in sorted(self.messages.values(), key=lambda m: -m["id"]):
            file = message.get("file")
            if message["bot"] and file and file["name"].endswith(suffix):
                body = self.http.get(f"/files/{file['id']}")
                assert body.status_code == 200
                return file["name"], body.content
        raise AssertionError(f"no {suffix} in the chat:\n{self.transcript()}")

    def transcript(self) -> str:
        lines = []
        for message in sorted(self.messages.values(), key=lambda m: m["id"]):
            who = "bot" if message["bot"] else "me"
            buttons = [b["text"] for row in message.get("buttons", []) for b in row]
            file = message.get("file", {}).get("name", "")
            lines.append(f"#{message['id']} {who}: {message['text'][:200]!r} {file} {buttons or ''}")
        return "\n".join(lines)
