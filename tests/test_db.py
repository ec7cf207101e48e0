"""`dcmaint db`: migrations, the integrity check, backup and restore, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dcmaint.store import revision
from dcmaint.testing import finishes
from tests.conftest import Cli
from tests.helpers import audit, counts


def sql(db_url: str, statement: str, **params) -> None:
    """Raw SQL behind dcmaint's back: what an attacker with database access can do."""
    from sqlalchemy import text

    from dcmaint.store.engine import engine_for
    from dcmaint.store.urls import parse

    with engine_for(parse(db_url)).begin() as connection:
        connection.execute(text(statement), params)


def populate(cli: Cli) -> None:
    cli.ok("site", "add", "hq", "--customer", "某银行", "--contract", "WB-2026-001", "--signed", "2026-01-05")
    cli.ok("site", "add", "dr", "--customer", "某银行", "--address", "上海市浦东新区")
    cli.ok("site", "edit", "hq", "--sla-hours", "8")
    cli.ok("staff", "add", "zhang", "--role", "engineer")


def snapshot(cli: Cli, db_url: str) -> tuple:
    """Everything a user can see of the store: registers and the full audit log."""
    return (
        cli.ok("site", "list", "--format", "json").json(),
        cli.ok("staff", "list", "--format", "json").json(),
        audit(db_url),
        counts(db_url),
    )


# Migrations


def test_upgrade_creates_a_fresh_store(cli):
    first = cli.ok("db", "upgrade", "--format", "json").json()
    assert first["from"] is None and first["to"] == revision.HEAD
    again = cli.ok("db", "upgrade", "--format", "json")
    assert again.json()["from"] == again.json()["to"] == revision.HEAD
    assert "nothing to do" in again.err


def test_upgrade_to_unknown_revision_is_a_usage_error(cli):
    result = cli("db", "upgrade", "--to", "9999")
    assert result.code == 2
    assert "9999" in result.err and len(result.err.strip().splitlines()) == 1


def test_upgrade_of_a_database_that_cannot_be_reached_is_one_line(home, capsys, monkeypatch):
    monkeypatch.setenv("DCMAINT_DB_URL", "postgresql://postgres@127.0.0.1:9/nowhere")
    result = Cli(capsys, monkeypatch)("db", "upgrade")
    assert result.code == 1
    assert result.err.startswith("dcmaint: error: database error: ") and len(result.err.strip().splitlines()) == 1


# Check


def test_check_on_a_clean_store(cli, db_url):
    populate(cli)
    report = cli.ok("db", "check", "--format", "json").json()
    assert report["ok"] is True and report["problems"] == []
    assert (report["revision"], report["expected_revision"]) == (revision.HEAD, revision.HEAD)
    assert report["audit_rows"] == report["audit_head"] == 4
    assert report["counts"] == {
        "sites": 2,
        "devices": 0,
        "staff": 1,
        "device_polls": 0,
        "components": 0,
        "faults": 0,
        "parts": 0,
        "part_numbers": 0,
        "part_substitutes": 0,
        "stock_units": 0,
        "consents": 0,
        "swaps": 0,
        "handovers": 0,
        "tickets": 0,
        "ticket_devices": 0,
        "ticket_events": 0,
        "ticket_pauses": 0,
        "pm_tasks": 0,
        "pm_completions": 0,
        "pm_intervals": 0,
        "inspection_plans": 0,
        "inspection_runs": 0,
        "inspection_results": 0,
        "inspection_findings": 0,
        "archive_versions": 0,
        "rmas": 0,
        "rma_loaners": 0,
        "releases": 0,
        "signature_ages": 0,
        "changes": 0,
        "change_devices": 0,
        "backup_policies": 0,
        "backup_policy_devices": 0,
        "backup_restores": 0,
        "backup_drill_plans": 0,
        "backup_drills": 0,
        "backup_drill_actions": 0,
        "emergency_plans": 0,
        "emergency_plan_versions": 0,
        "emergency_drills": 0,
        "customer_profiles": 0,
        "customer_contacts": 0,
        "visit_plans": 0,
        "visits": 0,
        "complaints": 0,
        "audit_log": 4,
    }
    assert report["audit_head_hash"] == audit(db_url)[-1].hash
    table = cli.ok("db", "check")
    assert "ok" in table.out and table.err == ""
    rows = cli.ok("db", "check", "--format", "csv").out.splitlines()
    assert rows[0].startswith("ok,database,backend,revision") and rows[1].startswith("true,")


def test_check_on_an_empty_store_names_the_cure(cli):
    result = cli("db", "check")
    assert result.code == 1
    assert "dcmaint db upgrade" in result.err
    cli.ok("db", "upgrade")
    assert cli.ok("db", "check", "-f", "json").json()["audit_rows"] == 0


def test_check_finds_an_edited_row(cli, db_url):
    populate(cli)
    sql(
        db_url,
        'UPDATE audit_log SET "after" = :after WHERE seq = 2',
        after=json.dumps({"name": "dr", "customer": "someone else"}),
    )
    result = cli("db", "check", "--format", "json")
    assert result.code == 1
    problems = result.json()["problems"]
    assert [(p["check"], p["seq"]) for p in problems] == [("audit", 2)]
    assert "seq 2" in result.err and "hash mismatch" in result.err
    assert result.json()["ok"] is False


def test_check_finds_a_deleted_middle_row(cli, db_url):
    populate(cli)
    sql(db_url, "DELETE FROM audit_log WHERE seq = 2")
    result = cli("db", "check")
    assert result.code == 1
    assert "rows 2..2 are missing" in result.err
    assert "seq 3" in result.err


@pytest.mark.parametrize(("where", "gap"), [("seq = 4", "4..4"), ("seq >= 3", "3..4")], ids=["newest", "two-newest"])
def test_check_finds_deleted_newest_rows(cli, db_url, where, gap):
    """Deleting from the end leaves a sound-looking chain: only the head gives it away."""
    populate(cli)
    sql(db_url, f"DELETE FROM audit_log WHERE {where}")
    result = cli("db", "check", "--format", "json")
    assert result.code == 1
    assert [(p["seq"], p["message"]) for p in result.json()["problems"]] == [(4, f"rows {gap} are missing (deleted)")]
    lines = result.err.strip().splitlines()
    assert lines[0] == f"audit: seq 4: rows {gap} are missing (deleted)"
    assert lines[-1].startswith("dcmaint: error:") and len(lines) == 2


def test_check_finds_a_rewritten_link(cli, db_url):
    populate(cli)
    sql(db_url, "UPDATE audit_log SET prev_hash = :h WHERE seq = 3", h="f" * 64)
    result = cli("db", "check")
    assert result.code == 1 and "seq 3" in result.err


def test_check_reports_a_store_behind_its_migrations(cli, db_url):
    populate(cli)
    sql(db_url, "UPDATE alembic_version SET version_num = '0005'")
    result = cli("db", "check", "--format", "json")
    assert result.code == 1
    assert result.json()["problems"][0]["check"] == "schema"
    assert "dcmaint db upgrade" in result.err


def test_check_names_each_way_the_schema_differs_from_the_models(cli, db_url):
    """A store at the right revision with the wrong shape: one line per difference, exit 1."""
    populate(cli)
    sql(db_url, "DROP INDEX ix_tickets_due")
    sql(db_url, "CREATE INDEX ix_tickets_due ON tickets (sla_due_at)")
    sql(db_url, "DROP INDEX ix_stock_site")
    sql(db_url, "CREATE UNIQUE INDEX ix_handmade ON sites (customer, name)")
    sql(db_url, "ALTER TABLE staff ADD COLUMN nickname VARCHAR(20) NOT NULL DEFAULT ''")
    if db_url.startswith("postgresql"):  # SQLite cannot change a column in place
        sql(db_url, "ALTER TABLE devices ALTER COLUMN serial TYPE VARCHAR(120)")
        sql(db_url, "ALTER TABLE devices ALTER COLUMN kind DROP NOT NULL")
    result = cli("db", "check", "--format", "json")
    assert result.code == 1 and result.json()["ok"] is False
    expected = [
        *(
            [
                "column devices.kind: NOT NULL in the models, nullable in the database",
                "column devices.serial: type VARCHAR(100) in the models, type VARCHAR(120) in the database",
            ]
            if db_url.startswith("postgresql")
            else []
        ),
        "index ix_handmade on sites: in the database, not in the models",
        "column staff.nickname: in the database, not in the models",
        "index ix_stock_site on stock_units: in the models, not in the database",
        "index ix_tickets_due on tickets: partial (sla_due_at IS NOT NULL) in the models, full in the database",
    ]
    assert [(p["check"], p["message"]) for p in result.json()["problems"]] == [("schema", m) for m in expected]
    assert result.err.strip().splitlines() == [f"schema: {m}" for m in expected] + [
        f"dcmaint: error: the check found {len(expected)} problems"
    ]


# Backup and restore


def test_backup_to_the_default_place(cli, home):
    populate(cli)
    result = cli.ok("db", "backup", "--format", "json").json()
    path = Path(result["path"])
    assert path.parent == home / "backups" and path.name.startswith("dcmaint-")
    assert path.is_file() and path.stat().st_size == result["bytes"] > 0
    assert result["verified"] is True and result["revision"] == revision.HEAD
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    human = cli.ok("db", "backup")
    assert str(home / "backups") in human.out and "KiB" in human.out


def test_backup_of_an_empty_store_is_refused(cli, tmp_path):
    result = cli("db", "backup", tmp_path / "b.db")
    assert result.code == 1 and len(result.err.strip().splitlines()) == 1
    assert not (tmp_path / "b.db").exists()


def test_restore_brings_back_the_state_at_backup_time(cli, db_url, tmp_path):
    populate(cli)
    cli.ok("device", "add", "srv1", "--site", "hq", "--kind", "server", "--vendor", "Dell")
    before = snapshot(cli, db_url)
    file = tmp_path / "saved" / "store.backup"
    cli.ok("db", "backup", file)

    cli.ok("site", "add", "lab", "--customer", "某研究所")
    cli.ok("site", "edit", "dr", "--customer", "另一家银行", "--sla-hours", "4")
    cli.ok("device", "remove", "srv1", "--site", "hq")
    cli.ok("site", "remove", "hq")
    cli.ok("staff", "add", "li", "--role", "pm")
    assert snapshot(cli, db_url) != before

    restored = cli.ok("db", "restore", file, "--yes", "--format", "json")
    assert restored.json()["ok"] is True and "restored" in restored.err
    assert snapshot(cli, db_url) == before
    assert cli.ok("device", "list", "--format", "json").json()[0]["name"] == "srv1"

    # The chain goes on from the restored head: new changes verify too.
    cli.ok("site", "add", "after", "--customer", "C")
    report = cli.ok("db", "check", "--format", "json").json()
    assert report["audit_head"] == before[3]["audit_log"] + 1


def test_restore_without_yes_changes_nothing(cli, db_url, tmp_path):
    populate(cli)
    cli.ok("db", "backup", tmp_path / "b")
    cli.ok("site", "add", "lab", "--customer", "X")
    before = snapshot(cli, db_url)
    result = cli("db", "restore", tmp_path / "b")
    assert result.code == 2
    assert "--yes" in result.err and len(result.err.strip().splitlines()) == 1
    assert snapshot(cli, db_url) == before


@pytest.mark.parametrize(
    "content",
    [b"", b"not a backup at all\n" * 100, b"SQLite format 3\x00" + b"\x00" * 200, b"PGDMP" + b"\x01" * 200],
    ids=["empty", "text", "sqlite-header-only", "pg-header-only"],
)
def test_restore_of_a_bad_file_changes_nothing(cli, db_url, tmp_path, content):
    populate(cli)
    bad = tmp_path / "bad.backup"
    bad.write_bytes(content)
    before = snapshot(cli, db_url)
    result = cli("db", "restore", bad, "--yes")
    assert result.code == 2, result.err
    assert len(result.err.strip().splitlines()) == 1 and "bad.backup" in result.err
    assert snapshot(cli, db_url) == before


def test_restore_of_a_missing_file(cli, db_url, tmp_path):
    populate(cli)
    before = counts(db_url)
    result = cli("db", "restore", tmp_path / "nope.db", "--yes")
    assert result.code == 2 and "does not exist" in result.err
    assert counts(db_url) == before


def test_restore_of_a_database_that_is_not_dcmaint(cli, db_url, tmp_path):
    import sqlite3

    populate(cli)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (x)")
    before = counts(db_url)
    result = cli("db", "restore", other, "--yes")
    assert result.code == 2
    assert counts(db_url) == before


def test_restore_refuses_an_unknown_revision(cli_sqlite, home, tmp_path):
    import sqlite3

    cli = cli_sqlite
    populate(cli)
    cli.ok("db", "backup", tmp_path / "b.db")
    with sqlite3.connect(tmp_path / "b.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffff'")
    result = cli("db", "restore", tmp_path / "b.db", "--yes")
    assert result.code == 2 and "ffff" in result.err


def test_restore_of_a_tampered_backup_reports_the_chain(cli_sqlite, tmp_path):
    import sqlite3

    cli = cli_sqlite
    populate(cli)
    cli.ok("db", "backup", tmp_path / "b.db")
    with sqlite3.connect(tmp_path / "b.db") as connection:
        connection.execute("UPDATE audit_log SET actor = 'nobody' WHERE seq = 1")
    result = cli("db", "restore", tmp_path / "b.db", "--yes")
    assert result.code == 1
    assert "seq 1" in result.err


def test_sqlite_backup_is_one_self_contained_file(cli_sqlite, home, tmp_path):
    import sqlite3

    populate(cli_sqlite)
    cli_sqlite.ok("db", "backup", tmp_path / "b.db")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("b.db")) == ["b.db"]
    with sqlite3.connect(tmp_path / "b.db") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert connection.execute("SELECT count(*) FROM sites").fetchone()[0] == 2
    refused = cli_sqlite("db", "backup", home / "dcmaint.db")
    assert refused.code == 2


def test_cross_backend_restore_is_refused(cli, db_url, tmp_path):
    """A SQLite backup is not restored into PostgreSQL, nor a dump into SQLite."""
    import sqlite3

    populate(cli)
    before = counts(db_url)
    if db_url.startswith("sqlite"):
        foreign = tmp_path / "x.dump"
        foreign.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 100)
        kind = "postgresql"
    else:
        foreign = tmp_path / "x.db"
        with sqlite3.connect(foreign) as connection:
            connection.execute("CREATE TABLE alembic_version (version_num TEXT)")
        kind = "sqlite"
    result = cli("db", "restore", foreign, "--yes")
    assert result.code == 2 and f"is a {kind} backup" in result.err
    assert counts(db_url) == before


# PostgreSQL specifics


def test_pg_password_travels_in_the_environment():
    from dcmaint.store import pgtools
    from dcmaint.store.urls import parse

    url = parse("postgresql://dcm:s%40cret@db.example:5433/maint?options=-csearch_path%3Dteam_a&sslmode=require")
    target = pgtools.target(url)
    assert "s%40cret" not in target.conninfo and "s@cret" not in target.conninfo
    assert target.conninfo.startswith("postgresql://dcm@db.example:5433/maint?")
    assert target.env["PGPASSWORD"] == "s@cret"
    assert target.schema == "team_a"
    assert "s%40cret" not in url.redacted()


@pytest.mark.parametrize(
    "query, schema",
    [
        ("options=-csearch_path%3Dteam_a", "team_a"),
        ("options=-c%20search_path%3Dteam_b,public", "team_b"),
        ("options=--search_path%3Dteam_c", "team_c"),
        ("sslmode=disable", None),
        ("", None),
    ],
)
def test_search_path_schema(query, schema):
    from dcmaint.store.pgtools import search_path_schema

    assert search_path_schema(query) == schema


@pytest.fixture
def cli_pg(home, pg_schema_url, capsys, monkeypatch) -> Cli:
    monkeypatch.setenv("DCMAINT_DB_URL", pg_schema_url)
    return Cli(capsys, monkeypatch)


def test_pg_password_is_never_printed(home, pg_schema_url, capsys, monkeypatch, tmp_path):
    """Trust auth ignores the password, so it can be any value: it must not appear anywhere."""
    secret = "Hunter2Secret"
    monkeypatch.setenv("DCMAINT_DB_URL", pg_schema_url.replace("postgres@", f"postgres:{secret}@"))
    cli = Cli(capsys, monkeypatch)
    seen = []
    import subprocess

    real_run = subprocess.run

    def spy(args, **kwargs):
        seen.append((list(args), kwargs.get("env") or {}))
        return real_run(args, **kwargs)

    monkeypatch.setattr(subprocess, "run", spy)
    cli.ok("site", "add", "hq", "--customer", "某银行")
    outputs = [
        cli.ok("db", "backup", tmp_path / "b.dump"),
        cli.ok("db", "check"),
        cli.ok("db", "restore", tmp_path / "b.dump", "--yes"),
    ]
    for result in outputs:
        assert secret not in result.out and secret not in result.err
    assert seen and all(secret not in " ".join(args) for args, _env in seen)
    assert any(env.get("PGPASSWORD") == secret for _args, env in seen)


def test_pg_backup_dumps_only_the_store_schema(cli_pg, tmp_path):
    from dcmaint.store import pgtools

    cli_pg.ok("site", "add", "hq", "--customer", "某银行")
    cli_pg.ok("db", "backup", tmp_path / "b.dump")
    schemas = {schema for schema, _table in pgtools.tables(tmp_path / "b.dump")}
    assert len(schemas) == 1 and next(iter(schemas)).startswith("t_")


def test_pg_restore_refuses_a_dump_of_another_schema(home, postgres, capsys, monkeypatch, tmp_path):
    """Two stores sharing a database: restoring one's dump into the other is refused."""
    import uuid

    import psycopg

    names = [f"t_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    with psycopg.connect(postgres, autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE SCHEMA "{name}"')
    try:
        cli = Cli(capsys, monkeypatch)
        monkeypatch.setenv("DCMAINT_DB_URL", f"{postgres}?options=-csearch_path%3D{names[0]}")
        cli.ok("site", "add", "a", "--customer", "A")
        cli.ok("db", "backup", tmp_path / "a.dump")
        monkeypatch.setenv("DCMAINT_DB_URL", f"{postgres}?options=-csearch_path%3D{names[1]}")
        cli.ok("site", "add", "b", "--customer", "B")
        result = cli("db", "restore", tmp_path / "a.dump", "--yes")
        assert result.code == 2 and names[0] in result.err and names[1] in result.err
        assert [s["name"] for s in cli.ok("site", "list", "-f", "json").json()] == ["b"]
    finally:
        from dcmaint.store.engine import engine_for
        from dcmaint.store.urls import parse

        with psycopg.connect(postgres, autocommit=True) as admin:
            for name in names:
                engine_for(parse(f"{postgres}?options=-csearch_path%3D{name}")).dispose()
                admin.execute(f'DROP SCHEMA "{name}" CASCADE')


def test_pg_dump_missing_is_one_line(cli_pg, tmp_path, monkeypatch):
    cli_pg.ok("site", "add", "hq", "--customer", "某银行")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = cli_pg("db", "backup", tmp_path / "b.dump")
    assert result.code == 1
    assert result.err.strip().splitlines() == [result.err.strip()] and "pg_dump" in result.err
    assert not (tmp_path / "b.dump").exists()


WRITER = """
import sys
from dcmaint.domain.records import Site
from dcmaint.services import sites
from dcmaint.store.unit import write
from dcmaint.store.urls import parse

url = parse(sys.argv[1])
for n in range(int(sys.argv[2])):
    with write(url, "collector", "site add") as unit:
        sites.add(unit, Site(f"s{n}", "某银行", None, None, None, 12, 15, "Asia/Shanghai", "cn"))
    if n == 0:
        print("writing", flush=True)  # the first site is committed
"""


def test_sqlite_backup_while_another_process_writes(cli_sqlite, home, tmp_path, monkeypatch):
    """Every backup taken during a stream of writes is a consistent store whose audit chain verifies."""
    import subprocess
    import sys

    cli = cli_sqlite
    cli.ok("db", "upgrade")
    url = f"sqlite:///{home / 'dcmaint.db'}"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, url, "300"], stdout=subprocess.PIPE, text=True)
    backups = []
    try:
        # Start copying once the writer says it is writing: on a loaded machine its start-up
        # alone can outlast every backup, and copies of an empty store prove nothing.
        assert finishes(writer.stdout.readline, what="the writer's first site") == "writing\n"
        while writer.poll() is None and len(backups) < 20:
            backups.append(tmp_path / f"b{len(backups)}.db")
            cli.ok("db", "backup", backups[-1])
    finally:
        assert writer.wait(timeout=120) == 0
        writer.stdout.close()
    seen: set[int] = set()
    for index, file in enumerate(backups):
        monkeypatch.setenv("DCMAINT_HOME", str(tmp_path / f"restored{index}"))
        report = cli.ok("db", "restore", file, "--yes", "--format", "json").json()
        assert report["ok"] and report["counts"]["sites"] == report["audit_rows"] == (report["audit_head"] or 0)
        seen.add(report["audit_rows"])
    assert len(seen) > 1, "the backups should have caught the writer at different points"
