"""The schema revision this code expects, and the one check of a store against it. A test keeps HEAD equal to
Alembic's head."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dcmaint.errors import StoreError
from dcmaint.i18n import _

if TYPE_CHECKING:
    from dcmaint.store.urls import DatabaseUrl

HEAD = "0007"


def mismatch(found: str) -> str:
    """What is wrong with a store stamped ``found``: the message every refusal and ``db check`` use."""
    return _("the database is at schema revision {found}, this dcmaint needs {head}: run `dcmaint db upgrade`").format(
        found=found, head=HEAD
    )


def require(url: DatabaseUrl, found: str | None) -> None:
    """The schema-revision check of the read path and of every write: a store without a schema (``found`` is
    None) is created at HEAD; one at any other revision is refused, since migrating it is a deliberate step
    (``dcmaint db upgrade``, once, on a shared store)."""
    if found is None:
        from dcmaint.store import schema  # Alembic and SQLAlchemy: only for a store that does not exist yet

        schema.upgrade(url)
    elif found != HEAD:
        raise StoreError(mismatch(found))
