"""`dcmaint db backup` and `db restore` for both backends.

SQLite goes through its online backup API rather than a file copy: a copy of
a WAL database taken while a collector writes can miss the WAL or tear a page,
while the backup API reads one consistent snapshot and, as a restore, writes
through SQLite's own locking so that open connections see the new content.
PostgreSQL goes through pg_dump/pg_restore (:mod:`dcmaint.store.pgtools`).

Backups are written to a temporary file beside the target, verified, and only
then renamed into place: a name that exists is always a complete, checked
backup. A restore checks the file before it touches the store: a file that is
not a dcmaint backup of this backend changes nothing.
"""

from __future__ import annotations

import logging
import os
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from dcmaint import paths, private
from dcmaint.errors import IntegrityFailure, StoreError, UsageError
from dcmaint.i18n import _, ngettext
from dcmaint.store import pgtools, revision
from dcmaint.store.urls import DatabaseUrl

SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class BackupResult:
    """A verified backup file. ``as_json`` keys are documented in docs/database.md."""

    path: Path
    size: int
    backend: str
    database: str
    revision: str

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "bytes": self.size,
            "backend": self.backend,
            "database": self.database,
            "revision": self.revision,
            "verified": True,
        }


@dataclass(frozen=True)
class RestoreResult:
    source: Path
    backend: str
    database: str
    revision: str


def default_path(url: DatabaseUrl, now: datetime | None = None) -> Path:
    """DCMAINT_HOME/backups/dcmaint-YYYYmmdd-HHMMSS.db (``.dump`` for PostgreSQL), never an existing file."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    suffix = ".db" if url.backend == "sqlite" else ".dump"
    folder = paths.home() / "backups"
    candidate, n = folder / f"dcmaint-{stamp}{suffix}", 1
    while candidate.exists():
        n += 1
        candidate = folder / f"dcmaint-{stamp}-{n}{suffix}"
    return candidate


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _live_revision(url: DatabaseUrl) -> str | None:
    """The live store's revision as it is (None: no store or no schema yet); nothing is created."""
    from dcmaint.store.integrity import database_errors, open_as_is
    from dcmaint.store.reader import current_revision

    if url.backend == "sqlite" and not url.sqlite_path.is_file():
        return None
    try:
        with open_as_is(url) as (reader, _connection):
            return current_revision(reader)
    except database_errors(url) as exc:
        raise StoreError(
            _("cannot read the database {url}: {reason}").format(url=url.redacted(), reason=_first_line(exc))
        ) from None


def _store_revision(url: DatabaseUrl) -> str:
    """The live store's revision; a store without a dcmaint schema has nothing to back up, and one written by
    a newer dcmaint is that dcmaint's to back up."""
    found = _live_revision(url)
    if found is None:
        raise StoreError(_("{db} has no dcmaint schema yet: nothing to back up").format(db=url.redacted()))
    revision.refuse_newer(found)
    return found


def _file_kind(path: Path) -> str:
    """'sqlite', 'postgresql' or 'other', from the file's first bytes."""
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head == SQLITE_MAGIC:
        return "sqlite"
    if head.startswith(pgtools.MAGIC):
        return "postgresql"
    return "other"


def _check_source_file(url: DatabaseUrl, path: Path) -> None:
    if not path.exists():
        raise UsageError(_("backup file {file} does not exist").format(file=path))
    if not path.is_file():
        raise UsageError(_("backup file {file} is not a regular file").format(file=path))
    kind = _file_kind(path)
    if kind == "other":
        raise UsageError(
            _("{file} is not a dcmaint backup (neither a SQLite database nor a PostgreSQL dump)").format(file=path)
        )
    if kind != url.backend:
        raise UsageError(
            _("{file} is a {kind} backup, this store is {backend}: restore it into a {kind} store").format(
                file=path, kind=kind, backend=url.backend
            )
        )


# SQLite


def _sqlite_open_readonly(path: Path) -> Any:
    import sqlite3

    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=15)


def _sqlite_truncated(path: Path) -> str | None:
    """What a SQLite file lacks, when it is shorter than its own header says: ``None`` when it is not.

    The header (https://www.sqlite.org/fileformat.html) holds the page size at offset 16 and the page count
    at 28, the latter valid when the change counter at 24 equals the one at 92.
    """
    with path.open("rb") as handle:
        header = handle.read(100)
    if len(header) < 100:
        return _("{size} bytes, shorter than a SQLite header").format(size=len(header))
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    if header[24:28] != header[92:96] or not pages:
        return None
    size, expected = path.stat().st_size, page_size * pages
    if size >= expected:
        return None
    return _("{size} of its {expected} bytes").format(size=size, expected=expected)


def _damaged(path: Path, reason: str, details: list[str]) -> UsageError:
    """One line naming the file and what is wrong; every detail is logged (``dcmaint -v`` shows them)."""
    log = logging.getLogger("dcmaint.store.backup")
    for line in details:
        log.debug("%s: %s", path, line)
    missing = _sqlite_truncated(path)
    if missing is not None:
        return UsageError(_("{file} is truncated: {missing}").format(file=path, missing=missing))
    more = len(details) - 1
    if more > 0:
        reason = ngettext(
            "{reason} (and {n} more problem: -v lists it)", "{reason} (and {n} more problems: -v lists them)", more
        ).format(reason=reason, n=more)
    return UsageError(_("{file} is damaged: {reason}").format(file=path, reason=reason))


def _sqlite_inspect(path: Path) -> str:
    """Check a SQLite file is a sound database with a dcmaint schema; returns its revision."""
    import sqlite3

    try:
        with closing(_sqlite_open_readonly(path)) as connection:
            damage = [
                line.strip()  # one finding may span lines, under a "*** in database main ***" heading
                for row in connection.execute("PRAGMA integrity_check")
                for line in str(row[0]).splitlines()
                if line.strip() and line.strip() != "ok" and not line.startswith("***")
            ]
            if damage:
                raise _damaged(path, damage[0], damage)
            has_version = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
            ).fetchone()
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone() if has_version else None
    except sqlite3.DatabaseError as exc:  # malformed pages, or not a database at all past the magic bytes
        raise _damaged(path, _first_line(exc), [f"{type(exc).__name__}: {exc}"]) from None
    except sqlite3.Error as exc:
        raise UsageError(
            _("{file} cannot be read as a SQLite database: {reason}").format(file=path, reason=_first_line(exc))
        ) from None
    if row is None:
        raise UsageError(_("{file} is a SQLite database without a dcmaint schema").format(file=path))
    return str(row[0])


def _sqlite_backup(url: DatabaseUrl, target: Path) -> None:
    import sqlite3

    live = url.sqlite_path
    with private.temporary_beside(target) as temporary:
        try:
            with closing(sqlite3.connect(live, timeout=15)) as source, closing(sqlite3.connect(temporary)) as copy:
                source.backup(copy)
                # One self-contained file: a WAL-mode copy would need its -wal/-shm companions.
                copy.execute("PRAGMA journal_mode=DELETE")
        except sqlite3.Error as exc:
            raise StoreError(
                _("backup of {db} failed: {reason}").format(db=url.redacted(), reason=_first_line(exc))
            ) from None
        try:
            _sqlite_inspect(temporary)
        except UsageError as error:
            raise IntegrityFailure(_("the backup did not verify: {reason}").format(reason=error.message)) from None
        os.replace(temporary, target)


def _sqlite_restore(url: DatabaseUrl, path: Path) -> None:
    import sqlite3

    live = private.create_file(url.sqlite_path)
    try:
        with closing(_sqlite_open_readonly(path)) as source, closing(sqlite3.connect(live, timeout=15)) as store:
            store.execute("PRAGMA busy_timeout=15000")
            source.backup(store)
            store.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as exc:
        raise StoreError(
            _("restore into {db} failed: {reason}").format(db=url.redacted(), reason=_first_line(exc))
        ) from None


# Both backends


def backup(url: DatabaseUrl, target: Path | None = None) -> BackupResult:
    """Write a verified backup of the store to ``target`` (default: a timestamped file in the home)."""
    revision = _store_revision(url)
    target = (target or default_path(url)).expanduser().absolute()
    if target.is_dir():
        raise UsageError(_("the backup file {file} is a directory").format(file=target))
    database = url.sqlite_path if url.backend == "sqlite" else None
    paths.check_output(target, database, paths.config_path(), _("the backup file"), backups_allowed=True)
    if url.backend == "sqlite":
        _sqlite_backup(url, target)
    else:
        with private.temporary_beside(target) as temporary:
            pgtools.dump(url, temporary)
            try:
                pgtools.inspect(url, temporary)
            except UsageError as error:
                raise IntegrityFailure(_("the backup did not verify: {reason}").format(reason=error.message)) from None
            os.replace(temporary, target)
    return BackupResult(target, target.stat().st_size, url.backend, url.redacted(), revision)


def inspect(url: DatabaseUrl, path: Path) -> str:
    """Check ``path`` can be restored into this store; returns its schema revision. Touches nothing.

    A live store written by a newer dcmaint is refused first: replacing it is that dcmaint's call."""
    try:
        live = _live_revision(url)
    except StoreError:
        live = None  # a store that cannot be read is what a restore is for
    revision.refuse_newer(live)
    _check_source_file(url, path)
    found = _sqlite_inspect(path) if url.backend == "sqlite" else pgtools.inspect(url, path)
    if found not in revision.known():
        raise UsageError(
            _("{file} was written by a newer dcmaint (revision {revision}); upgrade dcmaint").format(
                file=path, revision=found
            )
        )
    return found


def restore(url: DatabaseUrl, path: Path) -> RestoreResult:
    """Replace the store's content with the backup's. Call :func:`inspect` first."""
    from dcmaint.store.unit import forget_schema

    found = inspect(url, path)
    forget_schema(url)
    if url.backend == "sqlite":
        _sqlite_restore(url, path)
    else:
        pgtools.restore(url, path)
        from dcmaint.store.engine import engine_for

        # Pooled connections of this process may hold plans for the dropped tables.
        engine_for(url).dispose()
    return RestoreResult(path, url.backend, url.redacted(), found)
