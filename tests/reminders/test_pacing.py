"""The pacer: the sliding window, people before broadcasts, each chat's allowance, the flood-control pause
shared by every call, and what is never retried.

Most tests drive the pacer with fake calls on an event loop whose clock jumps to the next timer, so that
seconds of pacing take milliseconds; the last ones send through python-telegram-bot to the fake Bot API.
"""

from __future__ import annotations

import asyncio
import bisect
import itertools
import math
import random
import time
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot.reminders.pacing import BURST, HEADROOM, PER, RATE, Pacer, Priority, retry_after_seconds
from tests.support import FakeBotApi, application_builder

T = TypeVar("T")

# The default pacer's figures, derived from its parameters as it derives them: no test names a rate.
WINDOW = BURST / RATE  # at most BURST calls planned in any window this long, so RATE a second
SPAN = (PER + WINDOW) / 2  # BURST calls really started in any span this long, at most
SPACING = WINDOW / BURST  # consecutive paced calls are planned at least this far apart (1 / RATE)
BROADCAST_LIMIT = BURST - HEADROOM  # broadcasts alone: this many of every BURST slots…
BROADCAST_SPACING = WINDOW / BROADCAST_LIMIT  # …spread evenly
TELEGRAM_LIMIT = 30  # calls Telegram accepts from a bot in any second
REPLIES_A_SECOND = 27  # what the bot must reach under saturation
TOLERANCE = 1e-9
PEOPLE = 1_000_000  # chats of members who answer, apart from the broadcasts' 0, 1, 2…


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


async def send(pacer: Pacer, api: FakeApi, chat_id: int | None, priority: Priority | None = None) -> Any:
    data = {"text": "提醒"} if chat_id is None else {"chat_id": chat_id, "text": "提醒"}
    endpoint = "answerCallbackQuery" if chat_id is None else "sendMessage"
    return await pacer.process_request(api.call, (chat_id,), {}, endpoint, data, priority)


async def send_at(moment: float, pacer: Pacer, api: FakeApi, chat_id: int, priority: Priority | None = None) -> Any:
    await asyncio.sleep(moment - asyncio.get_running_loop().time())
    return await send(pacer, api, chat_id, priority)


def broadcast(pacer: Pacer, api: FakeApi, chat_ids: range) -> list[Awaitable[Any]]:
    return [send(pacer, api, chat_id, Priority.BROADCAST) for chat_id in chat_ids]


def max_in_window(times: list[float], span: float = 1.0) -> int:
    times = sorted(times)
    return max(bisect.bisect_right(times, t + span) - i for i, t in enumerate(times))


def in_stream(span: float) -> int:
    """The most calls of an even stream, one every ``SPACING``, that lie within ``span`` seconds."""
    return math.floor(span / SPACING + TOLERANCE) + 1


def min_gap(times: list[float]) -> float:
    times = sorted(times)
    return min(later - earlier for earlier, later in itertools.pairwise(times))


def test_a_backlog_of_100_goes_out_as_an_even_stream_at_the_rate() -> None:
    api = FakeApi()

    async def main() -> None:
        pacer = Pacer()
        await pacer.initialize()
        await asyncio.gather(*(send(pacer, api, chat_id) for chat_id in range(100)))

    run_jumping(main)
    times = api.times()
    assert times == pytest.approx([k * SPACING for k in range(100)])  # one every spacing, not 30 at once
    assert min_gap(times) >= SPACING - TOLERANCE
    assert max_in_window(times) == in_stream(PER) <= TELEGRAM_LIMIT
    assert max_in_window(times, WINDOW - 1e-9) == BURST
    assert (len(times) - 1) / (times[-1] - times[0]) == pytest.approx(RATE)
    assert [chat_id for chat_id, _ in api.calls] == list(range(100))  # first come, first served


def test_a_429_pauses_every_call_and_the_call_is_retried_after_it() -> None:
    api = FakeApi({3: [retry_after(1)]})

    async def main() -> None:
        pacer = Pacer(rate=5, burst=1, per=0.1, headroom=0)  # one call every 0.2 s
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


def test_a_429_in_a_busy_backlog_pauses_the_stream_and_its_retry_goes_first() -> None:
    # Chat 29 starts 29 spacings in and is answered 429 0.05 s later (more than one spacing, less than two):
    # chat 30 had started, the rest reserved ahead lose their moments and the stream resumes when the pause
    # ends, 1 s after the answer.
    # (In bursts the pause hid in the wait for the next window; a stream has no such wait to hide it in.)
    api = FakeApi({29: [retry_after(1)]}, latency=0.05)

    async def main() -> None:
        pacer = Pacer()
        await pacer.initialize()
        await asyncio.gather(*(send(pacer, api, chat_id) for chat_id in range(100)))

    run_jumping(main)
    times = api.times()
    assert len(times) == 101
    assert times[:31] == pytest.approx([k * SPACING for k in range(31)])
    resumed = 29 * SPACING + 0.05 + 1
    assert api.calls[31:33] == [(29, pytest.approx(resumed)), (31, pytest.approx(resumed + SPACING))]
    assert times[31:] == pytest.approx([resumed + k * SPACING for k in range(70)])
    assert [chat_id for chat_id, _ in api.calls[32:]] == list(range(31, 100))
    assert min_gap(times) >= SPACING - TOLERANCE


def test_calls_started_late_by_a_busy_loop_still_hold_back_the_next_ones() -> None:
    # Chat 50 keeps the loop busy 0.3 s when it starts: the calls planned meanwhile start together when it
    # is free. Then the calls really started are held to 30 in any span: the stream goes on as planned until
    # the 31st after the late ones would start within a span of them, and waits for that.
    api = FakeApi(stalls={50: 0.3})

    async def main() -> None:
        pacer = Pacer()
        await pacer.initialize()
        await asyncio.gather(*(send(pacer, api, chat_id) for chat_id in range(90)))

    run_jumping(main)
    times = api.times()
    late = 50 * SPACING + 0.3
    together = [k for k in range(51, 90) if k * SPACING < late]  # planned while the loop was busy
    held = [k + BURST for k in together if (k + BURST) * SPACING < late + SPAN]  # 30 started since `late`
    assert together[0] == 51 and len(together) >= 5 and held[0] == 51 + BURST  # the case this test is about
    assert times[:51] == pytest.approx([k * SPACING for k in range(51)])
    assert [times[k] for k in together] == pytest.approx([late] * len(together))
    assert times[together[-1] + 1 : held[0]] == pytest.approx([k * SPACING for k in range(together[-1] + 1, held[0])])
    assert [times[k] for k in held] == pytest.approx([late + SPAN] * len(held))  # not at k * SPACING
    assert times[held[-1] + 1 :] == pytest.approx([k * SPACING for k in range(held[-1] + 1, 90)])  # the plan again
    assert max_in_window(times, SPAN - 1e-9) == BURST


def test_retries_are_bounded() -> None:
    api = FakeApi({1: [retry_after(1) for _ in range(10)], 2: [retry_after(1)]})

    async def main() -> None:
        pacer = Pacer(max_retries=2)
        await pacer.initialize()
        with pytest.raises(RetryAfter):
            await send(pacer, api, 1)
        assert len(api.calls) == 3
        with pytest.raises(RetryAfter):
            await send(pacer, api, 2, Priority.PEOPLE.retrying(0))  # rate_limit_args overrides max_retries

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


# People before broadcasts.


def test_people_are_answered_within_a_spacing_during_a_fan_out() -> None:
    # 600 reminders waiting at once (more than the three batches jobs.deliver keeps in flight), and members
    # answering about every 0.37 s, at every phase of the stream; one of them in three messages.
    api = FakeApi(latency=0.1)
    arrivals = {PEOPLE + i: 0.05 + 0.37 * i for i in range(27)}
    long_reply = PEOPLE - 1

    async def main() -> None:
        pacer = Pacer()
        await pacer.initialize()
        await asyncio.gather(
            *broadcast(pacer, api, range(600)),
            *(send_at(at, pacer, api, chat_id) for chat_id, at in arrivals.items()),
            *(send_at(4.5, pacer, api, long_reply) for _ in range(3)),
        )

    run_jumping(main)
    started = {chat_id: moment for chat_id, moment in api.calls if chat_id >= PEOPLE}
    assert all(0 <= started[chat_id] - at <= SPACING + TOLERANCE for chat_id, at in arrivals.items())
    parts = [moment for chat_id, moment in api.calls if chat_id == long_reply]
    assert 4.5 <= parts[0] <= 4.5 + 2 * SPACING + TOLERANCE  # behind the member who answered at 4.49 s
    assert parts == pytest.approx([parts[0] + k * SPACING for k in range(3)])  # before any reminder
    reminders = [(chat_id, moment) for chat_id, moment in api.calls if chat_id < long_reply]
    assert [chat_id for chat_id, _ in reminders] == list(range(600))  # first come, first served
    assert max_in_window([moment for _, moment in reminders], WINDOW - 1e-9) <= BROADCAST_LIMIT  # the rest is headroom
    assert min_gap(api.times()) >= SPACING - TOLERANCE
    assert max_in_window(api.times()) <= in_stream(PER) <= TELEGRAM_LIMIT


def test_many_people_at_once_go_one_spacing_apart_ahead_of_every_broadcast() -> None:
    api = FakeApi()

    async def main() -> None:
        pacer = Pacer()
        await pacer.initialize()
        await asyncio.gather(
            *broadcast(pacer, api, range(100)), *(send_at(0.5, pacer, api, PEOPLE + i) for i in range(10))
        )

    run_jumping(main)
    people = [moment for chat_id, moment in api.calls if chat_id >= PEOPLE]
    first = people[0]
    assert 0.5 <= first <= 0.5 + SPACING + TOLERANCE
    assert people == pytest.approx([first + k * SPACING for k in range(10)])
    between = [chat_id for chat_id, moment in api.calls if first <= moment <= people[-1]]
    assert all(chat_id >= PEOPLE for chat_id in between)  # no reminder in between
    assert len(api.calls) == 110
    assert min_gap(api.times()) >= SPACING - TOLERANCE


def test_broadcasts_alone_go_as_an_even_stream_leaving_the_headroom_first_come_first_served() -> None:
    api = FakeApi(latency=0.1)

    async def main() -> None:
        pacer = Pacer()
        await pacer.initialize()
        await asyncio.gather(*broadcast(pacer, api, range(100)))

    run_jumping(main)
    assert api.times() == pytest.approx([k * BROADCAST_SPACING for k in range(100)])  # 27 in every window
    assert max_in_window(api.times(), WINDOW - 1e-9) == BROADCAST_LIMIT
    assert [chat_id for chat_id, _ in api.calls] == list(range(100))


def test_broadcasts_started_late_by_a_busy_loop_hold_back_the_next_ones() -> None:
    # A broadcast is given its slot before it starts; each still checks, just before it starts, the calls
    # that really started. Chat 40 keeps the loop busy 0.3 s: the next one starts when it is free,
    # and the ones after keep the broadcasts' spacing from it.
    api = FakeApi(stalls={40: 0.3})

    async def main() -> None:
        pacer = Pacer()
        await pacer.initialize()
        await asyncio.gather(*broadcast(pacer, api, range(100)))

    run_jumping(main)
    times = api.times()
    late = 40 * BROADCAST_SPACING + 0.3
    assert times[:41] == pytest.approx([k * BROADCAST_SPACING for k in range(41)])
    assert times[41] == pytest.approx(late)
    assert min_gap(times) >= BROADCAST_SPACING - TOLERANCE
    assert max_in_window(times, SPAN - 1e-9) <= BROADCAST_LIMIT
    assert [chat_id for chat_id, _ in api.calls] == list(range(100))


def test_mixed_load_never_starts_more_than_30_calls_in_any_second() -> None:
    # Members answering 8 times a second on average, now and then in three messages, a fan-out of 500, and
    # the event loop stalled now and then: the limit holds on what really started.
    rng = random.Random(5)
    api = FakeApi(latency=0.1, stalls={120: 0.2, 250: 0.35, PEOPLE + 7: 0.1})
    answers: list[tuple[float, int]] = []
    moment = 0.0
    for i in range(150):
        moment += rng.expovariate(8)
        answers += [(moment, PEOPLE + i % 50)] * (3 if i % 10 == 0 else 1)

    async def main() -> None:
        pacer = Pacer()
        await pacer.initialize()
        await asyncio.gather(
            *broadcast(pacer, api, range(500)), *(send_at(at, pacer, api, chat_id) for at, chat_id in answers)
        )

    run_jumping(main)
    times = api.times()
    assert len(times) == 500 + len(answers)
    assert max_in_window(times) <= TELEGRAM_LIMIT
    assert max_in_window(times, SPAN - 1e-9) <= BURST


def test_replies_reach_27_a_second_with_100_ms_per_call() -> None:
    api = FakeApi(latency=0.1)

    async def main() -> None:
        pacer = Pacer()
        await pacer.initialize()
        await asyncio.gather(*(send(pacer, api, PEOPLE + i) for i in range(300)))

    run_jumping(main)
    times = api.times()
    rate = (len(times) - 1) / (times[-1] - times[0])
    assert rate == pytest.approx(RATE) and rate >= REPLIES_A_SECOND - TOLERANCE
    assert max_in_window(times) == in_stream(PER) <= TELEGRAM_LIMIT
    assert min_gap(times) >= SPACING - TOLERANCE


def stalled(times: list[float], rng: random.Random, longest: float) -> list[float]:
    """When the calls arrive if the way to Telegram stalls now and then (the receiving process busy, the
    network): twice a second on average, each stall up to ``longest``; a call that meets one arrives when
    it ends, with every other call that met it."""
    stalls: list[tuple[float, float]] = []
    moment = 0.0
    while moment < max(times):
        moment += rng.expovariate(2)
        stalls.append((moment, moment + rng.uniform(0, longest)))
    return [max([t] + [end for begin, end in stalls if begin <= t < end]) for t in times]


def test_delays_on_the_way_move_a_few_calls_of_the_stream_not_a_burst() -> None:
    # Telegram counts calls when they arrive. A long saturated run (members' backlog, then a fan-out),
    # its start times delayed as on the way to Telegram.
    api = FakeApi(latency=0.1)

    async def main() -> None:
        pacer = Pacer()
        await pacer.initialize()
        await asyncio.gather(*(send(pacer, api, PEOPLE + i) for i in range(900)), *broadcast(pacer, api, range(300)))

    run_jumping(main)
    times = api.times()
    rng = random.Random(11)
    assert min_gap(times) >= SPACING - TOLERANCE
    # 31 calls of the stream span 30 spacings, a window: delays that differ by less than its margin over a
    # second never put 31 into one second. Any delays from 0 to 80 ms are within the margin.
    assert WINDOW - PER > 0.08 and in_stream(PER + 0.08) <= TELEGRAM_LIMIT
    for _ in range(20):
        assert max_in_window([t + rng.uniform(0, 0.08) for t in times]) <= TELEGRAM_LIMIT
    # Longer delays do, but only as many more as fit in the difference: the 1.15 s that 0.15 s of delay
    # can squeeze into one second hold one call of the stream per spacing.
    assert max_in_window([t + rng.uniform(0, 0.15) for t in times]) <= in_stream(PER + 0.15)
    assert max_in_window(stalled(times, random.Random(12), 0.15)) <= in_stream(PER + 0.15)
    # The same stalls on the burst plan (30 at once every window) put a stalled burst next to the next one.
    bursts = [(k // BURST) * WINDOW for k in range(len(times))]
    assert max_in_window(stalled(bursts, random.Random(12), 0.15)) >= BURST + BURST // 2


def test_a_429_to_a_broadcast_pauses_people_too_and_its_retry_goes_first() -> None:
    # Broadcast 5 is answered 429 0.05 s after it starts (more than one broadcast spacing, less than two: 6
    # had started meanwhile): every call waits 1 s from then, the member who answered at 0.5 s first, then
    # the retry before the other broadcasts.
    api = FakeApi({5: [retry_after(1)]}, latency=0.05)

    async def main() -> None:
        pacer = Pacer()
        await pacer.initialize()
        await asyncio.gather(*broadcast(pacer, api, range(60)), send_at(0.5, pacer, api, PEOPLE))

    run_jumping(main)
    resumed = 5 * BROADCAST_SPACING + 0.05 + 1
    assert not [moment for _, moment in api.calls if 6 * BROADCAST_SPACING + TOLERANCE < moment < resumed]
    after = [call for call in api.calls if call[1] > 0.5]
    assert after[:3] == [
        (PEOPLE, pytest.approx(resumed)),
        (5, pytest.approx(resumed + SPACING)),
        (7, pytest.approx(resumed + SPACING + BROADCAST_SPACING)),
    ]
    assert len(api.calls) == 62


def test_a_429_to_people_pauses_the_broadcasts() -> None:
    api = FakeApi({PEOPLE: [retry_after(1)]}, latency=0.05)

    async def main() -> None:
        pacer = Pacer()
        await pacer.initialize()
        await asyncio.gather(*broadcast(pacer, api, range(60)), send_at(0.5, pacer, api, PEOPLE))

    run_jumping(main)
    # The member's call takes the next slot after 0.5 s, is answered 429 0.05 s later (more than a spacing,
    # less than a spacing and a broadcast spacing: one broadcast had started meanwhile), and every call waits
    # 1 s from then, the member's retry first, then the next broadcast.
    first = next(moment for chat_id, moment in api.calls if chat_id == PEOPLE)
    assert 0.5 <= first <= 0.5 + SPACING + TOLERANCE
    resumed = first + 0.05 + 1
    went = math.ceil(0.5 / BROADCAST_SPACING) + 1  # those before the member, and one during its call
    assert [chat_id for chat_id, moment in api.calls if moment <= first + 0.05] == [
        *range(went - 1),
        PEOPLE,
        went - 1,
    ]
    assert not [moment for _, moment in api.calls if first + 0.05 < moment < resumed]
    after = [call for call in api.calls if call[1] > first + 0.05]
    assert after[:2] == [(PEOPLE, pytest.approx(resumed)), (went, pytest.approx(resumed + SPACING))]
    assert len(api.calls) == 62


def test_a_call_given_up_while_waiting_holds_up_nobody() -> None:
    def run(give_up: bool) -> list[tuple[int | None, float]]:
        api = FakeApi()

        async def main() -> None:
            pacer = Pacer()
            await pacer.initialize()
            full = [asyncio.ensure_future(send(pacer, api, PEOPLE + i)) for i in range(30)]
            if give_up:
                waiting = asyncio.ensure_future(send(pacer, api, PEOPLE + 30))  # reserved a window later
            reminders = asyncio.gather(*broadcast(pacer, api, range(40)))
            if give_up:
                gone = asyncio.ensure_future(send(pacer, api, 99, Priority.BROADCAST))
            await asyncio.sleep(0.5)
            if give_up:
                waiting.cancel()
                gone.cancel()
            await asyncio.gather(*full, reminders)

        run_jumping(main)
        return api.calls

    calls = run(give_up=True)
    assert [chat_id for chat_id, _ in calls] == [PEOPLE + i for i in range(30)] + list(range(40))
    assert calls == run(give_up=False)  # as if those two had never come


# Each chat's allowance.


def test_one_chat_gets_three_at_once_then_one_a_second_and_holds_up_no_other() -> None:
    api = FakeApi(latency=0.1)

    async def main() -> None:
        pacer = Pacer(chat_burst=3, chat_rate=1)  # Telegram's guideline (the default is looser)
        await pacer.initialize()
        await asyncio.gather(
            *(send(pacer, api, 7) for _ in range(6)),
            *broadcast(pacer, api, range(100, 105)),
            send_at(0.5, pacer, api, 8),
            *(send(pacer, api, 9, Priority.BROADCAST) for _ in range(4)),
            *broadcast(pacer, api, range(110, 115)),  # behind chat 9's fourth: not held up by it
        )

    run_jumping(main)
    # "At once" is as fast as the stream goes: one spacing apart.
    assert [moment for chat_id, moment in api.calls if chat_id == 7] == pytest.approx(
        [0, SPACING, 2 * SPACING, 1, 2, 3]
    )
    [answer] = [moment for chat_id, moment in api.calls if chat_id == 8]
    assert 0.5 <= answer <= 0.5 + SPACING + TOLERANCE
    ninth = [moment for chat_id, moment in api.calls if chat_id == 9]
    assert ninth[3] == pytest.approx(ninth[0] + 1) and ninth[2] < 1  # three at once, the fourth a second later
    # The eleven broadcasts that were in line first went one broadcast spacing apart after chat 7's three,
    # one spacing later at most for the member's answer.
    last = 3 * SPACING + 10 * BROADCAST_SPACING + SPACING
    assert max(moment for chat_id, moment in api.calls if 100 <= chat_id < 115) <= last + TOLERANCE < ninth[3]


def test_edits_and_chat_actions_do_not_use_the_chats_allowance() -> None:
    api = FakeApi()

    async def main() -> None:
        pacer = Pacer(chat_burst=1, chat_rate=1)
        for endpoint in ("sendChatAction", "editMessageText", "editMessageReplyMarkup", "sendMessage", "sendDocument"):
            await pacer.process_request(api.call, (7,), {}, endpoint, {"chat_id": 7}, None)

    run_jumping(main)
    # Only the document waits for the chat: a second after the message.
    assert api.times() == pytest.approx([0, SPACING, 2 * SPACING, 3 * SPACING, 3 * SPACING + 1])


def test_the_calls_of_one_chat_keep_their_order() -> None:
    order: list[int] = []
    api = FakeApi()

    async def main() -> None:
        pacer = Pacer(chat_burst=2)  # some of them wait for the chat's allowance
        await pacer.initialize()

        def part(i: int) -> Callable[[int], Awaitable[bool]]:
            async def call(chat_id: int) -> bool:
                order.append(i)
                return await api.call(chat_id)

            return call

        data = {"chat_id": 7, "text": "…"}
        await asyncio.gather(*(pacer.process_request(part(i), (7,), {}, "sendMessage", data, None) for i in range(6)))

    run_jumping(main)
    assert order == list(range(6))


def test_idle_chats_are_forgotten() -> None:
    api = FakeApi()

    async def main() -> Pacer:
        pacer = Pacer()
        await pacer.initialize()
        chat_ids = list(range(10_000))

        async def worker() -> None:  # as jobs.deliver: batches of 30, three in flight
            while chat_ids:
                batch, chat_ids[:30] = chat_ids[:30], []
                await asyncio.gather(*(send(pacer, api, chat_id, Priority.BROADCAST) for chat_id in batch))

        await asyncio.gather(*(worker() for _ in range(3)))
        return pacer

    pacer = run_jumping(main)
    assert len(api.calls) == 10_000
    assert len(pacer._chats) <= 1024  # not 10,000: only those of the last second or so are needed


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
        pacer = Pacer(rate=10, burst=1, per=0.05, headroom=0)
        assert asyncio.run(sending(server, 11, 12, 13, pacer=pacer)) == [None, None, None]
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


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB building RetryAfter
def test_python_telegram_bot_passes_the_priority_from_each_call() -> None:
    seen: list[Priority | None] = []

    class Spy(Pacer):
        async def process_request(self, *args: Any, **kwargs: Any) -> Any:
            if kwargs["endpoint"] == "sendMessage":  # not getMe on start
                seen.append(kwargs["rate_limit_args"])
            return await super().process_request(*args, **kwargs)

    async def main(server: FakeBotApi) -> None:
        app = application_builder(server).rate_limiter(Spy()).build()
        async with app:
            with pytest.raises(RetryAfter):  # refused once, and this one is not to be retried
                await app.bot.send_message(41, "提醒", rate_limit_args=Priority.BROADCAST.retrying(0))
            await app.bot.send_message(42, "提醒", rate_limit_args=Priority.BROADCAST)
            await app.bot.send_message(43, "已保存")

    with FakeBotApi() as server:
        server.flood_control("sendMessage", retry_after=1, times=1)
        asyncio.run(main(server))
        assert [call.status for call in server.calls("sendMessage")] == [429, 200, 200]
    assert seen == [Priority(broadcast=True, max_retries=0), Priority.BROADCAST, None]
