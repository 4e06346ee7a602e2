"""One pacer for every Bot API call of the bot: people are answered first, broadcasts use what is left.

Telegram lets a bot send about 30 messages a second in all, and about one a second to one chat (short
bursts tolerated); beyond that it answers 429 with a ``retry_after`` that holds for the whole bot.

The whole bot: the pacer plans paced calls as an even stream, consecutive calls at least ``1 / rate`` apart
(36.2 ms: 27.6 a second, so that replies reach the 27 a second asked for), and at most
``burst`` (30) in any window of ``burst / rate`` seconds (1.087 s). Telegram counts calls when they arrive,
and whatever delays some calls on the way (a busy event loop or interpreter lock here or at the other end,
the network) bunches them up with the calls after them. In bursts (30 at once, then nothing until the next
window) a delay of more than 0.087 s puts the delayed part of one burst next to the whole next one: up to
60 in a second. In a stream, 31 calls span 1.087 s: delays that differ by less than 0.087 s (any delays
from 0 to 80 ms) never put 31 into a second, and a longer delay ``d`` adds only the calls of ``d - 0.087`` s
(0.15 s: 32 at most). At 28.3 a second the margin was 0.06 s, and a load benchmark saw 31 calls arrive
within a second. The same 0.087 s is the margin for calls that start late (a garbage collection stops the
loop): whatever was planned, the calls that really started are held to 30 in any 1.043 s, so never more
than 30 start in any second. A 429 pause now delays the stream by its whole length (bursts hid most of it
in the wait for the next window); Telegram rarely answers 429 to a bot that keeps to its limits.

People before broadcasts: a call is for people (a reply, an edit, a document) unless its caller passes
``rate_limit_args=Priority.BROADCAST`` (the reminders of a fan-out). People calls reserve the earliest
moment the stream and the window allow, first come, first served. A broadcast never reserves ahead: it
takes a slot only when one is free now and no people call waits, one window / ``(burst - headroom)``
after the previous broadcast (40 ms: 24.8 a second, evenly), and only while the broadcasts and
twice the people calls of the window stay below ``burst - headroom`` (27), so that it always leaves free
``headroom`` (3) slots plus as many as people used in the window. Broadcasts go first come, first served
among themselves. So a member who answers during a fan-out of thousands of reminders waits at most one
spacing (the slot after the broadcast that last went), and several members at once go one spacing
apart, ahead of every broadcast. Under steady people load the broadcasts slow down and, beyond about 13
people calls a window, stop.

Per chat: Telegram asks for about one message a second to one chat and tolerates short bursts; beyond
that it answers 429, which here pauses the whole bot. The pacer lets a chat have ``chat_burst`` (15) new
messages at once, then ``chat_rate`` (3) a second, counted when they start, in the order they came: a long
reply split into many messages, or several reminders to one member, is held to it. Only new messages
count (sendMessage, sendDocument, copyMessage…), not edits or chat actions, which answer the member's own
taps. The allowance is looser than Telegram's second because the end-to-end tests' scripted members
answer three times a second: with 3 at once and then 1 a second their replies were split and 6 of the 18
failed (a person never comes near 3 a second). A call waits for its chat before it waits for the window and
holds no slot meanwhile, so a busy chat holds up no other. A chat is forgotten once its allowance is whole
again (a few seconds after its last message), so a fan-out to 10,000 chats leaves no trace.

What is paced: every call addressed to a chat (it has a ``chat_id``): sendMessage, sendDocument,
editMessageText, deleteMessage, sendChatAction and the like. Calls without one pass unpaced:
answerCallbackQuery (the user's spinner is waiting and it is not a message), getMe, getFile,
setMyCommands; getUpdates never reaches a rate limiter in python-telegram-bot.

What is retried: only ``RetryAfter`` (429). It pauses every call of the bot, paced or not, people or
broadcast, for ``retry_after`` from the moment the answer arrived, then the call is made again (a
broadcast before the other broadcasts), at most ``max_retries`` times (5: with 5 % of calls refused, one
send in 60 million gives up; ``Priority(...).retrying(n)`` sets it for one call). ``TimedOut`` and other
network errors are raised at once: the message may have gone out, so the caller records it as uncertain
rather than send it twice. ``Forbidden`` (the user blocked the bot) and ``BadRequest`` are raised at once
too.

All senders must share one pacer: attach it to the one ``Application``
(``ApplicationBuilder().rate_limiter(Pacer())``) and send through that application's bot; the bot runs
as one process. A fan-out should still keep few broadcasts waiting (a few batches, not one task per
agency): each waiting call holds its message in memory.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, ClassVar

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]
ChatId = int | str

# How much of the broadcasts' share of a window one people call takes: its own slot and one more left free,
# so that broadcasts leave people as much room again as they used in the window.
PEOPLE_WEIGHT = 2
BROADCAST_WEIGHT = 1
SWEEP_MIN = 1024  # chats known before idle ones are first forgotten

# The default pacer: paced calls at RATE a second, at most BURST in any window of BURST / RATE seconds and in
# any span halfway between that and PER, broadcasts leaving HEADROOM of them free.
RATE = 27.6
BURST = 30
PER = 1.0
HEADROOM = 3


@dataclass(frozen=True)
class Priority:
    """``rate_limit_args`` of a Bot API call: whether it is a broadcast, and its own ``max_retries`` if any.

    ``bot.send_message(chat_id, text, rate_limit_args=Priority.BROADCAST)`` marks a reminder; a call without
    ``rate_limit_args`` is for people. ``Priority.PEOPLE.retrying(0)`` keeps the priority and is never
    retried. An instance is always true: python-telegram-bot drops a false ``rate_limit_args`` (such as 0).
    """

    broadcast: bool = False
    max_retries: int | None = None  # None: the pacer's own

    PEOPLE: ClassVar[Priority]
    BROADCAST: ClassVar[Priority]

    def retrying(self, max_retries: int) -> Priority:
        """The same priority, retried after a 429 at most ``max_retries`` times."""
        return replace(self, max_retries=max_retries)


Priority.PEOPLE = Priority()
Priority.BROADCAST = Priority(broadcast=True)


class _Chat:
    """One chat's allowance, as the moment it is whole again (``due``, a generic cell rate algorithm), and
    the turn its calls take, one at a time in the order they came, until each has started."""

    __slots__ = ("due", "turn", "users")

    def __init__(self) -> None:
        self.due = float("-inf")
        self.turn = asyncio.Lock()
        self.users = 0  # calls holding this entry: it is not forgotten while any does


class Pacer(BaseRateLimiter[Priority]):
    """A sliding-window limiter for all outgoing calls that serves people before broadcasts.

    A people call reserves the earliest moment the stream and the window allow (one spacing after the
    latest moment planned) and sleeps until then. A 429 voids every reservation not yet reached: those
    calls reserve again, after the pause. A broadcast reserves nothing: it waits in line until a slot is
    free now and no people call waits. When its moment comes, a call also checks the moments the calls
    before it really started, which a busy event loop or a garbage collection may have made later than
    planned. Before all that, a new message waits for its chat's allowance. Time is the event loop's clock.
    """

    def __init__(
        self,
        *,
        rate: float = RATE,
        burst: int = BURST,
        per: float = PER,
        headroom: int = HEADROOM,
        chat_rate: float = 3,
        chat_burst: int = 15,
        max_retries: int = 5,
    ) -> None:
        if not 0 < rate < burst / per or burst < 1 or max_retries < 0:
            raise ValueError("rate must be positive and below burst / per, burst at least 1, max_retries not negative")
        if not 0 <= headroom < burst or chat_rate <= 0 or chat_burst < 1:
            raise ValueError("headroom must be below burst, chat_rate positive, chat_burst at least 1")
        self._burst = burst
        self._window = burst / rate  # planned: at most burst calls in any window, so rate on average
        # Started: at most burst calls in any span halfway between per and the window. Calls that start a
        # little later than planned pass; calls that started much later (a stalled loop starts those planned
        # meanwhile together) hold back the ones a span after them. The other half of the margin is for the
        # way from here to Telegram.
        self._span = (per + self._window) / 2
        self._broadcast_limit = burst - headroom  # weight of a window beyond which broadcasts wait
        # Consecutive calls are planned at least this far apart (1 / rate): a backlog goes out as an even
        # stream, not in bursts, so that whatever delays calls on the way (a busy event loop, the network)
        # moves a few of them, not a whole burst, next to the calls of the next second.
        self._spacing = self._window / burst
        # Broadcasts alone are spread over the window as evenly (24.8 a second): their share of it goes
        # out as a stream too, instead of 27 at full rate and then a gap.
        self._broadcast_spacing = self._window / (burst - headroom)
        self._chat_interval = 1 / chat_rate
        self._chat_tolerance = (chat_burst - 1) * self._chat_interval  # a whole allowance goes at once
        self._max_retries = max_retries
        self._reset()

    def _reset(self) -> None:
        # The moments of the last window and the reservations ahead, in order, each with its weight. Not
        # capped at ``burst``: when a pause voids the reservations ahead, the window must still see the
        # calls that went out before it.
        self._planned: deque[tuple[float, int]] = deque()
        self._started: deque[float] = deque(maxlen=self._burst)  # when the latest paced calls really began
        self._paused_until = 0.0
        self._last_broadcast = float("-inf")  # when the latest broadcast was given its slot
        # People calls sleeping until their reserved moment, in the order they reserved.
        self._waiting: dict[asyncio.Future[bool], float] = {}
        self._people_waiting = 0  # people calls between their chat's allowance and their start
        self._broadcasts: deque[asyncio.Future[None]] = deque()  # in line for a free slot
        self._timer: asyncio.TimerHandle | None = None  # when the first broadcast in line may go
        self._chats: dict[ChatId, _Chat] = {}
        self._sweep_at = SWEEP_MIN

    async def initialize(self) -> None:
        """Start with an empty window and no pause (the application may be started again on a new loop)."""
        if self._timer is not None:
            self._timer.cancel()
        self._reset()

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Priority | None,
    ) -> Result:
        """Make the call when its chat, the window and any flood-control pause allow; retry it only after a
        429."""
        priority = rate_limit_args or Priority.PEOPLE
        max_retries = self._max_retries if priority.max_retries is None else priority.max_retries
        chat_id: ChatId | None = data.get("chat_id")
        retries = 0
        while True:
            if chat_id is None:
                await self._wait_until_clear(paced=False)
            else:
                await self._take_slot(chat_id, priority.broadcast, retried=retries > 0, message=_is_message(endpoint))
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if retries == max_retries:
                    log.error("%s still flood-controlled after %d retries", endpoint, max_retries)
                    raise
                retries += 1
                seconds = retry_after_seconds(error)
                log.warning("%s: flood control, every call waits %.1f s", endpoint, seconds)
                self._pause(seconds)

    async def _take_slot(self, chat_id: ChatId, broadcast: bool, retried: bool, message: bool) -> None:
        """Wait for the chat's allowance (a new message only), then for a slot of the window; charge the chat
        when the message starts. Waiting for the chat comes first and holds no slot, so a busy chat does not
        hold up the others; the calls of one chat take their turns in order, messages or not."""
        loop = asyncio.get_running_loop()
        chat = self._chat(chat_id, loop.time())
        chat.users += 1
        try:
            async with chat.turn:
                if message:
                    await _sleep_until(chat.due - self._chat_tolerance)
                if broadcast:
                    await self._broadcast_slot(first=retried)
                else:
                    await self._people_slot()
                if message:
                    chat.due = max(chat.due, loop.time()) + self._chat_interval
        finally:
            chat.users -= 1

    def _chat(self, chat_id: ChatId, now: float) -> _Chat:
        if (chat := self._chats.get(chat_id)) is None:
            if len(self._chats) >= self._sweep_at:
                # Forget the chats whose allowance is whole again: they would start afresh anyway. Sweeping
                # when the count has doubled keeps it bounded at a small cost per call.
                self._chats = {key: c for key, c in self._chats.items() if c.users or c.due > now}
                self._sweep_at = max(SWEEP_MIN, 2 * len(self._chats))
            chat = self._chats[chat_id] = _Chat()
        return chat

    async def _people_slot(self) -> None:
        self._people_waiting += 1
        try:
            await self._reserve()
            await self._wait_until_clear(paced=True)
            self._started.append(asyncio.get_running_loop().time())
        finally:
            self._people_waiting -= 1
            self._pump()  # the broadcasts may go on once no people call waits

    async def _broadcast_slot(self, first: bool) -> None:
        # A retry goes first: it is the oldest broadcast of all.
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if first:
            self._broadcasts.appendleft(waiter)
        else:
            self._broadcasts.append(waiter)
        self._pump()
        try:
            await waiter
        finally:
            if waiter.cancelled():
                self._pump()  # it may have been first in line
        # Slots are given to many broadcasts at once; each checks the calls really started just before it
        # starts, as people calls do, in case some of the last window started late.
        await self._wait_until_clear(paced=True)
        self._started.append(asyncio.get_running_loop().time())

    async def _reserve(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            self._forget_past(now)
            at = max(now, self._paused_until)
            if self._planned:
                at = max(at, self._planned[-1][0] + self._spacing)
            if len(self._planned) >= self._burst:
                at = max(at, self._planned[-self._burst][0] + self._window)
            entry = (at, PEOPLE_WEIGHT)
            self._planned.append(entry)
            if at <= now:
                return
            waiter: asyncio.Future[bool] = loop.create_future()
            self._waiting[waiter] = at
            timer = loop.call_at(at, self._wake_until, at)
            try:
                if await waiter:
                    return
            except asyncio.CancelledError:
                if at > loop.time():
                    self._drop(entry)  # not reached: free it for the others (gone already if a pause voided it)
                raise
            finally:
                timer.cancel()
                del self._waiting[waiter]

    def _drop(self, entry: tuple[float, int]) -> None:
        for index, planned in enumerate(self._planned):
            if planned is entry:
                del self._planned[index]
                return

    def _forget_past(self, now: float) -> None:
        while self._planned and self._planned[0][0] + self._window <= now:
            self._planned.popleft()  # too old to hold back any moment from now on

    def _wake_until(self, moment: float) -> None:
        # The loop runs timers of one moment in no set order; waking every call due here keeps them in
        # the order they reserved, so an earlier call goes first.
        for waiter, at in self._waiting.items():
            if at <= moment:
                _settle(waiter, True)

    def _pump(self) -> None:
        """Give the slots free now to the broadcasts in line, in order, while no people call waits; else
        wake again when the first in line may go."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        loop = asyncio.get_running_loop()
        while self._broadcasts:
            if self._broadcasts[0].done():  # cancelled while in line
                self._broadcasts.popleft()
                continue
            if self._people_waiting:
                return  # the last of them to start calls again
            now = loop.time()
            self._forget_past(now)
            if (at := self._free_for_broadcast(now)) > now:
                self._timer = loop.call_at(at, self._pump)
                return
            self._planned.append((now, BROADCAST_WEIGHT))  # counted now: a people call may reserve before it starts
            self._last_broadcast = now
            self._broadcasts.popleft().set_result(None)

    def _free_for_broadcast(self, now: float) -> float:
        """The first moment from ``now`` at which a broadcast may take a slot: not paused, a spacing after the
        latest call planned and the broadcasts' spacing after the latest broadcast, fewer than ``burst`` calls
        started within the span, and the weight of the window below the broadcasts' limit. No people
        call waits, so no reservation lies ahead of ``now``: the window is the newest moments planned."""
        at = max(now, self._paused_until, self._last_broadcast + self._broadcast_spacing)
        if self._planned:
            at = max(at, self._planned[-1][0] + self._spacing)
        weight = 0
        for moment, each in reversed(self._planned):
            weight += each
            if weight >= self._broadcast_limit:
                at = max(at, moment + self._window)  # the window must lose this moment and all before it
                break
        if len(self._started) == self._burst:
            at = max(at, self._started[0] + self._span)
        return at

    def _pause(self, seconds: float) -> None:
        # Counted from when the answer arrived, the retry reaches Telegram a whole round trip later than
        # retry_after after it answered: no margin is needed.
        now = asyncio.get_running_loop().time()
        self._paused_until = max(self._paused_until, now + seconds)
        # Reservations still ahead are void: drop them from the window and wake their calls, in the order
        # they reserved, to reserve again after the pause. Those already reached stay counted. Broadcasts
        # reserve nothing: the first in line sees the pause when it is next considered.
        while self._planned and self._planned[-1][0] > now:
            self._planned.pop()
        for waiter in self._waiting:
            _settle(waiter, False)

    async def _wait_until_clear(self, *, paced: bool) -> None:
        """Sleep while flood control holds and, for a paced call, while ``burst`` calls really started
        within the span."""
        loop = asyncio.get_running_loop()
        while True:
            until = self._paused_until
            if paced and len(self._started) == self._burst:
                until = max(until, self._started[0] + self._span)
            if until <= loop.time():
                return
            await _sleep_until(until)


def _is_message(endpoint: str) -> bool:
    """Whether the call posts a new message to the chat, as Telegram's per-chat limit counts them."""
    name = endpoint.lower()
    return (name.startswith("send") and name != "sendchataction") or name.startswith(("copymessage", "forwardmessage"))


async def _sleep_until(moment: float) -> None:
    loop = asyncio.get_running_loop()
    while (wait := moment - loop.time()) > 0:
        await asyncio.sleep(wait)


def _settle(waiter: asyncio.Future[bool], reached: bool) -> None:
    """Wake a reserved call: True when its moment came, False when a pause voided its reservation."""
    if not waiter.done():
        waiter.set_result(reached)


def retry_after_seconds(error: RetryAfter) -> float:
    """``error.retry_after`` in seconds, whether python-telegram-bot gives it as int or timedelta.

    PTB 22 gives an int with a deprecation warning unless PTB_TIMEDELTA is set, then a timedelta.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
