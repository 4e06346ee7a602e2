"""The migrations build exactly the schema of storage/models.py, on both databases, and undo it."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlmodel import SQLModel

from storage.db import MIGRATIONS, alembic_config, make_engine, upgrade

TABLES = {
    "agency",
    "member",
    "report",
    "answer",
    "invite",
    "prosedraft",
    "skip",
    "inbox",
    "outbox",
    "report_event",
    "pending_import",
    "reminder_log",
    "pending_invite",
    "review_comment",
    "review_writing",
    "answer_change",
    "agency_link",
    "web_user",
    "web_session",
}


def test_upgrade_on_an_empty_database_matches_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) == TABLES | {"alembic_version"}
            assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []
        # The same comparison as `alembic check`, through the packaged env.py; it raises on a difference.
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.check(config)
    finally:
        engine.dispose()


def test_upgrade_twice_stays_at_head(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        upgrade(engine)
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        with engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head
    finally:
        engine.dispose()


def test_downgrade_to_base_removes_every_table(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) == {"alembic_version"}
    finally:
        engine.dispose()


def test_migrations_are_files_inside_the_package() -> None:
    # pyproject.toml ships these as package data, so an installed bot can migrate without the repository.
    assert (MIGRATIONS / "env.py").is_file()
    assert (MIGRATIONS / "script.py.mako").is_file()
    assert any(MIGRATIONS.glob("versions/0001_*.py"))
