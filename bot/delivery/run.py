"""The bot's life: start, recover what a crash left, receive updates until told to stop, stop cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from telegram.ext import Application

from bot.config import Settings
from bot.delivery.inbox import Inbox
from bot.delivery.receive import Webhook, poll

log = logging.getLogger(__name__)


async def serve(
    app: Application, settings: Settings, stop: asyncio.Event | None = None, ready: asyncio.Event | None = None
) -> None:
    """Run until SIGTERM/SIGINT (or ``stop``); ``ready`` is set once updates are received. Updates stored but
    not handled when it stopped, and replies not delivered, are taken up at the next start."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    inbox: Inbox = app.bot_data["inbox"]
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        await inbox.recover()
        receiver: asyncio.Task[None] | None = None
        webhook: Webhook | None = None
        if settings.webhook_url:
            assert settings.webhook_secret is not None
            webhook = Webhook(
                app,
                inbox,
                url=settings.webhook_url,
                secret=settings.webhook_secret.get_secret_value(),
                listen=settings.webhook_listen,
            )
            await webhook.start()
        else:
            await app.bot.delete_webhook(drop_pending_updates=False)
            receiver = loop.create_task(poll(app, inbox))
        if ready is not None:
            ready.set()
        stopping = loop.create_task(stop.wait())
        waiting = {stopping} | ({receiver} if receiver else set())
        done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        if receiver is not None and receiver in done:
            receiver.result()  # polling ended only by an error it could not wait out (a rejected token)
        if receiver is not None:
            receiver.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await receiver
        stopping.cancel()
        if webhook is not None:
            await webhook.stop()
        log.info("stopping: finishing the updates being handled")
        await inbox.stop()
    finally:
        if app.running:
            await app.stop()
        await app.shutdown()
        app.bot_data["db"].close()
