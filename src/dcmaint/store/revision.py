"""The schema revision this code expects, and the one check of a store against it. A test keeps HEAD equal to
Alembic's head."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dcmaint.errors import StoreError
from dcmaint.i18n import _

if TYPE_CHECKING:
    from dcmaint.store.urls import DatabaseUrl

HEAD = "0018"


def known() -> frozenset[str]:
    """Every revision this dcmaint ships, read from its migration files' names: no Alembic import, and no list
    to keep in step with the files by hand."""
    from pathlib import Path

    versions = Path(__file__).parent / "migrations" / "versions"
    return frozenset(path.name[:4] for path in versions.glob("[0-9][0-9][0-9][0-9]_*.py"))


def is_newer(found: str) -> bool:
    """A store stamped with a revision this dcmaint does not ship was written by a newer dcmaint: no
    ``db upgrade`` of ours can help it, and writing to it could break what the newer one relies on."""
    return found != HEAD and found not in known()


def newer(found: str) -> str:
    """The one message for a store from a newer dcmaint, whichever command met it."""
    return _("this store was written by a newer dcmaint (revision {found}); upgrade dcmaint").format(found=found)


def refuse_newer(found: str | None) -> None:
    """Refuse a store written by a newer dcmaint (what ``db upgrade``, ``backup`` and ``restore`` call first)."""
    if found is not None and is_newer(found):
        raise StoreError(newer(found))


def mismatch(found: str) -> str:
    """What is wrong with a store stamped ``found``: the message every refusal and ``db check`` use."""
    if is_newer(found):
        return newer(found)
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
