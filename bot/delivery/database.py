"""The database from the event loop: every call runs in a small pool of threads, so that no member's
update waits while another's transaction commits (an fsync on SQLite, a round trip on PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import Engine
from sqlmodel import Session

T = TypeVar("T")


class Database:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # SQLite takes one writer at a time: one thread keeps its transactions from waiting on each other's
        # locks; PostgreSQL serves several at once.
        threads = 1 if engine.dialect.name == "sqlite" else 4
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="db")

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    async def run(self, work: Callable[[Session], T]) -> T:
        """``work`` with a session of its own, in a database thread."""

        def call() -> T:
            with self.session() as session:
                return work(session)

        return await asyncio.get_running_loop().run_in_executor(self._pool, call)

    async def call(self, function: Callable[..., T], *args: object) -> T:
        """Any blocking function that uses the database (the walk's methods), in a database thread."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, lambda: function(*args))

    def close(self) -> None:
        self._pool.shutdown(wait=True)
