"""The pacer: the sliding window, the flood-control pause shared by every call, and what is never retried.

Most tests drive the pacer with fake calls on an event loop whose clock jumps to the next timer, so that
seconds of pacing take milliseconds; the last ones send through python-telegram-bot to the fake Bot API.
"""

from __future__ import annotations

import asyncio
import bisect
import time
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot.reminders.pacing import Pacer, retry_after_seconds
from tests.support import FakeBotApi, application_builder

T = TypeVar("T")


class JumpingClockLoop(asyncio.SelectorEventLoop):
    """An event loop whose clock jumps to the next timer instead of waiting for it (no real I/O)."""

    def __init__(self) -> None:
        super().__init__()
        self.now = 0.0
        select = self._selector.select

        def jump(timeout: float | None = None) -> list[Any]:
            events = select(0)
            if not events:
                if timeout is None:
                    raise RuntimeError("every task waits and no timer is set: deadlock")
                self.now += timeout
            return events

        self._selector.select = jump  # type: ignore[method-assign]

    def time(self) -> float:
        return self.now


def run_jumping(main: Callable[[], Awaitable[T]]) -> T:
    with asyncio.Runner(loop_factory=JumpingClockLoop) as runner:
        return runner.run(main())  # type: ignore[arg-type]


def retry_after(seconds: float) -> RetryAfter:
    with warnings.catch_warnings():  # PTB warns on building it unless PTB_TIMEDELTA is set
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        return RetryAfter(timedelta(seconds=seconds))


class FakeApi:
    """Records when each call is made; raises the errors queued for a chat, one per attempt."""

    def __init__(
        self,
        errors: dict[int, list[TelegramError]] | None = None,
        *,
        latency: float = 0,
        stalls: dict[int, float] | None = None,
    ) -> None:
        self.calls: list[tuple[int | None, float]] = []
        self.errors = errors or {}
        self.latency = latency  # seconds before the answer comes back
        self.stalls = stalls or {}  # chat → seconds the event loop is kept busy when its call starts

    async def call(self, chat_id: int | None) -> bool:
        loop = asyncio.get_running_loop()
        self.calls.append((chat_id, loop.time()))
        assert isinstance(loop, JumpingClockLoop)
        loop.now += self.stalls.get(chat_id, 0)
        await asyncio.sleep(self.latency)
        if queued := self.errors.get(chat_id):
            raise queued.pop(0)
        return True

    def times(self) -> list[float]:
        return [moment for _, moment in self.calls]


async def send(pacer: Pacer, api: FakeApi, chat_id: int | None, retries: int | None = None) -> Any:
    data = {"text": "提醒"} if chat_id is None else {"chat_id": chat_id, "text": "提醒"}
    endpoint = "answerCallbackQuery" if chat_id is None else "sendMessage"
    return await pacer.process_request(api.call, (chat_id,), {}, endpoint, data, retries)


def max_in_window(times: list[float], span: float = 1.0) -> int:
    times = sorted(times)
    return max(bisect.bisect_right(times, t + span) - i for i, t in enumerate(times))


def test_a_burst_of_100_stays_within_30_a_second_and_25_on_average() -> None:
    api = FakeApi()

    async def main() -> None:
        pacer = Pacer()
        await pacer.initialize()
        await asyncio.gather(*(send(pacer, api, chat_id) for chat_id in range(100)))

    run_jumping(main)
    times = api.times()
    assert len(times) == 100
    assert max_in_window(times) == 30
    assert max_in_window(times, 1.2 - 1e-9) == 30  # 30 per 1.2 s is 25 a second
    assert sorted(set(times)) == pytest.approx([0, 1.2, 2.4, 3.6])  # a backlog goes out in whole bursts
    assert [chat_id for chat_id, _ in api.calls] == list(range(100))  # first come, first served


def test_a_429_pauses_every_call_and_the_call_is_retried_after_it() -> None:
    api = FakeApi({3: [retry_after(1)]})

    async def main() -> None:
        pacer = Pacer(rate=5, burst=1, per=0.1)  # one call every 0.2 s
        await pacer.initialize()

        async def unpaced_later() -> None:
            await asyncio.sleep(0.5)
            await send(pacer, api, None)  # not paced, but flood control holds for the whole bot

        await asyncio.gather(*(send(pacer, api, chat_id) for chat_id in range(1, 6)), unpaced_later())

    run_jumping(main)
    assert api.calls == [
        (1, pytest.approx(0.0)),
        (2, pytest.approx(0.2)),
        (3, pytest.approx(0.4)),  # answered 429, retry after 1 s
        (3, pytest.approx(1.4)),  # the retry goes first, then the rest in their order
        (None, pytest.approx(1.4)),
        (4, pytest.approx(1.6)),
        (5, pytest.approx(1.8)),
    ]


def test_a_429_in_a_busy_backlog_keeps_the_window() -> None:
    api = FakeApi({29: [retry_after(1)]}, latency=0.15)

    async def main() -> None:
        pacer = Pacer()
        await pacer.initialize()
        await asyncio.gather(*(send(pacer, api, chat_id) for chat_id in range(100)))

    run_jumping(main)
    times = api.times()
    assert len(times) == 101
    assert max_in_window(times, 1.2 - 1e-9) == 30  # the next burst waits for the window, not just the pause
    assert sorted(set(times)) == pytest.approx([0, 1.2, 2.4, 3.6])


def test_calls_started_late_by_a_busy_loop_still_hold_back_the_next_burst() -> None:
    # Chat 50 is in the second burst, planned for 1.2 s: the calls after it in that burst start at 1.5.
    api = FakeApi(stalls={50: 0.3})

    async def main() -> None:
        pacer = Pacer()
        await pacer.initialize()
        await asyncio.gather(*(send(pacer, api, chat_id) for chat_id in range(90)))

    run_jumping(main)
    times = api.times()
    assert times[51:60] == pytest.approx([1.5] * 9)
    # Started calls are held to 30 in 1.1 s: half the 0.2 s margin absorbs the usual unevenness.
    assert times[60:81] == pytest.approx([2.4] * 21) and times[81:] == pytest.approx([2.6] * 9)  # not 2.4
    assert max_in_window(times, 1.1 - 1e-9) == 30


def test_retries_are_bounded() -> None:
    api = FakeApi({1: [retry_after(1) for _ in range(10)], 2: [retry_after(1)]})

    async def main() -> None:
        pacer = Pacer(max_retries=2)
        await pacer.initialize()
        with pytest.raises(RetryAfter):
            await send(pacer, api, 1)
        assert len(api.calls) == 3
        with pytest.raises(RetryAfter):
            await send(pacer, api, 2, retries=0)  # rate_limit_args overrides max_retries

    run_jumping(main)
    assert len(api.calls) == 4


@pytest.mark.parametrize(
    "error",
    [
        TimedOut(),
        NetworkError("connection reset"),
        Forbidden("Forbidden: bot was blocked by the user"),
        BadRequest("x"),
    ],
    ids=["timed-out", "network", "forbidden", "bad-request"],
)
def test_other_errors_are_raised_at_once_without_retry(error: TelegramError) -> None:
    api = FakeApi({1: [error]})

    async def main() -> None:
        pacer = Pacer()
        await pacer.initialize()
        with pytest.raises(type(error)):
            await send(pacer, api, 1)
        assert await send(pacer, api, 2)  # and the pacer goes on

    run_jumping(main)
    assert [chat_id for chat_id, _ in api.calls] == [1, 2]


def test_a_rate_that_cannot_keep_the_margin_is_refused() -> None:
    with pytest.raises(ValueError, match="below burst / per"):
        Pacer(rate=30)  # 30 in 1 s: no margin left for calls that start late


def test_retry_after_in_seconds_whatever_ptb_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    error = retry_after(1.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # reading it must not warn
        assert retry_after_seconds(error) == 1.5
        monkeypatch.setenv("PTB_TIMEDELTA", "true")
        assert retry_after_seconds(error) == 1.5


# Through python-telegram-bot to the fake Bot API, in real time.


async def sending(
    server: FakeBotApi, *chat_ids: int, pacer: Pacer | None = None, read_timeout: float = 5
) -> list[BaseException | None]:
    app = application_builder(server).rate_limiter(pacer or Pacer()).read_timeout(read_timeout).build()
    async with app:
        results = await asyncio.gather(
            *(app.bot.send_message(chat_id, "距截止还有 5 个工作日") for chat_id in chat_ids), return_exceptions=True
        )
    return [result if isinstance(result, BaseException) else None for result in results]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB building RetryAfter
def test_flood_control_from_the_api_delays_everyone_and_delivers_once() -> None:
    with FakeBotApi() as server:
        server.flood_control("sendMessage", retry_after=1, times=1)
        # One call every 0.1 s, so that the others are still waiting when the first is refused.
        assert asyncio.run(sending(server, 11, 12, 13, pacer=Pacer(rate=10, burst=1, per=0.05))) == [None, None, None]
        calls = server.calls("sendMessage")
        assert all(len(server.messages(chat_id)) == 1 for chat_id in (11, 12, 13))
    assert [(call.params["chat_id"], call.status) for call in calls] == [(11, 429), (11, 200), (12, 200), (13, 200)]
    assert calls[1].at >= calls[0].at + 1


def test_a_timeout_is_not_retried_since_the_message_may_have_gone_out() -> None:
    with FakeBotApi() as server:
        server.delay(0.4, method="sendMessage")
        [error] = asyncio.run(sending(server, 21, read_timeout=0.1))
        assert isinstance(error, TimedOut)
        deadline = time.monotonic() + 2
        while not server.calls("sendMessage") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(server.calls("sendMessage")) == 1
        assert len(server.messages(21)) == 1  # it did go out: the caller must record it as uncertain


def test_a_blocked_chat_is_not_retried() -> None:
    with FakeBotApi() as server:
        server.block_chat(31)
        errors = asyncio.run(sending(server, 31, 32))
        assert isinstance(errors[0], Forbidden) and errors[1] is None
        statuses = {call.params["chat_id"]: call.status for call in server.calls("sendMessage")}
        assert len(server.calls("sendMessage")) == 2 and statuses == {31: 403, 32: 200}
