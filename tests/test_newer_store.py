"""A store written by a newer dcmaint (a schema revision this one does not ship) is named as such by every command
that opens it: "upgrade dcmaint", never "run db upgrade", which could not help. Nothing is written to it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dcmaint.store import revision
from dcmaint.store.unit import forget_schema
from dcmaint.store.urls import parse
from tests.test_db import populate, sql

NEWER = "9999"
MESSAGE = f"this store was written by a newer dcmaint (revision {NEWER}); upgrade dcmaint"


def stamped(db_url: str) -> tuple[str, int, int]:
    """The revision and the rows of two tables, read with plain SQL (dcmaint itself refuses the store)."""
    from sqlalchemy import text

    from dcmaint.store.engine import engine_for

    with engine_for(parse(db_url)).connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        sites = connection.execute(text("SELECT COUNT(*) FROM sites")).scalar_one()
        entries = connection.execute(text("SELECT COUNT(*) FROM audit_log")).scalar_one()
    return version, sites, entries


@pytest.fixture
def newer(cli, db_url):
    """A store with history, then stamped by "a newer dcmaint"; this process forgets it had checked it."""
    populate(cli)
    sql(db_url, "UPDATE alembic_version SET version_num = :v", v=NEWER)
    forget_schema(parse(db_url))
    return stamped(db_url)


def copy(db_url: str, target) -> None:
    """A backup as the newer dcmaint would write it (this one refuses to back up its store)."""
    url = parse(db_url)
    if url.backend == "sqlite":
        import sqlite3
        from contextlib import closing

        with closing(sqlite3.connect(url.sqlite_path)) as source, closing(sqlite3.connect(target)) as backup:
            source.backup(backup)
    else:
        from dcmaint.store import pgtools

        pgtools.dump(url, target)


def assert_refused(result, code: int = 1) -> None:
    lines = result.err.strip().splitlines()
    assert result.code == code, result.err
    assert lines == [f"dcmaint: error: {MESSAGE}"], result.err
    assert "db upgrade" not in result.err


def test_the_revision_is_unknown_to_this_dcmaint():
    assert NEWER not in revision.known() and revision.HEAD in revision.known()
    assert revision.is_newer(NEWER) and not revision.is_newer(revision.HEAD) and not revision.is_newer("0001")
    assert "db upgrade" in revision.mismatch("0001") and revision.mismatch(NEWER) == MESSAGE


@pytest.mark.parametrize(
    "argv",
    [
        ("site", "list"),
        ("device", "list", "-f", "json"),
        ("ticket", "list"),
        ("audit", "list"),
        ("spare", "list"),
        ("report", "kpi", "--month", "2026-11"),
        ("init",),
    ],
    ids=["site-list", "device-list", "ticket-list", "audit-list", "spare-list", "report-kpi", "init"],
)
def test_reading_commands_say_upgrade_dcmaint(cli, db_url, newer, argv):
    assert_refused(cli(*argv))
    assert stamped(db_url) == newer


def test_a_writing_command_in_a_new_process_is_refused(cli, db_url, newer, home):
    """A real process: its first write checks the revision (the check is once per store and process)."""
    env = {**os.environ, "DCMAINT_HOME": str(home), "DCMAINT_DB_URL": db_url, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-m", "dcmaint", "site", "add", "lab", "--customer", "X"],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip().splitlines() == [f"dcmaint: error: {MESSAGE}"]
    assert stamped(db_url) == newer


def test_health_says_it_as_a_monitoring_plugin(cli, db_url, newer):
    """`health` keeps its own convention: exit 3 (UNKNOWN), and the Nagios line carries the message."""
    result = cli("health")
    assert result.code == 3 and result.err.strip().splitlines() == [f"dcmaint: error: {MESSAGE}"]
    nagios = cli("health", "--format", "nagios")
    assert nagios.code == 3 and nagios.out.strip() == f"DCMAINT UNKNOWN - {MESSAGE}"
    assert stamped(db_url) == newer


def test_a_writing_command_is_refused(cli, db_url, newer):
    assert_refused(cli("staff", "add", "li", "--role", "engineer"))
    assert stamped(db_url) == newer


def test_db_upgrade_refuses_it(cli, db_url, newer):
    assert_refused(cli("db", "upgrade"))
    assert stamped(db_url) == newer


def test_db_check_names_it_and_stops(cli, db_url, newer):
    result = cli("db", "check", "--format", "json")
    assert result.code == 1
    report = result.json()
    assert report["ok"] is False and report["revision"] == NEWER
    assert [(p["check"], p["message"]) for p in report["problems"]] == [("schema", MESSAGE)]
    assert result.err.strip().splitlines()[0] == f"schema: {MESSAGE}" and "db upgrade" not in result.err
    assert stamped(db_url) == newer


def test_db_backup_refuses_it(cli, db_url, newer, tmp_path):
    assert_refused(cli("db", "backup", tmp_path / "b.backup"))
    assert not (tmp_path / "b.backup").exists()


def test_db_restore_over_it_is_refused(cli, db_url, tmp_path):
    """Replacing a newer dcmaint's store with an older backup is that dcmaint's call: nothing is touched."""
    populate(cli)
    cli.ok("db", "backup", tmp_path / "b.backup")
    cli.ok("site", "add", "lab", "--customer", "X")
    sql(db_url, "UPDATE alembic_version SET version_num = :v", v=NEWER)
    forget_schema(parse(db_url))
    before = stamped(db_url)
    assert_refused(cli("db", "restore", tmp_path / "b.backup", "--yes"))
    assert stamped(db_url) == before


def test_db_restore_of_a_newer_backup_is_refused(cli, db_url, tmp_path):
    """The other way round: a backup a newer dcmaint wrote is not restored by this one (exit 2, bad FILE)."""
    populate(cli)
    sql(db_url, "UPDATE alembic_version SET version_num = :v", v=NEWER)
    copy(db_url, tmp_path / "newer.backup")
    sql(db_url, "UPDATE alembic_version SET version_num = :v", v=revision.HEAD)
    cli.ok("site", "add", "lab", "--customer", "X")
    before = stamped(db_url)
    result = cli("db", "restore", tmp_path / "newer.backup", "--yes")
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        (
            f"dcmaint: error: {tmp_path / 'newer.backup'} was written by a newer dcmaint (revision {NEWER}); "
            "upgrade dcmaint"
        )
    ]
    assert stamped(db_url) == before
