"""Alembic's entry point: migrate the connection ``storage.db.upgrade`` hands over, or a URL.

Developers run the alembic command with the repository's alembic.ini; ``-x url=…`` names another database.
"""

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from storage.db import make_engine

config = context.config


def _url() -> str:
    return context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")


def _migrate(connection: Connection) -> None:
    # SQLite alters a table by copying it; batch mode does that for every ALTER.
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=SQLModel.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif (connection := config.attributes.get("connection")) is not None:
    _migrate(connection)
else:
    engine = make_engine(_url())
    with engine.begin() as connection:
        _migrate(connection)
    engine.dispose()
