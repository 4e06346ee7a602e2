"""Telegram handlers: each turns an update into one call of the walk and its screens into messages.

Every handler answers the person; none holds state. User text is always sent as plain text (no
parse mode), so nothing a person writes can break a message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
from io import BytesIO
from pathlib import Path

from telegram import Message, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot import texts
from bot.chat import jobs, screens
from bot.chat.actions import Action, Verb, decode
from bot.chat.reminders import Reminders
from bot.chat.screens import Screen, markup_rows
from bot.chat.service import Reply, Walk, report_filename
from bot.chat.supervision import overview, overview_text
from bot.chat.uploads import UploadError, accepted, as_report, extract_text, report_kind
from bot.config import Settings
from bot.importer.files import MAX_BYTES
from bot.render.docx import render_docx
from bot.render.errors import RenderError
from bot.render.pdf import render_pdf
from bot.render.text import render_html
from bot.report.checks import check, errors
from bot.report.model import Report
from bot.schema import Level

log = logging.getLogger(__name__)
MAX_MESSAGE = 4000  # Telegram allows 4096 characters; leave room


def _walk(context: ContextTypes.DEFAULT_TYPE) -> Walk:
    return context.application.bot_data["walk"]


def _reminders(context: ContextTypes.DEFAULT_TYPE) -> Reminders:
    return context.application.bot_data["reminders"]


def _settings(context: ContextTypes.DEFAULT_TYPE) -> Settings:
    return context.application.bot_data["settings"]


def _chunks(text: str) -> list[str]:
    parts: list[str] = []
    while len(text) > MAX_MESSAGE:
        cut = text.rfind("\n", 0, MAX_MESSAGE)
        cut = cut if cut > 0 else MAX_MESSAGE
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return [*parts, text]


async def send_screen(message: Message, screen: Screen) -> None:
    chunks = _chunks(screen.text)
    for chunk in chunks[:-1]:
        await message.chat.send_message(chunk)
    await message.chat.send_message(chunks[-1], reply_markup=markup_rows(screen))


async def send_reply(message: Message, reply: Reply | None) -> None:
    if reply is None:
        await message.chat.send_message(texts.START_STRANGER)
        return
    for screen in reply.screens:
        await send_screen(message, screen)


def _user(update: Update) -> tuple[int, str]:
    user = update.effective_user
    assert user is not None
    return user.id, user.full_name or str(user.id)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start [code]: join an agency with an invite, or greet a member and show where they stand."""
    assert update.effective_message is not None
    user_id, name = _user(update)
    code = context.args[0][:64] if context.args else None
    await send_reply(update.effective_message, _walk(context).start(user_id=user_id, display_name=name, code=code))
    if code:
        jobs.joined(context.application, user_id)  # their reminders count from now on


async def fill(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/fill: the walk continues at the first open question."""
    assert update.effective_message is not None
    user_id, _ = _user(update)
    walk = _walk(context)
    reply = walk.act(user_id, update.update_id, Action(Verb.CONTINUE))
    await send_reply(update.effective_message, reply)


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/status: a progress bar per section."""
    assert update.effective_message is not None
    screen = _walk(context).status(_user(update)[0])
    await send_reply(update.effective_message, Reply([screen]) if screen else None)


async def review(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/review: the report at a glance, each section with a 修改 button."""
    assert update.effective_message is not None
    screen = _walk(context).review(_user(update)[0])
    await send_reply(update.effective_message, Reply([screen]) if screen else None)


async def finalize(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/finalize: with no errors left, the report becomes final and dated today; reminders stop."""
    assert update.effective_message is not None
    screen = _walk(context).finalize(_user(update)[0])
    await send_reply(update.effective_message, Reply([screen]) if screen else None)
    jobs.changed(context.application)


async def reopen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reopen: a final report becomes editable again (recorded)."""
    assert update.effective_message is not None
    screen = _walk(context).reopen(_user(update)[0])
    await send_reply(update.effective_message, Reply([screen]) if screen else None)
    jobs.changed(context.application)


async def remind(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/remind on|off|HH:MM: this member's deadline reminders."""
    assert update.effective_message is not None
    arg = " ".join(context.args or [])
    screen = _walk(context).remind(_user(update)[0], arg, _settings(context).reminder_time)
    await send_reply(update.effective_message, Reply([screen]) if screen else None)
    jobs.changed(context.application)


async def import_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/import: how to bring in last year's report (or this year's draft): just send the file."""
    assert update.effective_message is not None
    if _walk(context).membership(_user(update)[0]) is None:
        await update.effective_message.reply_text(texts.START_STRANGER)
        return
    await update.effective_message.reply_text(texts.IMPORT_HINT)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: what the bot does and how to answer."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(texts.HELP)


async def invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/invite 机构名称 [政府]: an admin creates an agency (if new) and a single-use invite link."""
    assert update.effective_message is not None
    user_id, _ = _user(update)
    if user_id not in _settings(context).bot_admins:
        await update.effective_message.reply_text(texts.ADMIN_ONLY)
        return
    words = list(context.args or [])
    level = Level.DEPARTMENT
    if words and words[-1] in ("government", "政府"):
        level, words = Level.GOVERNMENT, words[:-1]
    name = " ".join(words).strip()
    if not words:
        await update.effective_message.reply_text(texts.INVITE_USAGE)
        return
    if not 2 <= len(name) <= 100:
        await update.effective_message.reply_text(texts.INVITE_NAME_INVALID)
        return
    code, agency = _walk(context).invite(name=name, level=level, created_by=user_id)
    link = f"https://t.me/{context.bot.username}?start={code}"
    days = _settings(context).invite_ttl_days
    level_name = texts.LEVEL_NAMES[agency.level]
    jobs.changed(context.application)  # a new agency may open a new season of digests
    await update.effective_message.reply_text(
        texts.INVITE_CREATED.format(agency=agency.name, level=level_name, days=days, link=link, code=code)
    )


async def agencies(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/agencies (admins): every agency with its progress, errors and status, late ones first."""
    assert update.effective_message is not None
    if _user(update)[0] not in _settings(context).bot_admins:
        await update.effective_message.reply_text(texts.ADMIN_ONLY)
        return
    rows = await asyncio.to_thread(overview, _walk(context))
    await send_screen(update.effective_message, Screen(overview_text(rows)))


async def nudge(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/nudge 机构名称 (admins): remind every member of that agency now."""
    assert update.effective_message is not None
    if _user(update)[0] not in _settings(context).bot_admins:
        await update.effective_message.reply_text(texts.ADMIN_ONLY)
        return
    name = " ".join(context.args or []).strip()
    if not name:
        await update.effective_message.reply_text(texts.NUDGE_USAGE)
        return
    reminders = _reminders(context)
    agency, deliveries = await asyncio.to_thread(reminders.nudge, name, update.update_id)
    if agency is None:
        await update.effective_message.reply_text(texts.NUDGE_UNKNOWN.format(agency=name))
        return
    counts = await jobs.deliver(context.bot, reminders, deliveries)
    done = texts.NUDGE_DONE.format(agency=agency.name, count=counts["sent"]) if counts["sent"] else None
    await update.effective_message.reply_text(done or texts.NUDGE_NONE.format(agency=agency.name))


async def text_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any plain text: the answer to the current question."""
    message = update.effective_message
    assert message is not None and message.text is not None
    reply = _walk(context).answer_text(_user(update)[0], update.update_id, message.text)
    if reply is None or reply.handled:
        await send_reply(message, reply)


async def document_upload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An upload: a published report is read and offered for import; a .txt/.docx otherwise becomes
    the text of the prose part being asked."""
    message = update.effective_message
    assert message is not None and message.document is not None
    walk = _walk(context)
    user_id, _ = _user(update)
    if walk.membership(user_id) is None:
        await message.reply_text(texts.START_STRANGER)
        return
    document = message.document
    filename = document.file_name or ""
    try:
        if (document.file_size or 0) > MAX_BYTES:
            raise UploadError(texts.UPLOAD_TOO_LARGE.format(limit=MAX_BYTES // 1024 // 1024))
        if not (accepted(filename) or report_kind(filename)):
            raise UploadError(texts.UPLOAD_WRONG_KIND)
        data = bytes(await (await document.get_file()).download_as_bytearray())
        imported = await asyncio.to_thread(as_report, filename, data)
        if imported is not None:
            await send_reply(message, walk.stage_import(user_id, update.update_id, filename, imported))
            return
        text = await asyncio.to_thread(extract_text, filename, data)
    except UploadError as exc:
        await message.reply_text(str(exc))
        current = walk.current(user_id)
        if current:
            await send_screen(message, current)
        return
    reply = walk.replace_draft(user_id, update.update_id, text)
    if reply is None or reply.handled:
        await send_reply(message, reply)


async def other_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice: say what the bot can take, and show the current question again."""
    message = update.effective_message
    assert message is not None
    user_id, _ = _user(update)
    screen = _walk(context).current(user_id)
    if screen is None:
        await message.reply_text(texts.START_STRANGER)
        return
    await message.reply_text(texts.UPLOAD_WRONG_KIND)
    await send_screen(message, screen)


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button tap: acted on once, if it still applies; otherwise explained."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    message = query.message
    if not isinstance(message, Message):
        return
    with contextlib.suppress(BadRequest):  # already removed (a double tap) or too old to edit
        await message.edit_reply_markup(None)  # the tapped keyboard is spent: no second tap from it
    action = decode(query.data)
    user_id, _ = _user(update)
    walk = _walk(context)
    if action is None:
        await send_reply(message, Reply([Screen(texts.STALE), walk.current(user_id) or Screen(texts.START_STRANGER)]))
        return
    if action.verb is Verb.REPORT:
        await send_report(update, message, context, user_id, action.arg or "docx")
        return
    if action.verb is Verb.STATUS:
        screen = walk.status(user_id)
        await send_reply(message, Reply([screen]) if screen else None)
        return
    if action.verb is Verb.SNOOZE:
        await message.chat.send_message(await asyncio.to_thread(_reminders(context).snooze, user_id, action.arg))
        jobs.changed(context.application)
        return
    reply = walk.act(user_id, update.update_id, action)
    if reply is None or reply.handled:
        await send_reply(message, reply)


async def report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/report [html|draft]: check the report, then send the .docx (and PDF), or the errors to fix."""
    assert update.effective_message is not None
    arg = (context.args or ["docx"])[0].lower()
    kind = arg if arg in ("html", "draft", "preview") else "docx"
    await send_report(update, update.effective_message, context, _user(update)[0], kind)


async def send_report(
    update: Update, message: Message, context: ContextTypes.DEFAULT_TYPE, user_id: int, kind: str
) -> None:
    """Check the report and answer at once: the errors to fix, or that the files are on their way. The
    files are made in a task of their own, so that nobody else's update waits for LibreOffice."""
    data = _walk(context).report_data(user_id)
    if data is None:
        await message.chat.send_message(texts.START_STRANGER)
        return
    current, last_year = data
    if kind == "preview":
        await send_screen(message, screens.preview_screen(current))
        return
    findings = check(current, last_year)
    if errors(findings) and kind != "draft":
        await send_screen(message, screens.report_errors_screen(current, findings))
        return
    await send_screen(message, screens.report_ready_screen(findings))
    # An exception in the task reaches on_error with this update, which tells the person calmly.
    context.application.create_task(send_files(message, context, current, kind), update, name=f"report-{user_id}")


async def send_files(message: Message, context: ContextTypes.DEFAULT_TYPE, current: Report, kind: str) -> None:
    """The web page, or the .docx and (with LibreOffice installed) the PDF, a few reports at a time."""
    async with context.application.bot_data["documents"]:
        await message.chat.send_action(ChatAction.UPLOAD_DOCUMENT)
        title = texts.REPORT_CAPTION.format(title=texts.TITLE.format(agency=current.agency, year=current.year))
        if kind == "html":
            page = (await asyncio.to_thread(render_html, current)).encode()
            await message.chat.send_document(BytesIO(page), filename=report_filename(current, ".html"), caption=title)
            return
        body = await asyncio.to_thread(render_docx, current)
        await message.chat.send_document(BytesIO(body), filename=report_filename(current, ".docx"), caption=title)
        if shutil.which("soffice") or shutil.which("libreoffice"):
            try:
                pdf = await asyncio.to_thread(_pdf_bytes, current)
            except RenderError as exc:
                await message.chat.send_message(str(exc))
                return
            await message.chat.send_document(BytesIO(pdf), filename=report_filename(current, ".pdf"), caption=title)


def _pdf_bytes(report: Report) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.pdf"
        render_pdf(report, out)
        return out.read_bytes()


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the traceback; tell the person something calm (their saved answers are safe)."""
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await update.effective_chat.send_message(texts.ERROR_GENERIC)
        except TelegramError:
            log.warning("could not tell the user about the error")
