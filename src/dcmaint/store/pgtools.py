"""PostgreSQL backups through the server's own tools, ``pg_dump`` and ``pg_restore``.

The custom format is what PostgreSQL itself supports across minor versions,
restores selectively and is checked by ``pg_restore --list``; re-implementing a
dump in Python would be neither. The password never appears on a command line
(where ``ps`` shows it to every user of the machine): it travels in PGPASSWORD.
When the store's URL confines dcmaint to one schema (``options=-csearch_path=S``,
how several stores share a database) only that schema is dumped and restored.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

from dcmaint.errors import StoreError, UsageError
from dcmaint.i18n import _
from dcmaint.store.urls import DatabaseUrl

_SEARCH_PATH = re.compile(r"(?:^|\s)(?:-c\s*|--)search_path\s*=\s*(\S+)")
_TABLE_ENTRY = re.compile(r"^\d+;\s+\d+\s+\d+\s+TABLE\s+(?!DATA\s)(\S+)\s+(\S+)\s")

MAGIC = b"PGDMP"  # the first bytes of every custom-format dump


@dataclass(frozen=True)
class PgTarget:
    """How to reach one store with libpq tools: a conninfo without password, and the environment."""

    conninfo: str
    env: dict[str, str]
    schema: str | None  # the search_path schema given in the URL, if any

    @property
    def schema_name(self) -> str:
        """The schema the store's tables live in, unquoted as pg_restore lists it."""
        return (self.schema or "public").strip('"')


def target(url: DatabaseUrl) -> PgTarget:
    parts = urlsplit(url.libpq)
    env = dict(os.environ)
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    netloc = parts.netloc
    if parts.password is not None:
        env["PGPASSWORD"] = unquote(parts.password)
        userinfo, _sep, hostport = netloc.rpartition("@")
        netloc = userinfo.split(":", 1)[0] + "@" + hostport
    conninfo = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return PgTarget(conninfo, env, search_path_schema(parts.query))


def search_path_schema(query: str) -> str | None:
    """The first schema of a ``search_path`` set through the URL's ``options`` parameter."""
    for options in parse_qs(query).get("options", []):
        found = _SEARCH_PATH.search(options)
        if found:
            first = found.group(1).split(",")[0].strip()
            return first or None
    return None


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise StoreError(
            _(
                "{tool} was not found on PATH: install the PostgreSQL client tools "
                "(the server's major version or newer)"
            ).format(tool=name)
        )
    return path


class ToolFailed(StoreError):
    """A libpq tool failed; ``reason`` is its first error line (the whole of what it said is logged, ``-v``)."""

    def __init__(self, tool: str, reason: str) -> None:
        super().__init__(_("{tool} failed: {reason}").format(tool=tool, reason=reason))
        self.reason = reason


def printable(text: str) -> str:
    """A tool's words as one safe line: what a damaged file makes it echo (bytes of the file) is escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _run(name: str, args: list[str], pg: PgTarget | None = None) -> str:
    """Run a libpq tool; a failure becomes one line naming the tool and its first error line."""
    env = pg.env if pg is not None else dict(os.environ)
    done = subprocess.run(
        [_tool(name), *args],
        env=env,
        capture_output=True,
        text=True,
        errors="replace",  # a damaged dump makes pg_restore quote bytes that are not text
        stdin=subprocess.DEVNULL,
    )
    if done.returncode != 0:
        lines = [printable(line) for line in done.stderr.splitlines() if line.strip()]
        logging.getLogger("dcmaint.store.pgtools").debug(
            "%s exited with status %d:\n%s", name, done.returncode, "\n".join(lines)
        )
        reason = lines[0] if lines else _("exit status {code}").format(code=done.returncode)
        raise ToolFailed(name, reason.removeprefix(f"{name}: ").removeprefix("error: "))
    return done.stdout


def dump(url: DatabaseUrl, path: Path) -> None:
    """``pg_dump --format=custom`` of the store (its schema only, when the URL names one) into ``path``."""
    pg = target(url)
    args = ["--format=custom", "--no-password", f"--file={path}"]
    if pg.schema:
        args += ["--schema", pg.schema]
    _run("pg_dump", [*args, "--dbname", pg.conninfo], pg)


def tables(path: Path) -> list[tuple[str, str]]:
    """(schema, table) of every table in a dump; fails when the file is not a readable dump."""
    listing = _run("pg_restore", ["--list", str(path)])
    return [(found.group(1), found.group(2)) for found in map(_TABLE_ENTRY.match, listing.splitlines()) if found]


def dump_revision(path: Path, schema: str) -> str | None:
    """The Alembic revision stored in a dump's ``alembic_version`` table."""
    script = _run(
        "pg_restore",
        ["--data-only", "--schema", schema, "--table", "alembic_version", "--file", "-", str(path)],
    )
    lines = script.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line:
            value = lines[index + 1] if index + 1 < len(lines) else "\\."
            return None if value == "\\." else value.strip()
    return None


def inspect(url: DatabaseUrl, path: Path) -> str:
    """Check that ``path`` is a dcmaint dump of this store's schema; returns its schema revision.

    Raises UsageError for a file that is not such a dump, before anything is touched.
    """
    pg = target(url)
    try:
        entries = tables(path)
    except ToolFailed as failed:  # the file starts like a dump (backup.py checked): its table of contents is bad
        raise UsageError(
            _("{file} is damaged or truncated: {reason}").format(file=path, reason=failed.reason)
        ) from None
    schemas = sorted({schema for schema, table in entries if table == "alembic_version"})
    if not schemas:
        raise UsageError(_("{file} is a PostgreSQL dump without a dcmaint schema").format(file=path))
    if pg.schema_name not in schemas:
        raise UsageError(
            _("{file} holds the store of schema {found}, this store is in schema {schema}").format(
                file=path, found=", ".join(schemas), schema=pg.schema_name
            )
        )
    read_through(path)
    found = dump_revision(path, pg.schema_name)
    if found is None:
        raise UsageError(_("{file} is a PostgreSQL dump without a schema revision").format(file=path))
    return found


def read_through(path: Path) -> None:
    """Read every part of a dump, as a restore would, into nothing: ``--list`` reads only the table of contents,
    so a dump truncated or damaged in its data would otherwise be found half-way through the restore."""
    try:
        _run("pg_restore", ["--file", os.devnull, str(path)])
    except ToolFailed as failed:
        raise UsageError(
            _("{file} is damaged or truncated: {reason}").format(file=path, reason=failed.reason)
        ) from None


def restore(url: DatabaseUrl, path: Path) -> None:
    """Replace the store's tables with the dump's, in one transaction: all of it or none."""
    pg = target(url)
    _run(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--no-password",
            "--dbname",
            pg.conninfo,
            str(path),
        ],
        pg,
    )
