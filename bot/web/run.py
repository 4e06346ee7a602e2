"""`nianbao run` without a Telegram token: the bot behind the embedded Bot API, and the chat page."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiohttp import web
from pydantic import SecretStr

from bot import texts
from bot.config import Settings
from bot.web import identity
from bot.web.botapi import BOT_ID, BotApi, new_token
from bot.web.chats import Chats
from bot.web.page import Page
from storage.db import make_engine, upgrade

BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": texts.WEB_TITLE, "username": "nianbao_web_bot"}


def page_url(listen: str) -> str:
    host, _, port = listen.rpartition(":")
    host = host or "127.0.0.1"
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else ("[::1]" if host == "[::]" else host)
    return f"http://{shown}:{port}/"


async def serve_web(
    settings: Settings,
    *,
    stop: asyncio.Event | None = None,
    ready: asyncio.Event | None = None,
    announce: Callable[[str], None] = print,
    token: str | None = None,
) -> None:
    """Run the bot with the chat page on WEB_LISTEN until SIGTERM/SIGINT (or ``stop``). OSError when the
    address cannot be listened on."""
    from bot.chat.app import build_application
    from bot.delivery.run import serve

    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        from sqlmodel import Session

        with Session(engine) as session:
            first_update, first_message = identity.next_numbers(session)
            admin_code = identity.first_admin_code(session, settings.bot_admins)
            web_admins = identity.admin_ids(session)
    finally:
        engine.dispose()

    chats = Chats(dict(BOT_USER), first_update_id=first_update, first_message_id=first_message)
    token = token or new_token()
    api_runner = web.AppRunner(BotApi(chats, token).app(), access_log=None)
    await api_runner.setup()
    api_site = web.TCPSite(api_runner, "127.0.0.1", 0)  # the bot's side: this process only (and its token)
    await api_site.start()
    page_runner: web.AppRunner | None = None
    try:
        port = api_runner.addresses[0][1]
        bot_settings = settings.model_copy(
            update={
                "telegram_bot_token": SecretStr(token),
                "telegram_api_url": f"http://127.0.0.1:{port}",
                "bot_admins": tuple(dict.fromkeys(settings.bot_admins + web_admins)),
            }
        )
        public = settings.web_public_url or page_url(settings.web_listen)
        app = build_application(bot_settings, invite_page=public)
        page_runner = web.AppRunner(Page(chats, app.bot_data["db"]).app(), access_log=None)
        await page_runner.setup()
        host, _, listen_port = settings.web_listen.rpartition(":")
        await web.TCPSite(page_runner, host.strip("[]") or "127.0.0.1", int(listen_port)).start()
        url = page_url(settings.web_listen)
        announce(texts.WEB_RUNNING.format(url=url))
        if admin_code:
            announce(texts.WEB_ADMIN_CODE.format(url=public, code=admin_code))
        await serve(app, bot_settings, stop=stop, ready=ready)
    finally:
        chats.close()
        if page_runner is not None:
            await page_runner.cleanup()
        await api_runner.cleanup()
