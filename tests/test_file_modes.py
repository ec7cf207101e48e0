"""The dcmaint home, the store, the configuration, logs and backups are owner-only whatever the umask, and
`db check` warns about ones others can read (issue 11, "Secrets"; docs/configuration.md, docs/database.md)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name == "nt", reason="Windows keeps access in ACLs, not mode bits")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask there is: whatever dcmaint creates must still be owner-only."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def test_init_creates_home_store_and_configuration_owner_only(cli_sqlite, home, open_umask):
    assert not home.exists()
    cli_sqlite.ok("init")
    assert mode(home) == 0o700
    assert mode(home / "config.toml") == 0o600
    assert mode(home / "dcmaint.db") == 0o600
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(home / "dcmaint.db")) as open_store:  # WAL mode: its companions exist while open
        open_store.execute("CREATE TABLE probe (x)")
        companions = [home / "dcmaint.db-wal", home / "dcmaint.db-shm"]
        assert [mode(p) for p in companions] == [0o600, 0o600]


def test_a_store_created_by_any_command_is_owner_only_with_its_folders(cli, db_url, tmp_path, open_umask):
    cli.ok("site", "add", "hq", "--customer", "X")
    if db_url.startswith("sqlite"):
        store = tmp_path / "store" / "dcmaint.db"
        assert mode(store) == 0o600 and mode(store.parent) == 0o700


def test_config_set_makes_the_configuration_owner_only(cli_sqlite, home, open_umask):
    config = home / "config.toml"
    home.mkdir()
    config.write_text('[user]\nactor = "li"\n', encoding="utf-8")
    config.chmod(0o644)  # written by hand, or by an older dcmaint
    cli_sqlite.ok("config", "set", "database.url", "postgresql://dcmaint:S3cret@db.example.internal/dcmaint")
    assert mode(config) == 0o600


def test_the_log_file_is_owner_only(cli_sqlite, tmp_path, open_umask):
    log = tmp_path / "dcmaint.log"
    cli_sqlite.ok("--log-file", log, "site", "list")
    assert mode(log) == 0o600


def test_backups_and_their_folder_are_owner_only(cli, home, open_umask):
    cli.ok("db", "upgrade")
    backup = Path(cli.ok("db", "backup", "--format", "json").json()["path"])
    assert mode(backup) == 0o600 and mode(backup.parent) == 0o700


def test_db_check_warns_about_a_store_and_configuration_others_can_read(cli, db_url, home, tmp_path):
    cli.ok("config", "set", "user.actor", "li")
    cli.ok("site", "add", "hq", "--customer", "X")
    config = home / "config.toml"
    config.chmod(0o644)
    home.chmod(0o755)
    loose = [f"{home} has mode 0755", f"{config} has mode 0644"]
    opened = [home, config]
    if db_url.startswith("sqlite"):
        store = tmp_path / "store" / "dcmaint.db"
        store.chmod(0o644)
        loose.append(f"{store} has mode 0644")
        opened.append(store)

    result = cli("db", "check")
    assert result.code == 0, result.err  # a warning, not a problem
    warnings = [line for line in result.err.splitlines() if line.startswith("dcmaint: warning: ")]
    assert sorted(w.split(", open to other users")[0].removeprefix("dcmaint: warning: ") for w in warnings) == sorted(
        loose
    )
    assert f"make it owner-only (chmod 600 {config})" in result.err
    assert len(cli("db", "check", "--format", "json").json()["warnings"]) == len(loose)

    for path in opened:
        path.chmod(0o700 if path.is_dir() else 0o600)
    clean = cli("db", "check")
    assert clean.code == 0 and "warning" not in clean.err
