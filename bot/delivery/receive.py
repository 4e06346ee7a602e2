"""How updates arrive: long polling, or a webhook for several bot processes behind a load balancer.

Either way an update is committed to the inbox before Telegram learns it arrived: with long polling the
next getUpdates call (whose offset confirms the ones before) is made only after the commit; with a webhook
the 200 is answered only after it. Telegram delivers again whatever it was not told about.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError
from telegram.ext import Application

from bot.delivery.inbox import Inbox

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "callback_query"]
POLL_TIMEOUT = 25  # seconds Telegram holds a getUpdates call open when nothing happens
PAUSES = (0.5, 1, 2, 5, 10, 30)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1024 * 1024  # an update is a few kilobytes; a file is fetched separately


async def poll(app: Application, inbox: Inbox) -> None:
    """Long polling until cancelled: store each batch, then ask for the next (which confirms the batch)."""
    offset: int | None = None
    failures = 0
    timeout = 0  # the first call answers at once: whatever waited while the bot was down comes first
    while True:
        try:
            updates = await app.bot.get_updates(offset=offset, timeout=timeout, allowed_updates=ALLOWED_UPDATES)
        except InvalidToken:
            raise
        except (Conflict, NetworkError) as exc:  # another poller, a webhook still set, the network
            pause = PAUSES[min(failures, len(PAUSES) - 1)]
            failures += 1
            log.warning("getUpdates failed (%s); again in %s s", exc, pause)
            await asyncio.sleep(pause)
            continue
        failures, timeout = 0, POLL_TIMEOUT
        if updates:
            await inbox.store(list(updates))
            offset = updates[-1].update_id + 1


class Webhook:
    """An HTTP endpoint Telegram posts updates to: checked against the secret token, stored, then 200."""

    def __init__(self, app: Application, inbox: Inbox, *, url: str, secret: str, listen: str) -> None:
        self.app, self.inbox, self.url, self.secret = app, inbox, url, secret
        host, _, port = listen.rpartition(":")
        self.host, self.port = host or "127.0.0.1", int(port)
        self._runner: web.AppRunner | None = None

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("webhook call without the right secret token from %s refused", request.remote)
            return web.Response(status=403)
        try:
            update = Update.de_json(await request.json(), self.app.bot)
        except Exception:
            return web.Response(status=400)
        await self.inbox.store([update])  # committed: only now may Telegram forget it (an error answers 500)
        return web.Response(status=200)

    async def start(self) -> None:
        server = web.Application(client_max_size=MAX_UPDATE_BYTES)
        server.router.add_post(urlsplit(self.url).path or "/", self._receive)
        self._runner = web.AppRunner(server, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        await self.app.bot.set_webhook(
            self.url, secret_token=self.secret, allowed_updates=ALLOWED_UPDATES, max_connections=40
        )
        log.info("webhook listening on %s:%s", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()  # the webhook stays set: the other processes keep receiving
