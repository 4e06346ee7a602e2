"""The engine: SQLite's PRAGMAs on every connection, PostgreSQL URLs taken to mean psycopg."""

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from storage.db import make_engine, upgrade


def test_sqlite_pragmas_are_set_on_every_connection(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'nianbao.db'}")
    try:
        with engine.connect() as first, engine.connect() as second:
            for connection in (first, second):
                assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
                assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
                assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
                assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "url",
    [
        "postgres://bot@db.example/nianbao",
        "postgresql://bot@db.example/nianbao",
        "postgresql+psycopg://bot@db.example/nianbao",
    ],
)
def test_postgresql_urls_use_psycopg_and_pre_ping(url: str) -> None:
    engine = make_engine(url)  # no connection is made until one is needed
    assert engine.url.drivername == "postgresql+psycopg"
    assert engine.url.host == "db.example"
    assert engine.pool._pre_ping


def test_upgrade_takes_a_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nianbao.db'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        assert {"agency", "member", "report", "answer"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
