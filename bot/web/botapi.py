"""The Telegram Bot API as the bot uses it, served to the bot alone: on 127.0.0.1, behind a random token of
this process. The methods act on the web channel's conversations (bot/web/chats.py)."""

from __future__ import annotations

import hmac
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.web.chats import ApiError, Chats

log = logging.getLogger(__name__)
BOT_ID = 8_999_999_999  # the web bot's own user id: never a web person's (bot/web/identity.py), nor sent
MAX_REQUEST = 60 * 1024 * 1024  # a document the bot sends (the export's archive included); Telegram takes 50 MB
MAX_DOWNLOAD = 20 * 1024 * 1024  # like Telegram, getFile serves files up to 20 MB
Params = dict[str, Any]
Method = Callable[[Params, dict[str, web.FileField]], Awaitable[Any]]


def new_token() -> str:
    """The token of this process's web bot: never written anywhere, it only keeps other local programs out."""
    return f"{BOT_ID}:{secrets.token_urlsafe(32)}"


class BotApi:
    def __init__(self, chats: Chats, token: str) -> None:
        self.chats, self.token = chats, token
        self.methods: dict[str, Method] = {
            "getme": self._get_me,
            "logout": _true,
            "close": _true,
            "deletewebhook": _true,
            "getupdates": self._get_updates,
            "sendmessage": self._send_message,
            "senddocument": self._send_document,
            "sendphoto": self._send_photo,
            "editmessagetext": self._edit_text,
            "editmessagereplymarkup": self._edit_markup,
            "deletemessage": self._delete,
            "answercallbackquery": self._answer_callback,
            "sendchataction": _true,
            "setmycommands": _true,
            "deletemycommands": _true,
            "getmycommands": self._no_commands,
            "setchatmenubutton": _true,
            "getfile": self._get_file,
        }

    def app(self) -> web.Application:
        server = web.Application(client_max_size=MAX_REQUEST)
        server.router.add_post("/bot{token}/{method}", self._call)
        server.router.add_get("/bot{token}/{method}", self._call)
        server.router.add_get("/file/bot{token}/{path:.+}", self._download)
        return server

    def _authorised(self, request: web.Request) -> bool:
        return hmac.compare_digest(request.match_info["token"].encode(), self.token.encode())

    async def _call(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return _answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        method = self.methods.get(request.match_info["method"].lower())
        if method is None:
            log.warning("the bot called %s, which the web channel does not serve", request.match_info["method"])
            return _answer(404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"})
        try:
            params, files = await _read(request)
            result = await method(params, files)
        except ApiError as error:
            return _answer(error.status, {"ok": False, "error_code": error.status, "description": error.description})
        except (ValueError, TypeError, KeyError) as error:
            description = f"Bad Request: {error}"
            return _answer(400, {"ok": False, "error_code": 400, "description": description})
        return _answer(200, {"ok": True, "result": result})

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if not self._authorised(request):
            return _answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        found = self.chats.file_by_path(request.match_info["path"])
        if found is None:
            return _answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        return web.Response(body=found.content, content_type="application/octet-stream")

    async def _get_me(self, params: Params, files: dict[str, web.FileField]) -> Any:
        return {**self.chats.bot_user, "can_join_groups": False, "supports_inline_queries": False}

    async def _get_updates(self, params: Params, files: dict[str, web.FileField]) -> Any:
        offset = params.get("offset")
        return await self.chats.get_updates(
            int(offset) if offset is not None else None,
            int(params.get("limit", 100)),
            min(float(params.get("timeout", 0)), 50.0),
        )

    async def _send_message(self, params: Params, files: dict[str, web.FileField]) -> Any:
        text = str(params.get("text") or "")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return self.chats.send(_chat_id(params), text=text, markup=params.get("reply_markup"))

    async def _send_file(self, params: Params, files: dict[str, web.FileField], field: str, photo: bool) -> Any:
        chat_id = _chat_id(params)
        upload = files.get(field)
        if upload is not None:
            content = upload.file.read()
            name = upload.filename or ("table.png" if photo else "file")
            stored = self.chats.new_file(chat_id, name, upload.content_type or "application/octet-stream", content)
        else:
            existing = self.chats.file_by_id(str(params.get(field) or ""))
            if existing is None:
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
            stored = self.chats.new_file(chat_id, existing.name, existing.mime_type, existing.content)
        caption = params.get("caption")
        return self.chats.send(
            chat_id, text=str(caption) if caption else None, markup=params.get("reply_markup"), file=stored, photo=photo
        )

    async def _send_document(self, params: Params, files: dict[str, web.FileField]) -> Any:
        return await self._send_file(params, files, "document", photo=False)

    async def _send_photo(self, params: Params, files: dict[str, web.FileField]) -> Any:
        return await self._send_file(params, files, "photo", photo=True)

    async def _edit_text(self, params: Params, files: dict[str, web.FileField]) -> Any:
        text = str(params.get("text") or "")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        markup = params.get("reply_markup")
        return self.chats.edit(_chat_id(params), int(params["message_id"]), text=text, markup=markup)

    async def _edit_markup(self, params: Params, files: dict[str, web.FileField]) -> Any:
        markup = params.get("reply_markup")
        return self.chats.edit(_chat_id(params), int(params["message_id"]), text=None, markup=markup)

    async def _delete(self, params: Params, files: dict[str, web.FileField]) -> Any:
        self.chats.delete(_chat_id(params), int(params["message_id"]))
        return True

    async def _answer_callback(self, params: Params, files: dict[str, web.FileField]) -> Any:
        text = params.get("text")
        self.chats.answer_callback(str(params.get("callback_query_id")), str(text) if text else None)
        return True

    async def _no_commands(self, params: Params, files: dict[str, web.FileField]) -> Any:
        return []

    async def _get_file(self, params: Params, files: dict[str, web.FileField]) -> Any:
        found = self.chats.file_by_id(str(params.get("file_id") or ""))
        if found is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if len(found.content) > MAX_DOWNLOAD:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": found.file_id,
            "file_unique_id": found.file_id[:16],
            "file_size": len(found.content),
            "file_path": found.path,
        }


async def _true(params: Params, files: dict[str, web.FileField]) -> Any:
    return True


# python-telegram-bot JSON-encodes every form value except strings; these stay as sent.
_STRINGS = frozenset({"text", "caption", "parse_mode", "callback_query_id", "file_id", "action", "document", "photo"})


async def _read(request: web.Request) -> tuple[Params, dict[str, web.FileField]]:
    params: Params = {}
    files: dict[str, web.FileField] = {}
    if request.content_type == "application/json":
        params.update(await request.json())
        return params, files
    if request.method == "POST":
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = value
            elif key in _STRINGS:
                params[key] = str(value)
            else:
                params[key] = _decoded(str(value))
    for key, value in request.query.items():
        params.setdefault(key, value if key in _STRINGS else _decoded(value))
    return params, files


def _decoded(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def _chat_id(params: Params) -> int:
    value = params.get("chat_id")
    if value in (None, ""):
        raise ApiError(400, "Bad Request: chat_id is empty")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiError(400, "Bad Request: chat not found") from None


def _answer(status: int, payload: dict[str, Any]) -> web.Response:
    return web.Response(status=status, body=json.dumps(payload, ensure_ascii=False), content_type="application/json")
