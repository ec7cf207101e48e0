"""The configuration file and its environment overrides."""

from __future__ import annotations

import tomllib

import pytest

from dcmaint import config
from dcmaint.errors import ConfigError


def test_starter_file_is_valid_and_documents_every_key():
    values = config.parse_values(tomllib.loads(config.STARTER), "starter")
    assert values["runner.concurrency"] == 64
    for key in config.KEYS:
        assert key.split(".")[1] in config.STARTER


def test_environment_overrides_file(tmp_path, monkeypatch):
    path = tmp_path / "c.toml"
    path.write_text('[database]\nurl = "sqlite:///x.db"\n[plugins]\nload = ["a"]\nstrict = false\n', encoding="utf-8")
    monkeypatch.setenv("DCMAINT_DB_URL", "postgresql://u@h/db")
    monkeypatch.setenv("DCMAINT_DISABLE_PLUGINS", "b, c")
    monkeypatch.setenv("DCMAINT_STRICT_PLUGINS", "yes")
    loaded = config.load(path)
    assert loaded.database_url == "postgresql://u@h/db"
    assert loaded.plugins.load == ("a",) and loaded.plugins.disable == ("b", "c") and loaded.plugins.strict


def test_bad_environment_value(monkeypatch, tmp_path):
    monkeypatch.setenv("DCMAINT_STRICT_PLUGINS", "perhaps")
    with pytest.raises(ConfigError, match=r"DCMAINT_STRICT_PLUGINS.*'perhaps'"):
        config.load(tmp_path / "absent.toml")


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('[runner]\ntimeout = "soon"\n', "'runner.timeout'"),
        ("[runner]\ntimeout = inf\n", "(got inf)"),
        ("[runner]\ntimeout = nan\n", "(got nan)"),
        ("[runner]\ntimeout = 0\n", "'runner.timeout' must be a number of seconds, more than 0 and at most 3600"),
        ("[plugins]\nload_timeout = 1e9\n", "'plugins.load_timeout'"),
        ("[runner]\nconcurrency = 0\n", "'runner.concurrency' must be a whole number from 1 to 1024 (got 0)"),
        ("[runner]\nconcurrency = 99999999999999999999\n", "(got 99999999999999999999)"),
        ("[runner]\nworkers = -1\n", "'runner.workers' must be a whole number from 0 to 256 (got -1)"),
        ("[runner]\nworkers = 257\n", "(got 257)"),
        ("[plugins]\nload = [1, 2]\n", "'plugins.load'"),
        ("[plugins]\nstrict = 1\n", "'plugins.strict'"),
        ('colour = "blue"\n', "'colour'"),
        ('[database]\nurl = ""\n', "'database.url'"),
    ],
)
def test_bad_values_name_file_key_and_value(tmp_path, text, named):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        config.load(path)
    assert str(path) in str(caught.value) and named in str(caught.value)


def test_init_and_set_through_the_cli(cli_sqlite, home):
    cli_sqlite.ok("init")
    assert (home / "config.toml").exists() and (home / "dcmaint.db").exists()
    again = cli_sqlite("init")
    assert again.code == 2 and "--force" in again.err
    cli_sqlite.ok("config", "set", "runner.timeout", "15")
    cli_sqlite.ok("config", "set", "plugins.disable", "vsphere,snmp")
    shown = cli_sqlite.ok("config", "show", "-f", "json").json()
    assert shown["runner.timeout"] == 15.0 and shown["plugins.disable"] == ["vsphere", "snmp"]
    before = (home / "config.toml").read_text(encoding="utf-8")
    bad = cli_sqlite("config", "set", "runner.concurrency", "many")
    assert bad.code == 2 and "'many'" in bad.err
    assert cli_sqlite("config", "set", "no.such", "1").code == 2
    assert (home / "config.toml").read_text(encoding="utf-8") == before


def test_database_url_password_is_redacted_in_config_show(cli_sqlite, monkeypatch):
    monkeypatch.setenv("DCMAINT_DB_URL", "postgresql://dcmaint:TopSecret@db.example.internal/dcmaint")
    shown = cli_sqlite.ok("config", "show", "-f", "json").json()
    assert shown["database.url"] == "postgresql+psycopg://dcmaint:********@db.example.internal/dcmaint"


def test_unsupported_database_url(cli_sqlite, monkeypatch):
    monkeypatch.setenv("DCMAINT_DB_URL", "mysql://x@y/z")
    result = cli_sqlite("site", "list")
    assert result.code == 2 and "'mysql'" in result.err
