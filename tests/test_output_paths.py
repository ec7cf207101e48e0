"""Output paths never overwrite what dcmaint owns, and ``-`` is standard output.

``ticket form --output``, ``health --output``, ``--log-file`` and ``db backup FILE`` refuse the live store (a
SQLite file and its journal files), the configuration file and the backups folder, whatever the spelling (a
relative path, a symbolic or a hard link): exit 2 (3 for ``health``), one line naming the file, nothing
written. docs/forms.md, docs/health.md, docs/cli.md.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from tests.helpers import audit, counts

T1 = "T-2026-000001"


@pytest.fixture
def desk(cli, home):
    """A store (either backend) with a configuration file, a backup and a ticket that has a form."""
    cli.ok("init")
    cli.ok("site", "add", "hq", "--customer", "某银行")
    cli.ok("ticket", "new", "--site", "hq", "--description", "PSU 2 故障")
    cli.ok("db", "backup")
    return cli


def owned_files(home: Path, db_url: str) -> list[Path]:
    """The configuration file, a backup, a new file in the backups folder and, on SQLite, the store's files."""
    files = [home / "config.toml", next((home / "backups").iterdir()), home / "backups" / "new.pdf"]
    if db_url.startswith("sqlite:///"):
        store = Path(db_url.removeprefix("sqlite:///"))
        files += [store, Path(f"{store}-wal"), Path(f"{store}-journal")]
    return files


def snapshot(home: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file() and "-wal" not in p.name}


def one_line(result, code: int, named: str) -> None:
    lines = (result.err or result.out).strip().splitlines()
    assert result.code == code and len(lines) == 1 and named in lines[0], result


def test_ticket_form_and_log_file_refuse_the_store_its_config_and_backups(desk, db_url, home):
    before, chain, files = counts(db_url), audit(db_url), snapshot(home)
    for target in owned_files(home, db_url):
        for argv in (
            ["ticket", "form", T1, "--format", "md", "--output", str(target)],
            ["--log-file", str(target), "site", "list"],
        ):
            result = desk(*argv)
            one_line(result, 2, str(target))
            assert result.out == ""
    assert counts(db_url) == before and audit(db_url) == chain and snapshot(home) == files
    assert not (home / "backups" / "new.pdf").exists()


def test_the_default_sqlite_store_is_refused_under_any_spelling(cli_sqlite, home, tmp_path, monkeypatch):
    cli_sqlite.ok("init")
    cli_sqlite.ok("site", "add", "hq", "--customer", "某银行")
    cli_sqlite.ok("ticket", "new", "--site", "hq", "--description", "PSU 2 故障")
    store = home / "dcmaint.db"
    link, hard = tmp_path / "link.db", tmp_path / "hard.db"
    link.symlink_to(store)
    os.link(store, hard)
    monkeypatch.chdir(home)
    data = store.read_bytes()
    for spelling in (store, link, hard, Path("dcmaint.db"), Path("../home/./dcmaint.db"), home / "dcmaint.db-wal"):
        for argv in (
            ["ticket", "form", T1, "--format", "md", "--output", str(spelling)],
            ["--log-file", str(spelling), "site", "list"],
            ["db", "backup", str(spelling)],
        ):
            result = cli_sqlite(*argv)
            one_line(result, 2, str(spelling))
            assert "live database" in result.err
    nagios = cli_sqlite("health", "--format", "nagios", "--output", str(link))
    assert nagios.code == 3 and nagios.out.startswith("DCMAINT UNKNOWN - --output") and "live database" in nagios.out
    assert store.read_bytes() == data


def test_db_backup_still_writes_into_the_backups_folder(desk, home):
    target = home / "backups" / "by-hand.db"
    desk.ok("db", "backup", str(target))
    assert target.is_file()


def test_a_dash_is_standard_output(desk, db_url, home):
    form = desk.ok("ticket", "form", T1, "--format", "md", "--output", "-")
    assert form.out.startswith("# 维护单 T-2026-000001") and not Path("-").exists()
    health = desk("health", "--format", "nagios", "--output", "-")
    assert health.out.startswith("DCMAINT UNKNOWN - no devices to poll") and not Path("-").exists()
    root = logging.getLogger()
    handlers = list(root.handlers)
    try:
        logged = desk("--log-file", "-", "site", "show", "nosuch")
    finally:  # the in-process run leaves its handler on the root logger, writing to this test's captured stderr
        for handler in set(root.handlers) - set(handlers):
            root.removeHandler(handler)
    assert logged.code == 2 and "failed: unknown site 'nosuch'" in logged.err and "nosuch" not in logged.out


def test_a_config_file_that_does_not_exist_is_an_error(cli_sqlite, tmp_path):
    missing = tmp_path / "nosuch.toml"
    result = cli_sqlite("--config", str(missing), "site", "list")
    one_line(result, 2, str(missing))
    nagios = cli_sqlite("--config", str(missing), "health", "--format", "nagios")
    assert nagios.code == 3 and nagios.out.startswith("DCMAINT UNKNOWN - --config") and str(missing) in nagios.out
    cli_sqlite.ok("--config", str(missing), "init")  # init is how such a file is made
    cli_sqlite.ok("--config", str(missing), "site", "list")


def test_an_unknown_audit_entity_is_an_error(desk, db_url):
    one_line(desk("audit", "list", "--entity", "nosuch"), 2, "'nosuch'")
    entries = desk.ok("audit", "list", "--entity", "site", "-f", "json").json()
    assert [entry["entity"] for entry in entries] == ["site"]


def test_a_log_file_that_cannot_be_opened_is_one_line(cli_sqlite, tmp_path):
    missing = tmp_path / "nosuch" / "dcmaint.log"
    one_line(cli_sqlite("--log-file", str(missing), "site", "list"), 2, str(missing))


def test_a_simulators_endpoints_file_is_never_the_store(cli_sqlite, home):
    cli_sqlite.ok("init")
    config = home / "config.toml"
    text = config.read_text(encoding="utf-8")
    result = cli_sqlite("sim", "redfish", "--endpoints-file", str(config))
    one_line(result, 2, str(config))
    assert config.read_text(encoding="utf-8") == text
