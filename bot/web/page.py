"""The chat page and its endpoints, for browsers. A person enters with an agency's invite code (or the first
admin's one-time code) and is known afterwards by a session cookie (256 random bits, HttpOnly, SameSite);
every POST also carries the session's CSRF token. Each request reaches only its own person's chat and files."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from html import escape
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiohttp import web

from bot import texts
from bot.delivery.database import Database
from bot.web import identity
from bot.web.chats import Chats, Full
from storage.models import WebUser

log = logging.getLogger(__name__)
MAX_UPLOAD = 20 * 1024 * 1024  # what the bot can fetch of a file (Telegram's getFile limit)
MAX_TEXT = 4096
EVENTS_KEEPALIVE = 20.0  # seconds between SSE comments, so that proxies keep the stream open
LONG_POLL = 25.0
_CODE = re.compile(r"[A-Za-z0-9_-]{8,64}")
_USER = web.AppKey("user", WebUser)
_COOKIE = web.AppKey("cookie", str)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"
    ),
}


def _static(name: str) -> bytes:
    return resources.files("bot.web").joinpath("static", name).read_bytes()


def code_of(entered: str) -> str | None:
    """The invite code in what was entered: the code itself, ``/start CODE``, or a link with ``start=CODE``."""
    entered = entered.strip()
    if "start=" in entered:
        found = parse_qs(urlsplit(entered).query).get("start") or parse_qs(entered.rpartition("?")[2]).get("start")
        entered = found[0] if found else ""
    entered = entered.removeprefix("/start").strip()
    return entered if _CODE.fullmatch(entered) else None


def person(user: WebUser) -> dict[str, Any]:
    """The Bot API User of a web person."""
    return {"id": user.user_id, "is_bot": False, "first_name": user.display_name or "-", "language_code": "zh-hans"}


class Page:
    def __init__(self, chats: Chats, db: Database) -> None:
        self.chats, self.db = chats, db

    def app(self) -> web.Application:
        server = web.Application(client_max_size=MAX_UPLOAD + 64 * 1024, middlewares=[self._guard])
        server.router.add_get("/", self._index)
        server.router.add_get("/static/{name}", self._asset)
        server.router.add_post("/api/join", self._join)
        server.router.add_post("/api/send", self._send)
        server.router.add_post("/api/tap", self._tap)
        server.router.add_post("/api/upload", self._upload)
        server.router.add_post("/api/leave", self._leave)
        server.router.add_get("/api/messages", self._messages)
        server.router.add_get("/api/events", self._events)
        server.router.add_get("/files/{file_id}", self._file)
        return server

    # --- who asks ---

    @web.middleware
    async def _guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """Signs the request in by its cookie; refuses what needs a session without one, and any POST without
        this session's CSRF token or from another site."""
        cookie = request.cookies.get(identity.COOKIE, "")
        user = await self.db.run(lambda s: identity.session_user(s, cookie)) if cookie else None
        open_paths = request.path in ("/", "/api/join") or request.path.startswith("/static/")
        if request.method == "POST" and not _same_origin(request):
            return _refused(403, texts.WEB_REFUSED)
        if user is None and not open_paths:
            return _refused(401, texts.WEB_SIGNED_OUT)
        posted = user is not None and request.method == "POST" and request.path != "/api/join"
        if posted and not identity.csrf_ok(cookie, request.headers.get("X-CSRF-Token", "")):
            return _refused(403, texts.WEB_REFUSED)
        if user is not None:
            request[_USER] = user  # type: ignore[index]
            request[_COOKIE] = cookie  # type: ignore[index]
        response = await handler(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    # --- the page ---

    async def _index(self, request: web.Request) -> web.Response:
        user: WebUser | None = request.get(_USER)  # type: ignore[call-overload]
        page = _static("index.html").decode()
        csrf = identity.csrf_token(request[_COOKIE]) if user is not None else ""  # type: ignore[index]
        page = (
            page.replace("{{title}}", escape(texts.WEB_TITLE))
            .replace("{{csrf}}", escape(csrf))
            .replace("{{view}}", "chat" if user is not None else "join")
            .replace("{{texts}}", escape(json.dumps(texts.WEB_PAGE, ensure_ascii=False)))
        )
        return web.Response(text=page, content_type="text/html", headers={"Cache-Control": "no-store"})

    async def _asset(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        kinds = {"app.js": "text/javascript", "app.css": "text/css"}
        if name not in kinds:
            raise web.HTTPNotFound()
        return web.Response(body=_static(name), content_type=kinds[name], charset="utf-8")

    async def _join(self, request: web.Request) -> web.Response:
        """Enter with a code: the first admin's one-time code, or an agency's invite (sent to the bot as
        ``/start CODE``, exactly as the Telegram link does)."""
        body = await _json_body(request)
        code = code_of(str(body.get("code", "")))
        name = " ".join(str(body.get("name", "")).split())[:40]
        if not name:
            return _refused(400, texts.WEB_NAME_NEEDED)
        if code is None:
            return _refused(400, texts.WEB_CODE_INVALID)
        admin = await self.db.run(lambda s: identity.claim_admin(s, code, name))
        if admin is not None:
            user_id, first = admin, "/start"
        elif await self.db.run(lambda s: identity.invite_usable(s, code)):
            user_id, first = await self.db.run(lambda s: identity.new_user(s, name)), f"/start {code}"
        else:
            return _refused(400, texts.WEB_CODE_INVALID)
        cookie = await self.db.run(lambda s: identity.new_session(s, user_id))
        user = WebUser(user_id=user_id, display_name=name)
        with contextlib.suppress(Full):  # the session stands; the person sends /start again in a moment
            self.chats.person_text(person(user), first)
        response = web.json_response({"ok": True, "csrf": identity.csrf_token(cookie)})
        _set_cookie(request, response, cookie)
        return response

    async def _leave(self, request: web.Request) -> web.Response:
        cookie: str = request[_COOKIE]  # type: ignore[index]
        await self.db.run(lambda s: identity.end_session(s, cookie))
        response = web.json_response({"ok": True})
        response.del_cookie(identity.COOKIE, path="/")
        return response

    # --- what the person does ---

    async def _send(self, request: web.Request) -> web.Response:
        user: WebUser = request[_USER]  # type: ignore[index]
        text = str((await _json_body(request)).get("text", "")).strip()
        if not text or len(text) > MAX_TEXT:
            return _refused(400, texts.WEB_TEXT_INVALID)
        return self._queued(lambda: self.chats.person_text(person(user), text))

    async def _tap(self, request: web.Request) -> web.Response:
        user: WebUser = request[_USER]  # type: ignore[index]
        body = await _json_body(request)
        try:
            message_id, data = int(body.get("message_id", 0)), str(body.get("data", ""))
        except (TypeError, ValueError):
            return _refused(400, texts.WEB_BUTTON_GONE)
        tapped: list[bool] = []
        answer = self._queued(lambda: tapped.append(self.chats.person_tap(person(user), message_id, data)))
        if answer.status == 200 and not tapped[0]:
            return _refused(404, texts.WEB_BUTTON_GONE)
        return answer

    async def _upload(self, request: web.Request) -> web.Response:
        user: WebUser = request[_USER]  # type: ignore[index]
        if request.content_length is not None and request.content_length > MAX_UPLOAD + 64 * 1024:
            return _refused(413, texts.WEB_FILE_TOO_BIG)
        try:
            form = await request.post()
        except web.HTTPRequestEntityTooLarge:
            return _refused(413, texts.WEB_FILE_TOO_BIG)
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            return _refused(400, texts.WEB_FILE_MISSING)
        content = upload.file.read(MAX_UPLOAD + 1)
        if len(content) > MAX_UPLOAD:
            return _refused(413, texts.WEB_FILE_TOO_BIG)
        if not content:
            return _refused(400, texts.WEB_FILE_MISSING)
        name = re.sub(r"[\x00-\x1f/\\]", "_", upload.filename or "file")[-200:]
        return self._queued(lambda: self.chats.person_file(person(user), name, upload.content_type, content))

    def _queued(self, act: Any) -> web.Response:
        try:
            act()
        except Full:
            return _refused(429, texts.WEB_TOO_FAST)
        return web.json_response({"ok": True})

    # --- what the person reads ---

    async def _messages(self, request: web.Request) -> web.Response:
        """The chat after ``after`` (0: all of it); with ``wait``, held up to that many seconds for news."""
        user: WebUser = request[_USER]  # type: ignore[index]
        try:
            after = max(0, int(request.query.get("after", "0")))
            wait = min(max(0.0, float(request.query.get("wait", "0"))), LONG_POLL)
        except ValueError:
            return _refused(400, texts.WEB_REFUSED)
        if wait:
            await self.chats.wait_change(user.user_id, after, wait)
        seq, messages, notices = self.chats.history(user.user_id, after)
        return web.json_response({"seq": seq, "messages": messages, "notices": notices})

    async def _events(self, request: web.Request) -> web.StreamResponse:
        """Server-sent events: each change of the chat as one ``data:`` line (the same JSON as /api/messages)."""
        user: WebUser = request[_USER]  # type: ignore[index]
        try:
            after = max(0, int(request.headers.get("Last-Event-ID") or request.query.get("after", "0")))
        except ValueError:
            after = 0
        stream = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        )
        await stream.prepare(request)
        try:
            while not self.chats.closing:
                await self.chats.wait_change(user.user_id, after, EVENTS_KEEPALIVE)
                seq, messages, notices = self.chats.history(user.user_id, after)
                if seq > after:
                    payload = json.dumps({"seq": seq, "messages": messages, "notices": notices}, ensure_ascii=False)
                    await stream.write(f"id: {seq}\ndata: {payload}\n\n".encode())
                    after = seq
                else:
                    await stream.write(b": keep-alive\n\n")
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        return stream

    async def _file(self, request: web.Request) -> web.Response:
        user: WebUser = request[_USER]  # type: ignore[index]
        found = self.chats.file_of(user.user_id, request.match_info["file_id"])
        if found is None:
            return _refused(404, texts.WEB_FILE_GONE)
        inline = found.mime_type == "image/png"
        disposition = "inline" if inline else "attachment"
        return web.Response(
            body=found.content,
            content_type="image/png" if inline else "application/octet-stream",
            headers={
                "Content-Disposition": f"{disposition}; filename*=UTF-8''{_quoted(found.name)}",
                "Cache-Control": "private, no-store",
            },
        )


def _same_origin(request: web.Request) -> bool:
    """A POST from this page: an Origin header, when the browser sends one, names this very host."""
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.host


async def _json_body(request: web.Request) -> dict[str, Any]:
    """The JSON object a page's POST sends (a form cannot: the content type keeps other sites out)."""
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType()
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest() from None
    return body if isinstance(body, dict) else {}


def _set_cookie(request: web.Request, response: web.Response, cookie: str) -> None:
    secure = request.secure or request.headers.get("X-Forwarded-Proto", "") == "https"
    response.set_cookie(
        identity.COOKIE, cookie, path="/", httponly=True, samesite="Lax", secure=secure, max_age=180 * 86400
    )


def _refused(status: int, text: str) -> web.Response:
    return web.json_response({"ok": False, "error": text}, status=status)


def _quoted(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
