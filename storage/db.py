"""The database engine, and the Alembic migrations that bring its schema to the current models.

Use ``sqlmodel.Session(engine)`` for sessions. SQLite (a file such as ``sqlite:///nianbao.db``) and
PostgreSQL (``postgresql+psycopg://…``; ``postgresql://`` and ``postgres://`` are taken to mean psycopg)
are supported.
"""

from pathlib import Path
from sqlite3 import Connection as SQLiteConnection
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, make_url

MIGRATIONS = Path(__file__).parent / "migrations"

# WAL lets the bot read while a save is committing; FULL makes a commit survive a power cut, which
# matters because the bot tells the user "saved" right after it; the timeout waits out a writer.
SQLITE_PRAGMAS = ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=5000", "foreign_keys=ON")


def _set_sqlite_pragmas(dbapi_connection: SQLiteConnection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed)
        event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    # A long-idle bot's pooled connections may have been closed by the server.
    return create_engine(parsed, pool_pre_ping=True)


def alembic_config() -> Config:
    """A configuration for the packaged migrations, without an alembic.ini (works when installed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))  # ini interpolation
    return config


def upgrade(target: Engine | str) -> None:
    """Bring the database's schema to the newest migration."""
    engine = make_engine(target) if isinstance(target, str) else target
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    if isinstance(target, str):
        engine.dispose()
