"""The reminder job on python-telegram-bot's JobQueue: derived from the database, never from memory.

At start-up a tick runs at once (a slot missed while the bot was down goes out now, once); every tick
sends what is due and schedules the next one at the earliest moment something may become due. Any
change that can move that moment (a report finalized or reopened, a member joining, snoozing or
changing their reminders) schedules it afresh.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot
from telegram.error import Forbidden, TelegramError, TimedOut
from telegram.ext import Application, ContextTypes

from bot.chat.reminders import Delivery, Reminders
from bot.chat.screens import markup_rows

log = logging.getLogger(__name__)
JOB = "reminders"
SENDERS = 60  # deliveries in flight: two windows of the pacer, so it never waits for a sender


def _reminders(app: Application) -> Reminders:
    return app.bot_data["reminders"]


async def deliver(bot: Bot, reminders: Reminders, deliveries: list[Delivery]) -> dict[str, int]:
    """Send each delivery at most once: claim it in the sent-log (committed), then send, then record."""
    counts = {"sent": 0, "skipped": 0, "blocked": 0, "uncertain": 0, "failed": 0}
    queue: asyncio.Queue[Delivery] = asyncio.Queue()
    for delivery in deliveries:
        queue.put_nowait(delivery)

    async def sender() -> None:
        while not queue.empty():
            delivery = queue.get_nowait()
            if not await asyncio.to_thread(reminders.claim, delivery):
                counts["skipped"] += 1  # another tick (or a run before a restart) has it
                continue
            try:
                await bot.send_message(
                    delivery.recipient, delivery.screen.text, reply_markup=markup_rows(delivery.screen)
                )
            except Forbidden:
                status = "blocked"
            except TimedOut:
                status = "uncertain"  # it may have gone out: never sent twice
            except TelegramError as exc:
                log.warning("reminder %s to a member failed: %s", delivery.slot, exc)
                await asyncio.to_thread(reminders.release, delivery)
                counts["failed"] += 1
                continue
            else:
                status = "sent"
            await asyncio.to_thread(reminders.record, delivery, status)
            counts[status] += 1

    await asyncio.gather(*(sender() for _ in range(min(SENDERS, len(deliveries)))))
    return counts


async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send every reminder due now, then wake again when the next one is due."""
    reminders = _reminders(context.application)
    deliveries = await asyncio.to_thread(reminders.due, reminders.walk.now())
    if deliveries:
        log.info("reminders: %s", await deliver(context.bot, reminders, deliveries))
    await reschedule(context.application)


async def reschedule(app: Application) -> None:
    """Replace the pending reminder job by one at the next moment the database says something is due."""
    if app.job_queue is None:
        return
    reminders = _reminders(app)
    now = reminders.walk.now()
    wakeup = await asyncio.to_thread(reminders.next_wakeup, now)
    for job in app.job_queue.get_jobs_by_name(JOB):
        job.schedule_removal()
    if wakeup is not None:
        # Relative to the service's clock, so that a test's clock and the real one agree.
        app.job_queue.run_once(tick, when=max(0.0, (wakeup - now).total_seconds()), name=JOB)


def start(app: Application) -> None:
    """At start-up: a tick right away (a missed slot is sent once), which schedules the next."""
    if app.job_queue is not None:
        app.job_queue.run_once(tick, when=0, name=JOB)
