"""`dcmaint db restore` of a damaged backup, on both backends: one line naming the file and what is wrong, the
details only with `-v`, exit 2, and the live store unchanged (nothing is asked, nothing is replaced)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from tests.test_db import populate, snapshot, sql

PARTS = 20000  # enough rows that a dump's data, not its table of contents, makes most of the file


def bulk(db_url: str) -> None:
    """Many catalogue parts with varied text, so the backup is mostly compressed data."""
    noise = "md5(random()::text)" if db_url.startswith("postgresql") else "hex(randomblob(16))"
    sql(
        db_url,
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count) "
        "INSERT INTO parts (part_number, vendor, description, part_class, consumable, created_at, updated_at) "
        f"SELECT 'P-' || i, 'HPE', {noise}, 'psu', :no, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM n",
        count=PARTS,
        no=False,
    )


@pytest.fixture
def backed_up(cli, db_url, tmp_path):
    """A verified backup of a store with history and bulk, then a store that has moved on since."""
    populate(cli)
    bulk(db_url)
    good = tmp_path / "good.backup"
    cli.ok("db", "backup", good)
    cli.ok("site", "add", "lab", "--customer", "某研究所")
    return cli, good, snapshot(cli, db_url)


def truncated(good: Path, fraction: float) -> Path:
    damaged = good.with_name(f"truncated-{fraction}.backup")
    data = good.read_bytes()
    damaged.write_bytes(data[: int(len(data) * fraction)])
    return damaged


def overwritten(good: Path, at: float) -> Path:
    """Bytes in the middle of the file overwritten, its length kept: a bad disk block, a botched copy."""
    damaged = good.with_name(f"overwritten-{at}.backup")
    data = bytearray(good.read_bytes())
    start = int(len(data) * at)
    data[start : start + 4096] = bytes(range(256)) * 16
    damaged.write_bytes(bytes(data))
    return damaged


def assert_refused(result, damaged: Path) -> str:
    lines = result.err.strip().splitlines()
    assert result.code == 2, result.err
    assert len(lines) == 1, result.err
    assert lines[0].startswith(f"dcmaint: error: {damaged} is ")
    return lines[0]


@pytest.mark.parametrize("fraction", [0.02, 0.5, 0.9], ids=["first-pages", "half", "most"])
def test_a_truncated_backup_is_one_line_and_changes_nothing(backed_up, db_url, fraction):
    cli, good, before = backed_up
    damaged = truncated(good, fraction)
    line = assert_refused(cli("db", "restore", damaged, "--yes"), damaged)
    if db_url.startswith("sqlite"):  # SQLite's header says how long the file must be
        size = good.stat().st_size
        assert line.endswith(f"is truncated: {damaged.stat().st_size} of its {size} bytes")
    else:
        assert "is damaged or truncated: " in line
    assert snapshot(cli, db_url) == before


@pytest.mark.parametrize("at", [0.3, 0.6], ids=["early", "late"])
def test_an_overwritten_backup_is_one_line_and_changes_nothing(backed_up, db_url, at):
    cli, good, before = backed_up
    damaged = overwritten(good, at)
    line = assert_refused(cli("db", "restore", damaged, "--yes"), damaged)
    assert "is damaged" in line
    assert snapshot(cli, db_url) == before


def test_the_details_are_behind_verbose(backed_up, db_url, home):
    """A real process each: `-v` shows what the backend said; without it, the one line only."""
    _cli, good, _before = backed_up
    damaged = truncated(good, 0.9) if db_url.startswith("postgresql") else overwritten(good, 0.6)
    env = {**os.environ, "DCMAINT_HOME": str(home), "DCMAINT_DB_URL": db_url, "PYTHONPATH": os.pathsep.join(sys.path)}

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "dcmaint", *argv, "db", "restore", str(damaged), "--yes"],
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            check=False,
        )

    quiet, verbose = run(), run("-v")
    assert quiet.returncode == verbose.returncode == 2
    assert len(quiet.stderr.strip().splitlines()) == 1
    assert verbose.stderr.strip().splitlines()[-1] == quiet.stderr.strip()
    details = [line for line in verbose.stderr.splitlines() if " DEBUG dcmaint.store." in line]
    # What the backend itself reported: SQLite names a damaged page, or the file as malformed when the damage
    # falls where it reads the schema (which depends on how many tables the store has).
    said = ("pg_restore",) if db_url.startswith("postgresql") else ("page", "malformed")
    assert details and any(word in line.lower() for line in details for word in said) and "DEBUG" not in quiet.stderr


def test_every_damage_sqlite_finds_is_listed_with_verbose(cli_sqlite, home, tmp_path):
    """A backup whose index no longer matches its table: the first finding and how many more; -v lists all."""
    cli = cli_sqlite
    populate(cli)
    damaged = tmp_path / "index.backup"
    cli.ok("db", "backup", damaged)
    with closing(sqlite3.connect(damaged)) as connection:
        connection.execute("PRAGMA writable_schema=ON")
        connection.execute(
            "UPDATE sqlite_master SET sql = 'CREATE INDEX ix_audit_at ON audit_log (actor)' WHERE name = 'ix_audit_at'"
        )
        connection.commit()
    with closing(sqlite3.connect(damaged)) as connection:
        findings = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    assert len(findings) > 1
    line = assert_refused(cli("db", "restore", damaged, "--yes"), damaged)
    assert line == (
        f"dcmaint: error: {damaged} is damaged: {findings[0]} (and {len(findings) - 1} more problems: -v lists them)"
    )
    env = {**os.environ, "DCMAINT_HOME": str(home), "PYTHONPATH": os.pathsep.join(sys.path)}
    verbose = subprocess.run(
        [sys.executable, "-m", "dcmaint", "-v", "db", "restore", str(damaged), "--yes"],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert verbose.returncode == 2 and all(finding in verbose.stderr for finding in findings)
