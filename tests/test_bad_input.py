"""Bad input anywhere: one line naming the value, exit 2, nothing written (both backends)."""

from __future__ import annotations

import pytest

from tests.helpers import counts

BAD = [
    # (argv, text the one-line error must contain)
    (["site", "add", "hq", "--customer", "B"], "'hq' already exists"),
    (["site", "add", "new", "--customer", "B", "--signed", "2026-02-30"], "'2026-02-30'"),
    (["site", "add", "new", "--customer", "B", "--sla-hours", "0"], "0"),
    (["site", "add", "new", "--customer", "B", "--sla-hours", "twelve"], "'twelve'"),
    (["site", "add", "new", "--customer", "B", "--timezone", "Mars/Olympus"], "'Mars/Olympus'"),
    (["site", "add", "bad name", "--customer", "B"], "'bad name'"),
    (["site", "edit", "nowhere", "--customer", "B"], "'nowhere'"),
    (["site", "remove", "hq"], "'hq' still has 1 devices"),
    (["site", "show", "nowhere"], "'nowhere'"),
    (["device", "add", "srv02", "--site", "nowhere", "--kind", "server"], "'nowhere'"),
    (["device", "add", "srv02", "--site", "hq", "--kind", "toaster"], "'toaster'"),
    (["device", "add", "srv01", "--site", "hq", "--kind", "server"], "'srv01' already exists"),
    (["device", "add", "srv02", "--site", "hq", "--kind", "server", "--fingerprint", "zz"], "'zz'"),
    (["device", "add", "srv02", "--site", "hq", "--kind", "server", "--credential", "nope:x"], "credential"),
    (["device", "add", "srv02", "--site", "hq", "--kind", "server", "--endpoint", "a b"], "'a b'"),
    (
        ["device", "add", "srv02", "--site", "hq", "--kind", "server", "--insecure", "--fingerprint", "AB" * 32],
        "--insecure",
    ),
    (["device", "edit", "srv99", "--vendor", "X"], "'srv99'"),
    (["device", "edit", "srv01", "--move-to", "nowhere"], "'nowhere'"),
    (["device", "edit", "srv01", "--clear", "site"], "'site'"),
    (["device", "remove", "srv99"], "'srv99'"),
    (["device", "list", "--site", "nowhere"], "'nowhere'"),
    (["device", "list", "--format", "xml"], "'xml'"),
    (["device", "check-credential", "srv01"], "no credential"),
    (["staff", "add", "wang", "--role", "boss"], "'boss'"),
    (["staff", "add", "wang", "--role", "desk", "--email", "not-an-address"], "'not-an-address'"),
    (["staff", "add", "wang", "--role", "desk", "--phone", "call me"], "'call me'"),
    (["staff", "add", "li", "--role", "engineer"], "'li' already exists"),
    (["staff", "edit", "nobody", "--role", "desk"], "'nobody'"),
    (["audit", "list", "--since", "last week"], "'last week'"),
    (["site", "list", "--bogus"], "--bogus"),
]


@pytest.fixture
def populated(cli):
    cli.ok("site", "add", "hq", "--customer", "某银行")
    cli.ok("device", "add", "srv01", "--site", "hq", "--kind", "server")
    cli.ok("staff", "add", "li", "--role", "engineer")
    return cli


@pytest.mark.parametrize(("argv", "named"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(populated, db_url, argv, named):
    before = counts(db_url)
    result = populated(*argv)
    assert result.code == 2, result.err
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dcmaint: error: "), result.err
    assert named in lines[0]
    assert counts(db_url) == before


def test_mistyped_password_in_credential_is_not_echoed(populated, db_url):
    result = populated("device", "add", "srv02", "--site", "hq", "--kind", "server", "--credential", "Hunter2!")
    assert result.code == 2 and "Hunter2" not in result.err


def test_broken_config_names_file_key_and_value(cli_sqlite, home):
    home.mkdir(parents=True)
    config = home / "config.toml"
    config.write_text("[runner]\nconcurrency = -4\n", encoding="utf-8")
    result = cli_sqlite("site", "list")
    assert result.code == 2
    assert str(config) in result.err and "runner.concurrency" in result.err and "-4" in result.err
    config.write_text("[runner]\nspeed = 3\n", encoding="utf-8")
    assert "'runner.speed'" in cli_sqlite("site", "list").err
    config.write_text("[runner\n", encoding="utf-8")
    assert "not valid TOML" in cli_sqlite("site", "list").err
    assert not (home / "dcmaint.db").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["site", "add", "long", "--customer", "客" * 201],
        ["device", "add", "srv02", "--site", "hq", "--kind", "server", "--serial", "S" * 101],
        ["device", "edit", "srv01", "--model", "M" * 101],
        ["staff", "add", "wang", "--role", "desk", "--email", "a" * 195 + "@x.com"],
    ],
    ids=["site customer", "device serial", "device edit model", "staff email"],
)
def test_text_longer_than_its_column_is_refused_on_both_backends(populated, db_url, argv):
    before = counts(db_url)
    result = populated(*argv)
    assert result.code == 2 and "longer than" in result.err and len(result.err.strip().splitlines()) == 1
    assert counts(db_url) == before
