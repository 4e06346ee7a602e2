"""Storage tests run on both databases (fixtures in tests/support/databases.py)."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.report.model import Report
from bot.schema import Level
from storage import repo
from storage.models import Agency
from tests.support.databases import POSTGRES_URL, database_url, engine

__all__ = ["POSTGRES_URL", "database_url", "engine"]


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


@pytest.fixture
def seed_agency(session: Session, seed: Report) -> Agency:
    """The agency of the seed report (``seed`` is shared by every test, in tests/conftest.py)."""
    return repo.create_agency(session=session, name=seed.agency, level=Level.DEPARTMENT)
