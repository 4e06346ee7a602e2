"""Telegram handlers: each turns an update into one call of the walk, whose reply is stored with the change.

No handler sends a reply itself: the walk commits the change, the update's claim and the reply (the outbox)
in one transaction, and the sender delivers it after the handler returns, retrying Telegram's errors. So an
answer is never saved without its reply, and nobody is told that something failed when only the network
did. User text is cleaned (NUL, broken UTF-16) before anything reads it, and always sent back as plain
text (no parse mode), so nothing a person writes can break a message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
from io import BytesIO
from pathlib import Path

from telegram import Bot, BotCommand, BotCommandScopeChat, CallbackQuery, Message, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, ContextTypes

from bot import texts
from bot.chat import jobs
from bot.chat.actions import Action, Verb, decode
from bot.chat.clean import clean_text, valid_agency_name
from bot.chat.reminders import Reminders
from bot.chat.review import Reviews
from bot.chat.rollups import RollUps
from bot.chat.screens import Reply, Screen
from bot.chat.service import Walk
from bot.chat.supervision import EXPORT_FILES, Office, overview, overview_text, rename_names
from bot.chat.uploads import UploadError, accepted, read_upload, report_kind
from bot.config import Settings
from bot.delivery.database import Database
from bot.delivery.sender import markup
from bot.delivery.turn import Turn
from bot.importer.files import MAX_BYTES
from bot.render import report_filename
from bot.render.docx import render_docx
from bot.render.errors import RenderError
from bot.render.export import TELEGRAM_LIMIT, Entry, default_year, export, load_entries
from bot.render.pdf import render_pdf
from bot.render.picture import NoCjkFont, table_pictures
from bot.render.text import render_html
from bot.report.model import Report
from storage.models import OutboxMessage

log = logging.getLogger(__name__)
EXPORT_WORKERS = 2  # processes rendering an export's .docx files (the bot goes on meanwhile)
EXPORT_YEARS = (2000, 2100)
UPLOAD_SECONDS = 600  # an export's archive may take minutes to upload on a slow line


def _walk(context: ContextTypes.DEFAULT_TYPE) -> Walk:
    return context.application.bot_data["walk"]


def _db(context: ContextTypes.DEFAULT_TYPE) -> Database:
    return context.application.bot_data["db"]


def _reminders(context: ContextTypes.DEFAULT_TYPE) -> Reminders:
    return context.application.bot_data["reminders"]


def _settings(context: ContextTypes.DEFAULT_TYPE) -> Settings:
    return context.application.bot_data["settings"]


def _office(context: ContextTypes.DEFAULT_TYPE) -> Office:
    return context.application.bot_data["office"]


def _reviews(context: ContextTypes.DEFAULT_TYPE) -> Reviews:
    return context.application.bot_data["reviews"]


def _rollups(context: ContextTypes.DEFAULT_TYPE) -> RollUps:
    return context.application.bot_data["rollups"]


def _is_admin(context: ContextTypes.DEFAULT_TYPE, turn: Turn) -> bool:
    return turn.user_id in _settings(context).bot_admins


def _turn(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Turn:
    """The update as the walk sees it: who, where, and which of the bot's messages the person had seen."""
    user, chat = update.effective_user, update.effective_chat
    assert user is not None
    seen_before = None
    query = update.callback_query
    if query is not None:
        if isinstance(query.message, Message):
            seen_before = query.message.message_id + 1  # the tapped message itself was seen
    elif update.effective_message is not None:
        seen_before = update.effective_message.message_id
    shared = _settings(context).webhook_url is not None  # other processes may handle this member's updates
    return Turn(update.update_id, user.id, chat.id if chat is not None else None, seen_before, shared=shared)


def _name(update: Update) -> str:
    user = update.effective_user
    assert user is not None
    return clean_text(user.full_name or "")[:255] or str(user.id)


def _args(context: ContextTypes.DEFAULT_TYPE) -> list[str]:
    return [clean_text(arg) for arg in context.args or []]


def _command_text(update: Update) -> str:
    """What follows the command, line breaks kept (names may contain spaces)."""
    message = update.effective_message
    parts = clean_text(message.text or "").split(maxsplit=1) if message else []
    return parts[1] if len(parts) > 1 else ""


async def _answer(context: ContextTypes.DEFAULT_TYPE, turn: Turn, reply: Reply | None) -> None:
    """A stranger (reply None) is told how to get an invite, an admin who is no member where their commands
    are; everything else is already stored."""
    if reply is None:
        await _say(context, turn, texts.ADMIN_NOT_MEMBER if _is_admin(context, turn) else texts.START_STRANGER)


async def _say(context: ContextTypes.DEFAULT_TYPE, turn: Turn, *lines: str) -> None:
    """A reply that changes nothing, stored with the update's claim."""
    reply = Reply([Screen(line) for line in lines])
    await _db(context).call(lambda: _walk(context).respond(turn, reply))


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start [code]: join an agency with an invite, or greet a member and show where they stand; an admin
    is greeted with their commands (and gets their command menu, now that their chat exists)."""
    turn, name = _turn(update, context), _name(update)
    args = _args(context)
    code = args[0][:64] if args else None
    admin = _is_admin(context, turn)
    note = texts.ADMIN_NOTE if admin else None
    reply = await _db(context).call(lambda: _walk(context).start(turn, display_name=name, code=code, note=note))
    if reply is None and admin:
        await _say(context, turn, texts.ADMIN_GREETING.format(name=name))
    else:
        await _answer(context, turn, reply)
    if admin and turn.chat_id is not None:
        context.application.create_task(set_admin_menu(context.bot, turn.chat_id), update)
    if code:
        jobs.joined(context.application, turn.user_id)  # their reminders count from now on


async def fill(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/fill: the walk continues at the first open question."""
    turn = _turn(update, context)
    await _answer(context, turn, await _db(context).call(lambda: _walk(context).act(turn, Action(Verb.CONTINUE))))


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/status: a progress bar per section."""
    turn = _turn(update, context)
    await _answer(context, turn, await _db(context).call(lambda: _walk(context).status(turn)))


async def history(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/history 行政许可: who changed that field and when."""
    turn, words = _turn(update, context), " ".join(context.args or [])
    await _answer(context, turn, await _db(context).call(lambda: _walk(context).history(turn, clean_text(words))))


async def review(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/review: the report at a glance, each section with a 修改 button."""
    turn = _turn(update, context)
    await _answer(context, turn, await _db(context).call(lambda: _walk(context).review(turn)))


async def finalize(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/finalize [date]: the date the report will print and a button to confirm (nothing changes yet)."""
    turn, day = _turn(update, context), " ".join(_args(context))
    await _answer(context, turn, await _db(context).call(lambda: _walk(context).finalize(turn, day)))


async def reopen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reopen: a final report becomes editable again (recorded)."""
    turn = _turn(update, context)
    await _answer(context, turn, await _db(context).call(lambda: _walk(context).reopen(turn)))
    jobs.changed(context.application)


async def remind(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/remind on|off|HH:MM: this member's deadline reminders."""
    turn, arg = _turn(update, context), " ".join(_args(context))
    default = _settings(context).reminder_time
    await _answer(context, turn, await _db(context).call(lambda: _walk(context).remind(turn, arg, default)))
    jobs.changed(context.application)


async def import_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/import: how to bring in last year's report (or this year's draft): just send the file."""
    turn = _turn(update, context)
    member = await _db(context).call(lambda: _walk(context).membership(turn.user_id))
    await _say(context, turn, texts.IMPORT_HINT if member else texts.START_STRANGER)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: what the bot does and how to answer; an admin's also lists the admin commands."""
    turn = _turn(update, context)
    await _say(context, turn, texts.HELP, *([texts.ADMIN_HELP] if _is_admin(context, turn) else []))


async def _refused(context: ContextTypes.DEFAULT_TYPE, turn: Turn) -> bool:
    """True (and the user told so) unless the user is an admin."""
    if _is_admin(context, turn):
        return False
    await _say(context, turn, texts.ADMIN_ONLY)
    return True


async def invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/invite 机构名称 (admins): a single-use invite link; for a new agency, 部门 or 政府 is asked first."""
    turn = _turn(update, context)
    if await _refused(context, turn):
        return
    name = _command_text(update).strip()
    if not name:
        await _say(context, turn, texts.INVITE_USAGE)
    elif not valid_agency_name(name):
        await _say(context, turn, texts.INVITE_NAME_INVALID)
    else:
        username = context.bot.username
        await _db(context).call(lambda: _office(context).invite(turn, name, username))


async def agencies(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/agencies (admins): every agency with its progress, errors and status, late ones first."""
    turn = _turn(update, context)
    if await _refused(context, turn):
        return
    rows = await asyncio.to_thread(overview, _walk(context))
    await _say(context, turn, overview_text(rows))


async def nudge(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/nudge 机构名称 (admins): remind every member of that agency now."""
    turn = _turn(update, context)
    if await _refused(context, turn):
        return
    name = " ".join(_args(context)).strip()
    if not name:
        await _say(context, turn, texts.NUDGE_USAGE)
        return
    reminders = _reminders(context)
    agency, deliveries = await asyncio.to_thread(reminders.nudge, name, update.update_id)
    if agency is None:
        await _say(context, turn, texts.NUDGE_UNKNOWN.format(agency=name))
        return
    counts = await jobs.deliver(context.bot, reminders, deliveries)
    done = texts.NUDGE_DONE.format(agency=agency.name, count=counts["sent"]) if counts["sent"] else None
    await _say(context, turn, done or texts.NUDGE_NONE.format(agency=agency.name))


async def rename(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/rename 原名称 -> 新名称 (admins): correct an agency's name; its level may then be switched by a tap."""
    turn = _turn(update, context)
    if await _refused(context, turn):
        return
    names = rename_names(_command_text(update))
    if names is None:
        await _say(context, turn, texts.RENAME_USAGE)
    elif not valid_agency_name(names[1]):
        await _say(context, turn, texts.INVITE_NAME_INVALID)
    else:
        await _db(context).call(lambda: _office(context).rename(turn, *names))


async def remove(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/remove 机构名称 (admins): remove an agency created by mistake, after a confirming tap; never one
    that holds answers."""
    turn = _turn(update, context)
    if await _refused(context, turn):
        return
    name = _command_text(update).strip()
    if not name:
        await _say(context, turn, texts.REMOVE_USAGE)
    else:
        await _db(context).call(lambda: _office(context).remove(turn, name))


async def needreview(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/needreview 机构名称 [on|off] (admins): the agency's report is submitted for review before it is final."""
    turn = _turn(update, context)
    if await _refused(context, turn):
        return
    text = _command_text(update).strip()
    if not text:
        await _say(context, turn, texts.NEEDREVIEW_USAGE)
    else:
        await _db(context).call(lambda: _reviews(context).needs_review(turn, text))


async def reviewer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reviewer 机构名称 成员名称 (admins): make a member a reviewer of their agency's report, or no longer."""
    turn = _turn(update, context)
    if await _refused(context, turn):
        return
    text = _command_text(update).strip()
    if not text:
        await _say(context, turn, texts.REVIEWER_USAGE)
    else:
        await _db(context).call(lambda: _reviews(context).reviewer(turn, text))


async def review_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A reviewer's tap (查看, 通过, 退回修改, 退回, 取消); the review decides whether the user may."""
    query = update.callback_query
    assert query is not None
    context.application.create_task(_stop_spinner(query), update)
    turn, action, name = _turn(update, context), decode(query.data), _name(update)
    assert action is not None  # the handler's pattern
    await _db(context).call(lambda: _reviews(context).tap(turn, action, name))
    if action.verb in (Verb.REVIEW_APPROVE, Verb.REVIEW_SEND):  # the members' and reviewers' reminders move
        jobs.changed(context.application)


async def link_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/link 政府名称 机构名称… (admins): the government covers these agencies; without names, every link."""
    turn = _turn(update, context)
    if await _refused(context, turn):
        return
    text = _command_text(update)
    await _db(context).call(lambda: _rollups(context).link(turn, text))


async def unlink_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unlink 政府名称 机构名称… (admins): the government no longer covers these agencies."""
    turn = _turn(update, context)
    if await _refused(context, turn):
        return
    text = _command_text(update)
    await _db(context).call(lambda: _rollups(context).link(turn, text, undo=True))


async def rollup(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/rollup [政府名称]: the sums of the covered agencies' tables, shown with a button to fill them in."""
    turn, name = _turn(update, context), _command_text(update).strip()
    admin = _is_admin(context, turn)
    await _answer(context, turn, await _db(context).call(lambda: _rollups(context).preview(turn, name, admin=admin)))


async def rollup_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """确认填入 the roll-up shown (if it still holds), or an admin's 包含草稿: acted on once, like every tap."""
    query = update.callback_query
    assert query is not None
    context.application.create_task(_stop_spinner(query), update)
    turn, action = _turn(update, context), decode(query.data)
    assert action is not None  # the handler's pattern
    admin = _is_admin(context, turn)
    await _answer(context, turn, await _db(context).call(lambda: _rollups(context).tap(turn, action, admin=admin)))


async def admin_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An admin's tap: a new agency's level (then the invite link), a level switch, a removal confirmed."""
    query = update.callback_query
    assert query is not None
    context.application.create_task(_stop_spinner(query), update)
    turn = _turn(update, context)
    if await _refused(context, turn):
        return
    action, username = decode(query.data), context.bot.username
    assert action is not None  # the handler's pattern
    await _db(context).call(lambda: _office(context).tap(turn, action, username))
    jobs.changed(context.application)  # an agency created, moved to another deadline or removed


async def set_admin_menu(bot: Bot, chat_id: int) -> None:
    """An admin's command menu, in their own chat: everyone's commands and the admin commands."""
    commands = [BotCommand(name, text) for name, text in {**texts.COMMANDS, **texts.ADMIN_COMMANDS}.items()]
    try:
        await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))
    except TelegramError:  # an admin who has not opened the bot yet has no chat to scope to
        log.info("admin %s has no chat with the bot yet; admin menu not set", chat_id)


async def text_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any plain text: the answer to the question the member was shown."""
    message = update.effective_message
    assert message is not None and message.text is not None
    turn, text = _turn(update, context), clean_text(message.text)
    await _answer(context, turn, await _db(context).call(lambda: _walk(context).answer_text(turn, text)))


async def document_upload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An upload: a published report is read (in a child process with limits) and offered for import; a
    .txt/.docx otherwise becomes the text of the prose part being asked."""
    message = update.effective_message
    assert message is not None and message.document is not None
    turn, walk, db = _turn(update, context), _walk(context), _db(context)
    if await db.call(lambda: walk.membership(turn.user_id)) is None:
        await _say(context, turn, texts.START_STRANGER)
        return
    document = message.document
    filename = clean_text(document.file_name or "")
    try:
        if (document.file_size or 0) > MAX_BYTES:
            raise UploadError(texts.UPLOAD_TOO_LARGE.format(limit=MAX_BYTES // 1024 // 1024))
        if not (accepted(filename) or report_kind(filename)):
            raise UploadError(texts.UPLOAD_WRONG_KIND)
        data = bytes(await (await document.get_file()).download_as_bytearray())
        read = await read_upload(filename, data)
    except UploadError as exc:
        refused = Screen(str(exc))
        await _answer(context, turn, await db.call(lambda: walk.show(turn, refused)))
        return
    if isinstance(read, str):
        reply = await db.call(lambda: walk.replace_draft(turn, read))
    else:
        reply = await db.call(lambda: walk.stage_import(turn, filename, read))
    await _answer(context, turn, reply)


async def other_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice: say what the bot can take, and show the current question again."""
    turn = _turn(update, context)
    await _answer(
        context, turn, await _db(context).call(lambda: _walk(context).show(turn, Screen(texts.UPLOAD_WRONG_KIND)))
    )


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button tap: acted on once, if it still applies; otherwise explained. The tapped keyboard stays
    (removing it would cost a second message): its buttons name their question, so an old one is known."""
    query = update.callback_query
    assert query is not None
    # The spinner's answer goes on beside the walk: a slow or lost one holds up nothing (the spinner
    # stops by itself after a while).
    context.application.create_task(_stop_spinner(query), update)
    turn, walk, db = _turn(update, context), _walk(context), _db(context)
    action = decode(query.data)
    if action is None:
        await _answer(context, turn, await db.call(lambda: walk.show(turn, Screen(texts.STALE))))
        return
    if action.verb is Verb.REPORT:
        kind = action.arg or "docx"
        await _answer(context, turn, await db.call(lambda: walk.report(turn, kind)))
        return
    if action.verb is Verb.FINALIZE:  # confirmed: with no errors left the report becomes final; reminders stop
        day = f"{action.arg[:4]}-{action.arg[4:6]}-{action.arg[6:]}"
        await _answer(context, turn, await db.call(lambda: walk.finalize(turn, day, confirmed=True)))
        jobs.changed(context.application)
        return
    if action.verb is Verb.SNOOZE:
        said = await asyncio.to_thread(_reminders(context).snooze, turn.user_id, action.arg)
        await _say(context, turn, said)
        jobs.changed(context.application)
        return
    await _answer(context, turn, await db.call(lambda: walk.act(turn, action)))


async def _stop_spinner(query: CallbackQuery) -> None:
    with contextlib.suppress(TelegramError):
        await query.answer()


async def report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/report [html|draft|preview]: check the report, then the .docx (and PDF) follow, or the errors to fix."""
    turn, args = _turn(update, context), _args(context)
    arg = (args or ["docx"])[0].lower()
    kind = arg if arg in ("html", "draft", "preview") else "docx"
    await _answer(context, turn, await _db(context).call(lambda: _walk(context).report(turn, kind)))


class FileStatus:
    """The line "⏳ 正在生成报告文件……" of the message the files follow, updated in place as they go out (or
    with what went wrong); a new message when there is none to update."""

    def __init__(self, bot: Bot, chat_id: int, shown: OutboxMessage | None, line: str = texts.FILES_PENDING) -> None:
        self.bot, self.chat_id, self.shown = bot, chat_id, shown
        self.text = shown.text if shown is not None else ""
        self.line = line

    async def say(self, line: str) -> None:
        if self.shown is not None and self.shown.message_id is not None and self.line in self.text:
            text = self.text.replace(self.line, line, 1)
            try:
                await self.bot.edit_message_text(
                    text, self.chat_id, self.shown.message_id, reply_markup=markup(self.shown.buttons_json)
                )
                self.text, self.line = text, line
                return
            except BadRequest as exc:  # deleted by the member, or too old to edit: say it anew
                log.info("status of chat %s not updated (%s): sent anew", self.chat_id, exc)
        await self.bot.send_message(self.chat_id, line)


async def send_documents(
    app: Application, chat_id: int, user_id: int, kind: str, shown: OutboxMessage | None = None
) -> None:
    """The web page, or the .docx and (with LibreOffice installed) the PDF, or the tables as pictures, a
    few reports at a time; made from the report as it is stored when the files are sent. The message that
    announced them says when each has gone out, or what went wrong."""
    if kind.startswith(EXPORT_FILES):
        await send_export(app, chat_id, user_id, int(kind.removeprefix(EXPORT_FILES)), shown)
        return
    walk: Walk = app.bot_data["walk"]
    db: Database = app.bot_data["db"]
    if kind.startswith("review-"):
        await _send_for_review(app, chat_id, user_id, int(kind.removeprefix("review-")), shown)
        return
    data = await db.call(lambda: walk.report_data(user_id))
    if data is None:
        return
    current = data[0]
    bot: Bot = app.bot
    status = FileStatus(bot, chat_id, shown)
    async with app.bot_data["documents"]:
        if kind == "picture":
            await _send_pictures(bot, chat_id, current)
            return
        with contextlib.suppress(TelegramError):
            await bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
        title = texts.REPORT_CAPTION.format(title=texts.TITLE.format(agency=current.agency, year=current.year))
        if kind == "html":
            page = (await asyncio.to_thread(render_html, current)).encode()
            await bot.send_document(chat_id, BytesIO(page), filename=report_filename(current, ".html"), caption=title)
            await status.say(texts.FILES_SENT_HTML)
            return
        try:
            body = await asyncio.to_thread(render_docx, current)
        except Exception as exc:
            log.exception("the .docx of chat %s could not be made", chat_id)
            reason = str(exc) if isinstance(exc, RenderError) else texts.FILES_INTERNAL_ERROR
            await status.say(texts.FILES_FAILED.format(reason=reason))
            return
        await bot.send_document(chat_id, BytesIO(body), filename=report_filename(current, ".docx"), caption=title)
        if not (shutil.which("soffice") or shutil.which("libreoffice")):
            await status.say(texts.FILES_SENT_DOCX_ONLY)
            return
        await status.say(texts.FILES_DOCX_SENT_PDF_PENDING)
        with contextlib.suppress(TelegramError):
            await bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
        try:
            pdf = await asyncio.to_thread(_pdf_bytes, current)
        except RenderError as exc:
            await status.say(texts.FILES_PDF_FAILED.format(reason=exc))
            return
        await bot.send_document(chat_id, BytesIO(pdf), filename=report_filename(current, ".pdf"), caption=title)
        await status.say(texts.FILES_SENT)


async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/export [年度] (admins): every agency's report of the year as .docx and .pdf in a .zip, and the .xlsx with
    one row per agency; the reply says they are being made, the sender sends them after it."""
    turn = _turn(update, context)
    if await _refused(context, turn):
        return
    walk = _walk(context)
    arg = " ".join(_args(context)).strip()
    year = default_year(walk.today()) if not arg else int(arg) if arg.isascii() and arg.isdigit() else None
    if year is None or not EXPORT_YEARS[0] <= year <= EXPORT_YEARS[1]:
        await _say(context, turn, texts.EXPORT_USAGE.format(year=default_year(walk.today())))
        return
    await _db(context).call(lambda: _office(context).export(turn, year))


async def send_export(app: Application, chat_id: int, user_id: int, year: int, shown: OutboxMessage | None) -> None:
    """The export of the year: the archives (several when one would exceed Telegram's upload limit), then the
    workbook on its own (it opens on a phone); the announcing message says when they have gone out."""
    settings: Settings = app.bot_data["settings"]
    if user_id not in settings.bot_admins:  # no agency's data to anyone but an admin, whoever asked before
        log.warning("export for %s refused: not an admin", user_id)
        return
    walk: Walk = app.bot_data["walk"]
    db: Database = app.bot_data["db"]
    bot: Bot = app.bot
    status = FileStatus(bot, chat_id, shown, texts.EXPORT_PENDING)

    def entries() -> list[Entry]:
        with walk.session() as session:
            return load_entries(session, year, walk.zone)

    async with app.bot_data["documents"]:
        with contextlib.suppress(TelegramError):
            await bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
        with tempfile.TemporaryDirectory(prefix="nianbao-export-") as work:
            try:
                found = await db.call(entries)
                made = await asyncio.to_thread(
                    export, found, year, Path(work), workers=EXPORT_WORKERS, limit=TELEGRAM_LIMIT
                )
            except Exception as exc:
                log.exception("the export of %s for chat %s could not be made", year, chat_id)
                reason = str(exc) if isinstance(exc, RenderError) else texts.FILES_INTERNAL_ERROR
                await status.say(texts.EXPORT_FAILED.format(reason=reason))
                return
            parts = len(made.archives)
            for n, archive in enumerate(made.archives, 1):
                part = texts.EXPORT_CAPTION_PART.format(n=n, total=parts) if parts > 1 else ""
                caption = texts.EXPORT_CAPTION.format(year=year, part=part)
                with archive.open("rb") as file:
                    await bot.send_document(
                        chat_id, file, filename=archive.name, caption=caption, write_timeout=UPLOAD_SECONDS
                    )
            with made.workbook.open("rb") as file:
                caption = texts.EXPORT_XLSX_CAPTION.format(year=year)
                await bot.send_document(
                    chat_id, file, filename=made.workbook.name, caption=caption, write_timeout=UPLOAD_SECONDS
                )
    await status.say(texts.EXPORT_SENT.format(year=year, reports=made.reports, parts=parts, pdf=made.pdf_note()))


async def _send_for_review(
    app: Application, chat_id: int, user_id: int, report_id: int, shown: OutboxMessage | None
) -> None:
    """A submitted report's table pictures and .docx, to a reviewer of its agency only (nothing for anyone else)."""
    reviews: Reviews = app.bot_data["reviews"]
    db: Database = app.bot_data["db"]
    report = await db.call(lambda: reviews.report_for(user_id, report_id))
    if report is None:
        return
    bot: Bot = app.bot
    status = FileStatus(bot, chat_id, shown)
    async with app.bot_data["documents"]:
        await _send_pictures(bot, chat_id, report)
        try:
            body = await asyncio.to_thread(render_docx, report)
        except Exception as exc:
            log.exception("the .docx of report %s could not be made", report_id)
            reason = str(exc) if isinstance(exc, RenderError) else texts.FILES_INTERNAL_ERROR
            await status.say(texts.FILES_FAILED.format(reason=reason))
            return
        title = texts.REPORT_CAPTION.format(title=texts.TITLE.format(agency=report.agency, year=report.year))
        await bot.send_document(chat_id, BytesIO(body), filename=report_filename(report, ".docx"), caption=title)
        await status.say(texts.REVIEW_FILES_SENT)


async def _send_pictures(bot: Bot, chat_id: int, report: Report) -> None:
    """Tables 二, 三 and 四 as the document lays them out, one picture each; nothing when no CJK font is
    installed (the text list sent before stands alone)."""
    try:
        pictures = await asyncio.to_thread(table_pictures, report)
    except NoCjkFont as exc:
        log.warning("no table pictures: %s", exc)
        return
    with contextlib.suppress(TelegramError):
        await bot.send_chat_action(chat_id, ChatAction.UPLOAD_PHOTO)
    for number, picture in enumerate(pictures, 2):  # 表二, 表三, 表四
        await bot.send_photo(chat_id, BytesIO(picture.png), filename=f"table-{number}.png")


def _pdf_bytes(report: Report) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.pdf"
        render_pdf(report, out)
        return out.read_bytes()


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the traceback; tell the person something calm (their saved answers are safe). Only a fault of
    the bot's own lands here: Telegram's errors are the sender's to retry."""
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_user is not None:
        try:
            await _say(context, _turn(update, context), texts.ERROR_GENERIC)
        except Exception:
            log.exception("could not store the apology")
