"""``dcmaint db``'s workflows on the store: migrate it, check it, back it up, restore it.

Each entry point takes a :class:`~dcmaint.services.context.Context` and
returns a result to render; the store's own failures arrive as dcmaint errors
(:mod:`dcmaint.store.schema`, :mod:`dcmaint.store.integrity`,
:mod:`dcmaint.store.backup` translate them), so a collector or a web page can
call the same functions as the CLI and get the same one-line errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dcmaint.services.context import Context

if TYPE_CHECKING:
    from dcmaint.store.backup import BackupResult, RestoreResult
    from dcmaint.store.integrity import CheckReport


@dataclass(frozen=True)
class Upgrade:
    """What ``db upgrade`` did; ``as_json`` keys are documented in docs/database.md."""

    database: str
    before: str | None  # None: the store had no schema
    after: str | None

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def as_json(self) -> dict[str, Any]:
        return {"database": self.database, "from": self.before, "to": self.after}


def upgrade(context: Context, target: str = "head") -> Upgrade:
    """Bring the store to ``target`` (default: the newest revision); a fresh store is created."""
    from dcmaint.store import revision, schema

    url = context.database_url
    before = schema.current(url)
    revision.refuse_newer(before)  # Alembic would only say it cannot locate the revision
    schema.upgrade(url, target)
    return Upgrade(url.redacted(), before, schema.current(url))


def check(context: Context) -> CheckReport:
    """Check the store as it is (schema, audit chain, storage, secrets in clear); it is never created or changed.

    The report's warnings name dcmaint's own files that other users can read (:func:`owner_only_warnings`).
    """
    from dataclasses import replace

    from dcmaint.store import integrity

    report = integrity.check(context.database_url)
    return replace(report, warnings=tuple(owner_only_warnings(context)))


def owner_only_warnings(context: Context) -> list[str]:
    """One line per file or folder of dcmaint's that is not owner-only: the home, the backups folder and its
    backups, the SQLite store with its ``-wal`` and ``-shm`` files, the configuration file in use."""
    from dcmaint import paths, private
    from dcmaint.i18n import _

    home = paths.home()
    backups = home / "backups"
    candidates = [home, backups, *sorted(backups.glob("dcmaint-*"))]
    url = context.database_url
    if url.backend == "sqlite":
        store = url.sqlite_path
        candidates += [store.parent, store, store.with_name(store.name + "-wal"), store.with_name(store.name + "-shm")]
    if context.config.source is not None:
        candidates.append(context.config.source)
    return [
        _("{path} has mode {mode}, open to other users: make it owner-only (chmod {wanted} {path})").format(
            path=found.path, mode=found.mode_text, wanted=found.wanted
        )
        for found in private.loose_modes(candidates)
    ]


def backup(context: Context, target: Path | None = None) -> BackupResult:
    """Write a verified backup of the store (default: a timestamped file in the dcmaint home)."""
    from dcmaint.store import backup as store_backup

    return store_backup.backup(context.database_url, target)


def restore(
    context: Context, source: Path, confirm: Callable[[str], None] | None = None
) -> tuple[RestoreResult, CheckReport]:
    """Replace the store with the backup in ``source``, then check the result.

    The file is checked first: a file that cannot be restored changes nothing and no one is asked anything.
    ``confirm`` is then called with the store's (redacted) URL and raises to call the restore off.
    """
    from dcmaint.store import backup as store_backup
    from dcmaint.store import integrity

    url = context.database_url
    store_backup.inspect(url, source)
    if confirm is not None:
        confirm(url.redacted())
    restored = store_backup.restore(url, source)
    return restored, integrity.check(url)
