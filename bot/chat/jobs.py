"""The reminder job on python-telegram-bot's JobQueue: derived from the database, never from memory.

At start-up a tick runs at once (a slot missed while the bot was down goes out now, once); every tick
sends what is due and schedules the next one at the earliest moment something may become due. Any
change that can move that moment (a report finalized or reopened, a member joining, snoozing or
changing their reminders) schedules it afresh.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from telegram.error import Forbidden, TelegramError, TimedOut
from telegram.ext import Application, ContextTypes, ExtBot, Job

from bot.chat.reminders import Delivery, Reminders
from bot.chat.screens import markup_rows
from bot.reminders.pacing import Priority

log = logging.getLogger(__name__)
JOB = "reminders"
BATCH = 30  # about a pacer window of broadcasts: claimed together, sent together, recorded together
IN_FLIGHT = 3  # batches at once: others send while one waits out a 429 or the database


def _reminders(app: Application) -> Reminders:
    return app.bot_data["reminders"]


async def deliver(bot: ExtBot, reminders: Reminders, deliveries: list[Delivery]) -> dict[str, int]:
    """Send each delivery at most once, a pacer window's worth at a time: claim the batch in the sent-log
    (one commit), send it through the pacer, record the outcomes (one commit). Few database transactions
    keep the sends evenly spaced; a crash loses at most one batch, and never sends anything twice."""
    counts = {"sent": 0, "skipped": 0, "blocked": 0, "uncertain": 0, "failed": 0}

    async def send(delivery: Delivery) -> tuple[Delivery, str]:
        try:
            await bot.send_message(
                delivery.recipient,
                delivery.screen.text,
                reply_markup=markup_rows(delivery.screen),
                rate_limit_args=Priority.BROADCAST,  # members' replies go first
            )
        except Forbidden:
            return delivery, "blocked"
        except TimedOut:
            return delivery, "uncertain"  # it may have gone out: never sent twice
        except TelegramError as exc:
            log.warning("reminder %s failed: %s", delivery.slot, exc)
            return delivery, "failed"
        return delivery, "sent"

    batches = [deliveries[start : start + BATCH] for start in range(0, len(deliveries), BATCH)]

    async def worker() -> None:
        while batches:
            batch = batches.pop(0)
            claimed = await asyncio.to_thread(reminders.claim, batch)
            counts["skipped"] += len(batch) - len(claimed)  # another tick, or a run before a restart, has them
            outcomes = await asyncio.gather(*(send(d) for d in claimed))
            await asyncio.to_thread(reminders.record, list(outcomes))
            for _, status in outcomes:
                counts[status] += 1

    await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    return counts


async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send every reminder due now, then wake again when the next one is due."""
    reminders = _reminders(context.application)
    deliveries = await asyncio.to_thread(reminders.due, reminders.walk.now())
    if deliveries:
        log.info("reminders: %s", await deliver(context.bot, reminders, deliveries))
    await reschedule(context.application)


async def reschedule(app: Application) -> None:
    """Replace the pending reminder job by one at the next moment the database says something is due.

    One at a time (a lock), so two changes in quick succession leave exactly one job.
    """
    if app.job_queue is None:
        return
    async with app.bot_data.setdefault("reminder_lock", asyncio.Lock()):
        reminders = _reminders(app)
        now = reminders.walk.now()
        wakeup = await asyncio.to_thread(reminders.next_wakeup, now)
        for job in app.job_queue.get_jobs_by_name(JOB):
            job.schedule_removal()
        if wakeup is not None:
            # Relative to the service's clock, so that a test's clock and the real one agree.
            app.job_queue.run_once(tick, when=max(0.0, (wakeup - now).total_seconds()), name=JOB)


async def bring_forward(app: Application, user_id: int) -> None:
    """A member joined: wake no later than their first reminder. Only their own plan is derived (a few
    queries, in the event loop), not every agency's, so the updates after a join do not wait for it."""
    if app.job_queue is None:
        return
    async with app.bot_data.setdefault("reminder_lock", asyncio.Lock()):
        reminders = _reminders(app)
        now = reminders.walk.now()
        wakeup = reminders.next_wakeup_of(user_id, now)
        if wakeup is None:
            return
        when = max(0.0, (wakeup - now).total_seconds())
        pending = app.job_queue.get_jobs_by_name(JOB)
        times = [_next_time(job) for job in pending]
        if any(moment is not None and _seconds_until(moment) <= when for moment in times):
            return  # a tick comes soon enough; it derives everything and sends this member's reminder too
        for job in pending:
            job.schedule_removal()
        app.job_queue.run_once(tick, when=when, name=JOB)


def _next_time(job: Job[Any]) -> datetime | None:
    """When a job runs; None for one the scheduler has not placed (added while the bot stops)."""
    try:
        return job.next_t
    except AttributeError:
        return None


def _seconds_until(moment: datetime) -> float:
    return (moment - datetime.now(moment.tzinfo)).total_seconds()


def joined(app: Application, user_id: int) -> None:
    """A member joined: bring the reminder job forward if their first reminder comes before it."""
    app.create_task(bring_forward(app, user_id))


def changed(app: Application) -> None:
    """Something that moves the reminders changed: reschedule in the background, after the reply
    (deriving every plan takes long with many agencies, and the member should not wait for it)."""
    app.create_task(reschedule(app))


def start(app: Application) -> None:
    """At start-up: a tick right away (a missed slot is sent once), which schedules the next."""
    if app.job_queue is not None:
        app.job_queue.run_once(tick, when=0, name=JOB)
