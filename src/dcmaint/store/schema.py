"""Schema migrations through Alembic, driven from code (no alembic.ini to find).

Alembic's and SQLAlchemy's exceptions stop here: a revision Alembic does not
know is a usage error naming it, a database that fails under a migration is a
one-line store error, whoever asked (``dcmaint db upgrade``, or the first
command on a fresh store).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.exc import SQLAlchemyError

from dcmaint.errors import StoreError, UsageError
from dcmaint.i18n import _
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


@contextmanager
def _in_dcmaint_terms(target: str) -> Iterator[None]:
    try:
        yield
    except CommandError as exc:
        raise UsageError(
            _("cannot upgrade to revision {rev!r}: {reason}").format(
                rev=target, reason=str(exc).strip().splitlines()[0]
            )
        ) from None
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise StoreError(_("database error: {reason}").format(reason=reason)) from None


def current(url: DatabaseUrl) -> str | None:
    """The revision stamped in the store, None for a store without a schema."""
    with _in_dcmaint_terms("head"), engine_for(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(url: DatabaseUrl, target: str = "head") -> None:
    """Run the migrations up to ``target`` (a fresh store is created)."""
    with _in_dcmaint_terms(target):
        command.upgrade(alembic_config(url), target)
