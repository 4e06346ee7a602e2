"""Running a pure function on untrusted input in a child process, within a time and a memory limit.

Reading an uploaded file is where a crafted file can hurt: a parser that takes minutes, a document
that swells to gigabytes once parsed. In the bot's own process that would freeze or kill it for every
member. Here the reading runs in a child that is killed at its time limit and whose address space is
capped, so that it, not the bot, runs out of memory.

Children come from a fork server started once (forking the bot's multi-threaded process itself is
unsafe) that has already imported the importer, so a child starts in milliseconds. At most
MAX_CHILDREN run at once: each is waited for in a thread of a pool that size, and further calls queue
for a thread (their time limit starts when their child does). The event loop only awaits.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import resource
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")

MAX_CHILDREN = 2
PRELOAD = ["bot.importer.read", "bot.importer.sandbox", "pdfplumber"]  # python-docx, lxml, the schema, pdfminer

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(PRELOAD)
_waiters = ThreadPoolExecutor(max_workers=MAX_CHILDREN, thread_name_prefix="sandbox")


@dataclass(frozen=True)
class Limits:
    seconds: float = 10.0  # wall time of one child
    memory: int = 1024**3  # bytes of address space of one child


LIMITS = Limits()


class SandboxError(Exception):
    """The function gave no result within its limits."""


class TimedOut(SandboxError):
    pass


class OutOfMemory(SandboxError):
    pass


class Crashed(SandboxError):
    """The child raised, or died without an answer (a signal, a C library failing to allocate)."""


def _child(sender: Connection, memory: int, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        outcome: tuple[str, Any] = ("ok", func(*args))
    except MemoryError:
        outcome = ("memory", None)
    except BaseException:
        outcome = ("crashed", traceback.format_exc())
    try:
        sender.send(outcome)
    except MemoryError:
        sender.send(("memory", None))
    except Exception:  # a result that cannot be pickled
        sender.send(("crashed", traceback.format_exc()))


def run_blocking(func: Callable[..., T], *args: Any, limits: Limits = LIMITS) -> T:
    """``func(*args)`` in a child process: its result, or SandboxError. ``func`` and the arguments and
    result must be picklable (``func`` defined at a module's top level)."""
    receiver, sender = _context.Pipe(duplex=False)
    process = _context.Process(target=_child, args=(sender, limits.memory, func, args), daemon=True)
    try:
        process.start()
    finally:
        sender.close()  # the child's end: once it is gone, a dead child reads as EOF
    try:
        if not receiver.poll(limits.seconds):
            raise TimedOut(f"no result within {limits.seconds} s")
        try:
            kind, value = receiver.recv()
        except EOFError:
            process.join(1)
            raise Crashed(f"the child exited with {process.exitcode} and no result") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
        process.close()
    if kind == "memory":
        raise OutOfMemory(f"more than {limits.memory} bytes")
    if kind == "crashed":
        raise Crashed(value)
    return value  # type: ignore[no-any-return]


async def run(func: Callable[..., T], *args: Any, limits: Limits = LIMITS) -> T:
    """``run_blocking`` awaited without blocking the event loop; at most MAX_CHILDREN at once."""
    call = functools.partial(run_blocking, func, *args, limits=limits)
    return await asyncio.get_running_loop().run_in_executor(_waiters, call)


def start() -> None:
    """Start the fork server now (it takes a second), rather than on the first upload."""
    forkserver.ensure_running()
