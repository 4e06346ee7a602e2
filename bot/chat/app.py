"""The one place that builds the Telegram application and registers every handler."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable
from datetime import datetime

from telegram import BotCommand
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import texts
from bot.chat import handlers, jobs
from bot.chat.actions import ADMIN_VERBS, REVIEW_VERBS, decode
from bot.chat.reminders import Reminders
from bot.chat.review import Reviews
from bot.chat.rollups import ROLLUP_VERBS, RollUps
from bot.chat.service import Walk
from bot.chat.supervision import Office
from bot.config import Settings
from bot.delivery.database import Database
from bot.delivery.inbox import Inbox
from bot.delivery.sender import Sender
from bot.delivery.turn import set_owner
from bot.importer import sandbox
from bot.reminders.pacing import Pacer
from bot.schema import Level
from storage.db import make_engine, upgrade

DOCUMENTS_AT_ONCE = 2  # reports rendered at the same time (LibreOffice takes a core each)


async def _post_init(app: Application) -> None:
    await asyncio.to_thread(app.bot_data["walk"].warm_up)
    await asyncio.to_thread(sandbox.start)  # uploads are read in children of a fork server with the importer loaded
    await _register_commands(app)
    jobs.start(app)
    # What start-up built lives as long as the process: keep it out of the collector's full passes,
    # which would otherwise stop an update for tens of milliseconds now and then.
    gc.collect()
    gc.freeze()


async def _register_commands(app: Application) -> None:
    """The command menu: everyone sees the walk's commands; admins also see theirs (an admin who has not
    opened the bot yet gets them at their /start)."""
    await app.bot.set_my_commands([BotCommand(name, text) for name, text in texts.COMMANDS.items()])
    settings: Settings = app.bot_data["settings"]
    for admin_id in settings.bot_admins:
        await handlers.set_admin_menu(app.bot, admin_id)  # a private chat's id is its user's


def _admin_data(data: object) -> bool:
    """An admin's button (the supervising office's verbs); every other tap is the walk's."""
    action = decode(data) if isinstance(data, str) else None
    return action is not None and action.verb in ADMIN_VERBS


def _review_data(data: object) -> bool:
    """A reviewer's button (通过, 退回修改, …): whether the user may review is decided by the review itself."""
    action = decode(data) if isinstance(data, str) else None
    return action is not None and action.verb in REVIEW_VERBS


def _rollup_data(data: object) -> bool:
    """A roll-up's button (its members' and the admins'; each tap is checked by bot/chat/rollups.py)."""
    action = decode(data) if isinstance(data, str) else None
    return action is not None and action.verb in ROLLUP_VERBS


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    pacer: Pacer | None = None,
    clock: Callable[[], datetime] | None = None,
    invite_page: str | None = None,
) -> Application:
    """The bot with every handler; ``request`` replaces the HTTP client and ``pacer`` the rate limiter (a
    benchmark measures with them), ``clock`` the time (tests move it); ``invite_page`` the chat page invite
    links point at (the web channel), instead of t.me."""
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    engine = make_engine(settings.database_url)
    upgrade(engine)
    builder = (
        Application.builder()
        .token(token)
        .updater(None)  # updates arrive through the inbox (bot/delivery), stored before they are confirmed
        .base_url(f"{settings.telegram_api_url}/bot")
        .base_file_url(f"{settings.telegram_api_url}/file/bot")
        .post_init(_post_init)
        .rate_limiter(pacer or Pacer())
    )
    if request is not None:
        builder = builder.request(request)
    app = builder.build()
    schedule = settings.schedule()
    walk = Walk(
        engine,
        timezone=settings.timezone,
        invite_ttl_days=settings.invite_ttl_days,
        deadlines={Level.DEPARTMENT: schedule.deadline_department, Level.GOVERNMENT: schedule.deadline_government},
        clock=clock,
        admins=settings.bot_admins,
    )
    app.bot_data["settings"] = settings
    app.bot_data["walk"] = walk
    app.bot_data["office"] = Office(walk, invite_page=invite_page)
    app.bot_data["reviews"] = Reviews(walk)
    app.bot_data["rollups"] = RollUps(walk)
    app.bot_data["reminders"] = Reminders(walk, schedule, settings.bot_admins)
    app.bot_data["documents"] = asyncio.Semaphore(DOCUMENTS_AT_ONCE)
    db = Database(engine)
    sender = Sender(app.bot, db, lambda chat, user, kind, shown: handlers.send_documents(app, chat, user, kind, shown))
    app.bot_data["db"] = db
    sender.on_blocked = lambda chat: db.call(lambda: walk.blocked(chat))  # a private chat's id is its member's
    app.bot_data["inbox"] = Inbox(app, db, sender)
    set_owner(settings.instance_name())

    app.add_handler(CommandHandler("start", handlers.start))
    app.add_handler(CommandHandler("fill", handlers.fill))
    app.add_handler(CommandHandler("status", handlers.status))
    app.add_handler(CommandHandler("review", handlers.review))
    app.add_handler(CommandHandler("report", handlers.report))
    app.add_handler(CommandHandler("finalize", handlers.finalize))
    app.add_handler(CommandHandler("reopen", handlers.reopen))
    app.add_handler(CommandHandler("remind", handlers.remind))
    app.add_handler(CommandHandler("history", handlers.history))
    app.add_handler(CommandHandler("import", handlers.import_command))
    app.add_handler(CommandHandler("help", handlers.help_command))
    app.add_handler(CommandHandler("invite", handlers.invite))
    app.add_handler(CommandHandler("agencies", handlers.agencies))
    app.add_handler(CommandHandler("nudge", handlers.nudge))
    app.add_handler(CommandHandler("rename", handlers.rename))
    app.add_handler(CommandHandler("remove", handlers.remove))
    app.add_handler(CommandHandler("needreview", handlers.needreview))
    app.add_handler(CommandHandler("reviewer", handlers.reviewer))
    app.add_handler(CallbackQueryHandler(handlers.review_button, pattern=_review_data))
    app.add_handler(CommandHandler("link", handlers.link_command))
    app.add_handler(CommandHandler("unlink", handlers.unlink_command))
    app.add_handler(CommandHandler("rollup", handlers.rollup))
    app.add_handler(CommandHandler("export", handlers.export_command))
    app.add_handler(CallbackQueryHandler(handlers.admin_button, pattern=_admin_data))
    app.add_handler(CallbackQueryHandler(handlers.rollup_button, pattern=_rollup_data))
    app.add_handler(CallbackQueryHandler(handlers.button))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, handlers.text_answer))
    app.add_handler(MessageHandler(filters.Document.ALL, handlers.document_upload))
    app.add_handler(MessageHandler(filters.COMMAND, handlers.help_command))
    app.add_handler(MessageHandler(~filters.StatusUpdate.ALL, handlers.other_message))
    app.add_error_handler(handlers.on_error)
    return app
