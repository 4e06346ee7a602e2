"""Deadline rush: kill -9 at random moments while members walk their reports; nothing may be lost.

One long session. Several members (4 agencies, the first with 2 colleagues) walk reports against the real
bot (`python -m bot run`, a subprocess) through the fake Bot API; when a report is complete its members join
a fresh agency and walk again. A killer sends SIGKILL at random moments (uniform 0.2–3 s after the bot is
ready; half of the kills 0–50 ms after an update is queued), starts the bot again at once on the
same database, until the number of trials is reached; then everything settles and is checked.

Members behave like people. They decide what to do from the LAST bot message that asks something (its
question heading 【…】 and its buttons), never from a script index: a prose part gets 1–3 messages and 完成,
or a small .txt upload and 完成; a number question gets its numbers typed or a 0 button; the 表三/表四 gate
gets 有 or 没有; a mismatch of 表三 gets 稍后再改; a finished report makes them join the next agency. After
an action they wait for a reply; when none comes within T they send the SAME update again (once or twice),
then wait longer and go on from whatever the chat shows (typically /fill). Now and then the four first
members each send 60 prose messages at once without waiting (a burst), and the killer keeps killing.

Every answer identifies its question: the numbers of question i are i·10+1, i·10+2… (fees i.5), prose
messages carry a marker 〔A1.3-12-2〕 (member A1, its 3rd report, question 12, 2nd message). A value found
under another question, or a marker found twice, is therefore visible in the database.

Checks (all targets are 0):

- updates lost: updates the fake server handed out in a getUpdates answer and the bot then confirmed (a
  later offset), which got no reply (see below) and whose content is nowhere in the database. An update
  whose content also arrived in a re-send is indistinguishable from that re-send in the database; it
  counts under "without a reply" instead.
- acknowledged answers lost: every ✅ the members saw is read (the question is taken from the
  acknowledgement when it names one, else from its values, which identify the question, or from what the
  member answered then); for each field the last acknowledgement must hold in the database at the end
  (numbers equal, prose of the acknowledged length). Each "已记录" seen after a prose message that was
  sent on its own must have its marker in that part's text or draft (unless a file replaced the draft).
- answers stored in another question: every stored number must be what the members send for that
  question (or 0 where someone tapped a 0 button or 没有 covering it); every marker in a text or draft must
  belong to that part and that report.
- updates without a reply: replies are the bot's new messages in the chat (edits and reminders do not
  count). (a) Counting rule, sound with bursts: in each chat, every bot message is matched with the oldest
  earlier user update not yet matched; an update left unmatched at the end got no reply of its own (a
  matching of every update to a distinct later message exists exactly when this greedy one leaves none).
  (b) Order rule for actions taken one at a time: an action (an update and its re-sends) must get a bot
  message after it and before the member's next action; a member who had to move on without one counts.
- applied twice: a marker twice in one text or draft; an action of one single update (a tap) answered
  with two ✅.

Usage: python bench/crash.py [--trials 200] [--seed 1] [--database-url URL]
Exit code 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine  # noqa: E402
from sqlmodel import Session, col, select  # noqa: E402

from bot import texts  # noqa: E402
from bot.chat.service import Walk  # noqa: E402
from bot.engine.questions import FIX_PREFIX, Kind, Question, questions  # noqa: E402
from bot.report.checks import row_name  # noqa: E402
from bot.schema import CURRENT, Level  # noqa: E402
from storage.db import make_engine, upgrade  # noqa: E402
from storage.models import Agency, Answer, ProseDraft, ReportRow, Skip  # noqa: E402
from tests.e2e.conftest import BotProcess  # noqa: E402
from tests.support.fake_bot_api import FakeBotApi, InlineButton  # noqa: E402

REPLY_WAIT = 4.0  # T: how long a member waits for a reply before sending the same update again
QUIET = 0.25  # a reply is complete once the chat has been quiet this long
BURST_SIZE = 60

# =====================================================================================================
# What the harness reads in the bot's messages: the one place to adapt when the bot's texts change.
# =====================================================================================================

HEADING = re.compile(r"【(?P<section>[^】·]+?)(?: · (?P<part>[^】]+))?】\n?(?P<rest>[^\n]*)")
PROSE_ASK = re.compile(r"请填写“(?P<name>[^”]+)”")
ROW_ASK = re.compile(r"请依次发送 \d+ 个数字|是多少？")
DRAFT_ACK = re.compile(r"已记录[^\n]*?(?P<chars>\d+) 字")
ACK_MARK = "✅"
ACK_CHARS = re.compile(r"（(?P<chars>\d+) 字）")
ACK_GATE = re.compile(r"(?P<table>表[一二三四五六])已全部填 0")
ACK_ZERO = re.compile(r"已填 0：(?P<rows>[^·\n]+)")
ACK_VALUES = re.compile(
    r"(?P<name>[^：]*)：(?P<values>[0-9.][0-9.\s]*?)\s*(?:（总计[^）]*）)?\s*(?:（已保存过，未改动）)?\s*(?:·|$)"
)
NUMBER = re.compile(r"\d+(?:\.\d+)?")
FIX_TEXT = "对不上"
WHICH_TEXT = "是回答哪一题的"  # a reply may have arrived twice: the member says which question they answered
DONE_TEXT = "全部填写完成"
SKIPPED_TEXT = "尚未填写"
UNSOLICITED = ("📣", "⏰", "❗", "📊")  # reminders and digests: sent on the bot's own initiative


@dataclass(frozen=True)
class Prompt:
    """What a bot message asks. ``kind``: prose, row, gate, draft (prose being written: 完成 offered),
    fix (a table's numbers do not add up), done (report complete), skipped (items left)."""

    kind: str
    question: Question | None
    message_id: int
    buttons: tuple[InlineButton, ...]

    def button(self, *labels: str) -> InlineButton | None:
        return next((b for label in labels for b in self.buttons if b.text == label), None)


@dataclass(frozen=True)
class Ack:
    """An acknowledgement: ✅ values, zeros, a gate, a prose part; or 已记录 (a prose message kept)."""

    kind: str  # values, zero, gate, prose, draft
    name: str | None = None  # the question, row(s) or table it names, when it names one
    values: tuple[Decimal, ...] = ()
    chars: int | None = None


def read_prompt(text: str, message_id: int, buttons: tuple[InlineButton, ...]) -> Prompt | None:
    """The question a bot message asks, or None when it asks nothing."""
    heading = HEADING.search(text)
    if heading is not None:
        if (prose := PROSE_ASK.search(text)) and prose["name"] in PROSE_BY_NAME:
            return Prompt("prose", PROSE_BY_NAME[prose["name"]], message_id, buttons)
        labels = {b.text for b in buttons}
        if {texts.BUTTON_GATE_NONE, texts.BUTTON_GATE_SOME} <= labels or any(
            g in text for g in texts.GATE_ASK.values()
        ):
            gate = GATE_BY_SECTION.get(heading["section"].strip())
            if gate is not None:
                return Prompt("gate", gate, message_id, buttons)
        if ROW_ASK.search(text):
            line = heading["rest"]
            candidates = [q for name, q in ROW_BY_NAME.items() if line.startswith(name)]
            if candidates:
                best = max(candidates, key=lambda q: len(row_name(q.row)))  # type: ignore[arg-type]
                return Prompt("row", best, message_id, buttons)
    if WHICH_TEXT in text:
        return Prompt("which", None, message_id, buttons)
    labels = {b.text for b in buttons}
    if texts.BUTTON_FIX_LATER in labels or FIX_TEXT in text:
        return Prompt("fix", None, message_id, buttons)
    if DONE_TEXT in text:
        return Prompt("done", None, message_id, buttons)
    if texts.BUTTON_DONE in labels or DRAFT_ACK.search(text):
        return Prompt("draft", None, message_id, buttons)
    if SKIPPED_TEXT in text and buttons:
        return Prompt("skipped", None, message_id, buttons)
    return None


def read_ack(text: str) -> Ack | None:
    """The acknowledgement at the head of a bot message, if it is one."""
    first = text.split("\n", 1)[0]
    if (draft := DRAFT_ACK.search(first)) is not None:
        return Ack("draft", chars=int(draft["chars"]))
    if ACK_MARK not in first:
        return None
    if gate := ACK_GATE.search(first):
        return Ack("gate", name=gate["table"])
    if zero := ACK_ZERO.search(first):
        return Ack("zero", name=zero["rows"].strip())
    if chars := ACK_CHARS.search(first):
        name = next((n for n in sorted(PROSE_BY_NAME, key=len, reverse=True) if n in first), None)
        return Ack("prose", name=name, chars=int(chars["chars"]))
    if values := ACK_VALUES.search(first.replace(ACK_MARK, "", 1)):
        name = values["name"].strip()
        numbers = tuple(Decimal(n) for n in NUMBER.findall(values["values"]))
        return Ack("values", name=None if name in ("", "已保存") else name, values=numbers)
    return Ack("unknown", name=first)


def unsolicited(text: str) -> bool:
    return text.startswith(UNSOLICITED)


# =====================================================================================================
# The questionnaire and the answers that identify their question
# =====================================================================================================

QUESTIONS = questions(CURRENT)
INDEX = {q.id: i for i, q in enumerate(QUESTIONS)}
BY_ID = {q.id: q for q in QUESTIONS}
PROSE_BY_NAME = {q.prose.name: q for q in QUESTIONS if q.prose is not None}
ROW_BY_NAME = {row_name(q.row): q for q in QUESTIONS if q.kind is Kind.ROW and q.row is not None}
GATE_BY_SECTION = {q.section.heading: q for q in QUESTIONS if q.kind is Kind.GATE}
MARKER = re.compile(r"〔(?P<member>[A-Z]\d)\.(?P<round>\d+)-(?P<q>\d+)-(?P<chunk>[a-z0-9]+)〕")


def answer_values(q: Question) -> tuple[Decimal, ...]:
    """The numbers every member sends for this question: unique to it, never 0."""
    assert q.table is not None
    i = INDEX[q.id]
    if not q.table.number.is_integer:
        return (Decimal(f"{i}.5"),)
    return tuple(Decimal(i * 10 + j + 1) for j in range(q.count))


VALUE_OWNER = {answer_values(q): q for q in QUESTIONS if q.kind is Kind.ROW}


def table_rows(q: Question) -> list[Question]:
    return [r for r in QUESTIONS if r.kind is Kind.ROW and r.table is q.table]


def row_question(name: str) -> Question | None:
    """A question named in an acknowledgement: by its row name, its prose name or 表X + row name."""
    name = name.strip()
    if name in ROW_BY_NAME:
        return ROW_BY_NAME[name]
    if name in PROSE_BY_NAME:
        return PROSE_BY_NAME[name]
    return next((q for row, q in ROW_BY_NAME.items() if name.endswith(row) and len(row) > 1), None)


# =====================================================================================================
# The fake Bot API, recording deliveries, confirmations and every message in one order
# =====================================================================================================


@dataclass
class Event:
    number: int
    at: float
    chat: int
    user: bool  # a user's update (else a new bot message)
    ref: int  # update id, or message id
    text: str = ""


class RecordingApi(FakeBotApi):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.events: list[Event] = []
        self.posts: dict[int, list[Event]] = {}
        self.handed: set[int] = set()
        self.confirmed: set[int] = set()
        self.polls = 0
        self.queued = 0

    def _event(self, chat: int, user: bool, ref: int, text: str = "") -> Event:
        event = Event(len(self.events) + 1, time.monotonic(), chat, user, ref, text)
        self.events.append(event)
        return event

    def enqueue_update(self, update: dict[str, Any]) -> int:
        with self._state:
            update_id = super().enqueue_update(update)
            message = update.get("message") or update["callback_query"]["message"]
            self._event(message["chat"]["id"], True, update_id)
            self.queued += 1
            return update_id

    def _get_updates(self, params: dict[str, Any], files: dict[str, Any]) -> list[dict[str, Any]]:
        self.polls += 1
        offset = params.get("offset")
        if offset is not None and int(offset) > 0:
            self.confirmed |= {u for u in self.handed if u < int(offset)}
        handed = super()._get_updates(params, files)
        self.handed |= {u["update_id"] for u in handed}
        return handed

    def _post(self, chat_id: int, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        message = super()._post(chat_id, params, **content)
        text = message.get("text", message.get("caption", ""))
        self.posts.setdefault(chat_id, []).append(self._event(chat_id, False, message["message_id"], text))
        return message

    def event_count(self) -> int:
        with self._state:
            return len(self.events)

    def buttons(self, chat_id: int, message_id: int) -> tuple[InlineButton, ...]:
        """The buttons the message shows now (a tapped keyboard may have been removed)."""
        with self._state:
            message = self._messages.get((chat_id, message_id), {})
            rows = message.get("reply_markup", {}).get("inline_keyboard", [])
            return tuple(InlineButton(b["text"], b.get("callback_data"), b.get("url")) for r in rows for b in r)


class CrashBot(BotProcess):
    """The bot as a subprocess; ready as soon as its first long poll arrives (not when it returns)."""

    server: RecordingApi

    def __init__(self, server: RecordingApi, workdir: Path, database_url: str) -> None:
        super().__init__(server, workdir, database_url)
        self.env["LOG_LEVEL"] = "INFO"

    def start(self, timeout: float = 30) -> None:
        polls = self.server.polls
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"], cwd=self.workdir, env=self.env, stdout=log, stderr=log
            )
        deadline = time.monotonic() + timeout
        while self.server.polls <= polls:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the bot did not start:\n{self.log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.01)


# =====================================================================================================
# Members
# =====================================================================================================


@dataclass
class Sent:
    update_id: int
    event: int
    group: Group
    markers: tuple[str, ...] = ()


@dataclass
class Group:
    """One action of a member: its first update and the same update sent again for want of a reply."""

    member: str
    chat: int
    report: str  # the agency's name
    kind: str  # text, number, upload, tap, command, burst
    question: Question | None
    label: str = ""  # the text sent, or the button's label
    data: str = ""  # a tap: the button's callback data, on message_id
    message_id: int = 0
    values: tuple[Decimal, ...] = ()
    markers: tuple[str, ...] = ()
    zero: tuple[str, ...] = ()  # fields a 0 button or 没有 fills
    sequential: bool = True
    updates: list[Sent] = field(default_factory=list)

    @property
    def first_event(self) -> int:
        return self.updates[0].event


@dataclass
class Burst:
    number: int
    ready: set[str] = field(default_factory=set)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    running: int = 0  # members still sending or waiting for its replies


class Member:
    def __init__(self, run: Run, label: str, user_id: int, codes: list[tuple[str, str]], slow: bool) -> None:
        self.run, self.label, self.user_id = run, label, user_id
        self.codes = codes  # (agency name, invite code) per report to walk
        self.slow = slow
        self.rng = random.Random(f"{run.seed}-{label}")
        self.user = {"id": user_id, "is_bot": False, "first_name": f"成员{label}", "language_code": "zh-hans"}
        self.chat = {"id": user_id, "type": "private", "first_name": f"成员{label}"}
        self.round = 0
        self.report = ""
        self.chunks: dict[str, int] = {}  # per prose question: messages sent so far (markers numbered on)
        self.planned: dict[str, int] = {}
        self.prose: Question | None = None  # the prose part last asked
        self.bursts_done = 0

    @property
    def server(self) -> RecordingApi:
        return self.run.server

    # --- what the member sees ---

    def last_prompt(self) -> Prompt | None:
        for post in reversed(self.server.posts.get(self.user_id, [])):
            prompt = read_prompt(post.text, post.ref, self.server.buttons(self.user_id, post.ref))
            if prompt is not None:
                return prompt
        return None

    def replied_after(self, event: int) -> bool:
        posts = self.server.posts.get(self.user_id, [])
        return bool(posts) and any(p.number > event and not unsolicited(p.text) for p in posts[-20:])

    async def settle(self) -> None:
        while True:
            posts = self.server.posts.get(self.user_id, [])
            if not posts or time.monotonic() - posts[-1].at >= QUIET:
                return
            await asyncio.sleep(0.05)

    # --- what the member does ---

    def _send(self, group: Group, markers: tuple[str, ...] | None = None) -> None:
        """Queue the group's update once more (a tap presses the same button of the same message)."""
        with self.server._state:  # the update and its event number, taken together
            if group.kind == "tap":
                self.server.receive_callback_query(
                    user=self.user, chat_id=self.user_id, message_id=group.message_id, data=group.data
                )
            elif group.kind == "upload":
                stored = self.server.add_file("正文.txt", group.label.encode("utf-8"), "text/plain")
                self.server.receive_message(user=self.user, chat=self.chat, document=stored.as_document())
            else:
                content: dict[str, Any] = {"text": group.label}
                if group.label.startswith("/"):
                    command = group.label.split(" ", 1)[0]
                    content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
                self.server.receive_message(user=self.user, chat=self.chat, **content)
            update_id, event = self.server._last_update_id, len(self.server.events)
        group.updates.append(Sent(update_id, event, group, group.markers if markers is None else markers))
        self.run.sent += 1

    def _tap_target(self, group: Group) -> bool:
        """The tapped button is still there to tap again."""
        return any(b.callback_data == group.data for b in self.server.buttons(self.user_id, group.message_id))

    async def perform(self, group: Group) -> None:
        """Send, wait for a reply; without one within T send the same again (once or twice)."""
        self.run.groups.append(group)
        resends = self.rng.choice((1, 2))
        for attempt in range(1 + resends):
            if attempt:
                if group.kind == "tap" and not self._tap_target(group):
                    break  # the keyboard is gone: nothing to tap again
                self.run.resends += 1
            self._send(group)
            deadline = time.monotonic() + REPLY_WAIT
            while time.monotonic() < deadline:
                if self.replied_after(group.first_event):
                    await self.settle()
                    return
                await asyncio.sleep(0.03)
        deadline = time.monotonic() + 2 * REPLY_WAIT  # wait a while longer, then go on from what the chat shows
        while time.monotonic() < deadline and not self.replied_after(group.first_event):
            await asyncio.sleep(0.05)
        await self.settle()

    def group(self, kind: str, question: Question | None, **kw: Any) -> Group:
        return Group(self.label, self.user_id, self.report, kind, question, **kw)

    async def tap(self, prompt: Prompt, button: InlineButton, question: Question | None, **kw: Any) -> None:
        group = self.group("tap", question, label=button.text, data=button.callback_data or "", **kw)
        group.message_id = prompt.message_id
        await self.perform(group)

    def marker(self, q: Question, chunk: str) -> str:
        return f"〔{self.label}.{self.round}-{INDEX[q.id]}-{chunk}〕"

    # --- the walk ---

    async def live(self) -> None:
        await self.join()
        while not self.run.stopping:
            await self.step()
            await asyncio.sleep(self.rng.uniform(0.5, 2.0) if self.slow else self.rng.uniform(0.02, 0.3))

    async def join(self) -> bool:
        if self.round >= len(self.codes):
            return False
        self.report, code = self.codes[self.round]
        self.round += 1
        self.chunks.clear()
        self.planned.clear()
        await self.perform(self.group("command", None, label=f"/start {code}"))
        return True

    async def step(self) -> None:
        prompt = self.last_prompt()
        if prompt is None:
            await self.perform(self.group("command", None, label="/fill"))
            return
        if prompt.kind == "done":
            if not await self.join():
                await asyncio.sleep(1)
            return
        if prompt.kind == "fix":
            if button := prompt.button(texts.BUTTON_FIX_LATER):
                await self.tap(prompt, button, None)
            else:
                await self.perform(self.group("command", None, label="/fill"))
            return
        if prompt.kind == "skipped":
            await self.tap(prompt, prompt.buttons[0], None)
            return
        if prompt.kind == "which":  # the question of the member's last answer, as a person would pick it
            answered = next((g.question for g in reversed(self.run.groups) if g.member == self.label), None)
            name = "" if answered is None else row_name(answered.row) if answered.row else answered.id
            button = next((b for b in prompt.buttons if b.text == name), None)
            if button is not None:
                await self.tap(prompt, button, None)
            else:
                await self.perform(self.group("command", None, label="/fill"))
            return
        if prompt.kind == "gate":
            assert prompt.question is not None
            some = self.rng.random() < 0.7
            label = texts.BUTTON_GATE_SOME if some else texts.BUTTON_GATE_NONE
            if button := prompt.button(label):
                zero = () if some else tuple(r.id for r in table_rows(prompt.question))
                await self.tap(prompt, button, prompt.question, zero=zero)
            else:
                await self.perform(self.group("command", None, label="/fill"))
            return
        if prompt.kind in ("prose", "draft"):
            if prompt.question is not None:
                self.prose = prompt.question
            if self.prose is None:
                await self.perform(self.group("command", None, label="/fill"))
                return
            await self.write(prompt, self.prose)
            return
        assert prompt.kind == "row" and prompt.question is not None
        await self.number(prompt, prompt.question)

    async def number(self, prompt: Prompt, q: Question) -> None:
        if self.rng.random() < 0.25:
            options = [b for b in prompt.buttons if b.text.endswith("0") and b.text != texts.BUTTON_GATE_NONE]
            if options:
                button = self.rng.choice(options)
                whole = button.text not in (texts.BUTTON_ZERO, texts.BUTTON_ZERO_ROW)
                zero = tuple(r.key for r in q.zero_rows) if whole else (q.id,)
                await self.tap(prompt, button, q, zero=zero)
                return
        values = answer_values(q)
        text = " ".join(str(v) for v in values)
        await self.perform(self.group("number", q, label=text, values=values))

    async def write(self, prompt: Prompt, q: Question) -> None:
        if self.run.burst is not None and self.label in self.run.burst_members and self.bursts_done < self.run.bursts:
            await self.burst(q)
            return
        sent = self.chunks.get(q.id, 0)
        planned = self.planned.setdefault(q.id, self.rng.randint(1, 3))
        done = prompt.button(texts.BUTTON_DONE)
        if sent == 0 and (standard := prompt.button(texts.BUTTON_STANDARD)) and self.rng.random() < 0.5:
            await self.tap(prompt, standard, q)
            return
        if sent >= planned and done is not None:
            await self.tap(prompt, done, q)
            return
        if sent == 0 and self.rng.random() < 0.2:
            markers = (self.marker(q, "u1"), self.marker(q, "u2"))
            body = f"上传的第一段{markers[0]}。\n上传的第二段{markers[1]}。"
            self.chunks[q.id] = planned
            await self.perform(self.group("upload", q, label=body, markers=markers))
            return
        self.chunks[q.id] = sent + 1
        marker = self.marker(q, str(sent + 1))
        await self.perform(self.group("text", q, label=f"第{sent + 1}段内容{marker}。", markers=(marker,)))

    async def burst(self, q: Question) -> None:
        """Wait for the other members of the burst, then send 60 prose messages without waiting."""
        burst = self.run.burst
        assert burst is not None
        self.bursts_done = self.run.bursts
        burst.ready.add(self.label)
        try:
            await asyncio.wait_for(burst.release.wait(), timeout=40)
        except TimeoutError:
            burst.ready.discard(self.label)
            return
        if self.run.stopping:
            return
        burst.running += 1
        group = self.group("burst", q, sequential=False)
        self.run.groups.append(group)
        start = self.server.event_count()
        for k in range(1, BURST_SIZE + 1):
            marker = self.marker(q, f"b{burst.number}x{k}")
            group.label = f"第{k}条补充{marker}。"
            group.markers = (*group.markers, marker)
            self._send(group, (marker,))
            await asyncio.sleep(0)
        self.chunks[q.id] = max(self.chunks.get(q.id, 0), self.planned.setdefault(q.id, 1))
        deadline = time.monotonic() + 3 * REPLY_WAIT
        while time.monotonic() < deadline:
            replies = [p for p in self.server.posts.get(self.user_id, []) if p.number > start]
            if len(replies) >= BURST_SIZE:
                break
            await asyncio.sleep(0.1)
        await self.settle()
        burst.running -= 1


# =====================================================================================================
# The run
# =====================================================================================================


@dataclass
class Outcome:
    trials: int = 0
    kills_in_burst: int = 0
    bursts: int = 0
    sent: int = 0
    resends: int = 0
    elapsed: float = 0.0
    targets: dict[str, int] = field(default_factory=dict)
    details: dict[str, list[str]] = field(default_factory=dict)
    info: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, Counter[str]] = field(default_factory=dict)  # target -> updates by kind

    @property
    def missed(self) -> dict[str, int]:
        return {name: count for name, count in self.targets.items() if count}

    def report(self) -> str:
        lines = [
            f"trials (kill -9): {self.trials}, of them during a burst: {self.kills_in_burst} ({self.bursts} bursts)",
            f"updates sent: {self.sent}, of them re-sent for want of a reply: {self.resends}",
            f"elapsed: {self.elapsed:.0f} s",
            *(f"{name}: {count}" for name, count in self.info.items()),
            "targets (all 0):",
        ]
        for name, count in self.targets.items():
            kinds = ", ".join(f"{kind} {n}" for kind, n in self.kinds.get(name, Counter()).most_common())
            lines.append(f"  {name}: {count}" + (f" ({kinds})" if kinds else ""))
            lines += [f"      {detail}" for detail in self.details.get(name, [])[:6]]
        if unread := self.details.get("acknowledgements not understood"):
            lines.append("acknowledgements not understood (adapt read_ack):")
            lines += [f"      {detail}" for detail in unread[:6]]
        return "\n".join(lines)


class Run:
    def __init__(self, trials: int, seed: int, database_url: str, workdir: Path, agencies: int = 4) -> None:
        self.trials, self.seed, self.database_url, self.workdir = trials, seed, database_url, workdir
        self.rng = random.Random(seed)
        # Update ids go on from earlier runs, as Telegram's do: a database that is not new remembers them.
        self.server = RecordingApi(first_update_id=int(time.time() * 1000))
        self.stopping = False
        self.groups: list[Group] = []
        self.sent = self.resends = 0
        self.kills = self.kills_in_burst = 0
        self.burst: Burst | None = None
        self.bursts = 0
        self.agencies = agencies
        self.burst_members: set[str] = set()
        self.members: list[Member] = []
        self.stamp = f"{int(time.time())}-{seed}"
        self.names: dict[str, tuple[str, int]] = {}  # agency name -> (letter, round)

    def invite(self, engine: Engine, rounds: int) -> None:
        """Agencies A, B, C…: A with two colleagues, the others with one member; a fresh agency per round."""
        walk = Walk(engine)
        user_id = 7000 + self.seed % 1000 * 10
        for a in range(self.agencies):
            letter = chr(ord("A") + a)
            people = 2 if a == 0 else 1
            codes: list[list[tuple[str, str]]] = [[] for _ in range(people)]
            for r in range(1, rounds + 1):
                name = f"压测{letter}{r:02d}（{self.stamp}）"
                self.names[name] = (letter, r)
                for p in range(people):
                    codes[p].append((name, walk.invite(name=name, level=Level.DEPARTMENT, created_by=None)[0]))
            for p in range(people):
                label = f"{letter}{p + 1}"
                user_id += 1
                self.members.append(Member(self, label, user_id, codes[p], slow=p > 0))
            self.burst_members.add(f"{letter}1")

    async def killer(self, bot: CrashBot) -> None:
        every = max(25, self.trials // 8)
        await self.start_burst()
        while self.kills < self.trials:
            await asyncio.sleep(self.rng.uniform(0.2, 3.0))
            if self.rng.random() < 0.5:  # right after an update is queued: while it is fetched, handled, answered
                queued, deadline = self.server.queued, time.monotonic() + 3
                while self.server.queued == queued and time.monotonic() < deadline:
                    await asyncio.sleep(0.002)
                await asyncio.sleep(self.rng.uniform(0, 0.05))
            in_burst = self.burst is not None and (self.burst.release.is_set() and self.burst.running > 0)
            await asyncio.to_thread(bot.kill)
            self.kills += 1
            self.kills_in_burst += in_burst
            await asyncio.to_thread(bot.start)
            if self.kills % every == 0 and self.kills < self.trials:
                await self.start_burst()

    async def start_burst(self) -> None:
        if self.burst is not None and (self.burst.running or not self.burst.release.is_set()):
            return
        self.bursts += 1
        self.burst = Burst(self.bursts)
        asyncio.get_running_loop().create_task(self.release(self.burst))

    async def release(self, burst: Burst) -> None:
        deadline = time.monotonic() + 30
        while burst.ready != self.burst_members and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        burst.release.set()

    async def main(self) -> Outcome:
        started = time.monotonic()
        engine = make_engine(self.database_url)
        upgrade(engine)
        self.invite(engine, rounds=6 + self.trials // 6)
        with self.server:
            bot = CrashBot(self.server, self.workdir, self.database_url)
            await asyncio.to_thread(bot.start)
            tasks = [asyncio.create_task(m.live()) for m in self.members]
            try:
                await self.killer(bot)
                self.stopping = True
                if self.burst is not None:
                    self.burst.release.set()
                await asyncio.wait_for(asyncio.gather(*tasks), timeout=120)
                await self.quiet()
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.to_thread(bot.stop)
        outcome = Check(self, engine).outcome()
        engine.dispose()
        outcome.trials, outcome.kills_in_burst, outcome.bursts = self.kills, self.kills_in_burst, self.bursts
        outcome.sent, outcome.resends = self.sent, self.resends
        outcome.elapsed = time.monotonic() - started
        return outcome

    async def quiet(self, seconds: float = 3.0) -> None:
        """Settle: every queued update fetched and confirmed, and the bot silent for a while."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with self.server._state:
                pending = bool(self.server._updates)
                last = self.server.events[-1].at if self.server.events else 0.0
            if not pending and time.monotonic() - last >= seconds:
                return
            await asyncio.sleep(0.1)


# =====================================================================================================
# The checks
# =====================================================================================================


@dataclass
class Stored:
    """One report as the database holds it."""

    letter: str
    round: int
    values: dict[str, Any] = field(default_factory=dict)  # field key -> decoded value_json
    drafts: dict[str, str] = field(default_factory=dict)
    skips: set[str] = field(default_factory=set)


TAP_ACKS = {Kind.PROSE: "prose", Kind.ROW: "zero", Kind.GATE: "gate"}  # what a tap on such a question says


def input_cells(q: Question, raw: Any) -> tuple[Decimal, ...] | None:
    assert q.table is not None
    if isinstance(raw, dict):
        cells = [raw.get(c.key) for c in q.table.columns]
    elif isinstance(raw, list):
        cells = list(raw)
    else:
        cells = [raw]
    try:
        return tuple(Decimal(str(cells[i])) for i in q.table.input_columns)
    except (IndexError, ArithmeticError, ValueError):
        return None


class Check:
    def __init__(self, run: Run, engine: Engine) -> None:
        self.run = run
        self.server = run.server
        self.reports = self._load(engine)
        self.details: dict[str, list[str]] = {}
        self.kinds: dict[str, Counter[str]] = {}
        self.zero_cover: dict[str, set[str]] = {}
        self.uploads: set[tuple[str, str]] = set()
        self.by_chat: dict[int, tuple[list[int], list[tuple[int, Group]]]] = {}
        for index, group in sorted(
            enumerate(run.groups), key=lambda item: item[1].first_event if item[1].updates else 0
        ):
            if group.updates:
                starts, groups = self.by_chat.setdefault(group.chat, ([], []))
                starts.append(group.first_event)
                groups.append((index, group))
        for group in run.groups:
            if group.zero:
                self.zero_cover.setdefault(group.report, set()).update(group.zero)
            if group.kind == "upload" and group.question is not None:
                self.uploads.add((group.report, group.question.id))

    def _load(self, engine: Engine) -> dict[str, Stored]:
        reports: dict[str, Stored] = {}
        with Session(engine) as session:
            rows = session.exec(
                select(Agency.name, ReportRow.id).join(ReportRow, col(ReportRow.agency_id) == col(Agency.id))
            ).all()
            ids = {}
            for name, report_id in rows:
                if name in self.run.names:
                    letter, round_ = self.run.names[name]
                    reports[name] = Stored(letter, round_)
                    ids[report_id] = name
            for report_id, key, value_json in session.exec(
                select(Answer.report_id, Answer.field_key, Answer.value_json)
            ).all():
                if report_id in ids:
                    reports[ids[report_id]].values[key] = json.loads(value_json)
            for report_id, key, text in session.exec(
                select(ProseDraft.report_id, ProseDraft.field_key, ProseDraft.text)
            ).all():
                if report_id in ids:  # each member's own draft: colleagues' drafts of one part are joined
                    drafts = reports[ids[report_id]].drafts
                    drafts[key] = f"{drafts[key]}\n{text}" if key in drafts else text
            for report_id, question_id in session.exec(select(Skip.report_id, Skip.question_id)).all():
                if report_id in ids:
                    reports[ids[report_id]].skips.add(question_id)
        return reports

    def note(self, target: str, detail: str, kind: str = "") -> None:
        self.details.setdefault(target, []).append(detail)
        if kind:
            self.kinds.setdefault(target, Counter())[kind] += 1

    # --- content in the database ---

    def texts_of(self, name: str, key: str) -> str:
        stored = self.reports.get(name)
        if stored is None:
            return ""
        value = stored.values.get(key)
        return (value if isinstance(value, str) else "") + "\n" + stored.drafts.get(key, "")

    def all_text(self, name: str) -> str:
        stored = self.reports.get(name)
        if stored is None:
            return ""
        return "\n".join([*(v for v in stored.values.values() if isinstance(v, str)), *stored.drafts.values()])

    def cells(self, name: str, key: str) -> tuple[Decimal, ...] | None:
        stored = self.reports.get(name)
        if stored is None or key not in stored.values:
            return None
        return input_cells(BY_ID[key], stored.values[key])

    def misplaced(self) -> int:
        count = 0
        for name, stored in self.reports.items():
            for key, value in stored.values.items():
                q = BY_ID.get(key)
                if q is None or q.kind is not Kind.ROW:
                    continue
                cells = input_cells(q, value)
                if cells == answer_values(q):
                    continue
                if cells is not None and not any(cells) and key in self.zero_cover.get(name, set()):
                    continue
                owner = VALUE_OWNER.get(cells) if cells is not None else None
                whose = f" (the answer to {owner.id})" if owner else ""
                count += 1
                self.note("stored in another question", f"{name} {key} = {value}{whose}")
            places = [(k, v) for k, v in stored.values.items() if isinstance(v, str)]
            places += [(k, v) for k, v in stored.drafts.items()]
            for key, text in places:
                for marker in MARKER.finditer(text):
                    belongs = int(marker["q"]) == INDEX.get(key) and marker["member"][0] == stored.letter
                    if not belongs or int(marker["round"]) != stored.round:
                        count += 1
                        self.note("stored in another question", f"{name} {key} holds {marker[0]}")
        return count

    def twice(self, acks_per_group: Counter[int]) -> int:
        count = 0
        for name, stored in self.reports.items():
            places = [(k, v) for k, v in stored.values.items() if isinstance(v, str)]
            places += [(f"{k} (draft)", v) for k, v in stored.drafts.items()]
            for key, text in places:
                for marker, n in Counter(m[0] for m in MARKER.finditer(text)).items():
                    if n > 1:
                        count += n - 1
                        self.note("applied twice", f"{name} {key}: {marker} ×{n}")
        for index, group in enumerate(self.run.groups):
            if group.kind == "tap" and len(group.updates) == 1 and acks_per_group[index] > 1:
                count += 1
                self.note("applied twice", f"{group.member} tap {group.label} acknowledged {acks_per_group[index]}×")
        return count

    def effect(self, group: Group, sent: Sent) -> bool:
        """Whether the update's content is anywhere in the database."""
        if sent.markers:
            text = self.all_text(group.report)
            return any(m in text for m in sent.markers)
        q = group.question
        if group.kind == "number" and q is not None:
            stored = self.reports.get(group.report)
            return stored is not None and any(
                (other := BY_ID.get(k)) is not None and other.kind is Kind.ROW and input_cells(other, v) == group.values
                for k, v in stored.values.items()
            )
        if group.zero:
            return all(self.cells(group.report, key) is not None for key in group.zero)
        if group.kind == "tap" and q is not None and q.kind is Kind.PROSE:
            stored = self.reports.get(group.report)
            return stored is not None and bool(stored.values.get(q.id))
        if group.kind == "tap" and q is not None and q.kind is Kind.GATE:
            return any(self.cells(group.report, r.id) is not None for r in table_rows(q))
        stored = self.reports.get(group.report)
        if group.label == texts.BUTTON_FIX_LATER:
            return stored is not None and any(s.startswith(FIX_PREFIX) for s in stored.skips)
        if group.label.startswith("/start "):
            return stored is not None  # joined: the report was opened
        return False

    # --- replies ---

    def replies(self) -> tuple[dict[int, bool], int, list[Group]]:
        """(update id -> matched with a reply, acknowledgements per group, groups without a reply in order)."""
        by_update = {sent.update_id: sent for group in self.run.groups for sent in group.updates}
        effects = {u: self.effect(sent.group, sent) for u, sent in by_update.items()}
        pending: dict[int, list[int]] = {}
        matched: dict[int, bool] = {}
        for event in self.server.events:
            if event.user:
                if event.ref in by_update:
                    matched[event.ref] = False
                    pending.setdefault(event.chat, []).append(event.ref)
            elif not unsolicited(event.text) and (waiting := pending.get(event.chat)):
                # The bot answers what it acted on: the oldest waiting update whose content it stored.
                index = next((i for i, u in enumerate(waiting) if effects[u]), 0)
                matched[waiting.pop(index)] = True
        out_of_order: list[Group] = []
        posts = {
            chat: [p.number for p in posts if not unsolicited(p.text)] for chat, posts in self.server.posts.items()
        }
        by_chat: dict[int, list[Group]] = {}
        for group in self.run.groups:
            if group.updates:
                by_chat.setdefault(group.chat, []).append(group)
        end = len(self.server.events) + 1
        for chat, groups in by_chat.items():
            groups.sort(key=lambda g: g.first_event)
            for group, after in zip(groups, [*(g.first_event for g in groups[1:]), end], strict=True):
                if not group.sequential or all(not matched.get(s.update_id, False) for s in group.updates):
                    continue  # bursts: counting rule only; unanswered groups are counted by it already
                if not any(group.first_event < n < after for n in posts.get(chat, [])):
                    out_of_order.append(group)
        unmatched = sum(1 for m in matched.values() if not m)
        return matched, unmatched, out_of_order

    def group_at(self, chat: int, event: int) -> tuple[int, Group] | None:
        """The member's action under way when the bot message ``event`` arrived."""
        starts, groups = self.by_chat.get(chat, ([], []))
        at = bisect.bisect_left(starts, event) - 1
        return groups[at] if at >= 0 else None

    def acknowledged(self) -> tuple[int, Counter[int], int]:
        """(acknowledged answers lost, ✅ per group, acknowledgements not understood)."""
        last: dict[tuple[str, str], tuple[str, Any]] = {}
        per_group: Counter[int] = Counter()
        lost = unread = 0
        chunks: list[tuple[Group, str, int]] = []
        rewritten: dict[tuple[str, str], tuple[int, str]] = {}  # prose part -> (event, member) of its last ✅
        for event in self.server.events:
            if event.user or unsolicited(event.text) or (ack := read_ack(event.text)) is None:
                continue
            found = self.group_at(event.chat, event.number)
            if found is None:
                unread += 1
                continue
            index, group = found
            report = group.report
            if ack.kind == "draft":
                if group.kind in ("text", "upload") and group.question is not None:
                    chunks.append((group, group.question.id, event.number))
                continue
            if group.kind == "tap" and ack.kind == TAP_ACKS.get(group.question.kind if group.question else None, ""):
                per_group[index] += 1
            fields = self.ack_fields(ack, group)
            if not fields:
                unread += 1
                self.note("acknowledgements not understood", event.text.split("\n", 1)[0])
                continue
            for key, expected in fields.items():
                last[(report, key)] = expected
                if expected[0] == "prose":
                    rewritten[(report, key)] = (event.number, group.member)
        for (report, key), (kind, expected) in last.items():
            if kind == "prose":
                stored = self.reports.get(report)
                text = stored.values.get(key) if stored else None
                if not isinstance(text, str) or len(text) != expected:
                    lost += 1
                    self.note("acknowledged answers lost", f"{report} {key}: ✅ {expected} 字, stored {text!r:.60}")
            elif self.cells(report, key) != expected:
                lost += 1
                self.note(
                    "acknowledged answers lost", f"{report} {key}: ✅ {expected}, stored {self.cells(report, key)}"
                )
        for group, key, at in chunks:
            if (group.report, key) in self.uploads and group.kind == "text":
                continue  # a file replaced the draft
            saved_at, saved_by = rewritten.get((group.report, key), (0, group.member))
            if saved_at > at and saved_by != group.member:
                continue  # a colleague saved the part afterwards, possibly anew
            if not any(m in self.texts_of(group.report, key) for m in group.markers):
                lost += 1
                self.note("acknowledged answers lost", f"{group.report} {key}: 已记录 {group.markers[0]} is gone")
        return lost, per_group, unread

    def ack_fields(self, ack: Ack, group: Group) -> dict[str, tuple[str, Any]]:
        """The fields an acknowledgement vouches for, and what they must hold."""
        if ack.kind == "prose":
            q = PROSE_BY_NAME.get(ack.name or "")
            return {q.id: ("prose", ack.chars)} if q else {}
        if ack.kind == "gate":
            gate = next((q for q in QUESTIONS if q.kind is Kind.GATE and q.table and q.table.name == ack.name), None)
            return {r.id: ("cells", (Decimal(0),) * r.count) for r in table_rows(gate)} if gate else {}
        if ack.kind == "zero":
            keys: Iterable[str] = group.zero
            if not group.zero:
                named = [row_question(n) for n in (ack.name or "").split("、")]
                keys = [q.id for q in named if q is not None]
            return {k: ("cells", (Decimal(0),) * BY_ID[k].count) for k in keys}
        q = row_question(ack.name) if ack.name else None
        if q is None and group.kind == "number" and group.values == ack.values:
            q = group.question
        if q is None:
            q = VALUE_OWNER.get(ack.values)
        return {q.id: ("cells", ack.values)} if q is not None and q.kind is Kind.ROW else {}

    def outcome(self) -> Outcome:
        matched, unmatched, out_of_order = self.replies()
        lost_acks, per_group, unread = self.acknowledged()
        lost = 0
        for group in self.run.groups:
            for sent in group.updates:
                confirmed = sent.update_id in self.server.confirmed
                if confirmed and not matched.get(sent.update_id, False) and not self.effect(group, sent):
                    lost += 1
                    self.note("updates lost", describe(group, sent), group.kind)
        for group in self.run.groups:
            for sent in group.updates:
                if not matched.get(sent.update_id, False):
                    self.note("updates without a reply", describe(group, sent), group.kind)
        for group in out_of_order:
            what = f"{group.member} moved on without a reply to {group.label[:40]!r}"
            self.note("updates without a reply", what, f"{group.kind}, moved on")
        outcome = Outcome()
        outcome.targets = {
            "updates lost": lost,
            "acknowledged answers lost": lost_acks,
            "stored in another question": self.misplaced(),
            "updates without a reply": unmatched + len(out_of_order),
            "applied twice": self.twice(per_group),
        }
        outcome.info = {
            "  never answered (counting rule)": unmatched,
            "  answered only after the member moved on (order rule)": len(out_of_order),
            "acknowledgements not understood": unread,
            "updates never confirmed": sum(1 for g in self.run.groups for s in g.updates)
            - sum(1 for g in self.run.groups for s in g.updates if s.update_id in self.server.confirmed),
            "reports walked": len(self.reports),
        }
        outcome.details = self.details
        outcome.kinds = self.kinds
        return outcome


def describe(group: Group, sent: Sent) -> str:
    what = " ".join(sent.markers) if group.kind == "burst" else group.label[:40]
    return f"{group.member} {group.report} update {sent.update_id} ({group.kind}): {what!r}"


def transcript(run: Run, path: Path) -> None:
    """Every chat as it happened, user updates (› the member's) and bot messages (‹), for reading a failure."""
    sent = {s.update_id: (g, s) for g in run.groups for s in g.updates}
    names = {m.user_id: m.label for m in run.members}
    with path.open("w", encoding="utf-8") as out:
        for event in run.server.events:
            who = names.get(event.chat, str(event.chat))
            if event.user:
                group, update = sent.get(event.ref, (None, None))
                what = describe(group, update) if group and update else f"update {event.ref}"
                confirmed = "" if event.ref in run.server.confirmed else " (never confirmed)"
                out.write(f"{event.number:>7} {event.at:10.3f} {who} › {what}{confirmed}\n")
            else:
                text = event.text.replace("\n", " ⏎ ")[:160]
                out.write(f"{event.number:>7} {event.at:10.3f} {who} ‹ #{event.ref} {text}\n")


def run_crash(
    trials: int,
    seed: int,
    database_url: str | None = None,
    workdir: Path | None = None,
    transcript_to: Path | None = None,
) -> Outcome:
    """The whole session; a SQLite file in ``workdir`` (or a temporary directory) unless a URL is given."""
    with tempfile.TemporaryDirectory() as tmp:
        where = workdir or Path(tmp)
        url = database_url or f"sqlite:///{where / 'crash.db'}"
        run = Run(trials, seed, url, where)
        outcome = asyncio.run(run.main())
        if transcript_to is not None:
            transcript(run, transcript_to)
        return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=200, help="kill -9 count (default 200)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary directory")
    parser.add_argument("--transcript", type=Path, help="write every chat, update by update, to this file")
    parser.add_argument(
        "--reply-wait", type=float, default=REPLY_WAIT, help="T: seconds a member waits before sending again"
    )
    args = parser.parse_args()
    globals()["REPLY_WAIT"] = args.reply_wait  # impatient members re-send while the bot is still restarting
    outcome = run_crash(args.trials, args.seed, args.database_url, transcript_to=args.transcript)
    print(outcome.report())
    sys.exit(1 if outcome.missed else 0)


if __name__ == "__main__":
    main()
