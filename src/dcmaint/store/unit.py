"""The unit of work: one transaction per mutating command, audit rows included.

:func:`write` is the one way in for a command; :func:`transaction` is the same
transaction with database errors left raw, for :func:`dcmaint.store.retry.retried`,
which must tell a collision with a concurrent writer (run it again) from a
real error (map it with :func:`store_error`, once).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from dcmaint.errors import Conflict, DcmaintError, StoreError
from dcmaint.i18n import _
from dcmaint.store import audit, revision, roles, schema
from dcmaint.store.engine import engine_for
from dcmaint.store.models.audit import AuditHeadRow, AuditRow
from dcmaint.store.models.base import utcnow
from dcmaint.store.reader import NamedRow, Row, column_index
from dcmaint.store.urls import DatabaseUrl


@dataclass
class PendingChange:
    entity: str
    entity_key: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass
class UnitOfWork:
    """What a service gets: the ORM session and the change recorder."""

    session: Session
    actor: str
    command: str
    changes: list[PendingChange] = field(default_factory=list)

    def record(
        self,
        entity: str,
        entity_key: str,
        action: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        """Note a change; it is appended to the audit log when the transaction commits."""
        self.changes.append(PendingChange(entity, entity_key, action, before, after))

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[Row]:
        """Run read SQL written for :class:`~dcmaint.store.reader.Reader` inside this transaction, rows read by
        column name as there.

        Lets a write path share the read path's queries (e.g. what fits a slot) instead of repeating them in ORM form.
        """
        result = self.session.execute(text(sql), params or {})
        index = column_index(result.keys())
        return [NamedRow(index, tuple(values)) for values in result]

    def serialise(self, scope: str, keys: Iterable[int]) -> None:
        """Wait until no other transaction works on these ``keys`` of ``scope`` (e.g. device ids), then hold
        them until this one ends.

        Concurrent collectors recording the same devices then take turns instead of both inserting a
        device's first poll: the second sees what the first committed. PostgreSQL transaction-level
        advisory locks, taken in sorted order so that two units never wait for each other; nothing to do
        on SQLite, where ``BEGIN IMMEDIATE`` already lets one writer in at a time. Call it before reading
        what the keys guard.
        """
        if self.session.get_bind().dialect.name != "postgresql":
            return
        space = zlib.crc32(scope.encode()) & 0x7FFFFFFF  # the lock's first int4: one space per scope
        ordered = sorted(set(keys))
        if ordered:  # one statement, one round trip, for a fleet's chunk: the keys locked one by one as sorted
            self.session.execute(
                text(
                    "SELECT count(pg_advisory_xact_lock(:space, k)) FROM "
                    "(SELECT k FROM unnest(CAST(:keys AS integer[])) AS u(k) ORDER BY k) AS sorted_keys"
                ),
                {"space": space, "keys": ordered},
            )

    def checkpoint(self) -> None:
        """Write what is pending now, audit rows included, and let the session forget the objects written.

        Still one transaction; but a unit that adds many rows (an import of a 50 MB list) then holds one
        batch in memory, not every row and its audit entry until the commit.
        """
        self.session.flush()
        self._append_audit()
        self.session.flush()
        self.session.expunge_all()

    def _append_audit(self) -> None:
        if not self.changes:
            return
        head = self.session.scalars(select(AuditHeadRow).with_for_update()).one_or_none()
        if head is None:
            head = AuditHeadRow(id=1, seq=0, hash=audit.GENESIS)
            self.session.add(head)
        at: datetime = utcnow()
        rows: list[dict[str, Any]] = []
        for change in self.changes:
            fields = audit.ChainFields(
                seq=head.seq + 1,
                at=at,
                actor=self.actor,
                command=self.command,
                entity=change.entity,
                entity_key=change.entity_key,
                action=change.action,
                before=audit.canonical_json(change.before),
                after=audit.canonical_json(change.after),
                prev_hash=head.hash,
            )
            digest = fields.digest()
            rows.append({**vars(fields), "hash": digest})
            head.seq, head.hash = fields.seq, digest
        self.session.execute(insert(AuditRow), rows)  # one bulk INSERT, however many changes: a fleet's run has many
        self.changes.clear()


_CURRENT: set[str] = set()  # stores this process found at the head revision; a writer rechecks nothing


def ensure_schema(url: DatabaseUrl) -> None:
    """Create a fresh store, refuse one behind the code; once per store and process (the check reads
    ``alembic_version``, and on SQLite any connection of ours takes the write lock)."""
    if url.sqlalchemy in _CURRENT:
        return
    revision.require(url, schema.current(url))
    _CURRENT.add(url.sqlalchemy)


def forget_schema(url: DatabaseUrl) -> None:
    """The store was replaced (a restore): check its revision again before the next write."""
    _CURRENT.discard(url.sqlalchemy)


@contextmanager
def transaction(url: DatabaseUrl, actor: str, command: str) -> Iterator[UnitOfWork]:
    """:func:`write` with SQLAlchemy's errors left as they are (see the module's docstring)."""
    ensure_schema(url)
    actor = roles.actor(url, actor)  # on PostgreSQL, a person's own role is the actor (see dcmaint.store.roles)
    with Session(engine_for(url), expire_on_commit=False) as session, session.begin():
        unit = UnitOfWork(session, actor, command)
        yield unit
        session.flush()
        unit._append_audit()


def store_error(exc: DBAPIError) -> DcmaintError:
    """A database error as the one line a user sees: a broken rule of the register is a Conflict."""
    reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
    if isinstance(exc, IntegrityError):
        return Conflict(_("the change conflicts with existing data: {reason}").format(reason=reason))
    return StoreError(_("database error: {reason}").format(reason=reason))


@contextmanager
def write(url: DatabaseUrl, actor: str, command: str) -> Iterator[UnitOfWork]:
    """Run a mutation: everything inside, audit rows included, commits or nothing does."""
    try:
        with transaction(url, actor, command) as unit:
            yield unit
    except DBAPIError as exc:
        raise store_error(exc) from None
