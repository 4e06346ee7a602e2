"""How the fake Bot API pushes updates to a webhook: one HTTP POST per attempt, and what is recorded of it.

Telegram POSTs each update as JSON to the registered URL, with the secret token in
``X-Telegram-Bot-Api-Secret-Token``, and counts it delivered only on a 2xx answer; otherwise it retries
later. The scheduling (update order, one update per chat at a time, ``max_connections``) lives in
``FakeBotApi``; this module is the wire.
"""

from __future__ import annotations

import http.client
import socket
import threading
from contextlib import suppress
from dataclasses import dataclass
from urllib.parse import urlsplit

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True)
class Webhook:
    """What ``setWebhook`` registered."""

    url: str
    secret_token: str | None
    allowed_updates: tuple[str, ...]
    max_connections: int


@dataclass(frozen=True)
class WebhookDelivery:
    """One attempt to deliver an update to the webhook."""

    update_id: int
    url: str
    """Where it was posted: the registered URL, or its path on a backend (``webhook_backends``)."""
    backend: str | None
    """The backend the load balancer chose (``scheme://host:port``), ``None`` without backends."""
    status: int | None
    """The HTTP status answered; ``None`` when no answer came (refused, reset, timed out)."""
    error: str | None
    """What went wrong, as ``getWebhookInfo``'s ``last_error_message`` says it; ``None`` on 2xx."""
    at: float
    """``time.monotonic()`` when the attempt started."""
    answered_at: float

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status <= 299


def target(url: str, backend: str | None) -> str:
    """The registered ``url`` with its scheme, host and port replaced by ``backend``'s, if given."""
    if backend is None:
        return url
    parts = urlsplit(url)
    path = parts.path or "/"
    return backend.rstrip("/") + path + (f"?{parts.query}" if parts.query else "")


class Poster:
    """POSTs JSON bodies; ``close_all`` cuts every connection still open, so that stopping never waits."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._open: set[http.client.HTTPConnection] = set()
        self._lock = threading.Lock()
        self._closed = False

    def post(self, url: str, body: bytes, secret_token: str | None) -> tuple[int | None, str | None]:
        """(status, error): the status answered, and the error as Telegram reports it (``None`` on 2xx)."""
        parts = urlsplit(url)
        kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        connection = kind(parts.hostname or "127.0.0.1", parts.port, timeout=self.timeout)
        with self._lock:
            if self._closed:
                return None, "Server is stopping"
            self._open.add(connection)
        headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
        if secret_token:
            headers[SECRET_HEADER] = secret_token
        path = parts.path or "/"
        try:
            connection.request("POST", path + (f"?{parts.query}" if parts.query else ""), body, headers)
            response = connection.getresponse()
            response.read()
        except TimeoutError:
            return None, "Read timeout expired"
        except ConnectionRefusedError:
            return None, "Connection refused"
        except (OSError, http.client.HTTPException) as error:
            return None, f"Connection failed: {error.__class__.__name__}"
        finally:
            connection.close()
            with self._lock:
                self._open.discard(connection)
        if 200 <= response.status <= 299:
            return response.status, None
        return response.status, f"Wrong response from the webhook: {response.status} {response.reason}"

    def close_all(self) -> None:
        with self._lock:
            self._closed = True
            for connection in self._open:
                if connection.sock is not None:
                    with suppress(OSError):
                        connection.sock.shutdown(socket.SHUT_RDWR)

    def reopen(self) -> None:
        with self._lock:
            self._closed = False
