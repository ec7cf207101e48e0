"""Schema migrations through Alembic, driven from code (no alembic.ini to find).

Alembic's and SQLAlchemy's exceptions stop here: a revision Alembic does not
know is a usage error naming it, a database that fails under a migration is a
one-line store error, whoever asked (``dcmaint db upgrade``, or the first
command on a fresh store). Alembic is imported only to migrate or to read its
scripts: checking a store's revision, which every write does once, is one
query (and ``import alembic`` a tenth of a second of a short command).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from dcmaint.errors import StoreError, UsageError
from dcmaint.i18n import _
from dcmaint.store.engine import engine_for
from dcmaint.store.reader import REVISION, REVISION_TABLE
from dcmaint.store.urls import DatabaseUrl

if TYPE_CHECKING:
    from alembic.config import Config


def alembic_config(url: DatabaseUrl) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "dcmaint.store:migrations")
    config.attributes["engine"] = engine_for(url)
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config_without_engine())
    head = script.get_current_head()
    assert head is not None
    return head


def alembic_config_without_engine() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "dcmaint.store:migrations")
    return config


@contextmanager
def _in_dcmaint_terms(target: str) -> Iterator[None]:
    from alembic.util.exc import CommandError

    try:
        yield
    except CommandError as exc:
        raise UsageError(
            _("cannot upgrade to revision {rev!r}: {reason}").format(
                rev=target, reason=str(exc).strip().splitlines()[0]
            )
        ) from None
    except SQLAlchemyError as exc:
        raise _store_error(exc) from None


def _store_error(exc: SQLAlchemyError) -> StoreError:
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    return StoreError(_("database error: {reason}").format(reason=reason))


def current(url: DatabaseUrl) -> str | None:
    """The revision stamped in the store, None for a store without a schema (the query the read path uses)."""
    try:
        with engine_for(url).connect() as connection:
            if connection.execute(text(REVISION_TABLE[url.backend])).first() is None:
                return None
            row = connection.execute(text(REVISION)).first()
    except SQLAlchemyError as exc:
        raise _store_error(exc) from None
    return str(row[0]) if row is not None else None


def upgrade(url: DatabaseUrl, target: str = "head") -> None:
    """Run the migrations up to ``target`` (a fresh store is created)."""
    from alembic import command

    with _in_dcmaint_terms(target):
        command.upgrade(alembic_config(url), target)
