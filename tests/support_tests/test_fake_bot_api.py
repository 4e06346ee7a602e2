"""The fake Bot API and the chat client, driven by a tiny real python-telegram-bot application."""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from tests.support import DOWNLOAD, ChatClient, FakeBotApi, application_builder, polling
from tests.support.fake_bot_api import max_in_window

REPORT = b"PK\x03\x04 not really a docx"


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The user is greeted with the code they came with and a button to confirm."""
    assert update.message is not None and update.effective_user is not None
    await update.message.reply_text(
        f"Welcome, {update.effective_user.first_name}! Code: {' '.join(context.args or [])}",
        reply_markup=InlineKeyboardMarkup.from_button(InlineKeyboardButton("Confirm", callback_data="confirm")),
    )


async def choose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The pressed button is acknowledged and the message says what was chosen."""
    query = update.callback_query
    assert query is not None
    await query.answer("Noted")
    await query.edit_message_text(f"You chose {query.data}")


async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The user gets a reply keyboard."""
    assert update.message is not None
    await update.message.reply_text("Pick one", reply_markup=ReplyKeyboardMarkup([["Yes", "No"]]))


async def report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The user receives the report as a document."""
    assert update.message is not None
    await update.message.reply_document(
        REPORT, filename="年报.docx", caption="<b>Report</b>", parse_mode=ParseMode.HTML
    )


async def receive_upload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bot downloads the user's file and tells its name and checksum."""
    assert update.message is not None and update.message.document is not None
    document = update.message.document
    content = await (await context.bot.get_file(document.file_id)).download_as_bytearray()
    await update.message.reply_text(f"Got {document.file_name}: {hashlib.sha256(content).hexdigest()}")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The user's text comes back."""
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


def echo_app(server: FakeBotApi) -> Application:
    app = application_builder(server).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("menu", menu))
    app.add_handler(CommandHandler("report", report))
    app.add_handler(CallbackQueryHandler(choose))
    app.add_handler(MessageHandler(filters.Document.ALL, receive_upload))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return app


def talk(server: FakeBotApi, conversation: Callable[[ChatClient], Awaitable[None]], **client: Any) -> None:
    """Run the echo bot against the server while ``conversation`` plays the user."""

    async def main() -> None:
        async with polling(echo_app(server)):
            await conversation(ChatClient(server, **client))

    asyncio.run(main())


def with_bot(server: FakeBotApi, action: Callable[[Bot], Awaitable[None]], *, token: str | None = None) -> None:
    """Run ``action`` with a bare PTB ``Bot`` talking to the server."""

    async def main() -> None:
        async with Bot(
            token or server.token, base_url=f"{server.root}/bot", base_file_url=f"{server.root}/file/bot"
        ) as bot:
            await action(bot)

    asyncio.run(main())


@pytest.fixture
def server() -> Iterator[FakeBotApi]:
    threads_before = set(threading.enumerate())
    with FakeBotApi() as server:
        yield server
    leaked = [thread for thread in threading.enumerate() if thread not in threads_before]
    assert not leaked, f"threads left running: {leaked}"


def test_start_command_gets_a_greeting_with_a_button(server: FakeBotApi) -> None:
    async def conversation(chat: ChatClient) -> None:
        await chat.send("/start CODE42")
        reply = await chat.expect("Welcome, Li!")
        assert reply.text == "Welcome, Li! Code: CODE42"
        assert reply.button_texts == ["Confirm"]

    talk(server, conversation, first_name="Li")
    assert server.unknown_calls == []
    assert {"getMe", "deleteWebhook", "getUpdates", "sendMessage"} <= {call.method for call in server.calls()}


def test_clicking_a_button_edits_the_message(server: FakeBotApi) -> None:
    async def conversation(chat: ChatClient) -> None:
        await chat.send("/start")
        greeting = await chat.wait_reply()
        await chat.click("Confirm")
        edited = await chat.wait_reply()
        assert edited.message_id == greeting.message_id
        assert edited.text == "You chose confirm"
        assert edited.edited and edited.buttons == []
        assert chat.callback_answer == {"text": "Noted"}
        assert [message.text for message in chat.history()] == ["/start", "You chose confirm"]

    talk(server, conversation)


def test_reply_keyboard_button_sends_its_text(server: FakeBotApi) -> None:
    async def conversation(chat: ChatClient) -> None:
        await chat.send("/menu")
        await chat.expect("Pick one")
        await chat.click("Yes")
        assert (await chat.wait_reply()).text == "Yes"

    talk(server, conversation)


def test_bot_sends_a_document_with_its_bytes(server: FakeBotApi) -> None:
    async def conversation(chat: ChatClient) -> None:
        await chat.send("/report")
        reply = await chat.wait_reply()
        assert reply.text == "Report"
        assert reply.file is not None and reply.file.mime_type.endswith("wordprocessingml.document")
        assert chat.last_document() == ("年报.docx", REPORT)

    talk(server, conversation)


def test_user_upload_is_downloadable_by_the_bot(server: FakeBotApi) -> None:
    content = bytes(range(256)) * 40

    async def conversation(chat: ChatClient) -> None:
        await chat.upload("2024年数据.xlsx", content)
        await chat.expect(f"Got 2024年数据.xlsx: {hashlib.sha256(content).hexdigest()}")

    talk(server, conversation)
    assert [call.status for call in server.calls(DOWNLOAD)] == [200]


def test_unhandled_command_gets_no_reply(server: FakeBotApi) -> None:
    async def conversation(chat: ChatClient) -> None:
        await chat.send("/unknown")
        await chat.expect_no_reply()

    talk(server, conversation, quiet=0.2)


def test_failed_expectation_shows_what_the_bot_said(server: FakeBotApi) -> None:
    async def conversation(chat: ChatClient) -> None:
        await chat.send("hello")
        with pytest.raises(AssertionError) as failure:
            await chat.expect("Goodbye", timeout=0.5)
        assert "no reply contains 'Goodbye'" in str(failure.value)
        assert "bot: 'hello'" in str(failure.value)

    talk(server, conversation)


def test_wrong_token_is_rejected_as_invalid_token(server: FakeBotApi) -> None:
    with pytest.raises(InvalidToken, match="was rejected by the server"):
        with_bot(server, lambda bot: asyncio.sleep(0), token="42:wrong-token")
    assert [(call.method, call.status) for call in server.calls()] == [("getMe", 401)]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # retry_after becomes a timedelta
def test_flood_control_raises_retry_after_then_recovers(server: FakeBotApi) -> None:
    server.flood_control("sendMessage", retry_after=7, times=1)

    async def action(bot: Bot) -> None:
        with pytest.raises(RetryAfter) as flood:
            await bot.send_message(1001, "first")
        assert flood.value.retry_after in (7, timedelta(seconds=7))
        assert (await bot.send_message(1001, "second")).text == "second"

    with_bot(server, action)


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_seeded_flood_control_fails_a_reproducible_fraction(server: FakeBotApi) -> None:
    async def outcomes(bot: Bot) -> list[bool]:
        results = []
        for _ in range(20):
            try:
                results.append(await bot.send_chat_action(1001, "typing"))
            except RetryAfter:
                results.append(False)
        return results

    async def action(bot: Bot) -> None:
        server.flood_control("sendChatAction", probability=0.5, seed=3)
        first = await outcomes(bot)
        server.flood_control("sendChatAction", probability=0.5, seed=3)
        assert await outcomes(bot) == first
        assert 0 < first.count(False) < 20

    with_bot(server, action)


def test_blocked_chat_raises_forbidden(server: FakeBotApi) -> None:
    server.block_chat(1001)

    async def action(bot: Bot) -> None:
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(1001, "hello")
        assert (await bot.send_message(1002, "hello")).chat.id == 1002

    with_bot(server, action)


def test_delay_slows_the_answer(server: FakeBotApi) -> None:
    server.delay(0.2, method="sendMessage")

    async def action(bot: Bot) -> None:
        started = time.monotonic()
        await bot.send_message(1001, "slow")
        assert time.monotonic() - started >= 0.2

    with_bot(server, action)


def test_unknown_method_is_recorded(server: FakeBotApi) -> None:
    async def action(bot: Bot) -> None:
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("sendTelepathy", {"chat_id": 1001})

    with_bot(server, action)
    assert [(call.method, call.params) for call in server.unknown_calls] == [("sendTelepathy", {"chat_id": 1001})]


def test_unchanged_edit_and_broken_html_are_rejected_like_telegram(server: FakeBotApi) -> None:
    async def action(bot: Bot) -> None:
        sent = await bot.send_message(1001, "<b>bold</b> &amp; plain", parse_mode=ParseMode.HTML)
        assert sent.text == "bold & plain"
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_text("bold & plain", chat_id=1001, message_id=sent.message_id)
        with pytest.raises(BadRequest, match="Can't parse entities"):
            await bot.send_message(1001, "<b>unclosed", parse_mode=ParseMode.HTML)

    with_bot(server, action)


def test_long_poll_returns_as_soon_as_an_update_is_queued_and_offset_confirms_it(server: FakeBotApi) -> None:
    async def action(bot: Bot) -> None:
        user = {"id": 1001, "is_bot": False, "first_name": "Li"}
        chat = {"id": 1001, "type": "private", "first_name": "Li"}
        asyncio.get_running_loop().call_later(0.1, lambda: server.receive_message(user=user, chat=chat, text="x"))
        started = time.monotonic()
        updates = await bot.get_updates(timeout=timedelta(seconds=5))
        assert time.monotonic() - started < 2
        assert [update.message.text for update in updates if update.message] == ["x"]
        assert await bot.get_updates(offset=updates[0].update_id + 1) == ()

    with_bot(server, action)


def test_json_form_and_query_string_requests_are_understood(server: FakeBotApi) -> None:
    keyboard = {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}
    as_json = post(server, "sendMessage", json.dumps({"chat_id": 7, "text": "123", "reply_markup": keyboard}).encode())
    form = urllib.parse.urlencode({"chat_id": "7", "text": "123", "reply_markup": json.dumps(keyboard)}).encode()
    as_form = post(server, "sendMessage", form, "application/x-www-form-urlencoded")
    for answer in (as_json, as_form):
        assert answer["result"]["text"] == "123"
        assert answer["result"]["reply_markup"] == keyboard
    with urllib.request.urlopen(f"{server.root}/bot{server.token}/getUpdates?timeout=0.2") as response:
        assert json.load(response) == {"ok": True, "result": []}
    assert [message.message_id for message in server.messages(7)] == [1, 2]


def post(server: FakeBotApi, method: str, body: bytes, content_type: str = "application/json") -> Any:
    request = urllib.request.Request(f"{server.root}/bot{server.token}/{method}", body, {"Content-Type": content_type})
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def test_latency_delays_every_answer_but_calls_overlap(server: FakeBotApi) -> None:
    server.latency(0.3)

    async def action(bot: Bot) -> None:
        started = time.monotonic()
        await asyncio.gather(*(bot.send_message(1001 + i, f"hello {i}") for i in range(10)))
        elapsed = time.monotonic() - started
        assert 0.3 <= elapsed < 1.5  # ten calls in flight at once, not one after another (3 s)

    with_bot(server, action)
    sent = server.calls("sendMessage")
    assert len(sent) == 10
    assert all(call.processed_at - call.at >= 0.3 for call in sent)  # `at` is the arrival, before the latency


def test_latency_applies_to_file_downloads(server: FakeBotApi) -> None:
    stored = server.add_file("a.xlsx", b"data", "application/octet-stream")
    server.latency(0.2)

    async def action(bot: Bot) -> None:
        file = await bot.get_file(stored.file_id)
        started = time.monotonic()
        assert await file.download_as_bytearray() == b"data"
        assert time.monotonic() - started >= 0.2

    with_bot(server, action)
    server.clear_faults()  # latency is not a fault: it stays
    assert server.calls(DOWNLOAD)[0].processed_at - server.calls(DOWNLOAD)[0].at >= 0.2


@pytest.mark.parametrize(("status", "description"), [(500, "Internal Server Error"), (502, "Bad Gateway")])
def test_fail_answers_a_server_error_the_next_times_calls(server: FakeBotApi, status: int, description: str) -> None:
    server.fail("sendMessage", status, times=2)

    async def action(bot: Bot) -> None:
        for _ in range(2):
            with pytest.raises(NetworkError, match=description):
                await bot.send_message(1001, "lost")
        assert (await bot.send_message(1001, "third")).text == "third"

    with_bot(server, action)
    assert [call.status for call in server.calls("sendMessage")] == [status, status, 200]
    assert server.calls("sendMessage")[0].response == {"ok": False, "error_code": status, "description": description}
    assert [message.text for message in server.messages(1001)] == ["third"]  # a failed call changes nothing


def test_fail_with_403_says_the_bot_was_blocked(server: FakeBotApi) -> None:
    server.fail("sendDocument", 403)

    async def action(bot: Bot) -> None:
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_document(1001, b"x", filename="a.docx")
        await bot.send_document(1001, b"x", filename="a.docx")

    with_bot(server, action)


def test_fail_with_a_probability_is_reproducible(server: FakeBotApi) -> None:
    async def outcomes(bot: Bot) -> list[bool]:
        results = []
        for _ in range(30):
            try:
                results.append(await bot.send_chat_action(1001, "typing"))
            except NetworkError:
                results.append(False)
        return results

    async def action(bot: Bot) -> None:
        server.fail("sendChatAction", 502, p=0.3, seed=5)
        first = await outcomes(bot)
        server.fail("sendChatAction", 502, p=0.3, seed=5)
        assert await outcomes(bot) == first
        assert 0 < first.count(False) < 30

    with_bot(server, action)


def test_time_out_after_processing_delivers_the_message_but_the_client_times_out(server: FakeBotApi) -> None:
    server.time_out("sendMessage", hold=1.0)

    async def action(bot: Bot) -> None:
        with pytest.raises(TimedOut):
            await bot.send_message(1001, "did it arrive?", read_timeout=0.3)
        assert (await bot.send_message(1001, "next")).text == "next"

    with_bot(server, action)
    assert [message.text for message in server.messages(1001)] == ["did it arrive?", "next"]
    assert [(call.status, call.withheld) for call in server.calls("sendMessage")] == [(200, True), (200, False)]


def test_time_out_before_processing_drops_the_call(server: FakeBotApi) -> None:
    server.time_out("sendMessage", after_processing=False, hold=1.0)

    async def action(bot: Bot) -> None:
        with pytest.raises(TimedOut):
            await bot.send_message(1001, "lost", read_timeout=0.3)

    with_bot(server, action)
    assert server.messages(1001) == []
    assert [(call.status, call.withheld) for call in server.calls("sendMessage")] == [(0, True)]


def test_stopping_the_server_cuts_a_held_answer_short() -> None:
    with FakeBotApi() as server:
        server.time_out("sendMessage", hold=60)
        thread = threading.Thread(target=post, args=(server, "sendMessage", b'{"chat_id": 1, "text": "x"}'))
        thread.start()
        deadline = time.monotonic() + 5
        while not server.calls("sendMessage") and time.monotonic() < deadline:
            time.sleep(0.01)
        started = time.monotonic()
    assert time.monotonic() - started < 5  # stop() joined the handler thread without waiting 60 s
    thread.join(5)


def test_paced_calls_are_counted_per_window_by_arrival(server: FakeBotApi) -> None:
    server.latency(0.2)  # arrival is what counts, not the moment the answer went back

    async def action(bot: Bot) -> None:
        await asyncio.gather(*(bot.send_message(1001 + i % 3, "a") for i in range(12)))
        await bot.send_chat_action(1001, "typing")
        await bot.get_me()  # not addressed to a chat
        await asyncio.sleep(1.1)
        sent = await bot.send_message(1001, "b")
        await bot.edit_message_text("c", chat_id=1001, message_id=sent.message_id)

    with_bot(server, action)
    assert server.paced_calls_per_window() == 13
    assert server.paced_calls_per_chat_window() == {1001: 5, 1002: 4, 1003: 4}
    last = server.calls("sendMessage")[-1].at
    assert server.paced_calls_per_window(since=last) == 2
    assert max_in_window([0.0, 0.5, 1.0, 1.5], 1.0) == 2  # the window is half-open


def test_queued_at_is_when_the_user_acted(server: FakeBotApi) -> None:
    before = time.monotonic()
    update_id = server.enqueue_update({"message": {"message_id": 1, "chat": {"id": 1}, "date": 0, "text": "x"}})
    assert before <= server.queued_at(update_id) <= time.monotonic()
    assert server.pending_updates == 1
    assert [(queued.update_id, queued.chat_id) for queued in server.queued_updates()] == [(update_id, 1)]


def test_latest_bot_message_of_a_chat(server: FakeBotApi) -> None:
    assert server.latest_bot_message(1001) is None

    async def action(bot: Bot) -> None:
        await bot.send_message(1001, "first")
        await bot.send_message(1001, "second")
        await bot.send_message(1002, "elsewhere")

    changed: list[int] = []
    server.watch(changed.append)
    with_bot(server, action)
    assert changed == [1001, 1001, 1002]
    user_writes(server, 1001, "from the user")
    latest = server.latest_bot_message(1001)
    assert latest is not None and latest.text == "second"
    assert server.last_message_id(1001) == 3


# Webhook mode


class Receiver:
    """A webhook endpoint in a thread: records each POST (path, headers, update) and answers ``answer(update)``."""

    def __init__(self, answer: Callable[[dict[str, Any]], int] = lambda update: 200) -> None:
        self.received: list[tuple[str, dict[str, str], dict[str, Any]]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                update = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                receiver.received.append((self.path, dict(self.headers), update))
                self.send_response(answer(update))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,))

    @property
    def root(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def update_ids(self) -> list[int]:
        return [update["update_id"] for _, _, update in self.received]

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


def user_writes(server: FakeBotApi, chat_id: int, text: str) -> None:
    user = {"id": chat_id, "is_bot": False, "first_name": "Li"}
    server.receive_message(user=user, chat={"id": chat_id, "type": "private", "first_name": "Li"}, text=text)


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


def test_webhook_delivers_to_a_python_telegram_bot_app_and_get_updates_conflicts(server: FakeBotApi) -> None:
    """The app gets its updates as python-telegram-bot's own webhook server hands them over."""

    async def main() -> None:
        app = echo_app(server)
        received: list[str | None] = []

        async def hook(request: web.Request) -> web.Response:
            received.append(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
            await app.update_queue.put(Update.de_json(await request.json(), app.bot))
            return web.Response()

        web_app = web.Application()
        web_app.router.add_post("/hook", hook)
        runner = web.AppRunner(web_app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        try:
            async with app:
                await app.start()
                url = f"http://127.0.0.1:{port}/hook"
                assert await app.bot.set_webhook(url, secret_token="s3cret", max_connections=5)
                info = await app.bot.get_webhook_info()
                assert (info.url, info.pending_update_count, info.max_connections) == (url, 0, 5)
                with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
                    await app.bot.get_updates()
                chat = ChatClient(server)
                await chat.send("/start HOOK")
                await chat.expect("Welcome, Tester! Code: HOOK")
                await chat.click("Confirm")
                await chat.expect("You chose confirm")
                assert received == ["s3cret", "s3cret"]
                assert await app.bot.delete_webhook()
                assert await app.bot.get_updates(timeout=0) == ()
                await app.stop()
        finally:
            await runner.cleanup()

    asyncio.run(main())
    assert [attempt.status for attempt in server.webhook_deliveries()] == [200, 200]


def test_webhook_retries_until_a_2xx_and_reports_the_last_error() -> None:
    answers = iter([500, 502, 200])
    with FakeBotApi(webhook_retry=(0.05, 0.1)) as server, Receiver(lambda update: next(answers)) as receiver:
        post(server, "setWebhook", json.dumps({"url": f"{receiver.root}/hook"}).encode())
        user_writes(server, 1001, "hello")
        wait_for(lambda: server.pending_updates == 0)
        attempts = server.webhook_deliveries()
        assert [attempt.status for attempt in attempts] == [500, 502, 200]
        assert [attempt.delivered for attempt in attempts] == [False, False, True]
        assert attempts[1].at - attempts[0].answered_at >= 0.05  # with a pause between attempts
        info = post(server, "getWebhookInfo", b"{}")["result"]
        assert info["last_error_message"] == "Wrong response from the webhook: 502 Bad Gateway"
        assert info["pending_update_count"] == 0
        assert receiver.update_ids() == [attempts[0].update_id] * 3


def test_webhook_keeps_each_chats_order_and_max_connections() -> None:
    release = threading.Event()

    def answer(update: dict[str, Any]) -> int:
        if update["message"]["text"] != "quick":
            release.wait(5)
        return 200

    with FakeBotApi() as server, Receiver(answer) as receiver:
        hook = {"url": f"{receiver.root}/hook", "max_connections": 2}
        assert post(server, "setWebhook", json.dumps(hook).encode())["result"] is True
        user_writes(server, 1, "slow")
        user_writes(server, 1, "after slow")  # same chat: waits for the first to be acknowledged
        user_writes(server, 2, "quick")
        user_writes(server, 3, "slow")
        user_writes(server, 4, "slow")
        wait_for(lambda: len(receiver.received) == 3)
        time.sleep(0.3)
        chats = [update["message"]["chat"]["id"] for _, _, update in receiver.received]
        assert sorted(chats[:2]) == [1, 2] and chats[2] == 3  # chat 1 waits, chat 4 too: two in flight at most
        assert len(receiver.received) == 3
        release.set()
        wait_for(lambda: server.pending_updates == 0)
        chat_one = [
            update["message"]["text"] for _, _, update in receiver.received if update["message"]["chat"]["id"] == 1
        ]
        assert chat_one == ["slow", "after slow"]


def test_webhook_backends_take_turns_on_the_registered_path() -> None:
    with FakeBotApi() as server, Receiver() as first, Receiver() as second:
        server.webhook_backends([first.root, second.root])
        hook = {"url": "https://bot.example.org:8443/tg/hook?k=1", "secret_token": "abc_DEF-1"}
        post(server, "setWebhook", json.dumps(hook).encode())
        for chat_id in range(1, 5):
            user_writes(server, chat_id, "hi")
        wait_for(lambda: server.pending_updates == 0)
    assert len(first.received) == len(second.received) == 2
    assert {path for path, _, _ in first.received + second.received} == {"/tg/hook?k=1"}
    assert {headers["X-Telegram-Bot-Api-Secret-Token"] for _, headers, _ in first.received} == {"abc_DEF-1"}
    assert sorted(attempt.backend or "" for attempt in server.webhook_deliveries()) == sorted(
        [first.root, first.root, second.root, second.root]
    )


def test_set_webhook_can_drop_pending_updates_and_rejects_a_bad_secret(server: FakeBotApi) -> None:
    user_writes(server, 1001, "old")

    async def action(bot: Bot) -> None:
        with pytest.raises(BadRequest, match="Secret token contains unallowed characters"):
            await bot.set_webhook("http://127.0.0.1:9/hook", secret_token="not allowed!")
        assert await bot.set_webhook("http://127.0.0.1:9/hook", drop_pending_updates=True)
        assert (await bot.get_webhook_info()).pending_update_count == 0
        assert await bot.delete_webhook()
        assert (await bot.get_webhook_info()).url == ""

    with_bot(server, action)


def test_stopping_the_server_stops_a_delivery_that_keeps_failing() -> None:
    with FakeBotApi(webhook_retry=(0.05, 0.05)) as server:
        post(server, "setWebhook", json.dumps({"url": "http://127.0.0.1:9/refused"}).encode())
        user_writes(server, 1001, "hello")
        wait_for(lambda: len(server.webhook_deliveries()) >= 2)
        started = time.monotonic()
    assert time.monotonic() - started < 2
    assert server.webhook_deliveries()[0].error == "Connection refused"
