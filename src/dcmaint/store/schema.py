"""Schema migrations through Alembic, driven from code (no alembic.ini to find)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from dcmaint.store.engine import engine_for
from dcmaint.store.urls import DatabaseUrl


def alembic_config(url: DatabaseUrl) -> Config:
    config = Config()
    config.set_main_option("script_location", "dcmaint.store:migrations")
    config.attributes["engine"] = engine_for(url)
    return config


def head_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config_without_engine())
    head = script.get_current_head()
    assert head is not None
    return head


def alembic_config_without_engine() -> Config:
    config = Config()
    config.set_main_option("script_location", "dcmaint.store:migrations")
    return config


def current(url: DatabaseUrl) -> str | None:
    with engine_for(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(url: DatabaseUrl, target: str = "head") -> None:
    command.upgrade(alembic_config(url), target)
