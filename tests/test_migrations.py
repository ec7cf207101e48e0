"""The migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from dcmaint.store import schema
from dcmaint.store.engine import engine_for
from dcmaint.store.models.base import Base
from dcmaint.store.urls import parse


def test_migrations_match_the_models(db_url):
    url = parse(db_url)
    schema.upgrade(url)
    with engine_for(url).connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
