"""Service tests run on both databases (fixtures in tests/support/databases.py)."""

from tests.support.databases import database_url, engine

__all__ = ["database_url", "engine"]
