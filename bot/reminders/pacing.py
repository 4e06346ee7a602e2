"""One pacer for every Bot API call of the bot, so that a fan-out of reminders stays within Telegram's limits.

Telegram lets a bot send about 30 messages a second in all; beyond that it answers 429 with a
``retry_after`` that holds for the whole bot. The issue asks for at most 25 sends a second on average
and never more than 30 in any one-second window. The pacer plans at most ``burst`` calls (30) in any
window of ``burst / rate`` seconds (1.2 s): that is 25 a second on average, and a backlog goes out in
bursts, so that a 429 pause of 1 s hides inside the wait for the next window. The 0.2 s by which that
window exceeds Telegram's second (``per``) is the margin for calls that start late (the event loop
starts a burst one call at a time; a garbage collection stops it) and for the way to Telegram: the
calls that really started are held to 30 in any 1.1 s, which leaves 0.1 s for the network.

What is paced: every call addressed to a chat (it has a ``chat_id``): sendMessage, sendDocument,
editMessageText, deleteMessage, sendChatAction and the like. Calls without one pass unpaced:
answerCallbackQuery (the user's spinner is waiting and it is not a message), getMe, getFile,
setMyCommands; getUpdates never reaches a rate limiter in python-telegram-bot.

What is retried: only ``RetryAfter`` (429). It pauses every call of the bot, paced or not, for
``retry_after`` from the moment the answer arrived, then the call is made again, at most
``max_retries`` times (5: with 5 % of calls refused, one send in 60 million gives up).
``TimedOut`` and other network errors are raised at once: the message may have gone out, so the
caller records it as uncertain rather than send it twice. ``Forbidden`` (the user blocked the bot)
and ``BadRequest`` are raised at once too.

All senders must share one pacer: attach it to the one ``Application``
(``ApplicationBuilder().rate_limiter(Pacer())``) and send through that application's bot; the bot runs
as one process. Calls go first come, first served, so a fan-out should keep few calls waiting (a few
dozen workers, not one task per agency), or an interactive reply waits behind the whole backlog.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections import deque
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]


class Pacer(BaseRateLimiter[int]):
    """A sliding-window limiter for all outgoing calls; ``rate_limit_args`` overrides ``max_retries``.

    A paced call reserves the earliest moment the window allows and sleeps until then, so the calls of
    a burst are decided together and go out together. A 429 voids every reservation not yet reached:
    those calls reserve again, after the pause. When its moment comes, a call also checks the moments
    the calls before it really started, which a busy event loop or a garbage collection may have made
    later than planned. Time is the event loop's clock.
    """

    def __init__(self, *, rate: float = 25, burst: int = 30, per: float = 1, max_retries: int = 5) -> None:
        if not 0 < rate < burst / per or burst < 1 or max_retries < 0:
            raise ValueError("rate must be positive and below burst / per, burst at least 1, max_retries not negative")
        self._burst = burst
        self._window = burst / rate  # planned: at most burst calls in any window, so rate on average
        # Started: at most burst calls in any span halfway between per and the window. Calls that start a
        # little later than planned (the busy loop sends a burst one call at a time) pass; a call that
        # started much later holds back the next burst. The other half of the margin is for the way from
        # here to Telegram.
        self._span = (per + self._window) / 2
        self._max_retries = max_retries
        self._reset()

    def _reset(self) -> None:
        # The reserved moments of the last window and ahead, in order. Not capped at ``burst``: when a pause
        # voids the reservations ahead, the window must still see the calls that went out before it.
        self._planned: deque[float] = deque()
        self._started: deque[float] = deque(maxlen=self._burst)  # when the latest paced calls really began
        self._paused_until = 0.0
        # Calls sleeping until their reserved moment, in the order they reserved.
        self._waiting: dict[asyncio.Future[bool], float] = {}

    async def initialize(self) -> None:
        """Start with an empty window and no pause (the application may be started again on a new loop)."""
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
        rate_limit_args: int | None,
    ) -> Result:
        """Make the call when the window and any flood-control pause allow; retry it only after a 429."""
        max_retries = self._max_retries if rate_limit_args is None else rate_limit_args
        paced = data.get("chat_id") is not None
        retries = 0
        while True:
            if paced:
                await self._reserve()
            await self._wait_until_clear(paced)
            if paced:
                self._started.append(asyncio.get_running_loop().time())
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

    async def _reserve(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            while self._planned and self._planned[0] <= now - self._window:
                self._planned.popleft()  # too old to hold back any moment from now on
            at = max(now, self._paused_until)
            if len(self._planned) >= self._burst:
                at = max(at, self._planned[-self._burst] + self._window)
            self._planned.append(at)
            if at <= now:
                return
            waiter: asyncio.Future[bool] = loop.create_future()
            self._waiting[waiter] = at
            timer = loop.call_at(at, self._wake_until, at)
            try:
                if await waiter:
                    return
            finally:
                timer.cancel()
                del self._waiting[waiter]

    def _wake_until(self, moment: float) -> None:
        # The loop runs timers of one moment in no set order; waking every call due here keeps them in
        # the order they reserved, so an earlier call goes first.
        for waiter, at in self._waiting.items():
            if at <= moment:
                _settle(waiter, True)

    def _pause(self, seconds: float) -> None:
        # Counted from when the answer arrived, the retry reaches Telegram a whole round trip later than
        # retry_after after it answered: no margin is needed.
        now = asyncio.get_running_loop().time()
        self._paused_until = max(self._paused_until, now + seconds)
        # Reservations still ahead are void: drop them from the window and wake their calls, in the order
        # they reserved, to reserve again after the pause. Those already reached stay counted.
        while self._planned and self._planned[-1] > now:
            self._planned.pop()
        for waiter in self._waiting:
            _settle(waiter, False)

    async def _wait_until_clear(self, paced: bool) -> None:
        """Sleep while flood control holds and, for a paced call, while ``burst`` calls really started
        within the span."""
        loop = asyncio.get_running_loop()
        while True:
            until = self._paused_until
            if paced and len(self._started) == self._burst:
                until = max(until, self._started[0] + self._span)
            if (wait := until - loop.time()) <= 0:
                return
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
