"""`dcmaint db check`: is the store sound, and if not, exactly where is it damaged?

The check reads through the fast path (plain DB-API, :mod:`dcmaint.store.reader`)
and never creates or migrates anything: a check that repaired what it looks at
could hide the very damage it exists to find. The audit rows and the chain head
are read inside one snapshot so that a collector appending a change during the
check cannot show up as a false "head mismatch".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from dcmaint.errors import StoreError
from dcmaint.i18n import _
from dcmaint.store import audit, crosscheck, hygiene, queries, revision
from dcmaint.store.reader import Reader, as_datetime, current_revision
from dcmaint.store.urls import DatabaseUrl

# Audit rows are verified in pages so a long-lived store's log never has to fit in memory.
PAGE = 5000

SCHEMA, AUDIT, STORAGE = "schema", "audit", "storage"
RECORD = "record"  # a judged field of a record that differs from its audited value (:mod:`dcmaint.store.crosscheck`)


@dataclass(frozen=True)
class Problem:
    """One finding; ``seq`` names the audit row concerned, when there is one."""

    check: str
    message: str
    seq: int | None = None

    def line(self) -> str:
        if self.seq is not None:
            return _("{check}: seq {seq}: {message}").format(check=self.check, seq=self.seq, message=self.message)
        return _("{check}: {message}").format(check=self.check, message=self.message)

    def as_json(self) -> dict[str, Any]:
        return {"check": self.check, "seq": self.seq, "message": self.message}


@dataclass(frozen=True)
class CheckReport:
    """Everything `db check` found; ``as_json`` keys are documented in docs/database.md."""

    database: str
    backend: str
    revision: str | None
    expected_revision: str
    audit_rows: int = 0
    audit_head: int | None = None
    audit_head_hash: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    records: dict[str, dict[str, int]] = field(default_factory=dict)  # cross-checked / unaudited, per entity
    warnings: tuple[str, ...] = ()  # owner-only files that others can read (dcmaint.private.loose_modes)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "database": self.database,
            "backend": self.backend,
            "revision": self.revision,
            "expected_revision": self.expected_revision,
            "audit_rows": self.audit_rows,
            "audit_head": self.audit_head,
            "audit_head_hash": self.audit_head_hash,
            "counts": dict(self.counts),
            "problems": [p.as_json() for p in self.problems],
            "records": {name: dict(n) for name, n in self.records.items()},
            "warnings": list(self.warnings),
        }


@contextmanager
def open_as_is(url: DatabaseUrl) -> Iterator[tuple[Reader, Any]]:
    """A reader on the store as it is: unlike ``open_reader`` it never creates or upgrades."""
    from dcmaint.store.reader import connect

    if url.backend == "sqlite" and not url.sqlite_path.is_file():
        raise StoreError(
            _("there is no database at {path}: run `dcmaint db upgrade` to create one").format(path=url.sqlite_path)
        )
    connection = connect(url)
    try:
        yield Reader(url, connection), connection
    finally:
        connection.close()


def _chain_rows(reader: Reader, seen: list[int]) -> Iterator[tuple[audit.ChainFields, str]]:
    """The stored rows rebuilt into what their hashes cover, in sequence order."""
    last = None
    while True:
        sql = (
            "SELECT seq, at, actor, command, entity, entity_key, action, before, after, prev_hash, hash FROM audit_log"
        )
        params: dict[str, Any] = {"page": PAGE}
        if last is not None:
            sql += " WHERE seq > :last"
            params["last"] = last
        rows = reader.rows(sql + " ORDER BY seq LIMIT :page", params)
        for row in rows:
            seen[0] += 1
            fields = audit.ChainFields(
                seq=row["seq"],
                at=as_datetime(row["at"]),
                actor=row["actor"],
                command=row["command"],
                entity=row["entity"],
                entity_key=row["entity_key"],
                action=row["action"],
                before=row["before"],
                after=row["after"],
                prev_hash=row["prev_hash"],
            )
            yield fields, row["hash"]
        if len(rows) < PAGE:
            return
        last = rows[-1]["seq"]


def chain_problems(reader: Reader) -> tuple[int, tuple[int, str] | None, list[Problem]]:
    """Verify the hash chain; returns (rows read, stored head, problems). Call inside a snapshot."""
    heads = reader.rows("SELECT seq, hash FROM audit_head ORDER BY id")
    head = (heads[0]["seq"], heads[0]["hash"]) if heads else None
    problems = []
    if len(heads) > 1:
        problems.append(Problem(AUDIT, _("the chain head table holds {n} rows instead of one").format(n=len(heads))))
    seen = [0]
    found = audit.verify(_chain_rows(reader, seen), head)
    problems.extend(Problem(AUDIT, p.problem, p.seq) for p in found)
    return seen[0], head, problems


def storage_problems(reader: Reader) -> list[Problem]:
    """SQLite's own page and foreign-key checks; on PostgreSQL, reaching the server is enough."""
    if reader.url.backend != "sqlite":
        reader.rows("SELECT 1")
        return []
    problems = [
        Problem(STORAGE, str(row["integrity_check"]))
        for row in reader.rows("PRAGMA integrity_check")
        if str(row["integrity_check"]) != "ok"
    ]
    for row in reader.rows("PRAGMA foreign_key_check"):
        problems.append(
            Problem(
                STORAGE,
                _("table {table} row {rowid} refers to a missing {parent} row").format(
                    table=row["table"], rowid=row["rowid"], parent=row["parent"]
                ),
            )
        )
    return problems


def shape_problems(reader: Reader) -> list[str]:
    """Each way the live tables, columns and indexes differ from the models (:mod:`dcmaint.store.shape`)."""
    from dcmaint.store.catalog import live_shape
    from dcmaint.store.shape import differences, model_shape

    return differences(model_shape(reader.url.backend), live_shape(reader))


def database_errors(url: DatabaseUrl) -> tuple[type[Exception], ...]:
    """The driver's exception base, so a store that cannot be read is one line, not a traceback."""
    if url.backend == "sqlite":
        import sqlite3

        return (sqlite3.Error,)
    import psycopg

    return (psycopg.Error,)


def check(url: DatabaseUrl) -> CheckReport:
    """Run every check and collect the findings; raises only when the store cannot be read at all."""
    try:
        return _check(url)
    except database_errors(url) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreError(
            _("cannot read the database {url}: {reason}").format(url=url.redacted(), reason=reason)
        ) from None


def _check(url: DatabaseUrl) -> CheckReport:
    with open_as_is(url) as (reader, _connection):
        problems = storage_problems(reader)
        found = current_revision(reader)
        base = {
            "database": url.redacted(),
            "backend": url.backend,
            "revision": found,
            "expected_revision": revision.HEAD,
        }
        if found is None:
            problems.append(Problem(SCHEMA, _("the database has no dcmaint schema: run `dcmaint db upgrade`")))
            return CheckReport(**base, problems=tuple(problems))
        if revision.is_newer(found):  # its tables may not be what this dcmaint reads: say so and stop
            problems.append(Problem(SCHEMA, revision.newer(found)))
            return CheckReport(**base, problems=tuple(problems))
        if found != revision.HEAD:
            problems.append(Problem(SCHEMA, revision.mismatch(found)))
        else:  # a store behind its migrations differs from the models by design; `db upgrade` is the cure
            problems.extend(Problem(SCHEMA, line) for line in shape_problems(reader))
        problems.extend(Problem(hygiene.SECRETS, line) for line in hygiene.password_problems(reader))
        with reader.snapshot():
            rows, head, chain = chain_problems(reader)
            counts = queries.row_counts(reader)
            # the judged columns are those of HEAD: a store behind its migrations is told to upgrade first
            judged = crosscheck.compare(reader) if found == revision.HEAD else crosscheck.Findings()
        chain += [Problem(RECORD, m.message, m.seq) for m in judged.mismatches]
        return CheckReport(
            **base,
            audit_rows=rows,
            audit_head=head[0] if head else None,
            audit_head_hash=head[1] if head else None,
            counts=counts,
            problems=tuple(problems + chain),
            records={"checked": judged.checked, "unaudited": judged.unaudited},
        )
