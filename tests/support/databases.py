"""Tests that touch a database run on both: SQLite in a temporary file, PostgreSQL in a schema of its own.

PostgreSQL is taken from NIANBAO_TEST_POSTGRES_URL (default: the local test database). When it cannot
be reached its tests are skipped, except under CI (CI=true), where that is a failure.
"""

import functools
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, text
from sqlalchemy.exc import OperationalError

from storage.db import make_engine, upgrade

POSTGRES_URL = os.environ.get("NIANBAO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _on_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


def _postgres(**query: str) -> str:
    url = make_url(POSTGRES_URL).update_query_dict({"connect_timeout": "5", **query})
    return url.render_as_string(hide_password=False)


@functools.cache
def _postgres_unreachable() -> str | None:
    engine = make_engine(_postgres())
    try:
        with engine.connect():
            return None
    except OperationalError as exc:
        return f"PostgreSQL at {make_url(POSTGRES_URL)!r} is unreachable: {exc.orig}"
    finally:
        engine.dispose()


def _administer(statement: str) -> None:
    engine = make_engine(_postgres())
    try:
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT")
            # A connection a test forgot to close would otherwise make DROP SCHEMA wait forever.
            connection.execute(text("SET lock_timeout = '10s'"))
            connection.execute(text(statement))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a new SQLite file, or a new PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'nianbao.db'}"
        return
    if reason := _postgres_unreachable():
        if _on_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    schema = f"test_storage_{uuid.uuid4().hex[:12]}"
    _administer(f'CREATE SCHEMA "{schema}"')
    try:
        yield _postgres(options=f"-csearch_path={schema}")
    finally:
        _administer(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated, empty database."""
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()
